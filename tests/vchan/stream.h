/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test data that crosses a vchan: a byte stream that both ends can
 * generate from a seed (so a receiver can say at which offset it went
 * wrong), a checksum that both ends fold over what they sent and what they
 * received, and the random sizes of the writes and reads that chop it up.
 */
#ifndef VCHAN_STREAM_H
#define VCHAN_STREAM_H

#include <stddef.h>
#include <stdint.h>

/* Byte `pos` of the stream of `seed` does not depend on how the stream is
 * cut into pieces, so a reader can check any piece it gets. */
struct vstream {
	uint64_t seed;
	uint64_t pos;      /* bytes produced or checked so far */
	uint64_t sum;      /* FNV-1a over those bytes */
};

void vstream_init(struct vstream *s, uint64_t seed);
/* The next n bytes of the stream into buf. */
void vstream_fill(struct vstream *s, void *buf, size_t n);
/*
 * Checks that buf holds the next n bytes.  Returns n, or the index of the
 * first byte that differs (then s is not advanced past it).
 */
size_t vstream_check(struct vstream *s, const void *buf, size_t n);
/* Folds n bytes into the running checksum without checking them. */
void vstream_absorb(struct vstream *s, const void *buf, size_t n);

/* FNV-1a of `n` bytes, continuing from `sum` (start: VSTREAM_SUM_INIT). */
#define VSTREAM_SUM_INIT 0xcbf29ce484222325ull
uint64_t vstream_sum(uint64_t sum, const void *buf, size_t n);

/* The checksum of the first `len` bytes of the stream of `seed`. */
uint64_t vstream_expected_sum(uint64_t seed, uint64_t len);

/*
 * Random sizes in [1, max]: mostly small (a byte, a header), often around
 * a page, sometimes as big as allowed, so that writes straddle the ring's
 * end and outgrow its free space.
 */
struct vsizes {
	uint64_t state;
	size_t max;
};

void vsizes_init(struct vsizes *z, uint64_t seed, size_t max);
size_t vsizes_next(struct vsizes *z);

#endif
