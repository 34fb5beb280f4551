/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The trace in protocol terms, for people learning it: what `hvsim
 * scenario --explain` prints after each step and the step-through page
 * (trace_html.h) shows.  Two halves: the records of a step (each hypercall
 * with its arguments and outcome, what it caused inside the hypervisor,
 * the hypervisor's own events), and what changed between two snapshots of
 * the state (the control protocol's "state": grant entries written or
 * cleared by a guest kernel, which no hypercall does, their flags and
 * pins, maptrack handles, domain states, xenstore nodes).
 *
 * A snapshot is {"domains":[{domid,name,state,grant_table,evtchn,p2m}],
 * "xenstore":{PATH:{value,perms}}}, as hvsimd's "state" command and the
 * trace's records of kind "state" hold it (hv-sim/state_dump.h).
 */
#ifndef HVSIM_TRACE_NARRATE_H
#define HVSIM_TRACE_NARRATE_H

#include <stdio.h>

#include <json-c/json.h>

/*
 * Writes one line (or more) per record of `records` (a JSON array, in
 * trace order), each starting with `indent`; a hypercall's effects come
 * under it, indented further.  Names of domains come from `state` (a
 * snapshot; NULL: "dom7").  Records of kind "state" say nothing here.
 */
void trace_narrate_records(struct json_object *records, struct json_object *state,
			   const char *indent, FILE *out);

/* What changed from snapshot `old` to `now`, a line each; nothing if old is NULL. */
void trace_narrate_changes(struct json_object *old, struct json_object *now, const char *indent,
			   FILE *out);

#endif
