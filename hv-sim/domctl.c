// SPDX-License-Identifier: GPL-2.0-only
/*
 * __HYPERVISOR_domctl, as Xen 4.17's do_domctl (xen/common/domctl.c) with
 * x86's arch_do_domctl (xen/arch/x86/domctl.c) and the default XSM policy
 * (xen/include/xsm/dummy.h: xsm_domctl), in Xen's order:
 *
 *  1. copy the struct xen_domctl in (-EFAULT);
 *  2. interface_version must be XEN_DOMCTL_INTERFACE_VERSION (-EACCES);
 *  3. find the domain op->domain names: by exact domid
 *     (rcu_lock_domain_by_id: no DOMID_SELF, a dying domain is found), or
 *     none for createdomain, DOMID_INVALID with test_assign_device and
 *     vm_event_op, dom_io for DOMID_IO with (de)assign_device; a domid
 *     that names no domain is -ESRCH, except for getdomaininfo;
 *  4. XSM: every domctl needs the control domain (dom0) in hvsim, -EPERM
 *     otherwise (below: which policy each has, and why they agree here);
 *  5. the command.
 *
 * Modelled: XEN_DOMCTL_getdomaininfo.  Every other command that Xen 4.17
 * on x86 has (as Debian builds it: no GDBSX, MEM_SHARING or P2M_AUDIT)
 * gets -EOPNOTSUPP after the checks above: hvsim knows the command and
 * does not model it (Xen's own "not supported here").  A command Xen's x86
 * build does not have gets Xen's answer, -ENOSYS (arch_do_domctl's
 * default).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "privcmd_hypercall.h"

/* Xen's own (how a preempted soft_reset continues), but any caller can issue it */
#ifndef XEN_DOMCTL_soft_reset_cont
#define XEN_DOMCTL_soft_reset_cont 23
#endif

/* Xen's INVALID_M2P_ENTRY: the frame is in no gfn of the domain. */
#define HVSIM_INVALID_M2P_ENTRY (~0ULL)

/*
 * Xen's hap_paddr_bits (xen/arch/x86/cpu/common.c): the host's guest
 * physical address width from CPUID 0x80000008 (EAX[23:16], else the
 * physical width EAX[7:0]), at most PADDR_BITS (52); 36 without the leaf.
 */
static uint8_t host_hap_paddr_bits(void)
{
	unsigned int bits = 36;
#if defined(__x86_64__) || defined(__i386__)
	unsigned int eax, ebx, ecx, edx;

	if (__get_cpuid(0x80000008, &eax, &ebx, &ecx, &edx)) {
		bits = (eax >> 16) & 0xff;
		if (!bits)
			bits = eax & 0xff;
		if (bits > 52)
			bits = 52;
	}
#endif
	return (uint8_t)bits;
}

/*
 * The shutdown code of a domain that never shut down, in getdomaininfo's
 * flags: Xen sets d->shutdown_code to SHUTDOWN_CODE_INVALID (~0u) at
 * domain_create (xen/common/domain.c) and getdomaininfo ORs it in shifted
 * by XEN_DOMINF_shutdownshift without masking, so every flag bit from 16
 * up is set (the shutdown code field reads 255).  Seen on the reference
 * VM (conf-privcmd: getdomaininfo.*.shutdown_bits 0xffff).  hvsim's
 * domains never shut down.
 */
#define HVSIM_DOMINF_NEVER_SHUT_DOWN (~0U << XEN_DOMINF_shutdownshift)

/*
 * getdomaininfo() (xen/common/domctl.c) and x86's arch_get_domain_info,
 * from what hvsim knows:
 *  - one vCPU (vcpu 0), online as long as the domain exists: max_vcpu_id 0,
 *    nr_online_vcpus 1;
 *  - running/blocked: the caller's own domain is running (its vCPU is the
 *    one making this hypercall); any other running domain shows blocked,
 *    which is what Xen shows for a guest waiting for events, and what a
 *    guest kernel between hypercalls is as far as hvsimd can see; a dying
 *    domain neither (Xen's domain_kill leaves its vCPUs paused);
 *  - dying: hvsim's DYING is Xen's zombie (is_dying == DOMDYING_dead, kept
 *    while others map its pages): XEN_DOMINF_dying.  hvsim has no shutdown
 *    (the shutdown code bits say "none", as Xen's do, below),
 *    controller pause, debugger or xenstore domain: none of those flags;
 *  - hvm_guest and hap: hvsim's guests are auto-translated PVH-style
 *    guests, which Xen runs as HVM domains (is_hvm_domain) with HAP;
 *  - tot_pages = max_pages = ram_pages.  A dying domain keeps its whole RAM
 *    in hvsim until the last mapping goes, so it keeps reporting it;
 *  - cpu_time 0: hvsim does not account vCPU time;
 *  - shared_info_frame: the guest sees shared_info through its shared fd,
 *    in no gfn of its physmap, so Xen's M2P says INVALID_M2P_ENTRY;
 *  - ssidref 0 (no XSM labels), cpupool 0 (Pool-0), the domain's handle;
 *  - gpaddr_bits: the host's (as Xen's hap_paddr_bits);
 *    arch_config.emulation_flags 0: hvsim emulates no device, not even the
 *    local APIC that a PVH domain has on Xen.
 */
void hvsim_getdomaininfo(const struct domain *cur, const struct domain *d,
			 struct xen_domctl_getdomaininfo *info)
{
	uint32_t flags = XEN_DOMINF_blocked;

	memset(info, 0, sizeof(*info));
	info->domain = d->domid;
	info->max_vcpu_id = 0;
	info->nr_online_vcpus = 1;
	if (d->state != DOMAIN_RUNNING)
		flags &= ~XEN_DOMINF_blocked;
	else if (d == cur)
		flags = XEN_DOMINF_running;
	info->cpu_time = 0;
	info->flags = flags |
		(d->state == DOMAIN_DYING ? XEN_DOMINF_dying : 0) |
		XEN_DOMINF_hvm_guest | HVSIM_DOMINF_NEVER_SHUT_DOWN;
	info->tot_pages = d->ram_pages;
	info->max_pages = d->ram_pages;
	info->outstanding_pages = 0;
	info->shared_info_frame = HVSIM_INVALID_M2P_ENTRY;
	info->ssidref = 0;
	info->cpupool = 0;
	hvsim_domain_handle(d, info->handle);
	/* arch_get_domain_info */
	info->flags |= XEN_DOMINF_hap;
	info->arch_config.emulation_flags = 0;
	info->gpaddr_bits = host_hap_paddr_bits();
}

/*
 * The commands Xen 4.17's x86 build dispatches (common domctl.c, then
 * arch_do_domctl and iommu_do_domctl), other than getdomaininfo.
 */
static bool domctl_known(uint32_t cmd)
{
	switch (cmd) {
	/* xen/common/domctl.c */
	case XEN_DOMCTL_createdomain:
	case XEN_DOMCTL_destroydomain:
	case XEN_DOMCTL_pausedomain:
	case XEN_DOMCTL_unpausedomain:
	case XEN_DOMCTL_resumedomain:
	case XEN_DOMCTL_setvcpuaffinity:
	case XEN_DOMCTL_getvcpuaffinity:
	case XEN_DOMCTL_max_mem:
	case XEN_DOMCTL_setvcpucontext:
	case XEN_DOMCTL_getvcpucontext:
	case XEN_DOMCTL_getvcpuinfo:
	case XEN_DOMCTL_max_vcpus:
	case XEN_DOMCTL_scheduler_op:
	case XEN_DOMCTL_setdomainhandle:
	case XEN_DOMCTL_setdebugging:
	case XEN_DOMCTL_irq_permission:
	case XEN_DOMCTL_iomem_permission:
	case XEN_DOMCTL_memory_mapping:
	case XEN_DOMCTL_settimeoffset:
	case XEN_DOMCTL_set_target:
	case XEN_DOMCTL_subscribe:
	case XEN_DOMCTL_vm_event_op:
	case XEN_DOMCTL_set_access_required:
	case XEN_DOMCTL_set_virq_handler:
	case XEN_DOMCTL_setnodeaffinity:
	case XEN_DOMCTL_getnodeaffinity:
	case XEN_DOMCTL_setvnumainfo:
	case XEN_DOMCTL_monitor_op:
	case XEN_DOMCTL_soft_reset:
	case XEN_DOMCTL_soft_reset_cont:
	case XEN_DOMCTL_get_paging_mempool_size:
	case XEN_DOMCTL_set_paging_mempool_size:
	/* xen/drivers/passthrough (iommu_do_domctl, CONFIG_HAS_PCI) */
	case XEN_DOMCTL_assign_device:
	case XEN_DOMCTL_test_assign_device:
	case XEN_DOMCTL_deassign_device:
	case XEN_DOMCTL_get_device_group:
	/* xen/arch/x86/domctl.c */
	case XEN_DOMCTL_shadow_op:
	case XEN_DOMCTL_ioport_permission:
	case XEN_DOMCTL_hypercall_init:
	case XEN_DOMCTL_sendtrigger:
	case XEN_DOMCTL_gethvmcontext:
	case XEN_DOMCTL_sethvmcontext:
	case XEN_DOMCTL_gethvmcontext_partial:
	case XEN_DOMCTL_set_address_size:
	case XEN_DOMCTL_get_address_size:
	case XEN_DOMCTL_bind_pt_irq:
	case XEN_DOMCTL_unbind_pt_irq:
	case XEN_DOMCTL_ioport_mapping:
	case XEN_DOMCTL_set_ext_vcpucontext:
	case XEN_DOMCTL_get_ext_vcpucontext:
	case XEN_DOMCTL_debug_op:
	case XEN_DOMCTL_gettscinfo:
	case XEN_DOMCTL_settscinfo:
	case XEN_DOMCTL_getpageframeinfo3:
	case XEN_DOMCTL_setvcpuextstate:
	case XEN_DOMCTL_getvcpuextstate:
	case XEN_DOMCTL_set_broken_page_p2m:
	case XEN_DOMCTL_get_vcpu_msrs:
	case XEN_DOMCTL_set_vcpu_msrs:
	case XEN_DOMCTL_psr_cmt_op:
	case XEN_DOMCTL_psr_alloc:
	case XEN_DOMCTL_get_cpu_policy:
	case XEN_DOMCTL_set_cpu_policy:
	case XEN_DOMCTL_vmtrace_op:
		return true;
	/*
	 * Not in Xen's x86 build, so -ENOSYS from arch_do_domctl: cacheflush
	 * and vuart_op (Arm), mem_sharing_op (CONFIG_MEM_SHARING), audit_p2m
	 * (debug builds), the gdbsx_* ops (CONFIG_GDBSX, debug builds).
	 */
	}
	return false;
}

/*
 * xsm_domctl (dummy.h), for hvsim, where the control domain is dom0 and
 * there is neither a xenstore domain nor a device model with a target:
 *  - ioport_mapping, memory_mapping, (un)bind_pt_irq: XSM_DM_PRIV, the
 *    domain's device model (src->target == d) or the control domain;
 *  - getdomaininfo: XSM_XS_PRIV, the xenstore domain or the control domain
 *    (not the domain itself: a domU asking about itself gets -EPERM);
 *  - everything else: XSM_PRIV, the control domain.
 */
static int xsm_domctl(const struct domain *cur)
{
	return hvsim_is_control_domain(cur) ? 0 : -EPERM;
}

/* for_each_domain from `dom`: the live domain with the lowest domid >= dom */
static struct domain *first_domain_from(domid_t dom)
{
	for (unsigned int id = dom; id < DOMID_FIRST_RESERVED; id++) {
		struct domain *d = domain_by_id((domid_t)id);

		if (d)
			return d;
	}
	return NULL;
}

long domctl_op(struct domain *cur, uint64_t arg, const struct guest_mem *m)
{
	struct xen_domctl op;
	struct domain *d;
	long ret;

	if (guest_mem_read(m, arg, &op, sizeof(op)))
		return -EFAULT;
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -EACCES;

	switch (op.cmd) {
	case XEN_DOMCTL_createdomain:
		d = NULL;
		break;
	case XEN_DOMCTL_assign_device:
	case XEN_DOMCTL_deassign_device:
		/* DOMID_IO is dom_io, which exists: on to XSM */
		if (op.domain == DOMID_IO) {
			d = NULL;
			break;
		}
		if (op.domain == DOMID_INVALID)
			return -ESRCH;
		d = domain_by_id(op.domain);
		if (!d)
			return -ESRCH;
		break;
	case XEN_DOMCTL_test_assign_device:
	case XEN_DOMCTL_vm_event_op:
		if (op.domain == DOMID_INVALID) {
			d = NULL;
			break;
		}
		/* fall through */
	default:
		/* exact domid; DOMID_SELF and the other reserved ids name none */
		d = domain_by_id(op.domain);
		if (!d && op.cmd != XEN_DOMCTL_getdomaininfo)
			return -ESRCH;
		break;
	}

	ret = xsm_domctl(cur);
	if (ret)
		return ret;

	switch (op.cmd) {
	case XEN_DOMCTL_getdomaininfo:
		/*
		 * Xen 4.17: the exact domain if it exists, else the first
		 * domain whose domid is >= the one asked (so that a toolstack
		 * can walk the list); a reserved domid (DOMID_SELF too) is
		 * -EINVAL, and none at or above it -ESRCH.  The reply says
		 * which domain it describes in op.domain and info.domain.
		 */
		if (!d) {
			if (op.domain >= DOMID_FIRST_RESERVED)
				return -EINVAL;
			d = first_domain_from(op.domain);
		}
		if (!d)
			return -ESRCH;
		/* xsm_getdomaininfo: XSM_HOOK, always allowed */
		hvsim_getdomaininfo(cur, d, &op.u.getdomaininfo);
		op.domain = op.u.getdomaininfo.domain;
		/* copyback: the whole struct xen_domctl */
		if (guest_mem_write(m, arg, &op, sizeof(op)))
			return -EFAULT;
		return 0;
	}

	if (domctl_known(op.cmd))
		return -EOPNOTSUPP;
	return -ENOSYS;
}
