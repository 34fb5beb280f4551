// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event channels, following Xen 4.17's event_channel.c and event_2l.c:
 * the same checks in the same order, the same status codes.  A domain
 * starts with the 2-level ABI; EVTCHNOP_init_control switches it to FIFO
 * (evtchn_fifo.c) and EVTCHNOP_reset back, and the port ops (set and
 * clear pending, unmask, is pending/masked/busy) dispatch on the ABI as
 * Xen's evtchn_port_ops do.
 *
 * Port state lives here; the 2-level pending and mask bitmaps,
 * evtchn_pending_sel and evtchn_upcall_pending live in the domain's
 * shared_info page, which the guest kernel process reads and writes at the
 * same time.  Every access to those words is therefore an atomic
 * read-modify-write on the whole word (what Xen's guest_test_and_set_bit
 * is), never a plain store.
 *
 * hvsim domains have one vCPU, so every port notifies vcpu 0.  hvsimd is
 * single-threaded, so Xen's per-domain and per-channel locks have no
 * counterpart here.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include "evtchn.h"
#include "evtchn_fifo.h"
#include "hvsim/hypercall_ops.h"
#include "trace.h"

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

_Static_assert(sizeof(((struct shared_info *)0)->evtchn_pending) * 8 ==
	       HVSIM_EVTCHN_PORTS, "2-level port count is words x bits");

/*
 * Xen 4.17 allocates its struct evtchn (64 bytes on x86-64) in page-sized
 * buckets of 64, lazily, and calls a port "valid" only below the highest
 * bucket allocated so far.  The difference is visible: status of a free
 * port in an allocated bucket is EVTCHNSTAT_closed, beyond it -EINVAL.
 */
#define PORTS_PER_BUCKET 64
#define MAX_BUCKETS      (HVSIM_EVTCHN_FIFO_PORTS / PORTS_PER_BUCKET)

/* Xen's ECS_* channel states. */
enum port_state {
	PORT_FREE,
	PORT_RESERVED,      /* port 0: never handed out */
	PORT_UNBOUND,
	PORT_INTERDOMAIN,
	PORT_VIRQ,
	PORT_IPI,
};

struct port {
	uint8_t state;
	domid_t remote_dom;          /* unbound: who may bind; interdomain: peer */
	evtchn_port_t remote_port;   /* interdomain */
	uint32_t virq;               /* virq */
	struct evtchn_fifo_port fifo;
};

struct evtchn_domain {
	unsigned int valid_ports;            /* a multiple of PORTS_PER_BUCKET */
	/*
	 * Every port below is in use (not free): where the search for a
	 * free port starts.  Xen searches from 0; the answer is the same,
	 * and a FIFO domain with 10^5 ports does not pay 10^5 steps a bind.
	 */
	unsigned int first_maybe_free;
	evtchn_port_t virq_port[NR_VIRQS];   /* vcpu 0's virq_to_evtchn */
	struct evtchn_fifo *fifo;            /* NULL: the 2-level ABI */
	/* allocated up to valid_ports, as Xen's buckets are */
	struct port *bucket[MAX_BUCKETS];
};

static const char *state_name(enum port_state s)
{
	switch (s) {
	case PORT_FREE:        return "free";
	case PORT_RESERVED:    return "reserved";
	case PORT_UNBOUND:     return "unbound";
	case PORT_INTERDOMAIN: return "interdomain";
	case PORT_VIRQ:        return "virq";
	case PORT_IPI:         return "ipi";
	}
	return "?";
}

/* A port below valid_ports (Xen's evtchn_from_port). */
static struct port *port_at(struct evtchn_domain *e, evtchn_port_t port)
{
	return &e->bucket[port / PORTS_PER_BUCKET][port % PORTS_PER_BUCKET];
}

/* Xen's _evtchn_from_port: NULL for a port beyond the allocated buckets. */
static struct port *port_lookup(struct domain *d, evtchn_port_t port)
{
	if (!d->evtchn || port >= d->evtchn->valid_ports)
		return NULL;
	return port_at(d->evtchn, port);
}

/* Xen's max_evtchns: the ABI's port count. */
static unsigned int max_ports(const struct domain *d)
{
	return d->evtchn->fifo ? HVSIM_EVTCHN_FIFO_PORTS : HVSIM_EVTCHN_PORTS;
}

/*
 * Xen's evtchn_allocate_port refuses a port above d->max_evtchn_port or at
 * the ABI's limit, whichever is lower.  max_evtchn_port is at most INT_MAX.
 */
static unsigned int port_limit(const struct domain *d)
{
	unsigned int abi = max_ports(d);

	return d->max_evtchn_port < abi ? d->max_evtchn_port + 1 : abi;
}

void evtchn_set_max_port(struct domain *d, uint32_t max_port)
{
	d->max_evtchn_port = max_port < INT_MAX ? max_port : INT_MAX;
}

static const char *abi_name(const struct domain *d)
{
	return d->evtchn && d->evtchn->fifo ? "fifo" : "2l";
}

/* Xen's evtchn_usable: bound, as a guest sees it (no Xen-consumed ports here). */
static bool port_usable(const struct port *p)
{
	return p->state != PORT_FREE && p->state != PORT_RESERVED;
}

/* Shared bitmaps ----------------------------------------------------- */

static xen_ulong_t bit_mask(unsigned int nr)
{
	return (xen_ulong_t)1 << (nr % BITS_PER_WORD);
}

/* Only ports below 4096 ever reach the 2-level bitmaps (max_ports). */
static bool bitmap_test(xen_ulong_t *map, unsigned int nr)
{
	return __atomic_load_n(&map[nr / BITS_PER_WORD], __ATOMIC_SEQ_CST) &
		bit_mask(nr);
}

static bool bitmap_test_and_set(xen_ulong_t *map, unsigned int nr)
{
	return __atomic_fetch_or(&map[nr / BITS_PER_WORD], bit_mask(nr),
				 __ATOMIC_SEQ_CST) & bit_mask(nr);
}

static bool bitmap_test_and_clear(xen_ulong_t *map, unsigned int nr)
{
	return __atomic_fetch_and(&map[nr / BITS_PER_WORD], ~bit_mask(nr),
				  __ATOMIC_SEQ_CST) & bit_mask(nr);
}

/*
 * vcpu_mark_events_pending: the vCPU is kicked only when
 * evtchn_upcall_pending goes from 0 to 1; while it is still 1 the guest
 * has not started its scan yet and will see the new selector bit.
 */
bool evtchn_mark_events_pending(struct domain *d)
{
	struct vcpu_info *v = &d->shared_info->vcpu_info[0];

	if (__atomic_fetch_or(&v->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) & 1)
		return false;
	domain_kick(d);
	return true;
}

/* evtchn_2l_set_pending, in its order: pending, mask, selector, upcall. */
static void set_pending_2l(struct domain *d, evtchn_port_t port)
{
	struct shared_info *s = d->shared_info;
	bool masked, selector = false, upcall = false;

	if (!s || port >= HVSIM_EVTCHN_PORTS || bitmap_test_and_set(s->evtchn_pending, port))
		return;
	masked = bitmap_test(s->evtchn_mask, port);
	if (!masked && !bitmap_test_and_set(&s->vcpu_info[0].evtchn_pending_sel,
					    port / BITS_PER_WORD)) {
		selector = true;
		upcall = evtchn_mark_events_pending(d);
	}

	struct json_object *ev = trace_event(d->domid, "evtchn_pending");
	json_object_object_add(ev, "port", json_object_new_int64(port));
	json_object_object_add(ev, "abi", json_object_new_string("2l"));
	json_object_object_add(ev, "masked", json_object_new_boolean(masked));
	json_object_object_add(ev, "selector", json_object_new_boolean(selector));
	json_object_object_add(ev, "upcall", json_object_new_boolean(upcall));
	trace_emit(ev);
}

/* Port ops: Xen's evtchn_port_* wrappers, dispatching on the ABI ------ */

/* evtchn_port_set_pending: only a usable (bound) port is delivered. */
static void set_pending(struct domain *d, evtchn_port_t port)
{
	struct port *p = port_at(d->evtchn, port);

	if (!port_usable(p))
		return;
	if (d->evtchn->fifo)
		evtchn_fifo_set_pending(d, d->evtchn->fifo, port, &p->fifo);
	else
		set_pending_2l(d, port);
}

static void clear_pending(struct domain *d, evtchn_port_t port)
{
	if (!port_usable(port_at(d->evtchn, port)))
		return;
	if (d->evtchn->fifo)
		evtchn_fifo_clear_pending(d->evtchn->fifo, port);
	else if (d->shared_info && port < HVSIM_EVTCHN_PORTS)
		bitmap_test_and_clear(d->shared_info->evtchn_pending, port);
}

static bool is_pending(struct domain *d, evtchn_port_t port)
{
	if (!port_usable(port_at(d->evtchn, port)))
		return false;
	if (d->evtchn->fifo)
		return evtchn_fifo_is_pending(d->evtchn->fifo, port);
	return d->shared_info && port < HVSIM_EVTCHN_PORTS &&
		bitmap_test(d->shared_info->evtchn_pending, port);
}

static bool is_masked(struct domain *d, evtchn_port_t port)
{
	if (!port_usable(port_at(d->evtchn, port)))
		return true;
	if (d->evtchn->fifo)
		return evtchn_fifo_is_masked(d->evtchn->fifo, port);
	return !d->shared_info || port >= HVSIM_EVTCHN_PORTS ||
		bitmap_test(d->shared_info->evtchn_mask, port);
}

/* evtchn_is_busy: 2-level has no such state. */
static bool is_busy(struct domain *d, evtchn_port_t port)
{
	return d->evtchn->fifo && evtchn_fifo_is_busy(d->evtchn->fifo, port);
}

/* evtchn_port_init, on every bind: FIFO puts the port at the default priority. */
static void port_init(struct domain *d, evtchn_port_t port)
{
	if (d->evtchn->fifo)
		port_at(d->evtchn, port)->fifo.priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
}

/* Port allocation ---------------------------------------------------- */

/*
 * get_free_port: the lowest free port that is not busy (under FIFO, a
 * closed port still LINKED on a queue is skipped until the guest unlinks
 * it); up to max_evtchn_port or the ABI's limit, -ENOSPC beyond.  Reaching a port beyond the
 * valid ones allocates its bucket, which stays allocated even if the
 * caller then fails (as in Xen).  A dying domain gets no new ports.
 */
static int get_free_port(struct domain *d)
{
	struct evtchn_domain *e = d->evtchn;
	unsigned int limit = port_limit(d), port = e->first_maybe_free;

	if (d->state != DOMAIN_RUNNING)
		return -EINVAL;
	while (port < e->valid_ports && port_at(e, port)->state != PORT_FREE)
		port++;
	e->first_maybe_free = port;
	for (; port < limit; port++) {
		if (port >= e->valid_ports) {
			struct port *b = calloc(PORTS_PER_BUCKET, sizeof(*b));

			if (!b)
				return -ENOMEM;
			e->bucket[port / PORTS_PER_BUCKET] = b;
			e->valid_ports += PORTS_PER_BUCKET;
			return (int)port;
		}
		if (port_at(e, port)->state == PORT_FREE && !is_busy(d, port))
			return (int)port;
	}
	return -ENOSPC;
}

/*
 * evtchn_free: the pending state goes so that a re-bound port starts
 * clean (under FIFO only PENDING: a linked word stays on its queue).  The
 * FIFO fields stay, as they stay in Xen's struct evtchn.
 */
static void port_free(struct domain *d, evtchn_port_t port)
{
	struct port *p = port_at(d->evtchn, port);
	struct evtchn_fifo_port fifo = p->fifo;

	clear_pending(d, port);
	*p = (struct port){ .state = PORT_FREE, .fifo = fifo };
	if (port < d->evtchn->first_maybe_free)
		d->evtchn->first_maybe_free = port;
}

/* A port the caller just took from get_free_port, now bound as `p`. */
static void port_bind(struct domain *d, evtchn_port_t port, struct port p)
{
	struct port *slot = port_at(d->evtchn, port);

	p.fifo = slot->fifo;
	*slot = p;
	port_init(d, port);
}

static void trace_open_port(struct domain *d, evtchn_port_t port)
{
	const struct port *p = port_at(d->evtchn, port);
	struct json_object *ev = trace_event(d->domid, "evtchn_open");

	json_object_object_add(ev, "port", json_object_new_int64(port));
	json_object_object_add(ev, "abi", json_object_new_string(abi_name(d)));
	json_object_object_add(ev, "state", json_object_new_string(state_name(p->state)));
	if (d->evtchn->fifo)
		json_object_object_add(ev, "priority", json_object_new_int(p->fifo.priority));
	switch (p->state) {
	case PORT_UNBOUND:
		json_object_object_add(ev, "remote_dom", json_object_new_int(p->remote_dom));
		break;
	case PORT_INTERDOMAIN:
		json_object_object_add(ev, "remote_dom", json_object_new_int(p->remote_dom));
		json_object_object_add(ev, "remote_port", json_object_new_int64(p->remote_port));
		break;
	case PORT_VIRQ:
		json_object_object_add(ev, "virq", json_object_new_int64(p->virq));
		break;
	}
	trace_emit(ev);
}

/*
 * evtchn_close.  An interdomain peer goes back to unbound, offered to the
 * closing domain, and is not notified (Xen does not either: frontends and
 * backends learn of it through xenstore).
 */
static long port_close(struct domain *d, evtchn_port_t port)
{
	struct port *p = port_lookup(d, port);
	struct domain *rd = NULL;
	evtchn_port_t rport = 0;
	enum port_state was;
	bool linked;

	if (!p)
		return -EINVAL;
	was = p->state;
	switch (was) {
	case PORT_FREE:
	case PORT_RESERVED:
		return -EINVAL;
	case PORT_UNBOUND:
	case PORT_IPI:
		break;
	case PORT_VIRQ:
		d->evtchn->virq_port[p->virq] = 0;
		break;
	case PORT_INTERDOMAIN:
		rd = domain_by_id(p->remote_dom);
		rport = p->remote_port;
		/* a domain closes all its ports before it is reaped: rd exists */
		if (rd && rd->evtchn) {
			struct port *r = port_at(rd->evtchn, rport);

			r->state = PORT_UNBOUND;
			r->remote_dom = d->domid;
			r->remote_port = 0;
		} else {
			rd = NULL;
		}
		break;
	}
	port_free(d, port);
	linked = is_busy(d, port);

	struct json_object *ev = trace_event(d->domid, "evtchn_close");
	json_object_object_add(ev, "port", json_object_new_int64(port));
	json_object_object_add(ev, "abi", json_object_new_string(abi_name(d)));
	json_object_object_add(ev, "state", json_object_new_string(state_name(was)));
	/* FIFO: still on a queue; not handed out again until the guest unlinks it */
	if (linked)
		json_object_object_add(ev, "linked", json_object_new_boolean(true));
	if (rd) {
		json_object_object_add(ev, "peer_dom", json_object_new_int(rd->domid));
		json_object_object_add(ev, "peer_port", json_object_new_int64(rport));
	}
	trace_emit(ev);
	return 0;
}

/* Per-vCPU VIRQs; the rest are global (x86's VIRQ_ARCH_* included). */
static bool virq_is_global(uint32_t virq)
{
	switch (virq) {
	case VIRQ_TIMER:
	case VIRQ_DEBUG:
	case VIRQ_XENOPROF:
	case VIRQ_XENPMU:
		return false;
	}
	return true;
}

/* Operations --------------------------------------------------------- */

long evtchn_alloc_unbound_op(struct domain *d, struct evtchn_alloc_unbound *op)
{
	struct domain *t = domain_by_any_id(d, op->dom);
	int port;

	if (!t)
		return -ESRCH;
	/* Xen takes the port before its XSM check, as here */
	port = get_free_port(t);
	if (port < 0)
		return port;
	if (!domain_may_act_on(d, t))
		return -EPERM;

	/* DOMID_SELF means the caller, even when allocating in another domain */
	port_bind(t, (evtchn_port_t)port, (struct port){
		.state = PORT_UNBOUND,
		.remote_dom = op->remote_dom == DOMID_SELF ? d->domid : op->remote_dom,
	});
	op->port = (evtchn_port_t)port;
	trace_open_port(t, op->port);
	return 0;
}

long evtchn_bind_interdomain_op(struct domain *d, struct evtchn_bind_interdomain *op)
{
	struct domain *rd = domain_by_any_id(d, op->remote_dom);
	struct port *r;
	int lport;

	if (!rd)
		return -ESRCH;
	lport = get_free_port(d);
	if (lport < 0)
		return lport;
	r = port_lookup(rd, op->remote_port);
	if (!r || r->state != PORT_UNBOUND || r->remote_dom != d->domid)
		return -EINVAL;

	port_bind(d, (evtchn_port_t)lport, (struct port){
		.state = PORT_INTERDOMAIN,
		.remote_dom = rd->domid, .remote_port = op->remote_port,
	});
	/* the remote end only changes state: Xen does not init it again */
	r->state = PORT_INTERDOMAIN;
	r->remote_dom = d->domid;
	r->remote_port = (evtchn_port_t)lport;
	trace_open_port(d, (evtchn_port_t)lport);
	/* Xen: a notification sent while the remote port was unbound was lost */
	set_pending(d, (evtchn_port_t)lport);
	op->local_port = (evtchn_port_t)lport;
	return 0;
}

long evtchn_bind_virq_op(struct domain *d, struct evtchn_bind_virq *op)
{
	int port;

	if (op->virq >= NR_VIRQS)
		return -EINVAL;
	if (virq_is_global(op->virq) && op->vcpu != 0)
		return -EINVAL;
	if (op->vcpu != 0)
		return -ENOENT;          /* the vCPU does not exist */
	if (!d->evtchn)
		return -ESRCH;
	if (d->evtchn->virq_port[op->virq])
		return -EEXIST;
	port = get_free_port(d);
	if (port < 0)
		return port;

	port_bind(d, (evtchn_port_t)port, (struct port){ .state = PORT_VIRQ, .virq = op->virq });
	d->evtchn->virq_port[op->virq] = (evtchn_port_t)port;
	op->port = (evtchn_port_t)port;
	trace_open_port(d, op->port);
	return 0;
}

static long bind_ipi(struct domain *d, struct evtchn_bind_ipi *op)
{
	int port;

	if (op->vcpu != 0)
		return -ENOENT;
	port = get_free_port(d);
	if (port < 0)
		return port;
	port_bind(d, (evtchn_port_t)port, (struct port){ .state = PORT_IPI });
	op->port = (evtchn_port_t)port;
	trace_open_port(d, op->port);
	return 0;
}

/*
 * hvsim domains have no physical IRQs (nr_pirqs is 0), so Xen's first
 * check, pirq >= d->nr_pirqs, refuses every pirq.
 */
static long bind_pirq(struct domain *d, struct evtchn_bind_pirq *op)
{
	return -EINVAL;
}

/* With one vCPU, rebinding can only name vcpu 0 and changes nothing. */
static long bind_vcpu(struct domain *d, struct evtchn_bind_vcpu *op)
{
	struct port *p;

	if (op->vcpu != 0)
		return -ENOENT;
	p = port_lookup(d, op->port);
	if (!p)
		return -EINVAL;
	switch (p->state) {
	case PORT_VIRQ:
		return virq_is_global(p->virq) ? 0 : -EINVAL;
	case PORT_UNBOUND:
	case PORT_INTERDOMAIN:
		return 0;
	default:
		return -EINVAL;
	}
}

long evtchn_close_op(struct domain *d, struct evtchn_close *op)
{
	return port_close(d, op->port);
}

long evtchn_send_op(struct domain *d, struct evtchn_send *op)
{
	struct port *p = port_lookup(d, op->port);
	struct domain *rd;

	if (!p)
		return -EINVAL;
	switch (p->state) {
	case PORT_INTERDOMAIN:
		rd = domain_by_id(p->remote_dom);
		if (rd && rd->evtchn)
			set_pending(rd, p->remote_port);
		return 0;
	case PORT_IPI:
		set_pending(d, op->port);
		return 0;
	case PORT_UNBOUND:
		return 0;            /* Xen drops it silently */
	default:
		return -EINVAL;
	}
}

long evtchn_status_op(struct domain *d, struct evtchn_status *op)
{
	struct domain *t = domain_by_any_id(d, op->dom);
	struct port *p;

	if (!t)
		return -ESRCH;
	p = port_lookup(t, op->port);
	if (!p)
		return -EINVAL;
	if (!domain_may_act_on(d, t))
		return -EPERM;

	switch (p->state) {
	case PORT_FREE:
	case PORT_RESERVED:
		op->status = EVTCHNSTAT_closed;
		break;
	case PORT_UNBOUND:
		op->status = EVTCHNSTAT_unbound;
		op->u.unbound.dom = p->remote_dom;
		break;
	case PORT_INTERDOMAIN:
		op->status = EVTCHNSTAT_interdomain;
		op->u.interdomain.dom = p->remote_dom;
		op->u.interdomain.port = p->remote_port;
		break;
	case PORT_VIRQ:
		op->status = EVTCHNSTAT_virq;
		op->u.virq = p->virq;
		break;
	case PORT_IPI:
		op->status = EVTCHNSTAT_ipi;
		break;
	}
	op->vcpu = 0;
	return 0;
}

/*
 * evtchn_2l_unmask: only a port that was masked can deliver here; if it is
 * pending, its selector bit and the upcall are raised as set_pending would.
 */
static void unmask_2l(struct domain *d, evtchn_port_t port)
{
	struct shared_info *s = d->shared_info;
	bool pending = false, selector = false, upcall = false;

	if (!s || port >= HVSIM_EVTCHN_PORTS || !bitmap_test_and_clear(s->evtchn_mask, port))
		return;
	pending = bitmap_test(s->evtchn_pending, port);
	if (pending && !bitmap_test_and_set(&s->vcpu_info[0].evtchn_pending_sel,
					    port / BITS_PER_WORD)) {
		selector = true;
		upcall = evtchn_mark_events_pending(d);
	}

	struct json_object *ev = trace_event(d->domid, "evtchn_unmask");
	json_object_object_add(ev, "port", json_object_new_int64(port));
	json_object_object_add(ev, "abi", json_object_new_string("2l"));
	json_object_object_add(ev, "pending", json_object_new_boolean(pending));
	json_object_object_add(ev, "selector", json_object_new_boolean(selector));
	json_object_object_add(ev, "upcall", json_object_new_boolean(upcall));
	trace_emit(ev);
}

long evtchn_unmask_op(struct domain *d, struct evtchn_unmask *op)
{
	struct port *p = port_lookup(d, op->port);

	if (!p)
		return -EINVAL;
	/* Xen leaves the mask of a free or reserved port alone */
	if (!port_usable(p))
		return 0;
	if (d->evtchn->fifo)
		evtchn_fifo_unmask(d, d->evtchn->fifo, op->port, &p->fifo);
	else
		unmask_2l(d, op->port);
	return 0;
}

/* FIFO ------------------------------------------------------------------ */

/*
 * The switch to FIFO (setup_ports): every port of the 2-level range
 * keeps its pending state, saved until its event word exists (the array
 * starts with no page), and goes to the default priority.  Only up to
 * the 2-level limit, as Xen since XSA-342.
 */
static void carry_ports_to_fifo(struct domain *d, unsigned int prev_ports,
				unsigned int *carried, unsigned int *saved)
{
	struct shared_info *s = d->shared_info;

	for (evtchn_port_t port = 1; port < prev_ports && port < d->evtchn->valid_ports; port++) {
		struct port *p = port_at(d->evtchn, port);

		if (s && bitmap_test(s->evtchn_pending, port)) {
			p->fifo.pending = true;
			(*saved)++;
		}
		p->fifo.priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
		if (p->state != PORT_FREE)
			(*carried)++;
	}
}

/*
 * EVTCHNOP_init_control: the first call (vCPU 0's, the only one) makes
 * the domain FIFO; any later one finds vCPU 0's control block mapped
 * already (-EINVAL).  link_bits is written back only on success, as
 * Xen copies the struct back only then.
 */
static long init_control(struct domain *d, struct evtchn_init_control *op)
{
	struct evtchn_fifo *f;
	unsigned int carried = 0, saved = 0;
	long rc = evtchn_fifo_check_control(op);

	if (rc)
		return rc;
	if (d->evtchn->fifo)
		return -EINVAL;
	rc = evtchn_fifo_create(d, op, &f);
	if (rc)
		return rc;
	d->evtchn->fifo = f;
	carry_ports_to_fifo(d, HVSIM_EVTCHN_PORTS, &carried, &saved);
	op->link_bits = EVTCHN_FIFO_LINK_BITS;

	struct json_object *ev = trace_event(d->domid, "evtchn_fifo_init");
	json_object_object_add(ev, "abi", json_object_new_string("fifo"));
	json_object_object_add(ev, "control_gfn", json_object_new_uint64(op->control_gfn));
	json_object_object_add(ev, "offset", json_object_new_int64(op->offset));
	json_object_object_add(ev, "ports", json_object_new_int64(carried));
	json_object_object_add(ev, "saved_pending", json_object_new_int64(saved));
	trace_emit(ev);
	return 0;
}

/*
 * EVTCHNOP_expand_array: a 2-level domain gets -EOPNOTSUPP.  The ports
 * the new page covers that went pending without a word are raised now
 * (Xen does not check their state, nor clear the saved flag).
 */
static long expand_array(struct domain *d, struct evtchn_expand_array *op)
{
	struct evtchn_fifo *f = d->evtchn->fifo;
	evtchn_port_t first = 0;
	long rc;

	if (!f)
		return -EOPNOTSUPP;
	rc = evtchn_fifo_expand(d, f, op->array_gfn, &first);
	if (rc)
		return rc;

	struct json_object *ev = trace_event(d->domid, "evtchn_fifo_expand");
	json_object_object_add(ev, "array_gfn", json_object_new_uint64(op->array_gfn));
	json_object_object_add(ev, "pages", json_object_new_int64(evtchn_fifo_nr_pages(f)));
	json_object_object_add(ev, "ports", json_object_new_int64(evtchn_fifo_nr_words(f)));
	trace_emit(ev);

	for (evtchn_port_t port = first;
	     port < evtchn_fifo_nr_words(f) && port < d->evtchn->valid_ports; port++) {
		struct port *p = port_at(d->evtchn, port);

		if (p->fifo.pending)
			evtchn_fifo_set_pending(d, f, port, &p->fifo);
	}
	return 0;
}

/*
 * EVTCHNOP_set_priority: -EINVAL for a port beyond the buckets, then
 * -ENOSYS for a 2-level domain, -EACCES for a free port, -EINVAL for a
 * priority above EVTCHN_FIFO_PRIORITY_MIN (evtchn_port_set_priority).
 */
static long set_priority(struct domain *d, struct evtchn_set_priority *op)
{
	struct port *p = port_lookup(d, op->port);

	if (!p)
		return -EINVAL;
	if (!d->evtchn->fifo)
		return -ENOSYS;
	if (!port_usable(p))
		return -EACCES;
	return evtchn_fifo_set_priority(d, d->evtchn->fifo, op->port, &p->fifo, op->priority);
}

/* Back to 2-level (reset, death): the guest's pages are left as they are. */
static void fifo_destroy(struct domain *d, const char *why)
{
	if (!d->evtchn->fifo)
		return;
	evtchn_fifo_destroy(d->evtchn->fifo);
	d->evtchn->fifo = NULL;

	struct json_object *ev = trace_event(d->domid, "evtchn_fifo_destroy");
	json_object_object_add(ev, "abi", json_object_new_string("2l"));
	json_object_object_add(ev, "by", json_object_new_string(why));
	trace_emit(ev);
}

/*
 * EVTCHNOP_reset and reset_cont.  Xen resets another domain only while its
 * toolstack has it paused (controller_pause_count); hvsim has no pausing,
 * so that case always meets Xen's -EINVAL.  A reset here is never
 * preempted, so reset_cont never finds one in progress: -EBUSY, as Xen.
 */
static long reset(struct domain *d, struct evtchn_reset *op, bool resuming)
{
	struct domain *t = domain_by_any_id(d, op->dom);

	if (!t)
		return -ESRCH;
	if (!domain_may_act_on(d, t))
		return -EPERM;
	if (t != d)
		return -EINVAL;
	if (resuming)
		return -EBUSY;
	for (evtchn_port_t port = 1; port < t->evtchn->valid_ports; port++)
		if (port_at(t->evtchn, port)->state != PORT_FREE)
			port_close(t, port);
	/* every port closed: back to 2-level (Xen: -EAGAIN if one was still open) */
	fifo_destroy(t, "reset");
	return 0;
}

long evtchn_reset_op(struct domain *d, struct evtchn_reset *op)
{
	return reset(d, op, false);
}

long evtchn_op(struct domain *d, unsigned int cmd, void *arg)
{
	if (!hvsim_hypercall_op_size(__HYPERVISOR_event_channel_op, cmd))
		return -ENOSYS;
	if (!arg)
		return -EFAULT;     /* Xen's copy_from_guest failing */
	if (!d->evtchn)
		return -ESRCH;

	switch (cmd) {
	case EVTCHNOP_alloc_unbound:    return evtchn_alloc_unbound_op(d, arg);
	case EVTCHNOP_bind_interdomain: return evtchn_bind_interdomain_op(d, arg);
	case EVTCHNOP_bind_virq:        return evtchn_bind_virq_op(d, arg);
	case EVTCHNOP_bind_ipi:         return bind_ipi(d, arg);
	case EVTCHNOP_bind_pirq:        return bind_pirq(d, arg);
	case EVTCHNOP_bind_vcpu:        return bind_vcpu(d, arg);
	case EVTCHNOP_close:            return evtchn_close_op(d, arg);
	case EVTCHNOP_send:             return evtchn_send_op(d, arg);
	case EVTCHNOP_status:           return evtchn_status_op(d, arg);
	case EVTCHNOP_unmask:           return evtchn_unmask_op(d, arg);
	case EVTCHNOP_reset:            return reset(d, arg, false);
	case EVTCHNOP_reset_cont:       return reset(d, arg, true);
	case EVTCHNOP_init_control:     return init_control(d, arg);
	case EVTCHNOP_expand_array:     return expand_array(d, arg);
	case EVTCHNOP_set_priority:     return set_priority(d, arg);
	}
	return -ENOSYS;
}

/* Hypervisor side ----------------------------------------------------- */

int evtchn_domain_init(struct domain *d)
{
	struct evtchn_domain *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->bucket[0] = calloc(PORTS_PER_BUCKET, sizeof(struct port));
	if (!e->bucket[0]) {
		free(e);
		return -ENOMEM;
	}
	e->valid_ports = PORTS_PER_BUCKET;
	e->bucket[0][0].state = PORT_RESERVED;
	d->evtchn = e;
	return 0;
}

void evtchn_domain_fini(struct domain *d)
{
	struct evtchn_domain *e = d->evtchn;

	if (!e)
		return;
	if (e->fifo)
		evtchn_fifo_destroy(e->fifo);
	for (unsigned int b = 0; b < e->valid_ports / PORTS_PER_BUCKET; b++)
		free(e->bucket[b]);
	free(e);
	d->evtchn = NULL;
}

bool evtchn_is_fifo(const struct domain *d)
{
	return d->evtchn && d->evtchn->fifo;
}

/*
 * send_global_virq: global VIRQs go to the hardware domain (Xen's
 * set_global_virq_handler, a domctl, has no counterpart in hvsim).  A domU
 * may bind a global VIRQ, as in Xen, but never receives it.
 */
void evtchn_send_global_virq(unsigned int virq)
{
	struct domain *d0 = domain_by_id(0);
	evtchn_port_t port;

	if (virq >= NR_VIRQS || !virq_is_global(virq) || !d0 || !d0->evtchn)
		return;
	port = d0->evtchn->virq_port[virq];
	if (port)
		set_pending(d0, port);
}

/*
 * evtchn_destroy: highest port first, as Xen walks them; then the FIFO
 * state goes (a dying domain's pages may go soon after).  dom0, whose
 * kernel may attach again, starts again from 2-level.
 */
void evtchn_close_all(struct domain *d)
{
	if (!d->evtchn)
		return;
	for (evtchn_port_t port = d->evtchn->valid_ports - 1; port > 0; port--)
		if (port_at(d->evtchn, port)->state != PORT_FREE)
			port_close(d, port);
	fifo_destroy(d, "close_all");
}

struct json_object *evtchn_dump(struct domain *d)
{
	struct json_object *out = json_object_new_object();
	struct json_object *ports = json_object_new_array();
	struct json_object *linked_free = json_object_new_array();
	struct shared_info *s = d->shared_info;
	struct evtchn_fifo *f = d->evtchn ? d->evtchn->fifo : NULL;

	json_object_object_add(out, "abi", json_object_new_string(abi_name(d)));
	for (evtchn_port_t port = 1; d->evtchn && port < d->evtchn->valid_ports; port++) {
		const struct port *p = port_at(d->evtchn, port);
		struct json_object *o;

		if (p->state == PORT_FREE) {
			if (f && evtchn_fifo_is_busy(f, port))
				json_object_array_add(linked_free, json_object_new_int64(port));
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "port", json_object_new_int64(port));
		json_object_object_add(o, "state", json_object_new_string(state_name(p->state)));
		if (p->state == PORT_UNBOUND || p->state == PORT_INTERDOMAIN)
			json_object_object_add(o, "remote_dom", json_object_new_int(p->remote_dom));
		if (p->state == PORT_INTERDOMAIN)
			json_object_object_add(o, "remote_port",
					       json_object_new_int64(p->remote_port));
		if (p->state == PORT_VIRQ)
			json_object_object_add(o, "virq", json_object_new_int64(p->virq));
		json_object_object_add(o, "pending", json_object_new_boolean(is_pending(d, port)));
		json_object_object_add(o, "masked", json_object_new_boolean(is_masked(d, port)));
		if (f)
			evtchn_fifo_dump_port(f, port, &p->fifo, o);
		json_object_array_add(ports, o);
	}
	json_object_object_add(out, "ports", ports);
	if (f) {
		/* closed, but still on a queue: not handed out until unlinked */
		json_object_object_add(out, "linked_free", linked_free);
		evtchn_fifo_dump(f, out);
	} else {
		json_object_put(linked_free);
	}
	json_object_object_add(out, "upcall_pending", json_object_new_boolean(
		s && __atomic_load_n(&s->vcpu_info[0].evtchn_upcall_pending,
				     __ATOMIC_SEQ_CST)));
	json_object_object_add(out, "pending_sel", json_object_new_uint64(
		s ? __atomic_load_n(&s->vcpu_info[0].evtchn_pending_sel,
				    __ATOMIC_SEQ_CST) : 0));
	return out;
}
