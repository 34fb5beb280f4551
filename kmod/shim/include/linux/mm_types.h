/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/rwsem.h>
#include <linux/spinlock_types.h>
#include <linux/atomic.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <asm/page.h>
#include <asm/pgtable.h>

/*
 * One struct page per page of the domain's RAM (mem_map[gfn]).  The guest
 * is auto-translated, so a page frame number is a gfn.
 */
struct page {
	unsigned long		flags;
	atomic_t		_refcount;
	atomic_t		_mapcount;	/* program mappings of it */
	unsigned long		private;	/* struct xen_page_foreign */
	struct list_head	lru;
};

struct file;
struct mm_struct;
struct vm_area_struct;
struct mmu_notifier_range;

typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM		0x000001
#define VM_FAULT_SIGBUS		0x000002

struct vm_fault {
	struct vm_area_struct	*vma;
	unsigned long		address;
	pgoff_t			pgoff;
	struct page		*page;
};

struct vm_operations_struct {
	void (*open)(struct vm_area_struct *area);
	void (*close)(struct vm_area_struct *area);
	vm_fault_t (*fault)(struct vm_fault *vmf);
	struct page *(*find_special_page)(struct vm_area_struct *vma,
					  unsigned long addr);
	const char *(*name)(struct vm_area_struct *vma);
	int (*may_split)(struct vm_area_struct *area, unsigned long addr);
	/* mprotect of [start, end) to newflags: the driver may refuse */
	int (*mprotect)(struct vm_area_struct *vma, unsigned long start,
			unsigned long end, unsigned long newflags);
};

/*
 * A program's mapping of a device.  `pages` is the mapping's page table:
 * which guest page each of its pages shows (vm_insert_page and
 * vm_map_pages_zero fill it; the program maps what it says).
 */
struct vm_area_struct {
	unsigned long		vm_start;
	unsigned long		vm_end;
	struct mm_struct	*vm_mm;
	unsigned long		vm_flags;
	pgprot_t		vm_page_prot;
	unsigned long		vm_pgoff;
	struct file		*vm_file;
	void			*vm_private_data;
	const struct vm_operations_struct *vm_ops;
	struct list_head	vm_list;	/* in vm_mm->mmap_list, by address */
	struct page		**pages;
};

/*
 * A program (one host process) that calls into the devices: its device
 * mappings, and its pid, through which its memory is reached.
 */
struct mm_struct {
	struct rw_semaphore	mmap_lock;
	struct list_head	mmap_list;
	int			pid;
	refcount_t		mm_count;
	struct list_head	mm_node;	/* in the list of all programs */
	struct hlist_head	notifiers;	/* mmu interval notifiers */
	/* What find_vma() returns for a mapping of the program's own. */
	struct vm_area_struct	other_vma;
};

/* The kernel's own address space: it has no device mappings (mmap.c). */
extern struct mm_struct init_mm;

#endif
