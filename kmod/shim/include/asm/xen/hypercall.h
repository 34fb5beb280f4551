/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls go to the simulated hypervisor over the domain's hypercall
 * socket (one round trip per call, whatever the batch size), instead of
 * through the hypercall page.  The arguments are Xen's ABI structs, as is.
 */
#ifndef _ASM_X86_XEN_HYPERCALL_H
#define _ASM_X86_XEN_HYPERCALL_H

#include <linux/types.h>
#include <xen/interface/xen.h>
#include <xen/interface/grant_table.h>
#include <xen/interface/event_channel.h>

int HYPERVISOR_grant_table_op(unsigned int cmd, void *uop, unsigned int count);
int HYPERVISOR_event_channel_op(int cmd, void *arg);

/*
 * Hypercalls whose guest handles stay addresses, as Xen reads them through
 * the current address space: privcmd_call's are in the calling program's
 * memory (IOCTL_PRIVCMD_HYPERCALL), HYPERVISOR_xen_version's and
 * HYPERVISOR_memory_op's in this kernel's; HYPERVISOR_dm_op's buffer array is the kernel's and its
 * buffers the program's.  hvsimd reads and writes them there.
 */
struct xen_dm_op_buf;
int HYPERVISOR_xen_version(int cmd, void *arg);
long privcmd_call(unsigned int call, unsigned long a1, unsigned long a2,
		  unsigned long a3, unsigned long a4, unsigned long a5);
int HYPERVISOR_memory_op(unsigned int cmd, void *arg);
int HYPERVISOR_dm_op(domid_t dom, unsigned int nr_bufs, struct xen_dm_op_buf *bufs);
/* Linux's Xen core names these; hvsimd answers what it serves of them. */
int HYPERVISOR_hvm_op(int op, void *arg);
int HYPERVISOR_physdev_op(int cmd, void *arg);
int HYPERVISOR_sched_op(int cmd, void *arg);
int HYPERVISOR_vcpu_op(int cmd, int vcpuid, void *extra_args);

#endif
