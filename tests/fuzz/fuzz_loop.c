// SPDX-License-Identifier: GPL-2.0-only
/*
 * The loop of hv-sim/loop.h run step by step (fuzz_loop.h).  It keeps the
 * real loop's rules that the transports rely on: level-triggered events,
 * hang-ups and errors reported whatever was asked, a callback never run
 * for a watch closed earlier in the same round, and closed watches'
 * containers freed only once the round is over.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "loop.h"
#include "fuzz_loop.h"

struct entry {
	struct loop_watch *w;
	uint32_t events;
};

static struct entry *entries;
static size_t nr_entries, cap_entries;
static bool stopping;
static int (*hook)(void);

static struct entry *find(const struct loop_watch *w)
{
	for (size_t i = 0; i < nr_entries; i++)
		if (entries[i].w == w)
			return &entries[i];
	return NULL;
}

int loop_init(void)
{
	stopping = false;
	return 0;
}

void loop_fini(void)
{
	nr_entries = 0;
}

int loop_add(struct loop_watch *w, uint32_t events)
{
	if (w->fd < 0)
		return -EBADF;
	for (size_t i = 0; i < nr_entries; i++)
		if (entries[i].w->fd == w->fd)
			return -EEXIST;	/* epoll_ctl's answer for an fd added twice */
	if (nr_entries == cap_entries) {
		size_t cap = cap_entries ? 2 * cap_entries : 64;
		struct entry *n = realloc(entries, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		entries = n;
		cap_entries = cap;
	}
	entries[nr_entries++] = (struct entry){ w, events };
	return 0;
}

int loop_mod(struct loop_watch *w, uint32_t events)
{
	struct entry *e = find(w);

	if (!e)
		return -ENOENT;
	e->events = events;
	return 0;
}

void loop_del(struct loop_watch *w)
{
	struct entry *e = find(w);

	if (e)
		*e = entries[--nr_entries];
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
	while (!stopping) {
		fuzz_loop_once();
		if (hook)
			hook();
	}
	loop_flush_deferred();
	return 0;
}

static uint32_t to_epoll(short revents)
{
	return (revents & POLLIN ? EPOLLIN : 0) | (revents & POLLOUT ? EPOLLOUT : 0) |
	       (revents & POLLHUP ? EPOLLHUP : 0) | (revents & POLLERR ? EPOLLERR : 0) |
	       (revents & POLLRDHUP ? EPOLLRDHUP : 0);
}

int fuzz_loop_once(void)
{
	struct pollfd *p = calloc(nr_entries + 1, sizeof(*p));
	struct entry *snap = calloc(nr_entries + 1, sizeof(*snap));
	size_t n = nr_entries;
	int ran = 0;

	if (!p || !snap)
		abort();
	for (size_t i = 0; i < n; i++) {
		snap[i] = entries[i];
		p[i].fd = entries[i].w->fd;
		p[i].events = (short)((entries[i].events & EPOLLIN ? POLLIN : 0) |
				      (entries[i].events & EPOLLOUT ? POLLOUT : 0));
	}
	if (n && poll(p, n, 0) > 0) {
		for (size_t i = 0; i < n; i++) {
			struct entry *e;

			if (!p[i].revents || (p[i].revents & POLLNVAL))
				continue;
			/* closed, or closed and re-added, by an earlier callback */
			e = find(snap[i].w);
			if (!e || e->w->fd != p[i].fd)
				continue;
			/* asked-for bits, and hang-ups and errors always */
			uint32_t ev = to_epoll(p[i].revents) &
				      (e->events | EPOLLHUP | EPOLLERR);
			if (!ev)
				continue;
			e->w->cb(e->w, ev);
			ran++;
		}
	}
	free(p);
	free(snap);
	loop_flush_deferred();
	return ran;
}

void fuzz_loop_settle(int limit)
{
	for (int i = 0; i < limit; i++)
		if (fuzz_loop_once() == 0)
			return;
	fprintf(stderr, "fuzz_loop: still busy after %d rounds: hvsimd's loop would spin\n",
		limit);
	abort();
}

int fuzz_loop_watches(void)
{
	return (int)nr_entries;
}
