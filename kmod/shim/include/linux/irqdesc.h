/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_IRQDESC_H
#define _LINUX_IRQDESC_H

#include <linux/irq.h>

struct irqaction;

/* istate */
#define IRQS_PENDING		0x00000200	/* an edge came while it could not run */
#define IRQS_REPLAY		0x00000040	/* retriggered, not yet handled */

struct irq_desc {
	struct irq_data irq_data;
	irq_flow_handler_t handle_irq;
	struct irqaction *action;
	unsigned int status;		/* IRQ_* settings */
	unsigned int istate;		/* IRQS_* */
	unsigned int depth;		/* nested disable_irq() calls */
	unsigned long count;		/* events handled */
	const char *name;
	raw_spinlock_t lock;
};

struct irq_desc *irq_to_desc(unsigned int irq);
int generic_handle_irq(unsigned int irq);

#endif
