/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's state in one object, for readers of the trace: each
 * domain's grant table (entries in use, their pins, the maptrack), event
 * channels and p2m overrides.  A guest writes its grant entries without a
 * hypercall, so the trace alone never shows a grant being made or ended;
 * a snapshot of this state between two records does (the control
 * protocol's "state" command, docs/control-protocol.md; hvsimd's
 * HVSIM_TRACE_STATE, docs/architecture.md "Trace").
 */
#ifndef HVSIM_STATE_DUMP_H
#define HVSIM_STATE_DUMP_H

#include <json-c/json.h>

#include "domain.h"

/*
 * [{domid,name,state,grant_table,evtchn,p2m}, ...]: every domain in
 * domid order; a dead one has only its domid, name and state.
 * grant_table and evtchn are what the "grants" and "evtchn" commands show.
 */
struct json_object *state_dump_domains(void);

/*
 * The domain's p2m overrides, by gfn: [{gfn,dom,frame,readonly,kind}],
 * `dom` the owner of the page that shows there and `kind` "grant" (a grant
 * map: `frame` is a page of the owner's RAM), "foreign" (a foreign mapping
 * by gfn, XENMAPSPACE_gmfn_foreign) or "shared" (`frame` is a page of the
 * owner's shared pages, shared_info and the grant frames: its own grant
 * table placed with XENMAPSPACE_grant_table, or another's acquired; then
 * "grant_frame" says which frame of the table it is).
 */
struct json_object *state_dump_p2m(const struct domain *d);

#endif
