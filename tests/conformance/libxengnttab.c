// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf-libxengnttab: the same devices through Debian's libxengnttab (both
 * halves: xengnttab_* over gntdev, xengntshr_* over gntalloc), as programs
 * like vchan use them.  The library turns device errors into NULL or -1
 * with errno; some failures it cleans up after (a failed mmap is followed
 * by UNMAP_GRANT_REF), which the index lines check through its fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xengnttab.h>

#include "devices.h"

#define BAD_REF 0x7fffffu
#define RW (PROT_READ | PROT_WRITE)

static domid_t peer;
static xengnttab_handle *xgt;
static xengntshr_handle *xgs;
static struct evpair ev;

/* Map index (in pages) of the gntdev mapping at ADDR, or -1. */
static long index_of(void *addr)
{
	struct ioctl_gntdev_get_offset_for_vaddr op = {
		.vaddr = (uintptr_t)addr,
	};

	if (ioctl(xengnttab_fd(xgt), IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &op))
		return -1;
	return (long)(op.offset / PAGE);
}

/* Which event came, and the byte at OFF of VIEW, after KEY's step. */
static void say_step(const char *key, const volatile uint8_t *view, int off)
{
	long port = ev_wait(ev.fd, EVENT_WAIT_MS);

	say(key, "byte=0x%02x event=%s", view[off], ev_name(&ev, port));
	if (port >= 0)
		ev_unmask(ev.fd, (evtchn_port_t)port);
}

static void map_and_unmap(void)
{
	uint32_t refs[2], domids[2] = { peer, peer };
	uint8_t *share, *map;
	int local;

	share = xengntshr_share_pages(xgs, peer, 2, refs, 1);
	say_ptr("libxengnttab.share_pages.two", share);
	if (!share)
		fatal("xengntshr_share_pages");
	map = xengnttab_map_grant_refs(xgt, 2, domids, refs, RW);
	say_ptr("libxengnttab.map_grant_refs.two", map);
	if (!map)
		fatal("xengnttab_map_grant_refs");
	map[PAGE + 5] = 0x42;
	say("libxengnttab.map_grant_refs.shared", "%s",
	    yes_no(share[PAGE + 5] == 0x42));
	say("libxengnttab.map_grant_refs.index", "page=%ld", index_of(map));
	say_rc("libxengnttab.unmap.wrong_count", xengnttab_unmap(xgt, map, 1));
	say_rc("libxengnttab.unmap.null", xengnttab_unmap(xgt, NULL, 2));
	say_rc("libxengnttab.unmap.not_a_mapping",
	       xengnttab_unmap(xgt, &local, 1));
	say_rc("libxengnttab.unmap.two", xengnttab_unmap(xgt, map, 2));
	say_rc("libxengnttab.unmap.again", xengnttab_unmap(xgt, map, 2));

	map = xengnttab_map_domain_grant_refs(xgt, 2, peer, refs, RW);
	say_ptr("libxengnttab.map_domain_grant_refs.two", map);
	if (map) {
		say("libxengnttab.map_domain_grant_refs.index_reused",
		    "page=%ld", index_of(map));
		xengnttab_unmap(xgt, map, 2);
	}

	map = xengnttab_map_grant_ref(xgt, peer, BAD_REF, RW);
	say_ptr("libxengnttab.map_grant_ref.bad_ref", map);
	map = xengnttab_map_grant_ref(xgt, ABSENT_DOMID, refs[0], RW);
	say_ptr("libxengnttab.map_grant_ref.absent_domain", map);
	/* The library released the failed maps' indexes. */
	map = xengnttab_map_grant_ref(xgt, peer, refs[0], RW);
	say_ptr("libxengnttab.map_grant_ref.after_failures", map);
	if (map) {
		say("libxengnttab.map_grant_ref.after_failures_index",
		    "page=%ld", index_of(map));
		xengnttab_unmap(xgt, map, 1);
	}
	say_rc("libxengnttab.unshare.two", xengntshr_unshare(xgs, share, 2));

	share = xengntshr_share_pages(xgs, peer, 1, refs, 0);
	say_ptr("libxengnttab.share_pages.readonly", share);
	map = xengnttab_map_grant_ref(xgt, peer, refs[0], RW);
	say_ptr("libxengnttab.map_grant_ref.readonly_grant_rw", map);
	map = xengnttab_map_grant_ref(xgt, peer, refs[0], PROT_READ);
	say_ptr("libxengnttab.map_grant_ref.readonly_grant_ro", map);
	if (map && share) {
		share[9] = 0x99;
		say("libxengnttab.map_grant_ref.readonly_grant_shared", "%s",
		    yes_no(map[9] == 0x99));
		xengnttab_unmap(xgt, map, 1);
	}
	if (share)
		xengntshr_unshare(xgs, share, 1);

	share = xengntshr_share_pages(xgs, peer, 1025, refs, 1);
	say_ptr("libxengnttab.share_pages.over_limit", share);
}

static void notifications(void)
{
	uint32_t ref;
	uint8_t *share, *map;

	share = xengntshr_share_pages(xgs, peer, 1, &ref, 1);
	if (!share)
		fatal("xengntshr_share_pages");
	map = xengnttab_map_grant_ref_notify(xgt, peer, ref, RW, 100,
					     ev.bound_end);
	say_ptr("libxengnttab.map_grant_ref_notify", map);
	if (map) {
		map[100] = 0x5a;
		say_rc("libxengnttab.map_grant_ref_notify.unmap",
		       xengnttab_unmap(xgt, map, 1));
		say_step("libxengnttab.map_grant_ref_notify.after_unmap",
			 share, 100);
	}
	map = xengnttab_map_grant_ref_notify(xgt, peer, ref, RW, 100, 4000);
	say_ptr("libxengnttab.map_grant_ref_notify.unbound_port", map);
	map = xengnttab_map_grant_ref_notify(xgt, peer, ref, RW, PAGE, -1);
	say_ptr("libxengnttab.map_grant_ref_notify.nothing", map);
	if (map) {
		/* The failed notify map above gave its index back. */
		say("libxengnttab.map_grant_ref_notify.index_after_failure",
		    "page=%ld", index_of(map));
		xengnttab_unmap(xgt, map, 1);
	}
	xengntshr_unshare(xgs, share, 1);

	share = xengntshr_share_page_notify(xgs, peer, &ref, 1, 200,
					    ev.bound_end);
	say_ptr("libxengnttab.share_page_notify", share);
	if (share) {
		map = xengnttab_map_grant_ref(xgt, peer, ref, RW);
		if (!map)
			fatal("xengnttab_map_grant_ref");
		map[200] = 0x5b;
		say_rc("libxengnttab.share_page_notify.unshare",
		       xengntshr_unshare(xgs, share, 1));
		say_step("libxengnttab.share_page_notify.after_unshare", map,
			 200);
		xengnttab_unmap(xgt, map, 1);
	}
	share = xengntshr_share_page_notify(xgs, peer, &ref, 1, 200, 4000);
	say_ptr("libxengnttab.share_page_notify.unbound_port", share);
}

static void grant_copy(void)
{
	xengnttab_grant_copy_segment_t seg[2];
	uint8_t buf[32] = { 0 };
	uint32_t ref;
	uint8_t *share;
	long rc;

	share = xengntshr_share_pages(xgs, peer, 1, &ref, 1);
	if (!share)
		fatal("xengntshr_share_pages");
	memset(share, 0x21, 32);
	memset(seg, 0, sizeof(seg));
	seg[0].flags = GNTCOPY_source_gref;
	seg[0].source.foreign.ref = ref;
	seg[0].source.foreign.domid = peer;
	seg[0].dest.virt = buf;
	seg[0].len = 32;
	seg[1] = seg[0];
	seg[1].source.foreign.ref = BAD_REF;
	rc = xengnttab_grant_copy(xgt, 2, seg);
	say_rc("libxengnttab.grant_copy", rc);
	say("libxengnttab.grant_copy.statuses", "%s,%s",
	    gntst_name(seg[0].status), gntst_name(seg[1].status));
	say("libxengnttab.grant_copy.data", "%s", yes_no(buf[31] == 0x21));
	seg[0].source.foreign.offset = 4090;
	say_rc("libxengnttab.grant_copy.crosses_page",
	       xengnttab_grant_copy(xgt, 1, seg));
	xengntshr_unshare(xgs, share, 1);
}

static void dmabuf(void)
{
	uint32_t refs[1] = { 8 }, dmabuf_fd = 0;

	say_rc("libxengnttab.dmabuf_exp_from_refs",
	       xengnttab_dmabuf_exp_from_refs(xgt, peer, 0, 1, refs,
					      &dmabuf_fd));
	say_rc("libxengnttab.dmabuf_exp_from_refs.count_zero",
	       xengnttab_dmabuf_exp_from_refs(xgt, peer, 0, 0, refs,
					      &dmabuf_fd));
	say_rc("libxengnttab.dmabuf_exp_wait_released",
	       xengnttab_dmabuf_exp_wait_released(xgt, 0, 1));
	say_rc("libxengnttab.dmabuf_imp_to_refs",
	       xengnttab_dmabuf_imp_to_refs(xgt, peer, 0, 1, refs));
	say_rc("libxengnttab.dmabuf_imp_release",
	       xengnttab_dmabuf_imp_release(xgt, 0));
}

static void close_handles(void)
{
	uint32_t ref;
	uint8_t *share, *map;
	int fd;

	share = xengntshr_share_pages(xgs, peer, 1, &ref, 1);
	map = share ? xengnttab_map_grant_ref(xgt, peer, ref, RW) : NULL;
	if (!map)
		fatal("share and map");
	fd = xengnttab_fd(xgt);
	say("libxengnttab.fd.cloexec", "%s",
	    yes_no(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	say("libxengnttab.gntshr_fd.cloexec", "%s",
	    yes_no(fcntl(xengntshr_fd(xgs), F_GETFD) & FD_CLOEXEC));
	say_rc("libxengnttab.close", xengnttab_close(xgt));
	say_rc("libxengnttab.gntshr_close", xengntshr_close(xgs));
	share[1] = 0x12;
	say("libxengnttab.close.mappings_survive", "%s",
	    yes_no(map[1] == 0x12));
	munmap(map, PAGE);
	munmap(share, PAGE);
	say_rc("libxengnttab.close.null", xengnttab_close(NULL));
}

int main(int argc, char **argv)
{
	conf_init(argc, argv);
	peer = conf_peer();
	xgt = xengnttab_open(NULL, 0);
	say_ptr("libxengnttab.open", xgt);
	xgs = xengntshr_open(NULL, 0);
	say_ptr("libxengnttab.gntshr_open", xgs);
	if (!xgt || !xgs)
		return 1;
	evpair_open(&ev, peer);
	say_rc("libxengnttab.set_max_grants", xengnttab_set_max_grants(xgt, 1));
	map_and_unmap();
	notifications();
	grant_copy();
	dmabuf();
	close_handles();
	evpair_close(&ev);
	return 0;
}
