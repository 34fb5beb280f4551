// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's view of the hypervisor: what kind of domain this is, its
 * feature flags, its shared_info page, and the hypercall entry points,
 * which hand Xen's ABI structs to the host transport unchanged.
 */
#include <linux/kernel.h>
#include <xen/xen.h>
#include <xen/features.h>
#include <xen/interface/xen.h>
#include <xen/interface/grant_table.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/hvm/dm_op.h>
#include <linux/sched.h>
#include <linux/percpu.h>
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <xen/events.h>
#include <xen/xen-ops.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>

#include "hostif.h"
#include "shim.h"

enum xen_domain_type xen_domain_type = XEN_NATIVE;
/* A PVH guest, as xen_prepare_pvh() says (arch/x86/xen/enlighten_pvh.c). */
bool xen_pvh;
uint32_t xen_start_flags;
struct shared_info *HYPERVISOR_shared_info;
struct start_info *xen_start_info;
/* The one vCPU's Xen vcpu id (xen_vcpu_nr(), xen-ops.h) and vcpu_info. */
DEFINE_PER_CPU(uint32_t, xen_vcpu_id);
DEFINE_PER_CPU(struct vcpu_info *, xen_vcpu);
/* Upcalls come to the vCPU thread, not by a vector (asm/xen/events.h). */
bool xen_have_vector_callback;
bool xen_percpu_upcall;
const struct cpumask __cpu_one_mask = { { 1 } };
/* This thread made an event-channel op with interrupts off. */
static __thread bool upcall_owed;

/*
 * What Linux's xen_hvm_guest_init() sets up before the features: an
 * HVM/PVH-style guest, dom0 the initial domain, the shared_info page.  The
 * feature flags then come from the hypervisor (features.c, Linux's own):
 * auto-translated physmap, so gntdev maps grants into gfns and inserts
 * pages, and never edits page tables.
 */
void xen_guest_init(void)
{
	xen_domain_type = XEN_HVM_DOMAIN;
	/*
	 * PVH: no emulated platform, so Linux's grant table sets itself up
	 * at core_initcall, in ballooned pages it places its frames at
	 * (arch/x86/xen/grant-table.c), rather than waiting for the Xen
	 * platform PCI device of a PV-on-HVM guest.
	 */
	xen_pvh = true;
	/* dom0 is the initial and control domain (xen_initial_domain()). */
	if (hostk_domid() == 0)
		xen_start_flags |= SIF_INITDOMAIN | SIF_PRIVILEGED;
	HYPERVISOR_shared_info = hostk_shared_info();
	this_cpu_write(xen_vcpu, &HYPERVISOR_shared_info->vcpu_info[0]);
}

/*
 * Linux's upcall, as the vCPU thread runs it: with interrupts off, as an
 * interrupt handler would be entered, and without preemption: the tasks
 * its handlers wake are woken as it returns (sched.c).
 */
void kmod_upcall(void)
{
	unsigned long flags;

	local_irq_save(flags);
	shim_nonpreempt_enter();
	xen_evtchn_do_upcall();
	shim_nonpreempt_exit();
	local_irq_restore(flags);
}

/* Only with a vector callback, which this kernel never has. */
int xen_set_callback_via(uint64_t via)
{
	return -ENOSYS;
}

void xen_irqs_enabled(void)
{
	if (upcall_owed) {
		upcall_owed = false;
		shim_wakes_flush();
		hostk_wait_own_upcalls();
	}
}

int HYPERVISOR_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
	unsigned long long *frames = NULL;

	if (cmd == GNTTABOP_setup_table) {
		struct gnttab_setup_table *setup = uop;

		BUILD_BUG_ON(sizeof(xen_pfn_t) != sizeof(unsigned long long));
		frames = (unsigned long long *)setup->frame_list;
	}
	return hostk_grant_table_op(cmd, uop, count, frames);
}

/*
 * Events the op raised in this domain are handled before the caller goes
 * on with interrupts enabled: now, or when it enables them.
 */
int HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	int rc = hostk_event_channel_op(cmd, arg);

	if (rc == 0) {
		if (irqs_disabled()) {
			upcall_owed = true;
		} else {
			shim_wakes_flush();	/* it may wait: nothing held meanwhile */
			hostk_wait_own_upcalls();
		}
	}
	return rc;
}

long privcmd_call(unsigned int call, unsigned long a1, unsigned long a2,
		  unsigned long a3, unsigned long a4, unsigned long a5)
{
	unsigned long args[5] = { a1, a2, a3, a4, a5 };

	/* Only a program's ioctl makes one; a kernel thread has no program. */
	if (!current->pid)
		return -EFAULT;
	return hostk_hypercall_raw(call, args, current->pid, NULL, 0);
}

int HYPERVISOR_xen_version(int cmd, void *arg)
{
	unsigned long args[5] = { (unsigned int)cmd, (unsigned long)arg };

	return hostk_hypercall_raw(__HYPERVISOR_xen_version, args, 0, NULL, 0);
}

int HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
	unsigned long args[5] = { cmd, (unsigned long)arg };

	return hostk_hypercall_raw(__HYPERVISOR_memory_op, args, 0, NULL, 0);
}

/* Raw, in this kernel's memory; hvsimd answers those it serves. */
int HYPERVISOR_hvm_op(int op, void *arg)
{
	unsigned long args[5] = { (unsigned int)op, (unsigned long)arg };

	return hostk_hypercall_raw(__HYPERVISOR_hvm_op, args, 0, NULL, 0);
}

int HYPERVISOR_physdev_op(int cmd, void *arg)
{
	unsigned long args[5] = { (unsigned int)cmd, (unsigned long)arg };

	return hostk_hypercall_raw(__HYPERVISOR_physdev_op, args, 0, NULL, 0);
}

int HYPERVISOR_sched_op(int cmd, void *arg)
{
	unsigned long args[5] = { (unsigned int)cmd, (unsigned long)arg };

	return hostk_hypercall_raw(__HYPERVISOR_sched_op, args, 0, NULL, 0);
}

int HYPERVISOR_vcpu_op(int cmd, int vcpuid, void *extra_args)
{
	unsigned long args[5] = { (unsigned int)cmd, (unsigned int)vcpuid,
				  (unsigned long)extra_args };

	return hostk_hypercall_raw(__HYPERVISOR_vcpu_op, args, 0, NULL, 0);
}

/* The buffer array goes by value; the buffers stay in the program. */
int HYPERVISOR_dm_op(domid_t dom, unsigned int nr_bufs, struct xen_dm_op_buf *bufs)
{
	unsigned long args[5] = { dom, nr_bufs };

	if (!current->pid)
		return -EFAULT;
	return hostk_hypercall_raw(__HYPERVISOR_dm_op, args, current->pid, bufs,
				   nr_bufs * sizeof(struct xen_dm_op_buf));
}

/* PV only: an auto-translated guest has no machine addresses to give. */
xmaddr_t arbitrary_virt_to_machine(void *vaddr)
{
	return XMADDR(__pa(vaddr));
}

/*
 * Foreign frames in a program's mapping leave as they came: through the
 * auto-translated path (xlate_mmu.c), the only one this guest takes.
 */
int xen_unmap_domain_gfn_range(struct vm_area_struct *vma, int nr, struct page **pages)
{
	return xen_xlate_unmap_gfn_range(vma, nr, pages);
}

int set_foreign_p2m_mapping(struct gnttab_map_grant_ref *map_ops,
			    struct gnttab_map_grant_ref *kmap_ops,
			    struct page **pages, unsigned int count)
{
	/* The hypervisor keeps an auto-translated guest's p2m. */
	return 0;
}

int clear_foreign_p2m_mapping(struct gnttab_unmap_grant_ref *unmap_ops,
			      struct gnttab_unmap_grant_ref *kunmap_ops,
			      struct page **pages, unsigned int count)
{
	return 0;
}
