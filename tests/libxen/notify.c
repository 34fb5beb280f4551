// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unmap notification when a peer dies.  Two pairs, one per direction:
 *
 *   hold-share / watch-map:  the sharer asks gntalloc to clear a byte and
 *     send an event when its page is unshared (xengntshr_share_page_notify);
 *     the driver kills the sharer; the mapper sees the byte cleared and
 *     the event.
 *   watch-share / hold-map:  the mapper asks gntdev for the same on unmap
 *     (xengnttab_map_grant_ref_notify); the driver kills the mapper; the
 *     sharer sees its own page's byte cleared and the event.
 *
 * The "hold" side stays until it is killed (or its stdin ends, when it
 * unmaps itself); the "watch" side prints "notified port P byte B".
 */
#include <sys/mman.h>

#include "peer.h"

/* Where the notification byte sits in the shared page, set to ALIVE. */
#define NOTIFY_OFFSET 100u
#define ALIVE 1

static void check_alive(const volatile uint8_t *page)
{
	if (page[NOTIFY_OFFSET] != ALIVE)
		die("the notify byte is 0x%02x before anyone died", page[NOTIFY_OFFSET]);
}

/* Waits for the notification and says what came and what the byte is. */
static void watch(xenevtchn_handle *xce, const volatile uint8_t *page, const char *what)
{
	evtchn_port_t port = expect_event(xce, what);

	say("notified port %u byte %u", port, page[NOTIFY_OFFSET]);
}

int hold_share_main(int argc, char **argv)
{
	uint32_t peer, ref;
	evtchn_port_t port;
	uint8_t *page;

	if (argc != 2)
		die("usage: hold-share PEER");
	peer = parse_u32(argv[1], "domid");

	xenevtchn_handle *xce = open_evtchn();
	xengntshr_handle *xgs = open_gntshr();

	port = bind_unbound(xce, peer);
	page = xengntshr_share_page_notify(xgs, peer, &ref, 1, NOTIFY_OFFSET, port);
	if (!page)
		die_sys("xengntshr_share_page_notify to %u", peer);
	page[NOTIFY_OFFSET] = ALIVE;
	say_refs(&ref, 1);
	say("port %u", port);
	say("ready");
	wait_for_stdin_eof();
	if (xengntshr_unshare(xgs, page, 1) < 0)
		die_sys("xengntshr_unshare");
	say("unshared");
	xengntshr_close(xgs);
	xenevtchn_close(xce);
	return 0;
}

int watch_map_main(int argc, char **argv)
{
	uint32_t peer, port, ref;
	evtchn_port_t local, first;
	uint8_t *page;

	if (argc != 4)
		die("usage: watch-map PEER PORT REF");
	peer = parse_u32(argv[1], "domid");
	port = parse_u32(argv[2], "port");
	ref = parse_u32(argv[3], "grant ref");

	xenevtchn_handle *xce = open_evtchn();
	xengnttab_handle *xgt = open_gnttab();

	local = bind_interdomain(xce, peer, port);
	/* Xen sets a freshly bound interdomain port pending */
	first = expect_event(xce, "the bind's own event");
	if (first != local)
		die("the first event came on port %u, not on the bound port %u", first, local);
	page = xengnttab_map_grant_refs(xgt, 1, &peer, &ref, PROT_READ | PROT_WRITE);
	if (!page)
		die_sys("xengnttab_map_grant_refs of ref %u of %u", ref, peer);
	check_alive(page);
	say("port %u", local);
	say("ready");
	watch(xce, page, "the sharer's unmap notification");
	if (xengnttab_unmap(xgt, page, 1) < 0)
		die_sys("xengnttab_unmap");
	xengnttab_close(xgt);
	xenevtchn_close(xce);
	return 0;
}

int watch_share_main(int argc, char **argv)
{
	uint32_t peer, ref;
	evtchn_port_t port;
	uint8_t *page;

	if (argc != 2)
		die("usage: watch-share PEER");
	peer = parse_u32(argv[1], "domid");

	xenevtchn_handle *xce = open_evtchn();
	xengntshr_handle *xgs = open_gntshr();

	port = bind_unbound(xce, peer);
	page = xengntshr_share_pages(xgs, peer, 1, &ref, 1);
	if (!page)
		die_sys("xengntshr_share_pages to %u", peer);
	page[NOTIFY_OFFSET] = ALIVE;
	say_refs(&ref, 1);
	say("port %u", port);
	say("ready");
	watch(xce, page, "the mapper's unmap notification");
	if (xengntshr_unshare(xgs, page, 1) < 0)
		die_sys("xengntshr_unshare");
	xengntshr_close(xgs);
	xenevtchn_close(xce);
	return 0;
}

int hold_map_main(int argc, char **argv)
{
	uint32_t peer, port, ref;
	evtchn_port_t local;
	uint8_t *page;

	if (argc != 4)
		die("usage: hold-map PEER PORT REF");
	peer = parse_u32(argv[1], "domid");
	port = parse_u32(argv[2], "port");
	ref = parse_u32(argv[3], "grant ref");

	xenevtchn_handle *xce = open_evtchn();
	xengnttab_handle *xgt = open_gnttab();

	local = bind_interdomain(xce, peer, port);
	page = xengnttab_map_grant_ref_notify(xgt, peer, ref, PROT_READ | PROT_WRITE,
					      NOTIFY_OFFSET, local);
	if (!page)
		die_sys("xengnttab_map_grant_ref_notify of ref %u of %u", ref, peer);
	check_alive(page);
	say("port %u", local);
	say("ready");
	wait_for_stdin_eof();
	if (xengnttab_unmap(xgt, page, 1) < 0)
		die_sys("xengnttab_unmap");
	say("unmapped");
	xengnttab_close(xgt);
	xenevtchn_close(xce);
	return 0;
}
