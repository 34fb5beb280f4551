/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_X86_I8259_H
#define _ASM_X86_I8259_H
/*
 * No legacy PIC, as in a PVH guest: no irq is reserved for ISA, every irq
 * of an event channel is allocated dynamically.
 */
static inline int nr_legacy_irqs(void)
{
	return 0;
}
#define NR_IRQS_LEGACY 16
#endif
