/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H
#include <linux/slab.h>
#include <asm/pgtable.h>
#define vmalloc(size) kmalloc(size, GFP_KERNEL)
#define vzalloc(size) kzalloc(size, GFP_KERNEL)
#define vfree(p) kfree(p)

#define VM_MAP		0x00000004

struct page;
/*
 * Pages in one virtual range.  The kernel sees its RAM flat, so pages of
 * consecutive frames are already one range; other sets would need page
 * tables this kernel does not have, and get NULL, as when vmap runs out.
 */
void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);
void vunmap(const void *addr);
#endif
