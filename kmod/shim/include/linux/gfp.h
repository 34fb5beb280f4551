/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_GFP_H
#define _LINUX_GFP_H

#include <linux/types.h>

#define __GFP_HIGH		0x20u
#define __GFP_IO		0x40u
#define __GFP_FS		0x80u
#define __GFP_ZERO		0x100u
#define __GFP_DIRECT_RECLAIM	0x400u
#define __GFP_KSWAPD_RECLAIM	0x800u
#define __GFP_NOWARN		0x2000u
#define __GFP_RETRY_MAYFAIL	0x4000u
#define __GFP_NOFAIL		0x8000u
#define __GFP_NORETRY		0x10000u
#define __GFP_HIGHMEM		0x02u
#define __GFP_RECLAIM		(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

#define GFP_ATOMIC		(__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL		(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT		(__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO		(__GFP_RECLAIM)
#define GFP_NOFS		(__GFP_RECLAIM | __GFP_IO)
#define GFP_USER		GFP_KERNEL
#define GFP_HIGHUSER		(GFP_USER | __GFP_HIGHMEM)

struct page;

/*
 * Pages of the domain's RAM (order 0 only: the drivers need no more).
 * Each call names its site, for fault injection's messages (hvsim fault).
 */
#define __kmod_gfp_str1(x) #x
#define __kmod_gfp_str(x) __kmod_gfp_str1(x)
#define __kmod_gfp_site __FILE__ ":" __kmod_gfp_str(__LINE__)
struct page *__alloc_pages_track(gfp_t gfp_mask, unsigned int order, const char *site);
#define alloc_pages(gfp_mask, order) \
	__alloc_pages_track((gfp_mask), (order), __kmod_gfp_site)
#define alloc_page(gfp_mask) alloc_pages(gfp_mask, 0)
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page) __free_pages((page), 0)
unsigned long __get_free_pages_track(gfp_t gfp_mask, unsigned int order, const char *site);
#define __get_free_pages(gfp_mask, order) \
	__get_free_pages_track((gfp_mask), (order), __kmod_gfp_site)
#define __get_free_page(gfp_mask) __get_free_pages((gfp_mask), 0)
#define get_zeroed_page(gfp_mask) __get_free_pages((gfp_mask) | __GFP_ZERO, 0)
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages((addr), 0)

#endif
