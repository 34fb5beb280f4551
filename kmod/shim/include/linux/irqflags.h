/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "Interrupts disabled" is a property of the calling thread (shim/irq.c).
 * It does not keep the vCPU thread's upcall out (locks do that, as on an
 * SMP kernel where the upcall may run on another CPU); it tells Linux's
 * code where it is (irqs_disabled()), and it defers this thread's wait for
 * the events its own hypercalls raised until interrupts are enabled again,
 * as Xen delivers a vCPU's upcall only then.
 */
#ifndef _LINUX_IRQFLAGS_H
#define _LINUX_IRQFLAGS_H

unsigned long arch_local_irq_save(void);
void arch_local_irq_restore(unsigned long flags);
int arch_irqs_disabled(void);

#define local_irq_save(flags)		do { (flags) = arch_local_irq_save(); } while (0)
#define local_irq_restore(flags)	arch_local_irq_restore(flags)
#define local_irq_disable()		((void)arch_local_irq_save())
#define local_irq_enable()		arch_local_irq_restore(0)
#define irqs_disabled()			arch_irqs_disabled()

#endif
