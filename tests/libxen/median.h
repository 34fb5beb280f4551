/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-round timings and their median: the benchmarks share a two-core
 * machine with other work, and the median of many rounds is what a round
 * costs when nothing else gets in the way, on both sides of a ratio.
 */
#ifndef LIBXEN_MEDIAN_H
#define LIBXEN_MEDIAN_H

#include <stddef.h>

struct rounds {
	long long *ns;
	size_t n, cap;
};

/* Records one round's duration (silently drops rounds beyond 1 << 20). */
void rounds_add(struct rounds *r, long long ns);
/* The median duration in ns (0 if none); frees the record. */
double rounds_median(struct rounds *r);

#endif
