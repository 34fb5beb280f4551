/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The trace: every hypercall, its arguments and its outcome, and every
 * event the hypervisor raises on its own (domain created or destroyed, a
 * port gone pending, a zombie reaped), as one JSON object per line with a
 * sequence number and a time, appended to $HVSIM_DIR/trace.jsonl:
 *
 *   {"seq":N,"t":SECONDS,"dom":D,"kind":"hypercall","op":"grant_table_op",
 *    "cmd":"map_grant_ref","count":1,"rc":0,"ops":[{...}]}
 *   {"seq":N,"t":SECONDS,"dom":D,"kind":"event","what":"domain_create",...}
 *
 * Sequence numbers and times are taken when a record is emitted, on the
 * hypervisor's one thread, so the trace order is the order things
 * happened.  Formatting and writing happen on a writer thread, so a
 * 1024-grant batch costs the guest a copy of its structs, not their JSON.
 * The writer works in batches: a record reaches the file a few
 * milliseconds after it is emitted at most (at once after trace_sync).
 */
#ifndef HVSIM_TRACE_H
#define HVSIM_TRACE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Opens (truncates) the trace file; NULL path: tracing off (unit tests). */
int trace_open(const char *path);
/* Writes every queued record and closes the file. */
void trace_close(void);
/* Returns once every record emitted so far is in the file. */
void trace_sync(void);

/*
 * Emits one record and takes ownership of `rec` ("seq" and "t" are put
 * first).  Does nothing but free it when tracing is off.  The object is
 * turned into text on the writer thread: the caller must not touch it
 * (or anything it holds) again.
 */
void trace_emit(struct json_object *rec);

/* The writer's output: formatters append a record's members here. */
struct trace_buf {
	char *s;
	size_t len, cap;
	bool failed;            /* out of memory: the record is dropped */
};

/*
 * Room for n more bytes at b->s + b->len; NULL (and b->failed) if memory
 * ran out.  The caller advances b->len by what it wrote.
 */
char *trace_buf_room(struct trace_buf *b, size_t n);
/* Appends n bytes. */
void trace_buf_put(struct trace_buf *b, const void *s, size_t n);

/*
 * Emits a record whose members are formatted later, on the writer thread:
 * `format(data, len, out)` appends the JSON members without the braces
 * ("\"a\":1,...") to out.  `data` is head (head_len bytes) followed by
 * body (body_len bytes), both copied.
 */
typedef void (*trace_format_fn)(const void *data, size_t len, struct trace_buf *out);
void trace_emit_deferred(trace_format_fn format, const void *head, size_t head_len,
			 const void *body, size_t body_len);

/* True when records go anywhere (callers may skip work otherwise). */
int trace_enabled(void);

/* A record of kind "event" for domain `domid`, fields to be added. */
struct json_object *trace_event(uint16_t domid, const char *what);
/* Whether a hypercall is being handled (trace_event's "call":true). */
bool trace_in_call(void);

/*
 * Between trace_call_begin() and trace_call_end() the hypervisor handles
 * one hypercall, whose record follows: the events made meanwhile are its
 * effects and say so ("call":true, after "what"), so that a reader tells
 * them from what happened just before the call without guessing from the
 * time between the records (a loaded machine stretches it).
 */
void trace_call_begin(void);
void trace_call_end(void);

/* The next sequence number. */
uint64_t trace_seq(void);

#endif
