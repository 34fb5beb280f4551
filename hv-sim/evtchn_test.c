// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event channels: every op's results and status codes as Xen 4.17 gives
 * them, the 2-level bit order in the shared page, the eventfd kick, and
 * domain death.  The guest side is played by the test, on the same shared
 * words the guest kernel would use.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "evtchn.h"
#include "hvsim/hypercall_ops.h"
#include "test_support.h"
#include "trace.h"

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

static struct domain *dom0, *alice, *bob;

static void setup(void)
{
	hvtest_reset();
	dom0 = hvtest_domain("Domain-0");
	alice = hvtest_domain("alice");
	bob = hvtest_domain("bob");
}

static void teardown(void)
{
	domain_destroy_all();
}

/* The guest's view -------------------------------------------------- */

static struct shared_info *si(struct domain *d)
{
	return d->shared_info;
}

static bool word_bit(const xen_ulong_t *map, unsigned int nr)
{
	return __atomic_load_n(&map[nr / BITS_PER_WORD], __ATOMIC_SEQ_CST) &
		((xen_ulong_t)1 << (nr % BITS_PER_WORD));
}

static bool is_pending(struct domain *d, evtchn_port_t port)
{
	return word_bit(si(d)->evtchn_pending, port);
}

static bool is_masked(struct domain *d, evtchn_port_t port)
{
	return word_bit(si(d)->evtchn_mask, port);
}

static bool selector(struct domain *d, evtchn_port_t port)
{
	return word_bit(&si(d)->vcpu_info[0].evtchn_pending_sel, port / BITS_PER_WORD);
}

static bool upcall_pending(struct domain *d)
{
	return __atomic_load_n(&si(d)->vcpu_info[0].evtchn_upcall_pending,
			       __ATOMIC_SEQ_CST);
}

static void guest_mask(struct domain *d, evtchn_port_t port)
{
	__atomic_fetch_or(&si(d)->evtchn_mask[port / BITS_PER_WORD],
			  (xen_ulong_t)1 << (port % BITS_PER_WORD), __ATOMIC_SEQ_CST);
}

static void guest_clear_pending(struct domain *d, evtchn_port_t port)
{
	__atomic_fetch_and(&si(d)->evtchn_pending[port / BITS_PER_WORD],
			   ~((xen_ulong_t)1 << (port % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
}

/* What the guest's upcall handler does before it scans. */
static void guest_ack_upcall(struct domain *d)
{
	__atomic_store_n(&si(d)->vcpu_info[0].evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&si(d)->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

/* Starts a test from a quiet state: nothing pending, no kick queued. */
static void quiesce(struct domain *d)
{
	memset(si(d)->evtchn_pending, 0, sizeof(si(d)->evtchn_pending));
	guest_ack_upcall(d);
	hvtest_take_kicks(d);
}

/* Ops ---------------------------------------------------------------- */

static long alloc_unbound(struct domain *d, domid_t dom, domid_t remote,
			  evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = { .dom = dom, .remote_dom = remote };
	long rc = evtchn_op(d, EVTCHNOP_alloc_unbound, &op);

	if (port)
		*port = op.port;
	return rc;
}

static evtchn_port_t must_alloc(struct domain *d, domid_t remote)
{
	evtchn_port_t port = 0;
	long rc = alloc_unbound(d, DOMID_SELF, remote, &port);

	ck_assert_msg(rc == 0, "alloc_unbound in dom%u = %ld", d->domid, rc);
	ck_assert_uint_ne(port, 0);
	return port;
}

static long bind_interdomain(struct domain *d, domid_t rdom, evtchn_port_t rport,
			     evtchn_port_t *lport)
{
	struct evtchn_bind_interdomain op = { .remote_dom = rdom, .remote_port = rport };
	long rc = evtchn_op(d, EVTCHNOP_bind_interdomain, &op);

	if (lport)
		*lport = op.local_port;
	return rc;
}

static evtchn_port_t must_bind(struct domain *d, domid_t rdom, evtchn_port_t rport)
{
	evtchn_port_t lport = 0;
	long rc = bind_interdomain(d, rdom, rport, &lport);

	ck_assert_msg(rc == 0, "bind_interdomain(dom%u -> %u:%u) = %ld",
		      d->domid, rdom, rport, rc);
	return lport;
}

static long bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_virq op = { .virq = virq, .vcpu = vcpu };
	long rc = evtchn_op(d, EVTCHNOP_bind_virq, &op);

	if (port)
		*port = op.port;
	return rc;
}

static long ev_close(struct domain *d, evtchn_port_t port)
{
	struct evtchn_close op = { .port = port };

	return evtchn_op(d, EVTCHNOP_close, &op);
}

static long ev_send(struct domain *d, evtchn_port_t port)
{
	struct evtchn_send op = { .port = port };

	return evtchn_op(d, EVTCHNOP_send, &op);
}

static long ev_unmask(struct domain *d, evtchn_port_t port)
{
	struct evtchn_unmask op = { .port = port };

	return evtchn_op(d, EVTCHNOP_unmask, &op);
}

static long ev_status(struct domain *d, domid_t dom, evtchn_port_t port,
		      struct evtchn_status *out)
{
	*out = (struct evtchn_status){ .dom = dom, .port = port };
	return evtchn_op(d, EVTCHNOP_status, out);
}

static void expect_status(struct domain *d, evtchn_port_t port, uint32_t status,
			  domid_t rdom, evtchn_port_t rport)
{
	struct evtchn_status st;

	ck_assert_int_eq(ev_status(d, DOMID_SELF, port, &st), 0);
	ck_assert_msg(st.status == status, "dom%u port %u: status %u, expected %u",
		      d->domid, port, st.status, status);
	ck_assert_uint_eq(st.vcpu, 0);
	if (status == EVTCHNSTAT_unbound)
		ck_assert_uint_eq(st.u.unbound.dom, rdom);
	if (status == EVTCHNSTAT_interdomain) {
		ck_assert_uint_eq(st.u.interdomain.dom, rdom);
		ck_assert_uint_eq(st.u.interdomain.port, rport);
	}
}

/* alloc_unbound ------------------------------------------------------- */

START_TEST(alloc_unbound_self)
{
	evtchn_port_t p1, p2;

	ck_assert_int_eq(alloc_unbound(alice, DOMID_SELF, bob->domid, &p1), 0);
	ck_assert_uint_eq(p1, 1);            /* port 0 is never handed out */
	ck_assert_int_eq(alloc_unbound(alice, alice->domid, DOMID_SELF, &p2), 0);
	ck_assert_uint_eq(p2, 2);
	expect_status(alice, p1, EVTCHNSTAT_unbound, bob->domid, 0);
	/* DOMID_SELF as remote is resolved to the caller */
	expect_status(alice, p2, EVTCHNSTAT_unbound, alice->domid, 0);
	/* a fresh port is neither pending nor masked, and nobody was kicked */
	ck_assert(!is_pending(alice, p1));
	ck_assert(!is_masked(alice, p1));
	ck_assert_uint_eq(hvtest_take_kicks(alice), 0);
}
END_TEST

START_TEST(alloc_unbound_errors)
{
	evtchn_port_t port;
	struct evtchn_status st;

	ck_assert_int_eq(alloc_unbound(alice, 999, DOMID_SELF, NULL), -ESRCH);
	ck_assert_int_eq(alloc_unbound(alice, DOMID_IO, DOMID_SELF, NULL), -ESRCH);
	/* a domU may not allocate in another domain's space */
	ck_assert_int_eq(alloc_unbound(alice, bob->domid, alice->domid, NULL), -EPERM);
	ck_assert_int_eq(alloc_unbound(alice, dom0->domid, alice->domid, NULL), -EPERM);
	ck_assert_int_eq(ev_status(bob, DOMID_SELF, 1, &st), 0);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
	/* dom0 may (XSM default: the control domain); DOMID_SELF is dom0 then */
	ck_assert_int_eq(alloc_unbound(dom0, bob->domid, DOMID_SELF, &port), 0);
	expect_status(bob, port, EVTCHNSTAT_unbound, dom0->domid, 0);
	ck_assert_int_eq(alloc_unbound(dom0, alice->domid, bob->domid, &port), 0);
	expect_status(alice, port, EVTCHNSTAT_unbound, bob->domid, 0);
}
END_TEST

/*
 * A domU gets libxl's max_evtchn_port, 1023: ports 1 to 1023, then -ENOSPC
 * (Xen's evtchn_allocate_port); dom0's is INT_MAX.  The domain's setting
 * is honoured, and caps nothing above the ABI's own limit.
 */
START_TEST(max_evtchn_port_bounds_a_domu)
{
	evtchn_port_t port = 0;

	ck_assert_uint_eq(alice->max_evtchn_port, HVSIM_DOMU_MAX_EVTCHN_PORT);
	ck_assert_uint_eq(dom0->max_evtchn_port, INT_MAX);
	for (unsigned int i = 1; i <= HVSIM_DOMU_MAX_EVTCHN_PORT; i++)
		ck_assert_int_eq(alloc_unbound(alice, DOMID_SELF, bob->domid, &port), 0);
	ck_assert_uint_eq(port, HVSIM_DOMU_MAX_EVTCHN_PORT);
	ck_assert_int_eq(alloc_unbound(alice, DOMID_SELF, bob->domid, NULL), -ENOSPC);
	ck_assert_int_eq(bind_virq(alice, VIRQ_TIMER, 0, NULL), -ENOSPC);
	/* dom0 allocating in alice's space meets alice's limit too */
	ck_assert_int_eq(alloc_unbound(dom0, alice->domid, bob->domid, NULL), -ENOSPC);
	ck_assert_int_eq(ev_close(alice, 7), 0);
	ck_assert_int_eq(alloc_unbound(alice, DOMID_SELF, bob->domid, &port), 0);
	ck_assert_uint_eq(port, 7);

	/* event_channels = 3: ports 1 to 3 */
	evtchn_set_max_port(bob, 3);
	for (unsigned int i = 1; i <= 3; i++)
		ck_assert_uint_eq(must_alloc(bob, alice->domid), i);
	ck_assert_int_eq(alloc_unbound(bob, DOMID_SELF, alice->domid, NULL), -ENOSPC);
	/* -1 is clamped to INT_MAX, as evtchn_init does */
	evtchn_set_max_port(bob, UINT32_MAX);
	ck_assert_uint_eq(bob->max_evtchn_port, INT_MAX);
	ck_assert_uint_eq(must_alloc(bob, alice->domid), 4);
}
END_TEST

START_TEST(port_exhaustion)
{
	evtchn_port_t port = 0;

	evtchn_set_max_port(alice, UINT32_MAX);   /* only the ABI limits it */
	for (unsigned int i = 1; i < HVSIM_EVTCHN_PORTS; i++) {
		ck_assert_int_eq(alloc_unbound(alice, DOMID_SELF, bob->domid, &port), 0);
		ck_assert_uint_eq(port, i);
	}
	ck_assert_int_eq(alloc_unbound(alice, DOMID_SELF, bob->domid, NULL), -ENOSPC);
	ck_assert_int_eq(bind_virq(alice, VIRQ_TIMER, 0, NULL), -ENOSPC);
	ck_assert_int_eq(bind_interdomain(alice, DOMID_SELF, 5, NULL), -ENOSPC);
	/* a closed port is the next one handed out */
	ck_assert_int_eq(ev_close(alice, 1234), 0);
	ck_assert_int_eq(alloc_unbound(alice, DOMID_SELF, bob->domid, &port), 0);
	ck_assert_uint_eq(port, 1234);
	/* bob's space is his own */
	ck_assert_uint_eq(must_alloc(bob, alice->domid), 1);
}
END_TEST

/* Xen allocates ports in buckets of 64: beyond them a port is invalid. */
START_TEST(port_validity_follows_buckets)
{
	struct evtchn_status st;

	ck_assert_int_eq(ev_status(alice, DOMID_SELF, 0, &st), 0);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);     /* reserved */
	ck_assert_int_eq(ev_status(alice, DOMID_SELF, 63, &st), 0);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
	ck_assert_int_eq(ev_status(alice, DOMID_SELF, 64, &st), -EINVAL);
	ck_assert_int_eq(ev_unmask(alice, 64), -EINVAL);
	ck_assert_int_eq(ev_unmask(alice, 63), 0);
	for (unsigned int i = 1; i <= 64; i++)
		must_alloc(alice, bob->domid);
	ck_assert_int_eq(ev_status(alice, DOMID_SELF, 127, &st), 0);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
	ck_assert_int_eq(ev_status(alice, DOMID_SELF, 128, &st), -EINVAL);
	ck_assert_int_eq(ev_status(alice, DOMID_SELF, HVSIM_EVTCHN_PORTS, &st), -EINVAL);
	ck_assert_int_eq(ev_status(alice, DOMID_SELF, 0xffffffffu, &st), -EINVAL);
}
END_TEST

/* bind_interdomain ---------------------------------------------------- */

START_TEST(bind_interdomain_connects_and_notifies)
{
	evtchn_port_t rport = must_alloc(alice, bob->domid);
	evtchn_port_t lport;

	quiesce(bob);
	lport = must_bind(bob, alice->domid, rport);
	expect_status(bob, lport, EVTCHNSTAT_interdomain, alice->domid, rport);
	expect_status(alice, rport, EVTCHNSTAT_interdomain, bob->domid, lport);
	/* Xen sets the new local port pending, in the 2-level order */
	ck_assert(is_pending(bob, lport));
	ck_assert(selector(bob, lport));
	ck_assert(upcall_pending(bob));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 1);
	/* and not the remote end */
	ck_assert(!is_pending(alice, rport));
	ck_assert(!upcall_pending(alice));
	ck_assert_uint_eq(hvtest_take_kicks(alice), 0);
}
END_TEST

START_TEST(bind_interdomain_errors)
{
	evtchn_port_t for_bob = must_alloc(alice, bob->domid);
	evtchn_port_t for_dom0 = must_alloc(alice, dom0->domid);
	evtchn_port_t lport;

	ck_assert_int_eq(bind_interdomain(bob, 999, for_bob, NULL), -ESRCH);
	ck_assert_int_eq(bind_interdomain(bob, alice->domid, 4000, NULL), -EINVAL);
	ck_assert_int_eq(bind_interdomain(bob, alice->domid, 0, NULL), -EINVAL);
	/* free port, in range */
	ck_assert_int_eq(bind_interdomain(bob, alice->domid, 10, NULL), -EINVAL);
	/* offered to someone else, even to the privileged domain's benefit */
	ck_assert_int_eq(bind_interdomain(bob, alice->domid, for_dom0, NULL), -EINVAL);
	ck_assert_int_eq(bind_interdomain(dom0, alice->domid, for_bob, NULL), -EINVAL);
	/* bound already */
	lport = must_bind(bob, alice->domid, for_bob);
	ck_assert_int_eq(bind_interdomain(bob, alice->domid, for_bob, NULL), -EINVAL);
	/* a VIRQ port is not unbound */
	evtchn_port_t vport;
	ck_assert_int_eq(bind_virq(alice, VIRQ_DEBUG, 0, &vport), 0);
	ck_assert_int_eq(bind_interdomain(bob, alice->domid, vport, NULL), -EINVAL);
	/* failed binds leave no port behind: bob's next port follows lport */
	ck_assert_uint_eq(must_alloc(bob, alice->domid), lport + 1);
}
END_TEST

START_TEST(bind_interdomain_loopback)
{
	evtchn_port_t a = must_alloc(alice, DOMID_SELF);
	evtchn_port_t b;

	quiesce(alice);
	b = must_bind(alice, DOMID_SELF, a);
	ck_assert_uint_ne(a, b);
	expect_status(alice, a, EVTCHNSTAT_interdomain, alice->domid, b);
	expect_status(alice, b, EVTCHNSTAT_interdomain, alice->domid, a);
	ck_assert(is_pending(alice, b));
	guest_clear_pending(alice, b);
	ck_assert_int_eq(ev_send(alice, b), 0);
	ck_assert(is_pending(alice, a));
	ck_assert_int_eq(ev_send(alice, a), 0);
	ck_assert(is_pending(alice, b));
	ck_assert_int_eq(ev_close(alice, a), 0);
	expect_status(alice, b, EVTCHNSTAT_unbound, alice->domid, 0);
}
END_TEST

/* bind_virq ------------------------------------------------------------ */

START_TEST(bind_virq_results)
{
	evtchn_port_t port, timer;
	struct evtchn_status st;

	ck_assert_int_eq(bind_virq(dom0, VIRQ_DOM_EXC, 0, &port), 0);
	ck_assert_uint_eq(port, 1);
	ck_assert_int_eq(ev_status(dom0, DOMID_SELF, port, &st), 0);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_virq);
	ck_assert_uint_eq(st.u.virq, VIRQ_DOM_EXC);
	ck_assert_int_eq(bind_virq(dom0, VIRQ_DOM_EXC, 0, NULL), -EEXIST);
	ck_assert_int_eq(bind_virq(dom0, NR_VIRQS, 0, NULL), -EINVAL);
	ck_assert_int_eq(bind_virq(dom0, 0x80000000u, 0, NULL), -EINVAL);
	/* a global VIRQ on another vCPU is -EINVAL, a per-vCPU one -ENOENT */
	ck_assert_int_eq(bind_virq(dom0, VIRQ_CONSOLE, 1, NULL), -EINVAL);
	ck_assert_int_eq(bind_virq(dom0, VIRQ_TIMER, 1, NULL), -ENOENT);
	ck_assert_int_eq(bind_virq(dom0, VIRQ_TIMER, 0, &timer), 0);
	ck_assert_uint_eq(timer, 2);
	/* Xen 4.17 lets a domU bind a global VIRQ; only dom0 will receive it */
	ck_assert_int_eq(bind_virq(alice, VIRQ_DOM_EXC, 0, &port), 0);
	/* a VIRQ port cannot be sent on */
	ck_assert_int_eq(ev_send(alice, port), -EINVAL);
	/* closing it frees the VIRQ for binding again */
	ck_assert_int_eq(ev_close(alice, port), 0);
	ck_assert_int_eq(bind_virq(alice, VIRQ_DOM_EXC, 0, NULL), 0);
}
END_TEST

START_TEST(global_virq_goes_to_dom0)
{
	evtchn_port_t d0port, aport;

	evtchn_send_global_virq(VIRQ_DOM_EXC);   /* unbound: nothing happens */
	ck_assert_uint_eq(hvtest_take_kicks(dom0), 0);
	ck_assert(!upcall_pending(dom0));

	ck_assert_int_eq(bind_virq(alice, VIRQ_DOM_EXC, 0, &aport), 0);
	ck_assert_int_eq(bind_virq(dom0, VIRQ_DOM_EXC, 0, &d0port), 0);
	evtchn_send_global_virq(VIRQ_DOM_EXC);
	ck_assert(is_pending(dom0, d0port));
	ck_assert(upcall_pending(dom0));
	ck_assert_uint_eq(hvtest_take_kicks(dom0), 1);
	ck_assert(!is_pending(alice, aport));
	ck_assert_uint_eq(hvtest_take_kicks(alice), 0);
	/* a per-vCPU or out-of-range VIRQ is not global */
	evtchn_send_global_virq(VIRQ_TIMER);
	evtchn_send_global_virq(NR_VIRQS);
}
END_TEST

/* close ----------------------------------------------------------------- */

START_TEST(close_returns_peer_to_unbound)
{
	evtchn_port_t rport = must_alloc(alice, bob->domid);
	evtchn_port_t lport = must_bind(bob, alice->domid, rport);

	ck_assert(is_pending(bob, lport));
	ck_assert_int_eq(ev_close(bob, lport), 0);
	/* the closed port loses its pending bit; the peer is offered to bob */
	ck_assert(!is_pending(bob, lport));
	expect_status(bob, lport, EVTCHNSTAT_closed, 0, 0);
	expect_status(alice, rport, EVTCHNSTAT_unbound, bob->domid, 0);
	/* alice's send now goes nowhere, silently */
	quiesce(bob);
	ck_assert_int_eq(ev_send(alice, rport), 0);
	ck_assert(!is_pending(bob, lport));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 0);
	/* and bob can bind it again */
	lport = must_bind(bob, alice->domid, rport);
	expect_status(alice, rport, EVTCHNSTAT_interdomain, bob->domid, lport);
}
END_TEST

START_TEST(close_errors)
{
	evtchn_port_t port = must_alloc(alice, bob->domid);

	ck_assert_int_eq(ev_close(alice, 0), -EINVAL);
	ck_assert_int_eq(ev_close(alice, port + 1), -EINVAL);      /* free */
	ck_assert_int_eq(ev_close(alice, 64), -EINVAL);            /* beyond */
	ck_assert_int_eq(ev_close(alice, 0xffffffffu), -EINVAL);
	ck_assert_int_eq(ev_close(alice, port), 0);
	ck_assert_int_eq(ev_close(alice, port), -EINVAL);          /* twice */
	/* a port keeps its mask bit across close: Xen leaves it to the guest */
	guest_mask(alice, port);
	ck_assert_uint_eq(must_alloc(alice, bob->domid), port);
	ck_assert(is_masked(alice, port));
}
END_TEST

/* send -------------------------------------------------------------------- */

START_TEST(send_results)
{
	evtchn_port_t rport = must_alloc(alice, bob->domid);
	evtchn_port_t unbound = must_alloc(alice, bob->domid);
	evtchn_port_t lport = must_bind(bob, alice->domid, rport);

	quiesce(alice);
	quiesce(bob);
	ck_assert_int_eq(ev_send(alice, rport), 0);
	ck_assert(is_pending(bob, lport));
	ck_assert(!is_pending(alice, rport));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 1);
	ck_assert_int_eq(ev_send(bob, lport), 0);
	ck_assert(is_pending(alice, rport));
	ck_assert_uint_eq(hvtest_take_kicks(alice), 1);

	quiesce(alice);
	ck_assert_int_eq(ev_send(alice, unbound), 0);   /* dropped */
	ck_assert(!is_pending(alice, unbound));
	ck_assert_uint_eq(hvtest_take_kicks(alice), 0);
	ck_assert_uint_eq(hvtest_take_kicks(bob), 0);

	ck_assert_int_eq(ev_send(alice, 0), -EINVAL);
	ck_assert_int_eq(ev_send(alice, 30), -EINVAL);  /* free */
	ck_assert_int_eq(ev_send(alice, 64), -EINVAL);  /* beyond */
}
END_TEST

/* The 2-level order --------------------------------------------------------- */

START_TEST(set_pending_order)
{
	evtchn_port_t rport = must_alloc(alice, bob->domid);
	evtchn_port_t lport = must_bind(bob, alice->domid, rport);

	quiesce(bob);
	/* already pending: nothing else is touched */
	ck_assert_int_eq(ev_send(alice, rport), 0);
	ck_assert_uint_eq(hvtest_take_kicks(bob), 1);
	guest_ack_upcall(bob);
	ck_assert_int_eq(ev_send(alice, rport), 0);
	ck_assert(is_pending(bob, lport));
	ck_assert(!selector(bob, lport));
	ck_assert(!upcall_pending(bob));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 0);

	/* masked: only the pending bit */
	quiesce(bob);
	guest_mask(bob, lport);
	ck_assert_int_eq(ev_send(alice, rport), 0);
	ck_assert(is_pending(bob, lport));
	ck_assert(!selector(bob, lport));
	ck_assert(!upcall_pending(bob));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 0);
}
END_TEST

START_TEST(set_pending_selector_and_upcall_already_set)
{
	evtchn_port_t r1 = must_alloc(alice, bob->domid);
	evtchn_port_t l1 = must_bind(bob, alice->domid, r1);
	evtchn_port_t r2, l2;

	/* ports 1 and 70: different selector words */
	for (unsigned int i = 2; i < 70; i++)
		must_alloc(bob, dom0->domid);
	r2 = must_alloc(alice, bob->domid);
	l2 = must_bind(bob, alice->domid, r2);
	ck_assert_uint_eq(l2, 70);

	quiesce(bob);
	ck_assert_int_eq(ev_send(alice, r1), 0);
	ck_assert(selector(bob, l1));
	ck_assert(!selector(bob, l2));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 1);
	/* the upcall is still pending (guest has not scanned): the selector
	 * bit is set, but no second kick */
	ck_assert_int_eq(ev_send(alice, r2), 0);
	ck_assert(selector(bob, l2));
	ck_assert(upcall_pending(bob));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 0);
	/* selector already set, upcall cleared by the guest: no upcall either */
	__atomic_store_n(&si(bob)->vcpu_info[0].evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	guest_clear_pending(bob, l2);
	ck_assert_int_eq(ev_send(alice, r2), 0);
	ck_assert(!upcall_pending(bob));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 0);
}
END_TEST

/* unmask ------------------------------------------------------------------ */

START_TEST(unmask_pending_raises_upcall)
{
	evtchn_port_t rport = must_alloc(alice, bob->domid);
	evtchn_port_t lport = must_bind(bob, alice->domid, rport);

	quiesce(bob);
	guest_mask(bob, lport);
	ck_assert_int_eq(ev_send(alice, rport), 0);
	ck_assert_uint_eq(hvtest_take_kicks(bob), 0);
	ck_assert_int_eq(ev_unmask(bob, lport), 0);
	ck_assert(!is_masked(bob, lport));
	ck_assert(is_pending(bob, lport));
	ck_assert(selector(bob, lport));
	ck_assert(upcall_pending(bob));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 1);
}
END_TEST

START_TEST(unmask_without_delivery)
{
	evtchn_port_t rport = must_alloc(alice, bob->domid);
	evtchn_port_t lport = must_bind(bob, alice->domid, rport);
	evtchn_port_t free_port = lport + 1;

	/* masked, not pending: unmasked, nothing raised */
	quiesce(bob);
	guest_mask(bob, lport);
	ck_assert_int_eq(ev_unmask(bob, lport), 0);
	ck_assert(!is_masked(bob, lport));
	ck_assert(!selector(bob, lport));
	ck_assert(!upcall_pending(bob));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 0);

	/* pending but not masked: Xen only acts on a mask bit it cleared */
	__atomic_fetch_or(&si(bob)->evtchn_pending[0], (xen_ulong_t)1 << lport,
			  __ATOMIC_SEQ_CST);
	ck_assert_int_eq(ev_unmask(bob, lport), 0);
	ck_assert(!selector(bob, lport));
	ck_assert(!upcall_pending(bob));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 0);

	/* a free port's mask bit is left alone; beyond the buckets, -EINVAL */
	guest_mask(bob, free_port);
	ck_assert_int_eq(ev_unmask(bob, free_port), 0);
	ck_assert(is_masked(bob, free_port));
	ck_assert_int_eq(ev_unmask(bob, 0), 0);
	ck_assert_int_eq(ev_unmask(bob, 4095), -EINVAL);
	ck_assert_int_eq(ev_unmask(bob, 0xffffffffu), -EINVAL);
}
END_TEST

/*
 * Linux's evtchn_2l_unmask on an HVM/PVH guest: clear the mask, test
 * pending, and if pending set the mask again before EVTCHNOP_unmask,
 * because Xen only delivers for a mask bit it clears itself.
 */
START_TEST(unmask_linux_hvm_protocol)
{
	evtchn_port_t rport = must_alloc(alice, bob->domid);
	evtchn_port_t lport = must_bind(bob, alice->domid, rport);

	quiesce(bob);
	guest_mask(bob, lport);
	ck_assert_int_eq(ev_send(alice, rport), 0);
	/* the guest's steps */
	__atomic_fetch_and(&si(bob)->evtchn_mask[0], ~((xen_ulong_t)1 << lport),
			   __ATOMIC_SEQ_CST);
	ck_assert(is_pending(bob, lport));
	guest_mask(bob, lport);
	ck_assert_int_eq(ev_unmask(bob, lport), 0);
	ck_assert(upcall_pending(bob));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 1);
}
END_TEST

/* status ------------------------------------------------------------------- */

START_TEST(status_permissions)
{
	evtchn_port_t port = must_alloc(alice, bob->domid);
	struct evtchn_status st;

	ck_assert_int_eq(ev_status(alice, 999, port, &st), -ESRCH);
	ck_assert_int_eq(ev_status(bob, alice->domid, port, &st), -EPERM);
	ck_assert_int_eq(ev_status(bob, dom0->domid, 1, &st), -EPERM);
	/* Xen checks the port before the permission */
	ck_assert_int_eq(ev_status(bob, alice->domid, 64, &st), -EINVAL);
	ck_assert_int_eq(ev_status(dom0, alice->domid, port, &st), 0);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(st.u.unbound.dom, bob->domid);
	ck_assert_int_eq(ev_status(alice, alice->domid, port, &st), 0);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
}
END_TEST

/* reset -------------------------------------------------------------------- */

START_TEST(reset_closes_everything)
{
	evtchn_port_t a_for_bob = must_alloc(alice, bob->domid);
	evtchn_port_t b_port = must_bind(bob, alice->domid, a_for_bob);
	evtchn_port_t unbound = must_alloc(alice, dom0->domid);
	evtchn_port_t virq;
	struct evtchn_reset rs = { .dom = DOMID_SELF };
	struct evtchn_status st;

	ck_assert_int_eq(bind_virq(alice, VIRQ_TIMER, 0, &virq), 0);
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_reset, &rs), 0);
	for (evtchn_port_t p = 1; p < 64; p++) {
		ck_assert_int_eq(ev_status(alice, DOMID_SELF, p, &st), 0);
		ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
	}
	(void)unbound;
	(void)virq;
	expect_status(bob, b_port, EVTCHNSTAT_unbound, alice->domid, 0);
	ck_assert_int_eq(bind_virq(alice, VIRQ_TIMER, 0, &virq), 0);
	ck_assert_uint_eq(virq, 1);
}
END_TEST

START_TEST(reset_errors)
{
	struct evtchn_reset rs = { .dom = 999 };

	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_reset, &rs), -ESRCH);
	rs.dom = bob->domid;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_reset, &rs), -EPERM);
	/* Xen resets another domain only while it is paused */
	must_alloc(bob, alice->domid);
	ck_assert_int_eq(evtchn_op(dom0, EVTCHNOP_reset, &rs), -EINVAL);
	expect_status(bob, 1, EVTCHNSTAT_unbound, alice->domid, 0);
	/* no reset is ever left in progress */
	rs.dom = DOMID_SELF;
	ck_assert_int_eq(evtchn_op(bob, EVTCHNOP_reset_cont, &rs), -EBUSY);
	expect_status(bob, 1, EVTCHNSTAT_unbound, alice->domid, 0);
	rs.dom = alice->domid;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_reset, &rs), 0);
}
END_TEST

/* The ops Xen has that a single-vCPU, no-pirq, 2-level guest meets -------- */

/* FIFO's ops on a 2-level domain (the FIFO ABI itself: evtchn_fifo_test.c). */
START_TEST(fifo_and_unknown_ops)
{
	struct evtchn_expand_array ea = { .array_gfn = 6 };
	struct evtchn_set_priority sp = { .port = 1, .priority = 1 };
	uint8_t junk[64] = { 0 };

	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_expand_array, &ea), -EOPNOTSUPP);
	/* a port in an allocated bucket: no set_priority op; beyond: -EINVAL first */
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_set_priority, &sp), -ENOSYS);
	sp.port = 64;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_set_priority, &sp), -EINVAL);
	ck_assert_int_eq(evtchn_op(alice, 15, junk), -ENOSYS);
	ck_assert_int_eq(evtchn_op(alice, 0xffffffffu, junk), -ENOSYS);
	ck_assert_uint_eq(hvsim_hypercall_op_size(__HYPERVISOR_event_channel_op, 15), 0);
	ck_assert_uint_eq(hvsim_hypercall_op_size(__HYPERVISOR_event_channel_op, EVTCHNOP_status),
			  sizeof(struct evtchn_status));
	ck_assert_uint_eq(hvsim_hypercall_op_size(__HYPERVISOR_event_channel_op, EVTCHNOP_init_control),
			  sizeof(struct evtchn_init_control));
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_send, NULL), -EFAULT);
}
END_TEST

START_TEST(ipi_vcpu_pirq)
{
	struct evtchn_bind_ipi ipi = { .vcpu = 1 };
	struct evtchn_bind_vcpu bv = { .port = 1, .vcpu = 0 };
	struct evtchn_bind_pirq pirq = { .pirq = 0 };
	evtchn_port_t timer, exc, unbound;
	struct evtchn_status st;

	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_bind_ipi, &ipi), -ENOENT);
	ipi.vcpu = 0;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_bind_ipi, &ipi), 0);
	ck_assert_uint_eq(ipi.port, 1);
	ck_assert_int_eq(ev_status(alice, DOMID_SELF, ipi.port, &st), 0);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_ipi);
	/* an IPI comes back to the sender's own vCPU */
	quiesce(alice);
	ck_assert_int_eq(ev_send(alice, ipi.port), 0);
	ck_assert(is_pending(alice, ipi.port));
	ck_assert_uint_eq(hvtest_take_kicks(alice), 1);

	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_bind_pirq, &pirq), -EINVAL);

	/* bind_vcpu: vcpu 0 only; IPI and per-vCPU VIRQ ports refuse */
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_bind_vcpu, &bv), -EINVAL);
	ck_assert_int_eq(bind_virq(alice, VIRQ_TIMER, 0, &timer), 0);
	ck_assert_int_eq(bind_virq(alice, VIRQ_DOM_EXC, 0, &exc), 0);
	unbound = must_alloc(alice, bob->domid);
	bv.port = timer;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_bind_vcpu, &bv), -EINVAL);
	bv.port = exc;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_bind_vcpu, &bv), 0);
	bv.port = unbound;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_bind_vcpu, &bv), 0);
	bv.vcpu = 1;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_bind_vcpu, &bv), -ENOENT);
	bv = (struct evtchn_bind_vcpu){ .port = 64, .vcpu = 0 };
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_bind_vcpu, &bv), -EINVAL);
	ck_assert_int_eq(ev_close(alice, ipi.port), 0);
}
END_TEST

/* Domain death ----------------------------------------------------------- */

START_TEST(domain_death_closes_ports)
{
	evtchn_port_t exc, d0_for_alice, a_port, b_port, a_for_bob, a_unbound;
	domid_t alice_id = alice->domid;

	ck_assert_int_eq(bind_virq(dom0, VIRQ_DOM_EXC, 0, &exc), 0);
	a_port = must_alloc(alice, dom0->domid);
	d0_for_alice = must_bind(dom0, alice_id, a_port);
	a_for_bob = must_alloc(alice, bob->domid);
	b_port = must_bind(bob, alice_id, a_for_bob);
	a_unbound = must_alloc(alice, bob->domid);
	(void)a_unbound;
	quiesce(dom0);
	quiesce(bob);

	ck_assert_int_eq(domain_destroy(alice), 0);

	expect_status(dom0, d0_for_alice, EVTCHNSTAT_unbound, alice_id, 0);
	expect_status(bob, b_port, EVTCHNSTAT_unbound, alice_id, 0);
	/* peers are not notified; dom0 hears of it through VIRQ_DOM_EXC */
	ck_assert(!is_pending(bob, b_port));
	ck_assert_uint_eq(hvtest_take_kicks(bob), 0);
	ck_assert(!is_pending(dom0, d0_for_alice));
	ck_assert(is_pending(dom0, exc));
	ck_assert(selector(dom0, exc));
	ck_assert(upcall_pending(dom0));
	ck_assert_uint_eq(hvtest_take_kicks(dom0), 1);
	/* sending on the orphaned port is dropped */
	ck_assert_int_eq(ev_send(bob, b_port), 0);
	/* the dead domain is gone from every op */
	ck_assert_int_eq(bind_interdomain(dom0, alice_id, a_for_bob, NULL), -ESRCH);
	ck_assert_int_eq(alloc_unbound(dom0, alice_id, DOMID_SELF, NULL), -ESRCH);
	/* a new domain never reuses the domid, so nobody can bind them */
	struct domain *carol = hvtest_domain("carol");
	ck_assert_uint_ne(carol->domid, alice_id);
	ck_assert_int_eq(bind_interdomain(carol, bob->domid, b_port, NULL), -EINVAL);
	/* dom0 can close its half */
	ck_assert_int_eq(ev_close(dom0, d0_for_alice), 0);
}
END_TEST

START_TEST(close_all_loopback_and_reuse)
{
	evtchn_port_t a = must_alloc(alice, DOMID_SELF);

	must_bind(alice, DOMID_SELF, a);
	ck_assert_int_eq(bind_virq(alice, VIRQ_TIMER, 0, NULL), 0);
	evtchn_close_all(alice);
	struct json_object *dump = evtchn_dump(alice);
	ck_assert_uint_eq(json_object_array_length(
		json_object_object_get(dump, "ports")), 0);
	json_object_put(dump);
	/* close_all on a running domain (dom0's kernel detaching) leaves it usable */
	ck_assert_int_eq(bind_virq(alice, VIRQ_TIMER, 0, NULL), 0);
}
END_TEST

/* Dump and trace ------------------------------------------------------------- */

static struct json_object *dump_port(struct json_object *dump, evtchn_port_t port)
{
	struct json_object *ports = json_object_object_get(dump, "ports");

	for (size_t i = 0; i < json_object_array_length(ports); i++) {
		struct json_object *o = json_object_array_get_idx(ports, i);

		if (json_object_get_int64(json_object_object_get(o, "port")) == port)
			return o;
	}
	return NULL;
}

static const char *jstr(struct json_object *o, const char *key)
{
	return json_object_get_string(json_object_object_get(o, key));
}

static int64_t jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s", key);
	return json_object_get_int64(v);
}

static bool jbool(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s", key);
	return json_object_get_boolean(v);
}

START_TEST(dump_shows_ports)
{
	evtchn_port_t rport = must_alloc(alice, bob->domid);
	evtchn_port_t lport = must_bind(bob, alice->domid, rport);
	evtchn_port_t unbound = must_alloc(bob, dom0->domid);
	evtchn_port_t virq;
	struct json_object *dump, *o;

	ck_assert_int_eq(bind_virq(bob, VIRQ_DEBUG, 0, &virq), 0);
	guest_mask(bob, unbound);
	dump = evtchn_dump(bob);
	ck_assert_uint_eq(json_object_array_length(json_object_object_get(dump, "ports")), 3);
	ck_assert(jbool(dump, "upcall_pending"));

	o = dump_port(dump, lport);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(jstr(o, "state"), "interdomain");
	ck_assert_int_eq(jint(o, "remote_dom"), alice->domid);
	ck_assert_int_eq(jint(o, "remote_port"), rport);
	ck_assert(jbool(o, "pending"));
	ck_assert(!jbool(o, "masked"));

	o = dump_port(dump, unbound);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(jstr(o, "state"), "unbound");
	ck_assert_int_eq(jint(o, "remote_dom"), dom0->domid);
	ck_assert(!jbool(o, "pending"));
	ck_assert(jbool(o, "masked"));

	o = dump_port(dump, virq);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(jstr(o, "state"), "virq");
	ck_assert_int_eq(jint(o, "virq"), VIRQ_DEBUG);
	json_object_put(dump);

	dump = evtchn_dump(dom0);
	ck_assert_uint_eq(json_object_array_length(json_object_object_get(dump, "ports")), 0);
	ck_assert(!jbool(dump, "upcall_pending"));
	json_object_put(dump);
}
END_TEST

/* Reads the trace file and counts event records named `what` for `dom`. */
static unsigned int count_events(const char *path, const char *what, int dom)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	unsigned int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		struct json_object *rec = json_tokener_parse(line);

		ck_assert_msg(rec != NULL, "bad trace line: %s", line);
		if (json_object_object_get(rec, "what") &&
		    strcmp(jstr(rec, "what"), what) == 0 && jint(rec, "dom") == dom)
			n++;
		json_object_put(rec);
	}
	fclose(f);
	return n;
}

START_TEST(trace_one_record_per_change)
{
	/* a memfd reopened by path: nothing left on disk if the test fails */
	int fd = memfd_create("hv-evtchn-trace", MFD_CLOEXEC);
	char path[64];
	evtchn_port_t rport, lport;

	ck_assert_int_ge(fd, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ck_assert_int_eq(trace_open(path), 0);

	rport = must_alloc(alice, bob->domid);
	lport = must_bind(bob, alice->domid, rport);       /* pending #1 */
	ck_assert_int_eq(ev_send(alice, rport), 0);       /* already pending */
	guest_clear_pending(bob, lport);
	ck_assert_int_eq(ev_send(alice, rport), 0);       /* pending #2 */
	ck_assert_int_eq(ev_send(alice, rport), 0);       /* already pending */
	ck_assert_int_eq(ev_unmask(bob, lport), 0);       /* was not masked */
	guest_mask(bob, lport);
	ck_assert_int_eq(ev_unmask(bob, lport), 0);       /* unmask #1 */
	ck_assert_int_eq(ev_close(alice, rport), 0);      /* close #1 */
	ck_assert_int_eq(ev_close(alice, rport), -EINVAL);
	trace_close();

	ck_assert_uint_eq(count_events(path, "evtchn_pending", bob->domid), 2);
	ck_assert_uint_eq(count_events(path, "evtchn_pending", alice->domid), 0);
	ck_assert_uint_eq(count_events(path, "evtchn_unmask", bob->domid), 1);
	ck_assert_uint_eq(count_events(path, "evtchn_close", alice->domid), 1);
	ck_assert_uint_eq(count_events(path, "evtchn_open", alice->domid), 1);
	ck_assert_uint_eq(count_events(path, "evtchn_open", bob->domid), 1);
	close(fd);
}
END_TEST

/* Concurrency with the guest ------------------------------------------------ */

struct guest_thread {
	struct domain *d;
	bool stop;
	unsigned long rounds, lost;
};

/*
 * Plays a guest CPU flipping bits that share words with the hypervisor's:
 * pending bit 63 and mask bit 62 (word 0).  A non-atomic read-modify-write
 * by the hypervisor would now and then undo one of these flips.
 */
static void *guest_flipper(void *arg)
{
	struct guest_thread *g = arg;
	xen_ulong_t *pending = &g->d->shared_info->evtchn_pending[0];
	xen_ulong_t *mask = &g->d->shared_info->evtchn_mask[0];
	const xen_ulong_t p63 = (xen_ulong_t)1 << 63, m62 = (xen_ulong_t)1 << 62;

	while (!__atomic_load_n(&g->stop, __ATOMIC_RELAXED)) {
		__atomic_fetch_or(pending, p63, __ATOMIC_SEQ_CST);
		__atomic_fetch_or(mask, m62, __ATOMIC_SEQ_CST);
		if (!(__atomic_load_n(pending, __ATOMIC_SEQ_CST) & p63) ||
		    !(__atomic_load_n(mask, __ATOMIC_SEQ_CST) & m62))
			g->lost++;
		__atomic_fetch_and(pending, ~p63, __ATOMIC_SEQ_CST);
		__atomic_fetch_and(mask, ~m62, __ATOMIC_SEQ_CST);
		if ((__atomic_load_n(pending, __ATOMIC_SEQ_CST) & p63) ||
		    (__atomic_load_n(mask, __ATOMIC_SEQ_CST) & m62))
			g->lost++;
		g->rounds++;
	}
	return NULL;
}

START_TEST(shared_words_are_updated_atomically)
{
	struct guest_thread g = { .d = alice };
	pthread_t t;
	struct evtchn_bind_ipi ipi;

	ck_assert_int_eq(pthread_create(&t, NULL, guest_flipper, &g), 0);
	for (int round = 0; round < 500; round++) {
		for (evtchn_port_t p = 1; p <= 40; p++) {
			ipi = (struct evtchn_bind_ipi){ .vcpu = 0 };
			ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_bind_ipi, &ipi), 0);
			ck_assert_uint_eq(ipi.port, p);
		}
		for (evtchn_port_t p = 1; p <= 40; p++) {
			ck_assert_int_eq(ev_send(alice, p), 0);
			ck_assert(is_pending(alice, p));
		}
		for (evtchn_port_t p = 1; p <= 40; p++) {
			guest_mask(alice, p);
			ck_assert_int_eq(ev_unmask(alice, p), 0);
			ck_assert(!is_masked(alice, p));
			ck_assert_int_eq(ev_close(alice, p), 0);
			ck_assert(!is_pending(alice, p));
		}
	}
	__atomic_store_n(&g.stop, true, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	ck_assert_msg(g.lost == 0, "%lu of %lu guest bit flips lost", g.lost, g.rounds);
}
END_TEST

static Suite *evtchn_suite(void)
{
	Suite *s = suite_create("evtchn");
	TCase *tc = tcase_create("ops");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, alloc_unbound_self);
	tcase_add_test(tc, alloc_unbound_errors);
	tcase_add_test(tc, max_evtchn_port_bounds_a_domu);
	tcase_add_test(tc, port_exhaustion);
	tcase_add_test(tc, port_validity_follows_buckets);
	tcase_add_test(tc, bind_interdomain_connects_and_notifies);
	tcase_add_test(tc, bind_interdomain_errors);
	tcase_add_test(tc, bind_interdomain_loopback);
	tcase_add_test(tc, bind_virq_results);
	tcase_add_test(tc, global_virq_goes_to_dom0);
	tcase_add_test(tc, close_returns_peer_to_unbound);
	tcase_add_test(tc, close_errors);
	tcase_add_test(tc, send_results);
	tcase_add_test(tc, set_pending_order);
	tcase_add_test(tc, set_pending_selector_and_upcall_already_set);
	tcase_add_test(tc, unmask_pending_raises_upcall);
	tcase_add_test(tc, unmask_without_delivery);
	tcase_add_test(tc, unmask_linux_hvm_protocol);
	tcase_add_test(tc, status_permissions);
	tcase_add_test(tc, reset_closes_everything);
	tcase_add_test(tc, reset_errors);
	tcase_add_test(tc, fifo_and_unknown_ops);
	tcase_add_test(tc, ipi_vcpu_pirq);
	tcase_add_test(tc, domain_death_closes_ports);
	tcase_add_test(tc, close_all_loopback_and_reuse);
	tcase_add_test(tc, dump_shows_ports);
	tcase_add_test(tc, trace_one_record_per_change);
	tcase_add_test(tc, shared_words_are_updated_atomically);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hvtest_run(evtchn_suite());
}
