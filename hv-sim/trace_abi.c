// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsim/xen.h"
#include "evtchn.h"
#include "grant_table.h"
#include "trace.h"
#include "trace_abi.h"

struct strbuf {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);

		if (!s)
			return;
		b->s = s;
		b->cap = cap;
	}
}

static bool sb_reserve(struct strbuf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return true;
	size_t cap = (b->cap + n) * 2;
	char *s = realloc(b->s, cap);

	if (!s)
		return false;
	b->s = s;
	b->cap = cap;
	return true;
}

/* `"key":value,` for the hot ops: no format parsing, ~20 ns a field. */
static void sb_field(struct strbuf *b, const char *key, int64_t v, bool last)
{
	size_t klen = strlen(key);
	char digits[24];
	int n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do
		digits[n++] = (char)('0' + u % 10);
	while ((u /= 10));
	if (!sb_reserve(b, klen + n + 5))
		return;
	b->s[b->len++] = '"';
	memcpy(b->s + b->len, key, klen);
	b->len += klen;
	b->s[b->len++] = '"';
	b->s[b->len++] = ':';
	if (v < 0)
		b->s[b->len++] = '-';
	while (n)
		b->s[b->len++] = digits[--n];
	if (!last)
		b->s[b->len++] = ',';
}

static void sb_char(struct strbuf *b, char c)
{
	if (sb_reserve(b, 1))
		b->s[b->len++] = c;
}

static const char *const gnttab_cmds[] = {
	[GNTTABOP_map_grant_ref] = "map_grant_ref",
	[GNTTABOP_unmap_grant_ref] = "unmap_grant_ref",
	[GNTTABOP_setup_table] = "setup_table",
	[GNTTABOP_dump_table] = "dump_table",
	[GNTTABOP_transfer] = "transfer",
	[GNTTABOP_copy] = "copy",
	[GNTTABOP_query_size] = "query_size",
	[GNTTABOP_unmap_and_replace] = "unmap_and_replace",
	[GNTTABOP_set_version] = "set_version",
	[GNTTABOP_get_status_frames] = "get_status_frames",
	[GNTTABOP_get_version] = "get_version",
	[GNTTABOP_swap_grant_ref] = "swap_grant_ref",
	[GNTTABOP_cache_flush] = "cache_flush",
};

static const char *const evtchn_cmds[] = {
	[EVTCHNOP_bind_interdomain] = "bind_interdomain",
	[EVTCHNOP_bind_virq] = "bind_virq",
	[EVTCHNOP_bind_pirq] = "bind_pirq",
	[EVTCHNOP_close] = "close",
	[EVTCHNOP_send] = "send",
	[EVTCHNOP_status] = "status",
	[EVTCHNOP_alloc_unbound] = "alloc_unbound",
	[EVTCHNOP_bind_ipi] = "bind_ipi",
	[EVTCHNOP_bind_vcpu] = "bind_vcpu",
	[EVTCHNOP_unmask] = "unmask",
	[EVTCHNOP_reset] = "reset",
	[EVTCHNOP_init_control] = "init_control",
	[EVTCHNOP_expand_array] = "expand_array",
	[EVTCHNOP_set_priority] = "set_priority",
};

const char *trace_op_name(unsigned int op)
{
	switch (op) {
	case __HYPERVISOR_grant_table_op: return "grant_table_op";
	case __HYPERVISOR_event_channel_op: return "event_channel_op";
	}
	return NULL;
}

const char *trace_cmd_name(unsigned int op, unsigned int cmd)
{
	if (op == __HYPERVISOR_grant_table_op &&
	    cmd < sizeof(gnttab_cmds) / sizeof(gnttab_cmds[0]))
		return gnttab_cmds[cmd];
	if (op == __HYPERVISOR_event_channel_op &&
	    cmd < sizeof(evtchn_cmds) / sizeof(evtchn_cmds[0]))
		return evtchn_cmds[cmd];
	return NULL;
}

static void copy_ptr(struct strbuf *b, const char *name,
		     const struct gnttab_copy_ptr *p, int is_gref)
{
	sb_printf(b, "\"%s\":{", name);
	if (is_gref)
		sb_field(b, "ref", p->u.ref, false);
	else
		sb_field(b, "gmfn", (int64_t)p->u.gmfn, false);
	sb_field(b, "dom", p->domid, false);
	sb_field(b, "offset", p->offset, true);
	sb_char(b, '}');
}

static void gnttab_one(struct strbuf *b, unsigned int cmd, const void *p)
{
	switch (cmd) {
	case GNTTABOP_map_grant_ref: {
		const struct gnttab_map_grant_ref *o = p;

		sb_char(b, '{');
		sb_field(b, "ref", o->ref, false);
		sb_field(b, "dom", o->dom, false);
		sb_field(b, "flags", o->flags, false);
		sb_field(b, "host_addr", (int64_t)o->host_addr, false);
		sb_field(b, "status", o->status, false);
		sb_field(b, "handle", o->handle, false);
		sb_field(b, "dev_bus_addr", (int64_t)o->dev_bus_addr, true);
		sb_char(b, '}');
		break;
	}
	case GNTTABOP_unmap_grant_ref: {
		const struct gnttab_unmap_grant_ref *o = p;

		sb_char(b, '{');
		sb_field(b, "handle", o->handle, false);
		sb_field(b, "host_addr", (int64_t)o->host_addr, false);
		sb_field(b, "dev_bus_addr", (int64_t)o->dev_bus_addr, false);
		sb_field(b, "status", o->status, true);
		sb_char(b, '}');
		break;
	}
	case GNTTABOP_setup_table: {
		const struct gnttab_setup_table *o = p;

		sb_printf(b, "{\"dom\":%u,\"nr_frames\":%u,\"status\":%d}",
			  o->dom, o->nr_frames, o->status);
		break;
	}
	case GNTTABOP_copy: {
		const struct gnttab_copy *o = p;

		sb_char(b, '{');
		copy_ptr(b, "src", &o->source, o->flags & GNTCOPY_source_gref);
		sb_char(b, ',');
		copy_ptr(b, "dst", &o->dest, o->flags & GNTCOPY_dest_gref);
		sb_char(b, ',');
		sb_field(b, "len", o->len, false);
		sb_field(b, "flags", o->flags, false);
		sb_field(b, "status", o->status, true);
		sb_char(b, '}');
		break;
	}
	case GNTTABOP_query_size: {
		const struct gnttab_query_size *o = p;

		sb_printf(b, "{\"dom\":%u,\"nr_frames\":%u,\"max_nr_frames\":%u,"
			  "\"status\":%d}", o->dom, o->nr_frames, o->max_nr_frames,
			  o->status);
		break;
	}
	case GNTTABOP_set_version: {
		const struct gnttab_set_version *o = p;

		sb_printf(b, "{\"version\":%u}", o->version);
		break;
	}
	case GNTTABOP_get_version: {
		const struct gnttab_get_version *o = p;

		sb_printf(b, "{\"dom\":%u,\"version\":%u}", o->dom, o->version);
		break;
	}
	default:
		sb_printf(b, "{}");
	}
}

static void evtchn_one(struct strbuf *b, unsigned int cmd, const void *p)
{
	switch (cmd) {
	case EVTCHNOP_alloc_unbound: {
		const struct evtchn_alloc_unbound *o = p;

		sb_printf(b, "{\"dom\":%u,\"remote_dom\":%u,\"port\":%u}",
			  o->dom, o->remote_dom, o->port);
		break;
	}
	case EVTCHNOP_bind_interdomain: {
		const struct evtchn_bind_interdomain *o = p;

		sb_printf(b, "{\"remote_dom\":%u,\"remote_port\":%u,\"local_port\":%u}",
			  o->remote_dom, o->remote_port, o->local_port);
		break;
	}
	case EVTCHNOP_bind_virq: {
		const struct evtchn_bind_virq *o = p;

		sb_printf(b, "{\"virq\":%u,\"vcpu\":%u,\"port\":%u}",
			  o->virq, o->vcpu, o->port);
		break;
	}
	case EVTCHNOP_close:
	case EVTCHNOP_send:
	case EVTCHNOP_unmask: {
		/* evtchn_close, evtchn_send and evtchn_unmask are one port */
		const evtchn_port_t *port = p;

		sb_printf(b, "{\"port\":%u}", *port);
		break;
	}
	case EVTCHNOP_status: {
		const struct evtchn_status *o = p;

		sb_printf(b, "{\"dom\":%u,\"port\":%u,\"status\":%u,\"vcpu\":%u",
			  o->dom, o->port, o->status, o->vcpu);
		if (o->status == EVTCHNSTAT_unbound)
			sb_printf(b, ",\"remote_dom\":%u", o->u.unbound.dom);
		else if (o->status == EVTCHNSTAT_interdomain)
			sb_printf(b, ",\"remote_dom\":%u,\"remote_port\":%u",
				  o->u.interdomain.dom, o->u.interdomain.port);
		else if (o->status == EVTCHNSTAT_virq)
			sb_printf(b, ",\"virq\":%u", o->u.virq);
		sb_printf(b, "}");
		break;
	}
	case EVTCHNOP_reset: {
		const struct evtchn_reset *o = p;

		sb_printf(b, "{\"dom\":%u}", o->dom);
		break;
	}
	default:
		sb_printf(b, "{}");
	}
}

/* What the hypervisor's thread queues: the call and its structs after it. */
struct hypercall_rec {
	uint16_t domid;
	uint32_t op, cmd, count;
	long rc;
	uint8_t ops[];
};

/* Runs on the trace writer thread only: one buffer serves every record. */
static const char *format_hypercall(const void *data, size_t len, size_t *members_len)
{
	static struct strbuf b;
	const struct hypercall_rec *r = data;
	const char *opn = trace_op_name(r->op), *cmdn = trace_cmd_name(r->op, r->cmd);
	size_t size = r->count ? (len - sizeof(*r)) / r->count : 0;

	b.len = 0;
	sb_printf(&b, "\"dom\":%u,\"kind\":\"hypercall\",", r->domid);
	if (opn)
		sb_printf(&b, "\"op\":\"%s\",", opn);
	else
		sb_printf(&b, "\"op\":%u,", r->op);
	if (cmdn)
		sb_printf(&b, "\"cmd\":\"%s\",", cmdn);
	else
		sb_printf(&b, "\"cmd\":%u,", r->cmd);
	sb_printf(&b, "\"count\":%u,\"rc\":%ld,\"ops\":[", r->count, r->rc);
	for (unsigned int i = 0; size && i < r->count; i++) {
		const uint8_t *p = r->ops + i * size;

		if (i)
			sb_char(&b, ',');
		if (r->op == __HYPERVISOR_grant_table_op)
			gnttab_one(&b, r->cmd, p);
		else
			evtchn_one(&b, r->cmd, p);
	}
	sb_printf(&b, "]");
	*members_len = b.s ? b.len : 0;
	return b.s ? b.s : "";
}

void trace_hypercall(uint16_t domid, unsigned int op, unsigned int cmd,
		     const void *ops, unsigned int count, long rc)
{
	size_t size = op == __HYPERVISOR_grant_table_op ? grant_table_op_size(cmd) :
		      op == __HYPERVISOR_event_channel_op ? evtchn_op_size(cmd) : 0;
	size_t body = size * count;
	struct hypercall_rec *r;

	if (!trace_enabled()) {
		trace_emit_deferred(NULL, "", 0);
		return;
	}
	r = malloc(sizeof(*r) + body);
	if (!r)
		return;
	*r = (struct hypercall_rec){ domid, op, cmd, size ? count : 0, rc };
	if (body)
		memcpy(r->ops, ops, body);
	trace_emit_deferred(format_hypercall, r, sizeof(*r) + body);
	free(r);
}
