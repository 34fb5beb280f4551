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

#endif
