// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf-gntdev: every ioctl of /dev/xen/gntdev and its mmap, through raw
 * system calls.  The grants come from gntalloc on the other side (side.h):
 * in self mode this same process granting to the peer, this domain
 * itself; in two-domain mode the agent, granting to this domain.
 *
 * What Linux 6.1's gntdev.c promises, and what these lines check on the
 * real thing: MAP_GRANT_REF only records refs (nothing reaches Xen before
 * mmap), so a bad domain or ref shows up as a failed mmap; a map index can
 * be mmapped once, and a failed mmap uses that up; indexes are handed out
 * first-fit in pages; UNMAP_GRANT_REF with count 0 matches any count.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "side.h"

/* A ref no grant table of a test domain reaches. */
#define BAD_REF 0x7fffffu

/* The other side's gntalloc file: the granter of every page mapped here. */
static struct xfile granter;
static domid_t peer;

/* One page the other side grants to this one, mapped there. */
static struct xshare new_share(bool writable)
{
	struct xshare s;

	xs_new(&s, &granter, 1, writable);
	return s;
}

static void unknown_ioctls(int fd)
{
	struct ioctl_gntdev_set_max_grants max = { .count = 1 };
	struct ioctl_gntdev_dmabuf_exp_from_refs exp = { .count = 1 };
	struct ioctl_gntdev_dmabuf_exp_wait_released wait = { .fd = 0 };
	struct ioctl_gntdev_dmabuf_imp_to_refs imp = { .count = 1 };
	struct ioctl_gntdev_dmabuf_imp_release rel = { .fd = 0 };
	char junk[64] = { 0 };

	say_rc("gntdev.ioctl.set_max_grants",
	       ioctl(fd, IOCTL_GNTDEV_SET_MAX_GRANTS, &max));
	say_rc("gntdev.ioctl.dmabuf_exp_from_refs",
	       ioctl(fd, IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS, &exp));
	say_rc("gntdev.ioctl.dmabuf_exp_wait_released",
	       ioctl(fd, IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED, &wait));
	say_rc("gntdev.ioctl.dmabuf_imp_to_refs",
	       ioctl(fd, IOCTL_GNTDEV_DMABUF_IMP_TO_REFS, &imp));
	say_rc("gntdev.ioctl.dmabuf_imp_release",
	       ioctl(fd, IOCTL_GNTDEV_DMABUF_IMP_RELEASE, &rel));
	say_rc("gntdev.ioctl.unknown_nr",
	       ioctl(fd, _IOC(_IOC_NONE, 'G', 99, 8), junk));
	say_rc("gntdev.ioctl.evtchn_type",
	       ioctl(fd, IOCTL_EVTCHN_RESET, junk));
}

static void map_grant_ref_args(int fd)
{
	struct ioctl_gntdev_map_grant_ref op;
	struct ioctl_gntdev_map_grant_ref *tail;
	uint8_t *pages;

	memset(&op, 0, sizeof(op));
	op.count = 0;
	say_rc("gntdev.map_grant_ref.count_zero",
	       ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &op));
	/* The module's default limit is 64 Ki grants per request. */
	op.count = 65537;
	say_rc("gntdev.map_grant_ref.count_over_limit",
	       ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &op));
	op.count = 0xffffffffu;
	say_rc("gntdev.map_grant_ref.count_max",
	       ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &op));
	say_rc("gntdev.map_grant_ref.null_arg",
	       ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, NULL));

	/* Two refs claimed, the second one lies on an inaccessible page. */
	pages = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED)
		fatal("mmap anonymous");
	mprotect(pages + PAGE, PAGE, PROT_NONE);
	tail = (void *)(pages + PAGE - sizeof(*tail));
	tail->count = 2;
	tail->refs[0].domid = peer;
	tail->refs[0].ref = BAD_REF;
	say_rc("gntdev.map_grant_ref.refs_efault",
	       ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, tail));
	munmap(pages, 2 * PAGE);

	/* Nothing is checked against Xen until mmap. */
	{
		struct gmap m;
		uint32_t ref = BAD_REF;

		say_rc("gntdev.map_grant_ref.bad_ref",
		       gmap_add(&m, fd, peer, &ref, 1));
		gmap_remove(&m);
		ref = 8;
		say_rc("gntdev.map_grant_ref.absent_domain",
		       gmap_add(&m, fd, ABSENT_DOMID, &ref, 1));
		gmap_remove(&m);
	}
}

/* Indexes are page offsets into the file, first fit, per open file. */
static void map_indexes(void)
{
	int fd = dev_open("gntdev");
	struct xshare s = new_share(true);
	uint32_t refs[3] = { s.s.refs[0], s.s.refs[0], s.s.refs[0] };
	struct gmap a, b, c, d, e;

	gmap_add(&a, fd, peer, refs, 1);
	gmap_add(&b, fd, peer, refs, 1);
	gmap_add(&c, fd, peer, refs, 3);
	say("gntdev.index.first_three", "pages=%llu,%llu,%llu",
	    (unsigned long long)a.index / PAGE,
	    (unsigned long long)b.index / PAGE,
	    (unsigned long long)c.index / PAGE);
	gmap_remove(&b);
	gmap_add(&d, fd, peer, refs, 1);
	say("gntdev.index.one_page_hole_then_one", "page=%llu",
	    (unsigned long long)d.index / PAGE);
	gmap_remove(&a);
	gmap_remove(&d);
	gmap_add(&e, fd, peer, refs, 1);
	say("gntdev.index.two_page_hole_then_one", "page=%llu",
	    (unsigned long long)e.index / PAGE);
	gmap_remove(&c);
	gmap_remove(&e);
	gmap_add(&a, fd, peer, refs, 2);
	say("gntdev.index.all_removed_then_two", "page=%llu",
	    (unsigned long long)a.index / PAGE);
	close(fd);
	xs_release(&s);
}

/* IOCTL_GNTDEV_UNMAP_GRANT_REF with these arguments. */
static int unmap_ioctl(int fd, uint64_t index, uint32_t count)
{
	struct ioctl_gntdev_unmap_grant_ref op = {
		.index = index,
		.count = count,
	};

	return ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &op);
}

static void unmap_grant_ref_args(void)
{
	int fd = dev_open("gntdev");
	struct xshare s = new_share(true);
	uint32_t refs[2] = { s.s.refs[0], s.s.refs[0] };
	struct gmap m;

	gmap_add(&m, fd, peer, refs, 2);
	say_rc("gntdev.unmap_grant_ref.inside_index",
	       unmap_ioctl(fd, m.index + PAGE, 1));
	say_rc("gntdev.unmap_grant_ref.wrong_count",
	       unmap_ioctl(fd, m.index, 1));
	say_rc("gntdev.unmap_grant_ref.unknown_index",
	       unmap_ioctl(fd, m.index + 100 * PAGE, 2));
	say_rc("gntdev.unmap_grant_ref.null_arg",
	       ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, NULL));
	/* Count 0 stands for "whatever the count is". */
	say_rc("gntdev.unmap_grant_ref.count_zero",
	       unmap_ioctl(fd, m.index, 0));
	say_rc("gntdev.unmap_grant_ref.again",
	       unmap_ioctl(fd, m.index, 2));

	/* The index is shifted to pages: an offset inside one is ignored. */
	gmap_add(&m, fd, peer, refs, 2);
	say_rc("gntdev.unmap_grant_ref.unaligned_index",
	       unmap_ioctl(fd, m.index + 1, 2));
	say_rc("gntdev.unmap_grant_ref.after_unaligned",
	       unmap_ioctl(fd, m.index, 2));
	close(fd);
	xs_release(&s);
}

static void mmap_rules(void)
{
	int fd = dev_open("gntdev");
	struct xshare s = new_share(true);
	uint32_t refs[2] = { s.s.refs[0], s.s.refs[0] };
	struct gmap m, two;
	void *p;

	gmap_add(&m, fd, peer, refs, 1);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)(m.index + 50 * PAGE));
	say_ptr("gntdev.mmap.unknown_index", p);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)m.index);
	say_ptr("gntdev.mmap.count_larger_than_map", p);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
		 (off_t)m.index);
	say_ptr("gntdev.mmap.private_writable", p);
	say_rc("gntdev.mmap.shared_rw", gmap_mmap(&m, PROT_READ | PROT_WRITE,
						  MAP_SHARED));
	if (m.addr) {
		m.addr[10] = 0xa1;
		say("gntdev.mmap.write_seen_by_granter", "%s",
		    yes_no(xs_get(&s, 10) == 0xa1));
		xs_set(&s, 11, 0xb2);
		say("gntdev.mmap.granter_write_seen", "%s",
		    yes_no(m.addr[11] == 0xb2));
	}
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)m.index);
	say_ptr("gntdev.mmap.second_mmap_same_index", p);
	if (m.addr)
		gmap_munmap(&m);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)m.index);
	say_ptr("gntdev.mmap.again_after_munmap", p);
	say_rc("gntdev.mmap.unmap_grant_ref_after_munmap", gmap_remove(&m));

	/* Two pages, both the same grant: one vma, both pages shared. */
	gmap_add(&two, fd, peer, refs, 2);
	say_rc("gntdev.mmap.two_refs_same_grant",
	       gmap_mmap(&two, PROT_READ | PROT_WRITE, MAP_SHARED));
	if (two.addr) {
		two.addr[20] = 0x5c;
		say("gntdev.mmap.two_refs_alias", "%s",
		    yes_no(two.addr[PAGE + 20] == 0x5c && xs_get(&s, 20) == 0x5c));
		gmap_munmap(&two);
	}
	gmap_remove(&two);

	/* A read-only private mapping is allowed. */
	gmap_add(&m, fd, peer, refs, 1);
	say_rc("gntdev.mmap.private_readonly",
	       gmap_mmap(&m, PROT_READ, MAP_PRIVATE));
	if (m.addr) {
		xs_set(&s, 30, 0x3e);
		say("gntdev.mmap.private_readonly_sees_granter", "%s",
		    yes_no(m.addr[30] == 0x3e));
		gmap_munmap(&m);
	}
	gmap_remove(&m);

	/* Removing the map while it is mmapped leaves the pages in place. */
	gmap_add(&m, fd, peer, refs, 1);
	gmap_mmap(&m, PROT_READ | PROT_WRITE, MAP_SHARED);
	say_rc("gntdev.mmap.unmap_grant_ref_while_mapped", gmap_remove(&m));
	if (m.addr) {
		xs_set(&s, 40, 0x4d);
		say("gntdev.mmap.still_shared_after_unmap_grant_ref", "%s",
		    yes_no(m.addr[40] == 0x4d));
		gmap_munmap(&m);
	}
	close(fd);
	xs_release(&s);
}

/*
 * mprotect of grant mappings.  Linux 6.1's gntdev leaves a private
 * read-only mapping VM_MAYWRITE, so it may become writable (later trees
 * clear the flag: EACCES).  Each case runs in a child that makes its own
 * mapping of the share: on a PV dom0, as the reference VM's, gntdev maps
 * the grants into the page tables through Xen (use_ptemod), and a page
 * whose protection mprotect changed faults (SIGBUS); the child's end says
 * so without losing the lines after it.
 */
static void mprotect_private(const struct xshare *s)
{
	int fd = dev_open("gntdev");
	struct gmap m;

	gmap_add(&m, fd, peer, s->s.refs, 1);
	if (gmap_mmap(&m, PROT_READ, MAP_PRIVATE) < 0)
		fatal("mmap of a private read-only grant mapping");
	say_rc("gntdev.mprotect.private_readonly_to_rw",
	       mprotect(m.addr, PAGE, PROT_READ | PROT_WRITE));
	say_rc("gntdev.mprotect.private_back_to_readonly",
	       mprotect(m.addr, PAGE, PROT_READ));
	fflush(stdout);
	say("gntdev.mprotect.private_still_sees_granter", "%s",
	    yes_no(m.addr[31] == 0x3f));
	gmap_munmap(&m);
	gmap_remove(&m);
	close(fd);
}

static void mprotect_shared(const struct xshare *s)
{
	int fd = dev_open("gntdev");
	struct gmap m;

	gmap_add(&m, fd, peer, s->s.refs, 1);
	if (gmap_mmap(&m, PROT_READ | PROT_WRITE, MAP_SHARED) < 0)
		fatal("mmap of a shared grant mapping");
	say_rc("gntdev.mprotect.shared_to_readonly", mprotect(m.addr, PAGE, PROT_READ));
	say_rc("gntdev.mprotect.shared_back_to_rw",
	       mprotect(m.addr, PAGE, PROT_READ | PROT_WRITE));
	fflush(stdout);
	m.addr[32] = 0x5a;
	gmap_munmap(&m);
	gmap_remove(&m);
	close(fd);
}

static void mprotect_in_child(const char *key, void (*run)(const struct xshare *),
			      const struct xshare *s)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		run(s);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0)
		fatal("waitpid");
	if (WIFSIGNALED(status))
		say(key, "signal=%s", signal_name(WTERMSIG(status)));
	else
		say(key, "status=%d", WEXITSTATUS(status));
}

static void mprotect_rules(void)
{
	struct xshare s = new_share(true);

	xs_set(&s, 31, 0x3f);
	mprotect_in_child("gntdev.mprotect.private_end", mprotect_private, &s);
	mprotect_in_child("gntdev.mprotect.shared_end", mprotect_shared, &s);
	say("gntdev.mprotect.shared_write_seen_by_granter", "%s",
	    yes_no(xs_get(&s, 32) == 0x5a));
	xs_release(&s);
}

/* A failed mmap consumes the index: it cannot be mmapped again. */
static void failed_mmap(void)
{
	int fd = dev_open("gntdev");
	struct xshare s = new_share(true);
	struct xshare ro = new_share(false);
	uint32_t refs[2];
	struct gmap bad, next, part;
	void *p;

	refs[0] = BAD_REF;
	gmap_add(&bad, fd, peer, refs, 1);
	say_rc("gntdev.mmap.bad_ref", gmap_mmap(&bad, PROT_READ | PROT_WRITE,
						MAP_SHARED));
	say_rc("gntdev.mmap.bad_ref_retry",
	       gmap_mmap(&bad, PROT_READ | PROT_WRITE, MAP_SHARED));
	gmap_add(&next, fd, peer, s.s.refs, 1);
	say("gntdev.mmap.failed_index_still_held", "next_page=%llu",
	    (unsigned long long)(next.index - bad.index) / PAGE);
	say_rc("gntdev.mmap.unmap_grant_ref_after_failure", gmap_remove(&bad));
	gmap_remove(&next);

	refs[0] = s.s.refs[0];
	gmap_add(&bad, fd, ABSENT_DOMID, refs, 1);
	say_rc("gntdev.mmap.absent_domain",
	       gmap_mmap(&bad, PROT_READ | PROT_WRITE, MAP_SHARED));
	gmap_remove(&bad);

	/* Half good, half bad: the whole mmap fails. */
	refs[0] = s.s.refs[0];
	refs[1] = BAD_REF;
	gmap_add(&part, fd, peer, refs, 2);
	say_rc("gntdev.mmap.one_of_two_bad",
	       gmap_mmap(&part, PROT_READ | PROT_WRITE, MAP_SHARED));
	gmap_remove(&part);

	/* A read-only grant maps read-only, and only so. */
	gmap_add(&bad, fd, peer, ro.s.refs, 1);
	say_rc("gntdev.mmap.readonly_grant_rw",
	       gmap_mmap(&bad, PROT_READ | PROT_WRITE, MAP_SHARED));
	gmap_remove(&bad);
	gmap_add(&bad, fd, peer, ro.s.refs, 1);
	say_rc("gntdev.mmap.readonly_grant_ro",
	       gmap_mmap(&bad, PROT_READ, MAP_SHARED));
	if (bad.addr) {
		xs_set(&ro, 50, 0x6f);
		say("gntdev.mmap.readonly_grant_sees_granter", "%s",
		    yes_no(bad.addr[50] == 0x6f));
		gmap_munmap(&bad);
	}
	gmap_remove(&bad);

	/* A grant to some other domain cannot be mapped here. */
	{
		struct xshare other;

		if (xs_alloc(&other, &granter, ABSENT_DOMID, 1, true) < 0)
			fatal("IOCTL_GNTALLOC_ALLOC_GREF");
		gmap_add(&bad, fd, peer, other.s.refs, 1);
		say_rc("gntdev.mmap.grant_to_other_domain",
		       gmap_mmap(&bad, PROT_READ | PROT_WRITE, MAP_SHARED));
		gmap_remove(&bad);
		xs_dealloc(&other);
	}

	/* A grant whose gntalloc side was released is gone. */
	{
		struct xshare gone;

		if (xs_alloc(&gone, &granter, side_peer(THERE), 1, true) < 0)
			fatal("IOCTL_GNTALLOC_ALLOC_GREF");
		xs_dealloc(&gone);
		gmap_add(&bad, fd, peer, gone.s.refs, 1);
		say_rc("gntdev.mmap.released_grant",
		       gmap_mmap(&bad, PROT_READ | PROT_WRITE, MAP_SHARED));
		gmap_remove(&bad);
	}

	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	say_ptr("gntdev.mmap.empty_file", p);
	close(fd);
	xs_release(&s);
	xs_release(&ro);
}

/*
 * GET_OFFSET_FOR_VADDR of an address that gntalloc (not gntdev) maps in
 * this process: the granter's own mapping of S when it is this process,
 * else a page this process grants for the purpose.
 */
static long gntalloc_mapping_offset(int fd, struct xshare *s)
{
	struct ioctl_gntdev_get_offset_for_vaddr op;
	struct xshare own;
	struct xfile file;
	long rc;
	int err;

	memset(&op, 0, sizeof(op));
	if (s->file.local) {
		op.vaddr = (uintptr_t)s->s.addr;
		return ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &op);
	}
	xf_open(&file, HERE, "gntalloc");
	xs_new(&own, &file, 1, true);
	op.vaddr = (uintptr_t)own.s.addr;
	rc = ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &op);
	err = errno;
	xs_release(&own);
	xf_close(&file);
	errno = err;
	return rc;
}

static void get_offset_for_vaddr(void)
{
	int fd = dev_open("gntdev");
	struct xshare s = new_share(true);
	uint32_t refs[3] = { s.s.refs[0], s.s.refs[0], s.s.refs[0] };
	struct ioctl_gntdev_get_offset_for_vaddr op;
	struct gmap first, m;
	int local;
	long rc;

	/* A map before it, so that the offset is not 0. */
	gmap_add(&first, fd, peer, refs, 1);
	gmap_add(&m, fd, peer, refs, 3);
	gmap_mmap(&m, PROT_READ | PROT_WRITE, MAP_SHARED);
	if (!m.addr)
		fatal("mmap of three grants");

	memset(&op, 0, sizeof(op));
	op.vaddr = (uintptr_t)m.addr;
	rc = ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &op);
	say_rc("gntdev.get_offset_for_vaddr.start", rc);
	if (rc == 0)
		say("gntdev.get_offset_for_vaddr.start_result",
		    "offset_page=%llu count=%u",
		    (unsigned long long)op.offset / PAGE, op.count);
	memset(&op, 0, sizeof(op));
	op.vaddr = (uintptr_t)m.addr + 2 * PAGE + 123;
	rc = ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &op);
	say_rc("gntdev.get_offset_for_vaddr.inside", rc);
	if (rc == 0)
		say("gntdev.get_offset_for_vaddr.inside_result",
		    "offset_page=%llu count=%u",
		    (unsigned long long)op.offset / PAGE, op.count);
	op.vaddr = (uintptr_t)&local;
	say_rc("gntdev.get_offset_for_vaddr.stack",
	       ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &op));
	say_rc("gntdev.get_offset_for_vaddr.gntalloc_mapping",
	       gntalloc_mapping_offset(fd, &s));
	say_rc("gntdev.get_offset_for_vaddr.null_arg",
	       ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, NULL));

	/* Another gntdev file's mapping is still a gntdev mapping. */
	{
		int other = dev_open("gntdev");

		memset(&op, 0, sizeof(op));
		op.vaddr = (uintptr_t)m.addr;
		say_rc("gntdev.get_offset_for_vaddr.other_file",
		       ioctl(other, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &op));
		close(other);
	}

	gmap_remove(&m);
	memset(&op, 0, sizeof(op));
	op.vaddr = (uintptr_t)m.addr;
	rc = ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &op);
	say_rc("gntdev.get_offset_for_vaddr.after_unmap_grant_ref", rc);
	gmap_munmap(&m);
	memset(&op, 0, sizeof(op));
	op.vaddr = (uintptr_t)m.addr;
	say_rc("gntdev.get_offset_for_vaddr.after_munmap",
	       ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &op));
	gmap_remove(&first);
	close(fd);
	xs_release(&s);
}

static void notify_args(void)
{
	int fd = dev_open("gntdev");
	struct xshare s = new_share(true);
	struct xpair ev;
	struct gmap m, ro;

	/* The port of a notification is this domain's: the bound end. */
	pair_open(&ev, BOUND_END);
	gmap_add(&m, fd, peer, s.s.refs, 1);
	say_rc("gntdev.set_unmap_notify.before_mmap",
	       gntdev_notify(fd, m.index + 5, UNMAP_NOTIFY_CLEAR_BYTE, 0));
	say_rc("gntdev.set_unmap_notify.bad_action",
	       gntdev_notify(fd, m.index, 0x4, 0));
	say_rc("gntdev.set_unmap_notify.unknown_index",
	       gntdev_notify(fd, m.index + 100 * PAGE, UNMAP_NOTIFY_CLEAR_BYTE,
			     0));
	say_rc("gntdev.set_unmap_notify.bad_action_unknown_index",
	       gntdev_notify(fd, m.index + 100 * PAGE, 0x4, 0));
	say_rc("gntdev.set_unmap_notify.unbound_port",
	       gntdev_notify(fd, m.index, UNMAP_NOTIFY_SEND_EVENT, 4000));
	say_rc("gntdev.set_unmap_notify.unbound_port_unknown_index",
	       gntdev_notify(fd, m.index + 100 * PAGE, UNMAP_NOTIFY_SEND_EVENT,
			     4000));
	say_rc("gntdev.set_unmap_notify.port_of_this_domain",
	       gntdev_notify(fd, m.index, UNMAP_NOTIFY_SEND_EVENT,
			     ev.port[BOUND_END]));
	say_rc("gntdev.set_unmap_notify.action_none",
	       gntdev_notify(fd, m.index, 0, 0));
	say_rc("gntdev.set_unmap_notify.last_byte",
	       gntdev_notify(fd, m.index + PAGE - 1, UNMAP_NOTIFY_CLEAR_BYTE,
			     0));
	say_rc("gntdev.set_unmap_notify.null_arg",
	       ioctl(fd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, NULL));
	gmap_remove(&m);
	/* Unmapping sent nothing: the last notify set was a clear-byte. */
	say_event("gntdev.set_unmap_notify.replaced_event_not_sent", &ev);

	/* Clearing a byte needs a writable mapping. */
	gmap_add(&ro, fd, peer, s.s.refs, 1);
	gmap_mmap(&ro, PROT_READ, MAP_SHARED);
	say_rc("gntdev.set_unmap_notify.clear_byte_readonly_map",
	       gntdev_notify(fd, ro.index, UNMAP_NOTIFY_CLEAR_BYTE, 0));
	say_rc("gntdev.set_unmap_notify.send_event_readonly_map",
	       gntdev_notify(fd, ro.index, UNMAP_NOTIFY_SEND_EVENT,
			     ev.port[BOUND_END]));
	if (ro.addr)
		gmap_munmap(&ro);
	gmap_remove(&ro);
	say_event("gntdev.set_unmap_notify.readonly_map_event", &ev);
	pair_close(&ev);
	close(fd);
	xs_release(&s);
}

/* What a child and a closed file see of a mapping. */
static void lifetime(void)
{
	int fd = dev_open("gntdev");
	struct xshare s = new_share(true);
	struct gmap m;

	gmap_one(&m, fd, peer, s.s.refs[0]);
	xs_set(&s, 60, 0x7a);
	say_child_read("gntdev.fork.child_reads_mapping", &m.addr[60]);
	say("gntdev.fork.parent_still_reads", "%s", yes_no(m.addr[60] == 0x7a));
	gmap_remove(&m);
	close(fd);
	xs_set(&s, 61, 0x7b);
	say("gntdev.close.mapping_survives_close", "%s",
	    yes_no(m.addr[61] == 0x7b));
	m.addr[62] = 0x7c;
	say("gntdev.close.mapping_writable_after_close", "%s",
	    yes_no(xs_get(&s, 62) == 0x7c));
	say_rc("gntdev.close.munmap_after_close", gmap_munmap(&m));
	xs_release(&s);
}

int main(int argc, char **argv)
{
	int fd;

	conf_init(argc, argv);
	peer = conf_peer();
	xf_open(&granter, THERE, "gntalloc");
	fd = dev_open("gntdev");
	say("gntdev.open", "ok");
	unknown_ioctls(fd);
	map_grant_ref_args(fd);
	close(fd);
	map_indexes();
	unmap_grant_ref_args();
	mmap_rules();
	failed_mmap();
	get_offset_for_vaddr();
	notify_args();
	lifetime();
	mprotect_rules();
	xf_close(&granter);
	return 0;
}
