/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Thin helpers over the raw /dev/xen/{gntalloc,gntdev,evtchn} interfaces,
 * for the setup steps the programs share.  The steps being observed call
 * ioctl() themselves, so what they print is what the driver returned.
 */
#ifndef CONFORMANCE_DEVICES_H
#define CONFORMANCE_DEVICES_H

#include "conformance.h"

/* Linux's uapi headers use grant_ref_t and domid_t without including them. */
#include <xen/gntdev.h>
#include <xen/gntalloc.h>
#include <xen/evtchn.h>

#define SHARE_MAX 16

/* Opens /dev/xen/NAME read-write, as Xen's libraries do; exits if absent. */
int dev_open(const char *name);

/* Pages this domain shares through gntalloc. */
struct share {
	int fd;
	uint32_t count;
	uint64_t index;
	uint32_t refs[SHARE_MAX];
	uint8_t *addr;
};

/* IOCTL_GNTALLOC_ALLOC_GREF of COUNT pages granted to TO; -1 and errno. */
int share_alloc(struct share *s, int fd, domid_t to, uint32_t count,
		bool writable);
/* Shared read-write mapping of all its pages; -1 and errno. */
int share_mmap(struct share *s);
int share_munmap(struct share *s);
/* IOCTL_GNTALLOC_DEALLOC_GREF of all its pages. */
int share_dealloc(struct share *s);

/* Grants this domain maps through gntdev. */
struct gmap {
	int fd;
	uint32_t count;
	uint64_t index;
	uint8_t *addr;
};

/* IOCTL_GNTDEV_MAP_GRANT_REF of COUNT refs of domain FROM. */
int gmap_add(struct gmap *m, int fd, domid_t from, const uint32_t *refs,
	     uint32_t count);
/* mmap of the whole map at its index; -1 and errno (addr stays NULL). */
int gmap_mmap(struct gmap *m, int prot, int flags);
int gmap_munmap(struct gmap *m);
/* IOCTL_GNTDEV_UNMAP_GRANT_REF of the whole map. */
int gmap_remove(struct gmap *m);
/* Adds and maps one grant read-write; exits if that fails. */
void gmap_one(struct gmap *m, int fd, domid_t from, uint32_t ref);

/* IOCTL_GNTDEV_SET_UNMAP_NOTIFY / IOCTL_GNTALLOC_SET_UNMAP_NOTIFY. */
int gntdev_notify(int fd, uint64_t index, uint32_t action, evtchn_port_t port);
int gntalloc_notify(int fd, uint64_t index, uint32_t action,
		    evtchn_port_t port);

int ev_bind_unbound(int fd, domid_t remote);
int ev_bind_interdomain(int fd, domid_t remote, evtchn_port_t remote_port);
int ev_notify(int fd, evtchn_port_t port);
int ev_unbind(int fd, evtchn_port_t port);
/* Re-enables a port that fired (a write of it to the device). */
int ev_unmask(int fd, evtchn_port_t port);

/*
 * How long to wait for an event that may or may not come.  Real Xen
 * delivers within microseconds; this bounds how late a simulated
 * delivery may be and still count.
 */
#define EVENT_WAIT_MS 300

/* Waits up to TIMEOUT_MS for one port from FD: the port, or -1 (none). */
long ev_wait(int fd, int timeout_ms);

#endif
