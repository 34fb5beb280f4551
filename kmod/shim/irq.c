// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small genirq for one vCPU: irq descriptors, the chip calls behind
 * request_irq/free_irq/disable_irq/enable_irq, and the flow handlers
 * Linux's Xen chips are set up with.  The vCPU thread's upcall reaches a
 * descriptor through generic_handle_irq(); a handler runs there, with the
 * descriptor marked in progress so that disable_irq() and free_irq()
 * elsewhere wait for it.
 *
 * Descriptors are pointers in one static table, as many as FIFO has ports
 * (1 MiB of zero pages that stay untouched, so not resident, until irqs
 * that high are used), so that the vCPU thread looks one up without a
 * lock while others are allocated.
 */
#include <linux/kernel.h>
#include <linux/irq.h>
#include <linux/interrupt.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "shim.h"

#define NR_IRQS		(128 * 1024)

unsigned int nr_irqs = NR_IRQS;

static struct irq_desc *irq_descs[NR_IRQS];
static DEFINE_MUTEX(irq_alloc_lock);
/* No irq below this is free (under irq_alloc_lock): binding port after port stays linear. */
static unsigned int lowest_free = 1;
/* disable_irq() and free_irq() wait here for a handler to finish. */
static DECLARE_WAIT_QUEUE_HEAD(irq_done_wq);

/* ---- interrupts off, per thread (linux/irqflags.h) ---- */

static __thread unsigned long irqs_off;

unsigned long arch_local_irq_save(void)
{
	unsigned long was = irqs_off;

	irqs_off = 1;
	return was;
}

void arch_local_irq_restore(unsigned long flags)
{
	irqs_off = flags;
	if (!flags)
		xen_irqs_enabled();
}

int arch_irqs_disabled(void)
{
	return irqs_off != 0;
}

/* ---- descriptors ---- */

struct irq_desc *irq_to_desc(unsigned int irq)
{
	if (irq >= nr_irqs)
		return NULL;
	return READ_ONCE(irq_descs[irq]);
}

static struct irq_desc *alloc_desc(unsigned int irq)
{
	struct irq_desc *desc = kzalloc(sizeof(*desc), GFP_KERNEL);

	if (!desc)
		return NULL;
	desc->irq_data.irq = irq;
	desc->irq_data.state = IRQD_IRQ_DISABLED | IRQD_IRQ_MASKED;
	desc->status = IRQ_NOREQUEST | IRQ_NOPROBE;
	desc->depth = 1;
	cpumask_copy(&desc->irq_data.affinity, cpu_possible_mask);
	raw_spin_lock_init(&desc->lock);
	return desc;
}

/*
 * `cnt` consecutive free irqs: at `irq` if it is >= 0, else the lowest at
 * or above `from`.  Irq 0 is never handed out.
 */
int irq_alloc_descs(int irq, unsigned int from, unsigned int cnt, int node)
{
	unsigned int start, i;
	int ret = -ENOSPC;

	(void)node;
	if (!cnt)
		return -EINVAL;
	if (irq >= 0)
		from = irq;
	mutex_lock(&irq_alloc_lock);
	if (from < lowest_free && irq < 0)
		from = lowest_free;
	if (from == 0)
		from = 1;
	for (start = from; start + cnt <= nr_irqs; start++) {
		for (i = 0; i < cnt && !irq_to_desc(start + i); i++)
			;
		if (i == cnt)
			break;
		if (irq >= 0) {
			ret = -EEXIST;
			goto out;
		}
		start += i;
	}
	if (start + cnt > nr_irqs)
		goto out;
	for (i = 0; i < cnt; i++) {
		struct irq_desc *desc = alloc_desc(start + i);

		if (!desc) {
			while (i--) {
				kfree(irq_descs[start + i]);
				WRITE_ONCE(irq_descs[start + i], NULL);
			}
			ret = -ENOMEM;
			goto out;
		}
		WRITE_ONCE(irq_descs[start + i], desc);
	}
	if (start == lowest_free)
		lowest_free = start + cnt;
	ret = start;
out:
	mutex_unlock(&irq_alloc_lock);
	return ret;
}

void irq_free_descs(unsigned int irq, unsigned int cnt)
{
	unsigned int i;

	mutex_lock(&irq_alloc_lock);
	for (i = irq; i < irq + cnt && i < nr_irqs; i++) {
		struct irq_desc *desc = irq_to_desc(i);

		if (!desc)
			continue;
		WARN(desc->action, "irq %u freed with a handler installed\n", i);
		WRITE_ONCE(irq_descs[i], NULL);
		kfree(desc);
		if (i < lowest_free)
			lowest_free = i;
	}
	mutex_unlock(&irq_alloc_lock);
}

struct irq_data *irq_get_irq_data(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	return desc ? &desc->irq_data : NULL;
}

int irq_set_chip_data(unsigned int irq, void *data)
{
	struct irq_desc *desc = irq_to_desc(irq);

	if (!desc)
		return -EINVAL;
	desc->irq_data.chip_data = data;
	return 0;
}

void *irq_get_chip_data(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	return desc ? desc->irq_data.chip_data : NULL;
}

void irq_set_chip_and_handler_name(unsigned int irq, struct irq_chip *chip,
				   irq_flow_handler_t handle, const char *name)
{
	struct irq_desc *desc = irq_to_desc(irq);
	unsigned long flags;

	if (WARN_ON(!desc))
		return;
	raw_spin_lock_irqsave(&desc->lock, flags);
	desc->irq_data.chip = chip;
	desc->handle_irq = handle;
	desc->name = name;
	raw_spin_unlock_irqrestore(&desc->lock, flags);
}

void irq_modify_status(unsigned int irq, unsigned long clr, unsigned long set)
{
	struct irq_desc *desc = irq_to_desc(irq);
	unsigned long flags;

	if (!desc)
		return;
	raw_spin_lock_irqsave(&desc->lock, flags);
	desc->status = (desc->status & ~clr) | set;
	raw_spin_unlock_irqrestore(&desc->lock, flags);
}

/* ---- chip calls, under desc->lock ---- */

static struct irq_chip *chip_of(struct irq_desc *desc)
{
	return desc->irq_data.chip;
}

static void mask_irq(struct irq_desc *desc)
{
	if (irqd_irq_masked(&desc->irq_data))
		return;
	if (chip_of(desc)->irq_mask)
		chip_of(desc)->irq_mask(&desc->irq_data);
	desc->irq_data.state |= IRQD_IRQ_MASKED;
}

static void unmask_irq(struct irq_desc *desc)
{
	if (!irqd_irq_masked(&desc->irq_data))
		return;
	if (chip_of(desc)->irq_unmask)
		chip_of(desc)->irq_unmask(&desc->irq_data);
	desc->irq_data.state &= ~IRQD_IRQ_MASKED;
}

static void mask_ack_irq(struct irq_desc *desc)
{
	struct irq_chip *chip = chip_of(desc);

	if (chip->irq_mask_ack) {
		chip->irq_mask_ack(&desc->irq_data);
		desc->irq_data.state |= IRQD_IRQ_MASKED;
	} else {
		mask_irq(desc);
		if (chip->irq_ack)
			chip->irq_ack(&desc->irq_data);
	}
}

static void irq_enable(struct irq_desc *desc)
{
	struct irq_chip *chip = chip_of(desc);

	desc->irq_data.state &= ~IRQD_IRQ_DISABLED;
	if (chip->irq_enable) {
		chip->irq_enable(&desc->irq_data);
		desc->irq_data.state &= ~IRQD_IRQ_MASKED;
	} else {
		unmask_irq(desc);
	}
}

/* Xen's chips all have irq_disable, so a disable masks at once. */
static void irq_disable(struct irq_desc *desc)
{
	struct irq_chip *chip = chip_of(desc);

	if (irqd_irq_disabled(&desc->irq_data))
		return;
	desc->irq_data.state |= IRQD_IRQ_DISABLED;
	if (chip->irq_disable) {
		chip->irq_disable(&desc->irq_data);
		desc->irq_data.state |= IRQD_IRQ_MASKED;
	} else {
		mask_irq(desc);
	}
}

/* An edge that came while the irq could not run is raised again. */
static void resend_pending(struct irq_desc *desc)
{
	struct irq_chip *chip = chip_of(desc);

	if (!(desc->istate & IRQS_PENDING))
		return;
	desc->istate &= ~IRQS_PENDING;
	if (chip->irq_retrigger && chip->irq_retrigger(&desc->irq_data))
		desc->istate |= IRQS_REPLAY;
}

static void irq_startup(struct irq_desc *desc)
{
	struct irq_chip *chip = chip_of(desc);

	desc->depth = 0;
	desc->irq_data.state |= IRQD_IRQ_STARTED;
	if (chip->irq_startup) {
		chip->irq_startup(&desc->irq_data);
		desc->irq_data.state &= ~(IRQD_IRQ_DISABLED | IRQD_IRQ_MASKED);
	} else {
		irq_enable(desc);
	}
	resend_pending(desc);
}

static void irq_shutdown(struct irq_desc *desc)
{
	struct irq_chip *chip = chip_of(desc);

	desc->depth = 1;
	desc->irq_data.state &= ~IRQD_IRQ_STARTED;
	if (chip->irq_shutdown) {
		chip->irq_shutdown(&desc->irq_data);
		desc->irq_data.state |= IRQD_IRQ_DISABLED | IRQD_IRQ_MASKED;
	} else {
		irq_disable(desc);
	}
}

/* ---- request, free, disable, enable ---- */

int request_threaded_irq(unsigned int irq, irq_handler_t handler, irq_handler_t thread_fn,
			 unsigned long flags, const char *name, void *dev)
{
	struct irq_desc *desc = irq_to_desc(irq);
	struct irqaction *action, **p;
	unsigned long lflags;

	if (!desc || (desc->status & IRQ_NOREQUEST) || !handler || thread_fn)
		return -EINVAL;
	if ((flags & IRQF_SHARED) && !dev)
		return -EINVAL;
	action = kzalloc(sizeof(*action), GFP_KERNEL);
	if (!action)
		return -ENOMEM;
	action->handler = handler;
	action->dev_id = dev;
	action->flags = flags;
	action->name = name;
	action->irq = irq;

	raw_spin_lock_irqsave(&desc->lock, lflags);
	if (desc->action && !(desc->action->flags & flags & IRQF_SHARED)) {
		raw_spin_unlock_irqrestore(&desc->lock, lflags);
		pr_err("irq %u: %s cannot share it with %s\n", irq, name, desc->action->name);
		kfree(action);
		return -EBUSY;
	}
	for (p = &desc->action; *p; p = &(*p)->next)
		;
	*p = action;
	if (p == &desc->action) {
		if (desc->status & IRQ_NOAUTOEN)
			desc->depth = 1;
		else
			irq_startup(desc);
	}
	raw_spin_unlock_irqrestore(&desc->lock, lflags);
	return 0;
}

static void wait_for_handler(struct irq_desc *desc)
{
	wait_event(irq_done_wq, !(READ_ONCE(desc->irq_data.state) & IRQD_IRQ_INPROGRESS));
}

const void *free_irq(unsigned int irq, void *dev_id)
{
	struct irq_desc *desc = irq_to_desc(irq);
	struct irqaction *action, **p;
	const char *name;
	unsigned long flags;

	if (!desc)
		return NULL;
	raw_spin_lock_irqsave(&desc->lock, flags);
	for (p = &desc->action; *p && (*p)->dev_id != dev_id; p = &(*p)->next)
		;
	action = *p;
	if (!action) {
		raw_spin_unlock_irqrestore(&desc->lock, flags);
		WARN(1, "Trying to free already-free IRQ %u\n", irq);
		return NULL;
	}
	*p = action->next;
	if (!desc->action)
		irq_shutdown(desc);
	raw_spin_unlock_irqrestore(&desc->lock, flags);

	/* The handler may be running on the vCPU: it must be done first. */
	wait_for_handler(desc);
	name = action->name;
	kfree(action);
	return name;
}

void disable_irq_nosync(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);
	unsigned long flags;

	if (!desc)
		return;
	raw_spin_lock_irqsave(&desc->lock, flags);
	if (!desc->depth++)
		irq_disable(desc);
	raw_spin_unlock_irqrestore(&desc->lock, flags);
}

void disable_irq(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	disable_irq_nosync(irq);
	if (desc && desc->action)
		wait_for_handler(desc);
}

void enable_irq(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);
	unsigned long flags;

	if (!desc)
		return;
	raw_spin_lock_irqsave(&desc->lock, flags);
	if (!desc->depth) {
		WARN(1, "Unbalanced enable for IRQ %u\n", irq);
	} else if (desc->depth == 1) {
		if (desc->action && !(desc->irq_data.state & IRQD_IRQ_STARTED))
			irq_startup(desc);
		else {
			desc->depth = 0;
			irq_enable(desc);
			resend_pending(desc);
		}
	} else {
		desc->depth--;
	}
	raw_spin_unlock_irqrestore(&desc->lock, flags);
}

/* ---- flow handlers, on the vCPU thread ---- */

/* Runs the actions with the lock dropped, the descriptor in progress. */
static void run_actions(struct irq_desc *desc)
{
	struct irqaction *action;

	desc->istate &= ~IRQS_PENDING;
	desc->irq_data.state |= IRQD_IRQ_INPROGRESS;
	raw_spin_unlock(&desc->lock);
	for (action = READ_ONCE(desc->action); action; action = READ_ONCE(action->next))
		action->handler(desc->irq_data.irq, action->dev_id);
	raw_spin_lock(&desc->lock);
	desc->irq_data.state &= ~IRQD_IRQ_INPROGRESS;
	desc->count++;
	wake_up_all(&irq_done_wq);
}

/*
 * An edge: acknowledged at once, so a new edge during the handler is
 * caught and handled in the same call.  One that cannot run now (disabled,
 * no handler, already running) is remembered as pending and masked.
 */
void handle_edge_irq(struct irq_desc *desc)
{
	struct irq_chip *chip = chip_of(desc);

	raw_spin_lock(&desc->lock);
	desc->istate &= ~IRQS_REPLAY;
	if (irqd_irq_inprogress(&desc->irq_data) || irqd_irq_disabled(&desc->irq_data) ||
	    !desc->action) {
		desc->istate |= IRQS_PENDING;
		mask_ack_irq(desc);
		goto out;
	}
	if (chip->irq_ack)
		chip->irq_ack(&desc->irq_data);
	do {
		if (!desc->action) {
			mask_irq(desc);
			goto out;
		}
		if ((desc->istate & IRQS_PENDING) && !irqd_irq_disabled(&desc->irq_data) &&
		    irqd_irq_masked(&desc->irq_data))
			unmask_irq(desc);
		run_actions(desc);
	} while ((desc->istate & IRQS_PENDING) && !irqd_irq_disabled(&desc->irq_data));
out:
	raw_spin_unlock(&desc->lock);
}

/* A level-style irq with an end-of-interrupt (Xen's pirqs). */
void handle_fasteoi_irq(struct irq_desc *desc)
{
	struct irq_chip *chip = chip_of(desc);

	raw_spin_lock(&desc->lock);
	desc->istate &= ~IRQS_REPLAY;
	if (irqd_irq_inprogress(&desc->irq_data))
		goto out;
	if (!desc->action || irqd_irq_disabled(&desc->irq_data)) {
		desc->istate |= IRQS_PENDING;
		mask_irq(desc);
		goto out;
	}
	run_actions(desc);
out:
	if (chip->irq_eoi)
		chip->irq_eoi(&desc->irq_data);
	raw_spin_unlock(&desc->lock);
}

/* A per-CPU irq (VIRQs, IPIs): ack, run, eoi; never disabled lazily. */
void handle_percpu_irq(struct irq_desc *desc)
{
	struct irq_chip *chip = chip_of(desc);

	raw_spin_lock(&desc->lock);
	if (chip->irq_ack)
		chip->irq_ack(&desc->irq_data);
	if (desc->action)
		run_actions(desc);
	if (chip->irq_eoi)
		chip->irq_eoi(&desc->irq_data);
	raw_spin_unlock(&desc->lock);
}

int generic_handle_irq(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	if (!desc || !desc->handle_irq)
		return -EINVAL;
	desc->handle_irq(desc);
	return 0;
}
