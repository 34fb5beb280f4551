// SPDX-License-Identifier: GPL-2.0-only
/*
 * Closing a watch in the middle of a batch of events (loop.h): the part of
 * the loop that hvsimd's epoll loop (loop.c) and the fuzzers' step-by-step
 * one (tests/fuzz/fuzz_loop.c) share.  Each provides loop_del; both free
 * what was deferred once their batch is over.
 */
#include <stdlib.h>
#include <unistd.h>

#include "loop.h"

static void **deferred;
static size_t nr_deferred, deferred_cap;

void loop_close_watch(struct loop_watch *w, void *container)
{
	if (w->fd >= 0) {
		loop_del(w);
		close(w->fd);
		w->fd = -1;
	}
	if (nr_deferred == deferred_cap) {
		size_t cap = deferred_cap ? 2 * deferred_cap : 16;
		void **n = realloc(deferred, cap * sizeof(*n));

		if (!n) {
			/* leak rather than risk a use after free */
			return;
		}
		deferred = n;
		deferred_cap = cap;
	}
	deferred[nr_deferred++] = container;
}

void loop_flush_deferred(void)
{
	for (size_t i = 0; i < nr_deferred; i++)
		free(deferred[i]);
	nr_deferred = 0;
}
