// SPDX-License-Identifier: GPL-2.0-only
/*
 * --mode ping: small-message round trips for bench-vchan (issue 20).  The
 * client writes --write-size bytes (default 64), the server reads them all
 * and writes them back, the client reads them all: one round.  Both ends
 * block in libxenvchan_recv (the event channel's read), as a program that
 * waits for a request does.  The client says "ping rtt-ns N rounds R",
 * the median over the rounds after a warm-up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench_clock.h"
#include "vchan_link.h"

#define WARMUP 100u

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

long long vlink_now_ns(void)
{
	return now_ns();
}

int vlink_ping(struct vlink *l, const struct vlink_opts *o)
{
	size_t size = o->write_size ? o->write_size : 64;
	unsigned int rounds = o->rounds ? o->rounds : 1000, total = WARMUP + rounds;
	char *buf = malloc(size);
	long long *rtt = calloc(rounds, sizeof(*rtt));

	if (!buf || !rtt) {
		vlink_err(l, "malloc");
		return 1;
	}
	memset(buf, 0x5a, size);
	for (unsigned int i = 0; i < total; i++) {
		long long t = now_ns();

		if (!l->is_server && libxenvchan_send(l->ctrl, buf, size) != (int)size) {
			vlink_err(l, "libxenvchan_send of round %u", i);
			return 1;
		}
		if (libxenvchan_recv(l->ctrl, buf, size) != (int)size) {
			vlink_err(l, "libxenvchan_recv of round %u", i);
			return 1;
		}
		if (l->is_server && libxenvchan_send(l->ctrl, buf, size) != (int)size) {
			vlink_err(l, "libxenvchan_send of round %u", i);
			return 1;
		}
		if (i >= WARMUP)
			rtt[i - WARMUP] = now_ns() - t;
	}
	if (!l->is_server) {
		qsort(rtt, rounds, sizeof(*rtt), cmp_ll);
		printf("ping rtt-ns %lld rounds %u\n", rtt[rounds / 2], rounds);
	}
	free(rtt);
	free(buf);
	return 0;
}
