// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest kernel's devices, end to end: a real hvsimd, a guest kernel
 * (hvsim-kernel, the real Linux drivers) per domain, and test programs in
 * two domains driving /dev/xen/{gntalloc,gntdev,evtchn} through the device
 * socket (devclient).  Every expected errno is the one the tree's Linux
 * gives (6.1 or 6.12; where they differ, TREE_AT_LEAST says which).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>

#include "hvsim/xen.h"
#include <xen/gntdev.h>
#include <xen/gntalloc.h>
#include <xen/evtchn.h>
#include <xen/sys/privcmd.h>
/* The Linux tree the kernel is built from (HVSIM_KSRC_VERSION_CODE). */
#include "ksrc_info.h"

#include "hvsim/device_wire.h"
#include "harness.h"
#include "devclient.h"
#include "hvsim/paths.h"
#include "procstat.h"

/* The tree is Linux a.b or newer (a LINUX_VERSION_CODE comparison). */
#define TREE_AT_LEAST(a, b) (HVSIM_KSRC_VERSION_CODE >= (((a) << 16) + ((b) << 8)))

/* Linux 6.5's uapi (the host's linux-libc-dev may predate it). */
#ifndef IOCTL_EVTCHN_BIND_STATIC
#define IOCTL_EVTCHN_BIND_STATIC _IOC(_IOC_NONE, 'E', 7, sizeof(struct ioctl_evtchn_bind))
struct ioctl_evtchn_bind {
	unsigned int port;
};
#endif

static char sock0[PATH_MAX], sock1[PATH_MAX];
static uint16_t dom1;

static void setup(void)
{
	harness_up(1);
	dom1 = harness_domain("guest");
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), 0, sock0, sizeof(sock0)), 0);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), dom1, sock1, sizeof(sock1)), 0);
}

static void teardown(void)
{
	/* KMOD_TEST_KEEP=1 leaves the daemon and its state for a post-mortem. */
	if (getenv("KMOD_TEST_KEEP"))
		harness_keep();
	else
		harness_down();
}

static struct hvsim_dev *dev_open(const char *sock, const char *path, int flags)
{
	struct hvsim_dev *d = NULL;
	int rc = hvsim_dev_open(sock, path, flags, &d);

	ck_assert_msg(rc == 0, "open %s on %s: %s", path, sock, strerror(-rc));
	return d;
}

/* gntalloc: `count` pages granted to `to`, mapped read-write. */
struct share {
	struct hvsim_dev *dev;
	uint64_t index;
	uint32_t refs[8];
	uint32_t count;
	volatile uint8_t *addr;
};

static void share_pages(struct share *s, const char *sock, uint16_t to, uint32_t count)
{
	struct {
		struct ioctl_gntalloc_alloc_gref op;
		uint32_t more[7];
	} a = { .op = { .domid = to, .flags = GNTALLOC_FLAG_WRITABLE, .count = count } };
	void *p;

	ck_assert_uint_le(count, 8);
	s->dev = dev_open(sock, "/dev/xen/gntalloc", O_RDWR);
	ck_assert_int_eq(hvsim_dev_ioctl(s->dev, IOCTL_GNTALLOC_ALLOC_GREF, &a), 0);
	s->index = a.op.index;
	s->count = count;
	/* (the uapi's one-element arrays continue into `more`) */
	memcpy(s->refs, (char *)&a + offsetof(struct ioctl_gntalloc_alloc_gref, gref_ids),
	       count * sizeof(uint32_t));
	ck_assert_int_eq(hvsim_dev_mmap(s->dev, NULL, count * 4096, PROT_READ | PROT_WRITE,
					MAP_SHARED, (off_t)s->index, &p), 0);
	s->addr = p;
}

/* gntdev: `count` refs of domain `from` mapped read-write. */
struct gmap {
	struct hvsim_dev *dev;
	uint64_t index;
	uint32_t count;
	volatile uint8_t *addr;
};

static int map_grants(struct gmap *m, const char *sock, uint16_t from,
		      const uint32_t *refs, uint32_t count)
{
	struct {
		struct ioctl_gntdev_map_grant_ref op;
		struct ioctl_gntdev_grant_ref more[7];
	} a = { .op = { .count = count } };
	void *p;
	long rc;

	ck_assert_uint_le(count, 8);
	if (!m->dev)
		m->dev = dev_open(sock, "/dev/xen/gntdev", O_RDWR);
	struct ioctl_gntdev_grant_ref *r =
		(void *)((char *)&a + offsetof(struct ioctl_gntdev_map_grant_ref, refs));

	for (uint32_t i = 0; i < count; i++) {
		r[i].domid = from;
		r[i].ref = refs[i];
	}
	ck_assert_int_eq(hvsim_dev_ioctl(m->dev, IOCTL_GNTDEV_MAP_GRANT_REF, &a), 0);
	m->index = a.op.index;
	m->count = count;
	rc = hvsim_dev_mmap(m->dev, NULL, count * 4096, PROT_READ | PROT_WRITE,
			    MAP_SHARED, (off_t)m->index, &p);
	m->addr = rc ? NULL : p;
	return (int)rc;
}

/* Waits up to 3 s for *p == want. */
static bool wait_byte(volatile uint8_t *p, uint8_t want)
{
	for (int i = 0; i < 300; i++) {
		if (*p == want)
			return true;
		usleep(10000);
	}
	return *p == want;
}

static int evtchn_unbound(struct hvsim_dev *e, uint16_t remote)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = remote };
	long port = hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);

	ck_assert_int_gt(port, 0);
	return (int)port;
}

static int evtchn_interdomain(struct hvsim_dev *e, uint16_t remote, int rport)
{
	struct ioctl_evtchn_bind_interdomain b = {
		.remote_domain = remote, .remote_port = (uint32_t)rport,
	};
	long port = hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);

	ck_assert_int_gt(port, 0);
	return (int)port;
}

/* The next port read from the evtchn device within 3 s, or -errno. */
static long evtchn_next(struct hvsim_dev *e)
{
	uint32_t port;
	int ready = hvsim_dev_poll(e, POLLIN, 3000);
	ssize_t n;

	if (ready <= 0)
		return ready ? ready : -ETIMEDOUT;
	n = hvsim_dev_read(e, &port, sizeof(port));
	return n == sizeof(port) ? (long)port : (n < 0 ? n : -EIO);
}

static void evtchn_unmask(struct hvsim_dev *e, uint32_t port)
{
	ck_assert_int_eq(hvsim_dev_write(e, &port, sizeof(port)), sizeof(port));
}

/* ---- sharing pages ------------------------------------------------------ */

START_TEST(gntalloc_page_mapped_by_gntdev_is_shared)
{
	struct share s;
	struct gmap m = { 0 };

	share_pages(&s, sock0, dom1, 2);
	s.addr[0] = 0x11;
	s.addr[4096 + 7] = 0x22;
	ck_assert_int_eq(map_grants(&m, sock1, 0, s.refs, 2), 0);
	ck_assert_uint_eq(m.addr[0], 0x11);
	ck_assert_uint_eq(m.addr[4096 + 7], 0x22);
	m.addr[100] = 0x33;
	ck_assert_uint_eq(s.addr[100], 0x33);

	/* The granter sees its pages pinned by the mapping. */
	ck_assert_int_eq(hvsim_dev_munmap((void *)m.addr, 2 * 4096), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_UNMAP_GRANT_REF,
		&(struct ioctl_gntdev_unmap_grant_ref){ .index = m.index, .count = 2 }), 0);
	ck_assert_int_eq(hvsim_dev_munmap((void *)s.addr, 2 * 4096), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(s.dev, IOCTL_GNTALLOC_DEALLOC_GREF,
		&(struct ioctl_gntalloc_dealloc_gref){ .index = s.index, .count = 2 }), 0);
	hvsim_dev_close(m.dev);
	hvsim_dev_close(s.dev);
}
END_TEST

START_TEST(munmap_is_not_for_a_plain_range)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_int_eq(hvsim_dev_munmap(p, 4096), HVSIM_DEV_NOT_MINE);
	munmap(p, 4096);
}
END_TEST

START_TEST(get_offset_for_vaddr)
{
	struct share s;
	struct gmap m = { 0 };
	struct ioctl_gntdev_get_offset_for_vaddr q = { 0 };
	static char not_mapped[8192];

	share_pages(&s, sock0, dom1, 3);
	ck_assert_int_eq(map_grants(&m, sock1, 0, s.refs, 1), 0);
	/* a second map gets the next index */
	struct gmap m2 = { .dev = m.dev };
	ck_assert_int_eq(map_grants(&m2, sock1, 0, s.refs + 1, 2), 0);
	ck_assert_uint_eq(m2.index, 4096);

	q.vaddr = (uintptr_t)m2.addr + 4096 + 12;
	ck_assert_int_eq(hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &q), 0);
	ck_assert_uint_eq(q.offset, m2.index);
	ck_assert_uint_eq(q.count, 2);
	/* not a gntdev mapping: the program's own memory */
	q.vaddr = (uintptr_t)not_mapped;
	ck_assert_int_eq(hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &q), -EINVAL);
	ck_assert_int_eq(hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, NULL), -EFAULT);
	/* after munmap the address is no longer the map's */
	q.vaddr = (uintptr_t)m.addr;
	ck_assert_int_eq(hvsim_dev_munmap((void *)m.addr, 4096), 0);
	ck_assert_int_ne(hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &q), 0);
	hvsim_dev_close(m.dev);
	hvsim_dev_close(s.dev);
}
END_TEST

START_TEST(set_max_grants_is_gone_in_6_1)
{
	struct hvsim_dev *d = dev_open(sock1, "/dev/xen/gntdev", O_RDWR);
	struct ioctl_gntdev_set_max_grants op = { .count = 4 };

	/* Linux removed it; libxengnttab treats ENOTTY as success. */
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTDEV_SET_MAX_GRANTS, &op), -ENOTTY);
	hvsim_dev_close(d);
}
END_TEST

START_TEST(grant_copy_both_ways_with_status)
{
	struct share s;
	struct hvsim_dev *d;
	char in[64], out[64] = "written by the copier";
	struct gntdev_grant_copy_segment seg[3];
	struct ioctl_gntdev_grant_copy copy = { .count = 3, .segments = seg };

	share_pages(&s, sock0, dom1, 1);
	memcpy((void *)(s.addr + 200), "granted page text", 18);
	d = dev_open(sock1, "/dev/xen/gntdev", O_RDWR);
	memset(seg, 0, sizeof(seg));
	memset(in, 0, sizeof(in));
	/* from the grant into our buffer */
	seg[0].source.foreign.ref = s.refs[0];
	seg[0].source.foreign.domid = 0;
	seg[0].source.foreign.offset = 200;
	seg[0].dest.virt = in;
	seg[0].len = 18;
	seg[0].flags = GNTCOPY_source_gref;
	/* from our buffer into the grant */
	seg[1].source.virt = out;
	seg[1].dest.foreign.ref = s.refs[0];
	seg[1].dest.foreign.domid = 0;
	seg[1].dest.foreign.offset = 1000;
	seg[1].len = (uint16_t)strlen(out) + 1;
	seg[1].flags = GNTCOPY_dest_gref;
	/* a reference that does not exist */
	seg[2].source.foreign.ref = 5000;
	seg[2].source.foreign.domid = 0;
	seg[2].dest.virt = in + 32;
	seg[2].len = 4;
	seg[2].flags = GNTCOPY_source_gref;
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTDEV_GRANT_COPY, &copy), 0);
	ck_assert_int_eq(seg[0].status, GNTST_okay);
	ck_assert_str_eq(in, "granted page text");
	ck_assert_int_eq(seg[1].status, GNTST_okay);
	ck_assert_str_eq((const char *)(s.addr + 1000), out);
	ck_assert_int_eq(seg[2].status, GNTST_bad_gntref);

	/* a local-to-local segment is refused whole */
	seg[0].flags = 0;
	copy.count = 1;
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTDEV_GRANT_COPY, &copy), -EINVAL);
	/* crossing the page end */
	seg[0].flags = GNTCOPY_source_gref;
	seg[0].source.foreign.offset = 4090;
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTDEV_GRANT_COPY, &copy), -EINVAL);
	/* a wild destination */
	seg[0].source.foreign.offset = 0;
	seg[0].dest.virt = (void *)16;
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTDEV_GRANT_COPY, &copy), -EFAULT);
	hvsim_dev_close(d);
	hvsim_dev_close(s.dev);
}
END_TEST

/*
 * A program's ordinary memory is pinned through a bounce page, and only
 * the bytes the copy changed go back.  Each segment here copies 2 bytes
 * into the padding right after a later segment's status, which gntdev
 * sets (GNTST_okay, by put_user into the program) after the bounce page
 * was filled: writing back a whole word, or any byte that did not
 * change, would undo it.  20 segments: two of gntdev's batches of 16.
 */
START_TEST(grant_copy_writes_back_only_changed_bytes)
{
	enum { N = 20 };
	struct share s;
	struct hvsim_dev *d;
	uint8_t *page = aligned_alloc(4096, 4096), *last;
	struct gntdev_grant_copy_segment *seg = (void *)page;
	struct ioctl_gntdev_grant_copy copy = { .count = N, .segments = seg };

	ck_assert_ptr_nonnull(page);
	ck_assert_uint_eq(sizeof(*seg), 24);
	ck_assert_uint_eq(offsetof(struct gntdev_grant_copy_segment, status), 20);
	share_pages(&s, sock0, dom1, 1);
	for (unsigned int k = 0; k < 4096; k++)
		s.addr[k] = (uint8_t)(k * 13 + 5) | 1;
	memset(page, 0, 4096);
	last = page + 2048;
	for (unsigned int i = 0; i < N; i++) {
		seg[i].source.foreign.ref = s.refs[0];
		seg[i].source.foreign.domid = 0;
		seg[i].source.foreign.offset = (uint16_t)(2 * i);
		seg[i].dest.virt = i + 1 < N ? (uint8_t *)&seg[i + 1] + 22 : last;
		seg[i].len = 2;
		seg[i].flags = GNTCOPY_source_gref;
		seg[i].status = 0x7fff;
	}
	d = dev_open(sock1, "/dev/xen/gntdev", O_RDWR);
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTDEV_GRANT_COPY, &copy), 0);
	for (unsigned int i = 0; i < N; i++) {
		const uint8_t *to = seg[i].dest.virt;

		ck_assert_msg(seg[i].status == GNTST_okay, "segment %u: status %d", i,
			      seg[i].status);
		ck_assert_uint_eq(to[0], s.addr[2 * i]);
		ck_assert_uint_eq(to[1], s.addr[2 * i + 1]);
	}
	ck_assert_uint_eq(last[-1], 0);
	ck_assert_uint_eq(last[2], 0);
	hvsim_dev_close(d);
	hvsim_dev_close(s.dev);
	free(page);
}
END_TEST

/*
 * The changed runs are found a word at a time yet to the byte: a program
 * buffer that already holds the granted bytes here and there (runs of
 * every length, at every alignment) ends equal to the grant in the copied
 * range, and untouched around it; the second segment's range is at an odd
 * offset.
 */
START_TEST(grant_copy_in_runs_of_every_alignment)
{
	struct share s;
	struct hvsim_dev *d;
	uint8_t *buf = aligned_alloc(4096, 2 * 4096);
	struct gntdev_grant_copy_segment seg[2];
	struct ioctl_gntdev_grant_copy copy = { .count = 2, .segments = seg };
	uint32_t x = 2463534242u;

	ck_assert_ptr_nonnull(buf);
	share_pages(&s, sock0, dom1, 1);
	memset(buf, 0x5c, 2 * 4096);
	for (unsigned int k = 0; k < 4096; k++) {
		/* xorshift32: runs of equal and of new bytes, 1 to ~20 long */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		if (k >= 3000 && k < 3100)
			s.addr[k] = 0x5c;	/* a long equal stretch */
		else
			s.addr[k] = (x % 3 == 0) ? 0x5c : (uint8_t)(x >> 8 | 0x80);
	}
	memset(seg, 0, sizeof(seg));
	seg[0].source.foreign.ref = s.refs[0];
	seg[0].dest.virt = buf;
	seg[0].len = 4096;
	seg[0].flags = GNTCOPY_source_gref;
	seg[1].source.foreign.ref = s.refs[0];
	seg[1].source.foreign.offset = 1001;
	seg[1].dest.virt = buf + 4096 + 1003;
	seg[1].len = 2000;
	seg[1].flags = GNTCOPY_source_gref;
	d = dev_open(sock1, "/dev/xen/gntdev", O_RDWR);
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTDEV_GRANT_COPY, &copy), 0);
	ck_assert_int_eq(seg[0].status, GNTST_okay);
	ck_assert_int_eq(seg[1].status, GNTST_okay);
	for (unsigned int k = 0; k < 4096; k++)
		ck_assert_msg(buf[k] == s.addr[k], "byte %u: %#x, granted %#x", k, buf[k],
			      s.addr[k]);
	for (unsigned int k = 0; k < 4096; k++) {
		uint8_t want = k >= 1003 && k < 3003 ? s.addr[k - 2] : 0x5c;

		ck_assert_msg(buf[4096 + k] == want, "byte %u of the second page: %#x, not %#x",
			      k, buf[4096 + k], want);
	}
	hvsim_dev_close(d);
	hvsim_dev_close(s.dev);
	free(buf);
}
END_TEST

/*
 * Bounce pages come back hot: a grant copy into program memory takes one
 * per segment, 16 at a time, and frees them; the next batch must get the
 * same pages again, not walk on through the guest's RAM faulting in a
 * fresh page of the domain's memory each (~9 MiB of the kernels' resident
 * shared memory here; the heap is not counted, as a sanitizer's grows).
 */
START_TEST(grant_copy_reuses_its_bounce_pages)
{
	enum { SEGS = 16, CALLS = 150, MAX_KERNELS = 4 };
	struct share s;
	struct hvsim_dev *d;
	uint8_t *buf = aligned_alloc(4096, SEGS * 4096);
	struct gntdev_grant_copy_segment seg[SEGS];
	struct ioctl_gntdev_grant_copy copy = { .count = SEGS, .segments = seg };
	pid_t kernels[MAX_KERNELS];
	long before = 0, after = 0;
	int n;

	ck_assert_ptr_nonnull(buf);
	share_pages(&s, sock0, dom1, 1);
	memset(seg, 0, sizeof(seg));
	for (unsigned int i = 0; i < SEGS; i++) {
		seg[i].source.foreign.ref = s.refs[0];
		seg[i].dest.virt = buf + i * 4096;
		seg[i].len = 4096;
		seg[i].flags = GNTCOPY_source_gref;
	}
	d = dev_open(sock1, "/dev/xen/gntdev", O_RDWR);
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTDEV_GRANT_COPY, &copy), 0);
	n = procstat_children(procstat_hvsimd(harness_dir()), kernels, MAX_KERNELS);
	ck_assert_int_ge(n, 2);
	for (int k = 0; k < n; k++)
		before += procstat_status_kib(kernels[k], "RssShmem");
	ck_assert_int_gt(before, 0);
	for (unsigned int c = 0; c < CALLS; c++)
		ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTDEV_GRANT_COPY, &copy), 0);
	for (int k = 0; k < n; k++)
		after += procstat_status_kib(kernels[k], "RssShmem");
	ck_assert_msg(after - before < 2048, "the kernels touched %ld KiB more of their RAM in %d copies",
		      after - before, CALLS);
	hvsim_dev_close(d);
	hvsim_dev_close(s.dev);
	free(buf);
}
END_TEST

/* ---- unmap notifications when a program is killed ---------------------- */

struct victim {
	int ready[2];
	uint32_t ref;		/* in */
	int port;		/* in: the peer's unbound port */
	uint16_t peer;
};

/* In dom1: maps the grant with gntdev, notify on unmap, then waits to die. */
static int gntdev_victim(void *arg)
{
	struct victim *v = arg;
	struct gmap m = { 0 };
	struct hvsim_dev *e = NULL;
	int port;

	if (hvsim_dev_open(sock1, "/dev/xen/evtchn", O_RDWR, &e))
		return 10;
	port = evtchn_interdomain(e, 0, v->port);
	if (map_grants(&m, sock1, 0, &v->ref, 1))
		return 11;
	m.addr[77] = 0xee;
	struct ioctl_gntdev_unmap_notify n = {
		.index = m.index + 77,
		.action = UNMAP_NOTIFY_CLEAR_BYTE | UNMAP_NOTIFY_SEND_EVENT,
		.event_channel_port = (uint32_t)port,
	};
	if (hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n))
		return 12;
	if (write(v->ready[1], "r", 1) != 1)
		return 13;
	pause();
	return 0;
}

START_TEST(gntdev_unmap_notify_fires_when_mapper_is_killed)
{
	struct victim v;
	struct share s;
	struct hvsim_dev *e = dev_open(sock0, "/dev/xen/evtchn", O_RDWR);
	char c;
	pid_t pid;

	share_pages(&s, sock0, dom1, 1);
	v.ref = s.refs[0];
	v.port = evtchn_unbound(e, dom1);
	ck_assert_int_eq(pipe(v.ready), 0);
	pid = harness_spawn(gntdev_victim, &v);
	ck_assert_int_eq(read(v.ready[0], &c, 1), 1);
	ck_assert_uint_eq(s.addr[77], 0xee);
	/* nothing before the kill */
	ck_assert_int_eq(hvsim_dev_poll(e, POLLIN, 100), 0);

	kill(pid, SIGKILL);
	ck_assert_int_eq(harness_wait(pid), 128 + SIGKILL);
	ck_assert_msg(wait_byte(s.addr + 77, 0), "the byte was not cleared");
	ck_assert_int_eq(evtchn_next(e), v.port);
	hvsim_dev_close(e);
	hvsim_dev_close(s.dev);
}
END_TEST

/* In dom0: shares a page with notify on unmap, then waits to die. */
static int gntalloc_victim(void *arg)
{
	struct victim *v = arg;
	struct share s;
	struct hvsim_dev *e = NULL;
	int port;

	if (hvsim_dev_open(sock0, "/dev/xen/evtchn", O_RDWR, &e))
		return 10;
	port = evtchn_unbound(e, v->peer);
	share_pages(&s, sock0, v->peer, 1);
	s.addr[5] = 0xaa;
	struct ioctl_gntalloc_unmap_notify n = {
		.index = s.index + 5,
		.action = UNMAP_NOTIFY_CLEAR_BYTE | UNMAP_NOTIFY_SEND_EVENT,
		.event_channel_port = (uint32_t)port,
	};
	if (hvsim_dev_ioctl(s.dev, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n))
		return 12;
	v->ref = s.refs[0];
	v->port = port;
	if (write(v->ready[1], &v->ref, 4) != 4 || write(v->ready[1], &v->port, 4) != 4)
		return 13;
	pause();
	return 0;
}

START_TEST(gntalloc_unmap_notify_fires_when_granter_is_killed)
{
	struct victim v = { .peer = dom1 };
	struct gmap m = { 0 };
	struct hvsim_dev *e = dev_open(sock1, "/dev/xen/evtchn", O_RDWR);
	uint32_t ref, rport;
	int port;
	pid_t pid;

	ck_assert_int_eq(pipe(v.ready), 0);
	pid = harness_spawn(gntalloc_victim, &v);
	ck_assert_int_eq(read(v.ready[0], &ref, 4), 4);
	ck_assert_int_eq(read(v.ready[0], &rport, 4), 4);
	port = evtchn_interdomain(e, 0, (int)rport);
	/* binding sets our new port pending once */
	ck_assert_int_eq(evtchn_next(e), port);
	evtchn_unmask(e, (uint32_t)port);
	ck_assert_int_eq(map_grants(&m, sock1, 0, &ref, 1), 0);
	ck_assert_uint_eq(m.addr[5], 0xaa);

	kill(pid, SIGKILL);
	ck_assert_int_eq(harness_wait(pid), 128 + SIGKILL);
	/* our mapping keeps the page: we see the byte cleared in it */
	ck_assert_msg(wait_byte(m.addr + 5, 0), "the byte was not cleared");
	ck_assert_int_eq(evtchn_next(e), port);
	hvsim_dev_close(e);
	hvsim_dev_close(m.dev);
}
END_TEST

START_TEST(file_lives_until_last_close_and_last_munmap)
{
	struct share s;
	struct gmap m = { 0 };

	share_pages(&s, sock0, dom1, 1);
	ck_assert_int_eq(map_grants(&m, sock1, 0, s.refs, 1), 0);
	m.addr[9] = 0x99;
	struct ioctl_gntdev_unmap_notify n = {
		.index = m.index + 9, .action = UNMAP_NOTIFY_CLEAR_BYTE,
	};
	ck_assert_int_eq(hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), 0);
	/* closed, but still mapped: nothing happens, the page is still shared */
	hvsim_dev_close(m.dev);
	usleep(100 * 1000);
	ck_assert_uint_eq(s.addr[9], 0x99);
	m.addr[10] = 0x10;
	ck_assert_uint_eq(s.addr[10], 0x10);
	/* the last munmap is the file's end: release, unmap, clear */
	ck_assert_int_eq(hvsim_dev_munmap((void *)m.addr, 4096), 0);
	ck_assert_msg(wait_byte(s.addr + 9, 0), "the byte was not cleared at the last munmap");
	hvsim_dev_close(s.dev);
}
END_TEST

START_TEST(unmap_notify_errors)
{
	struct share s;
	struct gmap m = { 0 };
	struct ioctl_gntdev_unmap_notify n = { .action = UNMAP_NOTIFY_CLEAR_BYTE };
	struct ioctl_gntalloc_unmap_notify an = { .action = UNMAP_NOTIFY_CLEAR_BYTE };

	share_pages(&s, sock0, dom1, 1);
	ck_assert_int_eq(map_grants(&m, sock1, 0, s.refs, 1), 0);
	n.index = m.index + 4096 * 5;
	ck_assert_int_eq(hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), -ENOENT);
	n.index = m.index;
	n.action = 0x10;
	ck_assert_int_eq(hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), -EINVAL);
	n.action = UNMAP_NOTIFY_SEND_EVENT;
	n.event_channel_port = 77;	/* not bound */
	ck_assert_int_eq(hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), -EINVAL);
	an.index = s.index + 4096 * 3;
	ck_assert_int_eq(hvsim_dev_ioctl(s.dev, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &an), -ENOENT);
	an.index = s.index;
	an.action = 0x4;
	ck_assert_int_eq(hvsim_dev_ioctl(s.dev, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &an), -EINVAL);
	ck_assert_int_eq(hvsim_dev_ioctl(s.dev, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, NULL), -EFAULT);
	hvsim_dev_close(m.dev);
	hvsim_dev_close(s.dev);
}
END_TEST

/* ---- event channels ------------------------------------------------------ */

START_TEST(evtchn_bind_notify_read_unmask)
{
	struct hvsim_dev *e0 = dev_open(sock0, "/dev/xen/evtchn", O_RDWR);
	struct hvsim_dev *e1 = dev_open(sock1, "/dev/xen/evtchn", O_RDWR | O_NONBLOCK);
	uint32_t got;
	int p0, p1;

	p0 = evtchn_unbound(e0, dom1);
	p1 = evtchn_interdomain(e1, 0, p0);
	ck_assert_int_eq(evtchn_next(e1), p1);
	evtchn_unmask(e1, (uint32_t)p1);
	/* nothing more: a non-blocking read says EAGAIN */
	ck_assert_int_eq(hvsim_dev_read(e1, &got, sizeof(got)), -EAGAIN);

	ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_NOTIFY,
		&(struct ioctl_evtchn_notify){ .port = (uint32_t)p1 }), 0);
	ck_assert_int_eq(evtchn_next(e0), p0);
	/* a port that fired stays masked until unmasked */
	ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_NOTIFY,
		&(struct ioctl_evtchn_notify){ .port = (uint32_t)p1 }), 0);
	ck_assert_int_eq(hvsim_dev_poll(e0, POLLIN, 200), 0);
	evtchn_unmask(e0, (uint32_t)p0);
	ck_assert_int_eq(evtchn_next(e0), p0);
	evtchn_unmask(e0, (uint32_t)p0);

	ck_assert_int_eq(hvsim_dev_ioctl(e0, IOCTL_EVTCHN_NOTIFY,
		&(struct ioctl_evtchn_notify){ .port = (uint32_t)p0 }), 0);
	ck_assert_int_eq(evtchn_next(e1), p1);

	/* unbind; then the port is not ours */
	ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_UNBIND,
		&(struct ioctl_evtchn_unbind){ .port = (uint32_t)p1 }), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_NOTIFY,
		&(struct ioctl_evtchn_notify){ .port = (uint32_t)p1 }), -ENOTCONN);
	ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_UNBIND,
		&(struct ioctl_evtchn_unbind){ .port = (uint32_t)p1 }), -ENOTCONN);
	ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_UNBIND,
		&(struct ioctl_evtchn_unbind){ .port = 5000 }), -EINVAL);
	hvsim_dev_close(e0);
	hvsim_dev_close(e1);
}
END_TEST

/*
 * `hvsim down` while programs hold event channels: each kernel shuts down
 * in order, and Linux's release closes their ports with hypercalls, which
 * hvsimd still serves then (it used to close the hypercall sockets first,
 * and xen_evtchn_close()'s BUG() stopped the kernel).  The irqs freed after
 * a grace period are freed before the leak report.
 */
START_TEST(down_while_ports_are_bound_stops_kernels_in_order)
{
	struct hvsim_dev *e0 = dev_open(sock0, "/dev/xen/evtchn", O_RDWR);
	struct hvsim_dev *e1 = dev_open(sock1, "/dev/xen/evtchn", O_RDWR);
	char log[PATH_MAX], *out = NULL;

	evtchn_interdomain(e1, 0, evtchn_unbound(e0, dom1));
	evtchn_unbound(e1, 0);
	ck_assert_int_eq(harness_sh(&out, "'%s' down", harness_exe("hvsim")), 0);
	free(out);
	snprintf(log, sizeof(log), "%s/%s", harness_dir(), HVSIM_LOG_FILE);
	ck_assert_int_eq(harness_sh(&out, "cat '%s'", log), 0);
	ck_assert_msg(!strstr(out, "BUG") && !strstr(out, "panic") && !strstr(out, "leaked"),
		      "%s", out);
	ck_assert_msg(strstr(out, "[dom0 Domain-0]") && strstr(out, "[dom1 guest]"), "%s", out);
	free(out);
	hvsim_dev_close(e0);
	hvsim_dev_close(e1);
}
END_TEST

/* Binds and unbinds until the kernel hangs up (its domain destroyed). */
static int bind_unbind_forever(void *arg)
{
	const char *sock = arg;
	struct hvsim_dev *e = NULL;

	if (hvsim_dev_open(sock, "/dev/xen/evtchn", O_RDWR, &e))
		return 1;
	for (;;) {
		struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = 0 };
		long port = hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);

		if (port <= 0)
			return 0;
		if (hvsim_dev_ioctl(e, IOCTL_EVTCHN_UNBIND,
				    &(struct ioctl_evtchn_unbind){ .port = (uint32_t)port }))
			return 0;
	}
}

/*
 * A domain destroyed while a program's calls make hypercalls: those find
 * the domain gone, and the kernel stops, as a destroyed domain's vCPUs do,
 * instead of seeing xen_evtchn_close() fail and BUG() (the harness fails
 * the test on a BUG in the log).
 */
START_TEST(destroy_during_hypercalls_is_no_bug)
{
	char sock[PATH_MAX];
	uint16_t domid;
	int status;
	pid_t pid;

	ck_assert_int_eq(hvsim_domain_create(harness_ctl(), "victim", 16, NULL, 0, &domid), 0);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), domid, sock, sizeof(sock)), 0);
	pid = harness_spawn(bind_unbind_forever, sock);
	usleep(300 * 1000);
	ck_assert_int_eq(hvsim_domain_destroy(harness_ctl(), "victim"), 0);
	/* hung up on, or killed with its domain (docs/kmod.md) */
	status = harness_wait(pid);
	ck_assert_msg(status == 0 || status == 128 + SIGKILL, "status %d", status);
}
END_TEST

START_TEST(evtchn_ring_overflow_is_efbig)
{
	struct hvsim_dev *e0 = dev_open(sock0, "/dev/xen/evtchn", O_RDWR);
	struct hvsim_dev *e1 = dev_open(sock1, "/dev/xen/evtchn", O_RDWR);
	struct ioctl_evtchn_notify n;
	uint32_t got;
	int p0, p1, i;

	p0 = evtchn_unbound(e0, dom1);
	p1 = evtchn_interdomain(e1, 0, p0);
	n.port = (uint32_t)p1;
	/*
	 * Fire, unmask without reading, again: one port fills the 64-entry
	 * ring and overflows it.  Linux's poll() then says POLLERR alone; the
	 * program's descriptor can only say POLLIN (docs/userlib.md), and the
	 * read tells the truth.  (The ring is never read, so poll says POLLIN
	 * at once: a notify whose event the vCPU has not taken before the
	 * unmask coalesces with the next one, which a loaded machine makes
	 * common.  200 rounds overflow 64 entries however many coalesce.)
	 */
	for (i = 0; i < 200; i++) {
		ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_NOTIFY, &n), 0);
		usleep(2000);
		ck_assert_int_eq(hvsim_dev_poll(e0, POLLIN, 1000), POLLIN);
		evtchn_unmask(e0, (uint32_t)p0);
	}
	ck_assert_int_eq(hvsim_dev_read(e0, &got, sizeof(got)), -EFBIG);
	ck_assert_int_eq(hvsim_dev_ioctl(e0, IOCTL_EVTCHN_RESET, NULL), 0);
	ck_assert_int_eq(hvsim_dev_poll(e0, POLLIN, 0), 0);
	hvsim_dev_close(e0);
	hvsim_dev_close(e1);
}
END_TEST

static void on_alarm(int sig)
{
	(void)sig;
}

/* A thread blocked in a read of one port on e0. */
struct blocked_read {
	struct hvsim_dev *e;
	uint32_t port;
	ssize_t n;
};

static void *read_one_port(void *arg)
{
	struct blocked_read *r = arg;

	r->n = hvsim_dev_read(r->e, &r->port, sizeof(r->port));
	return NULL;
}

/*
 * An event for a reader blocked in read is left to that read (devfile.c:
 * the wake path does not set the file's readiness while a read is in
 * progress), and the read's end sets what poll says exactly: readable if
 * the read left an event behind, also one that came while it read, and not
 * readable once it took the only one.
 */
START_TEST(a_blocked_read_leaves_readiness_exact)
{
	struct hvsim_dev *e0 = dev_open(sock0, "/dev/xen/evtchn", O_RDWR);
	struct hvsim_dev *e1 = dev_open(sock1, "/dev/xen/evtchn", O_RDWR);
	struct blocked_read r = { .e = e0 };
	int p0a = evtchn_unbound(e0, dom1), p0b = evtchn_unbound(e0, dom1);
	int p1a = evtchn_interdomain(e1, 0, p0a), p1b = evtchn_interdomain(e1, 0, p0b);
	pthread_t t;

	/* the binds' own events */
	for (int i = 0; i < 2; i++) {
		long p = evtchn_next(e1);

		ck_assert(p == p1a || p == p1b);
		evtchn_unmask(e1, (uint32_t)p);
	}
	ck_assert_int_eq(hvsim_dev_poll(e0, POLLIN, 0), 0);

	/* two events, one read: poll says the other is there */
	ck_assert_int_eq(pthread_create(&t, NULL, read_one_port, &r), 0);
	usleep(100 * 1000);	/* well into its read */
	ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_NOTIFY,
		&(struct ioctl_evtchn_notify){ .port = (uint32_t)p1a }), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_NOTIFY,
		&(struct ioctl_evtchn_notify){ .port = (uint32_t)p1b }), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(r.n, sizeof(r.port));
	ck_assert(r.port == (uint32_t)p0a || r.port == (uint32_t)p0b);
	ck_assert_int_eq(evtchn_next(e0), r.port == (uint32_t)p0a ? p0b : p0a);
	ck_assert_int_eq(hvsim_dev_poll(e0, POLLIN, 0), 0);
	evtchn_unmask(e0, (uint32_t)p0a);
	evtchn_unmask(e0, (uint32_t)p0b);

	/* one event, one read: nothing readable after it */
	ck_assert_int_eq(pthread_create(&t, NULL, read_one_port, &r), 0);
	usleep(100 * 1000);
	ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_NOTIFY,
		&(struct ioctl_evtchn_notify){ .port = (uint32_t)p1a }), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(r.n, sizeof(r.port));
	ck_assert_uint_eq(r.port, (uint32_t)p0a);
	ck_assert_int_eq(hvsim_dev_poll(e0, POLLIN, 200), 0);
	hvsim_dev_close(e0);
	hvsim_dev_close(e1);
}
END_TEST

START_TEST(blocking_read_ends_with_eintr_on_a_signal)
{
	struct hvsim_dev *e = dev_open(sock1, "/dev/xen/evtchn", O_RDWR);
	struct sigaction sa = { .sa_handler = on_alarm };
	uint32_t got;

	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	ck_assert_int_eq(hvsim_dev_read(e, &got, sizeof(got)), -EINTR);
	hvsim_dev_close(e);
}
END_TEST

/* In dom1: binds a port, then blocks reading events that never come. */
static int blocked_reader(void *arg)
{
	int *ready = arg;
	struct hvsim_dev *e = NULL;
	uint32_t port, got;

	if (hvsim_dev_open(sock1, "/dev/xen/evtchn", O_RDWR, &e))
		return 10;
	port = (uint32_t)evtchn_unbound(e, 0);
	if (write(ready[1], &port, sizeof(port)) != sizeof(port))
		return 11;
	hvsim_dev_read(e, &got, sizeof(got));
	return 12;
}

static bool trace_has(const char *needle)
{
	char path[PATH_MAX], line[4096];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace.jsonl", harness_dir());
	f = fopen(path, "r");
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	if (f)
		fclose(f);
	return found;
}

START_TEST(killing_a_blocked_reader_releases_its_file)
{
	char want[128];
	uint32_t port;
	int ready[2];
	pid_t pid;

	ck_assert_int_eq(pipe(ready), 0);
	pid = harness_spawn(blocked_reader, ready);
	ck_assert_int_eq(read(ready[0], &port, sizeof(port)), sizeof(port));
	usleep(100 * 1000);	/* well into its read */
	snprintf(want, sizeof(want), "\"dom\":%u,\"kind\":\"hypercall\","
		 "\"op\":\"event_channel_op\",\"cmd\":\"close\"", dom1);
	ck_assert(!trace_has(want));
	kill(pid, SIGKILL);
	ck_assert_int_eq(harness_wait(pid), 128 + SIGKILL);
	/* its wait ended, release ran: the port was closed */
	for (int i = 0; i < 300 && !trace_has(want); i++)
		usleep(10000);
	ck_assert_msg(trace_has(want), "the killed reader's port was not closed");
}
END_TEST

START_TEST(evtchn_errors)
{
	struct hvsim_dev *e = dev_open(sock1, "/dev/xen/evtchn", O_RDWR);

	ck_assert_int_eq(hvsim_dev_ioctl(e, 0x4500ff, NULL), -ENOSYS);
	ck_assert_int_eq(hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_INTERDOMAIN, NULL), -EFAULT);
	ck_assert_int_eq(hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_INTERDOMAIN, (void *)8), -EFAULT);
	/* a domain that does not exist */
	ck_assert_int_eq(hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_INTERDOMAIN,
		&(struct ioctl_evtchn_bind_interdomain){ .remote_domain = 777, .remote_port = 1 }),
		-ESRCH);
	/* Xen does not check the remote domain of an unbound port */
	ck_assert_int_gt(hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_UNBOUND_PORT,
		&(struct ioctl_evtchn_bind_unbound_port){ .remote_domain = 777 }), 0);
	hvsim_dev_close(e);
}
END_TEST

/* An event-channel op made by a dom0 program through privcmd, on its memory. */
static long dom0_evtchn_op(int cmd, void *op)
{
	struct hvsim_dev *p = dev_open(sock0, "/dev/xen/privcmd", O_RDWR);
	privcmd_hypercall_t h = {
		.op = __HYPERVISOR_event_channel_op, .arg = { (uint64_t)cmd, (uintptr_t)op },
	};
	long rc = hvsim_dev_ioctl(p, IOCTL_PRIVCMD_HYPERCALL, &h);

	hvsim_dev_close(p);
	return rc;
}

/* EVTCHNSTAT_* of dom0's port, asked of the hypervisor. */
static uint32_t dom0_port_status(uint32_t port, struct evtchn_status *st)
{
	*st = (struct evtchn_status){ .dom = DOMID_SELF, .port = port };
	ck_assert_int_eq(dom0_evtchn_op(EVTCHNOP_status, st), 0);
	return st->status;
}

static long bind_static(struct hvsim_dev *e, uint32_t port)
{
	return hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_STATIC, &(struct ioctl_evtchn_bind){ .port = port });
}

/*
 * IOCTL_EVTCHN_BIND_STATIC (Linux 6.5) binds a channel the domain already
 * has, one Xen opened when it built the domain (a dom0less "static" event
 * channel, given in the device tree; Xen 4.17 keeps no mark of it: it is
 * an interdomain channel like any other).  Linux asks the hypervisor
 * nothing to bind it (no EVTCHNOP_status, no check that it is one), and
 * never closes it: not on unbind, not on release, not when the bind
 * fails.  Here dom0 opens the channel itself through privcmd, as Xen
 * would have.  On 6.1 the ioctl is unknown to evtchn.c: ENOSYS.
 */
START_TEST(evtchn_bind_static_never_closes_the_channel)
{
	struct hvsim_dev *e0 = dev_open(sock0, "/dev/xen/evtchn", O_RDWR);
	struct hvsim_dev *e1 = dev_open(sock1, "/dev/xen/evtchn", O_RDWR);
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = dom1 };
	struct evtchn_status st;
	struct hvsim_dev *again;
	uint32_t port;
	int p1, q;

	if (!TREE_AT_LEAST(6, 5)) {
		ck_assert_int_eq(bind_static(e0, 1), -ENOSYS);
		goto out;
	}
	ck_assert_int_eq(dom0_evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
	port = a.port;
	/* 0, not the port (the caller named it) */
	ck_assert_int_eq(bind_static(e0, port), 0);
	ck_assert_int_eq(bind_static(e0, port), -EISCONN);

	/* it works as an interdomain channel bound by this file */
	p1 = evtchn_interdomain(e1, 0, (int)port);
	ck_assert_int_eq(evtchn_next(e1), p1);
	evtchn_unmask(e1, (uint32_t)p1);
	ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_NOTIFY,
		&(struct ioctl_evtchn_notify){ .port = (uint32_t)p1 }), 0);
	ck_assert_int_eq(evtchn_next(e0), port);
	evtchn_unmask(e0, port);
	ck_assert_int_eq(hvsim_dev_ioctl(e0, IOCTL_EVTCHN_NOTIFY,
		&(struct ioctl_evtchn_notify){ .port = port }), 0);
	ck_assert_int_eq(evtchn_next(e1), p1);
	evtchn_unmask(e1, (uint32_t)p1);

	/* unbound, it stays open at the hypervisor, still connected */
	ck_assert_int_eq(hvsim_dev_ioctl(e0, IOCTL_EVTCHN_UNBIND,
		&(struct ioctl_evtchn_unbind){ .port = port }), 0);
	ck_assert_uint_eq(dom0_port_status(port, &st), EVTCHNSTAT_interdomain);
	ck_assert_uint_eq(st.u.interdomain.dom, dom1);
	ck_assert_uint_eq(st.u.interdomain.port, (uint32_t)p1);
	/*
	 * So another file binds it again, and its release does not close it
	 * either; it closes the port the file opened (which says when the
	 * release, asynchronous to the close, has run).
	 */
	again = dev_open(sock0, "/dev/xen/evtchn", O_RDWR);
	ck_assert_int_eq(bind_static(again, port), 0);
	q = evtchn_unbound(again, dom1);
	ck_assert_int_eq(hvsim_dev_ioctl(e1, IOCTL_EVTCHN_NOTIFY,
		&(struct ioctl_evtchn_notify){ .port = (uint32_t)p1 }), 0);
	ck_assert_int_eq(evtchn_next(again), port);
	hvsim_dev_close(again);
	for (int i = 0; i < 300 && dom0_port_status((uint32_t)q, &st) != EVTCHNSTAT_closed; i++)
		usleep(10 * 1000);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
	ck_assert_uint_eq(dom0_port_status(port, &st), EVTCHNSTAT_interdomain);

	/* whereas a port this driver opened is closed by its unbind */
	q = evtchn_unbound(e0, dom1);
	ck_assert_int_eq(hvsim_dev_ioctl(e0, IOCTL_EVTCHN_UNBIND,
		&(struct ioctl_evtchn_unbind){ .port = (uint32_t)q }), 0);
	ck_assert_uint_eq(dom0_port_status((uint32_t)q, &st), EVTCHNSTAT_closed);

	/*
	 * A port that is no channel: Linux checks nothing with the
	 * hypervisor, so the bind succeeds; a notify's EVTCHNOP_send is
	 * refused (EINVAL, as Xen refuses a free port), which the driver
	 * ignores; the unbind closes nothing.
	 */
	ck_assert_int_eq(bind_static(e0, (uint32_t)q), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(e0, IOCTL_EVTCHN_NOTIFY,
		&(struct ioctl_evtchn_notify){ .port = (uint32_t)q }), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(e0, IOCTL_EVTCHN_UNBIND,
		&(struct ioctl_evtchn_unbind){ .port = (uint32_t)q }), 0);
	ck_assert_uint_eq(dom0_port_status((uint32_t)q, &st), EVTCHNSTAT_closed);
	/* beyond every port the ABI has, Linux has no irq slot for it */
	ck_assert_int_eq(bind_static(e0, 200000), -ENOMEM);

	/* what Xen would close when dom0 goes: close it ourselves */
	ck_assert_int_eq(dom0_evtchn_op(EVTCHNOP_close, &(struct evtchn_close){ .port = port }), 0);
out:
	hvsim_dev_close(e0);
	hvsim_dev_close(e1);
}
END_TEST

/*
 * Linux picks the event ABI (xen.fifo_events, default FIFO).  evtchn.c
 * bounds ports by xen_evtchn_nr_channels(): 4096 under 2-level, the event
 * array so far (one page, 1024 ports) under FIFO, so unbinding port 3999,
 * never bound, is EINVAL under FIFO and ENOTCONN under 2-level, as on a
 * real Xen 4.17 dom0 booted each way.
 */
START_TEST(event_abi_is_linux_choice)
{
	const char *params[] = { "xen.fifo_events=0" };
	struct ioctl_evtchn_unbind unbind = { .port = 3999 };
	char sock[PATH_MAX];
	uint16_t domid;
	struct hvsim_dev *e;
	/* the suite may run with 2-level everywhere (docs/evtchn.md) */
	const char *defaults = getenv("HVSIM_KERNEL_PARAMS");
	bool fifo = !defaults || !strstr(defaults, "xen.fifo_events=0");

	e = dev_open(sock1, "/dev/xen/evtchn", O_RDWR);
	ck_assert_int_eq(hvsim_dev_ioctl(e, IOCTL_EVTCHN_UNBIND, &unbind),
			 fifo ? -EINVAL : -ENOTCONN);
	hvsim_dev_close(e);

	ck_assert_int_eq(hvsim_domain_create(harness_ctl(), "two-level", 16, params, 1, &domid), 0);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), domid, sock, sizeof(sock)), 0);
	e = dev_open(sock, "/dev/xen/evtchn", O_RDWR);
	ck_assert_int_eq(hvsim_dev_ioctl(e, IOCTL_EVTCHN_UNBIND, &unbind), -ENOTCONN);
	hvsim_dev_close(e);

	/* not a parameter Linux has */
	params[0] = "xen.fifo_event=0";
	ck_assert_int_lt(hvsim_domain_create(harness_ctl(), "typo", 16, params, 1, &domid), 0);
}
END_TEST

/*
 * A domU has libxl's max_evtchn_port, 1023, or xl.cfg's event_channels:
 * the real evtchn driver's binds end in ENOSPC there (Xen's
 * evtchn_allocate_port), whichever ABI the kernel chose.
 */
static long bind_until_refused(struct hvsim_dev *e, long *highest)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = 0 };
	long port;

	*highest = 0;
	while ((port = hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b)) > 0)
		if (port > *highest)
			*highest = port;
	return port;
}

START_TEST(event_channels_bound_a_domu)
{
	struct hvsim_domain_cfg cfg = {
		.name = "few-ports", .mem_mib = 16,
		.set_event_channels = true, .event_channels = 40,
	};
	char sock[PATH_MAX];
	uint16_t domid;
	struct hvsim_dev *e;
	long highest;

	e = dev_open(sock1, "/dev/xen/evtchn", O_RDWR);
	ck_assert_int_eq(bind_until_refused(e, &highest), -ENOSPC);
	ck_assert_int_eq(highest, 1023);
	hvsim_dev_close(e);

	ck_assert_int_eq(hvsim_domain_create_cfg(harness_ctl(), &cfg, &domid), 0);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), domid, sock, sizeof(sock)), 0);
	e = dev_open(sock, "/dev/xen/evtchn", O_RDWR);
	ck_assert_int_eq(bind_until_refused(e, &highest), -ENOSPC);
	ck_assert_int_eq(highest, 40);
	hvsim_dev_close(e);

	/* what is no port number is refused, and no domain is made */
	static const char *const bad[] = {
		"{\"cmd\":\"domain_create\",\"name\":\"bad-ports\",\"event_channels\":\"many\"}",
		"{\"cmd\":\"domain_create\",\"name\":\"bad-ports\",\"event_channels\":-1}",
		"{\"cmd\":\"domain_create\",\"name\":\"bad-ports\",\"event_channels\":4294967296}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json_object *reply = NULL;

		ck_assert_int_eq(hvsim_ctl_call(harness_ctl(), json_tokener_parse(bad[i]), &reply),
				 -EINVAL);
		ck_assert_msg(strstr(hvsim_ctl_error(harness_ctl()), "event_channels"), "%s",
			      hvsim_ctl_error(harness_ctl()));
	}
	ck_assert_int_eq(hvsim_domid(harness_ctl(), "bad-ports", &domid), -ESRCH);
}
END_TEST

/* ---- gntalloc's limit, bad arguments ------------------------------------- */

START_TEST(gntalloc_limit_is_a_module_parameter)
{
	const char *params[] = { "gntalloc.limit=5" };
	char sock[PATH_MAX];
	uint16_t domid;
	struct hvsim_dev *d;
	struct {
		struct ioctl_gntalloc_alloc_gref op;
		uint32_t more[7];
	} a = { .op = { .domid = 0, .count = 6 } };

	ck_assert_int_eq(hvsim_domain_create(harness_ctl(), "limited", 16, params, 1, &domid), 0);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), domid, sock, sizeof(sock)), 0);
	d = dev_open(sock, "/dev/xen/gntalloc", O_RDWR);
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTALLOC_ALLOC_GREF, &a), -ENOSPC);
	a.op.count = 5;
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTALLOC_ALLOC_GREF, &a), 0);
	a.op.count = 1;
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTALLOC_ALLOC_GREF, &a), -ENOSPC);
	/* freed (unmapped) grants count no more */
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTALLOC_DEALLOC_GREF,
		&(struct ioctl_gntalloc_dealloc_gref){ .index = 0, .count = 5 }), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTALLOC_ALLOC_GREF, &a), 0);
	hvsim_dev_close(d);
	/* the default elsewhere: 1024 */
	d = dev_open(sock0, "/dev/xen/gntalloc", O_RDWR);
	a.op.count = 1025;
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_GNTALLOC_ALLOC_GREF, &a), -ENOSPC);
	hvsim_dev_close(d);
}
END_TEST

/*
 * grant_table.version=2 (Linux's own parameter: built-in grant-table.c's
 * KBUILD_MODNAME is grant_table) makes Linux ask GNTTABOP_set_version(2).
 * hvsimd's tables are v1 only, refused as Xen refuses with
 * gnttab=max-ver:1 (-ENOSYS, version 1 written back), so Linux keeps the
 * v1 layout ("Grant tables using version 1 layout") and its grants are
 * mapped as anywhere else.  gnttab.version is no parameter Linux has.
 */
START_TEST(grant_table_version_2_keeps_v1)
{
	const char *params[] = { "grant_table.version=2" };
	char sock[PATH_MAX];
	uint16_t domid;
	struct share s;
	struct gmap m = { 0 };

	ck_assert_int_eq(hvsim_domain_create(harness_ctl(), "gnttab-v2", 16, params, 1, &domid), 0);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), domid, sock, sizeof(sock)), 0);
	share_pages(&s, sock, 0, 2);
	/* v1 entries, the first free after the 8 reserved */
	ck_assert_uint_eq(s.refs[0], 8);
	ck_assert_uint_eq(s.refs[1], 9);
	s.addr[0] = 0x5a;
	s.addr[4096 + 1] = 0xa5;
	ck_assert_int_eq(map_grants(&m, sock0, domid, s.refs, 2), 0);
	ck_assert_uint_eq(m.addr[0], 0x5a);
	ck_assert_uint_eq(m.addr[4096 + 1], 0xa5);
	ck_assert_int_eq(hvsim_dev_munmap((void *)m.addr, 2 * 4096), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_UNMAP_GRANT_REF,
		&(struct ioctl_gntdev_unmap_grant_ref){ .index = m.index, .count = 2 }), 0);
	hvsim_dev_close(m.dev);
	ck_assert_int_eq(hvsim_dev_munmap((void *)s.addr, 2 * 4096), 0);
	hvsim_dev_close(s.dev);

	params[0] = "gnttab.version=2";
	ck_assert_int_lt(hvsim_domain_create(harness_ctl(), "gnttab-typo", 16, params, 1, &domid), 0);
}
END_TEST

START_TEST(bad_ioctls_and_pointers)
{
	struct hvsim_dev *g = dev_open(sock1, "/dev/xen/gntdev", O_RDWR);
	struct hvsim_dev *a = dev_open(sock1, "/dev/xen/gntalloc", O_RDWR);
	struct hvsim_dev *x = NULL;

	ck_assert_int_eq(hvsim_dev_ioctl(g, 0x1234, NULL), -ENOTTY);
	ck_assert_int_eq(hvsim_dev_ioctl(a, 0x1234, NULL), -ENOTTY);
	ck_assert_int_eq(hvsim_dev_ioctl(g, IOCTL_GNTDEV_MAP_GRANT_REF, NULL), -EFAULT);
	ck_assert_int_eq(hvsim_dev_ioctl(g, IOCTL_GNTDEV_MAP_GRANT_REF, (void *)0x10), -EFAULT);
	ck_assert_int_eq(hvsim_dev_ioctl(a, IOCTL_GNTALLOC_ALLOC_GREF, NULL), -EFAULT);
	ck_assert_int_eq(hvsim_dev_ioctl(g, IOCTL_GNTDEV_UNMAP_GRANT_REF,
		&(struct ioctl_gntdev_unmap_grant_ref){ .index = 4096 * 9, .count = 1 }), -ENOENT);
	ck_assert_int_eq(hvsim_dev_ioctl(a, IOCTL_GNTALLOC_DEALLOC_GREF,
		&(struct ioctl_gntalloc_dealloc_gref){ .index = 4096 * 9, .count = 1 }), -EINVAL);
	/* count 0 and over the limit */
	ck_assert_int_eq(hvsim_dev_ioctl(g, IOCTL_GNTDEV_MAP_GRANT_REF,
		&(struct ioctl_gntdev_map_grant_ref){ .count = 0 }), -EINVAL);
	/* reads and writes of a file that has none */
	ck_assert_int_eq(hvsim_dev_read(g, &x, 4), -EINVAL);
	/* a device that is not there */
	ck_assert_int_eq(hvsim_dev_open(sock1, "/dev/xen/nosuch", O_RDWR, &x), -ENOENT);
	/* mmap where nothing was mapped */
	void *p;
	ck_assert_int_eq(hvsim_dev_mmap(g, NULL, 4096, PROT_READ, MAP_SHARED, 4096 * 20, &p), -EINVAL);
	ck_assert_int_eq(hvsim_dev_mmap(a, NULL, 4096, PROT_READ, MAP_SHARED, 4096 * 20, &p), -ENOENT);
	ck_assert_int_eq(hvsim_dev_mmap(a, NULL, 4096, PROT_READ, MAP_PRIVATE, 0, &p), -EINVAL);
	hvsim_dev_close(g);
	hvsim_dev_close(a);
}
END_TEST

/*
 * privcmd's ioctls newer than 6.1: IRQFD and IOEVENTFD (Linux 6.7, for
 * virtio backends) answer EOPNOTSUPP without CONFIG_XEN_PRIVCMD_EVENTFD,
 * PCIDEV_GET_GSI (6.12) EINVAL without CONFIG_XEN_ACPI (neither is
 * configured here: linux/kconfig.h); a tree without them says ENOTTY,
 * as for any number privcmd does not know.  (The numbers are 6.12's uapi,
 * sizes included, as the host's headers may predate them.)
 */
START_TEST(privcmd_ioctls_the_tree_has)
{
	struct hvsim_dev *p = dev_open(sock0, "/dev/xen/privcmd", O_RDWR);
	unsigned long irqfd = _IOW('P', 8, char[24]), ioeventfd = _IOW('P', 9, char[48]);
	unsigned long get_gsi = _IOC(_IOC_NONE, 'P', 10, 8);
	uint64_t arg[6] = { 0 };

	ck_assert_int_eq(hvsim_dev_ioctl(p, irqfd, arg), TREE_AT_LEAST(6, 7) ? -EOPNOTSUPP : -ENOTTY);
	ck_assert_int_eq(hvsim_dev_ioctl(p, ioeventfd, arg),
			 TREE_AT_LEAST(6, 7) ? -EOPNOTSUPP : -ENOTTY);
	ck_assert_int_eq(hvsim_dev_ioctl(p, get_gsi, arg), TREE_AT_LEAST(6, 12) ? -EINVAL : -ENOTTY);
	hvsim_dev_close(p);
}
END_TEST

/*
 * kmalloc refuses what Linux's refuses (more than KMALLOC_MAX_SIZE,
 * 4 MiB), and drivers count on it: privcmd's MMAP_RESOURCE kcallocs a pfn
 * for every page the program asks for (__GFP_NOWARN), so a huge count is
 * ENOMEM there, before anything else is tried.  The shim once served any
 * size: the fuzzer `devices` had a program make its kernel allocate (and
 * zero) 8 GB (docs/fuzzing.md).  Here a million pages, whose pfns (8 MB)
 * Linux will not kcalloc; the shim went on and tried to allocate a
 * million pages, which privcmd logs when it fails ("Could not alloc").
 */
START_TEST(privcmd_mmap_resource_past_kmalloc_max_is_enomem)
{
	struct hvsim_dev *p = dev_open(sock0, "/dev/xen/privcmd", O_RDWR);
	privcmd_mmap_resource_t mr = { .dom = dom1, .type = 1 /* XENMEM_resource_grant_table */,
				       .num = 1 << 20 };
	char log[PATH_MAX], line[512];
	void *va;
	FILE *f;

	ck_assert_int_eq(hvsim_dev_mmap(p, NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, 0, &va), 0);
	mr.addr = (uintptr_t)va;
	ck_assert_int_eq(hvsim_dev_ioctl(p, IOCTL_PRIVCMD_MMAP_RESOURCE, &mr), -ENOMEM);
	ck_assert_int_eq(hvsim_kernel_log(harness_dir(), 0, log, sizeof(log)), 0);
	f = fopen(log, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		ck_assert_msg(!strstr(line, "Could not alloc"), "the kernel went on: %s", line);
	fclose(f);
	ck_assert_int_eq(hvsim_dev_munmap(va, 4096), 0);
	hvsim_dev_close(p);
}
END_TEST

/*
 * A privcmd mapping is never split: its ->may_split says no, since both
 * halves would share the pages its ->close frees (Linux: "Forbid
 * splitting, avoids double free via privcmd_close()").  The shim once
 * split it anyway: the fuzzer `devices` found the second close reading
 * and freeing the pages the first had freed (docs/fuzzing.md).  Here
 * foreign pages of the guest are mapped in two pages of privcmd, and the
 * program unmaps them one at a time: the kernel keeps its mapping whole
 * (until the program's exit), frees the pages once and lives on.
 */
START_TEST(privcmd_mapping_is_not_split)
{
	struct hvsim_dev *p = dev_open(sock0, "/dev/xen/privcmd", O_RDWR);
	xen_pfn_t gfns[2] = { 1, 2 };
	int errs[2] = { 7, 7 };
	privcmd_mmapbatch_v2_t mb = { .num = 2, .dom = dom1, .arr = gfns, .err = errs };
	privcmd_hypercall_t hc = { .op = __HYPERVISOR_xen_version, .arg = { 0 /* XENVER_version */ } };
	char log[PATH_MAX], line[512];
	void *va;
	FILE *f;

	ck_assert_int_eq(hvsim_dev_mmap(p, NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
					0, &va), 0);
	mb.addr = (uintptr_t)va;
	ck_assert_int_eq(hvsim_dev_ioctl(p, IOCTL_PRIVCMD_MMAPBATCH_V2, &mb), 0);
	ck_assert_int_eq(errs[0], 0);
	ck_assert_int_eq(errs[1], 0);
	hvsim_dev_munmap(va, 4096);
	hvsim_dev_munmap((char *)va + 4096, 4096);
	hvsim_dev_close(p);
	/* the kernel still serves */
	p = dev_open(sock0, "/dev/xen/privcmd", O_RDWR);
	ck_assert_int_gt(hvsim_dev_ioctl(p, IOCTL_PRIVCMD_HYPERCALL, &hc), 0);
	hvsim_dev_close(p);
	ck_assert_int_eq(hvsim_kernel_log(harness_dir(), 0, log, sizeof(log)), 0);
	f = fopen(log, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		ck_assert_msg(!strstr(line, "unable to unmap") && !strstr(line, "kfree") &&
			      !strstr(line, "panic"), "the kernel says: %s", line);
	fclose(f);
}
END_TEST

START_TEST(wrong_domid_revoked_and_out_of_range_refs)
{
	struct share s;
	struct gmap m = { 0 };
	uint32_t bad = 100000;
	void *p;

	share_pages(&s, sock0, dom1, 1);
	/* granted to dom1, mapped by dom0 itself: not for it */
	ck_assert_int_eq(map_grants(&m, sock0, 0, s.refs, 1), -EINVAL);
	/* the index stays taken: a failed mmap leaves the map in use */
	ck_assert_int_eq(hvsim_dev_mmap(m.dev, NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
					(off_t)m.index, &p), -EINVAL);
	ck_assert_int_eq(hvsim_dev_ioctl(m.dev, IOCTL_GNTDEV_UNMAP_GRANT_REF,
		&(struct ioctl_gntdev_unmap_grant_ref){ .index = m.index, .count = 1 }), 0);
	hvsim_dev_close(m.dev);
	/* a domain that does not exist */
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(map_grants(&m, sock1, 777, s.refs, 1), -EINVAL);
	hvsim_dev_close(m.dev);
	/* out of range */
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(map_grants(&m, sock1, 0, &bad, 1), -EINVAL);
	hvsim_dev_close(m.dev);
	/* revoked: deallocated while nobody mapped it */
	ck_assert_int_eq(hvsim_dev_munmap((void *)s.addr, 4096), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(s.dev, IOCTL_GNTALLOC_DEALLOC_GREF,
		&(struct ioctl_gntalloc_dealloc_gref){ .index = s.index, .count = 1 }), 0);
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(map_grants(&m, sock1, 0, s.refs, 1), -EINVAL);
	hvsim_dev_close(m.dev);
	hvsim_dev_close(s.dev);
}
END_TEST

/* ---- the device socket itself, spoken to by a misbehaving program ---- */

static int raw_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	strcpy(a.sun_path, path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* Sends len bytes of req (with one descriptor if fd >= 0); the reply's ret,
 * and what followed it in *tail. */
static int64_t raw_call(int sock, const void *req, size_t len, int fd, uint64_t *tail)
{
	char buf[sizeof(struct hvsim_dev_reply) + 64];
	struct hvsim_dev_reply *r = (void *)buf;
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = { 0 };
	struct iovec iov = { (void *)req, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		m.msg_control = u.b;
		m.msg_controllen = sizeof(u.b);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	ck_assert_int_eq(sendmsg(sock, &m, MSG_NOSIGNAL), (ssize_t)len);
	n = recv(sock, buf, sizeof(buf), 0);
	ck_assert_int_ge(n, (ssize_t)sizeof(*r));
	if (tail)
		memcpy(tail, r + 1, sizeof(*tail));
	return r->ret;
}

/* A FORK_PREPARE on a raw connection: its token (the reply's file). */
static uint64_t raw_fork_prepare(int sock)
{
	struct hvsim_dev_req req = { .op = HVSIM_DEV_FORK_PREPARE, .seq = 1 };
	struct hvsim_dev_reply r;

	ck_assert_int_eq(send(sock, &req, sizeof(req), MSG_NOSIGNAL), (ssize_t)sizeof(req));
	ck_assert_int_eq(recv(sock, &r, sizeof(r), 0), (ssize_t)sizeof(r));
	ck_assert_int_eq(r.ret, 0);
	return r.file;
}

START_TEST(forged_device_socket_requests)
{
	int sock = raw_connect(sock1), pipefd[2];
	struct hvsim_dev *d = dev_open(sock1, "/dev/xen/evtchn", O_RDWR);
	struct hvsim_dev_req req = { .op = HVSIM_DEV_IOCTL, .seq = 1 };
	uint64_t id = 1;

	/* a file id nobody opened: as an fd that is not open */
	req.file = 0x1234567890abcdefULL;
	req.cmd = IOCTL_EVTCHN_RESET;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -EBADF);
	req.op = HVSIM_DEV_READ;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -EBADF);
	req.op = HVSIM_DEV_CLOSE;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), 0);
	/* a truncated request */
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req) / 2, -1, NULL), -EPROTO);
	/* an open without a path */
	req.op = HVSIM_DEV_OPEN;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -EINVAL);
	/* fork tokens nobody made */
	req.op = HVSIM_DEV_FORK_COMMIT;
	req.arg = 424242;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -ENOENT);
	req.op = HVSIM_DEV_FORK_ABORT;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -ENOENT);
	/* a copy committed to the process it was made of (the fuzzer `devices`
	 * did so: every VMA went into that mm twice, each further fork copied
	 * them all again): refused, the token used up */
	req.op = HVSIM_DEV_FORK_COMMIT;
	req.arg = raw_fork_prepare(sock);
	req.cmd = 0;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -EINVAL);
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -ENOENT);
	req.arg = raw_fork_prepare(sock);
	req.cmd = (uint32_t)getpid();
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -EINVAL);
	req.cmd = 0;
	/* mprotect: of no mapping, ENOMEM; unaligned or an unknown PROT_ bit, EINVAL */
	req = (struct hvsim_dev_req){ .op = HVSIM_DEV_MPROTECT, .seq = 1, .arg = 1UL << 40,
				      .len = ~0ULL >> 1, .cmd = PROT_READ };
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -ENOMEM);
	req.arg += 1;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -EINVAL);
	req.arg -= 1;
	req.cmd = 0x100;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -EINVAL);
	req.len = 0;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), 0);
	req = (struct hvsim_dev_req){ .op = HVSIM_DEV_FORK_ABORT, .seq = 1 };
	/* identify: a pipe is no file of the kernel's; our evtchn is */
	ck_assert_int_eq(pipe(pipefd), 0);
	req.op = HVSIM_DEV_IDENTIFY;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), pipefd[0], &id), 1);
	ck_assert_uint_eq(id, 0);
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), hvsim_dev_fd(d), &id), 1);
	ck_assert_uint_ne(id, 0);
	/* on that file, an operation that does not exist */
	req.op = 99;
	req.file = id;
	ck_assert_int_eq(raw_call(sock, &req, sizeof(req), -1, NULL), -EINVAL);
	/* and the file still works for its owner */
	ck_assert_int_eq(hvsim_dev_ioctl(d, IOCTL_EVTCHN_RESET, NULL), 0);
	close(pipefd[0]);
	close(pipefd[1]);
	close(sock);
	hvsim_dev_close(d);
}
END_TEST

/* ---- mprotect ------------------------------------------------------------ */

/*
 * The protection the program's own mapping of addr has now, as
 * /proc/self/maps says it ("rw-s"); "none" when nothing is mapped there.
 */
static const char *perms_at(const volatile void *addr)
{
	static char perms[5];
	uintptr_t a = (uintptr_t)addr;
	unsigned long lo, hi;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	ck_assert_ptr_nonnull(f);
	strcpy(perms, "none");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 && lo <= a && a < hi)
			break;
		else
			strcpy(perms, "none");
	fclose(f);
	return perms;
}

/* gntdev: ref of domain `from` added to m's file (IOCTL_GNTDEV_MAP_GRANT_REF). */
static void gntdev_add(struct gmap *m, const char *sock, uint16_t from, uint32_t ref)
{
	struct ioctl_gntdev_map_grant_ref op = { .count = 1 };

	op.refs[0] = (struct ioctl_gntdev_grant_ref){ .domid = from, .ref = ref };
	if (!m->dev)
		m->dev = dev_open(sock, "/dev/xen/gntdev", O_RDWR);
	ck_assert_int_eq(hvsim_dev_ioctl(m->dev, IOCTL_GNTDEV_MAP_GRANT_REF, &op), 0);
	m->index = op.index;
	m->count = 1;
}

/* The middle page of three, the two others unmapped. */
static char *page_between_holes(void)
{
	char *base = mmap(NULL, 3 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(base, MAP_FAILED);
	munmap(base, 4096);
	munmap(base + 2 * 4096, 4096);
	return base + 4096;
}

/*
 * A private read-only mapping of a grant, then mprotect(PROT_WRITE):
 * Linux 6.12's gntdev cleared VM_MAYWRITE at mmap ("Private mappings of
 * foreign grant pages must never become writable"), so it is EACCES and
 * the page stays read-only.  Linux 6.1's left VM_MAYWRITE (the file is
 * open for writing), so it succeeds, and a write then makes the program a
 * private copy (the granter's page is untouched).
 */
START_TEST(mprotect_of_a_private_grant_mapping_follows_the_tree)
{
	struct share s;
	struct gmap m = { 0 };
	volatile char *p;
	void *va;
	int rc;

	share_pages(&s, sock0, dom1, 1);
	s.addr[0] = 'A';
	gntdev_add(&m, sock1, 0, s.refs[0]);
	/* a private writable one gntdev refuses in both trees */
	ck_assert_int_eq(hvsim_dev_mmap(m.dev, NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE,
					(off_t)m.index, &va), -EINVAL);
	ck_assert_int_eq(hvsim_dev_mmap(m.dev, NULL, 4096, PROT_READ, MAP_PRIVATE,
					(off_t)m.index, &va), 0);
	p = va;
	ck_assert_str_eq(perms_at(p), "r--p");
	ck_assert_int_eq(p[0], 'A');
	rc = hvsim_dev_mprotect(va, 4096, PROT_READ | PROT_WRITE);
	if (TREE_AT_LEAST(6, 12)) {
		ck_assert_int_eq(rc, -EACCES);
		ck_assert_str_eq(perms_at(p), "r--p");
		/* and still, a second time: the kernel's VMA is unchanged */
		ck_assert_int_eq(hvsim_dev_mprotect(va, 4096, PROT_WRITE), -EACCES);
		ck_assert_str_eq(perms_at(p), "r--p");
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(perms_at(p), "rw-p");
		p[0] = 'B';
		ck_assert_int_eq(p[0], 'B');
		ck_assert_int_eq(s.addr[0], 'A');
	}
	/* taking rights away is allowed in both */
	ck_assert_int_eq(hvsim_dev_mprotect(va, 4096, PROT_NONE), 0);
	ck_assert_str_eq(perms_at(p), "---p");
	ck_assert_int_eq(hvsim_dev_munmap(va, 4096), 0);
	hvsim_dev_close(m.dev);
	hvsim_dev_close(s.dev);
}
END_TEST

/* A shared writable grant mapping made read-only and writable again. */
START_TEST(mprotect_of_a_shared_grant_mapping_there_and_back)
{
	struct share s;
	struct gmap m = { 0 };

	share_pages(&s, sock0, dom1, 1);
	ck_assert_int_eq(map_grants(&m, sock1, 0, s.refs, 1), 0);
	ck_assert_str_eq(perms_at(m.addr), "rw-s");
	ck_assert_int_eq(hvsim_dev_mprotect((void *)m.addr, 4096, PROT_READ), 0);
	ck_assert_str_eq(perms_at(m.addr), "r--s");
	ck_assert_int_eq(hvsim_dev_mprotect((void *)m.addr, 4096, PROT_READ | PROT_WRITE), 0);
	ck_assert_str_eq(perms_at(m.addr), "rw-s");
	m.addr[5] = 0x5a;
	ck_assert_uint_eq(s.addr[5], 0x5a);
	/* len 0 is nothing; an address inside a page is EINVAL (the C library's) */
	ck_assert_int_eq(hvsim_dev_mprotect((void *)m.addr, 0, PROT_NONE), HVSIM_DEV_NOT_MINE);
	ck_assert_int_eq(hvsim_dev_mprotect((void *)(m.addr + 1), 1, PROT_NONE),
			 HVSIM_DEV_NOT_MINE);
	ck_assert_int_eq(hvsim_dev_munmap((void *)m.addr, 4096), 0);
	hvsim_dev_close(m.dev);
	hvsim_dev_close(s.dev);
}
END_TEST

/*
 * Holes: a range that starts in one is ENOMEM with nothing changed; one
 * with a hole after a mapping is ENOMEM with the mapping changed, since
 * Linux changes each VMA before it looks for the next.  An EACCES in the
 * first VMA comes before the hole after it (6.12's private mapping); in
 * 6.1 that VMA changes and the hole is ENOMEM.
 */
START_TEST(mprotect_over_holes_is_enomem_in_linux_order)
{
	struct share s;
	struct gmap m = { 0 };
	char *mid, *priv;
	void *va;

	share_pages(&s, sock0, dom1, 1);
	gntdev_add(&m, sock1, 0, s.refs[0]);
	/* (made last: a one-page mapping made after would fill a hole) */
	mid = page_between_holes();
	ck_assert_int_eq(hvsim_dev_mmap(m.dev, mid, 4096, PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_FIXED, (off_t)m.index, &va), 0);
	ck_assert_ptr_eq(va, mid);
	ck_assert_int_eq(hvsim_dev_mprotect(mid - 4096, 3 * 4096, PROT_READ), -ENOMEM);
	ck_assert_str_eq(perms_at(mid), "rw-s");
	ck_assert_int_eq(hvsim_dev_mprotect(mid, 2 * 4096, PROT_READ), -ENOMEM);
	ck_assert_str_eq(perms_at(mid), "r--s");
	ck_assert_int_eq(hvsim_dev_munmap(mid, 4096), 0);

	/* (gntdev maps a grant map once: the second mapping takes another) */
	gntdev_add(&m, sock1, 0, s.refs[0]);
	priv = page_between_holes();
	ck_assert_int_eq(hvsim_dev_mmap(m.dev, priv, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED,
					(off_t)m.index, &va), 0);
	if (TREE_AT_LEAST(6, 12)) {
		ck_assert_int_eq(hvsim_dev_mprotect(priv, 2 * 4096, PROT_READ | PROT_WRITE),
				 -EACCES);
		ck_assert_str_eq(perms_at(priv), "r--p");
	} else {
		ck_assert_int_eq(hvsim_dev_mprotect(priv, 2 * 4096, PROT_READ | PROT_WRITE),
				 -ENOMEM);
		ck_assert_str_eq(perms_at(priv), "rw-p");
	}
	ck_assert_int_eq(hvsim_dev_munmap(priv, 4096), 0);
	hvsim_dev_close(m.dev);
	hvsim_dev_close(s.dev);
}
END_TEST

/*
 * Ordinary memory is none of the kernel's; a range of ordinary memory and
 * a device mapping is changed whole, each part by whom it belongs to.
 */
START_TEST(mprotect_of_ordinary_memory_is_untouched)
{
	char *plain = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct share s;
	struct gmap m = { 0 };
	void *va;

	ck_assert_ptr_ne(plain, MAP_FAILED);
	ck_assert_int_eq(hvsim_dev_mprotect(plain, 2 * 4096, PROT_READ), HVSIM_DEV_NOT_MINE);
	ck_assert_str_eq(perms_at(plain), "rw-p");

	share_pages(&s, sock0, dom1, 1);
	gntdev_add(&m, sock1, 0, s.refs[0]);
	ck_assert_int_eq(hvsim_dev_mmap(m.dev, plain + 4096, 4096, PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_FIXED, (off_t)m.index, &va), 0);
	ck_assert_int_eq(hvsim_dev_mprotect(plain, 2 * 4096, PROT_READ), 0);
	ck_assert_str_eq(perms_at(plain), "r--p");
	ck_assert_str_eq(perms_at(plain + 4096), "r--s");
	ck_assert_int_eq(hvsim_dev_munmap(plain + 4096, 4096), 0);
	munmap(plain, 4096);
	hvsim_dev_close(m.dev);
	hvsim_dev_close(s.dev);
}
END_TEST

/* A program of the domain: opens evtchn, says so on `said`, stays. */
struct doomed {
	const char *sock;
	int said;     /* write end of a pipe */
};

static int doomed_program(void *arg)
{
	struct doomed *d = arg;
	struct hvsim_dev *e;

	if (hvsim_dev_open(d->sock, "/dev/xen/evtchn", O_RDWR, &e) || write(d->said, "o", 1) != 1)
		return 1;
	/* until its domain's kernel kills it */
	for (;;)
		pause();
}

/* `hvsim domain destroy` of the domain named `arg` on a connection of its own */
static int destroy_on_own_connection(void *arg)
{
	struct hvsim_ctl *c;
	int rc;

	if (hvsim_ctl_open(harness_dir(), &c))
		return 2;
	rc = hvsim_domain_destroy(c, arg);
	hvsim_ctl_close(c);
	return rc ? 1 : 0;
}

/*
 * `hvsim domain destroy` returns once the domain's programs are gone: on
 * Xen nothing of a destroyed domain runs after `xl destroy`.  The kernel,
 * which kills them (procwatch.c), is held stopped across the destroy: the
 * reply waits for it, and when it comes the program is dead.  (It came at
 * once, and a test that then closed a program's stdin saw it exit 0 on
 * EOF before its kernel had killed it: foreign-test, one run in 180.)
 */
/*
 * Domain `name` with a program that used its devices (*prog), and its
 * kernel stopped (SIGSTOP): returns the kernel's pid.
 */
static pid_t doomed_domain_kernel_stopped(const char *name, pid_t *prog)
{
	char sock[PATH_MAX];
	struct ucred kernel;
	socklen_t len = sizeof(kernel);
	struct doomed d;
	int said[2], k;
	uint16_t domid;
	char byte;

	ck_assert_int_eq(hvsim_domain_create(harness_ctl(), name, 16, NULL, 0, &domid), 0);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), domid, sock, sizeof(sock)), 0);
	ck_assert_int_eq(pipe(said), 0);
	d = (struct doomed){ .sock = sock, .said = said[1] };
	*prog = harness_spawn(doomed_program, &d);
	close(said[1]);
	ck_assert_msg(read(said[0], &byte, 1) == 1, "the domain's program did not start");
	close(said[0]);
	/* the kernel is the process at the other end of its device socket */
	k = raw_connect(sock);
	ck_assert_int_eq(getsockopt(k, SOL_SOCKET, SO_PEERCRED, &kernel, &len), 0);
	close(k);
	ck_assert_int_eq(kill(kernel.pid, SIGSTOP), 0);
	return kernel.pid;
}

START_TEST(destroy_returns_once_the_domains_programs_are_gone)
{
	pid_t prog, kernel = doomed_domain_kernel_stopped("doomed", &prog);
	pid_t destroyer = harness_spawn(destroy_on_own_connection, "doomed");
	int status;

	usleep(300 * 1000);
	status = waitpid(destroyer, NULL, WNOHANG);
	if (status != 0)
		kill(kernel, SIGCONT);
	ck_assert_msg(status == 0, "hvsim domain destroy returned while the domain's kernel, "
		      "stopped, had not yet killed its programs");
	ck_assert_msg(!procstat_dead_or_dying(prog), "the program died with its kernel stopped");

	ck_assert_int_eq(kill(kernel, SIGCONT), 0);
	ck_assert_int_eq(harness_wait(destroyer), 0);
	ck_assert_msg(procstat_dead_or_dying(prog), "hvsim domain destroy returned, and the domain's "
		      "program still runs");
	ck_assert_int_eq(harness_wait(prog), 128 + SIGKILL);
}
END_TEST

/*
 * A kernel that never stops: hvsimd SIGKILLs it after the grace period
 * (two seconds) and then answers.  Nobody killed the program then; it
 * lives on, as after any kernel killed by hand (docs/userlib.md).
 */
START_TEST(destroy_of_a_kernel_that_never_stops_returns_after_the_grace)
{
	pid_t prog, kernel = doomed_domain_kernel_stopped("stuck", &prog);

	ck_assert_int_eq(hvsim_domain_destroy(harness_ctl(), "stuck"), 0);
	/* hvsimd has reaped it: its pid is free */
	ck_assert_msg(kill(kernel, 0) < 0 && errno == ESRCH, "the destroy returned, and the "
		      "stopped kernel is still there");
	ck_assert_msg(!procstat_dead_or_dying(prog), "the program died without its kernel");
	kill(prog, SIGKILL);
	ck_assert_int_eq(harness_wait(prog), 128 + SIGKILL);
}
END_TEST

/*
 * The caller of a destroy goes away while the reply waits for the kernel:
 * hvsimd drops the reply, and serves on.
 */
START_TEST(destroy_whose_caller_hangs_up_while_it_waits)
{
	pid_t prog, kernel = doomed_domain_kernel_stopped("doomed", &prog);
	pid_t destroyer = harness_spawn(destroy_on_own_connection, "doomed");
	uint16_t domid;

	usleep(300 * 1000);
	ck_assert_int_eq(kill(destroyer, SIGKILL), 0);
	ck_assert_int_eq(harness_wait(destroyer), 128 + SIGKILL);
	ck_assert_int_eq(kill(kernel, SIGCONT), 0);
	ck_assert_int_eq(harness_wait(prog), 128 + SIGKILL);
	ck_assert_int_eq(hvsim_ping(harness_ctl()), 0);
	ck_assert_int_eq(hvsim_domain_create(harness_ctl(), "after", 16, NULL, 0, &domid), 0);
	ck_assert_int_eq(hvsim_domain_destroy(harness_ctl(), "after"), 0);
}
END_TEST

/*
 * A kernel that is gone decides nothing: the program's mapping is the
 * host's alone then, and its mprotect goes to the host (devclient.c,
 * mprotect_device), rather than failing for want of an answer.  The
 * kernel is SIGKILLed, not destroyed: a destroy would kill this program
 * with its domain (procwatch.c).
 */
START_TEST(mprotect_after_the_kernel_is_gone_is_the_hosts)
{
	char sock[PATH_MAX];
	struct ucred kernel;
	socklen_t len = sizeof(kernel);
	struct share s;
	struct pollfd p;
	uint16_t domid;

	ck_assert_int_eq(hvsim_domain_create(harness_ctl(), "gone", 16, NULL, 0, &domid), 0);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), domid, sock, sizeof(sock)), 0);
	share_pages(&s, sock, 0, 1);
	ck_assert_str_eq(perms_at(s.addr), "rw-s");
	/* the kernel is the process at the other end of its device socket */
	p = (struct pollfd){ .fd = raw_connect(sock), .events = POLLIN };
	ck_assert_int_eq(getsockopt(p.fd, SOL_SOCKET, SO_PEERCRED, &kernel, &len), 0);
	ck_assert_int_eq(kill(kernel.pid, SIGKILL), 0);
	ck_assert_int_eq(poll(&p, 1, 10000), 1);
	ck_assert(p.revents & POLLHUP);
	close(p.fd);
	ck_assert_int_eq(hvsim_dev_mprotect((void *)s.addr, 4096, PROT_READ), 0);
	ck_assert_str_eq(perms_at(s.addr), "r--s");
	ck_assert_int_eq(hvsim_dev_munmap((void *)s.addr, 4096), 0);
	hvsim_dev_close(s.dev);
}
END_TEST

/*
 * A privcmd mapping of two pages in Domain-0 (*p, *va) and the batch that
 * would place dom1's gfns 1 and 2 there (mb, its arrays in `gfns`, `errs`).
 */
static void privcmd_two_pages(struct hvsim_dev **p, char **va, privcmd_mmapbatch_v2_t *mb,
			      xen_pfn_t gfns[2], int errs[2])
{
	*p = dev_open(sock0, "/dev/xen/privcmd", O_RDWR);
	gfns[0] = 1;
	gfns[1] = 2;
	errs[0] = errs[1] = 7;
	ck_assert_int_eq(hvsim_dev_mmap(*p, NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
					0, (void **)va), 0);
	*mb = (privcmd_mmapbatch_v2_t){
		.num = 2, .dom = dom1, .addr = (uintptr_t)*va, .arr = gfns, .err = errs,
	};
}

/*
 * The kernel sees the new protection: privcmd's pages placed after an
 * mprotect(PROT_READ) come read-only (its VMA lost VM_WRITE), and the
 * mapping's pages with no frame yet stay inaccessible whatever the
 * protection.  Part of a privcmd mapping is EINVAL: its ->may_split
 * refuses the split, and nothing changes.
 */
START_TEST(mprotect_is_seen_by_the_kernel)
{
	struct hvsim_dev *p;
	xen_pfn_t gfns[2];
	int errs[2];
	privcmd_mmapbatch_v2_t mb;
	char *va;

	privcmd_two_pages(&p, &va, &mb, gfns, errs);
	ck_assert_int_eq(hvsim_dev_mprotect(va, 4096, PROT_READ), -EINVAL);
	ck_assert_int_eq(hvsim_dev_mprotect(va, 2 * 4096, PROT_READ), 0);
	ck_assert_str_eq(perms_at(va), "---p");
	ck_assert_int_eq(hvsim_dev_ioctl(p, IOCTL_PRIVCMD_MMAPBATCH_V2, &mb), 0);
	ck_assert_int_eq(errs[0], 0);
	ck_assert_str_eq(perms_at(va), "r--s");
	ck_assert_str_eq(perms_at(va + 4096), "r--s");
	ck_assert_int_eq(hvsim_dev_mprotect(va, 2 * 4096, PROT_READ | PROT_WRITE), 0);
	ck_assert_str_eq(perms_at(va + 4096), "rw-s");
	ck_assert_int_eq(hvsim_dev_munmap(va, 2 * 4096), 0);
	hvsim_dev_close(p);
}
END_TEST

/*
 * Pages placed in a mapping with no access (mprotect(PROT_NONE)) come in
 * with that protection, as Linux's remap uses the VMA's: the program
 * cannot read them until it gives the mapping access again.
 */
START_TEST(pages_placed_after_mprotect_none_stay_inaccessible)
{
	struct hvsim_dev *p;
	xen_pfn_t gfns[2];
	int errs[2];
	privcmd_mmapbatch_v2_t mb;
	char *va;

	privcmd_two_pages(&p, &va, &mb, gfns, errs);
	ck_assert_int_eq(hvsim_dev_mprotect(va, 2 * 4096, PROT_NONE), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(p, IOCTL_PRIVCMD_MMAPBATCH_V2, &mb), 0);
	ck_assert_int_eq(errs[0], 0);
	ck_assert_int_eq(errs[1], 0);
	ck_assert_str_eq(perms_at(va), "---s");
	ck_assert_str_eq(perms_at(va + 4096), "---s");
	ck_assert_int_eq(hvsim_dev_mprotect(va, 2 * 4096, PROT_READ), 0);
	ck_assert_str_eq(perms_at(va), "r--s");
	ck_assert_int_eq(hvsim_dev_munmap(va, 2 * 4096), 0);
	hvsim_dev_close(p);
}
END_TEST

static Suite *devices_suite(void)
{
	Suite *s = suite_create("kmod-devices");
	TCase *tc = tcase_create("devices");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, gntalloc_page_mapped_by_gntdev_is_shared);
	tcase_add_test(tc, munmap_is_not_for_a_plain_range);
	tcase_add_test(tc, get_offset_for_vaddr);
	tcase_add_test(tc, set_max_grants_is_gone_in_6_1);
	tcase_add_test(tc, grant_copy_both_ways_with_status);
	tcase_add_test(tc, grant_copy_writes_back_only_changed_bytes);
	tcase_add_test(tc, grant_copy_in_runs_of_every_alignment);
	tcase_add_test(tc, grant_copy_reuses_its_bounce_pages);
	tcase_add_test(tc, gntdev_unmap_notify_fires_when_mapper_is_killed);
	tcase_add_test(tc, gntalloc_unmap_notify_fires_when_granter_is_killed);
	tcase_add_test(tc, file_lives_until_last_close_and_last_munmap);
	tcase_add_test(tc, unmap_notify_errors);
	tcase_add_test(tc, evtchn_bind_notify_read_unmask);
	tcase_add_test(tc, evtchn_ring_overflow_is_efbig);
	tcase_add_test(tc, a_blocked_read_leaves_readiness_exact);
	tcase_add_test(tc, blocking_read_ends_with_eintr_on_a_signal);
	tcase_add_test(tc, killing_a_blocked_reader_releases_its_file);
	tcase_add_test(tc, evtchn_errors);
	tcase_add_test(tc, evtchn_bind_static_never_closes_the_channel);
	tcase_add_test(tc, down_while_ports_are_bound_stops_kernels_in_order);
	tcase_add_test(tc, destroy_during_hypercalls_is_no_bug);
	tcase_add_test(tc, destroy_returns_once_the_domains_programs_are_gone);
	tcase_add_test(tc, destroy_of_a_kernel_that_never_stops_returns_after_the_grace);
	tcase_add_test(tc, destroy_whose_caller_hangs_up_while_it_waits);
	tcase_add_test(tc, event_abi_is_linux_choice);
	tcase_add_test(tc, event_channels_bound_a_domu);
	tcase_add_test(tc, gntalloc_limit_is_a_module_parameter);
	tcase_add_test(tc, grant_table_version_2_keeps_v1);
	tcase_add_test(tc, bad_ioctls_and_pointers);
	tcase_add_test(tc, privcmd_ioctls_the_tree_has);
	tcase_add_test(tc, privcmd_mmap_resource_past_kmalloc_max_is_enomem);
	tcase_add_test(tc, privcmd_mapping_is_not_split);
	tcase_add_test(tc, wrong_domid_revoked_and_out_of_range_refs);
	tcase_add_test(tc, forged_device_socket_requests);
	tcase_add_test(tc, mprotect_of_a_private_grant_mapping_follows_the_tree);
	tcase_add_test(tc, mprotect_of_a_shared_grant_mapping_there_and_back);
	tcase_add_test(tc, mprotect_over_holes_is_enomem_in_linux_order);
	tcase_add_test(tc, mprotect_of_ordinary_memory_is_untouched);
	tcase_add_test(tc, mprotect_after_the_kernel_is_gone_is_the_hosts);
	tcase_add_test(tc, pages_placed_after_mprotect_none_stay_inaccessible);
	tcase_add_test(tc, mprotect_is_seen_by_the_kernel);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(devices_suite());
}
