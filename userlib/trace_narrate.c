// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_narrate.h"
#include "trace_read.h"

/* "EINVAL", as the scenario language writes errnos. */
static const char *errno_name(int e)
{
	static char buf[16];
	const char *name = strerrorname_np(e);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* Bytes as a "string" with C escapes (the scenario language's quoting). */
static void quote(const char *data, size_t len, FILE *out)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Names ----------------------------------------------------------------------------- */

/* "alice" for a domid, from the newest snapshot; "dom7" if unknown. */
static const char *dom_name(struct json_object *snap, int64_t domid)
{
	static char buf[4][32];
	static int next;
	struct json_object *doms = trace_get(snap, "domains");

	if (domid == DOMID_SELF)
		return "DOMID_SELF";
	for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);

		if (trace_int(d, "domid") == domid)
			return trace_str(d, "name");
	}
	next = (next + 1) % 4;
	snprintf(buf[next], sizeof(buf[next]), "dom%lld", (long long)domid);
	return buf[next];
}

static const char *status_text(int64_t st)
{
	static char buf[32];
	const char *n = trace_gntst_name(st);

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
		fprintf(out, "ref %lld of %s", (long long)trace_int(side, "ref"),
			dom_name(snap, trace_int(side, "dom")));
	else
		fprintf(out, "frame %#llx of %s", (unsigned long long)trace_int(side, "gmfn"),
			dom_name(snap, trace_int(side, "dom")));
	fprintf(out, " +%lld", (long long)trace_int(side, "offset"));
}

static void say_grant_op(const char *cmd, const char *who, struct json_object *op,
			 struct json_object *snap, FILE *out)
{
	char flags[TRACE_GNTMAP_FLAGS_LEN];

	if (!strcmp(cmd, "map_grant_ref")) {
		trace_gntmap_flags((uint32_t)trace_int(op, "flags"), flags, sizeof(flags));
		fprintf(out, "map_grant_ref ref %lld of %s, %s -> %s", (long long)trace_int(op, "ref"),
			dom_name(snap, trace_int(op, "dom")), flags, status_text(trace_int(op, "status")));
		if (trace_int(op, "status") == 0)
			fprintf(out, ", handle %lld; %s's frame %#llx now shows at %s's gfn %#llx",
				(long long)trace_int(op, "handle"), dom_name(snap, trace_int(op, "dom")),
				(unsigned long long)trace_int(op, "dev_bus_addr") >> 12, who,
				(unsigned long long)trace_int(op, "host_addr") >> 12);
	} else if (!strcmp(cmd, "unmap_grant_ref")) {
		fprintf(out, "unmap_grant_ref handle %lld at gfn %#llx -> %s", (long long)trace_int(op, "handle"),
			(unsigned long long)trace_int(op, "host_addr") >> 12,
			status_text(trace_int(op, "status")));
	} else if (!strcmp(cmd, "copy")) {
		int64_t f = trace_int(op, "flags");

		fprintf(out, "copy %lld bytes from ", (long long)trace_int(op, "len"));
		say_copy_side(trace_get(op, "src"), f & GNTCOPY_source_gref, snap, out);
		fprintf(out, " to ");
		say_copy_side(trace_get(op, "dst"), f & GNTCOPY_dest_gref, snap, out);
		fprintf(out, " -> %s", status_text(trace_int(op, "status")));
	} else if (!strcmp(cmd, "setup_table")) {
		fprintf(out, "setup_table of %s, %lld frames -> %s", dom_name(snap, trace_int(op, "dom")),
			(long long)trace_int(op, "nr_frames"), status_text(trace_int(op, "status")));
	} else if (!strcmp(cmd, "query_size")) {
		fprintf(out, "query_size of %s -> %s: %lld of %lld frames", dom_name(snap, trace_int(op, "dom")),
			status_text(trace_int(op, "status")), (long long)trace_int(op, "nr_frames"),
			(long long)trace_int(op, "max_nr_frames"));
	} else {
		fprintf(out, "%s %s", cmd, json_object_to_json_string_ext(op, JSON_C_TO_STRING_PLAIN));
	}
}

static void say_evtchn_op(const char *cmd, struct json_object *op, int64_t rc,
			  struct json_object *snap, FILE *out)
{
	if (!strcmp(cmd, "alloc_unbound"))
		fprintf(out, "alloc_unbound: a port %s may bind", dom_name(snap, trace_int(op, "remote_dom")));
	else if (!strcmp(cmd, "bind_interdomain"))
		fprintf(out, "bind_interdomain to port %lld of %s", (long long)trace_int(op, "remote_port"),
			dom_name(snap, trace_int(op, "remote_dom")));
	else if (!strcmp(cmd, "bind_virq"))
		fprintf(out, "bind_virq %lld", (long long)trace_int(op, "virq"));
	else if (!strcmp(cmd, "init_control"))
		fprintf(out, "init_control: FIFO control block at gfn %#llx + %lld for vCPU %lld",
			(unsigned long long)trace_int(op, "control_gfn"),
			(long long)trace_int(op, "offset"), (long long)trace_int(op, "vcpu"));
	else if (!strcmp(cmd, "expand_array"))
		fprintf(out, "expand_array: gfn %#llx as the next event array page",
			(unsigned long long)trace_int(op, "array_gfn"));
	else if (!strcmp(cmd, "set_priority"))
		fprintf(out, "set_priority port %lld to %lld", (long long)trace_int(op, "port"),
			(long long)trace_int(op, "priority"));
	else if (json_object_object_get_ex(op, "port", NULL) && json_object_object_length(op) == 1)
		fprintf(out, "%s port %lld", cmd, (long long)trace_int(op, "port"));
	else
		fprintf(out, "%s %s", cmd, json_object_to_json_string_ext(op, JSON_C_TO_STRING_PLAIN));
	if (rc < 0) {
		fprintf(out, " -> -%s", errno_name((int)-rc));
		return;
	}
	if (!strcmp(cmd, "alloc_unbound") || !strcmp(cmd, "bind_virq"))
		fprintf(out, " -> port %lld", (long long)trace_int(op, "port"));
	else if (!strcmp(cmd, "bind_interdomain"))
		fprintf(out, " -> local port %lld", (long long)trace_int(op, "local_port"));
	else
		fprintf(out, " -> %lld", (long long)rc);
}

static void say_hypercall(struct json_object *rec, struct json_object *snap, const char *indent,
			  FILE *out)
{
	const char *op = trace_str(rec, "op"), *cmd = trace_str(rec, "cmd");
	const char *who = dom_name(snap, trace_int(rec, "dom"));
	struct json_object *ops = trace_get(rec, "ops");
	size_t n = ops ? json_object_array_length(ops) : 0;
	int64_t rc = trace_int(rec, "rc");
	bool grant = !strcmp(op, "grant_table_op");
	bool injected = trace_get(rec, "injected") != NULL;

	if (grant && rc < 0) {
		fprintf(out, "%s%s -> Xen: GNTTABOP_%s -> -%s%s\n", indent, who, cmd,
			errno_name((int)-rc), injected ? " (injected)" : "");
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
		/* fault injection failed this element, or the whole call (hvsim fault) */
		if (trace_get(json_object_array_get_idx(ops, i), "injected") || (injected && rc < 0))
			fputs(" (injected)", out);
		fputc('\n', out);
	}
	if (n > 8)
		fprintf(out, "%s  ... and %zu more in the same batch\n", indent, n - 8);
	if (n)
		return;
	/* no structs: a privcmd hypercall (its structs stay in the caller), or a refused op */
	fprintf(out, "%s%s -> Xen: %s%s%s", indent, who, op, *cmd ? " " : "", cmd);
	if (rc < 0)
		fprintf(out, " -> -%s%s\n", errno_name((int)-rc), injected ? " (injected)" : "");
	else
		fprintf(out, " -> %lld\n", (long long)rc);
}

/* "PENDING|LINKED": the event word bits a FIFO set_pending set. */
static void word_bits(struct json_object *rec, char *buf, size_t n)
{
	struct json_object *set = trace_get(rec, "set");
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; set && i < json_object_array_length(set) && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "|" : "",
					json_object_get_string(json_object_array_get_idx(set, i)));
	if (!len)
		snprintf(buf, n, "none");
}

/* The FIFO ABI's steps: which queue, which word bits, which READY bit, which upcall. */
static bool say_fifo_event(struct json_object *rec, const char *what, const char *who,
			   FILE *out)
{
	long long port = (long long)trace_int(rec, "port");

	if (!strcmp(what, "evtchn_pending")) {
		long long q = (long long)trace_int(rec, "priority");
		char bits[64];

		if (json_object_get_boolean(trace_get(rec, "no_word"))) {
			fprintf(out, "Xen: port %lld of %s is pending, but has no FIFO event word yet "
				"(the event array does not reach it): kept until expand_array adds "
				"its page\n", port, who);
			return true;
		}
		word_bits(rec, bits, sizeof(bits));
		fprintf(out, "Xen: port %lld of %s is pending (FIFO queue %lld): word bits %s set",
			port, who, q, bits);
		if (json_object_get_boolean(trace_get(rec, "masked"))) {
			fprintf(out, ", but MASKED: not linked, no upcall until it is unmasked\n");
			return true;
		}
		if (json_object_object_get_ex(rec, "moved_from", NULL))
			fprintf(out, "; moved from queue %lld", (long long)trace_int(rec, "moved_from"));
		if (json_object_object_get_ex(rec, "after", NULL))
			fprintf(out, "; linked after port %lld, the queue's tail",
				(long long)trace_int(rec, "after"));
		else if (json_object_get_boolean(trace_get(rec, "head")))
			fprintf(out, "; it is the head of queue %lld", q);
		else
			fprintf(out, " (it was on a queue already)");
		if (json_object_get_boolean(trace_get(rec, "link_gave_up")))
			fprintf(out, "; the guest kept changing the tail's word, so Xen gave up "
				"linking it: the event is lost");
		if (json_object_get_boolean(trace_get(rec, "upcall")))
			fprintf(out, "; READY bit %lld and upcall_pending set, %s's vCPU kicked\n",
				q, who);
		else if (json_object_get_boolean(trace_get(rec, "ready")))
			fprintf(out, "; READY bit %lld set (an upcall was pending already)\n", q);
		else
			fputc('\n', out);
	} else if (!strcmp(what, "evtchn_unmask")) {
		fprintf(out, "Xen: port %lld of %s unmasked (FIFO: MASKED cleared)%s\n", port, who,
			json_object_get_boolean(trace_get(rec, "pending")) ?
			"; it is pending, so Xen links it" : "");
	} else if (!strcmp(what, "evtchn_fifo_init")) {
		fprintf(out, "Xen: %s switches to the FIFO event ABI: control block at gfn %#llx "
			"+ %lld; %lld bound ports carried over (%lld pending, kept until their event "
			"words exist)\n", who, (unsigned long long)trace_int(rec, "control_gfn"),
			(long long)trace_int(rec, "offset"), (long long)trace_int(rec, "ports"),
			(long long)trace_int(rec, "saved_pending"));
	} else if (!strcmp(what, "evtchn_fifo_expand")) {
		long long pages = (long long)trace_int(rec, "pages");

		fprintf(out, "Xen: %s's event array is now %lld page%s (gfn %#llx added): ports "
			"below %lld have event words\n", who, pages, pages == 1 ? "" : "s",
			(unsigned long long)trace_int(rec, "array_gfn"),
			(long long)trace_int(rec, "ports"));
	} else if (!strcmp(what, "evtchn_priority")) {
		fprintf(out, "Xen: port %lld of %s now goes to FIFO queue %lld (was %lld)%s\n", port,
			who, (long long)trace_int(rec, "priority"), (long long)trace_int(rec, "was"),
			json_object_get_boolean(trace_get(rec, "linked")) ?
			"; the event already linked stays on the old queue" : "");
	} else if (!strcmp(what, "evtchn_fifo_destroy")) {
		fprintf(out, "Xen: %s is back to the 2-level event ABI (%s)\n", who,
			!strcmp(trace_str(rec, "by"), "reset") ? "EVTCHNOP_reset" :
			"all its ports were closed");
	} else {
		return false;
	}
	return true;
}

static void say_event(struct json_object *rec, struct json_object *snap, const char *indent,
		      FILE *out)
{
	const char *what = trace_str(rec, "what");
	int64_t dom = trace_int(rec, "dom");
	const char *who = dom_name(snap, dom);

	fputs(indent, out);
	if (!strcmp(trace_str(rec, "abi"), "fifo") || !strncmp(what, "evtchn_fifo_", 12) ||
	    !strcmp(what, "evtchn_priority")) {
		if (say_fifo_event(rec, what, who, out))
			return;
	}
	if (!strcmp(what, "evtchn_pending")) {
		fprintf(out, "Xen: port %lld of %s is pending", (long long)trace_int(rec, "port"), who);
		if (json_object_get_boolean(trace_get(rec, "masked")))
			fprintf(out, ", but masked: no upcall until it is unmasked\n");
		else if (json_object_get_boolean(trace_get(rec, "upcall")))
			fprintf(out, "; selector bit and upcall_pending set, %s's vCPU kicked\n", who);
		else if (json_object_get_boolean(trace_get(rec, "selector")))
			fprintf(out, "; selector bit set (an upcall was pending already)\n");
		else
			fprintf(out, " (its selector bit was set already)\n");
	} else if (!strcmp(what, "evtchn_open")) {
		const char *state = trace_str(rec, "state");

		fprintf(out, "Xen: port %lld of %s is now %s", (long long)trace_int(rec, "port"), who, state);
		if (!strcmp(state, "unbound"))
			fprintf(out, ", waiting for %s to bind it\n",
				dom_name(snap, trace_int(rec, "remote_dom")));
		else if (!strcmp(state, "interdomain"))
			fprintf(out, ", connected to port %lld of %s\n",
				(long long)trace_int(rec, "remote_port"),
				dom_name(snap, trace_int(rec, "remote_dom")));
		else
			fputc('\n', out);
	} else if (!strcmp(what, "evtchn_close")) {
		fprintf(out, "Xen: port %lld of %s closed (it was %s)", (long long)trace_int(rec, "port"),
			who, trace_str(rec, "state"));
		if (json_object_object_get_ex(rec, "peer_dom", NULL))
			fprintf(out, "; port %lld of %s is back to unbound, not notified",
				(long long)trace_int(rec, "peer_port"),
				dom_name(snap, trace_int(rec, "peer_dom")));
		if (json_object_get_boolean(trace_get(rec, "linked")))
			fprintf(out, "; its FIFO event word is still linked on a queue, so the port "
				"is not handed out again until the guest unlinks it");
		fputc('\n', out);
	} else if (!strcmp(what, "evtchn_unmask")) {
		fprintf(out, "Xen: port %lld of %s unmasked%s\n", (long long)trace_int(rec, "port"), who,
			json_object_get_boolean(trace_get(rec, "upcall")) ? "; it was pending: upcall" : "");
	} else if (!strcmp(what, "domain_create")) {
		fprintf(out, "Xen: domain %lld '%s' created, %lld pages of RAM\n", (long long)dom,
			trace_str(rec, "name"), (long long)trace_int(rec, "ram_pages"));
	} else if (!strcmp(what, "domain_destroy")) {
		fprintf(out, "Xen: destroying %s: its mappings are released, its ports closed, "
			"VIRQ_DOM_EXC raised\n", who);
	} else if (!strcmp(what, "domain_dead")) {
		fprintf(out, "Xen: %s is dead: no other domain maps its pages any more\n", who);
	} else if (!strcmp(what, "grant_release_mappings")) {
		fprintf(out, "Xen: %lld mappings %s held are released; the granters' pins drop\n",
			(long long)trace_int(rec, "released"), who);
	} else if (!strcmp(what, "kernel_attach") || !strcmp(what, "kernel_detach")) {
		fprintf(out, "Xen: %s's guest kernel %s\n", who,
			!strcmp(what, "kernel_attach") ? "attached" : "went away");
	} else if (!strcmp(what, "fault_injected")) {
		/* the kernel's own faults (hvsim fault): an allocation, an upcall */
		if (!strcmp(trace_str(rec, "fault"), "upcall_delay"))
			fprintf(out, "%s's kernel: its vCPU waits %lld ms before the upcall "
				"(injected)\n", who, (long long)trace_int(rec, "delay_ms"));
		else
			fprintf(out, "%s's kernel: %s at %s returns NULL (injected)\n", who,
				trace_str(rec, "fault"), trace_str(rec, "site"));
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

		if (trace_int(o, key) == v)
			return o;
	}
	return NULL;
}

static void pins_text(struct json_object *e, char *buf, size_t n)
{
	struct json_object *pin = trace_get(e, "pin");
	static const char *const keys[] = { "host_rw", "host_ro", "dev_rw", "dev_ro" };
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < 4; i++)
		if (trace_int(pin, keys[i]))
			len += (size_t)snprintf(buf + len, n - len, "%s%s %lld", len ? ", " : "",
						keys[i], (long long)trace_int(pin, keys[i]));
	if (!len)
		snprintf(buf, n, "none");
}

static const char *flags_text(struct json_object *e)
{
	const char *f = trace_str(e, "flags_decoded");

	return *f ? f : "0";
}

static void diff_grants(struct json_object *old, struct json_object *now, const char *who,
			struct json_object *snap, const char *indent, FILE *out)
{
	struct json_object *oe = trace_get(old, "entries"), *ne = trace_get(now, "entries");
	struct json_object *om = trace_get(old, "maptrack"), *nm = trace_get(now, "maptrack");
	char p1[96], p2[96];

	for (size_t i = 0; ne && i < json_object_array_length(ne); i++) {
		struct json_object *e = json_object_array_get_idx(ne, i);
		int64_t ref = trace_int(e, "ref");
		struct json_object *was = find_by(oe, "ref", ref);

		pins_text(e, p2, sizeof(p2));
		if (!was) {
			fprintf(out, "%s%s's grant ref %lld: written by its kernel: %s for %s, frame "
				"%#llx (pins: %s)\n", indent, who, (long long)ref, flags_text(e),
				dom_name(snap, trace_int(e, "domid")),
				(unsigned long long)trace_int(e, "frame"), p2);
			continue;
		}
		pins_text(was, p1, sizeof(p1));
		bool fchange = strcmp(flags_text(was), flags_text(e)) != 0;
		bool pchange = strcmp(p1, p2) != 0;

		if (!fchange && !pchange && trace_int(was, "domid") == trace_int(e, "domid"))
			continue;
		fprintf(out, "%s%s's grant ref %lld: ", indent, who, (long long)ref);
		if (fchange)
			fprintf(out, "flags %s -> %s", flags_text(was), flags_text(e));
		if (pchange)
			fprintf(out, "%spins %s -> %s", fchange ? "; " : "", p1, p2);
		if (!fchange && !pchange)
			fprintf(out, "now for %s", dom_name(snap, trace_int(e, "domid")));
		fputc('\n', out);
	}
	for (size_t i = 0; oe && i < json_object_array_length(oe); i++) {
		struct json_object *e = json_object_array_get_idx(oe, i);

		if (!find_by(ne, "ref", trace_int(e, "ref")))
			fprintf(out, "%s%s's grant ref %lld: cleared by its kernel (access ended; it was "
				"%s for %s)\n", indent, who, (long long)trace_int(e, "ref"), flags_text(e),
				dom_name(snap, trace_int(e, "domid")));
	}
	for (size_t i = 0; nm && i < json_object_array_length(nm); i++) {
		struct json_object *m = json_object_array_get_idx(nm, i);
		struct json_object *was = find_by(om, "handle", trace_int(m, "handle"));

		if (was && trace_int(was, "ref") == trace_int(m, "ref") &&
		    trace_int(was, "dom") == trace_int(m, "dom"))
			continue;
		trace_gntmap_flags((uint32_t)trace_int(m, "flags"), p1, sizeof(p1));
		fprintf(out, "%s%s's maptrack: handle %lld -> ref %lld of %s (%s)\n", indent, who,
			(long long)trace_int(m, "handle"), (long long)trace_int(m, "ref"),
			dom_name(snap, trace_int(m, "dom")), p1);
	}
	for (size_t i = 0; om && i < json_object_array_length(om); i++) {
		struct json_object *m = json_object_array_get_idx(om, i);

		if (!find_by(nm, "handle", trace_int(m, "handle")))
			fprintf(out, "%s%s's maptrack: handle %lld freed\n", indent, who,
				(long long)trace_int(m, "handle"));
	}
}

static void say_value(struct json_object *node, FILE *out)
{
	const char *v = trace_str(node, "value");
	size_t len = strlen(v);
	quote(v, len > 60 ? 60 : len, out);
	if (len > 60)
		fputs("...", out);
}

static void diff_xenstore(struct json_object *old, struct json_object *now, const char *indent,
			  FILE *out)
{
	if (!old || !now)
		return;
	json_object_object_foreach(now, path, node) {
		struct json_object *was = trace_get(old, path);

		if (!was) {
			fprintf(out, "%sxenstore: %s = ", indent, path);
			say_value(node, out);
			fprintf(out, " (new)\n");
		} else if (strcmp(trace_str(was, "value"), trace_str(node, "value"))) {
			fprintf(out, "%sxenstore: %s = ", indent, path);
			say_value(node, out);
			fprintf(out, " (was ");
			say_value(was, out);
			fprintf(out, ")\n");
		} else if (strcmp(json_object_to_json_string(trace_get(was, "perms")),
				  json_object_to_json_string(trace_get(node, "perms")))) {
			fprintf(out, "%sxenstore: %s permissions %s\n", indent, path,
				json_object_to_json_string_ext(trace_get(node, "perms"), JSON_C_TO_STRING_PLAIN));
		}
	}
	json_object_object_foreach(old, opath, onode) {
		(void)onode;
		if (!trace_get(now, opath))
			fprintf(out, "%sxenstore: %s removed\n", indent, opath);
	}
}

static void diff_domains(struct json_object *old, struct json_object *now, const char *indent,
			 FILE *out)
{
	for (size_t i = 0; now && i < json_object_array_length(now); i++) {
		struct json_object *d = json_object_array_get_idx(now, i);
		struct json_object *was = find_by(old, "domid", trace_int(d, "domid"));

		if (was && strcmp(trace_str(was, "state"), trace_str(d, "state")))
			fprintf(out, "%sdomain %s: %s -> %s\n", indent, trace_str(d, "name"),
				trace_str(was, "state"), trace_str(d, "state"));
	}
}

/* The domain with `domid` in a snapshot, or NULL. */
static struct json_object *state_domain(struct json_object *state, int64_t domid)
{
	return find_by(trace_get(state, "domains"), "domid", domid);
}

void trace_narrate_records(struct json_object *records, struct json_object *state,
			   const char *indent, FILE *out)
{
	size_t n = json_object_array_length(records);
	long *effect_of = calloc(n ? n : 1, sizeof(*effect_of));
	char deeper[64];

	snprintf(deeper, sizeof(deeper), "%s  ", indent);
	trace_effects(records, effect_of);
	for (size_t i = 0; i < n; i++) {
		struct json_object *rec = json_object_array_get_idx(records, i);
		const char *kind = trace_str(rec, "kind");

		if (!strcmp(kind, "state"))
			continue;	/* what it shows is told by trace_narrate_changes */
		if (strcmp(kind, "hypercall")) {
			/* an effect of a hypercall is told with that call */
			if (effect_of[i] < 0)
				say_event(rec, state, indent, out);
			continue;
		}
		say_hypercall(rec, state, indent, out);
		/* its effects are the run of records right before it */
		size_t first = i;

		while (first > 0 && effect_of[first - 1] == (long)i)
			first--;
		for (size_t k = first; k < i; k++)
			say_event(json_object_array_get_idx(records, k), state, deeper, out);
	}
	free(effect_of);
}

void trace_narrate_changes(struct json_object *old, struct json_object *now, const char *indent,
			   FILE *out)
{
	struct json_object *doms = trace_get(now, "domains");

	if (!old)
		return;
	diff_domains(trace_get(old, "domains"), doms, indent, out);
	for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);
		struct json_object *table = trace_get(d, "grant_table");
		struct json_object *was = state_domain(old, trace_int(d, "domid"));

		if (table)
			diff_grants(trace_get(was, "grant_table"), table, trace_str(d, "name"), now,
				    indent, out);
	}
	diff_xenstore(trace_get(old, "xenstore"), trace_get(now, "xenstore"), indent, out);
}
