// SPDX-License-Identifier: GPL-2.0-only
/*
 * Watches the programs that use the devices (one pidfd each) and tells the
 * kernel when one exits, so that its mappings go then, as exit_mmap() does
 * on Linux, whoever still holds its device connections.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hostif.h"
#include "host.h"

struct watch {
	int pid;
	int pidfd;
	struct watch *next;
};

static int epfd = -1;
static struct watch *watches;
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;

int hostk_watch_process(int pid)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)pid };
	struct watch *w = malloc(sizeof(*w));
	int fd;

	if (!w)
		return -ENOMEM;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0) {
		free(w);
		return -errno;
	}
	w->pid = pid;
	w->pidfd = fd;
	pthread_mutex_lock(&watch_lock);
	w->next = watches;
	watches = w;
	epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
	pthread_mutex_unlock(&watch_lock);
	return 0;
}

void hostk_unwatch_process(int pid)
{
	struct watch **pw, *w;

	pthread_mutex_lock(&watch_lock);
	for (pw = &watches; (w = *pw); pw = &w->next) {
		if (w->pid == pid) {
			*pw = w->next;
			epoll_ctl(epfd, EPOLL_CTL_DEL, w->pidfd, NULL);
			close(w->pidfd);
			free(w);
			break;
		}
	}
	pthread_mutex_unlock(&watch_lock);
}

static void procwatch_thread(void *arg)
{
	struct epoll_event ev[16];

	for (;;) {
		int n = epoll_wait(epfd, ev, 16, -1);

		for (int i = 0; i < n; i++) {
			int pid = (int)ev[i].data.u32;
			struct watch *w;

			/* Once: stop listening before the kernel takes it down. */
			pthread_mutex_lock(&watch_lock);
			for (w = watches; w; w = w->next)
				if (w->pid == pid)
					epoll_ctl(epfd, EPOLL_CTL_DEL, w->pidfd, NULL);
			pthread_mutex_unlock(&watch_lock);
			kmod_mm_exit(pid);
		}
	}
}

int procwatch_start(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -errno;
	return hostk_thread_create(procwatch_thread, NULL, "procwatch");
}

/* The domain is destroyed: every program that used its devices dies. */
void procwatch_kill_all(void)
{
	pthread_mutex_lock(&watch_lock);
	for (struct watch *w = watches; w; w = w->next)
		syscall(SYS_pidfd_send_signal, w->pidfd, SIGKILL, NULL, 0);
	pthread_mutex_unlock(&watch_lock);
}
