// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-copy: the grant copy figure of bench-libxen (issue 20), through
 * Debian's libxengnttab: xengnttab_grant_copy, that is gntdev's
 * IOCTL_GNTDEV_GRANT_COPY in this domain's kernel, of one 4 KiB segment
 * per granted page (the pages bench-share grants), both ways:
 *   in:  from each grant into the program's own buffer;
 *   out: from the program's buffer into each grant.
 * One call per round with every segment; the buffer is cleared before each
 * "in" round, outside the timing, so that every byte copied in differs
 * from what was there (as when a program copies fresh data: the bytes do
 * have to reach the program).  Says "copy in-bytes-per-s N out-bytes-per-s
 * N rounds R", medians over the rounds of MS milliseconds each way.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"
#include "median.h"
#include "peer.h"

static void set_segments(xengnttab_grant_copy_segment_t *seg, const uint32_t *refs,
			 uint32_t count, uint32_t peer, uint8_t *buf, bool in)
{
	memset(seg, 0, count * sizeof(*seg));
	for (uint32_t i = 0; i < count; i++) {
		void *own = buf + (size_t)i * PAGE_SIZE_4K;

		seg[i].len = PAGE_SIZE_4K;
		if (in) {
			seg[i].source.foreign.ref = refs[i];
			seg[i].source.foreign.domid = (uint16_t)peer;
			seg[i].dest.virt = own;
			seg[i].flags = GNTCOPY_source_gref;
		} else {
			seg[i].source.virt = own;
			seg[i].dest.foreign.ref = refs[i];
			seg[i].dest.foreign.domid = (uint16_t)peer;
			seg[i].flags = GNTCOPY_dest_gref;
		}
	}
}

/* Median bytes per second of `count` segments a call, for `ms`. */
static double copy_rate(xengnttab_handle *xgt, xengnttab_grant_copy_segment_t *seg,
			uint32_t count, uint8_t *buf, bool in, long long ms, unsigned int *rounds)
{
	struct rounds r = { 0 };
	long long start = now_ns(), t0, t1;

	do {
		if (in)
			memset(buf, 0, (size_t)count * PAGE_SIZE_4K);
		t0 = now_ns();
		if (xengnttab_grant_copy(xgt, count, seg) < 0)
			die_sys("xengnttab_grant_copy of %u segments", count);
		t1 = now_ns();
		for (uint32_t i = 0; i < count; i++)
			if (seg[i].status != GNTST_okay)
				die("segment %u: status %d", i, seg[i].status);
		rounds_add(&r, t1 - t0);
		(*rounds)++;
	} while (t1 - start < ms * 1000000);
	return (double)count * PAGE_SIZE_4K * 1e9 / rounds_median(&r);
}

int bench_copy_main(int argc, char **argv)
{
	uint32_t peer, count, *refs;
	xengnttab_grant_copy_segment_t *seg;
	unsigned int rounds = 0;
	uint8_t *buf;
	long long ms;

	if (argc < 4)
		die("usage: bench-copy PEER MS REF...");
	peer = parse_u32(argv[1], "domid");
	ms = parse_u32(argv[2], "milliseconds");
	count = (uint32_t)argc - 3;
	refs = parse_refs(argc - 3, argv + 3);
	seg = calloc(count, sizeof(*seg));
	buf = aligned_alloc(PAGE_SIZE_4K, (size_t)count * PAGE_SIZE_4K);
	if (!seg || !buf)
		die_sys("allocating %u segments", count);

	xengnttab_handle *xgt = open_gnttab();

	set_segments(seg, refs, count, peer, buf, true);
	double in = copy_rate(xgt, seg, count, buf, true, ms, &rounds);

	/* what came in is the sharer's: bench-share fills page i with its mark */
	if (buf[0] == 0 && buf[PAGE_SIZE_4K - 1] == 0)
		die("the copy brought nothing in");
	set_segments(seg, refs, count, peer, buf, false);
	double out = copy_rate(xgt, seg, count, buf, false, ms, &rounds);

	say("copy in-bytes-per-s %.0f out-bytes-per-s %.0f rounds %u", in, out, rounds);
	xengnttab_close(xgt);
	free(buf);
	free(seg);
	free(refs);
	return 0;
}
