/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The toolstack's hypercalls, as programs make them through
 * /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL): xen_version, domctl, sysctl,
 * and the event-channel and grant-table ops, with Xen 4.17's checks, order,
 * copies and status codes, and the privilege model of its default XSM
 * policy (xen/include/xsm/dummy.h): dom0 is the control domain and the
 * hardware domain; hvsim has no xenstore domain (xenstored lives in hvsimd)
 * and no device-model targets.
 *
 * Every argument that is a pointer in Xen's ABI (a guest handle) is an
 * address in the calling program's memory, reached through `m`
 * (guest_mem.h).  Each function returns what the hypercall returns.  No
 * sockets: the transport calls these (privcmd_hypercall) for a program's
 * ioctl, and the unit tests call them directly (privcmd_test.c).
 */
#ifndef HVSIM_PRIVCMD_HYPERCALL_H
#define HVSIM_PRIVCMD_HYPERCALL_H

#include <string.h>

#include "domain.h"
#include "guest_mem.h"
#include <xen/version.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>

/*
 * The dispatcher: `op` is the hypercall number (__HYPERVISOR_*), `args`
 * its five arguments as the guest's registers hold them (Xen truncates
 * each to the handler's parameter type, as here).
 */
long privcmd_hypercall(struct domain *cur, const struct guest_mem *m,
		       unsigned int op, const uint64_t args[5]);

/* __HYPERVISOR_xen_version (xen/common/kernel.c: do_xen_version). */
long xen_version_op(struct domain *cur, int cmd, uint64_t arg, const struct guest_mem *m);
/* What XENVER_commandline reports (hvsim has no boot command line: ""). */
void xen_version_set_commandline(const char *cmdline);

/* __HYPERVISOR_domctl (xen/common/domctl.c: do_domctl). */
long domctl_op(struct domain *cur, uint64_t arg, const struct guest_mem *m);

/*
 * __HYPERVISOR_dm_op (xen/common/dm.c do_dm_op, xen/arch/x86/hvm/dm.c
 * dm_op): `bufs` is the address of the nr_bufs buffers' array.
 */
long dm_op_hypercall(struct domain *cur, uint64_t domid, uint64_t nr_bufs,
		     uint64_t bufs, const struct guest_mem *m);

/* __HYPERVISOR_sysctl (xen/common/sysctl.c: do_sysctl). */
long sysctl_op(struct domain *cur, uint64_t arg, const struct guest_mem *m);

/*
 * Xen's getdomaininfo() (xen/common/domctl.c) for domain `d`, as seen by a
 * hypercall of `cur`; shared by XEN_DOMCTL_getdomaininfo and
 * XEN_SYSCTL_getdomaininfolist.
 */
void hvsim_getdomaininfo(const struct domain *cur, const struct domain *d,
			 struct xen_domctl_getdomaininfo *info);

/* is_control_domain / is_hardware_domain: dom0 in hvsim. */
static inline bool hvsim_is_control_domain(const struct domain *d)
{
	return d->domid == 0;
}

/*
 * The domain's handle (xen_domain_handle_t, the toolstack's UUID of it:
 * all zeros for dom0, random for the others, domain.h).  The one place
 * hypercalls read it: XENVER_guest_handle and getdomaininfo both come here.
 */
static inline void hvsim_domain_handle(const struct domain *d, xen_domain_handle_t out)
{
	memcpy(out, d->handle, sizeof(xen_domain_handle_t));
}

/*
 * The strings xen_version reports (docs: privcmd.md).  Xen 4.17 is the ABI
 * and the semantics; "-hvsim" says which hypervisor this is, in the form of
 * Xen's own development tags ("4.18-unstable"), so xen_version reads
 * "4.17-hvsim" and parsers of "MAJOR.MINOR" still work.
 */
#define HVSIM_XEN_MAJOR        4
#define HVSIM_XEN_MINOR        17
#define HVSIM_XEN_EXTRAVERSION "-hvsim"

#endif
