/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memremap of RAM: Linux returns the direct map for RAM (try_ram_remap),
 * and the kernel's RAM here is all direct-mapped and flat (asm/page.h).
 * Only RAM exists; there is no I/O memory to map.
 */
#ifndef _LINUX_IO_H
#define _LINUX_IO_H

#include <linux/types.h>
#include <asm/page.h>

enum {
	MEMREMAP_WB = 1 << 0,
	MEMREMAP_WT = 1 << 1,
	MEMREMAP_WC = 1 << 2,
};

static inline void *memremap(resource_size_t offset, size_t size, unsigned long flags)
{
	if (((offset + size - 1) >> PAGE_SHIFT) >= max_pfn)
		return NULL;
	return __va(offset);
}

static inline void memunmap(void *addr)
{
}

#endif
