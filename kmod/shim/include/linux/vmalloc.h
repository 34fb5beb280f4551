/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H
#include <linux/slab.h>
#include <asm/pgtable.h>
/* (kvmalloc's limit, not kmalloc's: vmalloc is for what kmalloc will not do) */
#define vmalloc(size) __kvmalloc_track((size), GFP_KERNEL, __kmod_site)
#define vzalloc(size) __kvmalloc_track((size), GFP_KERNEL | __GFP_ZERO, __kmod_site)
#define vfree(p) kfree(p)

#define VM_MAP		0x00000004

struct page;
/*
 * Pages in one virtual range.  The kernel sees its RAM flat, so pages of
 * consecutive frames are already one range; other sets would need page
 * tables this kernel does not have, and get NULL, as when vmap runs out.
 */
void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);
void vunmap(const void *addr);

/*
 * A reserved range of kernel virtual addresses, to be filled with ptes
 * (arch/x86/xen/grant-table.c does so for a PV guest's grant frames).  The
 * kernel has no page tables of its own to reserve them in: get_vm_area
 * gives NULL, as when vmalloc space runs out.  (Only a PV guest asks.)
 */
#define VM_IOREMAP	0x00000001
struct vm_struct {
	void		*addr;
	unsigned long	size;
};
struct vm_struct *get_vm_area(unsigned long size, unsigned long flags);
void free_vm_area(struct vm_struct *area);
#endif
