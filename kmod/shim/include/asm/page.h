/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A flat memory model over the domain's RAM as the guest kernel maps it:
 * gfn N is at page_offset_base + N * PAGE_SIZE and mem_map[N] is its
 * struct page, so __va/__pa/pfn_to_kaddr are real addresses.
 */
#ifndef _ASM_PAGE_H
#define _ASM_PAGE_H

#include <linux/types.h>
#include <vdso/const.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(addr) (((addr) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_ALIGNED(addr) (((unsigned long)(addr) & (PAGE_SIZE - 1)) == 0)
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)

struct page;

extern unsigned long page_offset_base;
extern unsigned long max_pfn;
extern struct page *mem_map;

#define clear_page(page)	__builtin_memset((page), 0, PAGE_SIZE)
#define __va(x)		((void *)((unsigned long)(x) + page_offset_base))
#define __pa(x)		((unsigned long)(x) - page_offset_base)
#define virt_to_pfn(kaddr)	(__pa(kaddr) >> PAGE_SHIFT)
#define pfn_to_kaddr(pfn)	__va((unsigned long)(pfn) << PAGE_SHIFT)
#define page_to_pfn(page)	((unsigned long)((page) - mem_map))
#define pfn_to_page(pfn)	(mem_map + (pfn))
#define virt_to_page(kaddr)	pfn_to_page(virt_to_pfn(kaddr))
#define page_to_phys(page)	((phys_addr_t)page_to_pfn(page) << PAGE_SHIFT)
#define pfn_valid(pfn)		((pfn) < max_pfn)

#endif
