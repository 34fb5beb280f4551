// SPDX-License-Identifier: GPL-2.0-only
/*
 * memory_op: foreign mappings by gfn (memory_op.h).  Each check is Xen
 * 4.17's, in its order, with its code; where hvsim differs it says so.
 */
#include <errno.h>
#include <stddef.h>

#include "grant_table.h"
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
	struct gfn_entry *src, *prev;
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
	 * are -EINVAL.  A gfn where fdom placed one of its grant frames is
	 * RAM to Xen (p2m_ram_rw, a page fdom owns): that frame is mapped.
	 */
	if (fdom->state != DOMAIN_RUNNING || fgfn >= fdom->ram_pages)
		return -EINVAL;
	src = gfn_map_get(&fdom->p2m, fgfn);
	if (src && !domain_p2m_is_own_page(fdom, src))
		return -EINVAL;
	/*
	 * "Remove previously mapped page if it is present": an earlier foreign
	 * mapping at gpfn goes (its reference too), and a grant frame tdom
	 * placed there is unhooked (a special page).  hvsim's p2m has RAM
	 * only up to ram_pages, so a gpfn beyond is -EINVAL (Xen would place
	 * it), and a gfn that shows a grant mapping is -EBUSY (Xen would
	 * remove that page too; Linux never asks, its pages for privcmd are
	 * its own).
	 */
	if (domain_p2m_is_foreign_map(tdom, gpfn))
		err = domain_p2m_unmap_foreign(tdom, gpfn);
	else if (gpfn < tdom->ram_pages && (prev = gfn_map_get(&tdom->p2m, gpfn)) &&
		 domain_p2m_is_own_page(tdom, prev))
		err = domain_p2m_unhook_own_page(tdom, gpfn);
	else
		err = 0;
	if (err)
		return err;
	if (src)
		return domain_p2m_map_shared(tdom, gpfn, fdom, src->frame);
	return domain_p2m_map_foreign(tdom, gpfn, fdom, fgfn);
}

/*
 * xenmem_add_to_physmap_one, XENMAPSPACE_grant_table (xen/arch/x86/mm/p2m.c,
 * and gnttab_map_frame): `d`'s gfn `gpfn` shows its shared grant frame
 * `idx`, as a PVH or HVM guest's Linux places its table (gnttab_map).
 */
static int add_grant_frame(struct domain *d, uint64_t idx, uint64_t gpfn)
{
	/*
	 * gnttab_get_shared_frame_mfn takes the index as an unsigned int (the
	 * upper bits are dropped).  The table is v1, so
	 * XENMAPIDX_grant_table_status is no flag here, only a frame beyond
	 * the limit.  The frame is made to exist, growing the table to
	 * idx + 1 frames, or -EINVAL past max_grant_frames.
	 */
	unsigned int frame = (unsigned int)idx;
	uint64_t page = HVSIM_GRANT_FRAME0_PAGE + (uint64_t)frame;
	struct gfn_entry *prev;
	int err;

	err = grant_table_shared_frame(d, frame);
	if (err)
		return err;
	/* get_page(pg, d) fails once domain_kill relinquished d's pages */
	if (d->state != DOMAIN_RUNNING)
		return -EBUSY;
	/* hvsim's p2m has RAM only up to ram_pages: it cannot place a gfn beyond */
	if (gpfn >= d->ram_pages)
		return -EINVAL;
	/*
	 * "Remove previously mapped page if it was present": RAM is freed
	 * (hvsim keeps it underneath: it has no holes), a special page (a
	 * grant frame: d's own, or another domain's it acquired) is
	 * unhooked, and a page d does not own (a foreign RAM page, a grant
	 * mapping) fails guest_remove_page's get_page: -ENXIO.  The frame
	 * already there is left as it is.
	 */
	prev = gfn_map_get(&d->p2m, gpfn);
	if (prev && domain_p2m_is_own_page(d, prev)) {
		if (prev->frame == page)
			return 0;
		err = domain_p2m_unhook_own_page(d, gpfn);
	} else if (prev && prev->shared && domain_p2m_is_foreign_map(d, gpfn)) {
		err = domain_p2m_unmap_foreign(d, gpfn);
	} else if (prev) {
		err = -ENXIO;
	}
	if (err)
		return err;
	/* the frame leaves the gfn it showed before, and shows here */
	return domain_p2m_place_own_page(d, gpfn, page);
}

/*
 * xen/arch/x86/mm/p2m.c: xenmem_add_to_physmap_one, for one entry.  The
 * spaces hvsim does not model (shared_info, gmfn: a guest moving its own
 * pages) are -EOPNOTSUPP, hvsim's; an unknown space and dev_mmio (ARM's)
 * are -EINVAL, Xen's (no mfn found).
 */
static int add_to_physmap_one(struct domain *cur, struct domain *d, unsigned int space,
			      domid_t foreign_domid, uint64_t idx, uint64_t gpfn)
{
	switch (space) {
	case XENMAPSPACE_gmfn_foreign:
		return add_foreign(cur, d, idx, gpfn, foreign_domid);
	case XENMAPSPACE_grant_table:
		return add_grant_frame(d, idx, gpfn);
	case XENMAPSPACE_shared_info:
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

/*
 * xatp_permission_check, for `cur` acting on `d` (every hvsim domain is
 * translated): dev_mmio only for the hardware domain into itself; then
 * xsm_add_to_physmap(XSM_TARGET, current, d).
 */
static long xatp_permission_check(struct domain *cur, struct domain *d, unsigned int space)
{
	if (space == XENMAPSPACE_dev_mmio && (!hvsim_is_control_domain(d) || d != cur))
		return -EACCES;
	if (!domain_may_act_on(cur, d))
		return -EPERM;
	return 0;
}

/* do_memory_op, case XENMEM_add_to_physmap, and xenmem_add_to_physmap. */
static long add_to_physmap_op(struct domain *cur, uint64_t start_extent, uint64_t arg,
			      const struct guest_mem *m)
{
	struct xen_add_to_physmap x;
	struct domain *d;
	long rc;

	if (start_extent != (uint16_t)start_extent)
		return -EDOM;
	if (guest_mem_read(m, arg, &x, sizeof(x)))
		return -EFAULT;
	/* "Foreign mapping is only possible via add_to_physmap_batch." */
	if (x.space == XENMAPSPACE_gmfn_foreign)
		return -ENOSYS;
	d = domain_by_any_id(cur, x.domid);
	if (!d)
		return -ESRCH;
	rc = xatp_permission_check(cur, d, x.space);
	if (rc)
		return rc;
	if (x.gpfn == HVSIM_INVALID_GFN)
		return -EINVAL;
	/* a range of the guest's own gmfns moved elsewhere: not modelled */
	if (x.space == XENMAPSPACE_gmfn_range)
		return -EOPNOTSUPP;
	return add_to_physmap_one(cur, d, x.space, DOMID_INVALID, x.idx, x.gpfn);
}

/* do_memory_op, case XENMEM_add_to_physmap_batch. */
static long add_to_physmap_batch_op(struct domain *cur, uint64_t start_extent,
				    uint64_t arg, const struct guest_mem *m)
{
	struct xen_add_to_physmap_batch b;
	struct domain *d;
	long rc;

	if (start_extent != (uint16_t)start_extent)
		return -EDOM;
	if (guest_mem_read(m, arg, &b, sizeof(b)))
		return -EFAULT;
	if (b.space == XENMAPSPACE_gmfn_range)
		return -EOPNOTSUPP;
	d = domain_by_any_id(cur, b.domid);
	if (!d)
		return -ESRCH;
	rc = xatp_permission_check(cur, d, b.space);
	if (rc)
		return rc;
	return add_to_physmap_batch(cur, d, &b, (unsigned int)start_extent, m);
}

/* do_memory_op, case XENMEM_remove_from_physmap. */
static long remove_from_physmap_op(struct domain *cur, uint64_t start_extent,
				   uint64_t arg, const struct guest_mem *m)
{
	struct xen_remove_from_physmap r;
	struct gfn_entry *o;
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
	/* so does a grant frame the domain placed there (then RAM shows again) */
	o = gfn_map_get(&d->p2m, r.gpfn);
	if (o && domain_p2m_is_own_page(d, o))
		return domain_p2m_unhook_own_page(d, r.gpfn);
	/*
	 * A gfn that shows the domain's own RAM: Xen would take the page out
	 * (a hole).  hvsim has no holes and keeps it, answering Xen's 0 (Linux
	 * asks this only of gfns it had given to foreign mappings).  One that
	 * shows a grant mapping is left to GNTTABOP_unmap_grant_ref: -EBUSY.
	 */
	if (o)
		return -EBUSY;
	return 0;
}

/* XENMEM_acquire_resource ------------------------------------------------ */

/* xen/common/memory.c: the stride of acquire_resource's loop (mfn_list[32]). */
#define ACQUIRE_CHUNK 32u

/*
 * xen/common/memory.c: resource_max_frames, for `d`.  Xen returns 0 for
 * "none" (the caller's -EINVAL), and -EOPNOTSUPP for an unknown type as an
 * unsigned int, which its caller takes for a (huge) size: so does hvsim.
 */
static unsigned int resource_max_frames(const struct domain *d, unsigned int type,
					unsigned int id)
{
	switch (type) {
	case XENMEM_resource_grant_table:
		/* grant_table.c: gnttab_resource_max_frames */
		if (id == XENMEM_resource_grant_table_id_shared)
			return d->max_grant_frames;
		/*
		 * id_status: grant_to_status_frames(max_grant_frames), as x86
		 * builds Xen with GNTTAB_MAX_VERSION 2, even though hvsim's
		 * tables are v1 only (gnttab=max-ver:1, grant_table.c).
		 */
		if (id == XENMEM_resource_grant_table_id_status)
			return (d->max_grant_frames * (XEN_PAGE_SIZE / sizeof(grant_entry_v2_t)) +
				XEN_PAGE_SIZE / sizeof(grant_status_t) - 1) /
			       (XEN_PAGE_SIZE / sizeof(grant_status_t));
		return 0;
	case XENMEM_resource_ioreq_server:
		/*
		 * ioreq_server_max_frames: an HVM domain (hvsim's PVH-style
		 * guests, domctl.c) has one frame for the buffered ring and one
		 * per 128 vCPUs; hvsim's domains have one vCPU.
		 */
		return 2;
	case XENMEM_resource_vmtrace_buf:
		return 0;   /* d->vmtrace_size: no domain has a trace buffer */
	}
	return (unsigned int)-EOPNOTSUPP;
}

/*
 * xen/common/memory.c: _acquire_resource, for `nr` (1..ACQUIRE_CHUNK)
 * frames from `frame`: the pages of `d`'s shared fd they are, in pages[].
 * Returns nr or -errno.
 */
static int acquire_frames(struct domain *d, unsigned int type, unsigned int id,
			  unsigned int frame, unsigned int nr, uint64_t pages[])
{
	int err;

	switch (type) {
	case XENMEM_resource_grant_table:
		/*
		 * grant_table.c: gnttab_acquire_resource.  The status frames
		 * exist only in a v2 table (-EINVAL); the last frame asked for
		 * grows the table or is -EINVAL (gnttab_get_shared_frame_mfn).
		 */
		if (id != XENMEM_resource_grant_table_id_shared)
			return -EINVAL;
		err = grant_table_shared_frame(d, frame + nr - 1);
		if (err)
			return err;
		for (unsigned int i = 0; i < nr; i++)
			pages[i] = HVSIM_GRANT_FRAME0_PAGE + frame + i;
		return (int)nr;
	case XENMEM_resource_ioreq_server:
		/*
		 * acquire_ioreq_server: an id that is no ioservid_t is -EINVAL;
		 * hvsim's domains have no ioreq server (dm_op), so
		 * ioreq_server_get_frame finds none: -ENOENT.
		 */
		return id != (uint16_t)id ? -EINVAL : -ENOENT;
	case XENMEM_resource_vmtrace_buf:
		return -ENOENT;   /* acquire_vmtrace_buf: never reached (max 0) */
	}
	return -EOPNOTSUPP;
}

/*
 * xen/arch/x86/mm/p2m.c: set_foreign_p2m_entry (set_typed_p2m_entry with
 * p2m_map_foreign) of `cur`'s gfn to page `page` of `d`'s shared fd.
 */
static int map_resource_frame(struct domain *cur, struct domain *d, uint64_t gfn,
			      uint64_t page)
{
	struct gfn_entry *o;
	int err;

	/* hvsim's p2m has RAM only up to ram_pages: it cannot place a gfn beyond */
	if (gfn >= cur->ram_pages)
		return -EINVAL;
	o = gfn_map_get(&cur->p2m, gfn);
	if (o) {
		/*
		 * p2m_is_special: the same mapping again is 0 (no new
		 * reference); any other foreign or grant mapping there is
		 * -EPERM (Xen crashes the domain too; hvsim does not).
		 */
		if (domain_p2m_is_foreign_map(cur, gfn) && o->shared && o->domid == d->domid &&
		    o->frame == page)
			return 0;
		/*
		 * A grant frame cur placed there itself is RAM to Xen's p2m
		 * (p2m_ram_rw): replaced, the frame unhooked.
		 */
		if (!domain_p2m_is_own_page(cur, o))
			return -EPERM;
	}
	/*
	 * p2m_entry_modify: page_get_owner_and_reference fails for the frames
	 * of a domain domain_kill has relinquished (a zombie that others'
	 * mappings keep): -EBUSY.
	 */
	if (d->state != DOMAIN_RUNNING)
		return -EBUSY;
	if (o) {
		err = domain_p2m_unhook_own_page(cur, gfn);
		if (err)
			return err;
	}
	return domain_p2m_map_shared(cur, gfn, d, page);
}

/* xen/common/memory.c: acquire_resource. */
static long acquire_resource_op(struct domain *cur, uint64_t start_extent, uint64_t arg,
				const struct guest_mem *m)
{
	struct xen_mem_acquire_resource x;
	uint64_t list;
	unsigned int max_frames;
	struct domain *d;

	/*
	 * arch_acquire_resource_check (x86 asm/p2m.h): a translated caller
	 * (every hvsim domain) must be the hardware domain: -EACCES.  Linux's
	 * privcmd in a domU refuses before asking (-EPERM, its restriction).
	 */
	if (!hvsim_is_control_domain(cur))
		return -EACCES;
	if (guest_mem_read(m, arg, &x, sizeof(x)))
		return -EFAULT;
	if (x.pad != 0)
		return -EINVAL;
	if ((x.frame >> 32) || ((x.frame + x.nr_frames) >> 32))
		return -EINVAL;
	/*
	 * rcu_lock_remote_domain_by_id: no such domain (DOMID_SELF too: it
	 * looks up the number) is -ESRCH, the caller itself -EPERM.  A dying
	 * domain is still found.  xsm_domain_resource_map(XSM_DM_PRIV) then
	 * passes: the caller is dom0, the control domain.
	 */
	d = domain_by_id(x.domid);
	if (!d || d->state == DOMAIN_DEAD)
		return -ESRCH;
	if (d == cur)
		return -EPERM;
	max_frames = resource_max_frames(d, x.type, x.id);
	if (!max_frames)
		return -EINVAL;
	list = (uint64_t)(uintptr_t)x.frame_list.p;
	if (!list) {
		/* the size query: only nr_frames is written back */
		if (x.nr_frames || start_extent)
			return -EINVAL;
		x.nr_frames = max_frames;
		return guest_mem_write(m, arg + offsetof(struct xen_mem_acquire_resource, nr_frames),
				       &x.nr_frames, sizeof(x.nr_frames)) ? -EFAULT : 0;
	}
	if (start_extent >= x.nr_frames || x.nr_frames > (UINT32_MAX >> MEMOP_EXTENT_SHIFT))
		return -EINVAL;
	x.nr_frames -= (uint32_t)start_extent;
	x.frame += start_extent;
	list += start_extent * sizeof(xen_pfn_t);

	/*
	 * Chunk by chunk, as Xen: the chunks done stay mapped when a later
	 * one fails.  Within a chunk a failure after the first frame is
	 * -EIO.  (Xen may preempt with a continuation; hvsim runs to the end.)
	 */
	while (x.nr_frames) {
		uint64_t pages[ACQUIRE_CHUNK], gfns[ACQUIRE_CHUNK];
		unsigned int todo = x.nr_frames < ACQUIRE_CHUNK ? x.nr_frames : ACQUIRE_CHUNK;
		int done = acquire_frames(d, x.type, x.id, (unsigned int)x.frame, todo, pages);

		if (done < 0)
			return done;
		if (guest_mem_read(m, list, gfns, (size_t)done * sizeof(xen_pfn_t)))
			return -EFAULT;
		for (int i = 0; i < done; i++) {
			int rc = map_resource_frame(cur, d, gfns[i], pages[i]);

			if (rc)
				return i ? -EIO : rc;
		}
		x.nr_frames -= (uint32_t)done;
		x.frame += (uint64_t)done;
		list += (uint64_t)done * sizeof(xen_pfn_t);
	}
	return 0;
}

long memory_op(struct domain *cur, uint64_t cmd, uint64_t arg, const struct guest_mem *m)
{
	unsigned int op = (unsigned int)(cmd & MEMOP_CMD_MASK);
	uint64_t start_extent = cmd >> MEMOP_EXTENT_SHIFT;

	switch (op) {
	case XENMEM_add_to_physmap:
		return add_to_physmap_op(cur, start_extent, arg, m);
	case XENMEM_add_to_physmap_batch:
		return add_to_physmap_batch_op(cur, start_extent, arg, m);
	case XENMEM_remove_from_physmap:
		return remove_from_physmap_op(cur, start_extent, arg, m);
	case XENMEM_acquire_resource:
		return acquire_resource_op(cur, start_extent, arg, m);
	}
	/* every other sub-op: not modelled (the dispatcher's answer before) */
	return -ENOSYS;
}
