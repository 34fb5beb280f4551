/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_PAGE_FLAGS_H
#define _LINUX_PAGE_FLAGS_H

#include <linux/mm_types.h>

enum pageflags {
	PG_reserved,
	PG_owner_priv_1,	/* Foreign: a grant of another domain shows here */
	PG_highmem,
	PG_buddy,		/* free in the page allocator */
	PG_bounce,		/* stands in for a program's page (gup.c) */
	PG_private,		/* a page for grant maps (gnttab_pages_set_private) */
};

#define PAGEFLAG(uname, lname)						\
static inline int Page##uname(const struct page *page)			\
{ return !!(__atomic_load_n(&page->flags, __ATOMIC_RELAXED) & (1UL << PG_##lname)); } \
static inline void SetPage##uname(struct page *page)			\
{ __atomic_fetch_or(&page->flags, 1UL << PG_##lname, __ATOMIC_SEQ_CST); } \
static inline void ClearPage##uname(struct page *page)			\
{ __atomic_fetch_and(&page->flags, ~(1UL << PG_##lname), __ATOMIC_SEQ_CST); }

PAGEFLAG(Foreign, owner_priv_1)
PAGEFLAG(Reserved, reserved)
PAGEFLAG(Buddy, buddy)
PAGEFLAG(Bounce, bounce)
PAGEFLAG(Private, private)
/* There is no highmem on 64-bit. */
static inline int PageHighMem(const struct page *page) { return 0; }

#endif
