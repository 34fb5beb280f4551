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
 * The byte is watched from the other side of the grant: gntdev's byte
 * through the gntalloc mapping of the same page, gntalloc's byte through a
 * gntdev mapping of it.  The event is sent on the bound end of a channel
 * and arrives on its unbound end.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices.h"

#define MARK 0x5a
#define OFFSET 100

static domid_t peer;
static int gntalloc_fd;
static struct evpair ev;

/* What KEY's step left: the byte (seen through VIEW) and the event. */
static void say_step(const char *key, const volatile uint8_t *view)
{
	long port = ev_wait(ev.fd, EVENT_WAIT_MS);

	if (view)
		say(key, "byte=0x%02x event=%s", view[OFFSET],
		    ev_name(&ev, port));
	else
		say(key, "event=%s", ev_name(&ev, port));
	if (port >= 0)
		ev_unmask(ev.fd, (evtchn_port_t)port);
}

/* say_step for "notify.DEVICE.NAME.STEP". */
static void say_after(const char *device, const char *name, const char *step,
		      const volatile uint8_t *view)
{
	char key[128];

	snprintf(key, sizeof(key), "notify.%s.%s.%s", device, name, step);
	say_step(key, view);
}

static struct share granted_page(void)
{
	struct share s;

	if (share_alloc(&s, gntalloc_fd, peer, 1, true) < 0)
		fatal("IOCTL_GNTALLOC_ALLOC_GREF");
	if (share_mmap(&s) < 0)
		fatal("mmap of gntalloc");
	s.addr[OFFSET] = MARK;
	return s;
}

static void release_share(struct share *s)
{
	share_munmap(s);
	share_dealloc(s);
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
	struct share s = granted_page();
	int fd = dev_open("gntdev");
	struct gmap m;

	if (gmap_add(&m, fd, peer, s.refs, 1) < 0)
		fatal("IOCTL_GNTDEV_MAP_GRANT_REF");
	if (order != NEVER_MMAPPED &&
	    gmap_mmap(&m, PROT_READ | PROT_WRITE, MAP_SHARED) < 0)
		fatal("mmap of a grant");
	snprintf(key, sizeof(key), "notify.gntdev.%s.set", name);
	say_rc(key, gntdev_notify(fd, m.index + OFFSET, action,
				  ev.bound_end));
	switch (order) {
	case MUNMAP_FIRST:
		gmap_munmap(&m);
		say_after("gntdev", name, "after_munmap", s.addr);
		gmap_remove(&m);
		say_after("gntdev", name, "after_unmap_ioctl", s.addr);
		break;
	case UNMAP_IOCTL_FIRST:
		gmap_remove(&m);
		say_after("gntdev", name, "after_unmap_ioctl", s.addr);
		gmap_munmap(&m);
		say_after("gntdev", name, "after_munmap", s.addr);
		break;
	case CLOSE_MAPPED:
		close(fd);
		fd = -1;
		say_after("gntdev", name, "after_close", s.addr);
		gmap_munmap(&m);
		say_after("gntdev", name, "after_munmap", s.addr);
		break;
	case CLOSE_UNMAPPED:
		gmap_munmap(&m);
		say_after("gntdev", name, "after_munmap", s.addr);
		close(fd);
		fd = -1;
		say_after("gntdev", name, "after_close", s.addr);
		break;
	case NEVER_MMAPPED:
		gmap_remove(&m);
		say_after("gntdev", name, "after_unmap_ioctl", s.addr);
		break;
	}
	if (fd >= 0)
		close(fd);
	release_share(&s);
}

/*
 * The event port is taken with a reference: unbinding it from the evtchn
 * file before the unmap does not stop the event.
 */
static void gntdev_port_unbound_first(void)
{
	struct share s = granted_page();
	int fd = dev_open("gntdev");
	struct evpair own;
	struct gmap m;
	long port;

	evpair_open(&own, peer);
	gmap_one(&m, fd, peer, s.refs[0]);
	say_rc("notify.gntdev.port_unbound_first.set",
	       gntdev_notify(fd, m.index, UNMAP_NOTIFY_SEND_EVENT,
			     own.bound_end));
	say_rc("notify.gntdev.port_unbound_first.unbind",
	       ev_unbind(own.fd, own.bound_end));
	gmap_munmap(&m);
	gmap_remove(&m);
	port = ev_wait(own.fd, EVENT_WAIT_MS);
	say("notify.gntdev.port_unbound_first.after_unmap", "event=%s",
	    ev_name(&own, port));
	evpair_close(&own);
	close(fd);
	release_share(&s);
}

enum gntalloc_order { DEALLOC_FIRST, MUNMAP_FIRST_A, CLOSE_FIRST,
		      NOT_MMAPPED };

/*
 * gntalloc notification ACTION on a fresh page that a gntdev mapping
 * watches, let go in ORDER.
 */
static void gntalloc_case(const char *name, uint32_t action,
			  enum gntalloc_order order)
{
	char key[128];
	int fd = dev_open("gntalloc");
	int gfd = dev_open("gntdev");
	struct share s;
	struct gmap watch;

	if (share_alloc(&s, fd, peer, 1, true) < 0)
		fatal("IOCTL_GNTALLOC_ALLOC_GREF");
	if (order != NOT_MMAPPED && share_mmap(&s) < 0)
		fatal("mmap of gntalloc");
	gmap_one(&watch, gfd, peer, s.refs[0]);
	watch.addr[OFFSET] = MARK;
	snprintf(key, sizeof(key), "notify.gntalloc.%s.set", name);
	say_rc(key, gntalloc_notify(fd, s.index + OFFSET, action,
				    ev.bound_end));
	switch (order) {
	case DEALLOC_FIRST:
		share_dealloc(&s);
		say_after("gntalloc", name, "after_dealloc", watch.addr);
		share_munmap(&s);
		say_after("gntalloc", name, "after_munmap", watch.addr);
		close(fd);
		break;
	case MUNMAP_FIRST_A:
		share_munmap(&s);
		say_after("gntalloc", name, "after_munmap", watch.addr);
		share_dealloc(&s);
		say_after("gntalloc", name, "after_dealloc", watch.addr);
		close(fd);
		break;
	case CLOSE_FIRST:
		close(fd);
		say_after("gntalloc", name, "after_close", watch.addr);
		share_munmap(&s);
		say_after("gntalloc", name, "after_munmap", watch.addr);
		break;
	case NOT_MMAPPED:
		share_dealloc(&s);
		say_after("gntalloc", name, "after_dealloc", watch.addr);
		close(fd);
		break;
	}
	/* The grantee's mapping outlives the granter's release. */
	watch.addr[OFFSET + 1] = 0x77;
	snprintf(key, sizeof(key), "notify.gntalloc.%s.grantee_still_maps",
		 name);
	say(key, "%s", yes_no(watch.addr[OFFSET + 1] == 0x77));
	gmap_munmap(&watch);
	gmap_remove(&watch);
	close(gfd);
}

int main(int argc, char **argv)
{
	const uint32_t clear = UNMAP_NOTIFY_CLEAR_BYTE;
	const uint32_t send = UNMAP_NOTIFY_SEND_EVENT;

	conf_init(argc, argv);
	peer = conf_peer();
	gntalloc_fd = dev_open("gntalloc");
	evpair_open(&ev, peer);

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

	evpair_close(&ev);
	close(gntalloc_fd);
	return 0;
}
