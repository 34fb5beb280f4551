// SPDX-License-Identifier: GPL-2.0-only
/*
 * memory_op: foreign mappings by gfn (memory_op.h).  Each check is Xen
 * 4.17's, in its order, with its code; where hvsim differs it says so.
 */
#include <errno.h>
#include <stddef.h>

#include "memory_op.h"
#include "privcmd_hypercall.h"
#include <xen/memory.h>

/* xen/include/xen/hypercall.h: the sub-op, and a continuation's extent. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1u << MEMOP_EXTENT_SHIFT) - 1)

#define HVSIM_INVALID_GFN  (~(uint64_t)0)

/*
 * xen/arch/x86/mm/p2m.c: p2m_add_foreign.  `tdom` gets, at its gfn `gpfn`,
 * the page `fgfn` of domain `foreigndom`.
 */
static int add_foreign(struct domain *cur, struct domain *tdom, uint64_t fgfn,
		       uint64_t gpfn, domid_t foreigndom)
{
	struct domain *fdom;
	int err;

	/*
	 * arch_acquire_resource_check (asm/p2m.h): a translated guest maps
	 * foreign pages only if it is the hardware domain (dom0).  This is
	 * what refuses a domU, entry by entry.
	 */
	if (!hvsim_is_control_domain(tdom))
		return -EPERM;
	/*
	 * DOMID_XEN names Xen's own shared heap pages; hvsim has none to give,
	 * so get_page_from_gfn finds nothing (-EINVAL below).
	 */
	if (foreigndom == DOMID_XEN)
		return -EINVAL;
	/* rcu_lock_remote_domain_by_id: -ESRCH, or -EPERM for the caller itself */
	fdom = domain_by_id(foreigndom);
	if (!fdom || fdom->state == DOMAIN_DEAD)
		return -ESRCH;
	if (fdom == cur)
		return -EPERM;
	if (tdom == fdom)
		return -EINVAL;
	/* xsm_map_gmfn_foreign(XSM_TARGET, tdom, fdom), the default policy */
	if (!domain_may_act_on(tdom, fdom))
		return -EPERM;
	/*
	 * get_page_from_gfn(fdom, fgfn) and p2m_is_ram: a gfn beyond its RAM,
	 * one that shows a foreign page itself (grant or foreign map, not RAM
	 * types), and the pages of a dying domain (relinquished by
	 * domain_kill, hvsim's zombies keep them only for existing mappings)
	 * are -EINVAL.
	 */
	if (fdom->state != DOMAIN_RUNNING || fgfn >= fdom->ram_pages ||
	    gfn_map_get(&fdom->p2m, fgfn))
		return -EINVAL;
	/*
	 * "Remove previously mapped page if it is present": an earlier foreign
	 * mapping at gpfn goes (its reference too).  hvsim's p2m has RAM only
	 * up to ram_pages, so a gpfn beyond is -EINVAL (Xen would place it),
	 * and a gfn that shows a grant mapping is -EBUSY (Xen would remove
	 * that page too; Linux never asks, its pages for privcmd are its own).
	 */
	if (domain_p2m_is_foreign_map(tdom, gpfn)) {
		err = domain_p2m_unmap_foreign(tdom, gpfn);
		if (err)
			return err;
	}
	return domain_p2m_map_foreign(tdom, gpfn, fdom, fgfn);
}

/*
 * xen/arch/x86/mm/p2m.c: xenmem_add_to_physmap_one, for one entry.  The
 * spaces hvsim does not model (shared_info, grant_table, gmfn: a guest
 * moving its own pages) are -EOPNOTSUPP, hvsim's; an unknown space and
 * dev_mmio (ARM's) are -EINVAL, Xen's (no mfn found).
 */
static int add_to_physmap_one(struct domain *cur, struct domain *d, unsigned int space,
			      domid_t foreign_domid, uint64_t idx, uint64_t gpfn)
{
	switch (space) {
	case XENMAPSPACE_gmfn_foreign:
		return add_foreign(cur, d, idx, gpfn, foreign_domid);
	case XENMAPSPACE_shared_info:
	case XENMAPSPACE_grant_table:
	case XENMAPSPACE_gmfn:
		return -EOPNOTSUPP;
	}
	return -EINVAL;
}

/* xen/common/memory.c: xenmem_add_to_physmap_batch. */
static long add_to_physmap_batch(struct domain *cur, struct domain *d,
				 const struct xen_add_to_physmap_batch *b,
				 unsigned int extent, const struct guest_mem *m)
{
	uint64_t idxs = (uint64_t)(uintptr_t)b->idxs.p;
	uint64_t gpfns = (uint64_t)(uintptr_t)b->gpfns.p;
	uint64_t errs = (uint64_t)(uintptr_t)b->errs.p;

	if (b->size < extent)
		return -EILSEQ;
	if (b->size == extent)
		return extent ? -EILSEQ : 0;
	/* guest_handle_subrange_okay: always, for a translated caller */
	if (b->space == XENMAPSPACE_dev_mmio && b->u.res0)
		return -EOPNOTSUPP;

	/*
	 * Entry by entry, each result written back to errs[]; the call itself
	 * is 0.  (Xen may preempt with a continuation; hvsim runs to the end.)
	 */
	for (; extent < b->size; extent++) {
		uint64_t idx, gpfn;
		int32_t rc;

		if (guest_mem_read(m, idxs + (uint64_t)extent * sizeof(xen_ulong_t), &idx,
				   sizeof(idx)) ||
		    guest_mem_read(m, gpfns + (uint64_t)extent * sizeof(xen_pfn_t), &gpfn,
				   sizeof(gpfn)))
			return -EFAULT;
		if (gpfn == HVSIM_INVALID_GFN)
			return -EINVAL;
		rc = add_to_physmap_one(cur, d, b->space, b->u.foreign_domid, idx, gpfn);
		if (guest_mem_write(m, errs + (uint64_t)extent * sizeof(int32_t), &rc,
				    sizeof(rc)))
			return -EFAULT;
	}
	return 0;
}

/* do_memory_op, case XENMEM_add_to_physmap_batch. */
static long add_to_physmap_batch_op(struct domain *cur, uint64_t start_extent,
				    uint64_t arg, const struct guest_mem *m)
{
	struct xen_add_to_physmap_batch b;
	struct domain *d;

	if (start_extent != (uint16_t)start_extent)
		return -EDOM;
	if (guest_mem_read(m, arg, &b, sizeof(b)))
		return -EFAULT;
	if (b.space == XENMAPSPACE_gmfn_range)
		return -EOPNOTSUPP;
	d = domain_by_any_id(cur, b.domid);
	if (!d)
		return -ESRCH;
	/*
	 * xatp_permission_check: every hvsim domain is translated; dev_mmio
	 * only for the hardware domain into itself; then
	 * xsm_add_to_physmap(XSM_TARGET, current, d).
	 */
	if (b.space == XENMAPSPACE_dev_mmio && (!hvsim_is_control_domain(d) || d != cur))
		return -EACCES;
	if (!domain_may_act_on(cur, d))
		return -EPERM;
	return add_to_physmap_batch(cur, d, &b, (unsigned int)start_extent, m);
}

/* do_memory_op, case XENMEM_remove_from_physmap. */
static long remove_from_physmap_op(struct domain *cur, uint64_t start_extent,
				   uint64_t arg, const struct guest_mem *m)
{
	struct xen_remove_from_physmap r;
	struct domain *d;

	if (start_extent)
		return -EINVAL;
	if (guest_mem_read(m, arg, &r, sizeof(r)))
		return -EFAULT;
	d = domain_by_any_id(cur, r.domid);
	if (!d)
		return -ESRCH;
	/* xsm_remove_from_physmap(XSM_TARGET, current, d) */
	if (!domain_may_act_on(cur, d))
		return -EPERM;
	/* get_page_from_gfn finds no page: -ENOENT */
	if (!d->ram || r.gpfn >= d->ram_pages)
		return -ENOENT;
	/* guest_physmap_remove_page: a foreign mapping goes, its reference too */
	if (domain_p2m_is_foreign_map(d, r.gpfn))
		return domain_p2m_unmap_foreign(d, r.gpfn);
	/*
	 * A gfn that shows the domain's own RAM: Xen would take the page out
	 * (a hole).  hvsim has no holes and keeps it, answering Xen's 0 (Linux
	 * asks this only of gfns it had given to foreign mappings).  One that
	 * shows a grant mapping is left to GNTTABOP_unmap_grant_ref: -EBUSY.
	 */
	if (gfn_map_get(&d->p2m, r.gpfn))
		return -EBUSY;
	return 0;
}

long memory_op(struct domain *cur, uint64_t cmd, uint64_t arg, const struct guest_mem *m)
{
	unsigned int op = (unsigned int)(cmd & MEMOP_CMD_MASK);
	uint64_t start_extent = cmd >> MEMOP_EXTENT_SHIFT;

	switch (op) {
	case XENMEM_add_to_physmap_batch:
		return add_to_physmap_batch_op(cur, start_extent, arg, m);
	case XENMEM_remove_from_physmap:
		return remove_from_physmap_op(cur, start_extent, arg, m);
	}
	/* every other sub-op: not modelled (the dispatcher's answer before) */
	return -ENOSYS;
}
