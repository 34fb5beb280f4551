// SPDX-License-Identifier: GPL-2.0-only
/*
 * mprotect(2) of a program's device mappings, as Linux's do_mprotect_pkey
 * and mprotect_fixup decide it (mm/mprotect.c): the interposer asks here
 * before it changes the program's own mapping, so a driver's VM_MAY* bits
 * (Linux 6.12's gntdev clears VM_MAYWRITE on a private mapping) and its
 * ->may_split and ->mprotect have their say.
 *
 * The VMAs are taken in address order and each is changed before the
 * next is looked at, so an error (EACCES, ENOMEM for a hole) leaves the
 * VMAs before it changed, as Linux does.  Not here: READ_IMPLIES_EXEC,
 * pkeys, PROT_GROWSDOWN/UP (the interposer sends none; a device VMA never
 * grows), commit accounting, and merging with a neighbour (every driver
 * here has ->close, which Linux never merges).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>

#include "hostif.h"
#include "shim.h"

#define VM_ACCESS_BITS (VM_READ | VM_WRITE | VM_EXEC)

/* mprotect_fixup: [start, end) of vma gets newflags, split off if need be. */
static int mprotect_fixup(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, unsigned long newflags)
{
	int err;

	if (newflags == vma->vm_flags)
		return 0;
	if (start != vma->vm_start) {
		err = split_vma(vma, start);
		if (err)
			return err;
		vma = vma_lookup(vma->vm_mm, start);
	}
	if (end != vma->vm_end) {
		err = split_vma(vma, end);
		if (err)
			return err;
	}
	vma->vm_flags = newflags;
	return 0;
}

/* The loop of do_mprotect_pkey, under the mm's lock; *done as kmod_mprotect's. */
static long mprotect_vmas(struct mm_struct *mm, unsigned long start, unsigned long end,
			  unsigned long prot, unsigned long *done)
{
	unsigned long nstart = start;
	long err = 0;

	while (nstart < end) {
		/* the first VMA must hold start, each next one begin where the last ended */
		struct vm_area_struct *vma = vma_lookup(mm, nstart);
		unsigned long newflags, tmp;

		if (!vma) {
			err = -ENOMEM;
			break;
		}
		newflags = calc_vm_prot_bits(prot) | (vma->vm_flags & ~VM_ACCESS_BITS);
		/* each VM_MAY* bit is its VM_* bit shifted up by 4 */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_BITS) {
			err = -EACCES;
			break;
		}
		tmp = vma->vm_end < end ? vma->vm_end : end;
		if (vma->vm_ops && vma->vm_ops->mprotect) {
			err = vma->vm_ops->mprotect(vma, nstart, tmp, newflags);
			if (err)
				break;
		}
		err = mprotect_fixup(vma, nstart, tmp, newflags);
		if (err)
			break;
		nstart = tmp;
	}
	*done = nstart;
	return err;
}

/* What each page of [start, end) shows now (all inside VMAs), VMA by VMA. */
static struct kmod_prot_page *pages_of(struct mm_struct *mm, unsigned long start,
				       unsigned long end)
{
	unsigned long nr = (end - start) >> PAGE_SHIFT, i = 0;
	/* the host's answer, not Linux's: fault injection passes it by */
	struct kmod_prot_page *out = kvmalloc_array(nr, sizeof(*out),
						    GFP_KERNEL | __GFP_NOFAIL);

	if (!out)
		return NULL;
	while (i < nr) {
		unsigned long addr = start + (i << PAGE_SHIFT);
		struct vm_area_struct *vma = vma_lookup(mm, addr);
		unsigned long first = vma ? (addr - vma->vm_start) >> PAGE_SHIFT : 0;
		unsigned long n = vma ? min(nr - i, vma_pages(vma) - first) : 1;

		for (unsigned long k = 0; k < n; k++, i++) {
			struct page *page = vma ? vma->pages[first + k] : NULL;

			out[i] = (struct kmod_prot_page){
				.pfn = page ? page_to_pfn(page) : ~0UL,
				.shared = vma && (vma->vm_flags & VM_SHARED),
			};
		}
	}
	return out;
}

long kmod_mprotect(int pid, unsigned long addr, unsigned long len, unsigned long prot,
		   unsigned long *done, struct kmod_prot_page **pages)
{
	struct mm_struct *mm;
	unsigned long end;
	long err;

	*done = addr;
	*pages = NULL;
	/* do_mprotect_pkey's checks, in its order */
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = addr + len;
	if (end <= addr)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	mm = mm_get(pid);
	if (!mm)
		return -ENOMEM;
	task_enter_call(pid, mm, NULL);
	mmap_write_lock(mm);
	err = mprotect_vmas(mm, addr, end, prot, done);
	if (*done > addr)
		*pages = pages_of(mm, addr, *done);
	mmap_write_unlock(mm);
	task_leave_call();
	mmput(mm);
	return err;
}
