/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef INCLUDE_XEN_OPS_H
#define INCLUDE_XEN_OPS_H

#include <linux/types.h>
#include <xen/features.h>
#include <xen/interface/vcpu.h>

/* One vCPU, whose Xen vcpu id is 0. */
static inline int xen_vcpu_nr(int cpu)
{
	return cpu;
}

#endif
