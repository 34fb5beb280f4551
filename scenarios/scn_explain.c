// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hvsim/wire.h"
#include "scn_explain.h"
#include "scn_parse.h"

/* The trace ------------------------------------------------------------------ */

void scn_trace_open(struct scn_trace *t, const char *dir)
{
	struct stat st;

	snprintf(t->path, sizeof(t->path), "%s/%s", dir, HVSIM_TRACE_FILE);
	t->offset = stat(t->path, &st) == 0 ? (long)st.st_size : 0;
}

struct json_object *scn_trace_next(struct scn_trace *t, struct hvsim_ctl *ctl)
{
	struct json_object *records = json_object_new_array(), *req, *reply = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("sync"));
	if (hvsim_ctl_call(ctl, req, &reply) == 0)
		json_object_put(reply);
	if (!(f = fopen(t->path, "r")))
		return records;
	fseek(f, t->offset, SEEK_SET);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] != '\n')
			break;	/* half a record: the rest comes with the next step */
		t->offset += n;
		struct json_object *rec = json_tokener_parse(line);

		if (rec)
			json_object_array_add(records, rec);
	}
	free(line);
	fclose(f);
	return records;
}

/* Reading JSON ------------------------------------------------------------------ */

static int64_t get_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static bool has(struct json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* State snapshots ------------------------------------------------------------------ */

struct scn_explain {
	struct hvsim_ctl *ctl;
	struct json_object *snap;	/* {"domains":[...], "grants":{domid:...}, "xs":{path:value}} */
};

static struct json_object *call(struct hvsim_ctl *ctl, const char *cmd, const char *key,
				const char *value)
{
	struct json_object *req = json_object_new_object(), *reply = NULL;

	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (key)
		json_object_object_add(req, key, json_object_new_string(value));
	if (hvsim_ctl_call(ctl, req, &reply))
		return NULL;
	return reply;
}

static struct json_object *snapshot(struct hvsim_ctl *ctl)
{
	struct json_object *snap = json_object_new_object(), *list, *doms = NULL;
	struct json_object *grants = json_object_new_object(), *xs = json_object_new_object();

	if ((list = call(ctl, "list", NULL, NULL)) && (doms = get(list, "domains")))
		json_object_object_add(snap, "domains", json_object_get(doms));
	for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i), *r;
		char id[16];

		if (!strcmp(get_str(d, "state"), "dead"))
			continue;
		snprintf(id, sizeof(id), "%lld", (long long)get_int(d, "domid"));
		if ((r = call(ctl, "grants", "domain", id))) {
			json_object_object_add(grants, id, json_object_get(get(r, "grant_table")));
			json_object_put(r);
		}
	}
	json_object_put(list);
	json_object_object_add(snap, "grants", grants);

	struct json_object *ls = call(ctl, "xenstore_ls", "path", "/"), *nodes;

	if (ls && (nodes = get(ls, "nodes")))
		for (size_t i = 0; i < json_object_array_length(nodes); i++) {
			struct json_object *nd = json_object_array_get_idx(nodes, i);

			json_object_object_add(xs, get_str(nd, "path"), json_object_get(nd));
		}
	json_object_put(ls);
	json_object_object_add(snap, "xs", xs);
	return snap;
}

struct scn_explain *scn_explain_new(struct hvsim_ctl *ctl)
{
	struct scn_explain *e = calloc(1, sizeof(*e));

	e->ctl = ctl;
	return e;
}

void scn_explain_free(struct scn_explain *e)
{
	if (!e)
		return;
	json_object_put(e->snap);
	free(e);
}

void scn_explain_baseline(struct scn_explain *e)
{
	json_object_put(e->snap);
	e->snap = snapshot(e->ctl);
}

/* Names ----------------------------------------------------------------------------- */

/* "alice" for a domid, from the newest snapshot; "dom7" if unknown. */
static const char *dom_name(struct json_object *snap, int64_t domid)
{
	static char buf[4][32];
	static int next;
	struct json_object *doms = get(snap, "domains");

	if (domid == 0x7ff0)
		return "DOMID_SELF";
	for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);

		if (get_int(d, "domid") == domid)
			return get_str(d, "name");
	}
	next = (next + 1) % 4;
	snprintf(buf[next], sizeof(buf[next]), "dom%lld", (long long)domid);
	return buf[next];
}

static void gntmap_flags(int64_t f, char *buf, size_t n)
{
	static const struct { int bit; const char *name; } names[] = {
		{ 1, "device_map" }, { 2, "host_map" }, { 4, "readonly" },
		{ 8, "application_map" }, { 16, "contains_pte" },
	};
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit) {
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? "|" : "",
						names[i].name);
			f &= ~names[i].bit;
		}
	if (f || !len)
		snprintf(buf + len, n - len, "%s%#llx", len ? "|" : "", (unsigned long long)f);
}

static const char *status_text(int64_t st)
{
	static char buf[32];
	const char *n = scn_gntst_name((int)st);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "status %lld", (long long)st);
	return buf;
}

/* The records --------------------------------------------------------------------- */

static void say_copy_side(struct json_object *side, bool gref, struct json_object *snap,
			  FILE *out)
{
	if (gref)
		fprintf(out, "ref %lld of %s", (long long)get_int(side, "ref"),
			dom_name(snap, get_int(side, "dom")));
	else
		fprintf(out, "frame %#llx of %s", (unsigned long long)get_int(side, "gmfn"),
			dom_name(snap, get_int(side, "dom")));
	fprintf(out, " +%lld", (long long)get_int(side, "offset"));
}

static void say_grant_op(const char *cmd, const char *who, struct json_object *op,
			 struct json_object *snap, FILE *out)
{
	char flags[96];

	if (!strcmp(cmd, "map_grant_ref")) {
		gntmap_flags(get_int(op, "flags"), flags, sizeof(flags));
		fprintf(out, "map_grant_ref ref %lld of %s, %s -> %s", (long long)get_int(op, "ref"),
			dom_name(snap, get_int(op, "dom")), flags, status_text(get_int(op, "status")));
		if (get_int(op, "status") == 0)
			fprintf(out, ", handle %lld; %s's frame %#llx now shows at %s's gfn %#llx",
				(long long)get_int(op, "handle"), dom_name(snap, get_int(op, "dom")),
				(unsigned long long)get_int(op, "dev_bus_addr") >> 12, who,
				(unsigned long long)get_int(op, "host_addr") >> 12);
	} else if (!strcmp(cmd, "unmap_grant_ref")) {
		fprintf(out, "unmap_grant_ref handle %lld at gfn %#llx -> %s", (long long)get_int(op, "handle"),
			(unsigned long long)get_int(op, "host_addr") >> 12,
			status_text(get_int(op, "status")));
	} else if (!strcmp(cmd, "copy")) {
		int64_t f = get_int(op, "flags");

		fprintf(out, "copy %lld bytes from ", (long long)get_int(op, "len"));
		say_copy_side(get(op, "src"), f & 1, snap, out);
		fprintf(out, " to ");
		say_copy_side(get(op, "dst"), f & 2, snap, out);
		fprintf(out, " -> %s", status_text(get_int(op, "status")));
	} else if (!strcmp(cmd, "setup_table")) {
		fprintf(out, "setup_table of %s, %lld frames -> %s", dom_name(snap, get_int(op, "dom")),
			(long long)get_int(op, "nr_frames"), status_text(get_int(op, "status")));
	} else if (!strcmp(cmd, "query_size")) {
		fprintf(out, "query_size of %s -> %s: %lld of %lld frames", dom_name(snap, get_int(op, "dom")),
			status_text(get_int(op, "status")), (long long)get_int(op, "nr_frames"),
			(long long)get_int(op, "max_nr_frames"));
	} else {
		fprintf(out, "%s %s", cmd, json_object_to_json_string_ext(op, JSON_C_TO_STRING_PLAIN));
	}
}

static void say_evtchn_op(const char *cmd, struct json_object *op, int64_t rc,
			  struct json_object *snap, FILE *out)
{
	if (!strcmp(cmd, "alloc_unbound"))
		fprintf(out, "alloc_unbound: a port %s may bind", dom_name(snap, get_int(op, "remote_dom")));
	else if (!strcmp(cmd, "bind_interdomain"))
		fprintf(out, "bind_interdomain to port %lld of %s", (long long)get_int(op, "remote_port"),
			dom_name(snap, get_int(op, "remote_dom")));
	else if (!strcmp(cmd, "bind_virq"))
		fprintf(out, "bind_virq %lld", (long long)get_int(op, "virq"));
	else if (has(op, "port") && json_object_object_length(op) == 1)
		fprintf(out, "%s port %lld", cmd, (long long)get_int(op, "port"));
	else
		fprintf(out, "%s %s", cmd, json_object_to_json_string_ext(op, JSON_C_TO_STRING_PLAIN));
	if (rc < 0) {
		fprintf(out, " -> -%s", scn_errno_name((int)-rc));
		return;
	}
	if (!strcmp(cmd, "alloc_unbound") || !strcmp(cmd, "bind_virq"))
		fprintf(out, " -> port %lld", (long long)get_int(op, "port"));
	else if (!strcmp(cmd, "bind_interdomain"))
		fprintf(out, " -> local port %lld", (long long)get_int(op, "local_port"));
	else
		fprintf(out, " -> %lld", (long long)rc);
}

static void say_hypercall(struct json_object *rec, struct json_object *snap, const char *indent,
			  FILE *out)
{
	const char *op = get_str(rec, "op"), *cmd = get_str(rec, "cmd");
	const char *who = dom_name(snap, get_int(rec, "dom"));
	struct json_object *ops = get(rec, "ops");
	size_t n = ops ? json_object_array_length(ops) : 0;
	int64_t rc = get_int(rec, "rc");
	bool grant = !strcmp(op, "grant_table_op");

	if (grant && rc < 0) {
		fprintf(out, "%s%s -> Xen: GNTTABOP_%s -> -%s\n", indent, who, cmd,
			scn_errno_name((int)-rc));
		return;
	}
	if (n > 1)
		fprintf(out, "%s%s -> Xen: one %s_%s hypercall, a batch of %zu:\n", indent, who,
			grant ? "GNTTABOP" : "EVTCHNOP", cmd, n);
	for (size_t i = 0; i < n && i < 8; i++) {
		if (n > 1)
			fprintf(out, "%s  [%zu] ", indent, i);
		else
			fprintf(out, "%s%s -> Xen: %s_", indent, who, grant ? "GNTTABOP" : "EVTCHNOP");
		if (grant)
			say_grant_op(cmd, who, json_object_array_get_idx(ops, i), snap, out);
		else
			say_evtchn_op(cmd, json_object_array_get_idx(ops, i), rc, snap, out);
		fputc('\n', out);
	}
	if (n > 8)
		fprintf(out, "%s  ... and %zu more in the same batch\n", indent, n - 8);
	if (!n)
		fprintf(out, "%s%s -> Xen: %s %s -> %lld\n", indent, who, op, cmd, (long long)rc);
}

static void say_event(struct json_object *rec, struct json_object *snap, const char *indent,
		      FILE *out)
{
	const char *what = get_str(rec, "what");
	int64_t dom = get_int(rec, "dom");
	const char *who = dom_name(snap, dom);

	fputs(indent, out);
	if (!strcmp(what, "evtchn_pending")) {
		fprintf(out, "Xen: port %lld of %s is pending", (long long)get_int(rec, "port"), who);
		if (json_object_get_boolean(get(rec, "masked")))
			fprintf(out, ", but masked: no upcall until it is unmasked\n");
		else if (json_object_get_boolean(get(rec, "upcall")))
			fprintf(out, "; selector bit and upcall_pending set, %s's vCPU kicked\n", who);
		else if (json_object_get_boolean(get(rec, "selector")))
			fprintf(out, "; selector bit set (an upcall was pending already)\n");
		else
			fprintf(out, " (its selector bit was set already)\n");
	} else if (!strcmp(what, "evtchn_open")) {
		const char *state = get_str(rec, "state");

		fprintf(out, "Xen: port %lld of %s is now %s", (long long)get_int(rec, "port"), who, state);
		if (!strcmp(state, "unbound"))
			fprintf(out, ", waiting for %s to bind it\n",
				dom_name(snap, get_int(rec, "remote_dom")));
		else if (!strcmp(state, "interdomain"))
			fprintf(out, ", connected to port %lld of %s\n",
				(long long)get_int(rec, "remote_port"),
				dom_name(snap, get_int(rec, "remote_dom")));
		else
			fputc('\n', out);
	} else if (!strcmp(what, "evtchn_close")) {
		fprintf(out, "Xen: port %lld of %s closed (it was %s)", (long long)get_int(rec, "port"),
			who, get_str(rec, "state"));
		if (has(rec, "peer_dom"))
			fprintf(out, "; port %lld of %s is back to unbound, not notified",
				(long long)get_int(rec, "peer_port"),
				dom_name(snap, get_int(rec, "peer_dom")));
		fputc('\n', out);
	} else if (!strcmp(what, "evtchn_unmask")) {
		fprintf(out, "Xen: port %lld of %s unmasked%s\n", (long long)get_int(rec, "port"), who,
			json_object_get_boolean(get(rec, "upcall")) ? "; it was pending: upcall" : "");
	} else if (!strcmp(what, "domain_create")) {
		fprintf(out, "Xen: domain %lld '%s' created, %lld pages of RAM\n", (long long)dom,
			get_str(rec, "name"), (long long)get_int(rec, "ram_pages"));
	} else if (!strcmp(what, "domain_destroy")) {
		fprintf(out, "Xen: destroying %s: its mappings are released, its ports closed, "
			"VIRQ_DOM_EXC raised\n", who);
	} else if (!strcmp(what, "domain_dead")) {
		fprintf(out, "Xen: %s is dead: no other domain maps its pages any more\n", who);
	} else if (!strcmp(what, "grant_release_mappings")) {
		fprintf(out, "Xen: %lld mappings %s held are released; the granters' pins drop\n",
			(long long)get_int(rec, "released"), who);
	} else if (!strcmp(what, "kernel_attach") || !strcmp(what, "kernel_detach")) {
		fprintf(out, "Xen: %s's guest kernel %s\n", who,
			!strcmp(what, "kernel_attach") ? "attached" : "went away");
	} else {
		fprintf(out, "Xen: %s on %s %s\n", what, who,
			json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PLAIN));
	}
}

/* State diffs ----------------------------------------------------------------------- */

static struct json_object *find_by(struct json_object *arr, const char *key, int64_t v)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		if (get_int(o, key) == v)
			return o;
	}
	return NULL;
}

static void pins_text(struct json_object *e, char *buf, size_t n)
{
	struct json_object *pin = get(e, "pin");
	static const char *const keys[] = { "host_rw", "host_ro", "dev_rw", "dev_ro" };
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < 4; i++)
		if (get_int(pin, keys[i]))
			len += (size_t)snprintf(buf + len, n - len, "%s%s %lld", len ? ", " : "",
						keys[i], (long long)get_int(pin, keys[i]));
	if (!len)
		snprintf(buf, n, "none");
}

static const char *flags_text(struct json_object *e)
{
	const char *f = get_str(e, "flags_decoded");

	return *f ? f : "0";
}

static void diff_grants(struct json_object *old, struct json_object *now, const char *who,
			struct json_object *snap, const char *indent, FILE *out)
{
	struct json_object *oe = get(old, "entries"), *ne = get(now, "entries");
	struct json_object *om = get(old, "maptrack"), *nm = get(now, "maptrack");
	char p1[96], p2[96];

	for (size_t i = 0; ne && i < json_object_array_length(ne); i++) {
		struct json_object *e = json_object_array_get_idx(ne, i);
		int64_t ref = get_int(e, "ref");
		struct json_object *was = find_by(oe, "ref", ref);

		pins_text(e, p2, sizeof(p2));
		if (!was) {
			fprintf(out, "%s%s's grant ref %lld: written by its kernel: %s for %s, frame "
				"%#llx (pins: %s)\n", indent, who, (long long)ref, flags_text(e),
				dom_name(snap, get_int(e, "domid")),
				(unsigned long long)get_int(e, "frame"), p2);
			continue;
		}
		pins_text(was, p1, sizeof(p1));
		bool fchange = strcmp(flags_text(was), flags_text(e)) != 0;
		bool pchange = strcmp(p1, p2) != 0;

		if (!fchange && !pchange && get_int(was, "domid") == get_int(e, "domid"))
			continue;
		fprintf(out, "%s%s's grant ref %lld: ", indent, who, (long long)ref);
		if (fchange)
			fprintf(out, "flags %s -> %s", flags_text(was), flags_text(e));
		if (pchange)
			fprintf(out, "%spins %s -> %s", fchange ? "; " : "", p1, p2);
		if (!fchange && !pchange)
			fprintf(out, "now for %s", dom_name(snap, get_int(e, "domid")));
		fputc('\n', out);
	}
	for (size_t i = 0; oe && i < json_object_array_length(oe); i++) {
		struct json_object *e = json_object_array_get_idx(oe, i);

		if (!find_by(ne, "ref", get_int(e, "ref")))
			fprintf(out, "%s%s's grant ref %lld: cleared by its kernel (access ended; it was "
				"%s for %s)\n", indent, who, (long long)get_int(e, "ref"), flags_text(e),
				dom_name(snap, get_int(e, "domid")));
	}
	for (size_t i = 0; nm && i < json_object_array_length(nm); i++) {
		struct json_object *m = json_object_array_get_idx(nm, i);
		struct json_object *was = find_by(om, "handle", get_int(m, "handle"));

		if (was && get_int(was, "ref") == get_int(m, "ref") &&
		    get_int(was, "dom") == get_int(m, "dom"))
			continue;
		gntmap_flags(get_int(m, "flags"), p1, sizeof(p1));
		fprintf(out, "%s%s's maptrack: handle %lld -> ref %lld of %s (%s)\n", indent, who,
			(long long)get_int(m, "handle"), (long long)get_int(m, "ref"),
			dom_name(snap, get_int(m, "dom")), p1);
	}
	for (size_t i = 0; om && i < json_object_array_length(om); i++) {
		struct json_object *m = json_object_array_get_idx(om, i);

		if (!find_by(nm, "handle", get_int(m, "handle")))
			fprintf(out, "%s%s's maptrack: handle %lld freed\n", indent, who,
				(long long)get_int(m, "handle"));
	}
}

static void say_value(struct json_object *node, FILE *out)
{
	const char *v = get_str(node, "value");
	size_t len = strlen(v);
	char *q = scn_quote(v, len > 60 ? 60 : len);

	fprintf(out, "%s%s", q, len > 60 ? "..." : "");
	free(q);
}

static void diff_xenstore(struct json_object *old, struct json_object *now, const char *indent,
			  FILE *out)
{
	json_object_object_foreach(now, path, node) {
		struct json_object *was = get(old, path);

		if (!was) {
			fprintf(out, "%sxenstore: %s = ", indent, path);
			say_value(node, out);
			fprintf(out, " (new)\n");
		} else if (strcmp(get_str(was, "value"), get_str(node, "value"))) {
			fprintf(out, "%sxenstore: %s = ", indent, path);
			say_value(node, out);
			fprintf(out, " (was ");
			say_value(was, out);
			fprintf(out, ")\n");
		} else if (strcmp(json_object_to_json_string(get(was, "perms")),
				  json_object_to_json_string(get(node, "perms")))) {
			fprintf(out, "%sxenstore: %s permissions %s\n", indent, path,
				json_object_to_json_string_ext(get(node, "perms"), JSON_C_TO_STRING_PLAIN));
		}
	}
	json_object_object_foreach(old, opath, onode) {
		(void)onode;
		if (!get(now, opath))
			fprintf(out, "%sxenstore: %s removed\n", indent, opath);
	}
}

static void diff_domains(struct json_object *old, struct json_object *now, const char *indent,
			 FILE *out)
{
	for (size_t i = 0; now && i < json_object_array_length(now); i++) {
		struct json_object *d = json_object_array_get_idx(now, i);
		struct json_object *was = find_by(old, "domid", get_int(d, "domid"));

		if (was && strcmp(get_str(was, "state"), get_str(d, "state")))
			fprintf(out, "%sdomain %s: %s -> %s\n", indent, get_str(d, "name"),
				get_str(was, "state"), get_str(d, "state"));
	}
}

/* What a hypercall can cause: ports changing, a zombie's last page released. */
static bool effect_kind(const char *what)
{
	return !strncmp(what, "evtchn_", 7) || !strcmp(what, "domain_dead");
}

/*
 * hvsimd emits the events a hypercall causes while it runs, and the
 * hypercall's own record after its reply: an event is the doing of the
 * hypercall that follows it in the same loop turn (no record between them
 * but other such events, and less than 2 ms apart).
 */
static bool caused_by(struct json_object *ev, struct json_object *records, size_t n, size_t i)
{
	if (strcmp(get_str(ev, "kind"), "event") || !effect_kind(get_str(ev, "what")))
		return false;
	for (size_t j = i + 1; j < n; j++) {
		struct json_object *next = json_object_array_get_idx(records, j);

		if (!strcmp(get_str(next, "kind"), "hypercall")) {
			struct json_object *t1, *t2;

			return json_object_object_get_ex(ev, "t", &t1) &&
			       json_object_object_get_ex(next, "t", &t2) &&
			       json_object_get_double(t2) - json_object_get_double(t1) < 0.002;
		}
		if (!effect_kind(get_str(next, "what")))
			return false;
	}
	return false;
}

void scn_explain_step(struct scn_explain *e, struct json_object *records, const char *indent,
		      FILE *out)
{
	struct json_object *now = snapshot(e->ctl), *old = e->snap;

	size_t n = json_object_array_length(records);
	char deeper[64];

	snprintf(deeper, sizeof(deeper), "%s  ", indent);
	for (size_t i = 0; i < n; i++) {
		struct json_object *rec = json_object_array_get_idx(records, i);
		size_t first;

		if (strcmp(get_str(rec, "kind"), "hypercall")) {
			/* an effect of the hypercall after it is told with that call */
			size_t j = i;

			while (j < n && !strcmp(get_str(json_object_array_get_idx(records, j), "kind"),
						"event") &&
			       caused_by(json_object_array_get_idx(records, j), records, n, j))
				j++;
			if (j == i)
				say_event(rec, now, indent, out);
			continue;
		}
		say_hypercall(rec, now, indent, out);
		for (first = i; first > 0 &&
		     caused_by(json_object_array_get_idx(records, first - 1), records, n, first - 1);
		     first--)
			;
		for (size_t k = first; k < i; k++)
			say_event(json_object_array_get_idx(records, k), now, deeper, out);
	}
	if (old) {
		struct json_object *og = get(old, "grants"), *ng = get(now, "grants");

		diff_domains(get(old, "domains"), get(now, "domains"), indent, out);
		json_object_object_foreach(ng, id, table) {
			const char *who = dom_name(now, strtoll(id, NULL, 10));
			struct json_object *was = get(og, id);

			if (was)
				diff_grants(was, table, who, now, indent, out);
			else
				diff_grants(NULL, table, who, now, indent, out);
		}
		diff_xenstore(get(old, "xs"), get(now, "xs"), indent, out);
	}
	json_object_put(old);
	e->snap = now;
}
