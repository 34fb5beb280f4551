// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "trace_read.h"
#include "trace_svg.h"

/* Layout, in pixels. */
#define MARGIN		24
#define HEADER_Y	56	/* top of the lifeline boxes */
#define BOX_W		132
#define BOX_H		40
#define FIRST_ROW_Y	(HEADER_Y + BOX_H + 24)
#define CHAR_W		6.6	/* 11px monospace */
#define MIN_GAP		230
#define MAX_GAP		520
#define MAX_LABEL	72	/* characters of an arrow's label */
#define MAX_NOTE	120	/* and of a banner across the diagram */
#define LEGEND		"solid: a hypercall; dashed: its outcome (green: done, red: refused); " \
			"orange: an event channel goes pending; boxes: state; teal boxes: grant " \
			"entries as the snapshot after a step shows them (a kernel writes them " \
			"without a hypercall)"

#define XEN		(-1)	/* the hypervisor's column key */

enum row_kind { ROW_NOTE, ROW_CALL, ROW_RETURN, ROW_EVENT, ROW_STATE };

struct row {
	enum row_kind kind;
	int from, to;		/* domids, or XEN */
	char *text;
	const char *color;
	uint64_t seq;
};

struct diagram {
	struct row *rows;
	size_t nrows;
	int doms[64];		/* domids with a lifeline, in column order */
	size_t ndoms;
	char *names[64];	/* by the same index */
	struct json_object *name_of;	/* domid -> name, from domain_create */
};

#define GREEN	"#1a7f37"
#define RED	"#cf222e"
#define BLUE	"#0550ae"
#define ORANGE	"#bc4c00"
#define GREY	"#57606a"
#define TEAL	"#0b6e75"
#define MAX_ENTRY_ROWS	6	/* grant entry changes drawn per domain and snapshot */

static const char *status_name(int64_t st)
{
	const char *name = trace_gntst_name(st);

	return name ? name : "status?";
}

__attribute__((format(printf, 6, 7)))
static void add_row(struct diagram *d, enum row_kind kind, int from, int to, const char *color,
		    const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	size_t max = kind == ROW_NOTE ? MAX_NOTE : MAX_LABEL;

	if (strlen(text) > max)
		strcpy(text + max - 3, "...");
	d->rows = realloc(d->rows, (d->nrows + 1) * sizeof(*d->rows));
	d->rows[d->nrows++] = (struct row){ kind, from, to, text, color, 0 };
}

static const char *dom_label(struct diagram *d, int64_t domid, char *buf, size_t n)
{
	char key[16];
	struct json_object *v;

	if (domid == DOMID_SELF)
		return "DOMID_SELF";
	snprintf(key, sizeof(key), "%lld", (long long)domid);
	if (json_object_object_get_ex(d->name_of, key, &v))
		return json_object_get_string(v);
	snprintf(buf, n, "dom%lld", (long long)domid);
	return buf;
}

/* Hypercalls --------------------------------------------------------------- */

/* "3x okay, 1x bad_gntref" for a batch, or the one status. */
static void batch_statuses(struct json_object *ops, char *buf, size_t n, bool *all_ok)
{
	int64_t counts[32] = { 0 };
	size_t len = 0, nops = json_object_array_length(ops);

	*all_ok = true;
	for (size_t i = 0; i < nops; i++) {
		int64_t st = trace_int(json_object_array_get_idx(ops, i), "status");

		if (st)
			*all_ok = false;
		if (st <= 0 && st > -32)
			counts[-st]++;
	}
	buf[0] = 0;
	for (int i = 0; i < 32; i++) {
		if (!counts[i])
			continue;
		if (nops > 1)
			len += (size_t)snprintf(buf + len, n > len ? n - len : 0, "%s%lldx %s",
						len ? ", " : "", (long long)counts[i], status_name(-i));
		else
			len += (size_t)snprintf(buf + len, n > len ? n - len : 0, "%s", status_name(-i));
	}
}

static void grant_call(struct diagram *d, struct json_object *rec, int dom)
{
	const char *cmd = trace_str(rec, "cmd");
	struct json_object *ops = NULL, *op;
	size_t n;
	char nb[16], st[128];
	bool ok;

	json_object_object_get_ex(rec, "ops", &ops);
	n = ops ? json_object_array_length(ops) : 0;
	op = n ? json_object_array_get_idx(ops, 0) : NULL;
	if (trace_int(rec, "rc") < 0 || !op) {
		add_row(d, ROW_CALL, dom, XEN, BLUE, "GNTTABOP_%s", cmd);
		add_row(d, ROW_RETURN, XEN, dom, trace_int(rec, "rc") < 0 ? RED : GREEN, "rc %lld",
			(long long)trace_int(rec, "rc"));
		return;
	}
	batch_statuses(ops, st, sizeof(st), &ok);
	if (!strcmp(cmd, "map_grant_ref")) {
		bool ro = trace_int(op, "flags") & GNTMAP_readonly;

		if (n == 1)
			add_row(d, ROW_CALL, dom, XEN, BLUE, "map_grant_ref ref %lld of %s%s",
				(long long)trace_int(op, "ref"),
				dom_label(d, trace_int(op, "dom"), nb, sizeof(nb)), ro ? ", readonly" : "");
		else
			add_row(d, ROW_CALL, dom, XEN, BLUE, "map_grant_ref x%zu: refs %lld.. of %s%s", n,
				(long long)trace_int(op, "ref"),
				dom_label(d, trace_int(op, "dom"), nb, sizeof(nb)), ro ? ", readonly" : "");
		if (n == 1 && ok)
			add_row(d, ROW_RETURN, XEN, dom, GREEN, "okay: handle %lld",
				(long long)trace_int(op, "handle"));
		else
			add_row(d, ROW_RETURN, XEN, dom, ok ? GREEN : RED, "%s", st);
	} else if (!strcmp(cmd, "unmap_grant_ref")) {
		if (n == 1)
			add_row(d, ROW_CALL, dom, XEN, BLUE, "unmap_grant_ref handle %lld",
				(long long)trace_int(op, "handle"));
		else
			add_row(d, ROW_CALL, dom, XEN, BLUE, "unmap_grant_ref x%zu", n);
		add_row(d, ROW_RETURN, XEN, dom, ok ? GREEN : RED, "%s", st);
	} else if (!strcmp(cmd, "copy")) {
		struct json_object *src = NULL, *dst = NULL;
		int64_t f = trace_int(op, "flags");
		bool src_ref = f & GNTCOPY_source_gref, dst_ref = f & GNTCOPY_dest_gref;
		char sb[16], db[16];

		json_object_object_get_ex(op, "src", &src);
		json_object_object_get_ex(op, "dst", &dst);
		add_row(d, ROW_CALL, dom, XEN, BLUE, "copy %lld B: %s%lld@%s+%lld -> %s%lld@%s+%lld",
			(long long)trace_int(op, "len"), src_ref ? "ref " : "frame ",
			(long long)(src_ref ? trace_int(src, "ref") : trace_int(src, "gmfn")),
			dom_label(d, trace_int(src, "dom"), sb, sizeof(sb)),
			(long long)trace_int(src, "offset"), dst_ref ? "ref " : "frame ",
			(long long)(dst_ref ? trace_int(dst, "ref") : trace_int(dst, "gmfn")),
			dom_label(d, trace_int(dst, "dom"), db, sizeof(db)),
			(long long)trace_int(dst, "offset"));
		add_row(d, ROW_RETURN, XEN, dom, ok ? GREEN : RED, "%s", st);
	} else {
		add_row(d, ROW_CALL, dom, XEN, BLUE, "%s", cmd);
		add_row(d, ROW_RETURN, XEN, dom, ok ? GREEN : RED, "%s", st);
	}
}

static void evtchn_call(struct diagram *d, struct json_object *rec, int dom)
{
	const char *cmd = trace_str(rec, "cmd");
	struct json_object *ops = NULL, *op;
	char nb[16];

	json_object_object_get_ex(rec, "ops", &ops);
	op = ops && json_object_array_length(ops) ? json_object_array_get_idx(ops, 0) : NULL;
	if (!op)
		add_row(d, ROW_CALL, dom, XEN, BLUE, "EVTCHNOP_%s", cmd);
	else if (!strcmp(cmd, "alloc_unbound"))
		add_row(d, ROW_CALL, dom, XEN, BLUE, "alloc_unbound for %s",
			dom_label(d, trace_int(op, "remote_dom"), nb, sizeof(nb)));
	else if (!strcmp(cmd, "bind_interdomain"))
		add_row(d, ROW_CALL, dom, XEN, BLUE, "bind_interdomain to %s port %lld",
			dom_label(d, trace_int(op, "remote_dom"), nb, sizeof(nb)),
			(long long)trace_int(op, "remote_port"));
	else if (!strcmp(cmd, "bind_virq"))
		add_row(d, ROW_CALL, dom, XEN, BLUE, "bind_virq %lld", (long long)trace_int(op, "virq"));
	else if (json_object_object_get_ex(op, "port", NULL) && json_object_object_length(op) == 1)
		add_row(d, ROW_CALL, dom, XEN, BLUE, "%s port %lld", cmd, (long long)trace_int(op, "port"));
	else
		add_row(d, ROW_CALL, dom, XEN, BLUE, "EVTCHNOP_%s", cmd);
}

static void evtchn_return(struct diagram *d, struct json_object *rec, int dom)
{
	const char *cmd = trace_str(rec, "cmd");
	struct json_object *ops = NULL, *op;
	int64_t rc = trace_int(rec, "rc");

	json_object_object_get_ex(rec, "ops", &ops);
	op = ops && json_object_array_length(ops) ? json_object_array_get_idx(ops, 0) : NULL;
	if (rc < 0)
		add_row(d, ROW_RETURN, XEN, dom, RED, "-%s", strerrorname_np((int)-rc) ?
			strerrorname_np((int)-rc) : "error");
	else if (op && (!strcmp(cmd, "alloc_unbound") || !strcmp(cmd, "bind_virq")))
		add_row(d, ROW_RETURN, XEN, dom, GREEN, "port %lld", (long long)trace_int(op, "port"));
	else if (op && !strcmp(cmd, "bind_interdomain"))
		add_row(d, ROW_RETURN, XEN, dom, GREEN, "local port %lld",
			(long long)trace_int(op, "local_port"));
	else
		add_row(d, ROW_RETURN, XEN, dom, GREEN, "%lld", (long long)rc);
}

/* Any other hypercall (xen_version, memory_op, a privcmd one): its name and result. */
static void other_call(struct diagram *d, struct json_object *rec, int dom)
{
	const char *cmd = trace_str(rec, "cmd");
	int64_t rc = trace_int(rec, "rc");

	add_row(d, ROW_CALL, dom, XEN, BLUE, "%s%s%s", trace_str(rec, "op"), *cmd ? " " : "", cmd);
	if (rc < 0)
		add_row(d, ROW_RETURN, XEN, dom, RED, "-%s", strerrorname_np((int)-rc) ?
			strerrorname_np((int)-rc) : "error");
	else
		add_row(d, ROW_RETURN, XEN, dom, GREEN, "%lld", (long long)rc);
}

/* Events ------------------------------------------------------------------------ */

static void event_rows(struct diagram *d, struct json_object *rec)
{
	const char *what = trace_str(rec, "what");
	int dom = (int)trace_int(rec, "dom");
	struct json_object *v;
	char nb[16];

	if (!strcmp(what, "evtchn_pending")) {
		bool masked = json_object_object_get_ex(rec, "masked", &v) && json_object_get_boolean(v);
		bool upcall = json_object_object_get_ex(rec, "upcall", &v) && json_object_get_boolean(v);
		char queue[32] = "";

		/* FIFO: the queue it went to */
		if (json_object_object_get_ex(rec, "priority", NULL))
			snprintf(queue, sizeof(queue), " on queue %lld",
				 (long long)trace_int(rec, "priority"));
		add_row(d, ROW_EVENT, XEN, dom, ORANGE, "event: port %lld pending%s%s",
			(long long)trace_int(rec, "port"), queue,
			masked ? " (masked)" : upcall ? ", upcall" : "");
	} else if (!strcmp(what, "evtchn_fifo_init")) {
		add_row(d, ROW_STATE, dom, dom, GREY, "FIFO event ABI, control block gfn %#llx",
			(unsigned long long)trace_int(rec, "control_gfn"));
	} else if (!strcmp(what, "evtchn_fifo_expand")) {
		add_row(d, ROW_STATE, dom, dom, GREY, "event array: %lld page%s",
			(long long)trace_int(rec, "pages"), trace_int(rec, "pages") == 1 ? "" : "s");
	} else if (!strcmp(what, "evtchn_fifo_destroy")) {
		add_row(d, ROW_STATE, dom, dom, GREY, "2-level event ABI again");
	} else if (!strcmp(what, "evtchn_priority")) {
		add_row(d, ROW_STATE, dom, dom, GREY, "port %lld: priority %lld",
			(long long)trace_int(rec, "port"), (long long)trace_int(rec, "priority"));
	} else if (!strcmp(what, "evtchn_open")) {
		const char *state = trace_str(rec, "state");

		if (!strcmp(state, "interdomain"))
			add_row(d, ROW_STATE, dom, dom, GREY, "port %lld <-> %s:%lld",
				(long long)trace_int(rec, "port"),
				dom_label(d, trace_int(rec, "remote_dom"), nb, sizeof(nb)),
				(long long)trace_int(rec, "remote_port"));
		else if (!strcmp(state, "unbound"))
			add_row(d, ROW_STATE, dom, dom, GREY, "port %lld unbound, for %s",
				(long long)trace_int(rec, "port"),
				dom_label(d, trace_int(rec, "remote_dom"), nb, sizeof(nb)));
		else
			add_row(d, ROW_STATE, dom, dom, GREY, "port %lld %s",
				(long long)trace_int(rec, "port"), state);
	} else if (!strcmp(what, "evtchn_close")) {
		add_row(d, ROW_STATE, dom, dom, GREY, "port %lld closed", (long long)trace_int(rec, "port"));
	} else if (!strcmp(what, "evtchn_unmask")) {
		/* the guest's own business unless it raises an upcall */
		if (json_object_object_get_ex(rec, "upcall", &v) && json_object_get_boolean(v))
			add_row(d, ROW_EVENT, XEN, dom, ORANGE, "unmasked port %lld: upcall",
				(long long)trace_int(rec, "port"));
	} else if (!strcmp(what, "domain_create")) {
		add_row(d, ROW_STATE, dom, dom, GREY, "created, %lld pages",
			(long long)trace_int(rec, "ram_pages"));
	} else if (!strcmp(what, "domain_destroy")) {
		add_row(d, ROW_STATE, dom, dom, RED, "destroyed");
	} else if (!strcmp(what, "domain_dead")) {
		add_row(d, ROW_STATE, dom, dom, RED, "dead: last page released");
	} else if (!strcmp(what, "grant_release_mappings")) {
		add_row(d, ROW_STATE, XEN, XEN, GREY, "%lld mappings of %s released",
			(long long)trace_int(rec, "released"), dom_label(d, dom, nb, sizeof(nb)));
	} else if (!strcmp(what, "kernel_attach") || !strcmp(what, "kernel_detach")) {
		add_row(d, ROW_STATE, dom, dom, GREY, "kernel %s",
			!strcmp(what, "kernel_attach") ? "attached" : "detached");
	} else {
		add_row(d, ROW_STATE, dom, dom, GREY, "%s", what);
	}
}

/* Grant entries, from the snapshots ------------------------------------------------ */

/*
 * A guest writes and clears its grant entries itself, with no hypercall,
 * and Xen's pins change inside a map or unmap: the trace's records do not
 * show either.  Its snapshots of the state (records of kind "state",
 * hv-sim/state_dump.h) do: each is compared with the one before, and what
 * changed is drawn on the granter's lifeline, saying it was seen there.
 */

static void use_dom(struct diagram *d, int64_t domid);

static struct json_object *find_by(struct json_object *arr, const char *key, int64_t v)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
		if (trace_int(json_object_array_get_idx(arr, i), key) == v)
			return json_object_array_get_idx(arr, i);
	return NULL;
}

static void pins_text(struct json_object *e, char *buf, size_t n)
{
	static const char *const keys[] = { "host_rw", "host_ro", "dev_rw", "dev_ro" };
	struct json_object *pin = trace_get(e, "pin");
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < 4; i++)
		if (trace_int(pin, keys[i]) && len < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%s %lld", len ? ", " : "", keys[i],
						(long long)trace_int(pin, keys[i]));
	if (!len)
		snprintf(buf, n, "none");
}

static const char *flags_of(struct json_object *e)
{
	return *trace_str(e, "flags_decoded") ? trace_str(e, "flags_decoded") : "0";
}

/* One domain's entries, from `old` to `now` (grant_table objects); with
 * `draw` false only says whether anything changed. */
static bool entry_changes(struct diagram *d, int dom, struct json_object *old,
			  struct json_object *now, bool draw)
{
	struct json_object *oe = trace_get(old, "entries"), *ne = trace_get(now, "entries");
	size_t drawn = 0, more = 0;
	char nb[16], p1[96], p2[96];

#define ENTRY_ROW(...) do {						\
		if (!draw)						\
			return true;					\
		if (drawn++ < MAX_ENTRY_ROWS)				\
			add_row(d, ROW_STATE, dom, dom, TEAL, __VA_ARGS__);	\
		else							\
			more++;						\
	} while (0)
	for (size_t i = 0; ne && i < json_object_array_length(ne); i++) {
		struct json_object *e = json_object_array_get_idx(ne, i);
		struct json_object *was = find_by(oe, "ref", trace_int(e, "ref"));
		long long ref = (long long)trace_int(e, "ref");

		pins_text(e, p2, sizeof(p2));
		if (!was) {
			ENTRY_ROW("kernel wrote ref %lld: %s for %s (no hypercall)", ref, flags_of(e),
				  dom_label(d, trace_int(e, "domid"), nb, sizeof(nb)));
			continue;
		}
		pins_text(was, p1, sizeof(p1));
		if (strcmp(p1, p2))
			ENTRY_ROW("ref %lld %s: pins %s -> %s", ref, strcmp(p2, "none") ? "pinned" :
				  "released", p1, p2);
		else if (strcmp(flags_of(was), flags_of(e)))
			ENTRY_ROW("ref %lld: %s -> %s", ref, flags_of(was), flags_of(e));
		else if (trace_int(was, "domid") != trace_int(e, "domid"))
			ENTRY_ROW("kernel rewrote ref %lld: now for %s (no hypercall)", ref,
				  dom_label(d, trace_int(e, "domid"), nb, sizeof(nb)));
	}
	for (size_t i = 0; oe && i < json_object_array_length(oe); i++) {
		struct json_object *e = json_object_array_get_idx(oe, i);

		if (!find_by(ne, "ref", trace_int(e, "ref")))
			ENTRY_ROW("kernel released ref %lld (was %s for %s; no hypercall)",
				  (long long)trace_int(e, "ref"), flags_of(e),
				  dom_label(d, trace_int(e, "domid"), nb, sizeof(nb)));
	}
#undef ENTRY_ROW
	if (more)
		add_row(d, ROW_STATE, dom, dom, TEAL, "... and %zu more grant entries changed", more);
	return drawn > 0;
}

/* Every domain's entries, from snapshot `old` to `now`: drawn, or (with
 * `draw` false) the domains that changed given lifelines. */
static void state_changes(struct diagram *d, struct json_object *old, struct json_object *now,
			  bool draw)
{
	struct json_object *doms = trace_get(now, "domains");

	if (!old)
		return;
	for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
		struct json_object *dom = json_object_array_get_idx(doms, i);
		int64_t domid = trace_int(dom, "domid");
		struct json_object *was = find_by(trace_get(old, "domains"), "domid", domid);

		if (!trace_get(dom, "grant_table"))
			continue;
		if (!draw) {
			if (entry_changes(d, (int)domid, trace_get(was, "grant_table"),
					  trace_get(dom, "grant_table"), false))
				use_dom(d, domid);
			continue;
		}
		entry_changes(d, (int)domid, trace_get(was, "grant_table"),
			      trace_get(dom, "grant_table"), true);
	}
}

/* Building the rows --------------------------------------------------------------- */

static void note_rows(struct diagram *d, const struct trace_svg_options *o, size_t *next,
		      uint64_t seq)
{
	while (*next < o->nr_notes && (seq == UINT64_MAX || o->notes[*next].before_seq <= seq)) {
		add_row(d, ROW_NOTE, XEN, XEN, NULL, "%s", o->notes[*next].text);
		(*next)++;
	}
}

static void use_dom(struct diagram *d, int64_t domid)
{
	char nb[16];

	if (domid < 0 || domid >= DOMID_FIRST_RESERVED)
		return;
	for (size_t i = 0; i < d->ndoms; i++)
		if (d->doms[i] == domid)
			return;
	if (d->ndoms == sizeof(d->doms) / sizeof(d->doms[0]))
		return;
	d->doms[d->ndoms] = (int)domid;
	d->names[d->ndoms++] = strdup(dom_label(d, domid, nb, sizeof(nb)));
}

/* The records between first and last seq, and the names of every domain;
 * *baseline: the last snapshot of the state before them, or NULL. */
static struct json_object *load(const char *path, const struct trace_svg_options *o,
				struct json_object *names, size_t *left_out,
				struct json_object **baseline)
{
	struct trace_reader r;
	struct json_object *recs;
	const char *line;
	size_t max = o->max_records ? o->max_records : 2000;
	int err = trace_reader_open(&r, path, 0);

	if (err) {
		errno = -err;
		return NULL;
	}
	recs = json_object_new_array();
	*left_out = 0;
	while ((line = trace_reader_line(&r))) {
		struct json_object *rec = trace_record_parse(line);
		uint64_t seq;

		if (!rec)
			continue;
		if (!strcmp(trace_str(rec, "what"), "domain_create")) {
			char key[16];

			snprintf(key, sizeof(key), "%lld", (long long)trace_int(rec, "dom"));
			json_object_object_add(names, key, json_object_new_string(trace_str(rec, "name")));
		}
		seq = (uint64_t)trace_int(rec, "seq");
		if (seq < o->first_seq && !strcmp(trace_str(rec, "kind"), "state")) {
			json_object_put(*baseline);
			*baseline = rec;
			continue;
		}
		if (seq < o->first_seq || (o->last_seq && seq > o->last_seq)) {
			json_object_put(rec);
			continue;
		}
		if (json_object_array_length(recs) >= max) {
			(*left_out)++;
			json_object_put(rec);
			continue;
		}
		json_object_array_add(recs, rec);
	}
	trace_reader_close(&r);
	return recs;
}

static void build(struct diagram *d, struct json_object *recs, const struct trace_svg_options *o,
		  struct json_object *baseline)
{
	size_t n = json_object_array_length(recs), next_note = 0;
	long *effect_of = calloc(n ? n : 1, sizeof(*effect_of));
	struct json_object *state = baseline;

	/* lifelines: every domain that did something, or whose grant entries
	 * changed, in domid order */
	for (size_t i = 0; i < n; i++) {
		struct json_object *rec = json_object_array_get_idx(recs, i);
		const char *what = trace_str(rec, "what");

		if (!strcmp(trace_str(rec, "kind"), "state")) {
			state_changes(d, state, rec, false);
			state = rec;
		} else if (strcmp(what, "kernel_attach") && strcmp(what, "domain_create")) {
			use_dom(d, trace_int(rec, "dom"));
		}
	}
	state = baseline;
	for (size_t i = 0; i < d->ndoms; i++)
		for (size_t j = i + 1; j < d->ndoms; j++)
			if (d->doms[j] < d->doms[i]) {
				int t = d->doms[i];
				char *s = d->names[i];

				d->doms[i] = d->doms[j];
				d->names[i] = d->names[j];
				d->doms[j] = t;
				d->names[j] = s;
			}
	/* the events a hypercall caused are drawn with it */
	trace_effects(recs, effect_of);
	for (size_t i = 0; i < n; i++) {
		struct json_object *rec = json_object_array_get_idx(recs, i);
		int dom = (int)trace_int(rec, "dom");

		note_rows(d, o, &next_note, (uint64_t)trace_int(rec, "seq"));
		if (!strcmp(trace_str(rec, "kind"), "state")) {
			state_changes(d, state, rec, true);
			state = rec;
			continue;
		}
		if (strcmp(trace_str(rec, "kind"), "hypercall")) {
			if (effect_of[i] < 0)
				event_rows(d, rec);
			continue;
		}
		if (!strcmp(trace_str(rec, "op"), "grant_table_op")) {
			grant_call(d, rec, dom);
		} else if (!strcmp(trace_str(rec, "op"), "event_channel_op")) {
			evtchn_call(d, rec, dom);
			evtchn_return(d, rec, dom);
		} else {
			other_call(d, rec, dom);
		}
		/* the effects go between the call and its return */
		struct row ret = d->rows[--d->nrows];

		for (size_t k = 0; k < i; k++)
			if (effect_of[k] == (long)i)
				event_rows(d, json_object_array_get_idx(recs, k));
		d->rows = realloc(d->rows, (d->nrows + 1) * sizeof(*d->rows));
		d->rows[d->nrows++] = ret;
	}
	note_rows(d, o, &next_note, UINT64_MAX);
	free(effect_of);
}

/* Drawing ---------------------------------------------------------------------------- */

static void xml_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, out);
		}
	}
}

/* The x of a lifeline: domains left and right of the hypervisor. */
static int column(const struct diagram *d, int dom, int gap, int *x)
{
	size_t left = (d->ndoms + 1) / 2;
	int base = MARGIN + BOX_W / 2;

	if (dom == XEN) {
		*x = base + (int)left * gap;
		return 0;
	}
	for (size_t i = 0; i < d->ndoms; i++)
		if (d->doms[i] == dom) {
			*x = base + (int)(i < left ? i : i + 1) * gap;
			return 0;
		}
	return -1;
}

static int row_height(const struct row *r)
{
	switch (r->kind) {
	case ROW_NOTE: return 30;
	case ROW_CALL: return 30;
	case ROW_STATE: return 26;
	default: return 24;
	}
}

static void arrow_head(FILE *out, int x, int y, int dir, const char *color)
{
	fprintf(out, "<path d=\"M%d %d l%d -4 l0 8 z\" fill=\"%s\"/>\n", x, y, -8 * dir, color);
}

static void draw_row(FILE *out, const struct diagram *d, const struct row *r, int y, int gap,
		     int width)
{
	int x1, x2;

	if (r->kind == ROW_NOTE) {
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"22\" rx=\"3\" "
			"fill=\"#eaeef2\"/>\n<text x=\"%d\" y=\"%d\" class=\"note\">", MARGIN / 2,
			y + 2, width - MARGIN, MARGIN, y + 17);
		xml_text(out, r->text);
		fputs("</text>\n", out);
		return;
	}
	if (column(d, r->from, gap, &x1) < 0 || column(d, r->to, gap, &x2) < 0)
		return;
	if (r->kind == ROW_STATE) {
		int w = (int)(strlen(r->text) * CHAR_W) + 14;

		int bx = x1 - w / 2;

		/* a box near the edge stays inside the picture */
		if (bx < 4)
			bx = 4;
		if (bx + w > width - 4)
			bx = width - 4 - w;
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" rx=\"4\" "
			"fill=\"#ffffff\" stroke=\"%s\"/>\n<text x=\"%d\" y=\"%d\" "
			"class=\"state\" fill=\"%s\" text-anchor=\"middle\">", bx, y + 3, w,
			r->color, bx + w / 2, y + 17, r->color);
		xml_text(out, r->text);
		fputs("</text>\n", out);
		return;
	}
	int dir = x2 > x1 ? 1 : -1;
	int ly = y + row_height(r) - 6;

	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
		"stroke-width=\"%s\"%s/>\n", x1, ly, x2 - 8 * dir, ly, r->color,
		r->kind == ROW_CALL ? "1.6" : "1.2",
		r->kind == ROW_RETURN ? " stroke-dasharray=\"5 3\"" : "");
	arrow_head(out, x2, ly, dir, r->color);
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"%s\" fill=\"%s\" "
		"text-anchor=\"middle\">", (x1 + x2) / 2, ly - 5,
		r->kind == ROW_CALL ? "call" : "label", r->color);
	xml_text(out, r->text);
	fputs("</text>\n", out);
}

static void lifeline_box(FILE *out, int x, int bottom, const char *name, const char *sub,
			 bool xen)
{
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
		"stroke-dasharray=\"4 4\"/>\n", x, HEADER_Y + BOX_H, x, bottom,
		xen ? "#8250df" : "#8c959f");
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\" "
		"fill=\"%s\" stroke=\"%s\"/>\n", x - BOX_W / 2, HEADER_Y, BOX_W, BOX_H,
		xen ? "#fbefff" : "#f6f8fa", xen ? "#8250df" : "#57606a");
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"head\" text-anchor=\"middle\">", x,
		HEADER_Y + 17);
	xml_text(out, name);
	fprintf(out, "</text>\n<text x=\"%d\" y=\"%d\" class=\"sub\" text-anchor=\"middle\">",
		x, HEADER_Y + 32);
	xml_text(out, sub);
	fputs("</text>\n", out);
}

static void emit(FILE *out, const struct diagram *d, const struct trace_svg_options *o,
		 size_t left_out)
{
	size_t longest = 0, longest_note = 0;
	int gap, width, height, y, x;
	const char *title = o->title ? o->title : "hvsim trace";

	for (size_t i = 0; i < d->nrows; i++) {
		size_t len = strlen(d->rows[i].text);

		if (d->rows[i].kind == ROW_NOTE)
			longest_note = len > longest_note ? len : longest_note;
		else if (d->rows[i].kind != ROW_STATE)
			longest = len > longest ? len : longest;
	}
	gap = (int)(longest * CHAR_W) + 36;
	gap = gap < MIN_GAP ? MIN_GAP : gap > MAX_GAP ? MAX_GAP : gap;
	width = 2 * MARGIN + BOX_W + (int)d->ndoms * gap;
	if (width < (int)(longest_note * CHAR_W) + 2 * MARGIN)
		width = (int)(longest_note * CHAR_W) + 2 * MARGIN;
	if (width < (int)(strlen(LEGEND) * CHAR_W) + 2 * MARGIN)
		width = (int)(strlen(LEGEND) * CHAR_W) + 2 * MARGIN;
	height = FIRST_ROW_Y + 40 + (left_out ? 24 : 0);
	for (size_t i = 0; i < d->nrows; i++)
		height += row_height(&d->rows[i]);

	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" "
		"font-size=\"11\">\n", width, height, width, height);
	fputs("<style>.title{font-size:15px;font-weight:bold;fill:#24292f}"
	      ".head{font-size:13px;font-weight:bold;fill:#24292f}.sub{fill:#57606a}"
	      ".call{font-weight:bold}.note{font-weight:bold;fill:#24292f}"
	      ".legend{fill:#57606a}</style>\n", out);
	fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width, height);
	fprintf(out, "<text x=\"%d\" y=\"26\" class=\"title\">", MARGIN);
	xml_text(out, title);
	fprintf(out, "</text>\n<text x=\"%d\" y=\"44\" class=\"legend\">", MARGIN);
	xml_text(out, LEGEND);
	fputs("</text>\n", out);

	column(d, XEN, gap, &x);
	lifeline_box(out, x, height - 20, "Xen (hvsimd)", "hypervisor", true);
	for (size_t i = 0; i < d->ndoms; i++) {
		char sub[32];

		snprintf(sub, sizeof(sub), "domid %d", d->doms[i]);
		column(d, d->doms[i], gap, &x);
		lifeline_box(out, x, height - 20, d->names[i], sub, false);
	}
	y = FIRST_ROW_Y;
	for (size_t i = 0; i < d->nrows; i++) {
		draw_row(out, d, &d->rows[i], y, gap, width);
		y += row_height(&d->rows[i]);
	}
	if (left_out)
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"legend\">... %zu more records not "
			"drawn (see hvsim trace)</text>\n", MARGIN, y + 16, left_out);
	fputs("</svg>\n", out);
}

int trace_svg_write(const char *trace_path, FILE *out, const struct trace_svg_options *opt)
{
	static const struct trace_svg_options defaults;
	const struct trace_svg_options *o = opt ? opt : &defaults;
	struct diagram d = { .name_of = json_object_new_object() };
	struct json_object *recs, *baseline = NULL;
	size_t left_out;
	int err = 0;

	recs = load(trace_path, o, d.name_of, &left_out, &baseline);
	if (!recs) {
		err = -errno;
		json_object_put(d.name_of);
		return err;
	}
	build(&d, recs, o, baseline);
	if (o->html) {
		fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", out);
		xml_text(out, o->title ? o->title : "hvsim trace");
		fputs("</title></head>\n<body style=\"margin:0;background:#ffffff\">\n", out);
	}
	emit(out, &d, o, left_out);
	if (o->html)
		fputs("</body></html>\n", out);
	if (fflush(out) || ferror(out))
		err = -EIO;
	for (size_t i = 0; i < d.nrows; i++)
		free(d.rows[i].text);
	for (size_t i = 0; i < d.ndoms; i++)
		free(d.names[i]);
	free(d.rows);
	json_object_put(recs);
	json_object_put(baseline);
	json_object_put(d.name_of);
	return err;
}

int trace_svg_file(const char *trace_path, const char *out_path,
		   const struct trace_svg_options *opt)
{
	struct trace_svg_options o = { 0 };
	size_t len = strlen(out_path);
	FILE *out;
	int err;

	if (opt)
		o = *opt;
	if ((len > 5 && !strcmp(out_path + len - 5, ".html")) ||
	    (len > 4 && !strcmp(out_path + len - 4, ".htm")))
		o.html = true;
	if (!(out = fopen(out_path, "w")))
		return -errno;
	err = trace_svg_write(trace_path, out, &o);
	if (fclose(out) && !err)
		err = -EIO;
	if (err)
		unlink(out_path);	/* no half a picture */
	return err;
}
