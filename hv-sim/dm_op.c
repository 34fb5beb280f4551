// SPDX-License-Identifier: GPL-2.0-only
/*
 * __HYPERVISOR_dm_op: the device model's hypercall (xen/common/dm.c,
 * xen/arch/x86/hvm/dm.c).  hvsim runs no device model and no ioreq
 * servers, so after Xen's own checks, in Xen's order, only what a domain
 * has without one is answered (XEN_DMOP_nr_vcpus); every other known op
 * gets -EOPNOTSUPP (docs/privcmd.md).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "privcmd_hypercall.h"
#include <xen/hvm/dm_op.h>

/* do_dm_op's limit: the buffers the biggest op takes */
#define DM_OP_MAX_BUFS 2

/* The size of each op's member of the union (Xen's public structs); 0 for none. */
static size_t dm_op_size(uint32_t op)
{
	switch (op) {
	case XEN_DMOP_create_ioreq_server:          return sizeof(struct xen_dm_op_create_ioreq_server);
	case XEN_DMOP_get_ioreq_server_info:        return sizeof(struct xen_dm_op_get_ioreq_server_info);
	case XEN_DMOP_map_io_range_to_ioreq_server:
	case XEN_DMOP_unmap_io_range_from_ioreq_server:
		return sizeof(struct xen_dm_op_ioreq_server_range);
	case XEN_DMOP_set_ioreq_server_state:       return sizeof(struct xen_dm_op_set_ioreq_server_state);
	case XEN_DMOP_destroy_ioreq_server:         return sizeof(struct xen_dm_op_destroy_ioreq_server);
	case XEN_DMOP_track_dirty_vram:             return sizeof(struct xen_dm_op_track_dirty_vram);
	case XEN_DMOP_set_pci_intx_level:           return sizeof(struct xen_dm_op_set_pci_intx_level);
	case XEN_DMOP_set_isa_irq_level:            return sizeof(struct xen_dm_op_set_isa_irq_level);
	case XEN_DMOP_set_pci_link_route:           return sizeof(struct xen_dm_op_set_pci_link_route);
	case XEN_DMOP_modified_memory:              return sizeof(struct xen_dm_op_modified_memory);
	case XEN_DMOP_set_mem_type:                 return sizeof(struct xen_dm_op_set_mem_type);
	case XEN_DMOP_inject_event:                 return sizeof(struct xen_dm_op_inject_event);
	case XEN_DMOP_inject_msi:                   return sizeof(struct xen_dm_op_inject_msi);
	case XEN_DMOP_map_mem_type_to_ioreq_server: return sizeof(struct xen_dm_op_map_mem_type_to_ioreq_server);
	case XEN_DMOP_remote_shutdown:              return sizeof(struct xen_dm_op_remote_shutdown);
	case XEN_DMOP_relocate_memory:              return sizeof(struct xen_dm_op_relocate_memory);
	case XEN_DMOP_pin_memory_cacheattr:         return sizeof(struct xen_dm_op_pin_memory_cacheattr);
	case XEN_DMOP_nr_vcpus:                     return sizeof(struct xen_dm_op_nr_vcpus);
	}
	return 0;	/* XEN_DMOP_set_irq_level is Arm's; 0 has none */
}

/* A buffer's guest handle, as the address it holds. */
static uint64_t buf_addr(const struct xen_dm_op_buf *b)
{
	return (uint64_t)(uintptr_t)b->h.p;
}

long dm_op_hypercall(struct domain *cur, uint64_t domid, uint64_t nr_bufs,
		     uint64_t bufs, const struct guest_mem *m)
{
	struct xen_dm_op_buf buf[DM_OP_MAX_BUFS];
	unsigned int nr = (unsigned int)nr_bufs;
	const size_t offset = offsetof(struct xen_dm_op, u);
	struct xen_dm_op op;
	struct domain *d;
	size_t size;

	if (nr > DM_OP_MAX_BUFS)
		return -E2BIG;
	memset(buf, 0, sizeof(buf));
	if (guest_mem_read(m, bufs, buf, nr * sizeof(buf[0])))
		return -EFAULT;

	/* rcu_lock_remote_domain_by_id: a domain by number, never the caller */
	d = domain_by_id((domid_t)domid);
	if (!d)
		return -ESRCH;
	if (d == cur)
		return -EPERM;
	/* every hvsim domain is an HVM domain (getdomaininfo says so) */
	/* xsm_dm_op(XSM_DM_PRIV): the control domain, or d's device model */
	if (!hvsim_is_control_domain(cur))
		return -EPERM;

	/* with no buffers, Xen reads an uninitialised one; here it is empty */
	if (buf[0].size < offset || guest_mem_read(m, buf_addr(&buf[0]), &op, offset))
		return -EFAULT;
	if (op.op > XEN_DMOP_nr_vcpus)
		return -EOPNOTSUPP;
	size = dm_op_size(op.op);
	if (buf[0].size < offset + size ||
	    guest_mem_read(m, buf_addr(&buf[0]) + offset, &op.u, size))
		return -EFAULT;
	if (op.pad)
		return -EINVAL;

	switch (op.op) {
	case XEN_DMOP_nr_vcpus:
		op.u.nr_vcpus.vcpus = 1;	/* every hvsim domain has one vCPU */
		if (guest_mem_write(m, buf_addr(&buf[0]) + offset, &op.u, size))
			return -EFAULT;
		return 0;
	}
	/* ioreq servers, interrupts, memory types, shutdown: no device model here */
	return -EOPNOTSUPP;
}
