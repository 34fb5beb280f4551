// SPDX-License-Identifier: GPL-2.0-only
/*
 * pin_user_pages_fast: the struct pages behind a program's addresses, for
 * drivers that hand their frame numbers to the hypervisor (gntdev's grant
 * copy names them with DOMID_SELF).
 *
 * An address inside one of the program's device mappings is backed by a
 * guest page already: that page is pinned.  Any other address is program
 * memory the guest has no frame for, so a bounce page of guest RAM stands
 * in: it is filled from the program when pinned (and a pin for writing
 * proves the page writable by writing one byte back), and the bytes that
 * changed while pinned are written back at unpin (only those, so the
 * program's concurrent writes elsewhere in the page are not undone), the
 * runs of all the pages one unpin lets go in one vectored write.
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
	/* the page as it was filled (read a word at a time) */
	u8 snapshot[PAGE_SIZE] __aligned(sizeof(long));
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

/*
 * The changed runs are found a word at a time (a page copied in differs in
 * every byte, one that was only read in none), yet to the byte: a word
 * of which some bytes differ is looked at byte by byte, through the
 * first differing or equal byte of the XOR (little-endian: byte k of the
 * page is bits 8k.. of the word).
 */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the run search reads bytes out of words little-endian"
#endif
#define ONES	(~0UL / 0xff)		/* 0x0101...01 */
#define HIGHS	(ONES << 7)		/* 0x8080...80 */

/* The bytes of a and b that differ in the word at i (aligned): nonzero */
static unsigned long xor_at(const u8 *a, const u8 *b, unsigned long i)
{
	return *(const unsigned long *)(a + i) ^ *(const unsigned long *)(b + i);
}

/* The first byte at or after i where a and b differ (PAGE_SIZE: none). */
static unsigned long next_difference(const u8 *a, const u8 *b, unsigned long i)
{
	for (; i < PAGE_SIZE && i % sizeof(long); i++)
		if (a[i] != b[i])
			return i;
	/* equal stretches (a page only read) four words a step */
	for (; i + 4 * sizeof(long) <= PAGE_SIZE; i += 4 * sizeof(long))
		if (xor_at(a, b, i) | xor_at(a, b, i + sizeof(long)) |
		    xor_at(a, b, i + 2 * sizeof(long)) | xor_at(a, b, i + 3 * sizeof(long)))
			break;
	for (; i < PAGE_SIZE; i += sizeof(long)) {
		unsigned long x = xor_at(a, b, i);

		if (x)
			return i + __builtin_ctzl(x) / 8;
	}
	return PAGE_SIZE;
}

/* The first byte at or after i where a and b are equal (PAGE_SIZE: none). */
static unsigned long next_equal(const u8 *a, const u8 *b, unsigned long i)
{
	for (; i < PAGE_SIZE && i % sizeof(long); i++)
		if (a[i] == b[i])
			return i;
	for (; i < PAGE_SIZE; i += sizeof(long)) {
		unsigned long x = xor_at(a, b, i);
		/* the lowest flagged byte is the first zero byte of x */
		unsigned long zero = (x - ONES) & ~x & HIGHS;

		if (zero)
			return i + __builtin_ctzl(zero) / 8;
	}
	return PAGE_SIZE;
}

/*
 * The runs of one unpin call, written back to the program in as few
 * system calls as they fit (hostk_copy_runs_to_user), in page order, so a
 * byte two bounce pages of one program page both changed ends as the
 * later one has it, as when each page went back on its own.
 */
#define WRITE_BACK_RUNS 128

struct write_back {
	int pid;
	unsigned int nr;
	struct hostk_run runs[WRITE_BACK_RUNS];
};

static void write_back_flush(struct write_back *wb)
{
	if (wb->nr)
		hostk_copy_runs_to_user(wb->pid, wb->runs, wb->nr);
	wb->nr = 0;
}

static void write_back_add(struct write_back *wb, int pid, unsigned long to,
			   const void *from, unsigned long len)
{
	if (wb->nr && (wb->pid != pid || wb->nr == WRITE_BACK_RUNS))
		write_back_flush(wb);
	wb->pid = pid;
	wb->runs[wb->nr++] = (struct hostk_run){ .to = to, .from = from, .len = len };
}

/* Queues each run of bytes that differs from the snapshot. */
static void bounce_write_back(struct page *page, struct bounce *b,
			      struct write_back *wb)
{
	const u8 *now = page_address(page);
	unsigned long i = next_difference(now, b->snapshot, 0), j;

	while (i < PAGE_SIZE) {
		j = next_equal(now, b->snapshot, i);
		write_back_add(wb, b->pid, b->uaddr + i, now + i, j - i);
		i = next_difference(now, b->snapshot, j);
	}
}

static void unpin_one(struct page *page)
{
	if (PageBounce(page)) {
		ClearPageBounce(page);
		kfree((struct bounce *)page->private);
		page->private = 0;
	}
	put_page(page);
}

void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages,
				 bool make_dirty)
{
	struct write_back wb = { .nr = 0 };
	unsigned long i;

	/*
	 * On Linux the kernel wrote into the program's own page, whatever
	 * make_dirty says (it only marks the page for writeback, and gntdev's
	 * batch passes the last page's writability for all).  The bounce copy
	 * holds those writes: they go back always, and only the bytes that
	 * changed; the pages are let go once every run has gone.
	 */
	for (i = 0; i < npages; i++)
		if (PageBounce(pages[i]))
			bounce_write_back(pages[i], (struct bounce *)pages[i]->private, &wb);
	write_back_flush(&wb);
	for (i = 0; i < npages; i++)
		unpin_one(pages[i]);
}

void unpin_user_pages(struct page **pages, unsigned long npages)
{
	unpin_user_pages_dirty_lock(pages, npages, false);
}

void unpin_user_page(struct page *page)
{
	unpin_user_pages_dirty_lock(&page, 1, false);
}
