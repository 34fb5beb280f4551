// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ballooned-out pages: guest frames whose RAM the domain has given back,
 * so that the hypervisor can show another page there: a grant mapped by
 * gntdev (Linux's gnttab_alloc_pages takes these, CONFIG_XEN_UNPOPULATED_ALLOC
 * being unset), a foreign page mapped by privcmd, the grant table's own
 * frames (xen_xlate_map_ballooned_pages).  The domain's RAM here is a memfd
 * the hypervisor remaps per gfn, so any free page serves.
 *
 * Freed ones stay in the balloon for the next request, as Linux's balloon
 * keeps its pages: a 1024-grant gntdev map then takes one lock instead of
 * 1024 trips through the page allocator, and a map/unmap loop reuses the
 * same gfns.  The balloon holds at most a sixteenth of RAM, and only pages
 * nobody else holds; the rest go back to the page allocator.
 */
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <xen/balloon.h>

static LIST_HEAD(ballooned_pages);
static unsigned long balloon_count;
static DEFINE_SPINLOCK(balloon_lock);

static unsigned long balloon_max(void)
{
	return max_pfn / 16;
}

int xen_alloc_ballooned_pages(unsigned int nr_pages, struct page **pages)
{
	unsigned int i = 0;

	spin_lock(&balloon_lock);
	for (; i < nr_pages && balloon_count; i++) {
		struct page *page = list_first_entry(&ballooned_pages, struct page, lru);

		list_del_init(&page->lru);
		balloon_count--;
		/* as alloc_page gives it: one reference, nothing else set */
		page->flags = 0;
		page->private = 0;
		pages[i] = page;
	}
	spin_unlock(&balloon_lock);
	for (; i < nr_pages; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i]) {
			xen_free_ballooned_pages(i, pages);
			return -ENOMEM;
		}
	}
	return 0;
}

void xen_free_ballooned_pages(unsigned int nr_pages, struct page **pages)
{
	unsigned int i;

	spin_lock(&balloon_lock);
	for (i = 0; i < nr_pages; i++) {
		struct page *page = pages[i];

		if (!page)
			continue;
		/* ours alone (no pin, no mapping, no grant): keep it for later */
		if (page_count(page) == 1 && !atomic_read(&page->_mapcount) &&
		    !PageForeign(page) && balloon_count < balloon_max()) {
			/* in order: the next request gets them in runs of gfns */
			list_add_tail(&page->lru, &ballooned_pages);
			balloon_count++;
			continue;
		}
		spin_unlock(&balloon_lock);
		put_page(page);
		spin_lock(&balloon_lock);
	}
	spin_unlock(&balloon_lock);
}
