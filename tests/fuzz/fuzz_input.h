/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a fuzzer's input as a stream of fields.  Past the end every
 * field reads as zeros, so any input is a valid program of actions; the
 * harnesses loop while fz_left() says there is more.
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* libFuzzer's entry points, which each harness defines. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline size_t fz_left(const struct fz *f)
{
	return f->n;
}

/* Copies up to len bytes, zeros for what the input lacks; returns how many came. */
static inline size_t fz_bytes(struct fz *f, void *buf, size_t len)
{
	size_t k = len < f->n ? len : f->n;

	memcpy(buf, f->p, k);
	memset((uint8_t *)buf + k, 0, len - k);
	f->p += k;
	f->n -= k;
	return k;
}

static inline uint8_t fz_u8(struct fz *f)
{
	uint8_t v;

	fz_bytes(f, &v, 1);
	return v;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint8_t b[2];

	fz_bytes(f, b, 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t fz_u32(struct fz *f)
{
	uint8_t b[4];

	fz_bytes(f, b, 4);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t fz_u64(struct fz *f)
{
	uint64_t lo = fz_u32(f);

	return lo | (uint64_t)fz_u32(f) << 32;
}

/* A pointer to the next len bytes of the input itself (fewer at its end). */
static inline const uint8_t *fz_take(struct fz *f, size_t *len)
{
	const uint8_t *p = f->p;

	if (*len > f->n)
		*len = f->n;
	f->p += *len;
	f->n -= *len;
	return p;
}

#endif
