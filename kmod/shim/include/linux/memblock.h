/* SPDX-License-Identifier: GPL-2.0-only */
/* Included by Linux's Xen core; nothing of it is used but max_possible_pfn. */
#ifndef _LINUX_MEMBLOCK_H
#define _LINUX_MEMBLOCK_H
/* The highest pfn RAM could ever have: the domain's RAM is fixed (page_alloc.c). */
extern unsigned long long max_possible_pfn;
#endif
