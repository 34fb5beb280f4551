/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A call runs on its caller's CPU.
 *
 * In Linux a system call, and in Xen a hypercall, runs on the CPU of the
 * thread that makes it.  Here the callee is a thread of another process
 * (the guest kernel's device thread, hvsimd), and the host's scheduler
 * wakes a thread on an idle CPU when there is one: on a VM whose idle
 * vCPUs halt that costs 20-100 us a hand-off, against 2-5 us on the
 * caller's own CPU, which the caller leaves as it blocks for the reply
 * (docs/performance.md).  So each request on the device and hypercall
 * sockets says which CPU its caller is on, and the thread serving it
 * moves there, only when that changes, and only among the CPUs it was
 * allowed when it started (a `taskset` of the user's stays in force).
 *
 * hvsimd follows only a caller that keeps to its CPU, one that says so
 * with HVSIM_CPU_HELD: a guest kernel's device thread once it follows its
 * program (libhvsim-guest's hvsim_guest_set_cpu_held).  A caller the
 * scheduler moves about, such as a program calling hvsimd itself through
 * libhvsim-guest, is woken on the idle CPU while hvsimd still finishes
 * its reply; following it moved hvsimd every few calls, each time away
 * from the data of its batches, and halved a batch of grant copies
 * (docs/performance.md).
 *
 * HVSIM_FOLLOW_CPU=0 in the environment of the serving process turns
 * this off (every hand-off is then the scheduler's choice).
 */
#ifndef HVSIM_CPU_H
#define HVSIM_CPU_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What a request carries: the calling thread's CPU + 1, 0 if unknown. */
static inline uint32_t hvsim_caller_cpu(void)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : (uint32_t)cpu + 1;
}

/* Or'ed into a request's CPU: the caller is held to that CPU. */
#define HVSIM_CPU_HELD	(1u << 31)

/*
 * One serving thread's state.  `allowed` is the process's own affinity,
 * read before any of its threads followed a caller (the serving thread's
 * may already be a caller's); NULL turns following off.  A thread or a
 * process started by a following thread inherits its one CPU, so the
 * process gives its new threads and children `allowed` back.
 */
struct hvsim_cpu_follow {
	cpu_set_t allowed;
	uint32_t on;		/* the caller CPU + 1 it is held to, 0: none */
	uint32_t seen;		/* the CPU + 1 the last request came from */
	unsigned int streak;	/* requests in a row from `seen` */
	unsigned int settle;	/* a new CPU is followed after this many */
	bool held_only;		/* only callers held to their CPU are followed */
	bool off;
};

/*
 * `settle`: a thread serving one caller follows it at once (1); one that
 * serves callers on several CPUs in turn (hvsimd) would move at every
 * request, so it moves after `settle` requests in a row from the new CPU.
 * `held_only`: requests without HVSIM_CPU_HELD are served where the
 * thread is and do not count.
 */
static inline void hvsim_cpu_follow_init(struct hvsim_cpu_follow *f,
					 const cpu_set_t *allowed, unsigned int settle,
					 bool held_only)
{
	const char *env = getenv("HVSIM_FOLLOW_CPU");

	memset(f, 0, sizeof(*f));
	f->off = !allowed || (env && strcmp(env, "0") == 0);
	f->settle = settle ? settle : 1;
	f->held_only = held_only;
	if (allowed)
		f->allowed = *allowed;
}

/* Called by the serving thread with a request's `cpu` before serving it. */
static inline void hvsim_cpu_follow(struct hvsim_cpu_follow *f, uint32_t caller)
{
	bool held = caller & HVSIM_CPU_HELD;
	cpu_set_t one;

	caller &= ~HVSIM_CPU_HELD;
	if (f->off || caller == 0 || (f->held_only && !held))
		return;
	f->streak = caller == f->seen ? f->streak + 1 : 1;
	f->seen = caller;
	if (caller == f->on || f->streak < f->settle)
		return;
	if (caller > CPU_SETSIZE || !CPU_ISSET(caller - 1, &f->allowed)) {
		/* the caller runs where we may not: let the scheduler choose */
		if (f->on && sched_setaffinity(0, sizeof(f->allowed), &f->allowed) == 0)
			f->on = 0;
		return;
	}
	CPU_ZERO(&one);
	CPU_SET(caller - 1, &one);
	if (sched_setaffinity(0, sizeof(one), &one) == 0) {
		f->on = caller;
		return;
	}
	/* e.g. a cpuset that changed under us: stop following */
	if (f->on)
		sched_setaffinity(0, sizeof(f->allowed), &f->allowed);
	f->on = 0;
	f->off = true;
}

#endif /* HVSIM_CPU_H */
