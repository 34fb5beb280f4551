// SPDX-License-Identifier: GPL-2.0-only
/*
 * pin_user_pages_fast: the struct pages behind a program's addresses, for
 * drivers that hand their frame numbers to the hypervisor (gntdev's grant
 * copy names them with DOMID_SELF).
 *
 * An address inside one of the program's device mappings is backed by a
 * guest page already: that page is pinned.  Any other address is program
 * memory the guest has no frame for, so a bounce page of guest RAM stands
 * in: it is filled from the program when pinned and, if the pin was for
 * writing, the bytes that changed while pinned are written back at unpin
 * (only those, so the program's concurrent writes elsewhere in the page
 * are not undone).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hostif.h"

struct bounce {
	unsigned long uaddr;	/* page-aligned, in the program */
	int pid;
	u8 snapshot[PAGE_SIZE];	/* the page as it was filled */
};

static struct page *pin_device_page(struct mm_struct *mm, unsigned long addr,
				    unsigned int gup_flags, int *err)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	struct page *page;

	if (!vma)
		return NULL;
	page = vma->pages[(addr - vma->vm_start) >> PAGE_SHIFT];
	if (!page || ((gup_flags & FOLL_WRITE) && !(vma->vm_flags & VM_WRITE))) {
		*err = -EFAULT;
		return NULL;
	}
	get_page(page);
	return page;
}

static struct page *pin_bounce_page(struct task_struct *t, unsigned long addr,
				    unsigned int gup_flags, int *err)
{
	unsigned long uaddr = addr & PAGE_MASK;
	struct bounce *b;
	struct page *page;

	*err = -ENOMEM;
	/* Linux pins the program's own page: this bounce is the shim's (no fault injection) */
	b = kmalloc(sizeof(*b), GFP_KERNEL | __GFP_NOFAIL);
	page = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
	if (!b || !page)
		goto fail;
	*err = -EFAULT;
	if (hostk_copy_from_user(t->pid, page_address(page), uaddr, PAGE_SIZE))
		goto fail;
	/* A page pinned for writing must be writable: write a byte back. */
	if ((gup_flags & FOLL_WRITE) &&
	    hostk_copy_to_user(t->pid, addr, (u8 *)page_address(page) + (addr - uaddr), 1))
		goto fail;
	b->uaddr = uaddr;
	b->pid = t->pid;
	memcpy(b->snapshot, page_address(page), PAGE_SIZE);
	page->private = (unsigned long)b;
	SetPageBounce(page);
	return page;
fail:
	kfree(b);
	if (page)
		put_page(page);
	return NULL;
}

long pin_user_pages_fast(unsigned long start, int nr_pages,
			 unsigned int gup_flags, struct page **pages)
{
	struct task_struct *t = current;
	long i;

	if (!t->mm)
		return -EFAULT;
	start &= PAGE_MASK;
	mmap_read_lock(t->mm);
	for (i = 0; i < nr_pages; i++) {
		unsigned long addr = start + i * PAGE_SIZE;
		int err = 0;
		struct page *page = pin_device_page(t->mm, addr, gup_flags, &err);

		if (!page && !err)
			page = pin_bounce_page(t, addr, gup_flags, &err);
		if (!page) {
			mmap_read_unlock(t->mm);
			return i ? i : err;
		}
		pages[i] = page;
	}
	mmap_read_unlock(t->mm);
	return i;
}

/* Writes back each run of bytes that differs from the snapshot. */
static void bounce_write_back(struct page *page, struct bounce *b)
{
	const u8 *now = page_address(page);
	unsigned long i = 0, j;

	while (i < PAGE_SIZE) {
		if (now[i] == b->snapshot[i]) {
			i++;
			continue;
		}
		for (j = i; j < PAGE_SIZE && now[j] != b->snapshot[j]; j++)
			;
		hostk_copy_to_user(b->pid, b->uaddr + i, now + i, j - i);
		i = j;
	}
}

static void unpin_one(struct page *page, bool make_dirty)
{
	if (PageBounce(page)) {
		struct bounce *b = (struct bounce *)page->private;

		/*
		 * On Linux the kernel wrote into the program's own page, whatever
		 * make_dirty says (it only marks the page for writeback, and
		 * gntdev's batch passes the last page's writability for all).
		 * The bounce copy holds those writes: they go back always, and
		 * only the bytes that changed.
		 */
		bounce_write_back(page, b);
		ClearPageBounce(page);
		page->private = 0;
		kfree(b);
	}
	put_page(page);
}

void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages,
				 bool make_dirty)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		unpin_one(pages[i], make_dirty);
}

void unpin_user_pages(struct page **pages, unsigned long npages)
{
	unpin_user_pages_dirty_lock(pages, npages, false);
}

void unpin_user_page(struct page *page)
{
	unpin_one(page, false);
}
