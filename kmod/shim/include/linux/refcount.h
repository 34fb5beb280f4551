/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * refcount_t: an atomic count that WARNs (and saturates) on increment from
 * zero and on underflow, as the kernel's does.
 */
#ifndef _LINUX_REFCOUNT_H
#define _LINUX_REFCOUNT_H

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/limits.h>

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n) { .refs = ATOMIC_INIT(n), }
#define REFCOUNT_SATURATED (INT_MIN / 2)

static inline void refcount_set(refcount_t *r, int n) { atomic_set(&r->refs, n); }
static inline unsigned int refcount_read(const refcount_t *r) { return atomic_read(&r->refs); }

static inline void refcount_inc(refcount_t *r)
{
	int old = atomic_fetch_add(1, &r->refs);

	if (WARN(old <= 0, "refcount_t: addition on 0; use-after-free.\n"))
		atomic_set(&r->refs, REFCOUNT_SATURATED);
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	return atomic_inc_not_zero(&r->refs);
}

static inline bool refcount_dec_and_test(refcount_t *r)
{
	int old = atomic_fetch_sub(1, &r->refs);

	if (old == 1)
		return true;
	if (WARN(old <= 0, "refcount_t: underflow; use-after-free.\n"))
		atomic_set(&r->refs, REFCOUNT_SATURATED);
	return false;
}

static inline void refcount_dec(refcount_t *r)
{
	WARN(refcount_dec_and_test(r), "refcount_t: decrement hit 0; leaking memory.\n");
}

#endif
