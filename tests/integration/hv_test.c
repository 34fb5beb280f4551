// SPDX-License-Identifier: GPL-2.0-only
/*
 * Integration tests of the hypervisor: a real hvsimd, and guest processes
 * attached to their domains through libhvsim-guest, sharing pages and
 * events as two guest kernels would.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "hvsim/hypercall_wire.h"
#include "hvsim/paths.h"
#include "hvsim/xen.h"
#include <xen/version.h>
#include "hvsim_guest.h"

#define GRANT_REF   8         /* the first ref not reserved */
#define SHARED_GFN  100       /* the granter's page */
#define MAP_GFN     200       /* where dom0 maps it */
#define HVSIM_MAX_GRANT_FRAMES_TEST 64

struct pipes {
	int to_child[2];
	int to_parent[2];
	uint16_t domid;
};

static void setup(void)
{
	harness_up(0);
}

static void teardown(void)
{
	harness_down();
}

static void send_u32(int fd, uint32_t v)
{
	ck_assert_int_eq(write(fd, &v, sizeof(v)), sizeof(v));
}

static int recv_u32(int fd, uint32_t *v)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 10000) != 1)
		return -1;
	return read(fd, v, sizeof(*v)) == sizeof(*v) ? 0 : -1;
}

static void open_pipes(struct pipes *p)
{
	ck_assert_int_eq(pipe(p->to_child), 0);
	ck_assert_int_eq(pipe(p->to_parent), 0);
}

static char *page(struct hvsim_guest *g, uint64_t gfn)
{
	return (char *)hvsim_guest_ram(g) + gfn * XEN_PAGE_SIZE;
}

/* The domU side of share_page_both_ways. */
static int domu_share(void *arg)
{
	struct pipes *p = arg;
	struct hvsim_guest *g;
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 0 };
	struct evtchn_send send;
	uint32_t msg;

	if (hvsim_guest_attach(NULL, p->domid, &g))
		return 10;
	strcpy(page(g, SHARED_GFN), "hello from domU");
	hvsim_guest_grant_access(g, GRANT_REF, 0, SHARED_GFN, false);
	if (hvsim_guest_event_channel_op(g, EVTCHNOP_alloc_unbound, &au) || !au.port)
		return 11;
	send_u32(p->to_parent[1], au.port);

	if (hvsim_guest_wait_event(g, 10000) != au.port)
		return 12;
	if (strcmp(page(g, SHARED_GFN), "hello from dom0") != 0)
		return 13;
	/* the revocation race: dom0 still maps the page, so this must fail */
	if (hvsim_guest_end_access(g, GRANT_REF))
		return 14;
	send.port = au.port;
	if (hvsim_guest_event_channel_op(g, EVTCHNOP_send, &send))
		return 15;
	if (recv_u32(p->to_child[0], &msg) || msg != 1)
		return 16;
	/* unmapped now: the entry is free to revoke */
	if (!hvsim_guest_end_access(g, GRANT_REF))
		return 17;
	hvsim_guest_detach(g);
	return 0;
}

START_TEST(share_page_both_ways)
{
	struct pipes p;
	struct hvsim_guest *g0;
	uint32_t remote_port;
	pid_t child;

	open_pipes(&p);
	p.domid = harness_domain("guest");
	ck_assert_int_eq(hvsim_guest_attach(NULL, 0, &g0), 0);
	child = harness_spawn(domu_share, &p);
	ck_assert_int_eq(recv_u32(p.to_parent[0], &remote_port), 0);

	struct gnttab_map_grant_ref map = {
		.host_addr = (uint64_t)MAP_GFN << XEN_PAGE_SHIFT,
		.flags = GNTMAP_host_map, .ref = GRANT_REF, .dom = p.domid,
	};
	ck_assert_int_eq(hvsim_guest_grant_table_op(g0, GNTTABOP_map_grant_ref, &map, 1, NULL), 0);
	ck_assert_int_eq(map.status, GNTST_okay);
	ck_assert_str_eq(page(g0, MAP_GFN), "hello from domU");
	strcpy(page(g0, MAP_GFN), "hello from dom0");

	/* the CLI shows the pinned entry and dom0's handle */
	char *out;

	ck_assert_int_eq(harness_sh(&out, "%s grants guest", harness_exe("hvsim")), 0);
	ck_assert_msg(strstr(out, "permit_access|reading|writing") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "      8  ") != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s grants Domain-0", harness_exe("hvsim")), 0);
	ck_assert_msg(strstr(out, "mappings held by Domain-0") != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s list", harness_exe("hvsim")), 0);
	ck_assert_msg(strstr(out, "guest") != NULL, "%s", out);
	free(out);

	struct evtchn_bind_interdomain bind = {
		.remote_dom = p.domid, .remote_port = remote_port,
	};
	ck_assert_int_eq(hvsim_guest_event_channel_op(g0, EVTCHNOP_bind_interdomain, &bind), 0);
	/* binding sets the new local port pending, as Xen does */
	ck_assert_uint_eq(hvsim_guest_wait_event(g0, 5000), bind.local_port);
	struct evtchn_send send = { .port = bind.local_port };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g0, EVTCHNOP_send, &send), 0);
	ck_assert_uint_eq(hvsim_guest_wait_event(g0, 10000), bind.local_port);

	struct gnttab_unmap_grant_ref unmap = {
		.host_addr = map.host_addr, .handle = map.handle,
	};
	ck_assert_int_eq(hvsim_guest_grant_table_op(g0, GNTTABOP_unmap_grant_ref, &unmap, 1, NULL), 0);
	ck_assert_int_eq(unmap.status, GNTST_okay);
	/* the gfn shows dom0's own page again */
	ck_assert_str_ne(page(g0, MAP_GFN), "hello from dom0");
	send_u32(p.to_child[1], 1);
	ck_assert_int_eq(harness_wait(child), 0);
	hvsim_guest_detach(g0);
}
END_TEST

/* A domU that grants `n` pages to dom0 (refs 8.., frames 100..) and waits. */
struct granter {
	struct pipes p;
	unsigned int n;
	bool readonly;
};

static int domu_grant_and_wait(void *arg)
{
	struct granter *gr = arg;
	struct hvsim_guest *g;
	uint32_t msg;

	if (hvsim_guest_attach(NULL, gr->p.domid, &g))
		return 10;
	/* grow the table to hold every ref, as Linux's gnttab_expand does */
	unsigned int entries_per_frame = XEN_PAGE_SIZE / sizeof(grant_entry_v1_t);
	struct gnttab_setup_table st = {
		.dom = DOMID_SELF,
		.nr_frames = (GRANT_REF + gr->n + entries_per_frame - 1) / entries_per_frame,
	};
	xen_pfn_t frames[HVSIM_MAX_GRANT_FRAMES_TEST];

	if (hvsim_guest_grant_table_op(g, GNTTABOP_setup_table, &st, 1, frames) ||
	    st.status != GNTST_okay)
		return 13;
	for (unsigned int i = 0; i < gr->n; i++) {
		snprintf(page(g, SHARED_GFN + i), 64, "page %u", i);
		hvsim_guest_grant_access(g, GRANT_REF + i, 0, SHARED_GFN + i, gr->readonly);
	}
	send_u32(gr->p.to_parent[1], gr->n);
	/* until told to go, or until the domain is destroyed under us */
	struct pollfd pf[2] = {
		{ .fd = gr->p.to_child[0], .events = POLLIN },
		{ .fd = hvsim_guest_conn_fd(g), .events = POLLIN },
	};
	if (poll(pf, 2, 20000) <= 0)
		return 11;
	if (pf[1].revents) {
		send_u32(gr->p.to_parent[1], 0xdead);
		return 0;
	}
	if (read(gr->p.to_child[0], &msg, sizeof(msg)) != sizeof(msg))
		return 12;
	hvsim_guest_detach(g);
	return 0;
}

static const char *domain_state(const char *name)
{
	static char state[32];
	struct json_object *req = json_object_new_object(), *reply, *d, *v;

	json_object_object_add(req, "cmd", json_object_new_string("domid"));
	json_object_object_add(req, "domain", json_object_new_string(name));
	ck_assert_int_eq(hvsim_ctl_call(harness_ctl(), req, &reply), 0);
	json_object_object_get_ex(reply, "domain", &d);
	json_object_object_get_ex(d, "state", &v);
	snprintf(state, sizeof(state), "%s", json_object_get_string(v));
	json_object_put(reply);
	return state;
}

static evtchn_port_t bind_dom_exc(struct hvsim_guest *g0)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g0, EVTCHNOP_bind_virq, &bv), 0);
	return bv.port;
}

START_TEST(destroy_while_mapped_leaves_a_zombie)
{
	struct granter gr = { .n = 1 };
	struct hvsim_guest *g0;
	evtchn_port_t virq_port;
	uint32_t msg;
	pid_t child;

	open_pipes(&gr.p);
	gr.p.domid = harness_domain("victim");
	ck_assert_int_eq(hvsim_guest_attach(NULL, 0, &g0), 0);
	virq_port = bind_dom_exc(g0);
	child = harness_spawn(domu_grant_and_wait, &gr);
	ck_assert_int_eq(recv_u32(gr.p.to_parent[0], &msg), 0);

	struct gnttab_map_grant_ref map = {
		.host_addr = (uint64_t)MAP_GFN << XEN_PAGE_SHIFT,
		.flags = GNTMAP_host_map, .ref = GRANT_REF, .dom = gr.p.domid,
	};
	ck_assert_int_eq(hvsim_guest_grant_table_op(g0, GNTTABOP_map_grant_ref, &map, 1, NULL), 0);
	ck_assert_int_eq(map.status, GNTST_okay);

	ck_assert_int_eq(hvsim_domain_destroy(harness_ctl(), "victim"), 0);
	/* its kernel is told, dom0 gets VIRQ_DOM_EXC */
	ck_assert_int_eq(recv_u32(gr.p.to_parent[0], &msg), 0);
	ck_assert_uint_eq(msg, 0xdead);
	ck_assert_int_eq(harness_wait(child), 0);
	ck_assert_uint_eq(hvsim_guest_wait_event(g0, 5000), virq_port);

	/* a zombie: its page lives on while dom0 maps it */
	ck_assert_str_eq(domain_state("victim"), "dying");
	ck_assert_str_eq(page(g0, MAP_GFN), "page 0");
	strcpy(page(g0, MAP_GFN), "still writable");
	ck_assert_str_eq(page(g0, MAP_GFN), "still writable");

	/* granting or mapping anew is refused */
	struct gnttab_map_grant_ref again = map;

	again.host_addr = (uint64_t)(MAP_GFN + 1) << XEN_PAGE_SHIFT;
	ck_assert_int_eq(hvsim_guest_grant_table_op(g0, GNTTABOP_map_grant_ref, &again, 1, NULL), 0);
	ck_assert_int_ne(again.status, GNTST_okay);

	struct gnttab_unmap_grant_ref unmap = { .host_addr = map.host_addr, .handle = map.handle };

	ck_assert_int_eq(hvsim_guest_grant_table_op(g0, GNTTABOP_unmap_grant_ref, &unmap, 1, NULL), 0);
	ck_assert_int_eq(unmap.status, GNTST_okay);
	ck_assert_str_eq(domain_state("victim"), "dead");
	hvsim_guest_detach(g0);
}
END_TEST

START_TEST(killed_kernel_is_a_domain_crash)
{
	struct granter gr = { .n = 1 };
	struct hvsim_guest *g0;
	evtchn_port_t virq_port;
	uint32_t msg;
	pid_t child;

	open_pipes(&gr.p);
	gr.p.domid = harness_domain("crashy");
	ck_assert_int_eq(hvsim_guest_attach(NULL, 0, &g0), 0);
	virq_port = bind_dom_exc(g0);
	child = harness_spawn(domu_grant_and_wait, &gr);
	ck_assert_int_eq(recv_u32(gr.p.to_parent[0], &msg), 0);

	/* an event channel from the domU to dom0, to see it go back to unbound */
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = gr.p.domid };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g0, EVTCHNOP_alloc_unbound, &au), 0);

	kill(child, SIGKILL);
	ck_assert_int_eq(harness_wait(child), 128 + SIGKILL);
	ck_assert_uint_eq(hvsim_guest_wait_event(g0, 5000), virq_port);
	ck_assert_str_eq(domain_state("crashy"), "dead");
	ck_assert_str_eq(domain_state(gr.p.domid == 1 ? "1" : "crashy"), "dead");
	hvsim_guest_detach(g0);
}
END_TEST

START_TEST(batch_of_1024_grants_is_one_round_trip)
{
	struct granter gr = { .n = 1024 };
	struct hvsim_guest *g0;
	struct gnttab_map_grant_ref *map = calloc(gr.n, sizeof(*map));
	struct gnttab_unmap_grant_ref *unmap = calloc(gr.n, sizeof(*unmap));
	uint32_t msg;
	pid_t child;
	char *out;

	open_pipes(&gr.p);
	gr.p.domid = harness_domain("bulk");
	ck_assert_int_eq(hvsim_guest_attach(NULL, 0, &g0), 0);
	child = harness_spawn(domu_grant_and_wait, &gr);
	ck_assert_int_eq(recv_u32(gr.p.to_parent[0], &msg), 0);

	for (unsigned int i = 0; i < gr.n; i++)
		map[i] = (struct gnttab_map_grant_ref){
			.host_addr = (uint64_t)(MAP_GFN + i) << XEN_PAGE_SHIFT,
			.flags = GNTMAP_host_map | GNTMAP_readonly,
			.ref = GRANT_REF + i, .dom = gr.p.domid,
		};
	ck_assert_int_eq(hvsim_guest_grant_table_op(g0, GNTTABOP_map_grant_ref, map, gr.n, NULL), 0);
	for (unsigned int i = 0; i < gr.n; i++) {
		char want[64];

		ck_assert_int_eq(map[i].status, GNTST_okay);
		snprintf(want, sizeof(want), "page %u", i);
		ck_assert_str_eq(page(g0, MAP_GFN + i), want);
		unmap[i] = (struct gnttab_unmap_grant_ref){
			.host_addr = map[i].host_addr, .handle = map[i].handle,
		};
	}
	ck_assert_int_eq(hvsim_guest_grant_table_op(g0, GNTTABOP_unmap_grant_ref, unmap, gr.n, NULL), 0);
	for (unsigned int i = 0; i < gr.n; i++)
		ck_assert_int_eq(unmap[i].status, GNTST_okay);

	/* one trace record each for the map and the unmap batch */
	ck_assert_int_eq(harness_sh(&out, "%s trace --json | grep -c '\"cmd\":\"map_grant_ref\",\"count\":1024'",
				    harness_exe("hvsim")), 0);
	ck_assert_str_eq(out, "1\n");
	free(out);
	send_u32(gr.p.to_child[1], 1);
	ck_assert_int_eq(harness_wait(child), 0);
	hvsim_guest_detach(g0);
	free(map);
	free(unmap);
}
END_TEST

/* Regression: unmask of a port that went pending while masked must raise it. */
START_TEST(pending_while_masked_is_delivered_on_unmask)
{
	struct hvsim_guest *g0, *g1;
	uint16_t domid = harness_domain("peer");

	ck_assert_int_eq(hvsim_guest_attach(NULL, 0, &g0), 0);
	/* this process is the kernel of both domains: a self-contained pair */
	ck_assert_int_eq(hvsim_guest_attach(NULL, domid, &g1), 0);

	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 0 };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g1, EVTCHNOP_alloc_unbound, &au), 0);
	struct evtchn_bind_interdomain bind = { .remote_dom = domid, .remote_port = au.port };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g0, EVTCHNOP_bind_interdomain, &bind), 0);
	ck_assert_uint_eq(hvsim_guest_wait_event(g0, 5000), bind.local_port);

	hvsim_guest_evtchn_mask(g0, bind.local_port);
	struct evtchn_send send = { .port = au.port };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g1, EVTCHNOP_send, &send), 0);
	/* masked: pending, but no upcall */
	ck_assert_uint_eq(hvsim_guest_wait_event(g0, 200), 0);
	ck_assert(hvsim_guest_evtchn_test_pending(g0, bind.local_port));
	ck_assert_int_eq(hvsim_guest_evtchn_unmask(g0, bind.local_port), 0);
	ck_assert_uint_eq(hvsim_guest_wait_event(g0, 5000), bind.local_port);
	hvsim_guest_detach(g1);
	hvsim_guest_detach(g0);
}
END_TEST

/*
 * Regression: the guest library sized only the event-channel ops Linux's
 * 2-level driver uses, so bind_ipi, bind_vcpu and bind_pirq went out with
 * no struct and came back -EINVAL.  Each gets Xen 4.17's answer
 * (xen/common/event_channel.c) for a domain with one vCPU and no pirqs.
 */
START_TEST(bind_ipi_vcpu_pirq_get_xens_answers)
{
	struct hvsim_guest *g0;

	ck_assert_int_eq(hvsim_guest_attach(NULL, 0, &g0), 0);

	/* an IPI port on vcpu 0 notifies its own domain */
	struct evtchn_bind_ipi ipi = { .vcpu = 0 };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g0, EVTCHNOP_bind_ipi, &ipi), 0);
	ck_assert_uint_ne(ipi.port, 0);
	struct evtchn_send send = { .port = ipi.port };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g0, EVTCHNOP_send, &send), 0);
	ck_assert_uint_eq(hvsim_guest_wait_event(g0, 5000), ipi.port);

	/* a vCPU the domain does not have: domain_vcpu() finds none */
	struct evtchn_bind_ipi ipi_vcpu1 = { .vcpu = 1 };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g0, EVTCHNOP_bind_ipi, &ipi_vcpu1),
			 -ENOENT);

	/* an unbound port may be bound to vcpu 0 (it already is) */
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 0 };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g0, EVTCHNOP_alloc_unbound, &au), 0);
	struct evtchn_bind_vcpu bv = { .port = au.port, .vcpu = 0 };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g0, EVTCHNOP_bind_vcpu, &bv), 0);

	/* no physical IRQs: Xen's first check, pirq >= d->nr_pirqs, refuses it */
	struct evtchn_bind_pirq bp = { .pirq = 0 };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g0, EVTCHNOP_bind_pirq, &bp), -EINVAL);
	hvsim_guest_detach(g0);
}
END_TEST

/*
 * The FIFO ABI through the transport: init_control and expand_array on
 * pages of the guest's RAM, an event linked into the control block's
 * queue, and `hvsim evtchn` saying which ABI the domain uses.
 */
START_TEST(fifo_abi_through_the_transport)
{
	const char *hvsim = harness_exe("hvsim");
	uint16_t domid = harness_domain("fifo");
	struct hvsim_guest *g;
	char *out;

	ck_assert_int_eq(hvsim_guest_attach(NULL, domid, &g), 0);
	struct evtchn_fifo_control_block *cb = (void *)page(g, 30);
	uint32_t *words = (uint32_t *)page(g, 31);
	struct evtchn_init_control ic = { .control_gfn = 30, .offset = 0, .vcpu = 0 };
	struct evtchn_expand_array ea = { .array_gfn = 31 };
	struct evtchn_bind_ipi ipi = { .vcpu = 0 };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g, EVTCHNOP_init_control, &ic), 0);
	ck_assert_uint_eq(ic.link_bits, EVTCHN_FIFO_LINK_BITS);
	ck_assert_int_eq(hvsim_guest_event_channel_op(g, EVTCHNOP_init_control, &ic), -EINVAL);
	ck_assert_int_eq(hvsim_guest_event_channel_op(g, EVTCHNOP_expand_array, &ea), 0);
	ck_assert_int_eq(hvsim_guest_event_channel_op(g, EVTCHNOP_bind_ipi, &ipi), 0);
	struct evtchn_set_priority sp = { .port = ipi.port, .priority = 16 };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g, EVTCHNOP_set_priority, &sp), -EINVAL);
	sp.priority = 2;
	ck_assert_int_eq(hvsim_guest_event_channel_op(g, EVTCHNOP_set_priority, &sp), 0);
	hvsim_guest_take_upcall(g);
	struct evtchn_send send = { .port = ipi.port };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g, EVTCHNOP_send, &send), 0);
	ck_assert_int_eq(hvsim_guest_wait_upcall(g, 5000), 1);
	ck_assert_uint_eq(__atomic_load_n(&words[ipi.port], __ATOMIC_SEQ_CST),
			  (1u << EVTCHN_FIFO_PENDING) | (1u << EVTCHN_FIFO_LINKED));
	ck_assert_uint_eq(__atomic_load_n(&cb->head[2], __ATOMIC_SEQ_CST), ipi.port);
	ck_assert_uint_eq(__atomic_load_n(&cb->ready, __ATOMIC_SEQ_CST), 1u << 2);

	ck_assert_int_eq(harness_sh(&out, "%s evtchn fifo", hvsim), 0);
	ck_assert_msg(strstr(out, "FIFO ABI") && strstr(out, "control block at gfn 0x1e"), "%s", out);
	ck_assert_msg(strstr(out, "2 yes, next 0"), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s evtchn fifo --json", hvsim), 0);
	ck_assert_msg(strstr(out, "\"abi\":\"fifo\"") || strstr(out, "\"abi\": \"fifo\""), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s evtchn Domain-0", hvsim), 0);
	ck_assert_ptr_nonnull(strstr(out, "2-level ABI"));
	free(out);
	/* reset: 2-level again */
	struct evtchn_reset rs = { .dom = DOMID_SELF };

	ck_assert_int_eq(hvsim_guest_event_channel_op(g, EVTCHNOP_reset, &rs), 0);
	ck_assert_int_eq(hvsim_guest_event_channel_op(g, EVTCHNOP_expand_array, &ea), -EOPNOTSUPP);
	hvsim_guest_detach(g);
}
END_TEST

/* Raw messages on the hypercall socket ---------------------------------- */

static int raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", harness_dir(), HVSIM_HYPERCALL_SOCK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static int32_t raw_call(int fd, const void *msg, size_t len)
{
	static uint8_t reply[HVSIM_MSG_MAX];
	struct hvsim_msg_hdr *h = (void *)reply;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	ck_assert_int_eq(send(fd, msg, len, 0), (ssize_t)len);
	ck_assert_int_eq(poll(&p, 1, 5000), 1);
	ck_assert_int_ge(recv(fd, reply, sizeof(reply), 0), (ssize_t)sizeof(*h));
	return h->rc;
}

START_TEST(malformed_messages_get_error_replies)
{
	uint8_t *big = calloc(1, HVSIM_MSG_MAX + 4096);
	struct {
		struct hvsim_msg_hdr h;
		union {
			struct hvsim_attach_req ar;
			struct evtchn_send send[2];
			uint8_t raw[64];
		};
	} m;
	int fd = raw_connect(), fd2;
	uint16_t domid = harness_domain("target");

	ck_assert_int_eq(raw_call(fd, "abc", 3), -EINVAL);
	memset(&m, 0, sizeof(m));
	m.h.type = 77;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h)), -EINVAL);
	m.h.type = HVSIM_MSG_HYPERCALL;
	m.h.op = __HYPERVISOR_event_channel_op;
	m.h.cmd = EVTCHNOP_send;
	m.h.count = 1;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.send[0])), -ENOTCONN);
	ck_assert_int_eq(raw_call(fd, big, HVSIM_MSG_MAX + 4096), -E2BIG);

	m.h = (struct hvsim_msg_hdr){ .type = HVSIM_MSG_ATTACH };
	m.ar = (struct hvsim_attach_req){ .version = 99, .domid = domid };
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.ar)), -EPROTO);
	m.ar = (struct hvsim_attach_req){ .version = HVSIM_WIRE_VERSION, .domid = 999 };
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.ar)), -ESRCH);
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + 3), -EINVAL);
	m.ar.domid = domid;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.ar)), 0);
	/* a domain has one kernel */
	fd2 = raw_connect();
	ck_assert_int_eq(raw_call(fd2, &m, sizeof(m.h) + sizeof(m.ar)), -EBUSY);
	close(fd2);

	m.h = (struct hvsim_msg_hdr){ .type = HVSIM_MSG_HYPERCALL, .op = 4242 };
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h)), -ENOSYS);
	m.h.op = __HYPERVISOR_grant_table_op;
	m.h.cmd = 999;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h)), -ENOSYS);
	m.h.op = __HYPERVISOR_event_channel_op;
	m.h.cmd = EVTCHNOP_send;
	m.h.count = 2;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + 2 * sizeof(m.send[0])), -EINVAL);
	m.h.count = 1;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + 3), -EINVAL);
	m.h.op = __HYPERVISOR_grant_table_op;
	m.h.cmd = GNTTABOP_map_grant_ref;
	m.h.count = 100000;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h)), -E2BIG);
	/* fds sent by a guest are closed, not kept */
	m.h.count = 1;
	m.h.op = __HYPERVISOR_event_channel_op;
	m.h.cmd = EVTCHNOP_send;
	m.send[0].port = 0;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.send[0])), -EINVAL);

	/* the daemon still serves everyone */
	struct hvsim_guest *g0;

	ck_assert_int_eq(hvsim_guest_attach(NULL, 0, &g0), 0);
	hvsim_guest_detach(g0);
	close(fd);
	/* its connection dropping was the target domain's crash */
	for (int i = 0; i < 100 && strcmp(domain_state("target"), "dead"); i++)
		usleep(10000);
	ck_assert_str_eq(domain_state("target"), "dead");
	free(big);
}
END_TEST

/* The control socket and the CLI ------------------------------------------ */

static int control_raw(const char *line, char *reply, size_t cap)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n = 0;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", harness_dir(), HVSIM_CONTROL_SOCK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	for (size_t off = 0, len = strlen(line); off < len; off += (size_t)n) {
		n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n < 0)
			break;
	}
	n = poll(&p, 1, 5000) == 1 ? recv(fd, reply, cap - 1, 0) : -1;
	close(fd);
	reply[n > 0 ? n : 0] = 0;
	return (int)n;
}

/*
 * Raw hypercalls (privcmd's: argument registers and the pid whose memory
 * the handles point into): a message of the wrong shape gets -EINVAL and
 * the connection stays; one from an unattached connection -ENOTCONN; a
 * handle in no memory -EFAULT, a process gone -EFAULT; an unknown
 * hypercall -ENOSYS.
 */
START_TEST(malformed_raw_hypercalls_get_error_replies)
{
	struct {
		struct hvsim_msg_hdr h;
		struct hvsim_raw_hypercall raw;
		uint8_t by_value[64];
	} m;
	struct hvsim_attach_req ar = { .version = HVSIM_WIRE_VERSION };
	int fd = raw_connect();
	pid_t gone = fork();

	if (gone == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(gone, NULL, 0), gone);
	ar.domid = harness_domain("raw");
	memset(&m, 0, sizeof(m));
	m.h = (struct hvsim_msg_hdr){ .type = HVSIM_MSG_RAW_HYPERCALL, .count = 1,
				      .op = __HYPERVISOR_xen_version };
	m.raw = (struct hvsim_raw_hypercall){ .arg = { XENVER_pagesize }, .pid = getpid() };
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.raw)), -ENOTCONN);

	m.h.type = HVSIM_MSG_ATTACH;
	memcpy(&m.raw, &ar, sizeof(ar));
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(ar)), 0);
	memset(&m.raw, 0, sizeof(m.raw));
	m.h = (struct hvsim_msg_hdr){ .type = HVSIM_MSG_RAW_HYPERCALL, .count = 1,
				      .op = __HYPERVISOR_xen_version };
	m.raw = (struct hvsim_raw_hypercall){ .arg = { XENVER_pagesize }, .pid = getpid() };
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.raw)), 4096);
	/* the wrong shape: no struct, a short one, by-value bytes not there, too many */
	m.h.count = 0;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h)), -EINVAL);
	m.h.count = 1;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.raw) - 1), -EINVAL);
	m.h.inline_len = sizeof(m.by_value);
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.raw)), -EINVAL);
	m.h.inline_len = HVSIM_RAW_INLINE_MAX + 1;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m)), -EINVAL);
	m.h.inline_len = 0;
	/* handles in no memory, or in a process that is gone */
	m.raw.arg[0] = XENVER_extraversion;
	m.raw.arg[1] = 0;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.raw)), -EFAULT);
	m.raw.arg[1] = (uintptr_t)&m.by_value;
	m.raw.pid = (uint32_t)gone;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.raw)), -EFAULT);
	/* an unknown hypercall */
	m.h.op = 4242;
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.raw)), -ENOSYS);
	/* the connection stayed: a good call still works */
	m.h.op = __HYPERVISOR_xen_version;
	m.raw.arg[0] = XENVER_pagesize;
	m.raw.arg[1] = 0;
	m.raw.pid = getpid();
	ck_assert_int_eq(raw_call(fd, &m, sizeof(m.h) + sizeof(m.raw)), 4096);
	close(fd);
}
END_TEST

START_TEST(control_rejects_garbage)
{
	char reply[4096];
	size_t huge = 2 * 1024 * 1024;
	char *line = malloc(huge + 1);

	ck_assert_int_gt(control_raw("this is not json\n", reply, sizeof(reply)), 0);
	ck_assert_ptr_nonnull(strstr(reply, "\"ok\":false"));
	ck_assert_int_gt(control_raw("[1,2]\n", reply, sizeof(reply)), 0);
	ck_assert_ptr_nonnull(strstr(reply, "\"ok\":false"));
	ck_assert_int_gt(control_raw("{\"cmd\":\"no_such\"}\n", reply, sizeof(reply)), 0);
	ck_assert_ptr_nonnull(strstr(reply, "unknown command"));
	ck_assert_int_gt(control_raw("{\"cmd\":\"domain_create\",\"name\":\"x\",\"mem_mib\":\"lots\"}\n",
				     reply, sizeof(reply)), 0);
	ck_assert_ptr_nonnull(strstr(reply, "\"ok\":false"));
	memset(line, 'x', huge);
	line[huge] = 0;
	control_raw(line, reply, sizeof(reply));
	ck_assert_ptr_nonnull(strstr(reply, "longer than"));
	free(line);
	/* still serving */
	ck_assert_int_gt(control_raw("{\"cmd\":\"ping\"}\n", reply, sizeof(reply)), 0);
	ck_assert_ptr_nonnull(strstr(reply, "\"ok\":true"));
}
END_TEST

START_TEST(cli_commands)
{
	const char *hvsim = harness_exe("hvsim");
	char *out;

	ck_assert_int_eq(harness_sh(&out, "%s domain create web --mem 8", hvsim), 0);
	ck_assert_str_eq(out, "1\n");
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s domid web", hvsim), 0);
	ck_assert_str_eq(out, "1\n");
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s domid 0", hvsim), 0);
	ck_assert_str_eq(out, "0\n");
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s list", hvsim), 0);
	ck_assert_ptr_nonnull(strstr(out, "Domain-0"));
	ck_assert_ptr_nonnull(strstr(out, "web"));
	ck_assert_ptr_nonnull(strstr(out, "2048"));  /* 8 MiB of pages */
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s domain create web 2>&1", hvsim), 1);
	ck_assert_ptr_nonnull(strstr(out, "exists"));
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s domain create 123 2>&1", hvsim), 1);
	ck_assert_ptr_nonnull(strstr(out, "bad domain name"));
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s domain create x --mem 0 2>&1", hvsim), 2);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s domain destroy nosuch 2>&1", hvsim), 1);
	ck_assert_ptr_nonnull(strstr(out, "no domain 'nosuch'"));
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s domain destroy Domain-0 2>&1", hvsim), 1);
	ck_assert_ptr_nonnull(strstr(out, "cannot be destroyed"));
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s grants web", hvsim), 0);
	ck_assert_ptr_nonnull(strstr(out, "grant table of web"));
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s evtchn Domain-0", hvsim), 0);
	ck_assert_ptr_nonnull(strstr(out, "event channels of Domain-0"));
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s domain destroy web", hvsim), 0);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s list --all --json", hvsim), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"dead\""));
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s trace", hvsim), 0);
	ck_assert_ptr_nonnull(strstr(out, "domain_create name=web"));
	ck_assert_ptr_nonnull(strstr(out, "domain_destroy"));
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s frobnicate 2>&1", hvsim), 2);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s list --help", hvsim), 0);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s up", hvsim), 0);
	ck_assert_ptr_nonnull(strstr(out, "already"));
	free(out);
}
END_TEST

/* `hvsim down` says what it stopped: hvsimd's directory and its live domains. */
START_TEST(down_says_what_it_stopped)
{
	char *out;

	harness_domain("web");
	ck_assert_int_eq(harness_sh(&out, "'%s' down", harness_exe("hvsim")), 0);
	ck_assert_msg(strstr(out, harness_dir()) &&
		      strstr(out, " stopped, with its domains Domain-0, web\n"), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' down", harness_exe("hvsim")), 0);
	ck_assert_msg(strstr(out, "no hvsimd runs in "), "%s", out);
	free(out);
}
END_TEST

static Suite *hv_suite(void)
{
	Suite *s = suite_create("hv-integration");
	TCase *tc = tcase_create("system");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, down_says_what_it_stopped);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, share_page_both_ways);
	tcase_add_test(tc, destroy_while_mapped_leaves_a_zombie);
	tcase_add_test(tc, killed_kernel_is_a_domain_crash);
	tcase_add_test(tc, batch_of_1024_grants_is_one_round_trip);
	tcase_add_test(tc, pending_while_masked_is_delivered_on_unmask);
	tcase_add_test(tc, bind_ipi_vcpu_pirq_get_xens_answers);
	tcase_add_test(tc, fifo_abi_through_the_transport);
	tcase_add_test(tc, malformed_messages_get_error_replies);
	tcase_add_test(tc, malformed_raw_hypercalls_get_error_replies);
	tcase_add_test(tc, control_rejects_garbage);
	tcase_add_test(tc, cli_commands);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(hv_suite());
}
