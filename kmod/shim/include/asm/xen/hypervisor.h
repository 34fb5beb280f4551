/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_X86_XEN_HYPERVISOR_H
#define _ASM_X86_XEN_HYPERVISOR_H

#include <linux/types.h>

struct shared_info;
struct start_info;

/* The domain's shared_info page, mapped from the hypervisor. */
extern struct shared_info *HYPERVISOR_shared_info;
extern struct start_info *xen_start_info;

/*
 * Xen's CPUID leaves, from xen_cpuid_base() on.  Read only when there is a
 * vector callback to set up (asm/xen/events.h): never here, so the leaves
 * show no features.
 */
static inline uint32_t xen_cpuid_base(void)
{
	return 0x40000000;
}

static inline unsigned int cpuid_eax(unsigned int leaf)
{
	(void)leaf;
	return 0;
}

/* (grant-table.c reads it for a PV guest's address width: never here.) */
static inline unsigned int cpuid_ebx(unsigned int leaf)
{
	(void)leaf;
	return 0;
}

#endif
