/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the trace (hv-sim/trace.h): $HVSIM_DIR/trace.jsonl, one JSON
 * object per line, which hvsimd appends to while it runs.  What every
 * reader of it needs to agree on lives here: where a record ends, what a
 * record is, the names of the numbers in it (GNTST_* statuses, GNTMAP_*
 * flags) and which events a hypercall caused.  The viewer (trace_view.c),
 * the sequence diagram (trace_svg.c) and the scenario narration
 * (scenarios/scn_explain.c) read it through this module.
 */
#ifndef HVSIM_TRACE_READ_H
#define HVSIM_TRACE_READ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

/* GNTMAP_*, GNTCOPY_*, GNTST_*, DOMID_SELF: the numbers the records hold. */
#include "hvsim/xen.h"

/* Reading lines ------------------------------------------------------------ */

/*
 * A trace file read line by line, from a given offset.  hvsimd's writer
 * may be in the middle of a line (its writes are batches, not records):
 * a last line without its newline is not handed out; a later call reads
 * it whole, with whatever was appended meanwhile.
 */
struct trace_reader {
	FILE *f;
	long offset;		/* where the next whole line starts */
	char *line;
	size_t cap;
};

/* 0, or -errno if the file cannot be opened. */
int trace_reader_open(struct trace_reader *r, const char *path, long offset);
/* The next whole line, with its newline, valid until the next call; NULL
 * when there is none (yet). */
const char *trace_reader_line(struct trace_reader *r);
void trace_reader_close(struct trace_reader *r);

/* A line as a record: a JSON object with a "kind"; NULL if it is not one
 * (not JSON, cut short, or something else).  The caller puts it. */
struct json_object *trace_record_parse(const char *line);

/*
 * The records from *offset up to the last whole line, in order, as an
 * array (lines that are not records are left out); *offset moves past the
 * lines read.  NULL, with errno set, if the file cannot be opened.
 */
struct json_object *trace_read_records(const char *path, long *offset);

/* Fields ------------------------------------------------------------------------ */

/* A member of a record (or of any JSON object): its value, or 0, "" or
 * NULL when it is absent, so that decoders read on without checking. */
int64_t trace_int(struct json_object *o, const char *key);
const char *trace_str(struct json_object *o, const char *key);
struct json_object *trace_get(struct json_object *o, const char *key);

/* Names ---------------------------------------------------------------------------- */

/* "bad_gntref" for GNTST_bad_gntref; NULL for a status Xen does not define. */
const char *trace_gntst_name(int64_t status);
/* The other way: 0 and *status for a name as trace_gntst_name gives it
 * (no GNTST_ prefix), -1 for an unknown name. */
int trace_gntst_value(const char *name, int *status);

/* Room for every GNTMAP_* name and the bits left over. */
#define TRACE_GNTMAP_FLAGS_LEN 96
/* "host_map|readonly" for GNTMAP_host_map|GNTMAP_readonly; bits without a
 * name come last in hex ("host_map|0x100"), and no flags at all is "0".
 * Writes into buf (size n, TRACE_GNTMAP_FLAGS_LEN is enough); returns buf. */
const char *trace_gntmap_flags(uint32_t flags, char *buf, size_t n);

/* Effects ---------------------------------------------------------------------------- */

/*
 * hvsimd emits the events a hypercall causes while the call runs (a send
 * making the peer's port pending, a zombie's last page going), and the
 * call's own record after its reply, in the same loop turn: a hypercall's
 * effects are the events of those kinds right before it that hvsimd
 * marked as made during a call ("call":true), or (a trace without the
 * marks) less than 2 ms before it.  For each of the n records of `recs`,
 * sets effect_of[i] to the index of the hypercall record i is an effect
 * of, or -1.
 */
void trace_effects(struct json_object *recs, long *effect_of);

#endif
