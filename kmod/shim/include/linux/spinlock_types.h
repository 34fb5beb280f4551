/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_SPINLOCK_TYPES_H
#define _LINUX_SPINLOCK_TYPES_H

/*
 * A spinlock is a futex word (0 free, 1 held, 2 held with waiters): a
 * user-space thread holding it can be preempted, so spinning would waste
 * the other core.  Zero-initialised means unlocked, as in the kernel.
 */
typedef struct spinlock {
	int futex;
} spinlock_t;

typedef spinlock_t raw_spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name) { 0 }
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

#endif
