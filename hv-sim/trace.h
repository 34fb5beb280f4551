/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The trace: every hypercall, its arguments and its outcome, and every
 * event the hypervisor raises on its own (domain created or destroyed, a
 * VIRQ, a zombie reaped), as one JSON object per line with a sequence
 * number, appended to $HVSIM_DIR/trace.jsonl.
 *
 * Records: {"seq":N, "t":seconds, "dom":domid, "kind":"hypercall",
 *           "op":"grant_table_op", "cmd":"map_grant_ref", "args":[...],
 *           "rc":0, "result":[...]}   and   {"seq":N, "t":..., "dom":domid,
 *           "kind":"event", "what":"...", ...}.
 */
#ifndef HVSIM_TRACE_H
#define HVSIM_TRACE_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

/* Opens (truncates) the trace file; NULL path: tracing off (unit tests). */
int trace_open(const char *path);
void trace_close(void);

/*
 * Emits one record and takes ownership of `rec`, which gets "seq" and "t"
 * added.  Does nothing but free it when tracing is off.
 */
void trace_emit(struct json_object *rec);

/*
 * Emits one record given as JSON members without the braces ("\"a\":1,..."):
 * the fast path for hypercall records.
 */
void trace_emit_members(const char *members, size_t len);

/* True when records go anywhere (callers may skip formatting otherwise). */
int trace_enabled(void);

/* A record of kind "event" for domain `domid`, fields to be added. */
struct json_object *trace_event(uint16_t domid, const char *what);

/* Next sequence number (for tests). */
uint64_t trace_seq(void);

#endif
