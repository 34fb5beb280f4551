/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mmap_lock.h>
#include <linux/page-flags.h>
#include <linux/err.h>
#include <linux/bug.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/version.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#define VM_NONE		0x00000000
#define VM_READ		0x00000001
#define VM_WRITE	0x00000002
#define VM_EXEC		0x00000004
#define VM_SHARED	0x00000008
#define VM_MAYREAD	0x00000010
#define VM_MAYWRITE	0x00000020
#define VM_MAYEXEC	0x00000040
#define VM_MAYSHARE	0x00000080
#define VM_PFNMAP	0x00000400
#define VM_IO		0x00004000
#define VM_DONTCOPY	0x00020000
#define VM_DONTEXPAND	0x00040000
#define VM_ACCOUNT	0x00100000
#define VM_NORESERVE	0x00200000
#define VM_MIXEDMAP	0x10000000
#define VM_DONTDUMP	0x04000000

#define FOLL_WRITE	0x01
#define FOLL_GET	0x04
#define FOLL_PIN	(1 << 18)
#define FOLL_LONGTERM	(1 << 16)

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
/*
 * Linux 6.3 made vma->vm_flags read-only to drivers: they change it
 * through these (which also take the per-VMA lock; here a driver's ->mmap
 * runs under the mm's lock, and there are no per-VMA locks).  The shim's
 * own mm code still writes the field.
 */
static inline void vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags &= ~flags;
}
#endif

static inline unsigned long vma_pages(struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

static inline void *page_address(const struct page *page)
{
	return pfn_to_kaddr(page_to_pfn(page));
}
#define lowmem_page_address page_address

static inline int page_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}
static inline void get_page(struct page *page)
{
	atomic_inc(&page->_refcount);
}
void put_page(struct page *page);
static inline void set_page_private(struct page *page, unsigned long private)
{
	page->private = private;
}
#define page_private(page) ((page)->private)

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);
int vm_insert_page(struct vm_area_struct *vma, unsigned long addr, struct page *page);
int vm_map_pages(struct vm_area_struct *vma, struct page **pages, unsigned long num);
int vm_map_pages_zero(struct vm_area_struct *vma, struct page **pages, unsigned long num);
void zap_vma_ptes(struct vm_area_struct *vma, unsigned long address, unsigned long size);

typedef int (*pte_fn_t)(pte_t *pte, unsigned long addr, void *data);
int apply_to_page_range(struct mm_struct *mm, unsigned long address,
			unsigned long size, pte_fn_t fn, void *data);

long pin_user_pages_fast(unsigned long start, int nr_pages,
			 unsigned int gup_flags, struct page **pages);
void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages,
				 bool make_dirty);
void unpin_user_pages(struct page **pages, unsigned long npages);
void unpin_user_page(struct page *page);
#define set_page_dirty_lock(page) 0

/* kmalloc's, naming their call sites as kmalloc does, with kvmalloc's
 * limit rather than kmalloc's (linux/slab.h). */
#define kvmalloc_node(size, flags, node) __kvmalloc_track((size), (flags), __kmod_site)
#define kvmalloc(size, flags) __kvmalloc_track((size), (flags), __kmod_site)
#define kvzalloc(size, flags) __kvmalloc_track((size), (flags) | __GFP_ZERO, __kmod_site)
#define kvmalloc_array(n, size, flags) \
	__kvmalloc_array_track((n), (size), (flags), __kmod_site)
#define kvcalloc(n, size, flags) \
	__kvmalloc_array_track((n), (size), (flags) | __GFP_ZERO, __kmod_site)
void kvfree(const void *addr);

#endif
