// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsim/hypercall_ops.h"
#include "hvsim/xen.h"
#include <xen/version.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/memory.h>
#include "trace.h"
#include "trace_abi.h"

/*
 * Formatting by hand: a 1024-grant batch is some 100 KB of JSON twice a
 * round, so each field is a memcpy of its key and digits two at a time.
 * The hot ops reserve their worst case once (OP_ROOM) and write unchecked;
 * the rare ones go through printf.
 */
#define OP_ROOM 512

static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static unsigned int nr_digits(uint64_t v)
{
	unsigned int n = 1;

	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

static char *put_u64(char *p, uint64_t v)
{
	char *end;

	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	end = p + nr_digits(v);
	p = end;
	while (v >= 100) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(p - 2, digit_pairs + 2 * v, 2);
	else
		p[-1] = (char)('0' + v);
	return end;
}

static char *put_i64(char *p, int64_t v)
{
	if (v >= 0)
		return put_u64(p, (uint64_t)v);
	*p++ = '-';
	return put_u64(p, (uint64_t)0 - (uint64_t)v);
}

/* A key or other literal text; n is a constant, so this is a few moves. */
#define PUT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

__attribute__((format(printf, 2, 3)))
static void buf_printf(struct trace_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p = trace_buf_room(b, 128);

	if (!p)
		return;
	va_start(ap, fmt);
	n = vsnprintf(p, 128, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n >= 128) {
		p = trace_buf_room(b, (size_t)n + 1);
		if (!p)
			return;
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
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

static const char *const xenver_cmds[] = {
	[XENVER_version] = "version",
	[XENVER_extraversion] = "extraversion",
	[XENVER_compile_info] = "compile_info",
	[XENVER_capabilities] = "capabilities",
	[XENVER_changeset] = "changeset",
	[XENVER_platform_parameters] = "platform_parameters",
	[XENVER_get_features] = "get_features",
	[XENVER_pagesize] = "pagesize",
	[XENVER_guest_handle] = "guest_handle",
	[XENVER_commandline] = "commandline",
	[XENVER_build_id] = "build_id",
};

const char *trace_op_name(unsigned int op)
{
	switch (op) {
	case __HYPERVISOR_grant_table_op: return "grant_table_op";
	case __HYPERVISOR_event_channel_op: return "event_channel_op";
	case __HYPERVISOR_xen_version: return "xen_version";
	case __HYPERVISOR_domctl: return "domctl";
	case __HYPERVISOR_sysctl: return "sysctl";
	case __HYPERVISOR_memory_op: return "memory_op";
	case __HYPERVISOR_dm_op: return "dm_op";
	case __HYPERVISOR_sched_op: return "sched_op";
	case __HYPERVISOR_hvm_op: return "hvm_op";
	case __HYPERVISOR_physdev_op: return "physdev_op";
	case __HYPERVISOR_multicall: return "multicall";
	case __HYPERVISOR_xsm_op: return "xsm_op";
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
	if (op == __HYPERVISOR_xen_version &&
	    cmd < sizeof(xenver_cmds) / sizeof(xenver_cmds[0]))
		return xenver_cmds[cmd];
	if (op == __HYPERVISOR_domctl && cmd == XEN_DOMCTL_getdomaininfo)
		return "getdomaininfo";
	if (op == __HYPERVISOR_sysctl)
		return cmd == XEN_SYSCTL_getdomaininfolist ? "getdomaininfolist" :
		       cmd == XEN_SYSCTL_physinfo ? "physinfo" :
		       cmd == XEN_SYSCTL_sched_id ? "sched_id" :
		       cmd == XEN_SYSCTL_cpupool_op ? "cpupool_op" : NULL;
	if (op == __HYPERVISOR_memory_op)
		return cmd == XENMEM_add_to_physmap ? "add_to_physmap" :
		       cmd == XENMEM_add_to_physmap_batch ? "add_to_physmap_batch" :
		       cmd == XENMEM_remove_from_physmap ? "remove_from_physmap" :
		       cmd == XENMEM_acquire_resource ? "acquire_resource" : NULL;
	return NULL;
}

static char *copy_ptr(char *p, const struct gnttab_copy_ptr *ptr, bool is_gref)
{
	if (is_gref) {
		p = PUT(p, "{\"ref\":");
		p = put_u64(p, ptr->u.ref);
	} else {
		p = PUT(p, "{\"gmfn\":");
		p = put_i64(p, (int64_t)ptr->u.gmfn);
	}
	p = PUT(p, ",\"dom\":");
	p = put_u64(p, ptr->domid);
	p = PUT(p, ",\"offset\":");
	p = put_u64(p, ptr->offset);
	return PUT(p, "}");
}

/* The ops of a batch, as fast as they come; false: not one of them. */
static bool gnttab_hot(struct trace_buf *b, unsigned int cmd, const void *op)
{
	char *p;

	if (cmd != GNTTABOP_map_grant_ref && cmd != GNTTABOP_unmap_grant_ref &&
	    cmd != GNTTABOP_copy)
		return false;
	p = trace_buf_room(b, OP_ROOM);
	if (!p)
		return true;
	if (cmd == GNTTABOP_map_grant_ref) {
		const struct gnttab_map_grant_ref *o = op;

		p = PUT(p, "{\"ref\":");
		p = put_u64(p, o->ref);
		p = PUT(p, ",\"dom\":");
		p = put_u64(p, o->dom);
		p = PUT(p, ",\"flags\":");
		p = put_u64(p, o->flags);
		p = PUT(p, ",\"host_addr\":");
		p = put_i64(p, (int64_t)o->host_addr);
		p = PUT(p, ",\"status\":");
		p = put_i64(p, o->status);
		p = PUT(p, ",\"handle\":");
		p = put_u64(p, o->handle);
		p = PUT(p, ",\"dev_bus_addr\":");
		p = put_i64(p, (int64_t)o->dev_bus_addr);
	} else if (cmd == GNTTABOP_unmap_grant_ref) {
		const struct gnttab_unmap_grant_ref *o = op;

		p = PUT(p, "{\"handle\":");
		p = put_u64(p, o->handle);
		p = PUT(p, ",\"host_addr\":");
		p = put_i64(p, (int64_t)o->host_addr);
		p = PUT(p, ",\"dev_bus_addr\":");
		p = put_i64(p, (int64_t)o->dev_bus_addr);
		p = PUT(p, ",\"status\":");
		p = put_i64(p, o->status);
	} else {
		const struct gnttab_copy *o = op;

		p = PUT(p, "{\"src\":");
		p = copy_ptr(p, &o->source, o->flags & GNTCOPY_source_gref);
		p = PUT(p, ",\"dst\":");
		p = copy_ptr(p, &o->dest, o->flags & GNTCOPY_dest_gref);
		p = PUT(p, ",\"len\":");
		p = put_u64(p, o->len);
		p = PUT(p, ",\"flags\":");
		p = put_u64(p, o->flags);
		p = PUT(p, ",\"status\":");
		p = put_i64(p, o->status);
	}
	p = PUT(p, "}");
	b->len = (size_t)(p - b->s);
	return true;
}

static void gnttab_one(struct trace_buf *b, unsigned int cmd, const void *p)
{
	if (gnttab_hot(b, cmd, p))
		return;
	switch (cmd) {
	case GNTTABOP_setup_table: {
		const struct gnttab_setup_table *o = p;

		buf_printf(b, "{\"dom\":%u,\"nr_frames\":%u,\"status\":%d}",
			   o->dom, o->nr_frames, o->status);
		break;
	}
	case GNTTABOP_query_size: {
		const struct gnttab_query_size *o = p;

		buf_printf(b, "{\"dom\":%u,\"nr_frames\":%u,\"max_nr_frames\":%u,"
			   "\"status\":%d}", o->dom, o->nr_frames, o->max_nr_frames,
			   o->status);
		break;
	}
	case GNTTABOP_set_version: {
		const struct gnttab_set_version *o = p;

		buf_printf(b, "{\"version\":%u}", o->version);
		break;
	}
	case GNTTABOP_get_version: {
		const struct gnttab_get_version *o = p;

		buf_printf(b, "{\"dom\":%u,\"version\":%u}", o->dom, o->version);
		break;
	}
	default:
		trace_buf_put(b, "{}", 2);
	}
}

static void evtchn_one(struct trace_buf *b, unsigned int cmd, const void *p)
{
	switch (cmd) {
	case EVTCHNOP_alloc_unbound: {
		const struct evtchn_alloc_unbound *o = p;

		buf_printf(b, "{\"dom\":%u,\"remote_dom\":%u,\"port\":%u}",
			   o->dom, o->remote_dom, o->port);
		break;
	}
	case EVTCHNOP_bind_interdomain: {
		const struct evtchn_bind_interdomain *o = p;

		buf_printf(b, "{\"remote_dom\":%u,\"remote_port\":%u,\"local_port\":%u}",
			   o->remote_dom, o->remote_port, o->local_port);
		break;
	}
	case EVTCHNOP_bind_virq: {
		const struct evtchn_bind_virq *o = p;

		buf_printf(b, "{\"virq\":%u,\"vcpu\":%u,\"port\":%u}",
			   o->virq, o->vcpu, o->port);
		break;
	}
	case EVTCHNOP_close:
	case EVTCHNOP_send:
	case EVTCHNOP_unmask: {
		/* evtchn_close, evtchn_send and evtchn_unmask are one port: the
		 * event round trip's ops, formatted by hand */
		evtchn_port_t port;
		char *q = trace_buf_room(b, OP_ROOM);

		if (!q)
			break;
		memcpy(&port, p, sizeof(port));
		q = PUT(q, "{\"port\":");
		q = put_u64(q, port);
		q = PUT(q, "}");
		b->len = (size_t)(q - b->s);
		break;
	}
	case EVTCHNOP_status: {
		const struct evtchn_status *o = p;

		buf_printf(b, "{\"dom\":%u,\"port\":%u,\"status\":%u,\"vcpu\":%u",
			   o->dom, o->port, o->status, o->vcpu);
		if (o->status == EVTCHNSTAT_unbound)
			buf_printf(b, ",\"remote_dom\":%u", o->u.unbound.dom);
		else if (o->status == EVTCHNSTAT_interdomain)
			buf_printf(b, ",\"remote_dom\":%u,\"remote_port\":%u",
				   o->u.interdomain.dom, o->u.interdomain.port);
		else if (o->status == EVTCHNSTAT_virq)
			buf_printf(b, ",\"virq\":%u", o->u.virq);
		trace_buf_put(b, "}", 1);
		break;
	}
	case EVTCHNOP_reset: {
		const struct evtchn_reset *o = p;

		buf_printf(b, "{\"dom\":%u}", o->dom);
		break;
	}
	case EVTCHNOP_init_control: {
		const struct evtchn_init_control *o = p;

		buf_printf(b, "{\"control_gfn\":%llu,\"offset\":%u,\"vcpu\":%u,\"link_bits\":%u}",
			   (unsigned long long)o->control_gfn, o->offset, o->vcpu, o->link_bits);
		break;
	}
	case EVTCHNOP_expand_array: {
		const struct evtchn_expand_array *o = p;

		buf_printf(b, "{\"array_gfn\":%llu}", (unsigned long long)o->array_gfn);
		break;
	}
	case EVTCHNOP_set_priority: {
		const struct evtchn_set_priority *o = p;

		buf_printf(b, "{\"port\":%u,\"priority\":%u}", o->port, o->priority);
		break;
	}
	default:
		trace_buf_put(b, "{}", 2);
	}
}

/*
 * What the hypervisor's thread queues: the call, then (with
 * INJECTED_OPS) a bitmap of the elements fault injection failed, count
 * bits in INJECTED_BITMAP_BYTES, then its structs.
 */
#define INJECTED_CALL 1u        /* fault injection was at work in this call */
#define INJECTED_OPS  2u        /* ... and failed the elements of the bitmap */
/*
 * The bitmap's bytes, padded to 8: the ops after it are read in place as
 * their structs, which must stay aligned (the fuzzer `hypercall` found a
 * 1-byte bitmap misaligning them: UBSan's "misaligned address").
 */
#define INJECTED_BITMAP_BYTES(count) ((((size_t)(count) + 7) / 8 + 7) & ~(size_t)7)
struct hypercall_rec {
	uint16_t domid;
	uint32_t op, cmd, count;
	uint32_t injected;          /* INJECTED_* */
	long rc;
};

/* "NAME" (a name of ours: nothing to escape), or V when there is none. */
static char *put_name_or_u64(char *p, const char *name, uint64_t v)
{
	size_t n;

	if (!name)
		return put_u64(p, v);
	n = strlen(name);
	*p++ = '"';
	memcpy(p, name, n);
	p += n;
	*p++ = '"';
	return p;
}

/* The members of a hypercall record; on the trace writer thread. */
static void format_hypercall(const void *data, size_t len, struct trace_buf *b)
{
	struct hypercall_rec r;
	const uint8_t *ops = (const uint8_t *)data + sizeof(r), *bitmap = NULL;
	const char *opn, *cmdn;
	size_t size;
	char *p;

	memcpy(&r, data, sizeof(r));
	if (r.injected & INJECTED_OPS) {
		bitmap = ops;
		ops += INJECTED_BITMAP_BYTES(r.count);
	}
	opn = trace_op_name(r.op);
	cmdn = trace_cmd_name(r.op, r.cmd);
	size = r.count ? hvsim_hypercall_op_size(r.op, r.cmd) : 0;
	p = trace_buf_room(b, OP_ROOM);
	if (!p)
		return;
	p = PUT(p, "\"dom\":");
	p = put_u64(p, r.domid);
	p = PUT(p, ",\"kind\":\"hypercall\",\"op\":");
	p = put_name_or_u64(p, opn, r.op);
	p = PUT(p, ",\"cmd\":");
	p = put_name_or_u64(p, cmdn, r.cmd);
	p = PUT(p, ",\"count\":");
	p = put_u64(p, r.count);
	p = PUT(p, ",\"rc\":");
	p = put_i64(p, r.rc);
	if (r.injected)
		p = PUT(p, ",\"injected\":true");
	p = PUT(p, ",\"ops\":[");
	b->len = (size_t)(p - b->s);
	for (unsigned int i = 0; size && i < r.count; i++) {
		if (i)
			trace_buf_put(b, ",", 1);
		if (r.op == __HYPERVISOR_grant_table_op)
			gnttab_one(b, r.cmd, ops + i * size);
		else
			evtchn_one(b, r.cmd, ops + i * size);
		/* an element fault injection failed says so, inside its braces */
		if (bitmap && (bitmap[i / 8] & (1u << (i % 8))) && !b->failed &&
		    b->len && b->s[b->len - 1] == '}') {
			b->len--;
			trace_buf_put(b, ",\"injected\":true}", 17);
		}
	}
	trace_buf_put(b, "]", 1);
}

void trace_hypercall(uint16_t domid, unsigned int op, unsigned int cmd,
		     const void *ops, unsigned int count, long rc)
{
	size_t size = hvsim_hypercall_op_size(op, cmd);
	struct hypercall_rec r = { domid, op, cmd, size ? count : 0, 0, rc };

	trace_emit_deferred(format_hypercall, &r, sizeof(r), ops, size * r.count);
}

void trace_hypercall_injected(uint16_t domid, unsigned int op, unsigned int cmd,
			      const void *ops, unsigned int count, long rc,
			      const uint8_t *ops_injected)
{
	size_t size = hvsim_hypercall_op_size(op, cmd);
	struct hypercall_rec r = { domid, op, cmd, size ? count : 0, INJECTED_CALL, rc };
	size_t bitmap_len = ops_injected && r.count ? INJECTED_BITMAP_BYTES(r.count) : 0;
	uint8_t *head = calloc(1, sizeof(r) + bitmap_len);

	if (!head) {
		trace_hypercall(domid, op, cmd, ops, count, rc);
		return;
	}
	if (bitmap_len)
		r.injected |= INJECTED_OPS;
	memcpy(head, &r, sizeof(r));
	if (bitmap_len)
		memcpy(head + sizeof(r), ops_injected, (r.count + 7) / 8);
	trace_emit_deferred(format_hypercall, head, sizeof(r) + bitmap_len, ops, size * r.count);
	free(head);
}
