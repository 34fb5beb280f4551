/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 interrupt plumbing (IDT, I/O APIC) that Linux's Xen core includes.
 * The vCPU thread is this kernel's only interrupt entry, so there is none,
 * and an upcall has no interrupted registers to show.
 */
#ifndef _ASM_X86_IRQ_H
#define _ASM_X86_IRQ_H
struct pt_regs;
static inline struct pt_regs *get_irq_regs(void)
{
	return (struct pt_regs *)0;
}
static inline void native_init_IRQ(void)
{
}
#endif
