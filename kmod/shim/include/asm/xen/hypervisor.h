/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_X86_XEN_HYPERVISOR_H
#define _ASM_X86_XEN_HYPERVISOR_H

#include <linux/types.h>

struct shared_info;
struct start_info;

/* The domain's shared_info page, mapped from the hypervisor. */
extern struct shared_info *HYPERVISOR_shared_info;
extern struct start_info *xen_start_info;

#endif
