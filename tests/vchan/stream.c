// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "stream.h"

#define FNV_PRIME 0x100000001b3ull

/* splitmix64: a good 64-bit mix, cheap enough for a stream of GiBs */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint8_t byte_at(uint64_t seed, uint64_t pos)
{
	return (uint8_t)(mix(seed ^ (pos >> 3) * 0x2545f4914f6cdd1dull) >> ((pos & 7) * 8));
}

void vstream_init(struct vstream *s, uint64_t seed)
{
	s->seed = seed;
	s->pos = 0;
	s->sum = VSTREAM_SUM_INIT;
}

uint64_t vstream_sum(uint64_t sum, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	for (size_t i = 0; i < n; i++)
		sum = (sum ^ p[i]) * FNV_PRIME;
	return sum;
}

void vstream_fill(struct vstream *s, void *buf, size_t n)
{
	uint8_t *p = buf;
	size_t i = 0;

	/* byte by byte up to a word boundary, then a word per mix */
	for (; i < n && (s->pos + i) & 7; i++)
		p[i] = byte_at(s->seed, s->pos + i);
	for (; i + 8 <= n; i += 8) {
		uint64_t w = mix(s->seed ^ ((s->pos + i) >> 3) * 0x2545f4914f6cdd1dull);

		memcpy(p + i, &w, 8);   /* little-endian: byte k is bits 8k.. */
	}
	for (; i < n; i++)
		p[i] = byte_at(s->seed, s->pos + i);
	s->sum = vstream_sum(s->sum, buf, n);
	s->pos += n;
}

size_t vstream_check(struct vstream *s, const void *buf, size_t n)
{
	uint8_t want[4096];
	struct vstream copy;

	for (size_t done = 0; done < n;) {
		size_t k = n - done < sizeof(want) ? n - done : sizeof(want);

		copy = *s;
		vstream_fill(&copy, want, k);
		if (memcmp(want, (const uint8_t *)buf + done, k)) {
			size_t i = 0;

			while (want[i] == ((const uint8_t *)buf)[done + i])
				i++;
			vstream_absorb(s, (const uint8_t *)buf + done, i);
			return done + i;
		}
		*s = copy;
		done += k;
	}
	return n;
}

void vstream_absorb(struct vstream *s, const void *buf, size_t n)
{
	s->sum = vstream_sum(s->sum, buf, n);
	s->pos += n;
}

uint64_t vstream_expected_sum(uint64_t seed, uint64_t len)
{
	struct vstream s;
	uint8_t buf[65536];

	vstream_init(&s, seed);
	while (len) {
		size_t k = len < sizeof(buf) ? (size_t)len : sizeof(buf);

		vstream_fill(&s, buf, k);
		len -= k;
	}
	return s.sum;
}

void vsizes_init(struct vsizes *z, uint64_t seed, size_t max)
{
	z->state = mix(seed ^ 0x5bd1e995u);
	z->max = max ? max : 1;
}

size_t vsizes_next(struct vsizes *z)
{
	uint64_t r = mix(z->state++);
	size_t cap;

	switch (r & 3) {
	case 0:  cap = 16; break;     /* tiny */
	case 1:  cap = 4096; break;   /* about a page */
	default: cap = z->max; break; /* anything */
	}
	if (cap > z->max)
		cap = z->max;
	return 1 + (size_t)((r >> 8) % cap);
}
