/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_IRQNR_H
#define _LINUX_IRQNR_H
/* How many irq descriptors there can be (shim/irq.c). */
extern unsigned int nr_irqs;
#endif
