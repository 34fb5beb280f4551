/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bitmaps of unsigned longs (grant-table.c keeps its free grant references
 * in one): ranges set and cleared without atomics, as Linux's bitmap_set
 * and bitmap_clear (the caller holds the lock), and bitmaps from the slab.
 * The searches are bitops.h's.
 */
#ifndef _LINUX_BITMAP_H
#define _LINUX_BITMAP_H

#include <linux/bitops.h>
#include <linux/slab.h>

static inline void bitmap_set(unsigned long *map, unsigned int start, unsigned int nbits)
{
	for (; nbits; start++, nbits--)
		__set_bit(start, map);
}

static inline void bitmap_clear(unsigned long *map, unsigned int start, unsigned int nbits)
{
	for (; nbits; start++, nbits--)
		__clear_bit(start, map);
}

#define bitmap_zalloc(nbits, flags) \
	kcalloc(BITS_TO_LONGS(nbits), sizeof(unsigned long), (flags))

static inline void bitmap_free(const unsigned long *bitmap)
{
	kfree(bitmap);
}

#endif
