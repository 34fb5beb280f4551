/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsimd's event loop for the fuzzers: the interface of hv-sim/loop.h,
 * driven one step at a time by the harness instead of blocking in
 * epoll_wait.  The transports (hypercall.c, control.c, xenstore_server.c)
 * are linked unmodified and register their watches here; the harness
 * writes a message on its end of a socket and runs the loop until
 * nothing is ready any more.
 */
#ifndef FUZZ_LOOP_H
#define FUZZ_LOOP_H

#include <stdbool.h>

/*
 * One round: polls every watch without waiting and calls the callback of
 * each ready one, with epoll's event bits (EPOLLHUP and EPOLLERR even when
 * not asked for, as epoll reports them); then frees what
 * loop_close_watch deferred.  Returns how many callbacks ran.
 */
int fuzz_loop_once(void);

/*
 * Rounds until none runs a callback.  Aborts (a finding) after `limit`
 * rounds: hvsimd's real loop would spin there without ever waiting.
 */
void fuzz_loop_settle(int limit);

/* Watches registered now (to check that a test left none behind). */
int fuzz_loop_watches(void);

#endif
