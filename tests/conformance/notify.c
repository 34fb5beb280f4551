// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf-notify: the timing rules of unmap notifications, step by step.
 *
 * A notification is a byte to clear and/or an event to send when a shared
 * page is let go.  Which step lets it go is what these lines record: for
 * gntdev, munmap of the mapping, UNMAP_GRANT_REF of the map, or close of
 * the file; for gntalloc, DEALLOC_GREF, munmap, or close.  After each step
 * the line says whether the byte is still set and which event arrived.
 *
 * The byte is watched from the other side of the grant (side.h): gntdev's
 * byte through the granter's gntalloc mapping of the same page, gntalloc's
 * byte through the grantee's gntdev mapping of it.  The event is sent on
 * the bound end of a channel, this side's, and arrives on its unbound end,
 * the other side's.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "side.h"

#define MARK 0x5a
#define OFFSET 100

static domid_t peer;
/* The other side's gntalloc file: the granter of the pages gntdev maps. */
static struct xfile granter;
static struct xpair ev;

/*
 * What KEY's step left: the byte, seen through the other side's share
 * or map of the page, and the event.
 */
static void say_step(const char *key, struct xshare *vs, struct xmap *vm)
{
	struct xevent got = pair_wait(&ev, EVENT_WAIT_MS);

	say(key, "byte=0x%02x event=%s", x_get(vs, vm, OFFSET),
	    pair_name(&ev, got));
	pair_unmask_event(&ev, got);
}

/* say_step for "notify.DEVICE.NAME.STEP". */
static void say_after(const char *device, const char *name, const char *step,
		      struct xshare *vs, struct xmap *vm)
{
	char key[128];

	snprintf(key, sizeof(key), "notify.%s.%s.%s", device, name, step);
	say_step(key, vs, vm);
}

static struct xshare granted_page(void)
{
	struct xshare s;

	xs_new(&s, &granter, 1, true);
	xs_set(&s, OFFSET, MARK);
	return s;
}

enum gntdev_order { MUNMAP_FIRST, UNMAP_IOCTL_FIRST, CLOSE_MAPPED,
		    CLOSE_UNMAPPED, NEVER_MMAPPED };

/*
 * gntdev notification ACTION on a mapping of a fresh page, let go in
 * ORDER; NAME is the key's middle part.
 */
static void gntdev_case(const char *name, uint32_t action,
			enum gntdev_order order)
{
	char key[128];
	struct xshare s = granted_page();
	int fd = dev_open("gntdev");
	struct gmap m;

	if (gmap_add(&m, fd, peer, s.s.refs, 1) < 0)
		fatal("IOCTL_GNTDEV_MAP_GRANT_REF");
	if (order != NEVER_MMAPPED &&
	    gmap_mmap(&m, PROT_READ | PROT_WRITE, MAP_SHARED) < 0)
		fatal("mmap of a grant");
	snprintf(key, sizeof(key), "notify.gntdev.%s.set", name);
	say_rc(key, gntdev_notify(fd, m.index + OFFSET, action,
				  ev.port[BOUND_END]));
	switch (order) {
	case MUNMAP_FIRST:
		gmap_munmap(&m);
		say_after("gntdev", name, "after_munmap", &s, NULL);
		gmap_remove(&m);
		say_after("gntdev", name, "after_unmap_ioctl", &s, NULL);
		break;
	case UNMAP_IOCTL_FIRST:
		gmap_remove(&m);
		say_after("gntdev", name, "after_unmap_ioctl", &s, NULL);
		gmap_munmap(&m);
		say_after("gntdev", name, "after_munmap", &s, NULL);
		break;
	case CLOSE_MAPPED:
		close(fd);
		fd = -1;
		say_after("gntdev", name, "after_close", &s, NULL);
		gmap_munmap(&m);
		say_after("gntdev", name, "after_munmap", &s, NULL);
		break;
	case CLOSE_UNMAPPED:
		gmap_munmap(&m);
		say_after("gntdev", name, "after_munmap", &s, NULL);
		close(fd);
		fd = -1;
		say_after("gntdev", name, "after_close", &s, NULL);
		break;
	case NEVER_MMAPPED:
		gmap_remove(&m);
		say_after("gntdev", name, "after_unmap_ioctl", &s, NULL);
		break;
	}
	if (fd >= 0)
		close(fd);
	xs_release(&s);
}

/*
 * The event port is taken with a reference: unbinding it from the evtchn
 * file before the unmap does not stop the event.
 */
static void gntdev_port_unbound_first(void)
{
	struct xshare s = granted_page();
	int fd = dev_open("gntdev");
	struct xpair own;
	struct gmap m;
	struct xevent got;

	pair_open(&own, BOUND_END);
	gmap_one(&m, fd, peer, s.s.refs[0]);
	say_rc("notify.gntdev.port_unbound_first.set",
	       gntdev_notify(fd, m.index, UNMAP_NOTIFY_SEND_EVENT,
			     own.port[BOUND_END]));
	say_rc("notify.gntdev.port_unbound_first.unbind",
	       pair_unbind(&own, BOUND_END));
	gmap_munmap(&m);
	gmap_remove(&m);
	got = pair_wait(&own, EVENT_WAIT_MS);
	say("notify.gntdev.port_unbound_first.after_unmap", "event=%s",
	    pair_name(&own, got));
	pair_close(&own);
	close(fd);
	xs_release(&s);
}

enum gntalloc_order { DEALLOC_FIRST, MUNMAP_FIRST_A, CLOSE_FIRST,
		      NOT_MMAPPED };

/*
 * gntalloc notification ACTION on a fresh page that the other side's
 * gntdev mapping watches, let go in ORDER.
 */
static void gntalloc_case(const char *name, uint32_t action,
			  enum gntalloc_order order)
{
	char key[128];
	int fd = dev_open("gntalloc");
	struct xfile grantee;
	struct share s;
	struct xmap watch;

	xf_open(&grantee, THERE, "gntdev");
	if (share_alloc(&s, fd, peer, 1, true) < 0)
		fatal("IOCTL_GNTALLOC_ALLOC_GREF");
	if (order != NOT_MMAPPED && share_mmap(&s) < 0)
		fatal("mmap of gntalloc");
	xm_one(&watch, &grantee, side_peer(THERE), s.refs[0]);
	xm_set(&watch, OFFSET, MARK);
	snprintf(key, sizeof(key), "notify.gntalloc.%s.set", name);
	say_rc(key, gntalloc_notify(fd, s.index + OFFSET, action,
				    ev.port[BOUND_END]));
	switch (order) {
	case DEALLOC_FIRST:
		share_dealloc(&s);
		say_after("gntalloc", name, "after_dealloc", NULL, &watch);
		share_munmap(&s);
		say_after("gntalloc", name, "after_munmap", NULL, &watch);
		close(fd);
		break;
	case MUNMAP_FIRST_A:
		share_munmap(&s);
		say_after("gntalloc", name, "after_munmap", NULL, &watch);
		share_dealloc(&s);
		say_after("gntalloc", name, "after_dealloc", NULL, &watch);
		close(fd);
		break;
	case CLOSE_FIRST:
		close(fd);
		say_after("gntalloc", name, "after_close", NULL, &watch);
		share_munmap(&s);
		say_after("gntalloc", name, "after_munmap", NULL, &watch);
		break;
	case NOT_MMAPPED:
		share_dealloc(&s);
		say_after("gntalloc", name, "after_dealloc", NULL, &watch);
		close(fd);
		break;
	}
	/* The grantee's mapping outlives the granter's release. */
	xm_set(&watch, OFFSET + 1, 0x77);
	snprintf(key, sizeof(key), "notify.gntalloc.%s.grantee_still_maps",
		 name);
	say(key, "%s", yes_no(xm_get(&watch, OFFSET + 1) == 0x77));
	xm_munmap(&watch);
	xm_remove(&watch);
	xf_close(&grantee);
}

int main(int argc, char **argv)
{
	const uint32_t clear = UNMAP_NOTIFY_CLEAR_BYTE;
	const uint32_t send = UNMAP_NOTIFY_SEND_EVENT;

	conf_init(argc, argv);
	peer = conf_peer();
	xf_open(&granter, THERE, "gntalloc");
	pair_open(&ev, BOUND_END);

	gntdev_case("clear.munmap_first", clear, MUNMAP_FIRST);
	gntdev_case("clear.unmap_ioctl_first", clear, UNMAP_IOCTL_FIRST);
	gntdev_case("send.munmap_first", send, MUNMAP_FIRST);
	gntdev_case("send.unmap_ioctl_first", send, UNMAP_IOCTL_FIRST);
	gntdev_case("both.munmap_first", clear | send, MUNMAP_FIRST);
	gntdev_case("both.unmap_ioctl_first", clear | send, UNMAP_IOCTL_FIRST);
	gntdev_case("both.close_while_mapped", clear | send, CLOSE_MAPPED);
	gntdev_case("both.close_after_munmap", clear | send, CLOSE_UNMAPPED);
	gntdev_case("both.never_mmapped", clear | send, NEVER_MMAPPED);
	gntdev_port_unbound_first();

	gntalloc_case("clear.dealloc_first", clear, DEALLOC_FIRST);
	gntalloc_case("send.dealloc_first", send, DEALLOC_FIRST);
	gntalloc_case("both.dealloc_first", clear | send, DEALLOC_FIRST);
	gntalloc_case("both.munmap_first", clear | send, MUNMAP_FIRST_A);
	gntalloc_case("both.close_first", clear | send, CLOSE_FIRST);
	gntalloc_case("both.never_mmapped", clear | send, NOT_MMAPPED);

	pair_close(&ev);
	xf_close(&granter);
	return 0;
}
