/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_X86_XEN_EVENTS_H
#define _ASM_X86_XEN_EVENTS_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <xen/xen.h>

enum ipi_vector {
	XEN_RESCHEDULE_VECTOR,
	XEN_CALL_FUNCTION_VECTOR,
	XEN_CALL_FUNCTION_SINGLE_VECTOR,
	XEN_SPIN_UNLOCK_VECTOR,
	XEN_IRQ_WORK_VECTOR,
	XEN_NMI_VECTOR,
	XEN_NR_IPIS,
};

struct pt_regs;
/* Only reached with a pt_regs, which the vCPU thread's upcall never has. */
static inline int xen_irqs_disabled(struct pt_regs *regs)
{
	(void)regs;
	return 1;
}

/* Xen's 2-level event words are unsigned longs on x86. */
#define xchg_xen_ulong(ptr, val) xchg((ptr), (val))

/*
 * Upcalls reach this kernel on its vCPU thread (hvsimd kicks it), not
 * through an interrupt vector: there is no vector callback, and, as for a
 * guest whose events come by the platform PCI interrupt, events stay on
 * vCPU 0 (shim/enlighten.c sets it false).
 */
extern bool xen_have_vector_callback;
extern bool xen_percpu_upcall;

static inline bool xen_support_evtchn_rebind(void)
{
	return !xen_hvm_domain() || xen_have_vector_callback;
}

#endif
