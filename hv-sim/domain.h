/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains: identity, life cycle, guest RAM and the pages shared with the
 * guest kernel (shared_info and the grant-table frames).
 *
 * Guest RAM is one sparse memfd per domain; gfn N is page N of it.  hvsimd
 * maps every domain's RAM and shared pages so that grant copy and the
 * grant/event bookkeeping touch guest memory directly, as Xen does.
 *
 * The p2m: an auto-translated guest's gfn normally shows its own RAM page.
 * A grant map replaces that with a foreign page (an override); an unmap
 * restores it.  Overrides are queued as p2m updates for the transport to
 * send back to the guest kernel, which remaps its view of that gfn.
 */
#ifndef HVSIM_DOMAIN_H
#define HVSIM_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gfn_map.h"
#include "hvsim/hypercall_wire.h"
#include "hvsim/xen.h"

#define HVSIM_DEFAULT_MEM_MIB      64
#define HVSIM_MAX_MEM_MIB          (64 * 1024)
#define HVSIM_MAX_GRANT_FRAMES     64    /* Xen 4.17's default gnttab_max_frames */
#define HVSIM_MAX_DOMAINS          1024  /* domains in existence at once */
#define HVSIM_NO_GFN               (~(uint64_t)0)
/*
 * The highest event channel port a domain other than dom0 may use: libxl's
 * default (b_info->event_channels = 1023, passed as XEN_DOMCTL_createdomain's
 * max_evtchn_port).  Xen creates dom0 with max_evtchn_port -1, which
 * evtchn_init clamps to INT_MAX: only the ABI limits it.
 */
#define HVSIM_DOMU_MAX_EVTCHN_PORT 1023

enum domain_state {
	DOMAIN_RUNNING,
	DOMAIN_DYING,    /* destroyed; a zombie while others still map its pages */
	DOMAIN_DEAD,     /* all resources released; kept only for `hvsim list` */
};

struct grant_table;
struct evtchn_domain;
struct fault_rule;

struct domain {
	domid_t domid;
	char name[HVSIM_NAME_MAX];
	enum domain_state state;
	/*
	 * The toolstack's UUID of the domain (Xen's d->handle, set by
	 * XEN_DOMCTL_createdomain): random (RFC 4122 version 4, as libxl's
	 * libuuid makes them) for every domain but dom0, whose handle is all
	 * zeros as on Xen.  It names the domain's /vm/UUID in xenstore.
	 */
	xen_domain_handle_t handle;

	uint64_t ram_pages;
	int ram_fd;
	uint8_t *ram;                  /* hvsimd's mapping of the RAM memfd */

	int shared_fd;                 /* shared_info + grant frames */
	uint8_t *shared;
	struct shared_info *shared_info;
	unsigned int max_grant_frames;
	unsigned int max_evtchn_port;  /* Xen's d->max_evtchn_port (evtchn_set_max_port) */

	int upcall_fd;                 /* eventfd written to kick the vCPU */

	struct grant_table *grant_table;   /* owned by grant_table.c */
	struct evtchn_domain *evtchn;      /* owned by evtchn.c */

	/* p2m overrides; and updates the guest has yet to see */
	struct gfn_map p2m;
	/*
	 * Which overrides are foreign mappings by gfn (XENMEM_add_to_physmap
	 * with XENMAPSPACE_gmfn_foreign, memory_op.c), not grant maps; and how
	 * many of this domain's pages other domains map so.  Those keep its
	 * memory alive after its death, as grant maps do (Xen's p2m_add_foreign
	 * holds a page reference until XENMEM_remove_from_physmap).
	 */
	struct gfn_map foreign_gfns;
	uint64_t foreign_refs;
	/*
	 * Where each page of the shared fd shows in this domain's own p2m (a
	 * grant frame it placed with XENMAPSPACE_grant_table, memory_op.c),
	 * as Xen's M2P records where those frames are; HVSIM_NO_GFN where none.
	 */
	uint64_t shared_page_gfn[HVSIM_GRANT_FRAME0_PAGE + HVSIM_MAX_GRANT_FRAMES];
	struct hvsim_p2m_update *p2m_pending;
	size_t nr_p2m_pending, p2m_pending_cap;

	struct fault_rule *faults;     /* fault injection rules, owned by fault.c */

	bool kernel_attached;          /* a guest kernel holds the hypercall connection */
	void *transport;               /* owned by the transport (hypercall.c) */

	bool forgotten;                /* domain_forget: not remembered once dead */
	struct domain *next_forgotten;
};

/*
 * Creates a running domain with `mem_pages` pages of RAM.  dom0 is created
 * with domid 0; every later domain gets the next unused domid below
 * DOMID_FIRST_RESERVED (domids are not reused while hvsimd runs, so a
 * stale domid never names a new domain).  Returns 0 or -errno (-EEXIST for
 * a name in use by a live domain, -EINVAL for a bad name or size, -ENOSPC
 * when no domid is left).
 */
int domain_create(const char *name, uint64_t mem_pages, struct domain **out);

/*
 * Destroys a running domain: its mappings of other domains' pages are
 * released, its event channels closed, dom0 is told with VIRQ_DOM_EXC.
 * Its memory stays while other domains map it (state DYING), then goes
 * (state DEAD).  Destroying dom0 is refused with -EPERM.
 */
int domain_destroy(struct domain *d);

/* Frees a DYING domain's memory once nothing maps its pages any more. */
void domain_try_reap(struct domain *d);

/*
 * A destroyed domain whose creation failed (its kernel did not start):
 * once dead it is no longer remembered (not listed, not found by name or
 * domid), as a failed `xl create` leaves no domain.  Its domid is not
 * reused, and the struct stays allocated until domain_destroy_all.
 */
void domain_forget(struct domain *d);

/* A live (running or dying) domain by domid, or NULL. */
struct domain *domain_by_id(domid_t domid);
/*
 * The domain a hypercall of `cur` names (Xen's rcu_lock_domain_by_any_id):
 * DOMID_SELF is `cur` itself, any other domid a live domain; NULL if that
 * domain does not exist or its state is already released (dead).
 */
struct domain *domain_by_any_id(struct domain *cur, domid_t domid);

/*
 * May `cur` operate on `target`'s grant table or event channels?  Xen's
 * default XSM policy (XSM_TARGET) lets a domain act on itself, and the
 * control domain (is_control_domain; dom0 in hvsim) on any domain.
 */
static inline bool domain_may_act_on(const struct domain *cur, const struct domain *target)
{
	return cur == target || cur->domid == 0;
}
/* A domain by name or decimal domid, live or dead, or NULL. */
struct domain *domain_by_name(const char *name_or_id);
/* Iteration over every domain ever created that is still remembered. */
struct domain *domain_first(void);
struct domain *domain_next(struct domain *d);

const char *domain_state_name(enum domain_state s);

/* The domain's handle as a UUID string, as libxl prints it (LIBXL_UUID_FMT). */
#define DOMAIN_UUID_LEN 37          /* 36 characters and the nul */
void domain_uuid_string(const struct domain *d, char out[DOMAIN_UUID_LEN]);

/* Frees every domain (hvsimd exit, and between unit tests). */
void domain_destroy_all(void);

/*
 * Where gfn `gfn` of `d` lives in hvsimd's address space, following a p2m
 * override to the foreign page it shows; NULL if gfn is outside RAM.  With
 * `writable`, a read-only override gives NULL too.
 */
void *domain_gfn_to_virt(struct domain *d, uint64_t gfn, bool writable);

/* The owner's RAM page `frame` (no override), or NULL if out of range. */
void *domain_frame_to_virt(struct domain *d, uint64_t frame);
/* Page `page` of the owner's shared fd (domain_grant_frame), or NULL. */
void *domain_shared_page_to_virt(struct domain *d, uint64_t page);

/*
 * p2m overrides, used by grant map/unmap of an auto-translated guest.
 * Setting an override on a gfn that already has one fails with -EBUSY (Xen
 * would crash the domain); a gfn outside RAM with -EINVAL.  Clearing
 * checks that the gfn shows (granter, frame) and fails with -EINVAL
 * otherwise.  Both queue a p2m update for the guest kernel.
 */
int domain_p2m_set_foreign(struct domain *d, uint64_t gfn, domid_t granter,
			   uint64_t frame, bool readonly);
int domain_p2m_clear_foreign(struct domain *d, uint64_t gfn, domid_t granter,
			     uint64_t frame);
/*
 * Foreign mappings by gfn (memory_op.c): gfn `gfn` of `d` shows page `frame`
 * of `owner`, writable, and holds a reference on `owner`'s memory.  Fails as
 * domain_p2m_set_foreign does.  Unmapping checks that gfn shows such a
 * mapping (-EINVAL otherwise), drops the reference and reaps a dying
 * owner nothing maps any more.  Both queue a p2m update.
 */
int domain_p2m_map_foreign(struct domain *d, uint64_t gfn, struct domain *owner,
			   uint64_t frame);
/*
 * The same for page `page` of `owner`'s shared fd (a grant frame acquired
 * with XENMEM_acquire_resource, memory_op.c): the override and its p2m
 * update carry HVSIM_P2M_SHARED, and the reference keeps the owner's grant
 * table alive.  -EINVAL for a page beyond the shared fd.  Unmapped with
 * domain_p2m_unmap_foreign.
 */
int domain_p2m_map_shared(struct domain *d, uint64_t gfn, struct domain *owner,
			  uint64_t page);
int domain_p2m_unmap_foreign(struct domain *d, uint64_t gfn);
static inline bool domain_p2m_is_foreign_map(const struct domain *d, uint64_t gfn)
{
	return d->foreign_gfns.count && gfn_map_get(&d->foreign_gfns, gfn);
}
/*
 * The domain's own shared pages in its p2m (XENMAPSPACE_grant_table,
 * memory_op.c): gfn `gfn` of `d` shows page `page` of d's own shared fd
 * (HVSIM_P2M_SHARED), with no reference (the domain's own memory).  The
 * gfn must show RAM (the caller takes away what was there); the page
 * leaves the gfn it showed before, which shows RAM again (Xen leaves a
 * hole: hvsim has none).  -EINVAL for a gfn outside RAM or a page beyond
 * the shared fd.  Both queue the p2m updates.
 */
int domain_p2m_place_own_page(struct domain *d, uint64_t gfn, uint64_t page);
static inline bool domain_p2m_is_own_page(const struct domain *d, const struct gfn_entry *o)
{
	return o->shared && o->domid == d->domid;
}
/* Takes an own page off `gfn`, which shows RAM again; -EINVAL if none is there. */
int domain_p2m_unhook_own_page(struct domain *d, uint64_t gfn);
/*
 * Drops every override (domain death, dom0's kernel gone), with the
 * references its foreign mappings hold; queues nothing.
 */
void domain_p2m_clear_all(struct domain *d);
/* Takes the queued updates; the caller owns *updates and frees it. */
size_t domain_p2m_take_updates(struct domain *d, struct hvsim_p2m_update **updates);

/* Kicks the domain's vCPU (the eventfd); harmless if nobody listens. */
void domain_kick(struct domain *d);
/* Adds `value` to the eventfd (HVSIM_UPCALL_KICK_MESSAGE: a message waits). */
void domain_kick_value(struct domain *d, uint64_t value);

/* Grant frame `i` of `d`'s table, in hvsimd's mapping. */
static inline void *domain_grant_frame(struct domain *d, unsigned int i)
{
	return d->shared + (size_t)(HVSIM_GRANT_FRAME0_PAGE + i) * XEN_PAGE_SIZE;
}

#endif
