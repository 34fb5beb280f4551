/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt chips, descriptors and flow handlers: a small genirq for one
 * vCPU (shim/irq.c).  An irq descriptor carries its chip (Linux's Xen
 * chips: xen-dyn, xen-dyn-lateeoi, xen-percpu, xen-pirq), the chip's data,
 * a flow handler and the actions request_irq installed.  The vCPU thread's
 * upcall reaches a descriptor through generic_handle_irq().
 */
#ifndef _LINUX_IRQ_H
#define _LINUX_IRQ_H

#include <linux/interrupt.h>
#include <linux/cpumask.h>
#include <linux/spinlock.h>
#include <linux/irqnr.h>
#include <asm/irq.h>

struct irq_desc;
struct irq_data;
struct msi_desc;
typedef void (*irq_flow_handler_t)(struct irq_desc *desc);

struct irq_chip {
	const char *name;
	unsigned int (*irq_startup)(struct irq_data *data);
	void (*irq_shutdown)(struct irq_data *data);
	void (*irq_enable)(struct irq_data *data);
	void (*irq_disable)(struct irq_data *data);
	void (*irq_ack)(struct irq_data *data);
	void (*irq_mask)(struct irq_data *data);
	void (*irq_mask_ack)(struct irq_data *data);
	void (*irq_unmask)(struct irq_data *data);
	void (*irq_eoi)(struct irq_data *data);
	int (*irq_set_affinity)(struct irq_data *data, const struct cpumask *dest, bool force);
	int (*irq_retrigger)(struct irq_data *data);
	unsigned long flags;
};

/* irq_data.state */
#define IRQD_IRQ_DISABLED	(1U << 16)
#define IRQD_IRQ_MASKED		(1U << 17)
#define IRQD_IRQ_INPROGRESS	(1U << 18)
#define IRQD_IRQ_STARTED	(1U << 22)

struct irq_data {
	unsigned int irq;
	unsigned int state;
	struct irq_chip *chip;
	void *chip_data;
	struct cpumask affinity;
	struct cpumask effective_affinity;
};

/* Settings (irq_set_status_flags) */
enum {
	IRQ_TYPE_NONE		= 0,
	IRQ_LEVEL		= (1 << 8),
	IRQ_PER_CPU		= (1 << 9),
	IRQ_NOPROBE		= (1 << 10),
	IRQ_NOREQUEST		= (1 << 11),
	IRQ_NOAUTOEN		= (1 << 12),
	IRQ_NO_BALANCING	= (1 << 13),
	IRQ_MOVE_PCNTXT		= (1 << 14),
	IRQ_NESTED_THREAD	= (1 << 15),
	IRQ_NOTHREAD		= (1 << 16),
};

static inline void irq_data_update_affinity(struct irq_data *d, const struct cpumask *m)
{
	cpumask_copy(&d->affinity, m);
}

static inline void irq_data_update_effective_affinity(struct irq_data *d,
						      const struct cpumask *m)
{
	cpumask_copy(&d->effective_affinity, m);
}

static inline bool irqd_irq_disabled(struct irq_data *d)
{
	return d->state & IRQD_IRQ_DISABLED;
}

static inline bool irqd_irq_masked(struct irq_data *d)
{
	return d->state & IRQD_IRQ_MASKED;
}

static inline bool irqd_irq_inprogress(struct irq_data *d)
{
	return d->state & IRQD_IRQ_INPROGRESS;
}

/* Descriptors: irq numbers are handed out lowest first, from 1. */
int irq_alloc_descs(int irq, unsigned int from, unsigned int cnt, int node);
#define irq_alloc_desc_from(from, node)	irq_alloc_descs(-1, (from), 1, (node))
#define irq_alloc_desc_at(at, node)	irq_alloc_descs((at), (at), 1, (node))
void irq_free_descs(unsigned int irq, unsigned int cnt);
static inline void irq_free_desc(unsigned int irq)
{
	irq_free_descs(irq, 1);
}

struct irq_data *irq_get_irq_data(unsigned int irq);
int irq_set_chip_data(unsigned int irq, void *data);
void *irq_get_chip_data(unsigned int irq);
void irq_set_chip_and_handler_name(unsigned int irq, struct irq_chip *chip,
				   irq_flow_handler_t handle, const char *name);
void irq_modify_status(unsigned int irq, unsigned long clr, unsigned long set);
static inline void irq_set_status_flags(unsigned int irq, unsigned long set)
{
	irq_modify_status(irq, 0, set);
}
static inline void irq_clear_status_flags(unsigned int irq, unsigned long clr)
{
	irq_modify_status(irq, clr, 0);
}
static inline int irq_set_msi_desc(unsigned int irq, struct msi_desc *entry)
{
	(void)irq; (void)entry;
	return -EINVAL;	/* no MSIs */
}

/* Flow handlers, as the chip's kind of interrupt needs them. */
void handle_edge_irq(struct irq_desc *desc);
void handle_fasteoi_irq(struct irq_desc *desc);
void handle_percpu_irq(struct irq_desc *desc);

#include <linux/irqdesc.h>

#endif
