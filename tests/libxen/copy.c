// SPDX-License-Identifier: GPL-2.0-only
/*
 * copy-share / copy-map: xengnttab_grant_copy both ways.  The sharer
 * grants two pages: page 0 holds a pattern, page 1 is zero.  The copier
 * copies page 0 into its own buffer and its own buffer into page 1, plus
 * one segment each way that names a grant ref beyond the granter's table
 * (GNTST_bad_gntref, -3, in that segment's status only), then notifies.
 * Both sides print checksums so the driver can match them:
 *   copy-share: "page0 sha256 H" first, "page1 sha256 H" after the event
 *   copy-map:   "status S0 S1 S2 S3", "read sha256 H", "wrote sha256 H"
 */
#include <stdlib.h>
#include <string.h>

#include "peer.h"
#include "sha256.h"

/* far beyond any grant table (Xen's limit is 64 frames of 512 entries) */
#define BAD_REF (1u << 30)

static void say_sha256(const char *key, const void *data, size_t len)
{
	struct sha256 sum;
	char hex[65];

	sha256_init(&sum);
	sha256_update(&sum, data, len);
	sha256_hex(&sum, hex);
	say("%s sha256 %s", key, hex);
}

int copy_share_main(int argc, char **argv)
{
	uint32_t peer, refs[2];
	evtchn_port_t port;
	uint8_t *pages;

	if (argc != 2)
		die("usage: copy-share PEER");
	peer = parse_u32(argv[1], "domid");

	xenevtchn_handle *xce = open_evtchn();
	xengntshr_handle *xgs = open_gntshr();

	port = bind_unbound(xce, peer);
	pages = xengntshr_share_pages(xgs, peer, 2, refs, 1);
	if (!pages)
		die_sys("xengntshr_share_pages to %u", peer);
	for (unsigned int i = 0; i < PAGE_SIZE_4K; i++)
		pages[i] = (uint8_t)(i * 7 + 3);
	say_refs(refs, 2);
	say("port %u", port);
	say_sha256("page0", pages, PAGE_SIZE_4K);
	expect_event(xce, "the copier's done");
	say_sha256("page1", pages + PAGE_SIZE_4K, PAGE_SIZE_4K);
	if (xengntshr_unshare(xgs, pages, 2) < 0)
		die_sys("xengntshr_unshare");
	xengntshr_close(xgs);
	xenevtchn_close(xce);
	return 0;
}

int copy_map_main(int argc, char **argv)
{
	static uint8_t in[PAGE_SIZE_4K], out[PAGE_SIZE_4K], scratch[64];
	xengnttab_grant_copy_segment_t seg[4];
	uint32_t peer, port, refs[2];
	evtchn_port_t local;

	if (argc != 5)
		die("usage: copy-map PEER PORT REF0 REF1");
	peer = parse_u32(argv[1], "domid");
	port = parse_u32(argv[2], "port");
	refs[0] = parse_u32(argv[3], "grant ref");
	refs[1] = parse_u32(argv[4], "grant ref");
	for (unsigned int i = 0; i < PAGE_SIZE_4K; i++)
		out[i] = (uint8_t)(i * 13 + 1) ^ 0x5a;

	xenevtchn_handle *xce = open_evtchn();
	xengnttab_handle *xgt = open_gnttab();

	local = bind_interdomain(xce, peer, port);
	memset(seg, 0, sizeof(seg));
	/* from the peer's page 0 into `in` */
	seg[0].source.foreign.ref = refs[0];
	seg[0].source.foreign.domid = (uint16_t)peer;
	seg[0].dest.virt = in;
	seg[0].len = PAGE_SIZE_4K;
	seg[0].flags = GNTCOPY_source_gref;
	/* from `out` into the peer's page 1 */
	seg[1].source.virt = out;
	seg[1].dest.foreign.ref = refs[1];
	seg[1].dest.foreign.domid = (uint16_t)peer;
	seg[1].len = PAGE_SIZE_4K;
	seg[1].flags = GNTCOPY_dest_gref;
	/* the same two ways with a ref the peer never had */
	seg[2].source.foreign.ref = BAD_REF;
	seg[2].source.foreign.domid = (uint16_t)peer;
	seg[2].dest.virt = scratch;
	seg[2].len = sizeof(scratch);
	seg[2].flags = GNTCOPY_source_gref;
	seg[3].source.virt = scratch;
	seg[3].dest.foreign.ref = BAD_REF;
	seg[3].dest.foreign.domid = (uint16_t)peer;
	seg[3].len = sizeof(scratch);
	seg[3].flags = GNTCOPY_dest_gref;
	if (xengnttab_grant_copy(xgt, 4, seg) < 0)
		die_sys("xengnttab_grant_copy");
	say("status %d %d %d %d", seg[0].status, seg[1].status, seg[2].status, seg[3].status);
	say_sha256("read", in, sizeof(in));
	say_sha256("wrote", out, sizeof(out));
	send_event(xce, local);
	xengnttab_close(xgt);
	xenevtchn_close(xce);
	return 0;
}
