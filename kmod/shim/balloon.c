// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ballooned-out pages: guest frames whose RAM the domain has given back,
 * so that the hypervisor can show another page there (a foreign mapping
 * by privcmd).  The domain's RAM here is a memfd the hypervisor remaps per
 * gfn, so any free page serves, and they come from the same pool as the
 * pages for foreign grants (grant-table.c), which Linux also takes from
 * its unpopulated or ballooned pages.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <xen/balloon.h>
#include <xen/grant_table.h>

int xen_alloc_ballooned_pages(unsigned int nr_pages, struct page **pages)
{
	return gnttab_alloc_pages(nr_pages, pages);
}

void xen_free_ballooned_pages(unsigned int nr_pages, struct page **pages)
{
	gnttab_free_pages(nr_pages, pages);
}
