// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypercalls a program makes through privcmd (IOCTL_PRIVCMD_HYPERCALL):
 * dispatch on the hypercall number, and for the event-channel and
 * grant-table ops the guest-memory side of Xen's do_event_channel_op and
 * do_grant_table_op (what is copied in and out, and when), around the
 * semantic ops of evtchn.c and grant_table.c.
 *
 * The caller is an auto-translated (HVM/PVH) guest, so Xen's
 * guest_handle_okay always passes (paging_mode_external): a bad address
 * shows only when it is copied, as below.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "evtchn.h"
#include "grant_table.h"
#include "hvsim/hypercall_ops.h"
#include "memory_op.h"
#include "privcmd_hypercall.h"

/* Event channels ------------------------------------------------------ */

/* do_event_channel_op copies the struct back, on success, for these. */
static bool evtchn_copies_back(int cmd)
{
	switch (cmd) {
	case EVTCHNOP_alloc_unbound:
	case EVTCHNOP_bind_interdomain:
	case EVTCHNOP_bind_virq:
	case EVTCHNOP_bind_ipi:
	case EVTCHNOP_bind_pirq:
	case EVTCHNOP_status:
	case EVTCHNOP_init_control:
		return true;
	}
	return false;
}

static long event_channel_hypercall(struct domain *cur, int cmd, uint64_t arg,
				    const struct guest_mem *m)
{
	uint64_t buf[8];           /* the largest evtchn struct is 24 bytes */
	size_t size = cmd < 0 ? 0 :
		hvsim_hypercall_op_size(__HYPERVISOR_event_channel_op, (unsigned int)cmd);
	long rc;

	/* an unknown sub-op: -ENOSYS, nothing read */
	if (!size || size > sizeof(buf))
		return -ENOSYS;
	if (guest_mem_read(m, arg, buf, size))
		return -EFAULT;
	rc = evtchn_op(cur, (unsigned int)cmd, buf);
	if (!rc && evtchn_copies_back(cmd) && guest_mem_write(m, arg, buf, size))
		rc = -EFAULT;
	return rc;
}

/* Grant tables -------------------------------------------------------- */

#define FIELD_AT(addr, type, field) ((addr) + offsetof(type, field))

/*
 * gnttab_setup_table: count must be 1; each frame that cannot be written
 * makes the status GNTST_bad_virt_addr (the others are still written);
 * only the status field is copied back.
 *
 * The frames are the ones grant_table.c reports (frame i of the table is
 * page 1 + i of the domain's shared fd, docs/architecture.md), not gfns:
 * hvsim's grant frames are in no gfn of the guest's physmap.
 */
static long gnttab_setup_table_hypercall(struct domain *cur, uint64_t uop,
					 unsigned int count, const struct guest_mem *m)
{
	/*
	 * Every domain's table has at most HVSIM_MAX_GRANT_FRAMES frames
	 * (domain.c), and the op refuses more with GNTST_general_error before
	 * it writes any, so this many always suffice.
	 */
	xen_pfn_t frames[HVSIM_MAX_GRANT_FRAMES];
	struct gnttab_setup_table op;
	long rc;

	if (count != 1)
		return -EINVAL;
	if (guest_mem_read(m, uop, &op, sizeof(op)))
		return -EFAULT;
	rc = grant_table_op(cur, GNTTABOP_setup_table, &op, 1, frames);
	if (rc)
		return rc;
	if (op.status == GNTST_okay) {
		uint64_t list = (uint64_t)(uintptr_t)op.frame_list.p;

		for (uint32_t i = 0; i < op.nr_frames; i++)
			if (guest_mem_write(m, list + (uint64_t)i * sizeof(xen_pfn_t),
					    &frames[i], sizeof(xen_pfn_t)))
				op.status = GNTST_bad_virt_addr;
	}
	if (guest_mem_write(m, FIELD_AT(uop, struct gnttab_setup_table, status),
			    &op.status, sizeof(op.status)))
		return -EFAULT;
	return 0;
}

/* gnttab_query_size: count must be 1; the whole struct is copied back. */
static long gnttab_query_size_hypercall(struct domain *cur, uint64_t uop,
					unsigned int count, const struct guest_mem *m)
{
	struct gnttab_query_size op;
	long rc;

	if (count != 1)
		return -EINVAL;
	if (guest_mem_read(m, uop, &op, sizeof(op)))
		return -EFAULT;
	rc = grant_table_op(cur, GNTTABOP_query_size, &op, 1, NULL);
	if (rc)
		return rc;
	if (guest_mem_write(m, uop, &op, sizeof(op)))
		return -EFAULT;
	return 0;
}

/*
 * gnttab_set_version: count is ignored; the struct goes back with the
 * version in force whatever the result, and a fault there is -EFAULT.
 */
static long gnttab_set_version_hypercall(struct domain *cur, uint64_t uop,
					 const struct guest_mem *m)
{
	struct gnttab_set_version op;
	long rc;

	if (guest_mem_read(m, uop, &op, sizeof(op)))
		return -EFAULT;
	rc = grant_table_op(cur, GNTTABOP_set_version, &op, 1, NULL);
	if (guest_mem_write(m, uop, &op, sizeof(op)))
		rc = -EFAULT;
	return rc;
}

/* gnttab_get_version: count is ignored; on success only `version` goes back. */
static long gnttab_get_version_hypercall(struct domain *cur, uint64_t uop,
					 const struct guest_mem *m)
{
	struct gnttab_get_version op;
	long rc;

	if (guest_mem_read(m, uop, &op, sizeof(op)))
		return -EFAULT;
	rc = grant_table_op(cur, GNTTABOP_get_version, &op, 1, NULL);
	if (rc)
		return rc;
	if (guest_mem_write(m, FIELD_AT(uop, struct gnttab_get_version, version),
			    &op.version, sizeof(op.version)))
		return -EFAULT;
	return 0;
}

/*
 * gnttab_copy: element by element, each read, done, and its status field
 * written back; a fault stops the batch with -EFAULT, the elements before
 * it done.  (Xen preempts a long batch with a continuation; hvsim runs it
 * to the end, which the caller's own memory bounds.)
 */
static long gnttab_copy_hypercall(struct domain *cur, uint64_t uop,
				  unsigned int count, const struct guest_mem *m)
{
	for (unsigned int i = 0; i < count; i++) {
		uint64_t at = uop + (uint64_t)i * sizeof(struct gnttab_copy);
		struct gnttab_copy op;
		long rc;

		if (guest_mem_read(m, at, &op, sizeof(op)))
			return -EFAULT;
		rc = grant_table_op(cur, GNTTABOP_copy, &op, 1, NULL);
		if (rc)
			return rc;
		if (guest_mem_write(m, FIELD_AT(at, struct gnttab_copy, status),
				    &op.status, sizeof(op.status)))
			return -EFAULT;
	}
	return 0;
}

static long grant_table_hypercall(struct domain *cur, unsigned int cmd, uint64_t uop,
				  unsigned int count, const struct guest_mem *m)
{
	unsigned int opaque = cmd & ~HVSIM_GNTTABOP_CMD_MASK;

	/* do_grant_table_op's own checks, in its order */
	if ((int)count < 0)
		return -EINVAL;
	cmd &= HVSIM_GNTTABOP_CMD_MASK;
	if (cmd != GNTTABOP_cache_flush && opaque)
		return -EINVAL;

	switch (cmd) {
	case GNTTABOP_map_grant_ref:
	case GNTTABOP_unmap_grant_ref:
		/*
		 * TODO(privcmd): a host mapping made through privcmd changes the
		 * calling domain's p2m (the gfn in host_addr), which the guest
		 * kernel must then see: it needs the p2m-update path of the
		 * hypercall transport (hypercall.c), not only guest memory.
		 * Until that is wired, refused as an op hvsim does not carry.
		 */
		return -ENOSYS;
	case GNTTABOP_setup_table:
		return gnttab_setup_table_hypercall(cur, uop, count, m);
	case GNTTABOP_copy:
		return gnttab_copy_hypercall(cur, uop, count, m);
	case GNTTABOP_query_size:
		return gnttab_query_size_hypercall(cur, uop, count, m);
	case GNTTABOP_set_version:
		return gnttab_set_version_hypercall(cur, uop, m);
	case GNTTABOP_get_version:
		return gnttab_get_version_hypercall(cur, uop, m);
	}
	/*
	 * transfer, unmap_and_replace, get_status_frames, swap_grant_ref,
	 * cache_flush and unknown ops: what grant_table.c answers the guest
	 * kernel for them (-ENOSYS), before anything is read.
	 */
	return -ENOSYS;
}

/* Dispatch ------------------------------------------------------------ */

long privcmd_hypercall(struct domain *cur, const struct guest_mem *m,
		       unsigned int op, const uint64_t args[5])
{
	switch (op) {
	case __HYPERVISOR_xen_version:
		return xen_version_op(cur, (int)args[0], args[1], m);
	case __HYPERVISOR_domctl:
		return domctl_op(cur, args[0], m);
	case __HYPERVISOR_sysctl:
		return sysctl_op(cur, args[0], m);
	case __HYPERVISOR_event_channel_op:
		return event_channel_hypercall(cur, (int)args[0], args[1], m);
	case __HYPERVISOR_grant_table_op:
		return grant_table_hypercall(cur, (unsigned int)args[0], args[1],
					     (unsigned int)args[2], m);
	case __HYPERVISOR_dm_op:
		return dm_op_hypercall(cur, args[0], args[1], args[2], m);
	case __HYPERVISOR_memory_op:
		return memory_op(cur, args[0], args[1], m);
	}
	/*
	 * Every other number, known to Xen or not: -ENOSYS, Xen's answer for a
	 * hypercall outside the caller's table (and hvsim's for one it does
	 * not model).
	 */
	return -ENOSYS;
}
