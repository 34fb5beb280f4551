/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a step did, in protocol terms: the trace records it caused (the
 * hypercalls and the hypervisor's events, docs/architecture.md "Trace")
 * and what changed in the state the hypervisor shows (grant entries and
 * their flags and pins, maptrack handles, domain states, xenstore nodes).
 * A guest writes its grant entries without a hypercall, so the trace alone
 * cannot say when a grant was made or ended: the state diff does.
 */
#ifndef SCN_EXPLAIN_H
#define SCN_EXPLAIN_H

#include <stdio.h>

#include <json-c/json.h>

#include "libhvsim.h"

/* The trace file, read a step at a time. */
struct scn_trace {
	char path[4096];
	long offset;
};

/* Starts reading at the file's current end. */
void scn_trace_open(struct scn_trace *t, const char *dir);
/* Waits until hvsimd wrote what it emitted (`sync`), then returns the
 * records since the last call as an array (never NULL). */
struct json_object *scn_trace_next(struct scn_trace *t, struct hvsim_ctl *ctl);

struct scn_explain;

struct scn_explain *scn_explain_new(struct hvsim_ctl *ctl);
void scn_explain_free(struct scn_explain *e);
/* Remembers the current state, for the next step's diff. */
void scn_explain_baseline(struct scn_explain *e);
/* Narrates the records, then what changed since the last snapshot. */
void scn_explain_step(struct scn_explain *e, struct json_object *records, const char *indent,
		      FILE *out);

#endif
