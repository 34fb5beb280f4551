/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsimd's event loop: one thread, epoll, callbacks in the order the
 * kernel reports readiness.  Single-threaded on purpose: the trace order
 * is the order things happened, and the semantic core needs no locks.
 */
#ifndef HVSIM_LOOP_H
#define HVSIM_LOOP_H

#include <stdint.h>

struct loop_watch {
	int fd;
	void (*cb)(struct loop_watch *w, uint32_t events);
};

int loop_init(void);
void loop_fini(void);
int loop_add(struct loop_watch *w, uint32_t events);
int loop_mod(struct loop_watch *w, uint32_t events);
void loop_del(struct loop_watch *w);
/*
 * Removes `w` from the loop, closes its fd (w->fd becomes -1), and frees
 * `container` (the malloc'd object holding w, or NULL) once the current
 * batch of events is done, so no pending event reaches freed memory.
 */
void loop_close_watch(struct loop_watch *w, void *container);
/* Frees what loop_close_watch deferred (outside loop_run: at exit). */
void loop_flush_deferred(void);
/* Runs until loop_stop(); returns 0, or -errno if epoll failed. */
int loop_run(void);
void loop_stop(void);
/*
 * A hook the loop calls after each batch of events, and once the time it
 * returned has passed with none: how many milliseconds the loop may wait
 * for events before calling it again (-1: no limit).  NULL: none.
 */
void loop_set_hook(int (*fn)(void));

#endif
