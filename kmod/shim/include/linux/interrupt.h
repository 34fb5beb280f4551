/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_INTERRUPT_H
#define _LINUX_INTERRUPT_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <linux/irqreturn.h>
#include <linux/irqflags.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/hardirq.h>
#include <linux/init.h>

typedef irqreturn_t (*irq_handler_t)(int, void *);

#define IRQF_SHARED		0x00000080
#define IRQF_PROBE_SHARED	0x00000100
#define IRQF_PERCPU		0x00000400
#define IRQF_NOBALANCING	0x00000800
#define IRQF_NO_THREAD		0x00010000
#define IRQF_NO_SUSPEND		0x00004000
#define IRQF_FORCE_RESUME	0x00008000
#define IRQF_EARLY_RESUME	0x00020000

struct irqaction {
	irq_handler_t handler;
	void *dev_id;
	struct irqaction *next;
	unsigned int irq;
	unsigned int flags;
	const char *name;
};

/* No threaded handlers: thread_fn must be NULL. */
int request_threaded_irq(unsigned int irq, irq_handler_t handler, irq_handler_t thread_fn,
			 unsigned long flags, const char *name, void *dev);
static inline int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
			      const char *name, void *dev)
{
	return request_threaded_irq(irq, handler, NULL, flags, name, dev);
}
const void *free_irq(unsigned int irq, void *dev_id);

void disable_irq(unsigned int irq);
void disable_irq_nosync(unsigned int irq);
void enable_irq(unsigned int irq);

#endif
