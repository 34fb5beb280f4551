// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant tables v1, following Xen 4.17's xen/common/grant_table.c: the same
 * checks in the same order, the same status codes, the same pin counting.
 *
 * Every hvsim guest is auto-translated (Xen's paging_mode_external), so a
 * host mapping is a p2m override of one of the caller's gfns, as
 * create_grant_p2m_mapping makes it, and device / application / PTE
 * mappings are refused the way Xen refuses them to an HVM or PVH caller.
 *
 * The shared entries live in the granter's grant frames, which its guest
 * kernel writes from another process at the same time.  Every access to
 * them is atomic; the {flags, domid} pair is validated and GTF_reading /
 * GTF_writing set with one 32-bit cmpxchg, and cleared with an atomic
 * and on the 16-bit flags, exactly the accesses Xen makes.
 *
 * hvsimd is single-threaded, so Xen's grant-table, active-entry and
 * maptrack locks have no counterpart here; hvsim domains have one vCPU,
 * so the maptrack has one free list.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grant_table.h"
#include "hvsim/hypercall_ops.h"
#include "trace.h"

#define ENTRIES_PER_FRAME ((unsigned int)(XEN_PAGE_SIZE / sizeof(grant_entry_v1_t)))

/*
 * Xen's active-entry pin: four 8-bit counters in one word, so that "any
 * pin at all" is one test.  Host and device, writable and read-only.
 */
#define PIN_WIDTH      8
#define PIN_MASK       ((1u << PIN_WIDTH) - 1)
#define PIN_HOST_RW    (1u << 0)
#define PIN_HOST_RO    (1u << 8)
#define PIN_DEV_RW     (1u << 16)
#define PIN_DEV_RO     (1u << 24)
#define PIN_WRITABLE   ((PIN_MASK * PIN_HOST_RW) | (PIN_MASK * PIN_DEV_RW))

/*
 * Xen refuses a pin whose counter already has its top bit set
 * (GNTPIN_incr2oflow_mask), so each counter stops at 128.
 */
static uint32_t pin_overflow_bits(uint32_t incr)
{
	return incr << (PIN_WIDTH - 1);
}

/* What one mapping (or one transient copy) of kind `gntmap` adds to a pin. */
static uint32_t pin_incr(uint32_t gntmap)
{
	bool ro = gntmap & GNTMAP_readonly;
	uint32_t incr = 0;

	if (gntmap & GNTMAP_device_map)
		incr += ro ? PIN_DEV_RO : PIN_DEV_RW;
	if (gntmap & GNTMAP_host_map)
		incr += ro ? PIN_HOST_RO : PIN_HOST_RW;
	return incr;
}

/* Xen's struct active_grant_entry, for full-page v1 grants. */
struct active_entry {
	uint32_t pin;
	domid_t domid;       /* the domain that pinned it, captured at the first pin */
	uint32_t frame;      /* the granter's frame, captured at the first pin */
};

/*
 * Xen's maptrack: handle-indexed, allocated a page's worth (256 entries of
 * Xen's 16-byte struct grant_mapping) at a time, up to Xen's default
 * gnttab_max_maptrack_frames.
 */
#define MAPTRACK_PER_FRAME   256u
#define MAX_MAPTRACK_FRAMES  1024u
#define MAPTRACK_END         UINT32_MAX

struct maptrack_entry {
	grant_ref_t ref;
	uint16_t flags;      /* GNTMAP_*; 0 while the handle is free */
	domid_t domid;       /* the granting domain */
	uint32_t next_free;
};

struct grant_table {
	unsigned int nr_frames;
	struct active_entry *active;         /* nr_frames * ENTRIES_PER_FRAME */
	unsigned int nr_pinned;              /* active entries with a pin */

	struct maptrack_entry *maptrack[MAX_MAPTRACK_FRAMES];
	unsigned int maptrack_limit;         /* handles in allocated frames */
	unsigned int nr_mappings;            /* handles in use */
	unsigned int nr_free;
	uint32_t free_head, free_tail;       /* freed handles are reused oldest first */
};

/* {flags, domid}: the first word of a grant_entry_v1, updated as a pair. */
union grant_combo {
	uint32_t raw;
	struct {
		uint16_t flags;
		domid_t domid;
	};
};

/* Bounded, as Xen bounds it: a guest can change the word faster than we retry. */
#define CMPXCHG_TRIES 5

static unsigned int nr_entries(const struct grant_table *gt)
{
	return gt->nr_frames * ENTRIES_PER_FRAME;
}

static uint32_t *shared_word(struct domain *d, grant_ref_t ref)
{
	uint8_t *frame = domain_grant_frame(d, ref / ENTRIES_PER_FRAME);

	return (uint32_t *)(frame + (ref % ENTRIES_PER_FRAME) * sizeof(grant_entry_v1_t));
}

static uint16_t *shared_flags(struct domain *d, grant_ref_t ref)
{
	return (uint16_t *)shared_word(d, ref);
}

static uint32_t shared_frame(struct domain *d, grant_ref_t ref)
{
	return __atomic_load_n(shared_word(d, ref) + 1, __ATOMIC_ACQUIRE);
}

static void pin_add(struct grant_table *gt, struct active_entry *act, uint32_t incr)
{
	if (!act->pin)
		gt->nr_pinned++;
	act->pin += incr;
}

static void pin_sub(struct grant_table *gt, struct active_entry *act, uint32_t incr)
{
	act->pin -= incr;
	if (!act->pin)
		gt->nr_pinned--;
}

/*
 * Xen's _set_status_v1: checks the entry (unless it is pinned already:
 * a live pin is never rechecked) and sets GTF_reading, plus GTF_writing
 * for a writable pin, in one cmpxchg with the check.
 */
static int16_t set_status(struct domain *rd, grant_ref_t ref,
			  const struct active_entry *act, bool readonly,
			  bool mapping, domid_t ldomid)
{
	uint32_t *word = shared_word(rd, ref);
	/* a v1 sub-page flag cannot be honoured by a mapping */
	uint16_t type_mask = GTF_type_mask | (mapping ? GTF_sub_page : 0);
	union grant_combo cur = { .raw = __atomic_load_n(word, __ATOMIC_ACQUIRE) };

	for (int tries = 1;; tries++) {
		union grant_combo next = cur;

		if (!act->pin && ((cur.flags & type_mask) != GTF_permit_access ||
				  cur.domid != ldomid))
			return GNTST_general_error;
		next.flags |= GTF_reading;
		if (!readonly) {
			if (cur.flags & GTF_readonly)
				return GNTST_general_error;
			next.flags |= GTF_writing;
		}
		if (__atomic_compare_exchange_n(word, &cur.raw, next.raw, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return GNTST_okay;
		if (tries == CMPXCHG_TRIES)
			return GNTST_general_error;   /* the entry is unstable */
	}
}

/*
 * Xen's reduce_status_for_pin: GTF_reading goes with the last pin,
 * GTF_writing with the last writable one.
 */
static void reduce_status_for_pin(struct domain *rd, grant_ref_t ref,
				  const struct active_entry *act, bool readonly)
{
	uint16_t clear = act->pin ? 0 : GTF_reading;

	if (!readonly && !(act->pin & PIN_WRITABLE))
		clear |= GTF_writing;
	if (clear)
		__atomic_fetch_and(shared_flags(rd, ref), (uint16_t)~clear,
				   __ATOMIC_SEQ_CST);
}

/*
 * Xen's get_paged_frame for the granter's gfn: it must be one of the
 * granter's RAM pages.  A gfn outside RAM is bad_page.  A gfn that shows
 * a page the granter itself maps from a third domain is refused with
 * general_error: Xen finds that page's owner is not the granter
 * (could_not_pin); we refuse it for copy as well, see the docs.
 */
static int16_t check_granted_frame(struct domain *rd, uint64_t gfn)
{
	void *own = domain_frame_to_virt(rd, gfn);

	if (!own)
		return GNTST_bad_page;
	if (domain_gfn_to_virt(rd, gfn, false) != own)
		return GNTST_general_error;
	return GNTST_okay;
}

/* Maptrack ------------------------------------------------------------ */

static struct maptrack_entry *maptrack_entry(struct grant_table *gt, uint32_t handle)
{
	if (handle >= gt->maptrack_limit)
		return NULL;
	return &gt->maptrack[handle / MAPTRACK_PER_FRAME][handle % MAPTRACK_PER_FRAME];
}

/*
 * Xen's get_maptrack_handle.  Like Xen, we always keep one entry on the
 * free list (its tail, so that freed handles can be appended): with one
 * vCPU that makes the last of the 262144 handles unusable, as on Xen.
 */
static uint32_t get_maptrack_handle(struct grant_table *gt)
{
	struct maptrack_entry *frame;
	uint32_t handle, first;

	if (gt->nr_free > 1) {
		handle = gt->free_head;
		gt->free_head = maptrack_entry(gt, handle)->next_free;
		gt->nr_free--;
		return handle;
	}
	if (gt->maptrack_limit == MAX_MAPTRACK_FRAMES * MAPTRACK_PER_FRAME)
		return MAPTRACK_END;
	frame = calloc(MAPTRACK_PER_FRAME, sizeof(*frame));
	if (!frame)
		return MAPTRACK_END;
	first = gt->maptrack_limit;
	gt->maptrack[first / MAPTRACK_PER_FRAME] = frame;
	gt->maptrack_limit += MAPTRACK_PER_FRAME;

	/* the first new entry is the answer; the others go to the list's head */
	for (uint32_t i = 1; i < MAPTRACK_PER_FRAME - 1; i++)
		frame[i].next_free = first + i + 1;
	frame[MAPTRACK_PER_FRAME - 1].next_free = gt->nr_free ? gt->free_head : MAPTRACK_END;
	if (!gt->nr_free)
		gt->free_tail = first + MAPTRACK_PER_FRAME - 1;
	gt->free_head = first + 1;
	gt->nr_free += MAPTRACK_PER_FRAME - 1;
	return first;
}

static void put_maptrack_handle(struct grant_table *gt, uint32_t handle)
{
	struct maptrack_entry *mt = maptrack_entry(gt, handle);

	mt->flags = 0;
	mt->next_free = MAPTRACK_END;
	if (gt->nr_free)
		maptrack_entry(gt, gt->free_tail)->next_free = handle;
	else
		gt->free_head = handle;
	gt->free_tail = handle;
	gt->nr_free++;
}

static void maptrack_free_all(struct grant_table *gt)
{
	for (unsigned int i = 0; i < gt->maptrack_limit / MAPTRACK_PER_FRAME; i++) {
		free(gt->maptrack[i]);
		gt->maptrack[i] = NULL;
	}
	gt->maptrack_limit = gt->nr_mappings = gt->nr_free = 0;
	gt->free_head = gt->free_tail = MAPTRACK_END;
}

/* Life cycle ---------------------------------------------------------- */

/* Xen's gnttab_grow_table; new frames start zeroed, as Xen's fresh pages do. */
static int grow_table(struct domain *d, unsigned int nr_frames)
{
	struct grant_table *gt = d->grant_table;
	size_t old = nr_entries(gt), new = (size_t)nr_frames * ENTRIES_PER_FRAME;
	struct active_entry *act = realloc(gt->active, new * sizeof(*act));

	if (!act)
		return -ENOMEM;
	memset(act + old, 0, (new - old) * sizeof(*act));
	for (unsigned int i = gt->nr_frames; i < nr_frames; i++)
		memset(domain_grant_frame(d, i), 0, XEN_PAGE_SIZE);
	gt->active = act;
	gt->nr_frames = nr_frames;
	return 0;
}

int grant_table_shared_frame(struct domain *d, unsigned int idx)
{
	struct grant_table *gt = d->grant_table;

	if (!gt)
		return -EINVAL;
	/* a failed growth leaves the table as it was: -EINVAL below */
	if (idx >= gt->nr_frames && idx < d->max_grant_frames)
		(void)grow_table(d, idx + 1);
	return idx < gt->nr_frames ? 0 : -EINVAL;
}

int grant_table_init(struct domain *d)
{
	struct grant_table *gt = calloc(1, sizeof(*gt));

	if (!gt)
		return -ENOMEM;
	gt->free_head = gt->free_tail = MAPTRACK_END;
	d->grant_table = gt;
	if (grow_table(d, 1) < 0) {
		grant_table_fini(d);
		return -ENOMEM;
	}
	return 0;
}

void grant_table_fini(struct domain *d)
{
	struct grant_table *gt = d->grant_table;

	if (!gt)
		return;
	maptrack_free_all(gt);
	free(gt->active);
	free(gt);
	d->grant_table = NULL;
}

/* Map and unmap ------------------------------------------------------- */

static bool maps_writable(uint32_t gntmap)
{
	return !(gntmap & GNTMAP_readonly);
}

void gnttab_map_grant_ref_op(struct domain *ld, struct gnttab_map_grant_ref *op)
{
	struct grant_table *lgt = ld->grant_table, *rgt;
	uint32_t incr = pin_incr(op->flags);
	bool readonly = !maps_writable(op->flags);
	struct active_entry *act;
	struct maptrack_entry *mt;
	struct domain *rd;
	uint32_t handle, frame;
	int16_t rc;

	if (!incr) {
		op->status = GNTST_bad_gntref;
		return;
	}
	/* Xen: "No device mapping in HVM domain" */
	if (op->flags & (GNTMAP_device_map | GNTMAP_application_map |
			 GNTMAP_contains_pte)) {
		op->status = GNTST_general_error;
		return;
	}
	/* rcu_lock_domain_by_id: a numeric domid, DOMID_SELF is not one */
	rd = domain_by_id(op->dom);
	if (!rd || !rd->grant_table) {
		op->status = GNTST_bad_domain;
		return;
	}
	handle = get_maptrack_handle(lgt);
	if (handle == MAPTRACK_END) {
		op->status = GNTST_no_space;
		return;
	}

	rgt = rd->grant_table;
	if (op->ref >= nr_entries(rgt)) {
		rc = GNTST_bad_gntref;
		goto put_handle;
	}
	act = &rgt->active[op->ref];
	if (act->pin && (act->domid != ld->domid || (act->pin & pin_overflow_bits(incr)))) {
		rc = GNTST_general_error;
		goto put_handle;
	}
	if (!act->pin || (!readonly && !(act->pin & PIN_WRITABLE))) {
		rc = set_status(rd, op->ref, act, readonly, true, ld->domid);
		if (rc != GNTST_okay)
			goto put_handle;
		if (!act->pin) {
			frame = shared_frame(rd, op->ref);
			rc = check_granted_frame(rd, frame);
			if (rc != GNTST_okay) {
				reduce_status_for_pin(rd, op->ref, act, readonly);
				goto put_handle;
			}
			act->domid = ld->domid;
			act->frame = frame;
		}
	}
	pin_add(rgt, act, incr);
	frame = act->frame;

	/*
	 * A dying granter's pages are being relinquished: Xen cannot take a
	 * page reference any more (could_not_pin).
	 */
	if (rd->state != DOMAIN_RUNNING) {
		rc = GNTST_general_error;
		goto undo;
	}
	/* create_grant_p2m_mapping: exactly host_map, optionally readonly */
	if ((op->flags & ~GNTMAP_readonly) != GNTMAP_host_map ||
	    domain_p2m_set_foreign(ld, op->host_addr >> XEN_PAGE_SHIFT, rd->domid,
				   frame, readonly) < 0) {
		rc = GNTST_general_error;
		goto undo;
	}

	mt = maptrack_entry(lgt, handle);
	mt->domid = op->dom;
	mt->ref = op->ref;
	mt->flags = (uint16_t)op->flags;
	lgt->nr_mappings++;

	op->dev_bus_addr = (uint64_t)frame << XEN_PAGE_SHIFT;
	op->handle = handle;
	op->status = GNTST_okay;
	return;

undo:
	pin_sub(rgt, act, incr);
	reduce_status_for_pin(rd, op->ref, act, readonly);
put_handle:
	put_maptrack_handle(lgt, handle);
	op->status = rc;
}

/*
 * Xen's replace_grant_p2m_mapping: the gfn must show this grant's page.
 * We also require its writability to match the handle, the rule XSA-234
 * gave PV grant PTEs, so that the pins always describe the views that
 * exist (Xen's p2m path checks only the frame; see docs/grant-table.md).
 */
static int16_t remove_host_mapping(struct domain *ld, uint64_t host_addr,
				   struct domain *rd, uint32_t frame,
				   uint16_t gntmap)
{
	uint64_t gfn = host_addr >> XEN_PAGE_SHIFT;
	/*
	 * The gfn shows the grant's page when its override names that very
	 * page of rd, writable when the override is.  Without an override
	 * there is nothing to remove (even if ld's own page there is the
	 * granted one, ld having granted to itself).  Nor is a page of rd's
	 * shared fd (a grant frame, acquired or placed by ld itself) or a
	 * foreign mapping by gfn, whatever its frame number: neither is a
	 * grant mapping.  One lookup: an unmap batch makes 1024 of these.
	 */
	const struct gfn_entry *o = gfn < ld->ram_pages ? gfn_map_get(&ld->p2m, gfn) : NULL;

	if (!o || o->domid != rd->domid || o->frame != frame || o->shared ||
	    domain_p2m_is_foreign_map(ld, gfn) || !domain_frame_to_virt(rd, frame))
		return GNTST_general_error;
	if (!o->readonly != maps_writable(gntmap))
		return GNTST_general_error;
	if (domain_p2m_clear_foreign(ld, gfn, rd->domid, frame) < 0)
		return GNTST_general_error;
	return GNTST_okay;
}

void gnttab_unmap_grant_ref_op(struct domain *ld, struct gnttab_unmap_grant_ref *op)
{
	struct grant_table *lgt = ld->grant_table, *rgt;
	struct maptrack_entry *mt = maptrack_entry(lgt, op->handle);
	struct active_entry *act;
	struct domain *rd;
	uint16_t gntmap, done = 0;
	grant_ref_t ref;
	int16_t rc;

	if (!mt || !mt->flags) {
		op->status = GNTST_bad_handle;
		return;
	}
	/*
	 * A pin keeps its granter alive (a zombie at worst), so the granter
	 * of a handle in use is always found.
	 */
	rd = domain_by_id(mt->domid);
	if (!rd || !rd->grant_table) {
		op->status = GNTST_general_error;
		return;
	}
	rgt = rd->grant_table;
	gntmap = mt->flags;
	ref = mt->ref;
	act = &rgt->active[ref];

	/*
	 * All-or-nothing (XSA-224): every check that can fail comes before any
	 * state changes.  A zero host_addr leaves the host mapping alone, as
	 * a zero dev_bus_addr leaves a device mapping alone; device mappings
	 * never exist here (map refuses them), so dev_bus_addr is not looked at.
	 */
	if (op->host_addr && (gntmap & GNTMAP_host_map)) {
		rc = remove_host_mapping(ld, op->host_addr, rd, act->frame, gntmap);
		if (rc != GNTST_okay) {
			op->status = rc;
			return;
		}
		done |= GNTMAP_host_map;
	}
	op->status = GNTST_okay;
	if (!done)
		return;

	mt->flags &= (uint16_t)~done;
	if (!(mt->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
		put_maptrack_handle(lgt, op->handle);
		lgt->nr_mappings--;
	}
	pin_sub(rgt, act, pin_incr(done | (gntmap & GNTMAP_readonly)));
	reduce_status_for_pin(rd, ref, act, !maps_writable(gntmap));
	/* a zombie granter goes once its last page is unmapped */
	if (rd->state == DOMAIN_DYING)
		domain_try_reap(rd);
}

/* Copy ---------------------------------------------------------------- */

struct copy_buf {
	struct domain *dom;
	bool have_grant;
	grant_ref_t ref;
	bool readonly;
	uint8_t *virt;
};

/* Xen's gnttab_copy_lock_domain */
static int16_t copy_lock_domain(struct domain *ld, domid_t domid, bool is_gref,
				struct copy_buf *buf)
{
	/* only DOMID_SELF, not even the caller's own domid, may name a frame */
	if (domid != DOMID_SELF && !is_gref)
		return GNTST_permission_denied;
	buf->dom = domid == DOMID_SELF ? ld : domain_by_id(domid);
	if (!buf->dom || !buf->dom->grant_table)
		return GNTST_bad_domain;
	return GNTST_okay;
}

/* Xen's acquire_grant_for_copy, for v1 (no transitive or sub-page grants) */
static int16_t acquire_grant_for_copy(struct domain *rd, grant_ref_t ref,
				      domid_t ldomid, bool readonly, uint32_t *frame)
{
	struct grant_table *rgt = rd->grant_table;
	uint32_t incr = readonly ? PIN_HOST_RO : PIN_HOST_RW;
	struct active_entry *act;
	int16_t rc;

	if (ref >= nr_entries(rgt))
		return GNTST_bad_gntref;
	act = &rgt->active[ref];
	if (act->pin && (act->domid != ldomid || (act->pin & pin_overflow_bits(incr))))
		return GNTST_general_error;
	if (!act->pin || (!readonly && !(act->pin & PIN_WRITABLE))) {
		uint32_t gfn;

		rc = set_status(rd, ref, act, readonly, false, ldomid);
		if (rc != GNTST_okay)
			return rc;
		gfn = shared_frame(rd, ref);
		rc = check_granted_frame(rd, gfn);
		if (rc != GNTST_okay)
			goto clear;
		if (!act->pin) {
			act->domid = ldomid;
			act->frame = gfn;
		}
	}
	/* Xen refuses to copy through a dying granter's pins */
	if (rd->state != DOMAIN_RUNNING) {
		rc = GNTST_bad_domain;
		goto clear;
	}
	pin_add(rgt, act, incr);
	*frame = act->frame;
	return GNTST_okay;

clear:
	reduce_status_for_pin(rd, ref, act, readonly);
	return rc;
}

static void release_grant_for_copy(struct domain *rd, grant_ref_t ref, bool readonly)
{
	struct active_entry *act = &rd->grant_table->active[ref];

	pin_sub(rd->grant_table, act, readonly ? PIN_HOST_RO : PIN_HOST_RW);
	reduce_status_for_pin(rd, ref, act, readonly);
}

static void copy_release_buf(struct copy_buf *buf)
{
	if (buf->have_grant)
		release_grant_for_copy(buf->dom, buf->ref, buf->readonly);
	buf->have_grant = false;
	buf->virt = NULL;
}

/* Xen's gnttab_copy_claim_buf */
static int16_t copy_claim_buf(struct domain *ld, const struct gnttab_copy_ptr *ptr,
			      bool is_gref, bool readonly, struct copy_buf *buf)
{
	buf->readonly = readonly;
	if (is_gref) {
		uint32_t frame;
		int16_t rc = acquire_grant_for_copy(buf->dom, ptr->u.ref, ld->domid,
						    readonly, &frame);

		if (rc != GNTST_okay)
			return rc;
		buf->have_grant = true;
		buf->ref = ptr->u.ref;
		buf->virt = domain_frame_to_virt(buf->dom, frame);
		return GNTST_okay;
	}
	/* the caller's own gfn, through its p2m (a grant it maps included) */
	buf->virt = domain_gfn_to_virt(buf->dom, ptr->u.gmfn, false);
	if (!buf->virt)
		return GNTST_bad_page;
	/* a read-only grant mapping has no writable page type to take */
	if (!readonly && !domain_gfn_to_virt(buf->dom, ptr->u.gmfn, true)) {
		buf->virt = NULL;
		return GNTST_general_error;
	}
	return GNTST_okay;
}

void gnttab_copy_op(struct domain *ld, struct gnttab_copy *op)
{
	struct copy_buf src = { 0 }, dest = { 0 };
	int16_t rc;

	rc = copy_lock_domain(ld, op->source.domid, op->flags & GNTCOPY_source_gref, &src);
	if (rc == GNTST_okay)
		rc = copy_lock_domain(ld, op->dest.domid, op->flags & GNTCOPY_dest_gref, &dest);
	if (rc == GNTST_okay)
		rc = copy_claim_buf(ld, &op->source, op->flags & GNTCOPY_source_gref,
				    true, &src);
	if (rc == GNTST_okay)
		rc = copy_claim_buf(ld, &op->dest, op->flags & GNTCOPY_dest_gref,
				    false, &dest);
	/* Xen checks the range only once both pages are in hand */
	if (rc == GNTST_okay &&
	    ((unsigned int)op->source.offset + op->len > XEN_PAGE_SIZE ||
	     (unsigned int)op->dest.offset + op->len > XEN_PAGE_SIZE))
		rc = GNTST_bad_copy_arg;
	if (rc == GNTST_okay)
		memmove(dest.virt + op->dest.offset, src.virt + op->source.offset, op->len);
	copy_release_buf(&dest);
	copy_release_buf(&src);
	op->status = rc;
}

/* Table size and version ---------------------------------------------- */

long gnttab_setup_table_op(struct domain *cur, struct gnttab_setup_table *op,
			   xen_pfn_t *frames)
{
	struct domain *d;

	if (op->nr_frames && !frames)
		return -EFAULT;
	d = domain_by_any_id(cur, op->dom);
	if (!d) {
		op->status = GNTST_bad_domain;
		return 0;
	}
	if (!domain_may_act_on(cur, d)) {
		op->status = GNTST_permission_denied;
		return 0;
	}
	if (op->nr_frames > d->max_grant_frames) {
		op->status = GNTST_general_error;
		return 0;
	}
	if (op->nr_frames > d->grant_table->nr_frames && grow_table(d, op->nr_frames) < 0) {
		op->status = GNTST_general_error;
		return 0;
	}
	/* the guest finds grant frame i at page HVSIM_GRANT_FRAME0_PAGE + i of its shared fd */
	for (uint32_t i = 0; i < op->nr_frames; i++)
		frames[i] = i;
	op->status = GNTST_okay;
	return 0;
}

long gnttab_query_size_op(struct domain *cur, struct gnttab_query_size *op)
{
	struct domain *d = domain_by_any_id(cur, op->dom);

	if (!d) {
		op->status = GNTST_bad_domain;
		return 0;
	}
	if (!domain_may_act_on(cur, d)) {
		op->status = GNTST_permission_denied;
		return 0;
	}
	op->nr_frames = d->grant_table->nr_frames;
	op->max_nr_frames = d->max_grant_frames;
	op->status = GNTST_okay;
	return 0;
}

long gnttab_get_version_op(struct domain *cur, struct gnttab_get_version *op)
{
	struct domain *d = domain_by_any_id(cur, op->dom);

	if (!d)
		return -ESRCH;
	if (!domain_may_act_on(cur, d))
		return -EPERM;
	op->version = 1;
	return 0;
}

/*
 * Only v1 is built: Xen with gnttab=max-ver:1 answers a request for v2
 * with -ENOSYS, "as before set_version was introduced".
 */
long gnttab_set_version_op(struct domain *cur, struct gnttab_set_version *op)
{
	long rc;

	if (op->version != 1 && op->version != 2)
		rc = -EINVAL;
	else if (op->version == 2)
		rc = -ENOSYS;
	else
		rc = 0;
	op->version = 1;
	return rc;
}

/* Dispatch ------------------------------------------------------------ */

long grant_table_op(struct domain *d, unsigned int cmd, void *ops,
		    unsigned int count, xen_pfn_t *frames)
{
	if ((int)count < 0)
		return -EINVAL;
	if ((cmd & ~HVSIM_GNTTABOP_CMD_MASK) &&
	    (cmd & HVSIM_GNTTABOP_CMD_MASK) != GNTTABOP_cache_flush)
		return -EINVAL;
	cmd &= HVSIM_GNTTABOP_CMD_MASK;
	if (!hvsim_hypercall_op_size(__HYPERVISOR_grant_table_op, cmd))
		return -ENOSYS;
	/* a dying domain's vCPUs never run on Xen; its maptrack is gone */
	if (d->state != DOMAIN_RUNNING || !d->grant_table)
		return -ESRCH;
	/* batches: count structs must be readable (guest_handle_okay) */
	if (!ops && count && (cmd == GNTTABOP_map_grant_ref ||
			      cmd == GNTTABOP_unmap_grant_ref || cmd == GNTTABOP_copy))
		return -EFAULT;

	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		for (unsigned int i = 0; i < count; i++)
			gnttab_map_grant_ref_op(d, (struct gnttab_map_grant_ref *)ops + i);
		return 0;
	case GNTTABOP_unmap_grant_ref:
		for (unsigned int i = 0; i < count; i++)
			gnttab_unmap_grant_ref_op(d, (struct gnttab_unmap_grant_ref *)ops + i);
		return 0;
	case GNTTABOP_copy:
		for (unsigned int i = 0; i < count; i++)
			gnttab_copy_op(d, (struct gnttab_copy *)ops + i);
		return 0;
	case GNTTABOP_setup_table:
		if (count != 1)
			return -EINVAL;
		if (!ops)
			return -EFAULT;
		return gnttab_setup_table_op(d, ops, frames);
	case GNTTABOP_query_size:
		if (count != 1)
			return -EINVAL;
		if (!ops)
			return -EFAULT;
		return gnttab_query_size_op(d, ops);
	case GNTTABOP_set_version:
		/* Xen ignores count and reads one struct: one must have been sent */
		if (!ops || !count)
			return -EFAULT;
		return gnttab_set_version_op(d, ops);
	case GNTTABOP_get_version:
		if (!ops || !count)
			return -EFAULT;
		return gnttab_get_version_op(d, ops);
	}
	return -ENOSYS;
}

/* Death and inspection ------------------------------------------------ */

/*
 * Xen's gnttab_release_mappings.  Also used when dom0's kernel goes away
 * while dom0 lives on, so the maptrack is left empty and usable.
 */
void grant_table_release_mappings(struct domain *d)
{
	struct grant_table *gt = d->grant_table;
	unsigned int released = 0;

	if (!gt)
		return;
	for (uint32_t handle = 0; handle < gt->maptrack_limit; handle++) {
		struct maptrack_entry *mt = maptrack_entry(gt, handle);
		struct active_entry *act;
		struct domain *rd;

		if (!(mt->flags & (GNTMAP_host_map | GNTMAP_device_map)))
			continue;
		rd = domain_by_id(mt->domid);
		if (rd && rd->grant_table) {
			act = &rd->grant_table->active[mt->ref];
			pin_sub(rd->grant_table, act, pin_incr(mt->flags));
			reduce_status_for_pin(rd, mt->ref, act, !maps_writable(mt->flags));
			/* d itself is reaped by its destroyer, once we are done */
			if (rd != d && rd->state == DOMAIN_DYING)
				domain_try_reap(rd);
		}
		mt->flags = 0;
		released++;
	}
	maptrack_free_all(gt);
	/* every override an auto-translated guest has is a grant mapping */
	domain_p2m_clear_all(d);

	if (released) {
		struct json_object *ev = trace_event(d->domid, "grant_release_mappings");

		json_object_object_add(ev, "released", json_object_new_int64(released));
		trace_emit(ev);
	}
}

unsigned int grant_table_active_entries(struct domain *d)
{
	return d->grant_table ? d->grant_table->nr_pinned : 0;
}

unsigned int grant_table_mappings(struct domain *d)
{
	return d->grant_table ? d->grant_table->nr_mappings : 0;
}

static void decode_flags(uint16_t flags, char *buf, size_t size)
{
	static const char *const types[] = {
		[GTF_invalid] = NULL, [GTF_permit_access] = "permit_access",
		[GTF_accept_transfer] = "accept_transfer", [GTF_transitive] = "transitive",
	};
	static const struct { uint16_t bit; const char *name; } bits[] = {
		{ GTF_readonly, "readonly" }, { GTF_reading, "reading" },
		{ GTF_writing, "writing" }, { GTF_PWT, "PWT" }, { GTF_PCD, "PCD" },
		{ GTF_PAT, "PAT" }, { GTF_sub_page, "sub_page" },
	};
	size_t len = 0;

	buf[0] = '\0';
	if (types[flags & GTF_type_mask])
		len += (size_t)snprintf(buf, size, "%s", types[flags & GTF_type_mask]);
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if ((flags & bits[i].bit) && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						len ? "|" : "", bits[i].name);
}

struct json_object *grant_table_dump(struct domain *d)
{
	struct grant_table *gt = d->grant_table;
	struct json_object *o = json_object_new_object();
	struct json_object *entries = json_object_new_array();
	struct json_object *maptrack = json_object_new_array();

	json_object_object_add(o, "nr_frames", json_object_new_int64(gt ? gt->nr_frames : 0));
	json_object_object_add(o, "max_frames", json_object_new_int64(d->max_grant_frames));
	json_object_object_add(o, "entries", entries);
	json_object_object_add(o, "maptrack", maptrack);
	if (!gt)
		return o;

	for (grant_ref_t ref = 0; ref < nr_entries(gt); ref++) {
		union grant_combo c = { .raw = __atomic_load_n(shared_word(d, ref), __ATOMIC_ACQUIRE) };
		const struct active_entry *act = &gt->active[ref];
		struct json_object *e, *pin;
		char decoded[96];

		if (!c.flags && !act->pin)
			continue;
		decode_flags(c.flags, decoded, sizeof(decoded));
		e = json_object_new_object();
		json_object_object_add(e, "ref", json_object_new_int64(ref));
		json_object_object_add(e, "flags", json_object_new_int64(c.flags));
		json_object_object_add(e, "flags_decoded", json_object_new_string(decoded));
		json_object_object_add(e, "domid", json_object_new_int64(c.domid));
		json_object_object_add(e, "frame", json_object_new_int64(shared_frame(d, ref)));
		pin = json_object_new_object();
		json_object_object_add(pin, "host_ro", json_object_new_int64((act->pin / PIN_HOST_RO) & PIN_MASK));
		json_object_object_add(pin, "host_rw", json_object_new_int64((act->pin / PIN_HOST_RW) & PIN_MASK));
		json_object_object_add(pin, "dev_ro", json_object_new_int64((act->pin / PIN_DEV_RO) & PIN_MASK));
		json_object_object_add(pin, "dev_rw", json_object_new_int64((act->pin / PIN_DEV_RW) & PIN_MASK));
		json_object_object_add(e, "pin", pin);
		if (act->pin) {
			/* what Xen's 'g' key shows as the active side */
			json_object_object_add(e, "pinned_by", json_object_new_int64(act->domid));
			json_object_object_add(e, "pinned_frame", json_object_new_int64(act->frame));
		}
		json_object_array_add(entries, e);
	}
	for (uint32_t handle = 0; handle < gt->maptrack_limit; handle++) {
		const struct maptrack_entry *mt = maptrack_entry(gt, handle);
		struct json_object *m;

		if (!mt->flags)
			continue;
		m = json_object_new_object();
		json_object_object_add(m, "handle", json_object_new_int64(handle));
		json_object_object_add(m, "dom", json_object_new_int64(mt->domid));
		json_object_object_add(m, "ref", json_object_new_int64(mt->ref));
		json_object_object_add(m, "flags", json_object_new_int64(mt->flags));
		json_object_array_add(maptrack, m);
	}
	return o;
}
