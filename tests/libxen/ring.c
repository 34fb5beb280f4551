// SPDX-License-Identifier: GPL-2.0-only
/*
 * ring-write / ring-read: a byte stream through a ring of granted pages.
 * The writer shares 1 + PAGES pages (xengntshr_share_pages): a header
 * page with the two free-running counters, then the data pages.  The
 * reader maps them all (xengnttab_map_domain_grant_refs).  One event
 * channel carries the flow control both ways: the writer notifies after
 * it advanced `prod`, the reader after it advanced `cons`; each side
 * re-reads the counters after every event, so a notification that
 * arrives while it is busy is never lost, only merged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "peer.h"
#include "sha256.h"

struct ring_header {
	uint64_t total;          /* bytes the writer will send */
	uint32_t data_pages;
	uint32_t pad;
	/* each counter on its own cache line: one writer each */
	uint64_t prod __attribute__((aligned(64)));
	uint64_t cons __attribute__((aligned(64)));
};

#define MAX_DATA_PAGES 512u

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* xorshift64*: cheap, and nothing like the page's previous contents */
static void fill(uint64_t *words, size_t n, uint64_t *state)
{
	uint64_t x = *state;

	for (size_t i = 0; i < n; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		words[i] = x * 0x2545f4914f6cdd1dull;
	}
	*state = x;
}

int ring_write_main(int argc, char **argv)
{
	unsigned int sent = 0, received = 0;
	uint64_t state, prod = 0, size, total;
	struct ring_header *hdr;
	uint32_t peer, pages, *refs;
	evtchn_port_t port;
	struct sha256 sum;
	char hex[65];
	uint8_t *data;

	if (argc != 5)
		die("usage: ring-write PEER MIB PAGES SEED");
	peer = parse_u32(argv[1], "domid");
	total = (uint64_t)parse_u32(argv[2], "MiB") << 20;
	pages = parse_u32(argv[3], "page count");
	state = parse_u32(argv[4], "seed") | 1ull << 40;
	if (pages < 1 || pages > MAX_DATA_PAGES)
		die("PAGES must be 1..%u", MAX_DATA_PAGES);
	size = (uint64_t)pages * PAGE_SIZE_4K;

	xenevtchn_handle *xce = open_evtchn();
	xengntshr_handle *xgs = open_gntshr();

	port = bind_unbound(xce, peer);
	refs = calloc(pages + 1, sizeof(*refs));
	hdr = xengntshr_share_pages(xgs, peer, (int)pages + 1, refs, 1);
	if (!hdr)
		die_sys("xengntshr_share_pages %u pages to %u", pages + 1, peer);
	data = (uint8_t *)hdr + PAGE_SIZE_4K;
	hdr->total = total;
	hdr->data_pages = pages;
	say_refs(refs, pages + 1);
	say("port %u", port);

	sha256_init(&sum);
	for (;;) {
		uint64_t cons = load(&hdr->cons);

		if (cons == total)
			break;
		if (cons > prod)
			die("reader's cons %llu is past prod %llu",
			    (unsigned long long)cons, (unsigned long long)prod);
		if (prod < total && prod - cons < size) {
			uint64_t off = prod % size;
			uint64_t n = min3(size - (prod - cons), size - off, total - prod);

			/* sizes are multiples of 8: pages and MiB */
			fill((uint64_t *)(data + off), n / 8, &state);
			sha256_update(&sum, data + off, n);
			prod += n;
			store(&hdr->prod, prod);
			send_event(xce, port);
			sent++;
			continue;
		}
		expect_event(xce, "the reader's progress");
		received++;
	}
	sha256_hex(&sum, hex);
	say("ok sha256 %s bytes %llu", hex, (unsigned long long)prod);
	say("events sent %u received %u", sent, received);
	if (xengntshr_unshare(xgs, hdr, pages + 1) < 0)
		die_sys("xengntshr_unshare");
	xengntshr_close(xgs);
	xenevtchn_close(xce);
	free(refs);
	return 0;
}

int ring_read_main(int argc, char **argv)
{
	unsigned int sent = 0, received = 0, nr_refs;
	evtchn_port_t local;
	struct ring_header *hdr;
	uint64_t cons = 0, size, total;
	uint32_t peer, port, *refs;
	struct sha256 sum;
	char hex[65];
	uint8_t *data;

	if (argc < 5)
		die("usage: ring-read PEER PORT REF0 REF1...");
	peer = parse_u32(argv[1], "domid");
	port = parse_u32(argv[2], "port");
	nr_refs = (unsigned int)argc - 3;
	refs = parse_refs(argc - 3, argv + 3);

	xenevtchn_handle *xce = open_evtchn();
	xengnttab_handle *xgt = open_gnttab();

	if (xengnttab_set_max_grants(xgt, nr_refs) < 0)
		die_sys("xengnttab_set_max_grants %u", nr_refs);
	local = bind_interdomain(xce, peer, port);
	hdr = xengnttab_map_domain_grant_refs(xgt, nr_refs, peer, refs,
					      PROT_READ | PROT_WRITE);
	if (!hdr)
		die_sys("xengnttab_map_domain_grant_refs of %u refs of %u", nr_refs, peer);
	if (hdr->data_pages != nr_refs - 1)
		die("the header says %u data pages, we mapped %u", hdr->data_pages, nr_refs - 1);
	data = (uint8_t *)hdr + PAGE_SIZE_4K;
	size = (uint64_t)hdr->data_pages * PAGE_SIZE_4K;
	total = hdr->total;

	sha256_init(&sum);
	while (cons < total) {
		uint64_t prod = load(&hdr->prod);

		if (prod - cons > size || prod > total)
			die("writer's prod %llu is out of the ring (cons %llu)",
			    (unsigned long long)prod, (unsigned long long)cons);
		if (prod != cons) {
			uint64_t off = cons % size;
			uint64_t n = min3(prod - cons, size - off, total - cons);

			sha256_update(&sum, data + off, n);
			cons += n;
			store(&hdr->cons, cons);
			send_event(xce, local);
			sent++;
			continue;
		}
		expect_event(xce, "the writer's progress");
		received++;
	}
	sha256_hex(&sum, hex);
	say("ok sha256 %s bytes %llu", hex, (unsigned long long)cons);
	say("events sent %u received %u", sent, received);
	if (xengnttab_unmap(xgt, hdr, nr_refs) < 0)
		die_sys("xengnttab_unmap");
	xengnttab_close(xgt);
	xenevtchn_close(xce);
	free(refs);
	return 0;
}
