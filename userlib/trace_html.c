// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace_html.h"
#include "trace_narrate.h"
#include "trace_read.h"

/* The page's style and script (trace_html_page.c holds them). */
extern const char trace_html_css[], trace_html_js[];

#define DEFAULT_MAX_RECORDS 20000
#define MAX_OPS_SHOWN	16	/* of a batch; the page says how many there were */

struct step {
	struct json_object *recs;	/* its records, in trace order (borrowed) */
	size_t meanwhile;		/* how many of them came before the step began */
	struct json_object *state;	/* the snapshot at its end, or NULL (borrowed) */
	const struct trace_html_step *mark;	/* the scenario's step, or NULL */
};

struct page {
	struct json_object *all;	/* every record kept (owned) */
	struct json_object *names_state;	/* {"domains":[{domid,name}]}, for the narration */
	struct json_object *baseline;	/* the snapshot before the first step, or NULL */
	struct json_object *names;	/* domid -> name */
	struct step *steps;
	size_t nsteps;
	size_t left_out;
};

static bool is_state(struct json_object *rec)
{
	return !strcmp(trace_str(rec, "kind"), "state");
}

static void add_name(struct page *p, int64_t domid, const char *name)
{
	char key[16];

	if (!*name)
		return;
	snprintf(key, sizeof(key), "%lld", (long long)domid);
	json_object_object_add(p->names, key, json_object_new_string(name));
}

static void learn_names(struct page *p, struct json_object *rec)
{
	struct json_object *doms = trace_get(rec, "domains");

	if (!strcmp(trace_str(rec, "what"), "domain_create"))
		add_name(p, trace_int(rec, "dom"), trace_str(rec, "name"));
	for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);

		add_name(p, trace_int(d, "domid"), trace_str(d, "name"));
	}
}

/* Every record from the scenario's first step on (all without steps); the
 * last snapshot before that is the baseline. */
static int load(struct page *p, const char *path, const struct trace_html_options *o)
{
	uint64_t first = o->nr_steps ? o->steps[0].first_seq : 0;
	size_t max = o->max_records ? o->max_records : DEFAULT_MAX_RECORDS, kept = 0;
	struct trace_reader r;
	const char *line;
	int err = trace_reader_open(&r, path, 0);

	if (err)
		return err;
	p->all = json_object_new_array();
	while ((line = trace_reader_line(&r))) {
		struct json_object *rec = trace_record_parse(line);

		if (!rec)
			continue;
		learn_names(p, rec);
		if ((uint64_t)trace_int(rec, "seq") < first) {
			if (is_state(rec)) {
				json_object_put(p->baseline);
				p->baseline = rec;
			} else {
				json_object_put(rec);
			}
			continue;
		}
		if (kept >= max) {
			p->left_out++;
			json_object_put(rec);
			continue;
		}
		kept++;
		json_object_array_add(p->all, rec);
	}
	trace_reader_close(&r);
	return 0;
}

static struct step *new_step(struct page *p, const struct trace_html_step *mark)
{
	p->steps = realloc(p->steps, (p->nsteps + 1) * sizeof(*p->steps));
	p->steps[p->nsteps] = (struct step){ .recs = json_object_new_array(), .mark = mark };
	return &p->steps[p->nsteps++];
}

static void add_rec(struct step *s, struct json_object *rec)
{
	json_object_array_add(s->recs, json_object_get(rec));
}

/*
 * A scenario's steps: step i holds the records from its first_seq on; the
 * snapshot the runner took at its end ("line N") closes it, and what
 * follows, until the next step begins, happened meanwhile (a release the
 * guest kernel ran late): the next step shows it first.
 */
static void group_by_marks(struct page *p, const struct trace_html_options *o)
{
	struct json_object *pending = json_object_new_array();
	struct step *cur = NULL;
	size_t next = 0, n = json_object_array_length(p->all);
	bool closed = false;

	for (size_t i = 0; i < n; i++) {
		struct json_object *rec = json_object_array_get_idx(p->all, i);
		uint64_t seq = (uint64_t)trace_int(rec, "seq");

		while (next < o->nr_steps && seq >= o->steps[next].first_seq) {
			cur = new_step(p, &o->steps[next++]);
			for (size_t k = 0; k < json_object_array_length(pending); k++)
				add_rec(cur, json_object_array_get_idx(pending, k));
			cur->meanwhile = json_object_array_length(pending);
			json_object_put(pending);
			pending = json_object_new_array();
			closed = false;
		}
		if (!cur)
			continue;
		if (is_state(rec)) {
			if (!closed && !strncmp(trace_str(rec, "why"), "line ", 5)) {
				cur->state = rec;
				closed = true;
			}
			continue;
		}
		if (closed)
			json_object_array_add(pending, json_object_get(rec));
		else
			add_rec(cur, rec);
	}
	/* steps that left no record (nothing reached the trace) */
	while (next < o->nr_steps)
		new_step(p, &o->steps[next++]);
	if (json_object_array_length(pending)) {
		/* after the last step: no snapshot shows what they did */
		cur = new_step(p, NULL);
		for (size_t k = 0; k < json_object_array_length(pending); k++)
			add_rec(cur, json_object_array_get_idx(pending, k));
		cur->meanwhile = json_object_array_length(pending);
	}
	json_object_put(pending);
}

/*
 * Without a scenario: a step ends at each snapshot; with fewer than two
 * snapshots in the trace, also after each hypercall (its effects are the
 * records right before it, so they stay with it).
 */
static void group_by_trace(struct page *p)
{
	size_t n = json_object_array_length(p->all), nstates = 0;
	struct step *cur = NULL;

	for (size_t i = 0; i < n; i++)
		nstates += is_state(json_object_array_get_idx(p->all, i));
	for (size_t i = 0; i < n; i++) {
		struct json_object *rec = json_object_array_get_idx(p->all, i);

		if (is_state(rec)) {
			if (cur) {
				cur->state = rec;
				cur = NULL;
			} else if (p->nsteps && !p->steps[p->nsteps - 1].state) {
				p->steps[p->nsteps - 1].state = rec;
			} else if (!p->nsteps) {
				p->baseline = json_object_get(rec);
			}
			continue;
		}
		if (!cur)
			cur = new_step(p, NULL);
		add_rec(cur, rec);
		if (nstates < 2 && !strcmp(trace_str(rec, "kind"), "hypercall"))
			cur = NULL;
	}
}

/* The JSON for the page ---------------------------------------------------------- */

static const char *errno_name(int64_t e)
{
	const char *name = strerrorname_np((int)e);

	return name ? name : "errno?";
}

/* A record as the page lists it: a batch cut to MAX_OPS_SHOWN, names decoded. */
static struct json_object *display_record(struct json_object *rec, bool meanwhile, bool effect)
{
	struct json_object *d = json_object_new_object(), *ops = trace_get(rec, "ops");
	const char *cmd = trace_str(rec, "cmd");
	bool grant = !strcmp(trace_str(rec, "op"), "grant_table_op");

	json_object_object_foreach(rec, key, val) {
		if (strcmp(key, "ops"))
			json_object_object_add(d, key, json_object_get(val));
	}
	if (!strcmp(trace_str(rec, "kind"), "hypercall") && trace_int(rec, "rc") < 0)
		json_object_object_add(d, "rc_name",
				       json_object_new_string(errno_name(-trace_int(rec, "rc"))));
	if (ops) {
		struct json_object *shown = json_object_new_array();
		size_t n = json_object_array_length(ops);

		for (size_t i = 0; i < n && i < MAX_OPS_SHOWN; i++) {
			struct json_object *op = json_object_array_get_idx(ops, i), *c = NULL;
			char flags[TRACE_GNTMAP_FLAGS_LEN];
			const char *st;

			if (json_object_deep_copy(op, &c, NULL))
				c = json_object_new_object();
			if (grant && json_object_object_get_ex(op, "status", NULL) &&
			    (st = trace_gntst_name(trace_int(op, "status"))))
				json_object_object_add(c, "status_name", json_object_new_string(st));
			if (grant && !strcmp(cmd, "map_grant_ref"))
				json_object_object_add(c, "flags_decoded", json_object_new_string(
					trace_gntmap_flags((uint32_t)trace_int(op, "flags"), flags,
							   sizeof(flags))));
			json_object_array_add(shown, c);
		}
		json_object_object_add(d, "ops", shown);
		json_object_object_add(d, "nops", json_object_new_int64((int64_t)n));
	}
	if (meanwhile)
		json_object_object_add(d, "meanwhile", json_object_new_boolean(1));
	if (effect)
		json_object_object_add(d, "effect", json_object_new_boolean(1));
	return d;
}

/* The step's records, each hypercall followed by what it caused. */
static struct json_object *display_records(const struct step *s)
{
	struct json_object *out = json_object_new_array();
	size_t n = json_object_array_length(s->recs);
	long *effect_of = calloc(n ? n : 1, sizeof(*effect_of));

	trace_effects(s->recs, effect_of);
	for (size_t i = 0; i < n; i++) {
		struct json_object *rec = json_object_array_get_idx(s->recs, i);

		if (effect_of[i] >= 0)
			continue;
		json_object_array_add(out, display_record(rec, i < s->meanwhile, false));
		if (strcmp(trace_str(rec, "kind"), "hypercall"))
			continue;
		for (size_t k = 0; k < i; k++)
			if (effect_of[k] == (long)i)
				json_object_array_add(out, display_record(
					json_object_array_get_idx(s->recs, k), k < s->meanwhile, true));
	}
	free(effect_of);
	return out;
}

/* A domain of a snapshot as the page shows it: maptrack flags decoded. */
static struct json_object *display_domain(struct json_object *dom)
{
	struct json_object *c = NULL, *mt;

	if (json_object_deep_copy(dom, &c, NULL))
		return json_object_new_object();
	mt = trace_get(trace_get(c, "grant_table"), "maptrack");
	for (size_t i = 0; mt && i < json_object_array_length(mt); i++) {
		struct json_object *m = json_object_array_get_idx(mt, i);
		char flags[TRACE_GNTMAP_FLAGS_LEN];

		json_object_object_add(m, "flags_decoded", json_object_new_string(
			trace_gntmap_flags((uint32_t)trace_int(m, "flags"), flags, sizeof(flags))));
	}
	return c;
}

static struct json_object *find_domain(struct json_object *state, int64_t domid)
{
	struct json_object *doms = trace_get(state, "domains");

	for (size_t i = 0; doms && i < json_object_array_length(doms); i++)
		if (trace_int(json_object_array_get_idx(doms, i), "domid") == domid)
			return json_object_array_get_idx(doms, i);
	return NULL;
}

static bool same_json(struct json_object *a, struct json_object *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN),
		       json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN));
}

/*
 * The domains of `now` that differ from `before` ({domid: domain}), and
 * those no longer there ([domid]): the page rebuilds each step's state
 * from the first, so a table that did not change is not repeated.
 */
static void domain_changes(struct json_object *before, struct json_object *now,
			   struct json_object *step)
{
	struct json_object *doms = trace_get(now, "domains"), *changed = json_object_new_object();
	struct json_object *gone = json_object_new_array(), *old = trace_get(before, "domains");

	for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);
		char key[16];

		if (same_json(find_domain(before, trace_int(d, "domid")), d))
			continue;
		snprintf(key, sizeof(key), "%lld", (long long)trace_int(d, "domid"));
		json_object_object_add(changed, key, display_domain(d));
	}
	for (size_t i = 0; old && i < json_object_array_length(old); i++) {
		int64_t domid = trace_int(json_object_array_get_idx(old, i), "domid");

		if (!find_domain(now, domid))
			json_object_array_add(gone, json_object_new_int64(domid));
	}
	json_object_object_add(step, "doms", changed);
	json_object_object_add(step, "gone", gone);
}

static void xs_change(struct json_object *arr, const char *path, const char *change,
		      struct json_object *node, struct json_object *was)
{
	struct json_object *c = json_object_new_object(), *v;

	json_object_object_add(c, "path", json_object_new_string(path));
	json_object_object_add(c, "change", json_object_new_string(change));
	if (json_object_object_get_ex(node, "value", &v))
		json_object_object_add(c, "value", json_object_get(v));
	if (json_object_object_get_ex(node, "perms", &v))
		json_object_object_add(c, "perms", json_object_get(v));
	if (json_object_object_get_ex(was, "value", &v))
		json_object_object_add(c, "was", json_object_get(v));
	json_object_array_add(arr, c);
}

/* xenstore nodes made, changed (value or permissions) and removed. */
static struct json_object *xenstore_changes(struct json_object *before, struct json_object *now)
{
	struct json_object *old = trace_get(before, "xenstore"), *cur = trace_get(now, "xenstore");
	struct json_object *arr = json_object_new_array();

	if (!old || !cur)
		return arr;
	json_object_object_foreach(cur, path, node) {
		struct json_object *was = trace_get(old, path);

		if (!was)
			xs_change(arr, path, "new", node, NULL);
		else if (strcmp(trace_str(was, "value"), trace_str(node, "value")))
			xs_change(arr, path, "changed", node, was);
		else if (!same_json(trace_get(was, "perms"), trace_get(node, "perms")))
			xs_change(arr, path, "perms", node, was);
	}
	json_object_object_foreach(old, opath, onode) {
		if (!trace_get(cur, opath))
			xs_change(arr, opath, "removed", NULL, onode);
	}
	return arr;
}

/* What --explain would say: the records, then what the snapshot shows changed. */
static char *narration(const struct step *s, struct json_object *names_state,
		       struct json_object *before)
{
	struct json_object *mw = json_object_new_array(), *own = json_object_new_array();
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	for (size_t i = 0; i < json_object_array_length(s->recs); i++)
		json_object_array_add(i < s->meanwhile ? mw : own,
				      json_object_get(json_object_array_get_idx(s->recs, i)));
	if (json_object_array_length(mw)) {
		fputs("meanwhile:\n", f);
		trace_narrate_records(mw, names_state, "  ", f);
	}
	trace_narrate_records(own, names_state, "", f);
	if (s->state)
		trace_narrate_changes(before, s->state, "", f);
	fclose(f);
	json_object_put(mw);
	json_object_put(own);
	return text;
}

/* Step i; `before` is the newest snapshot before it (what a step without
 * one of its own shows). */
static struct json_object *step_json(const struct page *p, size_t i, struct json_object *before)
{
	const struct step *s = &p->steps[i];
	struct json_object *o = json_object_new_object();
	size_t n = json_object_array_length(s->recs);
	char *text;

	if (s->mark) {
		json_object_object_add(o, "title", json_object_new_string(s->mark->text));
		if (s->mark->result)
			json_object_object_add(o, "result", json_object_new_string(s->mark->result));
		if (s->mark->failure)
			json_object_object_add(o, "failure", json_object_new_string(s->mark->failure));
	} else if (p->nsteps && i == p->nsteps - 1 && s->meanwhile == n && n) {
		json_object_object_add(o, "title", json_object_new_string("after the last step"));
	}
	if (n) {
		json_object_object_add(o, "first_seq", json_object_get(
			trace_get(json_object_array_get_idx(s->recs, 0), "seq")));
		json_object_object_add(o, "last_seq", json_object_get(
			trace_get(json_object_array_get_idx(s->recs, n - 1), "seq")));
	}
	json_object_object_add(o, "records", display_records(s));
	text = narration(s, p->names_state, before);
	json_object_object_add(o, "narration", json_object_new_string(text ? text : ""));
	free(text);
	if (s->state) {
		json_object_object_add(o, "state_seq", json_object_get(trace_get(s->state, "seq")));
		json_object_object_add(o, "state_why", json_object_get(trace_get(s->state, "why")));
		domain_changes(before, s->state, o);
		json_object_object_add(o, "xenstore", xenstore_changes(before, s->state));
	}
	return o;
}

static struct json_object *page_json(const struct page *p, const struct trace_html_options *o)
{
	struct json_object *root = json_object_new_object(), *steps = json_object_new_array();
	struct json_object *before = p->baseline;

	json_object_object_add(root, "title", json_object_new_string(o->title ? o->title :
								     "hvsim trace"));
	json_object_object_add(root, "source", json_object_new_string(o->nr_steps ? "scenario" :
								      "trace"));
	json_object_object_add(root, "left_out", json_object_new_int64((int64_t)p->left_out));
	json_object_object_add(root, "names", json_object_get(p->names));
	json_object_object_foreach(p->names, id, name) {
		struct json_object *d = json_object_new_object();

		json_object_object_add(d, "domid", json_object_new_int64(strtoll(id, NULL, 10)));
		json_object_object_add(d, "name", json_object_get(name));
		json_object_array_add(trace_get(p->names_state, "domains"), d);
	}
	if (p->baseline) {
		struct json_object *b = json_object_new_object();

		domain_changes(NULL, p->baseline, b);
		json_object_object_add(root, "baseline", b);
	}
	for (size_t i = 0; i < p->nsteps; i++) {
		json_object_array_add(steps, step_json(p, i, before));
		if (p->steps[i].state)
			before = p->steps[i].state;
	}
	json_object_object_add(root, "steps", steps);
	return root;
}

char *trace_html_script_json(const char *json)
{
	size_t n = 0;
	char *out, *o;

	for (const char *s = json; *s; s++)
		n += (*s == '<' || *s == '>' || *s == '&') ? 6 : 1;
	if (!(out = malloc(n + 1)))
		return NULL;
	o = out;
	for (const char *s = json; *s; s++) {
		if (*s == '<' || *s == '>' || *s == '&')
			o += sprintf(o, "\\u%04x", (unsigned char)*s);
		else
			*o++ = *s;
	}
	*o = 0;
	return out;
}

static void html_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

static void page_free(struct page *p)
{
	for (size_t i = 0; i < p->nsteps; i++)
		json_object_put(p->steps[i].recs);
	free(p->steps);
	json_object_put(p->all);
	json_object_put(p->baseline);
	json_object_put(p->names);
	json_object_put(p->names_state);
}

int trace_html_write(const char *trace_path, FILE *out, const struct trace_html_options *opt)
{
	static const struct trace_html_options defaults;
	const struct trace_html_options *o = opt ? opt : &defaults;
	struct page p = { .names = json_object_new_object(),
			  .names_state = json_object_new_object() };
	struct json_object *root;
	char *json;
	int err = load(&p, trace_path, o);

	if (err) {
		page_free(&p);
		return err;
	}
	json_object_object_add(p.names_state, "domains", json_object_new_array());
	if (o->nr_steps)
		group_by_marks(&p, o);
	else
		group_by_trace(&p);
	root = page_json(&p, o);
	json = trace_html_script_json(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      out);
	html_text(out, o->title ? o->title : "hvsim trace");
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body data-js=\"pending\">\n"
		"<noscript>This page steps through a run with JavaScript, which is off.</noscript>\n"
		"<div id=\"app\"></div>\n<script type=\"application/json\" id=\"hvsim-data\">",
		trace_html_css);
	fputs(json ? json : "{}", out);
	fprintf(out, "</script>\n<script>\n%s</script>\n</body></html>\n", trace_html_js);
	free(json);
	json_object_put(root);
	page_free(&p);
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}

int trace_html_file(const char *trace_path, const char *out_path,
		    const struct trace_html_options *opt)
{
	FILE *out = fopen(out_path, "w");
	int err;

	if (!out)
		return -errno;
	err = trace_html_write(trace_path, out, opt);
	if (fclose(out) && !err)
		err = -EIO;
	if (err)
		unlink(out_path);	/* no half a page */
	return err;
}
