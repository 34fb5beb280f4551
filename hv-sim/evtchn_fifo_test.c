// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event channels, FIFO ABI: every op's checks and codes as Xen 4.17 gives
 * them, the order in which event words, queue heads and READY bits change,
 * the switch from 2-level and back, and the FIFO advisories (XTF-style,
 * one test per XSA).  The test plays the guest on its own mapping of the
 * domain's RAM memfd, as the guest kernel does from its own process, and
 * consumes events the way Linux's drivers/xen/events/events_fifo.c does.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "evtchn.h"
#include "evtchn_fifo.h"
#include "test_support.h"
#include "trace.h"

#define PAGE       XEN_PAGE_SIZE
#define BIT(b)     ((uint32_t)1 << EVTCHN_FIFO_##b)
#define CB_GFN     10          /* where the guest puts its control block */
#define ARRAY_GFN  100         /* and its event array pages, one after another */
#define WORDS      HVSIM_EVTCHN_WORDS_PER_PAGE

static struct domain *dom0, *alice, *bob;

/* The guest's view ------------------------------------------------------ */

struct guest {
	struct domain *d;
	uint8_t *ram;                            /* the guest's own mapping */
	struct evtchn_fifo_control_block *cb;
	uint32_t *page[HVSIM_EVTCHN_FIFO_PAGES];
	unsigned int pages;
	uint32_t local_head[EVTCHN_FIFO_MAX_QUEUES];  /* Linux's per-cpu q->head */
};

static struct guest ga, gb;

static void guest_map(struct guest *g, struct domain *d)
{
	memset(g, 0, sizeof(*g));
	g->d = d;
	g->ram = mmap(NULL, d->ram_pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		      d->ram_fd, 0);
	ck_assert_ptr_ne(g->ram, MAP_FAILED);
}

static void guest_unmap(struct guest *g)
{
	if (g->ram)
		munmap(g->ram, g->d->ram_pages * PAGE);
	g->ram = NULL;
}

static void setup(void)
{
	hvtest_reset();
	dom0 = hvtest_domain("Domain-0");
	alice = hvtest_domain("alice");
	bob = hvtest_domain("bob");
	/* the ABI's limits are under test here, not libxl's 1023 (evtchn_test.c) */
	evtchn_set_max_port(alice, UINT32_MAX);
	evtchn_set_max_port(bob, UINT32_MAX);
	guest_map(&ga, alice);
	guest_map(&gb, bob);
}

static void teardown(void)
{
	evtchn_fifo_set_link_hook(NULL);
	guest_unmap(&ga);
	guest_unmap(&gb);
	domain_destroy_all();
}

static uint8_t *gfn_page(struct guest *g, uint64_t gfn)
{
	return g->ram + gfn * PAGE;
}

/* init_control_block: a cleared control block, as Linux makes it. */
static long init_control(struct guest *g, uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
	struct evtchn_init_control op = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };
	long rc;

	if (gfn < g->d->ram_pages && offset <= PAGE - sizeof(*g->cb))
		memset(gfn_page(g, gfn) + offset, 0, sizeof(*g->cb));
	rc = evtchn_op(g->d, EVTCHNOP_init_control, &op);
	if (rc == 0) {
		ck_assert_uint_eq(op.link_bits, EVTCHN_FIFO_LINK_BITS);
		g->cb = (void *)(gfn_page(g, gfn) + offset);
		memset(g->local_head, 0, sizeof(g->local_head));
	}
	return rc;
}

/* evtchn_fifo_setup: every word of a new page MASKED, then expand_array. */
static long expand_words(struct guest *g, uint64_t gfn, uint32_t fill)
{
	struct evtchn_expand_array op = { .array_gfn = gfn };
	long rc;

	if (gfn < g->d->ram_pages)
		for (unsigned int i = 0; i < WORDS; i++)
			((uint32_t *)gfn_page(g, gfn))[i] = fill;
	rc = evtchn_op(g->d, EVTCHNOP_expand_array, &op);
	if (rc == 0)
		g->page[g->pages++] = (uint32_t *)gfn_page(g, gfn);
	return rc;
}

static long expand(struct guest *g, uint64_t gfn)
{
	return expand_words(g, gfn, BIT(MASKED));
}

/* A FIFO domain with `pages` array pages. */
static void must_fifo(struct guest *g, unsigned int pages)
{
	ck_assert_int_eq(init_control(g, CB_GFN, 0, 0), 0);
	for (unsigned int i = 0; i < pages; i++)
		ck_assert_int_eq(expand(g, ARRAY_GFN + i), 0);
}

static uint32_t *word(struct guest *g, evtchn_port_t port)
{
	if (port / WORDS >= g->pages)
		return NULL;
	return &g->page[port / WORDS][port % WORDS];
}

static uint32_t wload(struct guest *g, evtchn_port_t port)
{
	return __atomic_load_n(word(g, port), __ATOMIC_SEQ_CST);
}

static uint32_t head(struct guest *g, unsigned int q)
{
	return __atomic_load_n(&g->cb->head[q], __ATOMIC_SEQ_CST);
}

static uint32_t ready(struct guest *g)
{
	return __atomic_load_n(&g->cb->ready, __ATOMIC_SEQ_CST);
}

static void guest_mask(struct guest *g, evtchn_port_t port)
{
	__atomic_fetch_or(word(g, port), BIT(MASKED), __ATOMIC_SEQ_CST);
}

/* Linux's clear_masked_cond, bounded; false: pending, ask Xen. */
static bool clear_masked_cond(uint32_t *w)
{
	uint32_t cur = __atomic_load_n(w, __ATOMIC_SEQ_CST);

	for (int i = 0; i < 1000; i++) {
		uint32_t old, new;

		if (!(cur & BIT(MASKED)))
			return true;
		if (cur & BIT(PENDING))
			return false;
		old = cur & ~BIT(BUSY);
		new = old & ~BIT(MASKED);
		cur = old;
		if (__atomic_compare_exchange_n(w, &cur, new, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return true;
	}
	ck_abort_msg("the guest's unmask spun: BUSY left set");
	return false;
}

static long ev_unmask(struct domain *d, evtchn_port_t port)
{
	struct evtchn_unmask op = { .port = port };

	return evtchn_op(d, EVTCHNOP_unmask, &op);
}

/* evtchn_fifo_unmask: clear MASKED unless PENDING, else EVTCHNOP_unmask. */
static void guest_unmask(struct guest *g, evtchn_port_t port)
{
	if (!clear_masked_cond(word(g, port)))
		ck_assert_int_eq(ev_unmask(g->d, port), 0);
}

/* Linux's clear_linked: LINKED and the link go; returns the link. */
static uint32_t clear_linked(uint32_t *w)
{
	uint32_t cur = __atomic_load_n(w, __ATOMIC_SEQ_CST), new;

	do
		new = cur & ~(BIT(LINKED) | EVTCHN_FIFO_LINK_MASK);
	while (!__atomic_compare_exchange_n(w, &cur, new, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST));
	return cur & EVTCHN_FIFO_LINK_MASK;
}

/*
 * __evtchn_fifo_handle_events: take READY, and from the highest priority
 * queue that is ready consume one event at a time, following the links;
 * an event pending and not masked is handled (acked: PENDING cleared, as
 * the edge handler's ack does).  Ports handled go to out[] in order, with
 * the queue they came from.  Bounded: a guest's own scribbling could make
 * a loop of links.
 */
static size_t consume(struct guest *g, evtchn_port_t *out, unsigned int *prio, size_t max)
{
	const uint32_t queues = (1u << EVTCHN_FIFO_MAX_QUEUES) - 1;
	uint32_t rdy = __atomic_exchange_n(&g->cb->ready, 0, __ATOMIC_SEQ_CST) & queues;
	size_t n = 0;

	__atomic_store_n(&g->d->shared_info->vcpu_info[0].evtchn_upcall_pending, 0,
			 __ATOMIC_SEQ_CST);
	for (unsigned int steps = 0; rdy && steps < 4 * max + 64; steps++) {
		unsigned int q = (unsigned int)__builtin_ctz(rdy);
		uint32_t h = g->local_head[q], *w;
		evtchn_port_t port;

		if (h == 0)
			h = head(g, q);
		port = h;
		w = word(g, port);
		if (!w) {
			rdy &= ~(1u << q);
			g->local_head[q] = 0;
			continue;
		}
		h = clear_linked(w);
		if (h == 0)
			rdy &= ~(1u << q);
		if ((*w & BIT(PENDING)) && !(*w & BIT(MASKED))) {
			__atomic_fetch_and(w, ~BIT(PENDING), __ATOMIC_SEQ_CST);
			if (n < max) {
				out[n] = port;
				if (prio)
					prio[n] = q;
			}
			n++;
		}
		g->local_head[q] = h;
		rdy |= __atomic_exchange_n(&g->cb->ready, 0, __ATOMIC_SEQ_CST) & queues;
	}
	return n;
}

static bool upcall_pending(struct domain *d)
{
	return __atomic_load_n(&d->shared_info->vcpu_info[0].evtchn_upcall_pending,
			       __ATOMIC_SEQ_CST);
}

static void quiesce(struct domain *d)
{
	__atomic_store_n(&d->shared_info->vcpu_info[0].evtchn_upcall_pending, 0,
			 __ATOMIC_SEQ_CST);
	__atomic_store_n(&d->shared_info->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	hvtest_take_kicks(d);
}

/* Ops ----------------------------------------------------------------------- */

static long alloc_unbound(struct domain *d, domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = remote };
	long rc = evtchn_op(d, EVTCHNOP_alloc_unbound, &op);

	if (port)
		*port = op.port;
	return rc;
}

static evtchn_port_t must_alloc(struct domain *d, domid_t remote)
{
	evtchn_port_t port = 0;

	ck_assert_int_eq(alloc_unbound(d, remote, &port), 0);
	return port;
}

static evtchn_port_t must_bind(struct domain *d, domid_t rdom, evtchn_port_t rport)
{
	struct evtchn_bind_interdomain op = { .remote_dom = rdom, .remote_port = rport };

	ck_assert_int_eq(evtchn_op(d, EVTCHNOP_bind_interdomain, &op), 0);
	return op.local_port;
}

/* A channel from `from` to `to`: returns to's port; *from_port the sender's. */
static evtchn_port_t connect(struct domain *to, struct domain *from, evtchn_port_t *from_port)
{
	evtchn_port_t tport = must_alloc(to, from->domid);
	evtchn_port_t fport = must_bind(from, to->domid, tport);

	if (from_port)
		*from_port = fport;
	return tport;
}

static evtchn_port_t must_ipi(struct domain *d)
{
	struct evtchn_bind_ipi op = { .vcpu = 0 };

	ck_assert_int_eq(evtchn_op(d, EVTCHNOP_bind_ipi, &op), 0);
	return op.port;
}

static long ev_send(struct domain *d, evtchn_port_t port)
{
	struct evtchn_send op = { .port = port };

	return evtchn_op(d, EVTCHNOP_send, &op);
}

static long ev_close(struct domain *d, evtchn_port_t port)
{
	struct evtchn_close op = { .port = port };

	return evtchn_op(d, EVTCHNOP_close, &op);
}

static long set_priority(struct domain *d, evtchn_port_t port, uint32_t priority)
{
	struct evtchn_set_priority op = { .port = port, .priority = priority };

	return evtchn_op(d, EVTCHNOP_set_priority, &op);
}

static long ev_reset(struct domain *d)
{
	struct evtchn_reset op = { .dom = DOMID_SELF };

	return evtchn_op(d, EVTCHNOP_reset, &op);
}

static uint32_t status_of(struct domain *d, evtchn_port_t port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

	ck_assert_int_eq(evtchn_op(d, EVTCHNOP_status, &st), 0);
	return st.status;
}

/* The dump ------------------------------------------------------------------- */

static struct json_object *jget(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no \"%s\" in %s", key,
		      json_object_to_json_string(o));
	return v;
}

static struct json_object *dump_port(struct json_object *dump, evtchn_port_t port)
{
	struct json_object *ports = jget(dump, "ports");

	for (size_t i = 0; i < json_object_array_length(ports); i++) {
		struct json_object *o = json_object_array_get_idx(ports, i);

		if (json_object_get_int64(jget(o, "port")) == port)
			return o;
	}
	ck_abort_msg("port %u not in the dump", port);
	return NULL;
}

static const char *abi(struct domain *d)
{
	static char buf[8];
	struct json_object *dump = evtchn_dump(d);

	snprintf(buf, sizeof(buf), "%s", json_object_get_string(jget(dump, "abi")));
	json_object_put(dump);
	ck_assert(!strcmp(buf, "fifo") == evtchn_is_fifo(d));
	return buf;
}

/* init_control -------------------------------------------------------------------- */

START_TEST(init_control_checks_and_codes)
{
	struct evtchn_init_control op = { .control_gfn = CB_GFN, .link_bits = 0xaa };

	/* the checks before the ABI, in Xen's order, each leaving the struct alone */
	op.vcpu = 1;
	op.offset = 4025;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_init_control, &op), -ENOENT);
	op.vcpu = 0;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_init_control, &op), -EINVAL);
	op.offset = PAGE - sizeof(struct evtchn_fifo_control_block) + 8;   /* crosses */
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_init_control, &op), -EINVAL);
	op.offset = 0xffffffffu;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_init_control, &op), -EINVAL);
	op.offset = 4;                                                     /* unaligned */
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_init_control, &op), -EINVAL);
	op.offset = 0;
	op.control_gfn = alice->ram_pages;                                 /* outside RAM */
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_init_control, &op), -EINVAL);
	op.control_gfn = ~0ULL;
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_init_control, &op), -EINVAL);
	ck_assert_uint_eq(op.link_bits, 0xaa);
	ck_assert_str_eq(abi(alice), "2l");

	/* the last offset that fits */
	ck_assert_int_eq(init_control(&ga, CB_GFN, PAGE - sizeof(*ga.cb), 0), 0);
	ck_assert_str_eq(abi(alice), "fifo");
	ck_assert_str_eq(abi(bob), "2l");
	/* a NULL struct is Xen's failed copy */
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_init_control, NULL), -EFAULT);
}
END_TEST

START_TEST(init_control_twice)
{
	evtchn_port_t ipi;

	must_fifo(&ga, 1);
	/* vCPU 0's control block is mapped: -EINVAL, whatever the gfn */
	ck_assert_int_eq(init_control(&ga, CB_GFN + 1, 0, 0), -EINVAL);
	ck_assert_int_eq(init_control(&ga, alice->ram_pages, 0, 0), -EINVAL);
	/* the earlier checks still come first */
	ck_assert_int_eq(init_control(&ga, CB_GFN + 1, 0, 1), -ENOENT);
	/* the first control block is the one in use */
	ga.cb = (void *)gfn_page(&ga, CB_GFN);
	ipi = must_ipi(alice);
	guest_unmask(&ga, ipi);
	ck_assert_int_eq(ev_send(alice, ipi), 0);
	ck_assert_uint_eq(head(&ga, EVTCHN_FIFO_PRIORITY_DEFAULT), ipi);
	ck_assert_uint_eq(((uint32_t *)gfn_page(&ga, CB_GFN + 1))[2 + 7], 0);
}
END_TEST

/* A gfn that shows another domain's page (grant or foreign map) is not the caller's. */
START_TEST(control_block_gfn_outside_ram_or_used)
{
	ck_assert_int_eq(domain_p2m_set_foreign(alice, CB_GFN, bob->domid, 3, false), 0);
	ck_assert_int_eq(init_control(&ga, CB_GFN, 0, 0), -EINVAL);
	ck_assert_int_eq(init_control(&ga, alice->ram_pages + 5, 0, 0), -EINVAL);
	ck_assert_str_eq(abi(alice), "2l");
	/* dom0's foreign mapping of alice's page: refused to dom0 too */
	ck_assert_int_eq(domain_p2m_map_foreign(dom0, 20, alice, 20), 0);
	ck_assert_int_eq(evtchn_op(dom0, EVTCHNOP_init_control,
				   &(struct evtchn_init_control){ .control_gfn = 20 }), -EINVAL);
	ck_assert_int_eq(domain_p2m_unmap_foreign(dom0, 20), 0);
	/* once the mapping is gone the gfn is the domain's RAM again */
	ck_assert_int_eq(domain_p2m_clear_foreign(alice, CB_GFN, bob->domid, 3), 0);
	ck_assert_int_eq(init_control(&ga, CB_GFN, 0, 0), 0);
	/* a control block page may be used again as an array page (Xen takes it) */
	ck_assert_int_eq(expand_words(&ga, CB_GFN, 0), 0);
}
END_TEST

/* expand_array ---------------------------------------------------------------- */

START_TEST(expand_array_codes_and_limit)
{
	struct evtchn_expand_array op = { .array_gfn = ARRAY_GFN };

	/* a 2-level domain */
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_expand_array, &op), -EOPNOTSUPP);
	must_fifo(&ga, 0);
	ck_assert_int_eq(expand(&ga, alice->ram_pages), -EINVAL);
	ck_assert_int_eq(expand(&ga, ~0ULL), -EINVAL);
	for (unsigned int i = 0; i < HVSIM_EVTCHN_FIFO_PAGES; i++)
		ck_assert_int_eq(expand(&ga, ARRAY_GFN + i), 0);
	/* the 129th: -ENOSPC, checked before the gfn */
	ck_assert_int_eq(expand(&ga, ARRAY_GFN + 200), -ENOSPC);
	ck_assert_int_eq(expand(&ga, ~0ULL), -ENOSPC);

	struct json_object *dump = evtchn_dump(alice);

	ck_assert_int_eq(json_object_get_int64(jget(dump, "nr_words")), HVSIM_EVTCHN_FIFO_PORTS);
	ck_assert_uint_eq(json_object_array_length(jget(dump, "event_array")),
			  HVSIM_EVTCHN_FIFO_PAGES);
	json_object_put(dump);
}
END_TEST

START_TEST(expand_array_foreign_or_repeated_page)
{
	evtchn_port_t p1, p2;

	must_fifo(&ga, 0);
	ck_assert_int_eq(domain_p2m_set_foreign(alice, ARRAY_GFN, bob->domid, 7, false), 0);
	ck_assert_int_eq(expand(&ga, ARRAY_GFN), -EINVAL);
	ck_assert_int_eq(domain_p2m_set_foreign(alice, ARRAY_GFN + 1, bob->domid, 8, true), 0);
	ck_assert_int_eq(expand(&ga, ARRAY_GFN + 1), -EINVAL);
	ck_assert_int_eq(expand(&ga, ARRAY_GFN + 2), 0);
	/*
	 * The same page again: Xen takes a second writable reference and
	 * accepts it, so ports N and N + 1024 share a word.  The guest only
	 * confuses itself; hvsimd keeps going.
	 */
	ck_assert_int_eq(expand_words(&ga, ARRAY_GFN + 2, 0), 0);
	ck_assert_ptr_eq(word(&ga, 5), word(&ga, 5 + WORDS));
	for (unsigned int i = 0; i < 64; i++)
		must_ipi(alice);
	p1 = 5;
	p2 = 5 + WORDS;
	ck_assert_int_eq(ev_send(alice, p1), 0);
	ck_assert_uint_eq(wload(&ga, p1), BIT(PENDING) | BIT(LINKED));
	ck_assert_uint_eq(head(&ga, 7), p1);
	/* p2 is free (beyond the bound ports): no delivery, no harm */
	ck_assert_int_eq(ev_send(alice, p2), -EINVAL);
}
END_TEST

/* set_priority ---------------------------------------------------------------- */

START_TEST(set_priority_codes)
{
	evtchn_port_t port = must_ipi(alice);
	struct json_object *dump;

	/* 2-level: a valid port -ENOSYS; a port beyond the buckets -EINVAL first */
	ck_assert_int_eq(set_priority(alice, port, 3), -ENOSYS);
	ck_assert_int_eq(set_priority(alice, 64, 3), -EINVAL);
	must_fifo(&ga, 1);
	ck_assert_int_eq(set_priority(alice, 64, 3), -EINVAL);
	ck_assert_int_eq(set_priority(alice, 0xffffffffu, 3), -EINVAL);
	/* free and reserved ports are not usable */
	ck_assert_int_eq(set_priority(alice, port + 1, 3), -EACCES);
	ck_assert_int_eq(set_priority(alice, 0, 3), -EACCES);
	ck_assert_int_eq(set_priority(alice, 0, 99), -EACCES);
	/* out of range */
	ck_assert_int_eq(set_priority(alice, port, EVTCHN_FIFO_PRIORITY_MIN + 1), -EINVAL);
	ck_assert_int_eq(set_priority(alice, port, 0xffffffffu), -EINVAL);
	ck_assert_int_eq(set_priority(alice, port, EVTCHN_FIFO_PRIORITY_MAX), 0);
	ck_assert_int_eq(set_priority(alice, port, EVTCHN_FIFO_PRIORITY_MIN), 0);
	dump = evtchn_dump(alice);
	ck_assert_int_eq(json_object_get_int(jget(dump_port(dump, port), "priority")), 15);
	json_object_put(dump);
	/* a port bound again starts at the default */
	ck_assert_int_eq(ev_close(alice, port), 0);
	ck_assert_uint_eq(must_ipi(alice), port);
	dump = evtchn_dump(alice);
	ck_assert_int_eq(json_object_get_int(jget(dump_port(dump, port), "priority")),
			 EVTCHN_FIFO_PRIORITY_DEFAULT);
	json_object_put(dump);
}
END_TEST

/* Delivery ---------------------------------------------------------------------- */

START_TEST(set_pending_word_head_ready_upcall)
{
	evtchn_port_t a, b;

	must_fifo(&ga, 1);
	a = must_ipi(alice);
	b = must_ipi(alice);
	guest_unmask(&ga, a);
	guest_unmask(&ga, b);
	quiesce(alice);

	ck_assert_int_eq(ev_send(alice, a), 0);
	ck_assert_uint_eq(wload(&ga, a), BIT(PENDING) | BIT(LINKED));
	ck_assert_uint_eq(head(&ga, 7), a);
	ck_assert_uint_eq(ready(&ga), 1u << 7);
	ck_assert(upcall_pending(alice));
	ck_assert_uint_eq(hvtest_take_kicks(alice), 1);

	/* the second goes after the tail: a's link; no new READY, no kick */
	ck_assert_int_eq(ev_send(alice, b), 0);
	ck_assert_uint_eq(wload(&ga, a), BIT(PENDING) | BIT(LINKED) | b);
	ck_assert_uint_eq(wload(&ga, b), BIT(PENDING) | BIT(LINKED));
	ck_assert_uint_eq(head(&ga, 7), a);
	ck_assert_uint_eq(hvtest_take_kicks(alice), 0);

	/* already pending and linked: nothing changes */
	ck_assert_int_eq(ev_send(alice, a), 0);
	ck_assert_uint_eq(wload(&ga, a), BIT(PENDING) | BIT(LINKED) | b);
	ck_assert_uint_eq(hvtest_take_kicks(alice), 0);

	/* the 2-level bitmaps are not touched */
	ck_assert_uint_eq(alice->shared_info->evtchn_pending[0], 0);
	ck_assert_uint_eq(alice->shared_info->vcpu_info[0].evtchn_pending_sel, 0);
}
END_TEST

START_TEST(queue_order_by_priority)
{
	evtchn_port_t port[6], got[16];
	unsigned int prio[16];
	static const uint32_t want_prio[6] = { 15, 7, 0, 7, 0, 3 };
	size_t n;

	must_fifo(&ga, 1);
	for (int i = 0; i < 6; i++) {
		port[i] = must_ipi(alice);
		guest_unmask(&ga, port[i]);
		ck_assert_int_eq(set_priority(alice, port[i], want_prio[i]), 0);
	}
	quiesce(alice);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(ev_send(alice, port[i]), 0);
	ck_assert_uint_eq(ready(&ga), (1u << 15) | (1u << 7) | (1u << 0) | (1u << 3));
	ck_assert_uint_eq(hvtest_take_kicks(alice), 1);
	n = consume(&ga, got, prio, 16);
	ck_assert_uint_eq(n, 6);
	/* priority 0 first, FIFO within a queue */
	ck_assert_uint_eq(got[0], port[2]);
	ck_assert_uint_eq(got[1], port[4]);
	ck_assert_uint_eq(got[2], port[5]);
	ck_assert_uint_eq(got[3], port[1]);
	ck_assert_uint_eq(got[4], port[3]);
	ck_assert_uint_eq(got[5], port[0]);
	ck_assert_uint_eq(prio[0], 0);
	ck_assert_uint_eq(prio[5], 15);
	for (int i = 0; i < 6; i++)
		ck_assert_uint_eq(wload(&ga, port[i]), 0);
	/* emptied: the next event is a new head, READY and an upcall again */
	ck_assert_int_eq(ev_send(alice, port[3]), 0);
	ck_assert_uint_eq(head(&ga, 7), port[3]);
	ck_assert_uint_eq(ready(&ga), 1u << 7);
	ck_assert_uint_eq(hvtest_take_kicks(alice), 1);
}
END_TEST

START_TEST(masked_until_unmask)
{
	evtchn_port_t lport, rport, got[4];

	must_fifo(&ga, 1);
	lport = connect(alice, bob, &rport);
	/* bind_interdomain set bob's port pending; alice's word is still masked */
	ck_assert_uint_eq(wload(&ga, lport), BIT(MASKED));
	quiesce(alice);
	ck_assert_int_eq(ev_send(bob, rport), 0);
	ck_assert_uint_eq(wload(&ga, lport), BIT(MASKED) | BIT(PENDING));
	ck_assert_uint_eq(ready(&ga), 0);
	ck_assert(!upcall_pending(alice));
	ck_assert_uint_eq(hvtest_take_kicks(alice), 0);
	/* Linux's unmask: pending, so it asks Xen, which links it */
	guest_unmask(&ga, lport);
	ck_assert_uint_eq(wload(&ga, lport), BIT(PENDING) | BIT(LINKED));
	ck_assert_uint_eq(head(&ga, 7), lport);
	ck_assert_uint_eq(ready(&ga), 1u << 7);
	ck_assert_uint_eq(hvtest_take_kicks(alice), 1);
	ck_assert_uint_eq(consume(&ga, got, NULL, 4), 1);
	ck_assert_uint_eq(got[0], lport);
	/* not masked any more: the next send is delivered at once */
	ck_assert_int_eq(ev_send(bob, rport), 0);
	ck_assert_uint_eq(wload(&ga, lport), BIT(PENDING) | BIT(LINKED));
}
END_TEST

/* The guest masks an event that is linked: unmasking must not link it twice. */
START_TEST(unmask_with_linked_set)
{
	evtchn_port_t a, b, got[8];

	must_fifo(&ga, 1);
	a = must_ipi(alice);
	b = must_ipi(alice);
	guest_unmask(&ga, a);
	guest_unmask(&ga, b);
	ck_assert_int_eq(ev_send(alice, a), 0);
	ck_assert_int_eq(ev_send(alice, b), 0);
	guest_mask(&ga, a);
	ck_assert_uint_eq(wload(&ga, a), BIT(PENDING) | BIT(LINKED) | BIT(MASKED) | b);
	/* the hypercall unmask: MASKED goes, PENDING stays, LINKED was set: no relink */
	ck_assert_int_eq(ev_unmask(alice, a), 0);
	ck_assert_uint_eq(wload(&ga, a), BIT(PENDING) | BIT(LINKED) | b);
	ck_assert_uint_eq(head(&ga, 7), a);
	ck_assert_uint_eq(wload(&ga, b), BIT(PENDING) | BIT(LINKED));
	ck_assert_uint_eq(consume(&ga, got, NULL, 8), 2);
	ck_assert_uint_eq(got[0], a);
	ck_assert_uint_eq(got[1], b);

	/* masked while linked and consumed masked: skipped, then relinked by unmask */
	ck_assert_int_eq(ev_send(alice, a), 0);
	guest_mask(&ga, a);
	ck_assert_uint_eq(consume(&ga, got, NULL, 8), 0);
	ck_assert_uint_eq(wload(&ga, a), BIT(PENDING) | BIT(MASKED));
	guest_unmask(&ga, a);
	ck_assert_uint_eq(wload(&ga, a), BIT(PENDING) | BIT(LINKED));
	ck_assert_uint_eq(consume(&ga, got, NULL, 8), 1);
	/* a free port's word is left alone, as its mask */
	guest_mask(&ga, 40);
	ck_assert_int_eq(ev_unmask(alice, 40), 0);
	ck_assert_uint_eq(wload(&ga, 40), BIT(MASKED));
}
END_TEST

/* BUSY ------------------------------------------------------------------------- */

static int hook_calls;
static void (*hook_action)(uint32_t *word);
static uint32_t busy_seen;

static void hook(uint32_t *w)
{
	busy_seen |= __atomic_load_n(w, __ATOMIC_SEQ_CST) & BIT(BUSY);
	hook_calls++;
	if (hook_action)
		hook_action(w);
}

static void mask_once(uint32_t *w)
{
	if (hook_calls == 1)
		__atomic_fetch_or(w, BIT(MASKED), __ATOMIC_SEQ_CST);
}

static void unlink_once(uint32_t *w)
{
	if (hook_calls == 1)
		clear_linked(w);
}

static void toggle_mask(uint32_t *w)
{
	__atomic_fetch_xor(w, BIT(MASKED), __ATOMIC_SEQ_CST);
}

/* Two linked events a, b; returns with `hook` installed for the next link. */
static void two_linked(evtchn_port_t *a, evtchn_port_t *b, evtchn_port_t *c)
{
	must_fifo(&ga, 1);
	*a = must_ipi(alice);
	*b = must_ipi(alice);
	*c = must_ipi(alice);
	guest_unmask(&ga, *a);
	guest_unmask(&ga, *b);
	guest_unmask(&ga, *c);
	ck_assert_int_eq(ev_send(alice, *a), 0);
	ck_assert_int_eq(ev_send(alice, *b), 0);
	hook_calls = 0;
	busy_seen = 0;
	evtchn_fifo_set_link_hook(hook);
}

/* The guest masks the tail between Xen's read and its compare-and-swap. */
START_TEST(busy_set_while_retrying)
{
	evtchn_port_t a, b, c;

	hook_action = mask_once;
	two_linked(&a, &b, &c);
	ck_assert_int_eq(ev_send(alice, c), 0);
	ck_assert_int_eq(hook_calls, 2);
	/* the retry ran with BUSY set, which holds off the guest's unmask */
	ck_assert_uint_eq(busy_seen, BIT(BUSY));
	ck_assert_uint_eq(wload(&ga, b), BIT(PENDING) | BIT(LINKED) | BIT(MASKED) | c);
	ck_assert_uint_eq(wload(&ga, c), BIT(PENDING) | BIT(LINKED));
}
END_TEST

/* The guest consumes the tail meanwhile: the queue is empty, c is the head. */
START_TEST(busy_tail_unlinked_meanwhile)
{
	evtchn_port_t a, b, c;

	hook_action = unlink_once;
	two_linked(&a, &b, &c);
	__atomic_store_n(&ga.cb->ready, 0, __ATOMIC_SEQ_CST);
	quiesce(alice);
	ck_assert_int_eq(ev_send(alice, c), 0);
	ck_assert_int_eq(hook_calls, 1);
	ck_assert_uint_eq(wload(&ga, b), BIT(PENDING));          /* BUSY cleared */
	ck_assert_uint_eq(head(&ga, 7), c);
	ck_assert_uint_eq(ready(&ga), 1u << 7);
	ck_assert_uint_eq(hvtest_take_kicks(alice), 1);
}
END_TEST

/* A guest that never stops changing the tail: Xen gives up after 5 tries. */
START_TEST(busy_bounded_against_a_changing_word)
{
	evtchn_port_t a, b, c;

	hook_action = toggle_mask;
	two_linked(&a, &b, &c);
	ck_assert_int_eq(ev_send(alice, c), 0);
	ck_assert_int_eq(hook_calls, 5);
	ck_assert_uint_eq(wload(&ga, b) & BIT(BUSY), 0);
	/* c is linked but reachable from nowhere: lost, as on Xen */
	ck_assert_uint_eq(wload(&ga, c), BIT(PENDING) | BIT(LINKED));
	ck_assert_uint_eq(wload(&ga, b) & EVTCHN_FIFO_LINK_MASK, 0);
}
END_TEST

struct flipper {
	uint32_t *w;
	bool stop, armed;
	unsigned long idle;         /* times it saw armed clear */
};

/* A guest CPU masking and unmasking one word, while armed. */
static void *flip_mask(void *arg)
{
	struct flipper *f = arg;

	while (!__atomic_load_n(&f->stop, __ATOMIC_SEQ_CST)) {
		if (__atomic_load_n(&f->armed, __ATOMIC_SEQ_CST))
			__atomic_fetch_xor(f->w, BIT(MASKED), __ATOMIC_SEQ_CST);
		else
			__atomic_fetch_add(&f->idle, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void disarm(struct flipper *f)
{
	unsigned long seen;

	__atomic_store_n(&f->armed, false, __ATOMIC_SEQ_CST);
	seen = __atomic_load_n(&f->idle, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&f->idle, __ATOMIC_SEQ_CST) < seen + 2)
		;
}

static void count_link(uint32_t *w)
{
	hook_calls++;
}

/*
 * The tail's MASKED bit flips on another CPU while events are linked to
 * it: BUSY never stays set, and every link lands but where the guest
 * changed the word through all five attempts (the first and four after
 * BUSY): then the event loses its place, as on Xen
 * (busy_bounded_against_a_changing_word).  That takes a flipper that
 * ignores BUSY and a hypervisor thread slowed down (ASan, a loaded
 * machine), so it is counted, not asserted.
 */
START_TEST(busy_with_a_concurrent_guest)
{
	evtchn_port_t tail, ev;
	struct flipper f = { 0 };
	pthread_t t;
	int retried = 0, lost = 0;

	must_fifo(&ga, 1);
	tail = must_ipi(alice);
	ev = must_ipi(alice);
	f.w = word(&ga, tail);
	evtchn_fifo_set_link_hook(count_link);
	ck_assert_int_eq(pthread_create(&t, NULL, flip_mask, &f), 0);
	for (int round = 0; round < 20000; round++) {
		uint32_t w;

		/* the guest has consumed everything: both words clear */
		disarm(&f);
		__atomic_store_n(word(&ga, tail), 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(word(&ga, ev), 0, __ATOMIC_SEQ_CST);
		ck_assert_int_eq(ev_send(alice, tail), 0);
		ck_assert_uint_eq(head(&ga, 7), tail);
		__atomic_store_n(&f.armed, true, __ATOMIC_SEQ_CST);
		hook_calls = 0;
		ck_assert_int_eq(ev_send(alice, ev), 0);
		retried += hook_calls > 1;
		w = wload(&ga, tail);
		if (hook_calls == 5 && (w & EVTCHN_FIFO_LINK_MASK) != ev) {
			ck_assert_uint_eq(w & BIT(BUSY), 0);
			lost++;
			continue;
		}
		ck_assert_msg((w & ~BIT(MASKED)) == (BIT(PENDING) | BIT(LINKED) | ev),
			      "round %d: tail word %#x", round, w);
		ck_assert_uint_eq(wload(&ga, ev), BIT(PENDING) | BIT(LINKED));
	}
	__atomic_store_n(&f.stop, true, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	/* how often the guest won a race (not asserted: it depends on the machine) */
	fprintf(stderr, "busy_with_a_concurrent_guest: %d of 20000 links retried, %d lost\n",
		retried, lost);
}
END_TEST

/* Queues ------------------------------------------------------------------------ */

START_TEST(set_priority_while_linked)
{
	evtchn_port_t p, q, got[4];
	unsigned int prio[4];

	must_fifo(&ga, 1);
	p = must_ipi(alice);
	q = must_ipi(alice);
	guest_unmask(&ga, p);
	guest_unmask(&ga, q);
	ck_assert_int_eq(ev_send(alice, p), 0);
	ck_assert_uint_eq(head(&ga, 7), p);
	/* the linked event stays where it is */
	ck_assert_int_eq(set_priority(alice, p, 3), 0);
	ck_assert_uint_eq(head(&ga, 3), 0);
	ck_assert_uint_eq(consume(&ga, got, prio, 4), 1);
	ck_assert_uint_eq(got[0], p);
	ck_assert_uint_eq(prio[0], 7);
	/* the next one goes to queue 3 */
	ck_assert_int_eq(ev_send(alice, p), 0);
	ck_assert_uint_eq(head(&ga, 3), p);
	ck_assert_uint_eq(ready(&ga), 1u << 3);
	/*
	 * p was queue 7's tail: that tail was forgotten when p moved, so q
	 * becomes queue 7's head instead of being linked after p (which now
	 * sits on queue 3).
	 */
	ck_assert_int_eq(ev_send(alice, q), 0);
	ck_assert_uint_eq(head(&ga, 7), q);
	ck_assert_uint_eq(wload(&ga, p) & EVTCHN_FIFO_LINK_MASK, 0);
	ck_assert_uint_eq(consume(&ga, got, prio, 4), 2);
	ck_assert_uint_eq(got[0], p);
	ck_assert_uint_eq(prio[0], 3);
	ck_assert_uint_eq(got[1], q);
	ck_assert_uint_eq(prio[1], 7);
}
END_TEST

/* Set priority while the event is linked and not yet consumed: it is moved on relink. */
START_TEST(moved_while_still_linked)
{
	evtchn_port_t p, got[4];
	unsigned int prio[4];

	must_fifo(&ga, 1);
	p = must_ipi(alice);
	guest_unmask(&ga, p);
	ck_assert_int_eq(ev_send(alice, p), 0);
	ck_assert_int_eq(set_priority(alice, p, 0), 0);
	/* still LINKED on queue 7: a send changes nothing */
	ck_assert_int_eq(ev_send(alice, p), 0);
	ck_assert_uint_eq(head(&ga, 0), 0);
	/* the guest unlinks it without handling it (masked) and clears pending */
	guest_mask(&ga, p);
	ck_assert_uint_eq(consume(&ga, got, prio, 4), 0);
	__atomic_fetch_and(word(&ga, p), ~BIT(PENDING), __ATOMIC_SEQ_CST);
	guest_unmask(&ga, p);
	ck_assert_int_eq(ev_send(alice, p), 0);
	ck_assert_uint_eq(head(&ga, 0), p);
	ck_assert_uint_eq(consume(&ga, got, prio, 4), 1);
	ck_assert_uint_eq(prio[0], 0);
}
END_TEST

/* A closed port still on a queue is not handed out until the guest unlinks it. */
START_TEST(close_of_a_linked_port)
{
	evtchn_port_t p, next, got[4];
	struct json_object *dump;

	must_fifo(&ga, 1);
	p = must_ipi(alice);
	guest_unmask(&ga, p);
	ck_assert_int_eq(ev_send(alice, p), 0);
	ck_assert_int_eq(ev_close(alice, p), 0);
	/* PENDING goes, LINKED stays */
	ck_assert_uint_eq(wload(&ga, p), BIT(LINKED));
	ck_assert_uint_eq(status_of(alice, p), EVTCHNSTAT_closed);
	dump = evtchn_dump(alice);
	ck_assert_uint_eq(json_object_array_length(jget(dump, "linked_free")), 1);
	json_object_put(dump);
	next = must_ipi(alice);
	ck_assert_uint_ne(next, p);
	/* the guest walks its queue: p is not pending, skipped and unlinked */
	ck_assert_uint_eq(consume(&ga, got, NULL, 4), 0);
	ck_assert_uint_eq(wload(&ga, p), 0);
	ck_assert_uint_eq(must_ipi(alice), p);
	/* and a send on the closed port before that was refused */
	ck_assert_int_eq(ev_close(alice, p), 0);
	ck_assert_int_eq(ev_send(alice, p), -EINVAL);
}
END_TEST

/* The switch and back --------------------------------------------------------------- */

START_TEST(switch_keeps_pending_until_the_page_comes)
{
	evtchn_port_t masked_port, plain, rport;
	uint32_t before[WORDS];

	/* 2-level: two ports pending, one masked */
	plain = connect(alice, bob, &rport);
	masked_port = must_ipi(alice);
	__atomic_fetch_or(&alice->shared_info->evtchn_mask[0], (xen_ulong_t)1 << masked_port,
			  __ATOMIC_SEQ_CST);
	ck_assert_int_eq(ev_send(alice, masked_port), 0);
	ck_assert_int_eq(init_control(&ga, CB_GFN, 0, 0), 0);
	/* no event word yet: status and send work, nothing is written */
	memcpy(before, gfn_page(&ga, ARRAY_GFN), sizeof(before));
	ck_assert_int_eq(ev_send(bob, rport), 0);
	ck_assert_uint_eq(status_of(alice, plain), EVTCHNSTAT_interdomain);
	ck_assert_int_eq(memcmp(before, gfn_page(&ga, ARRAY_GFN), sizeof(before)), 0);
	quiesce(alice);
	/*
	 * The page comes with zeroed words (not Linux's masked ones): both
	 * saved events are linked, in port order, at the default priority.
	 * The 2-level mask bit is not carried over, as in Xen.
	 */
	ck_assert_int_eq(expand_words(&ga, ARRAY_GFN, 0), 0);
	ck_assert_uint_eq(wload(&ga, plain), BIT(PENDING) | BIT(LINKED) | masked_port);
	ck_assert_uint_eq(wload(&ga, masked_port), BIT(PENDING) | BIT(LINKED));
	ck_assert_uint_eq(head(&ga, 7), plain);
	ck_assert_uint_eq(hvtest_take_kicks(alice), 1);
}
END_TEST

START_TEST(switch_with_linux_masked_page)
{
	evtchn_port_t p, got[2];

	p = must_ipi(alice);
	ck_assert_int_eq(ev_send(alice, p), 0);       /* 2-level pending */
	must_fifo(&ga, 1);                            /* words arrive MASKED */
	ck_assert_uint_eq(wload(&ga, p), BIT(PENDING) | BIT(MASKED));
	guest_unmask(&ga, p);
	ck_assert_uint_eq(consume(&ga, got, NULL, 2), 1);
	ck_assert_uint_eq(got[0], p);
}
END_TEST

START_TEST(reset_back_to_2l)
{
	evtchn_port_t lport, rport, p;
	struct evtchn_expand_array ea = { .array_gfn = ARRAY_GFN + 1 };

	must_fifo(&ga, 1);
	lport = connect(alice, bob, &rport);
	guest_unmask(&ga, lport);
	ck_assert_int_eq(ev_send(bob, rport), 0);
	ck_assert_int_eq(ev_reset(alice), 0);
	ck_assert_str_eq(abi(alice), "2l");
	/* every port closed, the peer back to unbound */
	ck_assert_uint_eq(status_of(alice, lport), EVTCHNSTAT_closed);
	ck_assert_uint_eq(status_of(bob, rport), EVTCHNSTAT_unbound);
	/* the closed port's word lost PENDING; the guest's pages are left alone */
	ck_assert_uint_eq(wload(&ga, lport), BIT(LINKED));
	/* a 2-level domain again */
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_expand_array, &ea), -EOPNOTSUPP);
	p = must_ipi(alice);
	ck_assert_int_eq(set_priority(alice, p, 1), -ENOSYS);
	ck_assert_int_eq(ev_send(alice, p), 0);
	ck_assert(alice->shared_info->evtchn_pending[0] & ((xen_ulong_t)1 << p));
	/* and may switch again, with a new control block */
	ga.pages = 0;
	ck_assert_int_eq(init_control(&ga, CB_GFN + 1, 0, 0), 0);
	ck_assert_int_eq(expand_words(&ga, ARRAY_GFN + 2, 0), 0);
	/* p's 2-level pending bit came over to the new array */
	ck_assert_uint_eq(wload(&ga, p), BIT(PENDING) | BIT(LINKED));
	ck_assert_uint_eq(head(&ga, 7), p);
}
END_TEST

START_TEST(ports_beyond_4096)
{
	evtchn_port_t port = 0, lport;

	must_fifo(&ga, 1);
	for (unsigned int i = 1; i <= 5000; i++) {
		ck_assert_int_eq(alloc_unbound(alice, bob->domid, &port), 0);
		ck_assert_uint_eq(port, i);
	}
	/* bob binds port 4500: pending on a port with no word yet */
	lport = must_bind(bob, alice->domid, 4500);
	ck_assert_uint_eq(status_of(alice, 4500), EVTCHNSTAT_interdomain);
	ck_assert_int_eq(ev_send(bob, lport), 0);
	ck_assert_int_eq(ev_unmask(alice, 4500), 0);  /* no word: nothing to do */
	for (unsigned int i = 1; i < 5; i++)
		ck_assert_int_eq(expand(&ga, ARRAY_GFN + i), 0);
	/* the page came masked (Linux's init): PENDING saved into it */
	ck_assert_uint_eq(wload(&ga, 4500), BIT(PENDING) | BIT(MASKED));
	guest_unmask(&ga, 4500);
	ck_assert_uint_eq(head(&ga, 7), 4500);
	/* bob (2-level) still stops at 4096 */
	for (unsigned int i = 2; i < HVSIM_EVTCHN_PORTS; i++)
		ck_assert_int_eq(alloc_unbound(bob, alice->domid, NULL), 0);
	ck_assert_int_eq(alloc_unbound(bob, alice->domid, NULL), -ENOSPC);
}
END_TEST

START_TEST(fifo_port_exhaustion)
{
	evtchn_port_t port = 0;

	must_fifo(&ga, 0);
	for (unsigned int i = 1; i < HVSIM_EVTCHN_FIFO_PORTS; i++) {
		ck_assert_int_eq(alloc_unbound(alice, bob->domid, &port), 0);
		ck_assert_uint_eq(port, i);
	}
	ck_assert_int_eq(alloc_unbound(alice, bob->domid, NULL), -ENOSPC);
	ck_assert_int_eq(ev_close(alice, 77777), 0);
	ck_assert_int_eq(alloc_unbound(alice, bob->domid, &port), 0);
	ck_assert_uint_eq(port, 77777);
	ck_assert_uint_eq(status_of(alice, HVSIM_EVTCHN_FIFO_PORTS - 1), EVTCHNSTAT_unbound);
}
END_TEST

START_TEST(death_and_detach_free_the_fifo_state)
{
	evtchn_port_t lport, rport, d0port;

	must_fifo(&ga, 1);
	must_fifo(&gb, 1);
	lport = connect(alice, bob, &rport);
	(void)lport;
	ck_assert_int_eq(domain_destroy(alice), 0);
	ck_assert_uint_eq(status_of(bob, rport), EVTCHNSTAT_unbound);
	ck_assert_str_eq(abi(bob), "fifo");
	ck_assert_int_eq(ev_send(bob, rport), 0);
	/* dom0's kernel going away: ports closed, back to 2-level, may switch again */
	struct guest g0;

	guest_map(&g0, dom0);
	ck_assert_int_eq(init_control(&g0, CB_GFN, 0, 0), 0);
	d0port = must_ipi(dom0);
	(void)d0port;
	evtchn_close_all(dom0);
	ck_assert_str_eq(abi(dom0), "2l");
	ck_assert_int_eq(init_control(&g0, CB_GFN, 0, 0), 0);
	guest_unmap(&g0);
}
END_TEST

/* Dump and trace ------------------------------------------------------------------------ */

START_TEST(dump_shows_the_abi)
{
	evtchn_port_t p, q;
	struct json_object *dump, *o;

	dump = evtchn_dump(alice);
	ck_assert_str_eq(json_object_get_string(jget(dump, "abi")), "2l");
	json_object_put(dump);
	must_fifo(&ga, 1);
	p = must_ipi(alice);
	q = must_ipi(alice);
	guest_unmask(&ga, p);
	guest_unmask(&ga, q);
	ck_assert_int_eq(set_priority(alice, q, 2), 0);
	ck_assert_int_eq(ev_send(alice, p), 0);
	dump = evtchn_dump(alice);
	ck_assert_str_eq(json_object_get_string(jget(dump, "abi")), "fifo");
	ck_assert_int_eq(json_object_get_int64(jget(dump, "control_gfn")), CB_GFN);
	ck_assert_int_eq(json_object_get_int64(jget(dump, "ready")), 1 << 7);
	ck_assert_int_eq(json_object_get_int64(json_object_array_get_idx(jget(dump, "heads"), 7)), p);
	o = dump_port(dump, p);
	ck_assert(json_object_get_boolean(jget(o, "pending")));
	ck_assert(!json_object_get_boolean(jget(o, "masked")));
	ck_assert(json_object_get_boolean(jget(o, "linked")));
	ck_assert_int_eq(json_object_get_int(jget(o, "priority")), 7);
	o = dump_port(dump, q);
	ck_assert(!json_object_get_boolean(jget(o, "linked")));
	ck_assert_int_eq(json_object_get_int(jget(o, "priority")), 2);
	json_object_put(dump);
}
END_TEST

/* The trace's records, read back: `what` records of `dom`, in order. */
static struct json_object *records(const char *path, const char *what, int dom)
{
	FILE *f = fopen(path, "r");
	struct json_object *out = json_object_new_array();
	char line[8192];

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		struct json_object *rec = json_tokener_parse(line), *w, *dm;

		ck_assert_msg(rec != NULL, "bad trace line: %s", line);
		if (json_object_object_get_ex(rec, "what", &w) &&
		    !strcmp(json_object_get_string(w), what) &&
		    json_object_object_get_ex(rec, "dom", &dm) && json_object_get_int(dm) == dom)
			json_object_array_add(out, rec);
		else
			json_object_put(rec);
	}
	fclose(f);
	return out;
}

START_TEST(trace_narrates_fifo)
{
	int fd = memfd_create("hv-fifo-trace", MFD_CLOEXEC);
	char path[64];
	evtchn_port_t a, b, c;
	struct json_object *recs, *r;

	ck_assert_int_ge(fd, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ck_assert_int_eq(trace_open(path), 0);
	must_fifo(&ga, 1);
	a = must_ipi(alice);
	b = must_ipi(alice);
	c = must_ipi(alice);
	guest_unmask(&ga, a);
	guest_unmask(&ga, b);
	ck_assert_int_eq(set_priority(alice, b, 7), 0);
	ck_assert_int_eq(ev_send(alice, a), 0);     /* head, READY, upcall */
	ck_assert_int_eq(ev_send(alice, b), 0);     /* after a */
	ck_assert_int_eq(ev_send(alice, b), 0);     /* nothing */
	ck_assert_int_eq(ev_send(alice, c), 0);     /* masked: PENDING only */
	ck_assert_int_eq(ev_unmask(alice, c), 0);   /* unmask record, then linked */
	ck_assert_int_eq(ev_close(alice, a), 0);    /* closed while linked */
	ck_assert_int_eq(ev_reset(alice), 0);
	trace_close();

	recs = records(path, "evtchn_fifo_init", alice->domid);
	ck_assert_uint_eq(json_object_array_length(recs), 1);
	r = json_object_array_get_idx(recs, 0);
	ck_assert_int_eq(json_object_get_int64(jget(r, "control_gfn")), CB_GFN);
	json_object_put(recs);
	recs = records(path, "evtchn_fifo_expand", alice->domid);
	ck_assert_uint_eq(json_object_array_length(recs), 1);
	ck_assert_int_eq(json_object_get_int64(jget(json_object_array_get_idx(recs, 0), "ports")),
			 WORDS);
	json_object_put(recs);
	recs = records(path, "evtchn_priority", alice->domid);
	ck_assert_uint_eq(json_object_array_length(recs), 1);
	json_object_put(recs);

	recs = records(path, "evtchn_pending", alice->domid);
	ck_assert_uint_eq(json_object_array_length(recs), 4);
	r = json_object_array_get_idx(recs, 0);
	ck_assert_str_eq(json_object_get_string(jget(r, "abi")), "fifo");
	ck_assert_int_eq(json_object_get_int(jget(r, "priority")), 7);
	ck_assert_str_eq(json_object_to_json_string_ext(jget(r, "set"), JSON_C_TO_STRING_PLAIN),
			 "[\"PENDING\",\"LINKED\"]");
	ck_assert(json_object_get_boolean(jget(r, "head")));
	ck_assert(json_object_get_boolean(jget(r, "ready")));
	ck_assert(json_object_get_boolean(jget(r, "upcall")));
	r = json_object_array_get_idx(recs, 1);
	ck_assert_int_eq(json_object_get_int64(jget(r, "after")), a);
	ck_assert(!json_object_get_boolean(jget(r, "ready")));
	r = json_object_array_get_idx(recs, 2);
	ck_assert(json_object_get_boolean(jget(r, "masked")));
	ck_assert_str_eq(json_object_to_json_string_ext(jget(r, "set"), JSON_C_TO_STRING_PLAIN),
			 "[\"PENDING\"]");
	r = json_object_array_get_idx(recs, 3);
	ck_assert_str_eq(json_object_to_json_string_ext(jget(r, "set"), JSON_C_TO_STRING_PLAIN),
			 "[\"LINKED\"]");
	ck_assert_int_eq(json_object_get_int64(jget(r, "after")), b);
	json_object_put(recs);

	recs = records(path, "evtchn_unmask", alice->domid);
	ck_assert_uint_eq(json_object_array_length(recs), 1);
	json_object_put(recs);
	recs = records(path, "evtchn_close", alice->domid);
	r = json_object_array_get_idx(recs, 0);
	ck_assert(json_object_get_boolean(jget(r, "linked")));
	json_object_put(recs);
	recs = records(path, "evtchn_fifo_destroy", alice->domid);
	ck_assert_uint_eq(json_object_array_length(recs), 1);
	json_object_put(recs);
	close(fd);
}
END_TEST

/* 2-level records keep their fields and say which ABI they are. */
START_TEST(trace_2l_records_say_so)
{
	int fd = memfd_create("hv-2l-trace", MFD_CLOEXEC);
	char path[64];
	struct json_object *recs, *r;
	evtchn_port_t p;

	ck_assert_int_ge(fd, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ck_assert_int_eq(trace_open(path), 0);
	p = must_ipi(bob);
	ck_assert_int_eq(ev_send(bob, p), 0);
	trace_close();
	recs = records(path, "evtchn_pending", bob->domid);
	ck_assert_uint_eq(json_object_array_length(recs), 1);
	r = json_object_array_get_idx(recs, 0);
	ck_assert_str_eq(json_object_get_string(jget(r, "abi")), "2l");
	ck_assert(json_object_get_boolean(jget(r, "selector")));
	ck_assert(json_object_get_boolean(jget(r, "upcall")));
	ck_assert(!json_object_get_boolean(jget(r, "masked")));
	json_object_put(recs);
	recs = records(path, "evtchn_open", bob->domid);
	ck_assert_str_eq(json_object_get_string(jget(json_object_array_get_idx(recs, 0), "abi")),
			 "2l");
	json_object_put(recs);
	close(fd);
}
END_TEST

/* A guest scribbling on its own pages ------------------------------------------------ */

struct scribbler {
	struct guest *g;
	bool stop;
	unsigned long writes;
};

static void *scribble(void *arg)
{
	struct scribbler *s = arg;
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		uint32_t *cb = (uint32_t *)gfn_page(s->g, CB_GFN);
		uint32_t *arr = (uint32_t *)gfn_page(s->g, ARRAY_GFN + (x >> 60) % 2);

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if ((x & 0xff) == 0)
			memset(arr, (int)(x >> 8), PAGE);
		__atomic_store_n(&arr[(x >> 20) % WORDS], (uint32_t)(x >> 32), __ATOMIC_RELAXED);
		__atomic_store_n(&cb[(x >> 12) % (sizeof(*s->g->cb) / 4)], (uint32_t)x,
				 __ATOMIC_RELAXED);
		s->writes++;
	}
	return NULL;
}

START_TEST(guest_scribbling)
{
	enum { N = 150 };
	evtchn_port_t a_port[N], b_port[N], got[2 * N], ipi0;
	struct scribbler s = { .g = &ga };
	pthread_t t;
	uint64_t x = 1;

	must_fifo(&ga, 2);
	must_fifo(&gb, 1);
	for (int i = 0; i < N; i++) {
		a_port[i] = connect(alice, bob, &b_port[i]);
		guest_unmask(&gb, b_port[i]);
	}
	consume(&gb, got, NULL, 2 * N);
	ipi0 = must_ipi(dom0);
	ck_assert_int_eq(pthread_create(&t, NULL, scribble, &s), 0);
	for (int round = 0; round < 200; round++) {
		size_t n;

		for (int i = 0; i < N; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			ck_assert_int_eq(ev_send(bob, b_port[i]), 0);
			ck_assert_int_eq(ev_unmask(alice, a_port[i]), 0);
			if ((x >> 33) % 7 == 0)
				set_priority(alice, a_port[i], (uint32_t)(x >> 40) % 20);
			if ((x >> 33) % 31 == 0) {
				/* close and rebind: a new port number, perhaps */
				ck_assert_int_eq(ev_close(alice, a_port[i]), 0);
				ck_assert_int_eq(ev_close(bob, b_port[i]), 0);
				a_port[i] = connect(alice, bob, &b_port[i]);
				guest_unmask(&gb, b_port[i]);
			}
		}
		/* the guest reads its garbage, bounded as any guest must be */
		consume(&ga, got, NULL, N);
		/* bob, whom alice sends to, gets exactly what was sent */
		consume(&gb, got, NULL, 2 * N);
		for (int i = 0; i < N; i++)
			ck_assert_int_eq(ev_send(alice, a_port[i]), 0);
		n = consume(&gb, got, NULL, 2 * N);
		ck_assert_uint_eq(n, N);
		for (int i = 0; i < N; i++)
			ck_assert_uint_eq(got[i], b_port[i]);
		/* dom0, 2-level, too */
		ck_assert_int_eq(ev_send(dom0, ipi0), 0);
		ck_assert(dom0->shared_info->evtchn_pending[0] & ((xen_ulong_t)1 << ipi0));
		dom0->shared_info->evtchn_pending[0] = 0;
	}
	__atomic_store_n(&s.stop, true, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	ck_assert_uint_gt(s.writes, 0);
	/* and the domain's own state is still consistent enough to reset */
	ck_assert_int_eq(ev_reset(alice), 0);
	ck_assert_str_eq(abi(alice), "2l");
}
END_TEST

/* The FIFO advisories, XTF-style ------------------------------------------------------- */

/*
 * XSA-107: ports bound before the switch (by the toolstack, or under
 * 2-level) must not make set_pending reach for a control block or queue
 * that does not exist.  With one vCPU the control block exists whenever
 * the domain is FIFO; what is left is an event with no word.
 */
START_TEST(xsa107_ports_bound_before_the_switch)
{
	evtchn_port_t for_alice, lport, got[2];

	ck_assert_int_eq(alloc_unbound(dom0, alice->domid, &for_alice), 0);
	{
		struct evtchn_alloc_unbound op = { .dom = alice->domid, .remote_dom = dom0->domid };

		ck_assert_int_eq(evtchn_op(dom0, EVTCHNOP_alloc_unbound, &op), 0);
		lport = op.port;
	}
	ck_assert_int_eq(init_control(&ga, CB_GFN, 0, 0), 0);
	{
		struct evtchn_bind_interdomain op = { .remote_dom = alice->domid,
						      .remote_port = lport };

		ck_assert_int_eq(evtchn_op(dom0, EVTCHNOP_bind_interdomain, &op), 0);
		ck_assert_int_eq(ev_send(dom0, op.local_port), 0);
	}
	ck_assert_int_eq(expand_words(&ga, ARRAY_GFN, 0), 0);
	ck_assert_uint_eq(consume(&ga, got, NULL, 2), 1);
	ck_assert_uint_eq(got[0], lport);
}
END_TEST

/*
 * XSA-188: init_control failing (bad gfn) freed Xen's FIFO state but left
 * a pointer to it, which expand_array and a second init_control then
 * used.  Here a failed init_control leaves a 2-level domain, every time.
 */
START_TEST(xsa188_init_control_failure_leaves_nothing)
{
	evtchn_port_t p = must_ipi(alice);
	struct evtchn_expand_array ea = { .array_gfn = ARRAY_GFN };

	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(init_control(&ga, alice->ram_pages + (uint64_t)i, 0, 0), -EINVAL);
	ck_assert_str_eq(abi(alice), "2l");
	ck_assert_int_eq(evtchn_op(alice, EVTCHNOP_expand_array, &ea), -EOPNOTSUPP);
	ck_assert_int_eq(set_priority(alice, p, 1), -ENOSYS);
	ck_assert_int_eq(ev_send(alice, p), 0);
	ck_assert(alice->shared_info->evtchn_pending[0] & ((xen_ulong_t)1 << p));
	ck_assert_int_eq(init_control(&ga, CB_GFN, 0, 0), 0);
	ck_assert_int_eq(expand(&ga, ARRAY_GFN), 0);
	ck_assert_uint_eq(wload(&ga, p), BIT(PENDING) | BIT(MASKED));
}
END_TEST

/*
 * XSA-221: ports with no struct or no word (beyond the buckets, beyond
 * the event array) must not be dereferenced by send, unmask, status or
 * the dump.
 */
START_TEST(xsa221_ports_without_a_word)
{
	evtchn_port_t p = 0;
	struct json_object *dump;

	must_fifo(&ga, 1);
	for (unsigned int i = 1; i <= WORDS + 10; i++)
		ck_assert_int_eq(alloc_unbound(alice, alice->domid, &p), 0);
	ck_assert_uint_eq(p, WORDS + 10);
	ck_assert_int_eq(ev_unmask(alice, p), 0);
	ck_assert_int_eq(ev_unmask(alice, p + 100), -EINVAL);
	ck_assert_int_eq(ev_send(alice, p), 0);         /* unbound: dropped */
	dump = evtchn_dump(alice);
	ck_assert(json_object_get_boolean(jget(dump_port(dump, p), "masked")));
	ck_assert(!json_object_get_boolean(jget(dump_port(dump, p), "pending")));
	ck_assert(json_object_get_boolean(jget(dump_port(dump, p), "no_word")));
	json_object_put(dump);
	ck_assert_int_eq(set_priority(alice, p, 4), 0);
}
END_TEST

/*
 * XSA-342: the port limit depends on the ABI and must follow it both
 * ways; the switch to FIFO carries only ports below the 2-level limit.
 */
START_TEST(xsa342_port_limit_follows_the_abi)
{
	evtchn_port_t port = 0;

	for (unsigned int i = 1; i < HVSIM_EVTCHN_PORTS; i++)
		ck_assert_int_eq(alloc_unbound(alice, bob->domid, NULL), 0);
	ck_assert_int_eq(alloc_unbound(alice, bob->domid, NULL), -ENOSPC);
	ck_assert_int_eq(init_control(&ga, CB_GFN, 0, 0), 0);
	ck_assert_int_eq(alloc_unbound(alice, bob->domid, &port), 0);
	ck_assert_uint_eq(port, HVSIM_EVTCHN_PORTS);
	ck_assert_int_eq(ev_reset(alice), 0);
	/* back to 2-level: ports stop at 4095 again */
	for (unsigned int i = 1; i < HVSIM_EVTCHN_PORTS; i++) {
		ck_assert_int_eq(alloc_unbound(alice, bob->domid, &port), 0);
		ck_assert_uint_lt(port, HVSIM_EVTCHN_PORTS);
	}
	ck_assert_int_eq(alloc_unbound(alice, bob->domid, NULL), -ENOSPC);
	/* a port above the limit is valid (its bucket exists) but closed */
	ck_assert_uint_eq(status_of(alice, HVSIM_EVTCHN_PORTS), EVTCHNSTAT_closed);
	ck_assert_int_eq(ev_unmask(alice, HVSIM_EVTCHN_PORTS), 0);
}
END_TEST

/*
 * XSA-343: a reset must not succeed with ports still open, and a peer's
 * send racing it must not reach the FIFO state the reset tore down.
 */
START_TEST(xsa343_reset_closes_before_switching)
{
	evtchn_port_t lport, rport;
	uint32_t before[WORDS];

	must_fifo(&ga, 1);
	lport = connect(alice, bob, &rport);
	guest_unmask(&ga, lport);
	ck_assert_int_eq(ev_reset(alice), 0);
	memcpy(before, ga.page[0], sizeof(before));
	/* bob's send now finds an unbound port: dropped, alice's old pages untouched */
	ck_assert_int_eq(ev_send(bob, rport), 0);
	ck_assert_int_eq(memcmp(before, ga.page[0], sizeof(before)), 0);
	ck_assert_uint_eq(alice->shared_info->evtchn_pending[0], 0);
	/* a port alice binds now is 2-level */
	lport = must_bind(alice, bob->domid, rport);
	ck_assert(alice->shared_info->evtchn_pending[0] & ((xen_ulong_t)1 << lport));
	ck_assert_int_eq(memcmp(before, ga.page[0], sizeof(before)), 0);
}
END_TEST

/* XSA-344: reset and destroy of a domain with many ports run to the end. */
START_TEST(xsa344_reset_and_destroy_with_many_ports)
{
	evtchn_port_t rport;

	must_fifo(&ga, 10);
	for (int i = 0; i < 10000; i++)
		ck_assert_int_eq(alloc_unbound(alice, bob->domid, NULL), 0);
	ck_assert_int_eq(ev_reset(alice), 0);
	ck_assert_uint_eq(status_of(alice, 9999), EVTCHNSTAT_closed);
	ga.pages = 0;
	must_fifo(&ga, 10);
	for (int i = 0; i < 10000; i++)
		ck_assert_int_eq(alloc_unbound(alice, bob->domid, NULL), 0);
	rport = must_bind(bob, alice->domid, 9000);
	ck_assert_int_eq(domain_destroy(alice), 0);
	ck_assert_uint_eq(status_of(bob, rport), EVTCHNSTAT_unbound);
}
END_TEST

/*
 * XSA-358: the queue heads must be in place before the control block is
 * used.  They are the control block's, at the guest's offset: nothing
 * outside its 72 bytes is written.
 */
START_TEST(xsa358_heads_inside_the_control_block)
{
	uint8_t *pg = gfn_page(&ga, CB_GFN);
	evtchn_port_t p;

	memset(pg, 0x5a, PAGE);
	ck_assert_int_eq(init_control(&ga, CB_GFN, 1024, 0), 0);
	ck_assert_int_eq(expand_words(&ga, ARRAY_GFN, 0), 0);
	for (int q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++) {
		p = must_ipi(alice);
		ck_assert_int_eq(set_priority(alice, p, (uint32_t)q), 0);
		ck_assert_int_eq(ev_send(alice, p), 0);
		ck_assert_uint_eq(head(&ga, (unsigned int)q), p);
	}
	ck_assert_uint_eq(ready(&ga), 0xffff);
	for (unsigned int i = 0; i < PAGE; i++)
		if (i < 1024 || i >= 1024 + sizeof(struct evtchn_fifo_control_block))
			ck_assert_msg(pg[i] == 0x5a, "byte %u of the control block page written", i);
}
END_TEST

/*
 * XSA-359: an event raised between init_control and the first
 * expand_array finds no word: nothing in guest memory is written, and it
 * is raised once the page comes.
 */
START_TEST(xsa359_no_word_between_switch_and_first_page)
{
	evtchn_port_t p = must_ipi(alice), got[2];
	uint8_t *cb = gfn_page(&ga, CB_GFN);
	uint8_t before[PAGE];

	ck_assert_int_eq(init_control(&ga, CB_GFN, 0, 0), 0);
	memcpy(before, cb, PAGE);
	ck_assert_int_eq(ev_send(alice, p), 0);
	ck_assert_int_eq(ev_unmask(alice, p), 0);
	ck_assert_int_eq(memcmp(before, cb, PAGE), 0);
	ck_assert_int_eq(expand_words(&ga, ARRAY_GFN, 0), 0);
	ck_assert_uint_eq(consume(&ga, got, NULL, 2), 1);
	ck_assert_uint_eq(got[0], p);
}
END_TEST

static Suite *fifo_suite(void)
{
	Suite *s = suite_create("evtchn_fifo");
	TCase *ops = tcase_create("ops"), *delivery = tcase_create("delivery");
	TCase *abi_tc = tcase_create("abi"), *xsa = tcase_create("xsa");

	tcase_add_checked_fixture(ops, setup, teardown);
	tcase_add_test(ops, init_control_checks_and_codes);
	tcase_add_test(ops, init_control_twice);
	tcase_add_test(ops, control_block_gfn_outside_ram_or_used);
	tcase_add_test(ops, expand_array_codes_and_limit);
	tcase_add_test(ops, expand_array_foreign_or_repeated_page);
	tcase_add_test(ops, set_priority_codes);
	suite_add_tcase(s, ops);

	tcase_add_checked_fixture(delivery, setup, teardown);
	tcase_set_timeout(delivery, 60);
	tcase_add_test(delivery, set_pending_word_head_ready_upcall);
	tcase_add_test(delivery, queue_order_by_priority);
	tcase_add_test(delivery, masked_until_unmask);
	tcase_add_test(delivery, unmask_with_linked_set);
	tcase_add_test(delivery, busy_set_while_retrying);
	tcase_add_test(delivery, busy_tail_unlinked_meanwhile);
	tcase_add_test(delivery, busy_bounded_against_a_changing_word);
	tcase_add_test(delivery, busy_with_a_concurrent_guest);
	tcase_add_test(delivery, set_priority_while_linked);
	tcase_add_test(delivery, moved_while_still_linked);
	tcase_add_test(delivery, close_of_a_linked_port);
	tcase_add_test(delivery, guest_scribbling);
	suite_add_tcase(s, delivery);

	tcase_add_checked_fixture(abi_tc, setup, teardown);
	tcase_set_timeout(abi_tc, 60);
	tcase_add_test(abi_tc, switch_keeps_pending_until_the_page_comes);
	tcase_add_test(abi_tc, switch_with_linux_masked_page);
	tcase_add_test(abi_tc, reset_back_to_2l);
	tcase_add_test(abi_tc, ports_beyond_4096);
	tcase_add_test(abi_tc, fifo_port_exhaustion);
	tcase_add_test(abi_tc, death_and_detach_free_the_fifo_state);
	tcase_add_test(abi_tc, dump_shows_the_abi);
	tcase_add_test(abi_tc, trace_narrates_fifo);
	tcase_add_test(abi_tc, trace_2l_records_say_so);
	suite_add_tcase(s, abi_tc);

	tcase_add_checked_fixture(xsa, setup, teardown);
	tcase_set_timeout(xsa, 60);
	tcase_add_test(xsa, xsa107_ports_bound_before_the_switch);
	tcase_add_test(xsa, xsa188_init_control_failure_leaves_nothing);
	tcase_add_test(xsa, xsa221_ports_without_a_word);
	tcase_add_test(xsa, xsa342_port_limit_follows_the_abi);
	tcase_add_test(xsa, xsa343_reset_closes_before_switching);
	tcase_add_test(xsa, xsa344_reset_and_destroy_with_many_ports);
	tcase_add_test(xsa, xsa358_heads_inside_the_control_block);
	tcase_add_test(xsa, xsa359_no_word_between_switch_and_first_page);
	suite_add_tcase(s, xsa);
	return s;
}

int main(void)
{
	return hvtest_run(fifo_suite());
}
