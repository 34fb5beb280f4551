/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, v1, with Xen 4.17's semantics (xen/common/grant_table.c):
 * the granting guest writes grant_entry_v1 entries into its shared frames;
 * the hypervisor validates them when another domain maps or copies, pins
 * the entry (GTF_reading / GTF_writing, set and cleared with cmpxchg on the
 * shared flags), and keeps a maptrack of handles per mapping domain.
 *
 * Each *_op function takes the Xen ABI struct itself, sets its status the
 * way Xen does, and can be called directly by tests.  The caller `d` is the
 * domain making the hypercall.
 */
#ifndef HVSIM_GRANT_TABLE_H
#define HVSIM_GRANT_TABLE_H

#include <json-c/json.h>

#include "domain.h"

/* Per-domain state: set up with the domain, gone with it. */
int grant_table_init(struct domain *d);
void grant_table_fini(struct domain *d);

/*
 * GNTTABOP_* dispatcher for a batch of `count` structs.  Returns what the
 * hypercall returns: 0 when every element was processed (each has its own
 * status), -EINVAL / -ENOSYS / -EFAULT as Xen returns them for the call
 * itself.  For GNTTABOP_setup_table, `frames` receives op->nr_frames
 * entries (the caller sizes it from op->nr_frames, at most
 * d->max_grant_frames); NULL for other ops.
 */
long grant_table_op(struct domain *d, unsigned int cmd, void *ops,
		    unsigned int count, xen_pfn_t *frames);

void gnttab_map_grant_ref_op(struct domain *d, struct gnttab_map_grant_ref *op);
void gnttab_unmap_grant_ref_op(struct domain *d, struct gnttab_unmap_grant_ref *op);
void gnttab_copy_op(struct domain *d, struct gnttab_copy *op);
long gnttab_setup_table_op(struct domain *d, struct gnttab_setup_table *op,
			   xen_pfn_t *frames);
long gnttab_query_size_op(struct domain *d, struct gnttab_query_size *op);
long gnttab_get_version_op(struct domain *d, struct gnttab_get_version *op);
long gnttab_set_version_op(struct domain *d, struct gnttab_set_version *op);

/*
 * Domain death: unmaps everything `d` maps (pins drop and GTF flags clear
 * in the granters' tables, p2m overrides go, granters that are dying may be
 * reaped).  Its own table stays readable while others map its pages.
 */
void grant_table_release_mappings(struct domain *d);

/*
 * Xen's gnttab_get_shared_frame_mfn: makes shared grant frame `idx` of `d`
 * exist, growing the table to idx + 1 frames within max_grant_frames as
 * Xen does when a frame is asked for (XENMEM_acquire_resource).  0, or
 * -EINVAL for a frame beyond the limit.  The frame is domain_grant_frame(d, idx).
 */
int grant_table_shared_frame(struct domain *d, unsigned int idx);

/* How many of `d`'s grant entries other domains (or d itself) have pinned. */
unsigned int grant_table_active_entries(struct domain *d);
/* How many maptrack handles `d` holds (mappings of others' grants). */
unsigned int grant_table_mappings(struct domain *d);

/*
 * The decoded table, as Xen's 'g' debug key shows it: every entry in use
 * (shared flags, domid, frame) with its active pins, and d's own maptrack.
 * Returns a new JSON object.
 */
struct json_object *grant_table_dump(struct domain *d);

#endif
