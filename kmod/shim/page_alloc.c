// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page allocator over the domain's RAM.  Every page of RAM has its
 * struct page in mem_map (the array is mapped lazily, so an idle kernel
 * pays only for the pages it touched).  Free pages are a bitmap searched
 * next-fit; pages come out with a reference count of one and go back when
 * the last reference is put.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/memblock.h>

#include "hostif.h"
#include "shim.h"

unsigned long page_offset_base;
unsigned long max_pfn;
/* RAM never grows (no memory hotplug): the most there can be is max_pfn. */
unsigned long long max_possible_pfn;
struct page *mem_map;

static unsigned long *free_bitmap;	/* bit set: page is allocated */
static unsigned long next_fit;
static unsigned long nr_free;
/*
 * The pages freed last, given out first, newest first, as Linux's per-CPU
 * lists give out hot pages: a call that takes pages and frees them again
 * (evtchn's write takes one per unmask, a grant copy a bounce page per
 * segment, 16 at a time) reuses the same ones, rather than next-fit
 * walking through the whole RAM and faulting in every page of the
 * domain's memfd on the way (a page fault and a cleared page each until
 * every page was touched once).  A ring: the oldest is forgotten when it
 * is full; an entry whose page is not free (a page freed twice, which
 * WARNs) is skipped.
 */
#define HOT_PAGES 64
static unsigned long hot_pfns[HOT_PAGES];
static unsigned int hot_top, nr_hot;	/* hot_pfns[(hot_top - 1) % HOT_PAGES] is the newest */
static DEFINE_SPINLOCK(page_alloc_lock);

int page_alloc_init(void)
{
	unsigned long nr_pages;

	page_offset_base = (unsigned long)hostk_ram(&nr_pages);
	if (!page_offset_base || !nr_pages)
		return -ENOMEM;
	max_pfn = nr_pages;
	max_possible_pfn = nr_pages;
	mem_map = hostk_map_anon(nr_pages * sizeof(struct page));
	free_bitmap = hostk_map_anon(DIV_ROUND_UP(nr_pages, BITS_PER_LONG) *
				     sizeof(unsigned long));
	if (!mem_map || !free_bitmap)
		return -ENOMEM;
	/* pfn 0 is kept back: a zero frame number reads as "none" too often. */
	free_bitmap[0] |= 1;
	nr_free = nr_pages - 1;
	next_fit = 1;
	return 0;
}

unsigned long nr_free_ram_pages(void)
{
	return READ_ONCE(nr_free);
}

static long take_free_pfn(void)
{
	unsigned long i, pfn;

	while (nr_hot) {
		nr_hot--;
		pfn = hot_pfns[--hot_top % HOT_PAGES];
		if (!(free_bitmap[pfn / BITS_PER_LONG] & (1UL << (pfn % BITS_PER_LONG)))) {
			free_bitmap[pfn / BITS_PER_LONG] |= 1UL << (pfn % BITS_PER_LONG);
			nr_free--;
			return pfn;
		}
	}
	for (i = 0; i < max_pfn; i++) {
		pfn = (next_fit + i) % max_pfn;
		if (!(free_bitmap[pfn / BITS_PER_LONG] & (1UL << (pfn % BITS_PER_LONG)))) {
			free_bitmap[pfn / BITS_PER_LONG] |= 1UL << (pfn % BITS_PER_LONG);
			next_fit = pfn + 1;
			nr_free--;
			return pfn;
		}
	}
	return -1;
}

struct page *__alloc_pages_track(gfp_t gfp_mask, unsigned int order, const char *site)
{
	struct page *page;
	long pfn;

	if (WARN(order != 0, "alloc_pages: order %u not supported", order))
		return NULL;
	if (kmod_alloc_should_fail(KMOD_FAULT_ALLOC_PAGE, gfp_mask, site))
		return NULL;
	spin_lock(&page_alloc_lock);
	pfn = take_free_pfn();
	spin_unlock(&page_alloc_lock);
	if (pfn < 0) {
		if (!(gfp_mask & __GFP_NOWARN))
			pr_warn("page allocation failure: out of guest RAM\n");
		return NULL;
	}
	page = pfn_to_page(pfn);
	page->flags = 0;
	page->private = 0;
	atomic_set(&page->_mapcount, 0);
	INIT_LIST_HEAD(&page->lru);
	atomic_set(&page->_refcount, 1);
	if (gfp_mask & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE);
	return page;
}

static void free_the_page(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	WARN(PageForeign(page), "freeing pfn %lu while a grant is mapped there", pfn);
	spin_lock(&page_alloc_lock);
	WARN_ON(!(free_bitmap[pfn / BITS_PER_LONG] & (1UL << (pfn % BITS_PER_LONG))));
	free_bitmap[pfn / BITS_PER_LONG] &= ~(1UL << (pfn % BITS_PER_LONG));
	nr_free++;
	hot_pfns[hot_top++ % HOT_PAGES] = pfn;
	if (nr_hot < HOT_PAGES)
		nr_hot++;
	spin_unlock(&page_alloc_lock);
}

void put_page(struct page *page)
{
	int left = atomic_dec_return(&page->_refcount);

	if (left == 0)
		free_the_page(page);
	else
		WARN(left < 0, "put_page: pfn %lu has no references", page_to_pfn(page));
}

void __free_pages(struct page *page, unsigned int order)
{
	put_page(page);
}

unsigned long __get_free_pages_track(gfp_t gfp_mask, unsigned int order, const char *site)
{
	struct page *page = __alloc_pages_track(gfp_mask, order, site);

	return page ? (unsigned long)page_address(page) : 0;
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

/*
 * The kernel sees its RAM flat: pages of consecutive frames are already
 * one virtual range, and those are what vmap can give.  Any other set
 * would need page tables of the kernel's own, and gets NULL, as when
 * vmalloc space runs out.
 */
void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot)
{
	unsigned int i;

	if (!count)
		return NULL;
	for (i = 1; i < count; i++)
		if (page_to_pfn(pages[i]) != page_to_pfn(pages[0]) + i)
			return NULL;
	return page_address(pages[0]);
}

void vunmap(const void *addr)
{
}

/* No kernel page tables to reserve a range in (linux/vmalloc.h). */
struct vm_struct *get_vm_area(unsigned long size, unsigned long flags)
{
	return NULL;
}

void free_vm_area(struct vm_struct *area)
{
}
