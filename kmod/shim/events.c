// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event channels bound to irqs, as drivers/xen/events/events_base.c does it
 * for a 2-level guest with one vCPU.
 *
 * Every port starts masked.  Binding gives an irq (mask reason EXPLICIT);
 * request_irq unmasks it.  When an upcall finds the port pending, a
 * "lateeoi" irq is acked the way Linux's lateeoi chip acks it (masked for
 * EOI_PENDING, pending bit cleared) and the handler runs on the vCPU
 * thread; xen_irq_lateeoi() later lifts that mask, which re-raises the
 * event if it fired meanwhile.  Ports bound by /dev/xen/evtchn are
 * refcounted so that gntdev/gntalloc unmap notifications can hold them.
 */
#include <linux/kernel.h>
#include <linux/interrupt.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>

#include "hostif.h"
#include "shim.h"

#ifndef EVTCHN_2L_NR_CHANNELS
#define EVTCHN_2L_NR_CHANNELS	(64 * 64)
#endif
#define NR_IRQS			EVTCHN_2L_NR_CHANNELS
#define VALID_EVTCHN(chn)	((chn) != 0)

#define EVT_MASK_REASON_EXPLICIT	0x01
#define EVT_MASK_REASON_TEMPORARY	0x02
#define EVT_MASK_REASON_EOI_PENDING	0x04

struct irq_info {
	unsigned int irq;
	evtchn_port_t evtchn;
	short refcnt;			/* -1: not refcounted */
	u8 mask_reason;
	bool lateeoi;
	bool is_active;			/* handler ran, EOI not yet given */
	int disable_depth;
	bool running;			/* handler on the vCPU right now */
	irq_handler_t handler;
	void *dev_id;
	const char *name;
	spinlock_t lock;		/* mask_reason */
};

static struct irq_info *irq_table[NR_IRQS];
static int evtchn_to_irq[EVTCHN_2L_NR_CHANNELS];
static DEFINE_MUTEX(irq_mapping_update_lock);
/* Protects the handler fields against the vCPU thread. */
static DEFINE_SPINLOCK(irq_desc_lock);
static DECLARE_WAIT_QUEUE_HEAD(irq_sync_wq);

unsigned xen_evtchn_nr_channels(void)
{
	return EVTCHN_2L_NR_CHANNELS;
}

int xen_events_init(void)
{
	evtchn_port_t port;

	for (port = 0; port < EVTCHN_2L_NR_CHANNELS; port++) {
		evtchn_to_irq[port] = -1;
		hostk_evtchn_mask(port);
	}
	return 0;
}

static struct irq_info *info_for_irq(unsigned int irq)
{
	return irq < NR_IRQS ? irq_table[irq] : NULL;
}

static int get_evtchn_to_irq(evtchn_port_t evtchn)
{
	if (evtchn >= EVTCHN_2L_NR_CHANNELS)
		return -1;
	return READ_ONCE(evtchn_to_irq[evtchn]);
}

unsigned int irq_from_evtchn(evtchn_port_t evtchn)
{
	return get_evtchn_to_irq(evtchn);
}

static void mask_evtchn(evtchn_port_t port)
{
	hostk_evtchn_mask(port);
}

static void unmask_evtchn(evtchn_port_t port)
{
	hostk_evtchn_unmask(port);
}

static void do_mask(struct irq_info *info, u8 reason)
{
	spin_lock(&info->lock);
	if (!info->mask_reason)
		mask_evtchn(info->evtchn);
	info->mask_reason |= reason;
	spin_unlock(&info->lock);
}

static void do_unmask(struct irq_info *info, u8 reason)
{
	spin_lock(&info->lock);
	info->mask_reason &= ~reason;
	if (!info->mask_reason)
		unmask_evtchn(info->evtchn);
	spin_unlock(&info->lock);
}

/* Irq numbers are handed out lowest first, from 1. */
static struct irq_info *xen_allocate_irq(void)
{
	struct irq_info *info;
	unsigned int irq;

	for (irq = 1; irq < NR_IRQS; irq++)
		if (!irq_table[irq])
			break;
	if (irq == NR_IRQS)
		return NULL;
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return NULL;
	info->irq = irq;
	info->refcnt = -1;
	spin_lock_init(&info->lock);
	irq_table[irq] = info;
	return info;
}

static void xen_free_irq(struct irq_info *info)
{
	irq_table[info->irq] = NULL;
	kfree(info);
}

static int bind_evtchn_to_irq_chip(evtchn_port_t evtchn, bool lateeoi)
{
	struct irq_info *info;
	int irq;

	if (evtchn >= EVTCHN_2L_NR_CHANNELS)
		return -ENOMEM;
	mutex_lock(&irq_mapping_update_lock);
	irq = get_evtchn_to_irq(evtchn);
	if (irq == -1) {
		info = xen_allocate_irq();
		if (!info) {
			irq = -ENOSPC;
			goto out;
		}
		info->evtchn = evtchn;
		info->lateeoi = lateeoi;
		info->mask_reason = EVT_MASK_REASON_EXPLICIT;
		WRITE_ONCE(evtchn_to_irq[evtchn], info->irq);
		irq = info->irq;
	} else {
		info = info_for_irq(irq);
		WARN_ON(info == NULL || info->lateeoi != lateeoi);
	}
out:
	mutex_unlock(&irq_mapping_update_lock);
	return irq;
}

int bind_evtchn_to_irq(evtchn_port_t evtchn)
{
	return bind_evtchn_to_irq_chip(evtchn, false);
}

int bind_evtchn_to_irq_lateeoi(evtchn_port_t evtchn)
{
	return bind_evtchn_to_irq_chip(evtchn, true);
}

static void xen_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close close = { .port = port };
	int rc = HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);

	/* Linux BUG()s here; a hypervisor that went away (domain teardown)
	 * is the one failure that is not a bug. */
	if (rc && hostk_hv_alive())
		BUG();
}

static void unbind_from_irq(unsigned int irq)
{
	struct irq_info *info;

	mutex_lock(&irq_mapping_update_lock);
	info = info_for_irq(irq);
	if (WARN_ON(!info))
		goto done;
	if (info->refcnt > 0) {
		info->refcnt--;
		if (info->refcnt != 0)
			goto done;
	}
	if (VALID_EVTCHN(info->evtchn)) {
		xen_evtchn_close(info->evtchn);
		WRITE_ONCE(evtchn_to_irq[info->evtchn], -1);
		info->evtchn = 0;
	}
	xen_free_irq(info);
done:
	mutex_unlock(&irq_mapping_update_lock);
}

static void synchronize_irq(struct irq_info *info)
{
	wait_event(irq_sync_wq, !READ_ONCE(info->running));
}

static int request_irq(unsigned int irq, irq_handler_t handler,
		       unsigned long irqflags, const char *devname, void *dev_id)
{
	struct irq_info *info = info_for_irq(irq);

	if (!info || !handler)
		return -EINVAL;
	spin_lock(&irq_desc_lock);
	if (info->handler) {
		spin_unlock(&irq_desc_lock);
		return -EBUSY;
	}
	info->handler = handler;
	info->dev_id = dev_id;
	info->name = devname;
	info->disable_depth = 0;
	spin_unlock(&irq_desc_lock);
	/* irq_startup: enable the irq, which unmasks its port. */
	do_unmask(info, EVT_MASK_REASON_EXPLICIT);
	return 0;
}

static void free_irq(unsigned int irq, void *dev_id)
{
	struct irq_info *info = info_for_irq(irq);

	if (!info)
		return;
	spin_lock(&irq_desc_lock);
	if (WARN(info->dev_id != dev_id, "Trying to free already-free IRQ %u\n", irq)) {
		spin_unlock(&irq_desc_lock);
		return;
	}
	info->handler = NULL;
	info->dev_id = NULL;
	spin_unlock(&irq_desc_lock);
	/* irq_shutdown masks; then wait out a handler still running. */
	if (VALID_EVTCHN(info->evtchn))
		do_mask(info, EVT_MASK_REASON_EXPLICIT);
	synchronize_irq(info);
}

static int bind_evtchn_to_irqhandler_chip(evtchn_port_t evtchn, irq_handler_t handler,
					  unsigned long irqflags, const char *devname,
					  void *dev_id, bool lateeoi)
{
	int irq, retval;

	irq = bind_evtchn_to_irq_chip(evtchn, lateeoi);
	if (irq < 0)
		return irq;
	retval = request_irq(irq, handler, irqflags, devname, dev_id);
	if (retval != 0) {
		unbind_from_irq(irq);
		return retval;
	}
	return irq;
}

int bind_evtchn_to_irqhandler_lateeoi(evtchn_port_t evtchn, irq_handler_t handler,
				      unsigned long irqflags, const char *devname,
				      void *dev_id)
{
	return bind_evtchn_to_irqhandler_chip(evtchn, handler, irqflags, devname,
					      dev_id, true);
}

int bind_evtchn_to_irqhandler(evtchn_port_t evtchn, irq_handler_t handler,
			      unsigned long irqflags, const char *devname,
			      void *dev_id)
{
	return bind_evtchn_to_irqhandler_chip(evtchn, handler, irqflags, devname,
					      dev_id, false);
}

void unbind_from_irqhandler(unsigned int irq, void *dev_id)
{
	free_irq(irq, dev_id);
	unbind_from_irq(irq);
}

void disable_irq(unsigned int irq)
{
	struct irq_info *info = info_for_irq(irq);

	if (!info)
		return;
	spin_lock(&irq_desc_lock);
	if (info->disable_depth++ == 0 && VALID_EVTCHN(info->evtchn))
		do_mask(info, EVT_MASK_REASON_EXPLICIT);
	spin_unlock(&irq_desc_lock);
	synchronize_irq(info);
}

void disable_irq_nosync(unsigned int irq)
{
	struct irq_info *info = info_for_irq(irq);

	if (!info)
		return;
	spin_lock(&irq_desc_lock);
	if (info->disable_depth++ == 0 && VALID_EVTCHN(info->evtchn))
		do_mask(info, EVT_MASK_REASON_EXPLICIT);
	spin_unlock(&irq_desc_lock);
}

void enable_irq(unsigned int irq)
{
	struct irq_info *info = info_for_irq(irq);

	if (!info)
		return;
	spin_lock(&irq_desc_lock);
	if (WARN(info->disable_depth == 0, "Unbalanced enable for IRQ %u\n", irq)) {
		spin_unlock(&irq_desc_lock);
		return;
	}
	if (--info->disable_depth == 0 && VALID_EVTCHN(info->evtchn))
		do_unmask(info, EVT_MASK_REASON_EXPLICIT);
	spin_unlock(&irq_desc_lock);
}

static void xen_irq_lateeoi_locked(struct irq_info *info, bool spurious)
{
	if (!VALID_EVTCHN(info->evtchn))
		return;
	WRITE_ONCE(info->is_active, 0);
	do_unmask(info, EVT_MASK_REASON_EOI_PENDING);
}

void xen_irq_lateeoi(unsigned int irq, unsigned int eoi_flags)
{
	struct irq_info *info = info_for_irq(irq);

	if (info)
		xen_irq_lateeoi_locked(info, eoi_flags & XEN_EOI_FLAG_SPURIOUS);
}

int evtchn_make_refcounted(evtchn_port_t evtchn)
{
	int irq = get_evtchn_to_irq(evtchn);
	struct irq_info *info;

	if (irq == -1)
		return -ENOENT;
	info = info_for_irq(irq);
	if (!info)
		return -ENOENT;
	WARN_ON(info->refcnt != -1);
	info->refcnt = 1;
	return 0;
}

int evtchn_get(evtchn_port_t evtchn)
{
	struct irq_info *info;
	int irq, err = -ENOENT;

	if (evtchn >= EVTCHN_2L_NR_CHANNELS)
		return -EINVAL;
	mutex_lock(&irq_mapping_update_lock);
	irq = get_evtchn_to_irq(evtchn);
	if (irq == -1)
		goto done;
	info = info_for_irq(irq);
	if (!info)
		goto done;
	err = -EINVAL;
	if (info->refcnt <= 0 || info->refcnt == SHRT_MAX)
		goto done;
	info->refcnt++;
	err = 0;
done:
	mutex_unlock(&irq_mapping_update_lock);
	return err;
}

void evtchn_put(evtchn_port_t evtchn)
{
	int irq = get_evtchn_to_irq(evtchn);

	if (WARN_ON(irq == -1))
		return;
	unbind_from_irq(irq);
}

void notify_remote_via_irq(int irq)
{
	struct irq_info *info = info_for_irq(irq);

	if (info && VALID_EVTCHN(info->evtchn))
		notify_remote_via_evtchn(info->evtchn);
}

/*
 * The vCPU found `port` pending and unmasked: handle_irq_for_port, then
 * the edge flow handler with the chip's ack.
 */
void kmod_handle_event(unsigned int port)
{
	struct irq_info *info;
	irq_handler_t handler;
	void *dev_id;
	int irq = get_evtchn_to_irq(port);

	if (irq == -1)
		return;
	spin_lock(&irq_desc_lock);
	info = info_for_irq(irq);
	if (!info) {
		spin_unlock(&irq_desc_lock);
		return;
	}
	if (info->lateeoi && __atomic_exchange_n(&info->is_active, 1, __ATOMIC_ACQUIRE)) {
		spin_unlock(&irq_desc_lock);
		return;
	}
	handler = info->handler;
	dev_id = info->dev_id;
	if (!handler || info->disable_depth) {
		/* handle_edge_irq on a disabled irq: mask and ack, keep it. */
		do_mask(info, EVT_MASK_REASON_EXPLICIT);
		hostk_evtchn_clear(port);
		info->is_active = 0;
		spin_unlock(&irq_desc_lock);
		return;
	}
	if (info->lateeoi)
		do_mask(info, EVT_MASK_REASON_EOI_PENDING);
	hostk_evtchn_clear(port);
	WRITE_ONCE(info->running, true);
	spin_unlock(&irq_desc_lock);

	handler(irq, dev_id);

	WRITE_ONCE(info->running, false);
	wake_up_all(&irq_sync_wq);
}
