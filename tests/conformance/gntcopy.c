// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf-gntcopy: IOCTL_GNTDEV_GRANT_COPY, segment by segment.  Each line
 * gives the ioctl's result and the segment's status as the caller finds
 * it afterwards ("unset" when the driver never wrote it), and, for copies
 * that succeed, whether the bytes arrived.
 *
 * Linux checks some things itself (local to local, a grant range crossing
 * its page) and fails the whole ioctl; Xen checks the rest and fails only
 * the segment, with a GNTST_ status.
 *
 * The grants are the other side's (side.h), granted to this domain; the
 * data that arrived there is read back through the other side's mapping.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "side.h"

#define UNSET ((int16_t)0x7fff)
#define BAD_REF 0x7fffffu

static domid_t peer;
static int fd;

static const char *status_name(int16_t status)
{
	return status == UNSET ? "unset" : gntst_name(status);
}

static long copy(struct gntdev_grant_copy_segment *segs, unsigned int count)
{
	struct ioctl_gntdev_grant_copy op = {
		.count = count,
		.segments = segs,
	};

	for (unsigned int i = 0; i < count; i++)
		segs[i].status = UNSET;
	return ioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &op);
}

static void say_copy(const char *key, struct gntdev_grant_copy_segment *seg)
{
	long rc = copy(seg, 1);

	if (rc < 0)
		say(key, "errno=%s status=%s", errno_name(errno),
		    status_name(seg->status));
	else
		say(key, "ok status=%s", status_name(seg->status));
}

static struct gntdev_grant_copy_segment from_grant(uint32_t ref, domid_t dom,
						   uint16_t offset, void *dst,
						   uint16_t len)
{
	struct gntdev_grant_copy_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.flags = GNTCOPY_source_gref;
	seg.source.foreign.ref = ref;
	seg.source.foreign.domid = dom;
	seg.source.foreign.offset = offset;
	seg.dest.virt = dst;
	seg.len = len;
	return seg;
}

static struct gntdev_grant_copy_segment to_grant(void *src, uint32_t ref,
						 domid_t dom, uint16_t offset,
						 uint16_t len)
{
	struct gntdev_grant_copy_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.flags = GNTCOPY_dest_gref;
	seg.source.virt = src;
	seg.dest.foreign.ref = ref;
	seg.dest.foreign.domid = dom;
	seg.dest.foreign.offset = offset;
	seg.len = len;
	return seg;
}

/*
 * DOMID_SELF names the copier's own grant table, so the grant must be one
 * this domain made to itself: in self mode RW is; across two domains
 * this side grants a page to itself for the purpose.
 */
static void say_domid_self(struct xshare *rw)
{
	struct gntdev_grant_copy_segment seg;
	uint8_t local[16];
	struct xshare own;
	struct xfile file;

	if (rw->file.local) {
		seg = from_grant(rw->s.refs[0], DOMID_SELF, 0, local, 16);
		say_copy("gntcopy.domid_self", &seg);
		return;
	}
	xf_open(&file, HERE, "gntalloc");
	if (xs_alloc(&own, &file, conf_self(), 1, true) < 0)
		fatal("IOCTL_GNTALLOC_ALLOC_GREF to this domain");
	seg = from_grant(own.s.refs[0], DOMID_SELF, 0, local, 16);
	say_copy("gntcopy.domid_self", &seg);
	xs_dealloc(&own);
	xf_close(&file);
}

int main(int argc, char **argv)
{
	struct gntdev_grant_copy_segment seg, segs[20];
	struct xshare rw, ro, other;
	struct xfile granter;
	uint8_t *local, head[64];
	long rc;

	conf_init(argc, argv);
	peer = conf_peer();
	xf_open(&granter, THERE, "gntalloc");
	fd = dev_open("gntdev");
	if (xs_alloc(&rw, &granter, side_peer(THERE), 2, true) < 0 ||
	    xs_mmap(&rw) < 0 ||
	    xs_alloc(&ro, &granter, side_peer(THERE), 1, false) < 0 ||
	    xs_mmap(&ro) < 0 ||
	    xs_alloc(&other, &granter, ABSENT_DOMID, 1, true) < 0)
		fatal("gntalloc setup");
	/* Two local pages, the second one read-only, and a guard after. */
	local = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (local == MAP_FAILED)
		fatal("mmap anonymous");
	memset(local, 0, 2 * PAGE);
	for (int i = 0; i < 64; i++)
		head[i] = (uint8_t)(i + 1);
	x_write(&rw, NULL, 0, head, 64);
	x_fill(&ro, NULL, 0, 0xee, 64);

	seg = from_grant(rw.s.refs[0], peer, 0, local, 64);
	say_copy("gntcopy.from_grant", &seg);
	say("gntcopy.from_grant.data", "%s",
	    yes_no(x_equal(&rw, NULL, 0, local, 64)));

	memset(local + 128, 0xc3, 32);
	seg = to_grant(local + 128, rw.s.refs[0], peer, 2000, 32);
	say_copy("gntcopy.to_grant", &seg);
	say("gntcopy.to_grant.data", "%s",
	    yes_no(x_equal(&rw, NULL, 2000, local + 128, 32)));

	memset(&seg, 0, sizeof(seg));
	seg.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
	seg.source.foreign.ref = rw.s.refs[0];
	seg.source.foreign.domid = peer;
	seg.dest.foreign.ref = rw.s.refs[1];
	seg.dest.foreign.domid = peer;
	seg.dest.foreign.offset = 512;
	seg.len = 64;
	say_copy("gntcopy.grant_to_grant", &seg);
	say("gntcopy.grant_to_grant.data", "%s",
	    yes_no(x_equal(&rw, NULL, PAGE + 512, head, 64)));

	seg = from_grant(ro.s.refs[0], peer, 0, local, 16);
	say_copy("gntcopy.from_readonly_grant", &seg);
	seg = to_grant(local, ro.s.refs[0], peer, 0, 16);
	say_copy("gntcopy.to_readonly_grant", &seg);
	say("gntcopy.to_readonly_grant.untouched", "%s",
	    yes_no(xs_get(&ro, 0) == 0xee));

	seg = from_grant(rw.s.refs[0], peer, 0, local, 0);
	say_copy("gntcopy.len_zero", &seg);
	seg = from_grant(rw.s.refs[0], peer, 4000, local, 96);
	say_copy("gntcopy.grant_range_ends_at_page_end", &seg);
	seg = from_grant(rw.s.refs[0], peer, 4000, local, 97);
	say_copy("gntcopy.grant_range_crosses_page", &seg);
	seg = to_grant(local, rw.s.refs[0], peer, 4095, 2);
	say_copy("gntcopy.dest_grant_range_crosses_page", &seg);
	seg = from_grant(rw.s.refs[0], peer, 4000, local, 96);
	seg.flags = 0;
	seg.source.virt = local;
	say_copy("gntcopy.local_to_local", &seg);
	seg = from_grant(rw.s.refs[0], peer, 0, local, 16);
	seg.flags |= 0x10;
	say_copy("gntcopy.unknown_flag", &seg);

	seg = from_grant(BAD_REF, peer, 0, local, 16);
	say_copy("gntcopy.bad_ref", &seg);
	seg = from_grant(3, peer, 0, local, 16);
	say_copy("gntcopy.reserved_ref", &seg);
	seg = from_grant(rw.s.refs[0], ABSENT_DOMID, 0, local, 16);
	say_copy("gntcopy.absent_domain", &seg);
	say_domid_self(&rw);
	seg = from_grant(other.s.refs[0], peer, 0, local, 16);
	say_copy("gntcopy.grant_to_other_domain", &seg);

	/* A local buffer may cross a page: Linux splits it in two ops. */
	memset(local, 0, 2 * PAGE);
	seg = from_grant(rw.s.refs[0], peer, 0, local + PAGE - 20, 40);
	say_copy("gntcopy.local_crosses_page", &seg);
	say("gntcopy.local_crosses_page.data", "%s",
	    yes_no(x_equal(&rw, NULL, 0, local + PAGE - 20, 40)));

	/* A bad second half: one status for the segment, the failing one. */
	seg = from_grant(rw.s.refs[0], peer, 0, local + PAGE - 20, 40);
	mprotect(local + PAGE, PAGE, PROT_READ);
	say_copy("gntcopy.local_dest_readonly_memory", &seg);
	mprotect(local + PAGE, PAGE, PROT_READ | PROT_WRITE);
	seg = to_grant(local + 2 * PAGE - 8, rw.s.refs[0], peer, 0, 16);
	mprotect(local + 2 * PAGE, PAGE, PROT_NONE);
	say_copy("gntcopy.local_source_unmapped", &seg);
	seg = from_grant(rw.s.refs[0], peer, 0, NULL, 16);
	say_copy("gntcopy.local_null", &seg);

	/* Statuses are per segment; the ioctl itself succeeds. */
	segs[0] = from_grant(rw.s.refs[0], peer, 0, local, 8);
	segs[1] = from_grant(BAD_REF, peer, 0, local + 8, 8);
	segs[2] = from_grant(rw.s.refs[0], ABSENT_DOMID, 0, local + 16, 8);
	segs[3] = to_grant(local, ro.s.refs[0], peer, 0, 8);
	segs[4] = from_grant(rw.s.refs[1], peer, 0, local + 24, 8);
	rc = copy(segs, 5);
	say_rc("gntcopy.batch_mixed", rc);
	say("gntcopy.batch_mixed.statuses", "%s,%s,%s,%s,%s",
	    status_name(segs[0].status), status_name(segs[1].status),
	    status_name(segs[2].status), status_name(segs[3].status),
	    status_name(segs[4].status));

	/* More segments than the driver batches at once (16). */
	for (int i = 0; i < 20; i++)
		segs[i] = from_grant(rw.s.refs[0], peer, (uint16_t)(i * 8),
				     local + 1024 + i * 8, 8);
	memset(local + 1024, 0, 160);
	rc = copy(segs, 20);
	say_rc("gntcopy.batch_twenty", rc);
	{
		bool all_ok = true;

		for (int i = 0; i < 20; i++)
			all_ok = all_ok && segs[i].status == GNTST_okay;
		say("gntcopy.batch_twenty.statuses", "all_okay=%s",
		    yes_no(all_ok));
		say("gntcopy.batch_twenty.data", "%s",
		    yes_no(x_equal(&rw, NULL, 0, local + 1024, 160)));
	}

	/* A failing segment in the middle stops the ioctl there. */
	memset(local, 0, 8);
	segs[0] = from_grant(rw.s.refs[0], peer, 0, local, 8);
	segs[1] = from_grant(rw.s.refs[0], peer, 4090, local + 8, 8);
	segs[2] = from_grant(rw.s.refs[0], peer, 0, local + 16, 8);
	rc = copy(segs, 3);
	say_rc("gntcopy.batch_stops_at_bad_segment", rc);
	say("gntcopy.batch_stops_at_bad_segment.statuses", "%s,%s,%s",
	    status_name(segs[0].status), status_name(segs[1].status),
	    status_name(segs[2].status));
	/* The good segment before it was queued, not necessarily done. */
	say("gntcopy.batch_stops_at_bad_segment.first_copied", "%s",
	    yes_no(x_equal(&rw, NULL, 0, local, 8)));

	{
		struct ioctl_gntdev_grant_copy op = { .count = 0,
						      .segments = NULL };

		say_rc("gntcopy.count_zero",
		       ioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &op));
		op.count = 1;
		say_rc("gntcopy.segments_null",
		       ioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &op));
		say_rc("gntcopy.null_arg",
		       ioctl(fd, IOCTL_GNTDEV_GRANT_COPY, NULL));
	}

	munmap(local, 3 * PAGE);
	close(fd);
	xs_release(&rw);
	xs_release(&ro);
	xs_dealloc(&other);
	xf_close(&granter);
	return 0;
}
