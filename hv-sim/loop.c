// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "loop.h"

static int epfd = -1;
static bool stopping;
static int (*hook)(void);

int loop_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	stopping = false;
	return epfd < 0 ? -errno : 0;
}

void loop_fini(void)
{
	if (epfd >= 0)
		close(epfd);
	epfd = -1;
}

int loop_add(struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, w->fd, &ev) < 0 ? -errno : 0;
}

int loop_mod(struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0 ? -errno : 0;
}

void loop_del(struct loop_watch *w)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

void loop_stop(void)
{
	stopping = true;
}

void loop_set_hook(int (*fn)(void))
{
	hook = fn;
}

int loop_run(void)
{
	struct epoll_event evs[64];
	int timeout = -1;

	while (!stopping) {
		int n = epoll_wait(epfd, evs, 64, timeout);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/*
		 * A callback may close another watch whose event is later in
		 * this batch: closed watches have fd -1 and are freed only
		 * after the batch.
		 */
		for (int i = 0; i < n && !stopping; i++) {
			struct loop_watch *w = evs[i].data.ptr;

			if (w->fd >= 0)
				w->cb(w, evs[i].events);
		}
		loop_flush_deferred();
		timeout = hook ? hook() : -1;
	}
	loop_flush_deferred();
	return 0;
}
