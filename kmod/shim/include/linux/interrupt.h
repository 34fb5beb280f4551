/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_INTERRUPT_H
#define _LINUX_INTERRUPT_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <linux/irqreturn.h>

typedef irqreturn_t (*irq_handler_t)(int, void *);

#define IRQF_SHARED		0x00000080
#define IRQF_PROBE_SHARED	0x00000100
#define IRQF_NO_SUSPEND		0x00004000
#define IRQF_EARLY_RESUME	0x00020000

void disable_irq(unsigned int irq);
void disable_irq_nosync(unsigned int irq);
void enable_irq(unsigned int irq);

#endif
