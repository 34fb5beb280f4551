// SPDX-License-Identifier: GPL-2.0-only
/*
 * Setup helpers over the raw Xen devices.  They report failure the way the
 * call did (-1 and errno) and leave judging it to the caller, except where
 * a test cannot go on without them (dev_open, gmap_one).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices.h"

int dev_open(const char *name)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/xen/%s", name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fatal(path);
	return fd;
}

int share_alloc(struct share *s, int fd, domid_t to, uint32_t count,
		bool writable)
{
	struct ioctl_gntalloc_alloc_gref *op;
	int rc;

	if (count > SHARE_MAX) {
		errno = E2BIG;
		return -1;
	}
	/*
	 * gref_ids[] runs past the struct: it must be the allocation's own
	 * trailing array for the compiler to let it grow.
	 */
	op = calloc(1, sizeof(*op) + count * sizeof(op->gref_ids[0]));
	if (!op)
		fatal("calloc");
	op->domid = to;
	op->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
	op->count = count;
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	rc = ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, op);
	if (rc == 0) {
		s->count = count;
		s->index = op->index;
		for (uint32_t i = 0; i < count; i++)
			s->refs[i] = op->gref_ids[i];
	}
	free(op);
	return rc;
}

int share_mmap(struct share *s)
{
	void *p = mmap(NULL, s->count * PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, s->fd, (off_t)s->index);

	if (p == MAP_FAILED)
		return -1;
	s->addr = p;
	return 0;
}

int share_munmap(struct share *s)
{
	int rc = munmap(s->addr, s->count * PAGE);

	s->addr = NULL;
	return rc;
}

int share_dealloc(struct share *s)
{
	struct ioctl_gntalloc_dealloc_gref op = {
		.index = s->index,
		.count = s->count,
	};

	return ioctl(s->fd, IOCTL_GNTALLOC_DEALLOC_GREF, &op);
}

int gmap_add(struct gmap *m, int fd, domid_t from, const uint32_t *refs,
	     uint32_t count)
{
	struct ioctl_gntdev_map_grant_ref *op;
	int rc;

	if (count > SHARE_MAX) {
		errno = E2BIG;
		return -1;
	}
	op = calloc(1, sizeof(*op) + count * sizeof(op->refs[0]));
	if (!op)
		fatal("calloc");
	op->count = count;
	for (uint32_t i = 0; i < count; i++) {
		op->refs[i].domid = from;
		op->refs[i].ref = refs[i];
	}
	memset(m, 0, sizeof(*m));
	m->fd = fd;
	rc = ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, op);
	if (rc == 0) {
		m->count = count;
		m->index = op->index;
	}
	free(op);
	return rc;
}

int gmap_mmap(struct gmap *m, int prot, int flags)
{
	void *p = mmap(NULL, m->count * PAGE, prot, flags, m->fd,
		       (off_t)m->index);

	if (p == MAP_FAILED)
		return -1;
	m->addr = p;
	return 0;
}

int gmap_munmap(struct gmap *m)
{
	int rc = munmap(m->addr, m->count * PAGE);

	m->addr = NULL;
	return rc;
}

int gmap_remove(struct gmap *m)
{
	struct ioctl_gntdev_unmap_grant_ref op = {
		.index = m->index,
		.count = m->count,
	};

	return ioctl(m->fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &op);
}

void gmap_one(struct gmap *m, int fd, domid_t from, uint32_t ref)
{
	if (gmap_add(m, fd, from, &ref, 1) < 0)
		fatal("IOCTL_GNTDEV_MAP_GRANT_REF");
	if (gmap_mmap(m, PROT_READ | PROT_WRITE, MAP_SHARED) < 0)
		fatal("mmap of a grant");
}

int gntdev_notify(int fd, uint64_t index, uint32_t action, evtchn_port_t port)
{
	struct ioctl_gntdev_unmap_notify op = {
		.index = index,
		.action = action,
		.event_channel_port = port,
	};

	return ioctl(fd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &op);
}

int gntalloc_notify(int fd, uint64_t index, uint32_t action,
		    evtchn_port_t port)
{
	struct ioctl_gntalloc_unmap_notify op = {
		.index = index,
		.action = action,
		.event_channel_port = port,
	};

	return ioctl(fd, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &op);
}

int ev_bind_unbound(int fd, domid_t remote)
{
	struct ioctl_evtchn_bind_unbound_port op = { .remote_domain = remote };

	return ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &op);
}

int ev_bind_interdomain(int fd, domid_t remote, evtchn_port_t remote_port)
{
	struct ioctl_evtchn_bind_interdomain op = {
		.remote_domain = remote,
		.remote_port = remote_port,
	};

	return ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &op);
}

int ev_notify(int fd, evtchn_port_t port)
{
	struct ioctl_evtchn_notify op = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &op);
}

int ev_unbind(int fd, evtchn_port_t port)
{
	struct ioctl_evtchn_unbind op = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_UNBIND, &op);
}

int ev_unmask(int fd, evtchn_port_t port)
{
	return write(fd, &port, sizeof(port)) == sizeof(port) ? 0 : -1;
}

long ev_wait(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	evtchn_port_t port;
	int n;

	do
		n = poll(&pfd, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n <= 0 || !(pfd.revents & POLLIN))
		return -1;
	if (read(fd, &port, sizeof(port)) != sizeof(port))
		return -1;
	return port;
}
