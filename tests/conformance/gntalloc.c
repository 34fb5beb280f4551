// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf-gntalloc: every ioctl of /dev/xen/gntalloc and its mmap, through raw
 * system calls: argument checks, how file offsets are handed out, when the
 * pages go away, the device-wide limit (the module's "limit", 1024 grants
 * by default) and what fork and close do to a mapping.
 *
 * Everything observed is this side's; the other side only holds the far
 * end of the channel that unmap notifications are sent on.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "side.h"

#define LIMIT 1024

static domid_t peer;

static void alloc_args(int fd)
{
	struct ioctl_gntalloc_alloc_gref op;
	struct share s;
	long rc;

	memset(&op, 0, sizeof(op));
	op.domid = peer;
	op.count = 0;
	op.flags = GNTALLOC_FLAG_WRITABLE;
	rc = ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &op);
	say_rc("gntalloc.alloc_gref.count_zero", rc);
	op.count = LIMIT + 1;
	say_rc("gntalloc.alloc_gref.count_over_limit",
	       ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &op));
	op.count = 0xffffffffu;
	say_rc("gntalloc.alloc_gref.count_max",
	       ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &op));
	say_rc("gntalloc.alloc_gref.null_arg",
	       ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, NULL));
	op.flags = 0xfffe;
	op.count = 1;
	rc = ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &op);
	say_rc("gntalloc.alloc_gref.unknown_flags", rc);
	if (rc == 0) {
		struct ioctl_gntalloc_dealloc_gref d = { op.index, 1 };

		ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d);
	}

	/* The grantee is not checked: any domain id can be offered a page. */
	say_rc("gntalloc.alloc_gref.absent_domain",
	       share_alloc(&s, fd, ABSENT_DOMID, 1, true));
	share_dealloc(&s);
	say_rc("gntalloc.alloc_gref.domid_self",
	       share_alloc(&s, fd, DOMID_SELF, 1, true));
	share_dealloc(&s);

	rc = share_alloc(&s, fd, peer, 3, true);
	say_rc("gntalloc.alloc_gref.three", rc);
	if (rc == 0) {
		say("gntalloc.alloc_gref.refs_distinct", "%s",
		    yes_no(s.refs[0] != s.refs[1] && s.refs[1] != s.refs[2] &&
			   s.refs[0] != s.refs[2]));
		say("gntalloc.alloc_gref.refs_outside_reserved", "%s",
		    yes_no(s.refs[0] >= 8 && s.refs[1] >= 8 && s.refs[2] >= 8));
	}
	share_dealloc(&s);
}

/* File offsets only grow: they are not reused after a dealloc. */
static void indexes(void)
{
	int fd = dev_open("gntalloc");
	struct share a, b, c;

	share_alloc(&a, fd, peer, 2, true);
	share_alloc(&b, fd, peer, 1, true);
	say("gntalloc.index.first_two", "pages=%llu,%llu",
	    (unsigned long long)a.index / PAGE,
	    (unsigned long long)b.index / PAGE);
	share_dealloc(&a);
	share_dealloc(&b);
	share_alloc(&c, fd, peer, 1, true);
	say("gntalloc.index.after_dealloc", "page=%llu",
	    (unsigned long long)c.index / PAGE);
	share_dealloc(&c);
	close(fd);
}

static void mmap_rules(int fd)
{
	struct share s;
	void *p, *q;

	share_alloc(&s, fd, peer, 2, true);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
		 (off_t)s.index);
	say_ptr("gntalloc.mmap.private", p);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)(s.index + 100 * PAGE));
	say_ptr("gntalloc.mmap.unknown_index", p);
	p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)s.index);
	say_ptr("gntalloc.mmap.more_pages_than_allocated", p);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)(s.index + PAGE));
	say_ptr("gntalloc.mmap.second_page_alone", p);
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)s.index);
	say_ptr("gntalloc.mmap.whole", p);
	if (p == MAP_FAILED)
		fatal("mmap of gntalloc pages");
	say("gntalloc.mmap.zeroed", "%s",
	    yes_no(((uint8_t *)p)[0] == 0 &&
		   ((uint8_t *)p)[2 * PAGE - 1] == 0));
	q = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)s.index);
	say_ptr("gntalloc.mmap.twice", q);
	if (q != MAP_FAILED) {
		((uint8_t *)p)[PAGE + 7] = 0x99;
		say("gntalloc.mmap.twice_same_pages", "%s",
		    yes_no(((uint8_t *)q)[PAGE + 7] == 0x99));
		munmap(q, 2 * PAGE);
	}
	munmap(p, 2 * PAGE);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, (off_t)s.index);
	say_ptr("gntalloc.mmap.readonly", p);
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	share_dealloc(&s);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)s.index);
	say_ptr("gntalloc.mmap.after_dealloc", p);
}

static void dealloc_args(int fd)
{
	struct ioctl_gntalloc_dealloc_gref op;
	struct share s;

	share_alloc(&s, fd, peer, 2, true);
	op = (struct ioctl_gntalloc_dealloc_gref){ s.index + 100 * PAGE, 1 };
	say_rc("gntalloc.dealloc_gref.unknown_index",
	       ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &op));
	op = (struct ioctl_gntalloc_dealloc_gref){ s.index, 3 };
	say_rc("gntalloc.dealloc_gref.too_many",
	       ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &op));
	op = (struct ioctl_gntalloc_dealloc_gref){ s.index, 0 };
	say_rc("gntalloc.dealloc_gref.count_zero",
	       ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &op));
	say_rc("gntalloc.dealloc_gref.null_arg",
	       ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, NULL));
	op = (struct ioctl_gntalloc_dealloc_gref){ s.index + PAGE, 1 };
	say_rc("gntalloc.dealloc_gref.second_page_alone",
	       ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &op));
	op = (struct ioctl_gntalloc_dealloc_gref){ s.index, 2 };
	say_rc("gntalloc.dealloc_gref.both_after_second_gone",
	       ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &op));
	op = (struct ioctl_gntalloc_dealloc_gref){ s.index, 1 };
	say_rc("gntalloc.dealloc_gref.first", ioctl(fd,
	       IOCTL_GNTALLOC_DEALLOC_GREF, &op));
	say_rc("gntalloc.dealloc_gref.first_again",
	       ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &op));

	/* Deallocating a mapped page leaves the mapping working. */
	share_alloc(&s, fd, peer, 1, true);
	share_mmap(&s);
	say_rc("gntalloc.dealloc_gref.while_mapped", share_dealloc(&s));
	if (s.addr) {
		s.addr[1] = 0x11;
		say("gntalloc.dealloc_gref.mapping_still_usable", "%s",
		    yes_no(s.addr[1] == 0x11));
		share_munmap(&s);
	}
}

static void notify_args(int fd)
{
	struct share s;
	struct xpair ev;

	/* The port of a notification is this domain's: the bound end. */
	pair_open(&ev, BOUND_END);
	share_alloc(&s, fd, peer, 2, true);
	say_rc("gntalloc.set_unmap_notify.clear_byte",
	       gntalloc_notify(fd, s.index + 9, UNMAP_NOTIFY_CLEAR_BYTE, 0));
	say_rc("gntalloc.set_unmap_notify.second_page",
	       gntalloc_notify(fd, s.index + PAGE + 9, UNMAP_NOTIFY_CLEAR_BYTE,
			       0));
	say_rc("gntalloc.set_unmap_notify.bad_action",
	       gntalloc_notify(fd, s.index, 0x4, 0));
	say_rc("gntalloc.set_unmap_notify.unknown_index",
	       gntalloc_notify(fd, s.index + 100 * PAGE,
			       UNMAP_NOTIFY_CLEAR_BYTE, 0));
	say_rc("gntalloc.set_unmap_notify.bad_action_unknown_index",
	       gntalloc_notify(fd, s.index + 100 * PAGE, 0x4, 0));
	say_rc("gntalloc.set_unmap_notify.unbound_port",
	       gntalloc_notify(fd, s.index, UNMAP_NOTIFY_SEND_EVENT, 4000));
	say_rc("gntalloc.set_unmap_notify.unbound_port_unknown_index",
	       gntalloc_notify(fd, s.index + 100 * PAGE,
			       UNMAP_NOTIFY_SEND_EVENT, 4000));
	say_rc("gntalloc.set_unmap_notify.send_event",
	       gntalloc_notify(fd, s.index, UNMAP_NOTIFY_SEND_EVENT,
			       ev.port[BOUND_END]));
	say_rc("gntalloc.set_unmap_notify.replace_with_none",
	       gntalloc_notify(fd, s.index, 0, 0));
	say_rc("gntalloc.set_unmap_notify.null_arg",
	       ioctl(fd, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, NULL));
	share_dealloc(&s);
	say_event("gntalloc.set_unmap_notify.replaced_event_not_sent", &ev);
	say_rc("gntalloc.set_unmap_notify.after_dealloc",
	       gntalloc_notify(fd, s.index, UNMAP_NOTIFY_CLEAR_BYTE, 0));
	pair_close(&ev);
}

/* The limit counts every file's grants that are still alive. */
static void limit(void)
{
	int fd = dev_open("gntalloc");
	int other = dev_open("gntalloc");
	struct ioctl_gntalloc_alloc_gref *op;
	struct ioctl_gntalloc_dealloc_gref d;
	struct share s, mapped;
	size_t size = sizeof(*op) + LIMIT * sizeof(uint32_t);
	uint64_t big_index;

	op = mmap(NULL, size, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (op == MAP_FAILED)
		fatal("mmap anonymous");

	share_alloc(&mapped, fd, peer, 1, true);
	share_mmap(&mapped);
	share_dealloc(&mapped);
	op->domid = peer;
	op->flags = GNTALLOC_FLAG_WRITABLE;
	op->count = LIMIT - 1;
	say_rc("gntalloc.limit.all_but_one_more", ioctl(fd,
	       IOCTL_GNTALLOC_ALLOC_GREF, op));
	big_index = op->index;
	say_rc("gntalloc.limit.one_past_other_file",
	       share_alloc(&s, other, peer, 1, true));
	share_munmap(&mapped);
	say_rc("gntalloc.limit.room_after_munmap",
	       share_alloc(&s, other, peer, 1, true));
	say_rc("gntalloc.limit.full_again", share_alloc(&s, fd, peer, 1, true));
	d = (struct ioctl_gntalloc_dealloc_gref){ big_index, LIMIT - 1 };
	say_rc("gntalloc.limit.dealloc_big", ioctl(fd,
	       IOCTL_GNTALLOC_DEALLOC_GREF, &d));
	op->count = LIMIT;
	say_rc("gntalloc.limit.whole_limit_minus_one_held", ioctl(fd,
	       IOCTL_GNTALLOC_ALLOC_GREF, op));
	close(other);
	op->count = LIMIT;
	say_rc("gntalloc.limit.whole_limit_after_close", ioctl(fd,
	       IOCTL_GNTALLOC_ALLOC_GREF, op));
	close(fd);
	munmap(op, size);
}

static void lifetime(void)
{
	int fd = dev_open("gntalloc");
	struct share s;

	share_alloc(&s, fd, peer, 1, true);
	share_mmap(&s);
	s.addr[3] = 0x33;
	say_child_read("gntalloc.fork.child_reads_mapping", &s.addr[3]);
	close(fd);
	say("gntalloc.close.mapping_survives_close", "%s",
	    yes_no(s.addr[3] == 0x33));
	say_rc("gntalloc.close.munmap_after_close", share_munmap(&s));

	/* A read-only grant is read-only for the grantee only. */
	fd = dev_open("gntalloc");
	share_alloc(&s, fd, peer, 1, false);
	say_rc("gntalloc.readonly_grant.local_mmap_rw", share_mmap(&s));
	if (s.addr) {
		s.addr[4] = 0x44;
		say("gntalloc.readonly_grant.local_write", "%s",
		    yes_no(s.addr[4] == 0x44));
		share_munmap(&s);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	struct ioctl_gntalloc_alloc_gref junk = { 0 };
	int fd;

	conf_init(argc, argv);
	peer = conf_peer();
	fd = dev_open("gntalloc");
	say("gntalloc.open", "ok");
	say_rc("gntalloc.ioctl.unknown_nr",
	       ioctl(fd, _IOC(_IOC_NONE, 'G', 99, 8), &junk));
	say_rc("gntalloc.ioctl.gntdev_map_grant_ref",
	       ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &junk));
	alloc_args(fd);
	indexes();
	mmap_rules(fd);
	dealloc_args(fd);
	notify_args(fd);
	close(fd);
	limit();
	lifetime();
	return 0;
}
