// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hvsim/xen.h"
#include <xen/gntdev.h>
#include <xen/evtchn.h>

#include "devclient.h"
#include "peer.h"

static const char *peer_sock;

void peer_init(const char *sock)
{
	peer_sock = sock;
}

static struct hvsim_dev *peer_open(const char *path)
{
	struct hvsim_dev *d = NULL;
	int rc = hvsim_dev_open(peer_sock, path, O_RDWR | O_CLOEXEC, &d);

	ck_assert_msg(rc == 0, "peer: open %s: %s", path, strerror(-rc));
	return d;
}

int peer_map(struct peer_map *m, uint16_t from, uint32_t ref)
{
	struct ioctl_gntdev_map_grant_ref op = {
		.count = 1, .refs = { { .domid = from, .ref = ref } },
	};
	void *p;
	int rc;

	m->gntdev = peer_open("/dev/xen/gntdev");
	m->addr = NULL;
	ck_assert_int_eq(hvsim_dev_ioctl(m->gntdev, IOCTL_GNTDEV_MAP_GRANT_REF, &op), 0);
	m->index = op.index;
	rc = hvsim_dev_mmap(m->gntdev, NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			    (off_t)m->index, &p);
	if (rc) {
		peer_unmap(m);
		return rc;
	}
	m->addr = p;
	return 0;
}

void peer_unmap(struct peer_map *m)
{
	struct ioctl_gntdev_unmap_grant_ref op = { .index = m->index, .count = 1 };

	if (m->addr)
		ck_assert_int_eq(hvsim_dev_munmap((void *)m->addr, 4096), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(m->gntdev, IOCTL_GNTDEV_UNMAP_GRANT_REF, &op), 0);
	hvsim_dev_close(m->gntdev);
	m->gntdev = NULL;
	m->addr = NULL;
}

void peer_expect_page(uint16_t from, uint32_t ref, const char *text)
{
	struct peer_map m;
	int rc = peer_map(&m, from, ref);

	ck_assert_msg(rc == 0, "peer: mapping ref %u of d%u failed: %s (the grant is gone)",
		      ref, from, strerror(-rc));
	ck_assert_msg(!strcmp((const char *)m.addr, text),
		      "peer: ref %u says '%.40s', not '%s'", ref, (const char *)m.addr, text);
	peer_unmap(&m);
}

int peer_copy_status(uint16_t from, uint32_t ref)
{
	struct hvsim_dev *d = peer_open("/dev/xen/gntdev");
	char byte;
	struct gntdev_grant_copy_segment seg = {
		.source.foreign = { .ref = ref, .offset = 0, .domid = from },
		.dest.virt = &byte, .len = 1, .flags = GNTCOPY_source_gref,
	};
	struct ioctl_gntdev_grant_copy copy = { .count = 1, .segments = &seg };

	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTDEV_GRANT_COPY, &copy), 0);
	hvsim_dev_close(d);
	return seg.status;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

bool peer_grant_released(uint16_t from, uint32_t ref, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	struct peer_map m;
	int rc;

	for (;;) {
		rc = peer_map(&m, from, ref);
		if (rc == 0)
			peer_unmap(&m);
		else
			break;
		if (now_ms() >= deadline)
			return false;
		usleep(5000);
	}
	ck_assert_msg(rc == -EINVAL, "peer: mapping a released grant: %s, Linux: EINVAL",
		      strerror(-rc));
	ck_assert_int_eq(peer_copy_status(from, ref), GNTST_general_error);
	return true;
}

struct hvsim_dev *peer_evtchn(void)
{
	return peer_open("/dev/xen/evtchn");
}

uint32_t peer_bind(struct hvsim_dev *e, uint16_t remote, uint32_t remote_port)
{
	struct ioctl_evtchn_bind_interdomain b = {
		.remote_domain = remote, .remote_port = remote_port,
	};
	long port = hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);

	ck_assert_msg(port > 0, "peer: bind to d%u port %u: %s", remote, remote_port,
		      strerror((int)-port));
	/* Xen sets the new port pending: its event is not the program's */
	ck_assert_int_eq(peer_next_event(e, 3000), port);
	return (uint32_t)port;
}

void peer_notify(struct hvsim_dev *e, uint32_t port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	ck_assert_int_eq(hvsim_dev_ioctl(e, IOCTL_EVTCHN_NOTIFY, &n), 0);
}

long peer_next_event(struct hvsim_dev *e, int timeout_ms)
{
	uint32_t port;
	int ready = hvsim_dev_poll(e, POLLIN, timeout_ms);
	ssize_t n;

	if (ready <= 0)
		return ready ? ready : -ETIMEDOUT;
	n = hvsim_dev_read(e, &port, sizeof(port));
	if (n != sizeof(port))
		return n < 0 ? n : -EIO;
	ck_assert_int_eq(hvsim_dev_write(e, &port, sizeof(port)), sizeof(port));
	return (long)port;
}
