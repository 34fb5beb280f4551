/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The clock every benchmark times with: CLOCK_MONOTONIC in nanoseconds,
 * the same on both sides of a ratio.
 */
#ifndef HVSIM_TESTS_BENCH_CLOCK_H
#define HVSIM_TESTS_BENCH_CLOCK_H

#include <time.h>

static inline long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif
