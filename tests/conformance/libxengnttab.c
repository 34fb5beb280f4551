// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf-libxengnttab: the same devices through Debian's libxengnttab (both
 * halves: xengnttab_* over gntdev, xengntshr_* over gntalloc), as programs
 * like vchan use them.  The library turns device errors into NULL or -1
 * with errno; some failures it cleans up after (a failed mmap is followed
 * by UNMAP_GRANT_REF), which the index lines check through its fd.
 *
 * Both libraries are this side's.  In self mode the pages xengntshr
 * shares are the ones xengnttab maps; across two domains the other side
 * (side.h) grants the pages mapped here and maps the pages granted here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xengnttab.h>

#include "side.h"

#define BAD_REF 0x7fffffu
#define RW (PROT_READ | PROT_WRITE)

static domid_t peer;
static xengnttab_handle *xgt;
static xengntshr_handle *xgs;
static struct xpair ev;
/*
 * The other side's gntalloc and gntdev files, used across two domains
 * only: the granter of the pages xengnttab maps here, the mapper of the
 * pages xengntshr grants here.  In self mode one xengntshr share is both.
 */
static struct xfile granter, mapper;

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

/* Which event came, and the byte at OFF of the page, after KEY's step. */
static void say_step(const char *key, struct xshare *vs, struct xmap *vm,
		     int off)
{
	struct xevent got = pair_wait(&ev, EVENT_WAIT_MS);

	say(key, "byte=0x%02x event=%s", x_get(vs, vm, (size_t)off),
	    pair_name(&ev, got));
	pair_unmask_event(&ev, got);
}

/*
 * Pages for xengnttab to map: in self mode the COUNT pages xengntshr
 * shared at SHARE with REFS; across two domains pages the other side
 * grants to this one.
 */
static void pages_to_map(struct xshare *x, uint8_t *share, uint32_t count,
			 const uint32_t *refs, bool writable)
{
	if (!conf_remote()) {
		xs_wrap(x, share, count, refs);
		return;
	}
	if (xs_alloc(x, &granter, conf_self(), count, writable) < 0 ||
	    xs_mmap(x) < 0)
		fatal("the other side's gntalloc pages");
}

static void pages_done(struct xshare *x)
{
	if (conf_remote())
		xs_release(x);
}

/* Pages xengntshr shares here, only for xengnttab to map: self mode. */
static uint8_t *share_for_map(uint32_t *ref)
{
	uint8_t *share;

	if (conf_remote())
		return NULL;
	share = xengntshr_share_pages(xgs, peer, 1, ref, 1);
	if (!share)
		fatal("xengntshr_share_pages");
	return share;
}

static void map_and_unmap(void)
{
	uint32_t refs[2], domids[2] = { peer, peer };
	uint8_t *share, *map;
	struct xshare granted;
	int local;

	share = xengntshr_share_pages(xgs, peer, 2, refs, 1);
	say_ptr("libxengnttab.share_pages.two", share);
	if (!share)
		fatal("xengntshr_share_pages");
	pages_to_map(&granted, share, 2, refs, true);
	map = xengnttab_map_grant_refs(xgt, 2, domids, granted.s.refs, RW);
	say_ptr("libxengnttab.map_grant_refs.two", map);
	if (!map)
		fatal("xengnttab_map_grant_refs");
	map[PAGE + 5] = 0x42;
	say("libxengnttab.map_grant_refs.shared", "%s",
	    yes_no(xs_get(&granted, PAGE + 5) == 0x42));
	say("libxengnttab.map_grant_refs.index", "page=%ld", index_of(map));
	say_rc("libxengnttab.unmap.wrong_count", xengnttab_unmap(xgt, map, 1));
	say_rc("libxengnttab.unmap.null", xengnttab_unmap(xgt, NULL, 2));
	say_rc("libxengnttab.unmap.not_a_mapping",
	       xengnttab_unmap(xgt, &local, 1));
	say_rc("libxengnttab.unmap.two", xengnttab_unmap(xgt, map, 2));
	say_rc("libxengnttab.unmap.again", xengnttab_unmap(xgt, map, 2));

	map = xengnttab_map_domain_grant_refs(xgt, 2, peer, granted.s.refs,
					      RW);
	say_ptr("libxengnttab.map_domain_grant_refs.two", map);
	if (map) {
		say("libxengnttab.map_domain_grant_refs.index_reused",
		    "page=%ld", index_of(map));
		xengnttab_unmap(xgt, map, 2);
	}

	map = xengnttab_map_grant_ref(xgt, peer, BAD_REF, RW);
	say_ptr("libxengnttab.map_grant_ref.bad_ref", map);
	map = xengnttab_map_grant_ref(xgt, ABSENT_DOMID, granted.s.refs[0],
				      RW);
	say_ptr("libxengnttab.map_grant_ref.absent_domain", map);
	/* The library released the failed maps' indexes. */
	map = xengnttab_map_grant_ref(xgt, peer, granted.s.refs[0], RW);
	say_ptr("libxengnttab.map_grant_ref.after_failures", map);
	if (map) {
		say("libxengnttab.map_grant_ref.after_failures_index",
		    "page=%ld", index_of(map));
		xengnttab_unmap(xgt, map, 1);
	}
	say_rc("libxengnttab.unshare.two", xengntshr_unshare(xgs, share, 2));
	pages_done(&granted);

	share = xengntshr_share_pages(xgs, peer, 1, refs, 0);
	say_ptr("libxengnttab.share_pages.readonly", share);
	pages_to_map(&granted, share, 1, refs, false);
	map = xengnttab_map_grant_ref(xgt, peer, granted.s.refs[0], RW);
	say_ptr("libxengnttab.map_grant_ref.readonly_grant_rw", map);
	map = xengnttab_map_grant_ref(xgt, peer, granted.s.refs[0], PROT_READ);
	say_ptr("libxengnttab.map_grant_ref.readonly_grant_ro", map);
	if (map && granted.mapped) {
		xs_set(&granted, 9, 0x99);
		say("libxengnttab.map_grant_ref.readonly_grant_shared", "%s",
		    yes_no(map[9] == 0x99));
		xengnttab_unmap(xgt, map, 1);
	}
	if (share)
		xengntshr_unshare(xgs, share, 1);
	pages_done(&granted);

	share = xengntshr_share_pages(xgs, peer, 1025, refs, 1);
	say_ptr("libxengnttab.share_pages.over_limit", share);
}

static void notifications(void)
{
	uint32_t ref;
	uint8_t *share, *map;
	struct xshare granted;
	struct xmap watch;

	share = share_for_map(&ref);
	pages_to_map(&granted, share, 1, &ref, true);
	map = xengnttab_map_grant_ref_notify(xgt, peer, granted.s.refs[0], RW,
					     100, ev.port[BOUND_END]);
	say_ptr("libxengnttab.map_grant_ref_notify", map);
	if (map) {
		map[100] = 0x5a;
		say_rc("libxengnttab.map_grant_ref_notify.unmap",
		       xengnttab_unmap(xgt, map, 1));
		say_step("libxengnttab.map_grant_ref_notify.after_unmap",
			 &granted, NULL, 100);
	}
	map = xengnttab_map_grant_ref_notify(xgt, peer, granted.s.refs[0], RW,
					     100, 4000);
	say_ptr("libxengnttab.map_grant_ref_notify.unbound_port", map);
	map = xengnttab_map_grant_ref_notify(xgt, peer, granted.s.refs[0], RW,
					     PAGE, -1);
	say_ptr("libxengnttab.map_grant_ref_notify.nothing", map);
	if (map) {
		/* The failed notify map above gave its index back. */
		say("libxengnttab.map_grant_ref_notify.index_after_failure",
		    "page=%ld", index_of(map));
		xengnttab_unmap(xgt, map, 1);
	}
	if (share)
		xengntshr_unshare(xgs, share, 1);
	pages_done(&granted);

	share = xengntshr_share_page_notify(xgs, peer, &ref, 1, 200,
					    ev.port[BOUND_END]);
	say_ptr("libxengnttab.share_page_notify", share);
	if (share) {
		/* The grantee's mapping, which watches the byte. */
		if (conf_remote()) {
			xm_one(&watch, &mapper, conf_self(), ref);
		} else {
			map = xengnttab_map_grant_ref(xgt, peer, ref, RW);
			if (!map)
				fatal("xengnttab_map_grant_ref");
			xm_wrap(&watch, map, 1);
		}
		xm_set(&watch, 200, 0x5b);
		say_rc("libxengnttab.share_page_notify.unshare",
		       xengntshr_unshare(xgs, share, 1));
		say_step("libxengnttab.share_page_notify.after_unshare", NULL,
			 &watch, 200);
		if (conf_remote()) {
			xm_munmap(&watch);
			xm_remove(&watch);
		} else {
			xengnttab_unmap(xgt, watch.m.addr, 1);
		}
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
	struct xshare granted;
	long rc;

	share = share_for_map(&ref);
	pages_to_map(&granted, share, 1, &ref, true);
	x_fill(&granted, NULL, 0, 0x21, 32);
	memset(seg, 0, sizeof(seg));
	seg[0].flags = GNTCOPY_source_gref;
	seg[0].source.foreign.ref = granted.s.refs[0];
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
	if (share)
		xengntshr_unshare(xgs, share, 1);
	pages_done(&granted);
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
	struct xshare granted;
	int fd;

	share = xengntshr_share_pages(xgs, peer, 1, &ref, 1);
	if (share)
		pages_to_map(&granted, share, 1, &ref, true);
	map = share ? xengnttab_map_grant_ref(xgt, peer, granted.s.refs[0],
					      RW) : NULL;
	if (!map)
		fatal("share and map");
	fd = xengnttab_fd(xgt);
	say("libxengnttab.fd.cloexec", "%s",
	    yes_no(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	say("libxengnttab.gntshr_fd.cloexec", "%s",
	    yes_no(fcntl(xengntshr_fd(xgs), F_GETFD) & FD_CLOEXEC));
	say_rc("libxengnttab.close", xengnttab_close(xgt));
	say_rc("libxengnttab.gntshr_close", xengntshr_close(xgs));
	xs_set(&granted, 1, 0x12);
	say("libxengnttab.close.mappings_survive", "%s",
	    yes_no(map[1] == 0x12));
	munmap(map, PAGE);
	munmap(share, PAGE);
	pages_done(&granted);
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
	if (conf_remote()) {
		xf_open(&granter, THERE, "gntalloc");
		xf_open(&mapper, THERE, "gntdev");
	}
	/* The port of a notification is this domain's: the bound end. */
	pair_open(&ev, BOUND_END);
	say_rc("libxengnttab.set_max_grants", xengnttab_set_max_grants(xgt, 1));
	map_and_unmap();
	notifications();
	grant_copy();
	dmabuf();
	close_handles();
	pair_close(&ev);
	if (conf_remote()) {
		xf_close(&mapper);
		xf_close(&granter);
	}
	return 0;
}
