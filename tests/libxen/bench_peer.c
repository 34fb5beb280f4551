// SPDX-License-Identifier: GPL-2.0-only
/*
 * The domain halves of bench-libxen (bench_libxen.c runs them and the
 * host's baselines, and prints the ratios):
 *   bench-share / bench-map: COUNT granted pages mapped in one
 *     xengnttab_map_grant_refs call, every page touched (its first byte
 *     read and checked), xengnttab_unmap; "map pages-per-s N rounds R",
 *     and the time of each step.
 *   bench-copy (bench_copy.c): xengnttab_grant_copy of those pages.
 *   bench-ping / bench-pong: the event round trip: ping notifies, pong's
 *     blocking xenevtchn_pending + unmask + notify back, ping's pending +
 *     unmask; "rtt-ns N rounds R", and what a notify and an unmask cost
 *     the caller on their own.
 * Figures are medians over the rounds.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "bench_clock.h"
#include "median.h"
#include "peer.h"

#define WARMUP_ROUNDS 200u

/* What bench-share writes at the start of page i, and bench-map checks. */
static uint8_t mark(unsigned int i)
{
	return (uint8_t)(i * 5 + 1);
}

int bench_share_main(int argc, char **argv)
{
	uint32_t peer, count, *refs;
	uint8_t *pages;

	if (argc != 3)
		die("usage: bench-share PEER COUNT");
	peer = parse_u32(argv[1], "domid");
	count = parse_u32(argv[2], "count");
	refs = calloc(count ? count : 1, sizeof(*refs));

	xengntshr_handle *xgs = open_gntshr();

	pages = xengntshr_share_pages(xgs, peer, (int)count, refs, 1);
	if (!pages)
		die_sys("xengntshr_share_pages %u pages to %u", count, peer);
	/* the whole page: bench-copy copies it all */
	for (unsigned int i = 0; i < count; i++)
		memset(pages + (size_t)i * PAGE_SIZE_4K, mark(i), PAGE_SIZE_4K);
	say_refs(refs, count);
	wait_for_stdin_eof();
	if (xengntshr_unshare(xgs, pages, count) < 0)
		die_sys("xengntshr_unshare");
	xengntshr_close(xgs);
	free(refs);
	return 0;
}

int bench_map_main(int argc, char **argv)
{
	struct rounds total = { 0 }, map = { 0 }, touch = { 0 }, unmap = { 0 };
	uint32_t peer, count, *refs, *domids;
	long long ms, start, t0, t1, t2, t3;
	unsigned int nr_rounds = 0;

	if (argc < 4)
		die("usage: bench-map PEER MS REF...");
	peer = parse_u32(argv[1], "domid");
	ms = parse_u32(argv[2], "milliseconds");
	count = (uint32_t)argc - 3;
	refs = parse_refs(argc - 3, argv + 3);
	domids = calloc(count, sizeof(*domids));
	for (unsigned int i = 0; i < count; i++)
		domids[i] = peer;

	xengnttab_handle *xgt = open_gnttab();

	if (xengnttab_set_max_grants(xgt, count) < 0)
		die_sys("xengnttab_set_max_grants %u", count);
	start = now_ns();
	do {
		volatile uint8_t *p;

		t0 = now_ns();
		p = xengnttab_map_grant_refs(xgt, count, domids, refs, PROT_READ | PROT_WRITE);
		if (!p)
			die_sys("xengnttab_map_grant_refs of %u refs", count);
		t1 = now_ns();
		for (unsigned int i = 0; i < count; i++)
			if (p[(size_t)i * PAGE_SIZE_4K] != mark(i))
				die("page %u of round %u holds 0x%02x, not 0x%02x", i, nr_rounds,
				    p[(size_t)i * PAGE_SIZE_4K], mark(i));
		t2 = now_ns();
		if (xengnttab_unmap(xgt, (void *)p, count) < 0)
			die_sys("xengnttab_unmap");
		t3 = now_ns();
		rounds_add(&total, t3 - t0);
		rounds_add(&map, t1 - t0);
		rounds_add(&touch, t2 - t1);
		rounds_add(&unmap, t3 - t2);
		nr_rounds++;
	} while (t3 - start < ms * 1000000);
	/* medians: the machine is shared; the steps say where a round goes */
	say("map pages-per-s %.0f rounds %u map-us %.0f touch-us %.0f unmap-us %.0f",
	    count * 1e9 / rounds_median(&total), nr_rounds, rounds_median(&map) / 1e3,
	    rounds_median(&touch) / 1e3, rounds_median(&unmap) / 1e3);
	xengnttab_close(xgt);
	free(refs);
	free(domids);
	return 0;
}

/* The blocking half of a round trip: xenevtchn_pending, then unmask. */
static void take_event(xenevtchn_handle *xce, evtchn_port_t port)
{
	xenevtchn_port_or_error_t got = xenevtchn_pending(xce);

	if (got < 0)
		die_sys("xenevtchn_pending");
	if ((evtchn_port_t)got != port)
		die("event on port %d, expected %u", got, port);
	if (xenevtchn_unmask(xce, port) < 0)
		die_sys("xenevtchn_unmask %u", port);
}

/*
 * The two calls a round trip makes on each side besides waiting, timed
 * alone on a port nobody is bound to yet: notify (to the guest kernel and
 * on to the hypervisor, which drops an event for an unbound port) and
 * unmask of a port that is not pending (the guest kernel only).
 */
static void time_calls(xenevtchn_handle *xce, evtchn_port_t port, unsigned int n,
		       double *notify_ns, double *unmask_ns)
{
	struct rounds notify = { 0 }, unmask = { 0 };

	for (unsigned int i = 0; i < n; i++) {
		long long t = now_ns();

		send_event(xce, port);
		rounds_add(&notify, now_ns() - t);
	}
	for (unsigned int i = 0; i < n; i++) {
		long long t = now_ns();

		if (xenevtchn_unmask(xce, port) < 0)
			die_sys("xenevtchn_unmask %u", port);
		rounds_add(&unmask, now_ns() - t);
	}
	*notify_ns = rounds_median(&notify);
	*unmask_ns = rounds_median(&unmask);
}

int bench_ping_main(int argc, char **argv)
{
	struct rounds rtt = { 0 };
	uint32_t peer, rounds;
	evtchn_port_t port;
	double notify_ns, unmask_ns;

	if (argc != 3)
		die("usage: bench-ping PEER ROUNDS");
	peer = parse_u32(argv[1], "domid");
	rounds = parse_u32(argv[2], "rounds");

	xenevtchn_handle *xce = open_evtchn();

	port = bind_unbound(xce, peer);
	time_calls(xce, port, rounds, &notify_ns, &unmask_ns);
	say("port %u", port);
	/* pong's hello says it is bound */
	if (expect_event(xce, "bench-pong's hello") != port)
		die("hello on the wrong port");
	for (unsigned int i = 0; i < WARMUP_ROUNDS; i++) {
		send_event(xce, port);
		take_event(xce, port);
	}
	for (unsigned int i = 0; i < rounds; i++) {
		long long t = now_ns();

		send_event(xce, port);
		take_event(xce, port);
		rounds_add(&rtt, now_ns() - t);
	}
	say("rtt-ns %.0f rounds %u notify-ns %.0f unmask-ns %.0f", rounds_median(&rtt), rounds,
	    notify_ns, unmask_ns);
	xenevtchn_close(xce);
	return 0;
}

int bench_pong_main(int argc, char **argv)
{
	uint32_t peer, port, rounds;
	evtchn_port_t local;

	if (argc != 4)
		die("usage: bench-pong PEER PORT ROUNDS");
	peer = parse_u32(argv[1], "domid");
	port = parse_u32(argv[2], "port");
	rounds = parse_u32(argv[3], "rounds");

	xenevtchn_handle *xce = open_evtchn();

	local = bind_interdomain(xce, peer, port);
	if (expect_event(xce, "the bind's own event") != local)
		die("the bind's event on the wrong port");
	send_event(xce, local);
	for (unsigned int i = 0; i < WARMUP_ROUNDS + rounds; i++) {
		take_event(xce, local);
		send_event(xce, local);
	}
	say("done");
	xenevtchn_close(xce);
	return 0;
}
