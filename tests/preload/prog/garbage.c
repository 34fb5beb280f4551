// SPDX-License-Identifier: GPL-2.0-only
/*
 * garbage: calls a careless or hostile program makes, each answered with
 * the errno Linux 6.1's drivers and VFS give.  Says "ok NAME" or "bad
 * NAME: ..." for each, then "done BAD".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "prog.h"

/* (volatile: the compiler must not see through them and refuse) */
static void *volatile wild = (void *)0x10;
static void *volatile kernel_addr = (void *)-4096L;
#define WILD wild
#define KERNEL_ADDR kernel_addr

static int bad;

/* The call returned `ret` with errno `err`: Linux says -1 and `want`. */
static void expect(const char *name, long ret, int err, int want)
{
	if (ret == -1 && err == want) {
		say("ok %s", name);
		return;
	}
	say("bad %s: returned %ld errno %d (%s), Linux: -1 errno %d (%s)", name, ret,
	    ret == -1 ? err : 0, ret == -1 ? strerror(err) : "-", want, strerror(want));
	bad++;
}

#define EXPECT(name, call, want) \
	do { long r_ = (long)(call); expect(name, r_, errno, want); } while (0)

/* An argument that starts in memory and runs into a page we cannot read. */
static void *straddling(size_t size)
{
	char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_NONE) < 0)
		die("mmap: %s", strerror(errno));
	memset(p, 0, PAGE_SIZE);
	return p + PAGE_SIZE - size / 2;
}

static void pointers(int gntalloc, int gntdev, int evtchn)
{
	struct ioctl_gntalloc_alloc_gref *half = straddling(sizeof(*half));

	half->count = 1;
	EXPECT("gntalloc-alloc-null", ioctl(gntalloc, IOCTL_GNTALLOC_ALLOC_GREF, NULL), EFAULT);
	EXPECT("gntalloc-alloc-wild", ioctl(gntalloc, IOCTL_GNTALLOC_ALLOC_GREF, WILD), EFAULT);
	EXPECT("gntalloc-alloc-kernel-address",
	       ioctl(gntalloc, IOCTL_GNTALLOC_ALLOC_GREF, KERNEL_ADDR), EFAULT);
	EXPECT("gntalloc-alloc-straddling",
	       ioctl(gntalloc, IOCTL_GNTALLOC_ALLOC_GREF, half), EFAULT);
	EXPECT("gntalloc-notify-wild",
	       ioctl(gntalloc, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, WILD), EFAULT);
	EXPECT("gntdev-map-wild", ioctl(gntdev, IOCTL_GNTDEV_MAP_GRANT_REF, WILD), EFAULT);
	EXPECT("gntdev-offset-wild",
	       ioctl(gntdev, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, WILD), EFAULT);
	EXPECT("gntdev-copy-wild", ioctl(gntdev, IOCTL_GNTDEV_GRANT_COPY, WILD), EFAULT);
	EXPECT("evtchn-unbound-wild",
	       ioctl(evtchn, IOCTL_EVTCHN_BIND_UNBOUND_PORT, WILD), EFAULT);
	EXPECT("evtchn-notify-wild", ioctl(evtchn, IOCTL_EVTCHN_NOTIFY, WILD), EFAULT);
	EXPECT("evtchn-fionbio-wild", ioctl(evtchn, FIONBIO, WILD), EFAULT);
}

static void numbers(int gntalloc, int gntdev, int evtchn)
{
	/* gntalloc and gntdev: -ENOIOCTLCMD, which the VFS turns into ENOTTY */
	EXPECT("gntalloc-ioctl-0x1234", ioctl(gntalloc, 0x1234, NULL), ENOTTY);
	EXPECT("gntalloc-ioctl-wrong-size",
	       ioctl(gntalloc, _IOC(_IOC_NONE, 'G', 5, 8), NULL), ENOTTY);
	EXPECT("gntdev-ioctl-0x1234", ioctl(gntdev, 0x1234, NULL), ENOTTY);
	EXPECT("gntdev-ioctl-G-99", ioctl(gntdev, _IOC(_IOC_NONE, 'G', 99, 0), NULL), ENOTTY);
	/* evtchn's default case says ENOSYS itself */
	EXPECT("evtchn-ioctl-0x1234", ioctl(evtchn, 0x1234, NULL), ENOSYS);
	EXPECT("evtchn-ioctl-E-99", ioctl(evtchn, _IOC(_IOC_NONE, 'E', 99, 0), NULL), ENOSYS);
	EXPECT("evtchn-fionread", ioctl(evtchn, FIONREAD, &(int){ 0 }), ENOSYS);
	/* the ones the VFS answers itself (fs/ioctl.c, do_vfs_ioctl) */
	EXPECT("evtchn-fioqsize", ioctl(evtchn, FIOQSIZE, &(long long){ 0 }), ENOTTY);
	EXPECT("gntdev-fioasync-without-fasync", ioctl(gntdev, FIOASYNC, &(int){ 1 }), ENOTTY);
}

static void files(int gntalloc, int gntdev, int evtchn)
{
	char buf[8];

	EXPECT("openat-nosuch", openat(AT_FDCWD, "/dev/xen/nosuch", O_RDWR), ENOENT);
	EXPECT("open-nosuch", open("/dev/xen/nosuch", O_RDWR | O_CLOEXEC), ENOENT);
	/* no ->read or ->write: the VFS says EINVAL */
	EXPECT("gntdev-read", read(gntdev, buf, sizeof(buf)), EINVAL);
	EXPECT("gntdev-write", write(gntdev, buf, sizeof(buf)), EINVAL);
	EXPECT("gntalloc-read", read(gntalloc, buf, sizeof(buf)), EINVAL);
	/* no ->mmap: ENODEV */
	EXPECT("evtchn-mmap",
	       (long)mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, evtchn, 0), ENODEV);
	/* gntalloc has nothing at that offset */
	EXPECT("gntalloc-mmap-nothing",
	       (long)mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, gntalloc,
			  20 * PAGE_SIZE), ENOENT);
}

/* An event is pending: a read into a wild buffer fails and keeps it. */
static void event_buffers(int evtchn)
{
	uint16_t self = my_domid();
	uint32_t port = bind_unbound(evtchn, self), local, got = 0;
	struct pollfd p = { .fd = evtchn, .events = POLLIN };

	local = bind_interdomain(evtchn, self, port);
	/* a loopback: notifying one end fires the other */
	if (ioctl(evtchn, IOCTL_EVTCHN_NOTIFY, &(struct ioctl_evtchn_notify){ .port = local }))
		die("IOCTL_EVTCHN_NOTIFY: %s", strerror(errno));
	if (poll(&p, 1, 3000) != 1)
		die("no event on the loopback channel");
	EXPECT("evtchn-read-wild", read(evtchn, WILD, sizeof(got)), EFAULT);
	/* Linux's ring still holds what it could not copy */
	guard(5, "read after the EFAULT");
	while (read(evtchn, &got, sizeof(got)) == sizeof(got) && got != port)
		;	/* (the bind's own event on `local` may come first) */
	unguard();
	if (got != port)
		die("the event read after the EFAULT is port %u, not %u", got, port);
	say("ok evtchn-event-kept");
	EXPECT("evtchn-unmask-wild", write(evtchn, WILD, sizeof(got)), EFAULT);
	if (read(evtchn, &got, 2) != 0)
		die("a read of 2 bytes (less than a port) did not return 0");
	say("ok evtchn-read-short");
}

int scenario_garbage(int argc, char **argv)
{
	int gntalloc = dev_open("gntalloc", O_RDWR);
	int gntdev = dev_open("gntdev", O_RDWR);
	int evtchn = dev_open("evtchn", O_RDWR);

	pointers(gntalloc, gntdev, evtchn);
	numbers(gntalloc, gntdev, evtchn);
	files(gntalloc, gntdev, evtchn);
	event_buffers(evtchn);
	close(gntdev);
	EXPECT("ioctl-after-close", ioctl(gntdev, IOCTL_GNTDEV_MAP_GRANT_REF, WILD), EBADF);
	say("done %d", bad);
	await("quit");
	return 0;
}
