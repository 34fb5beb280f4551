// SPDX-License-Identifier: GPL-2.0-only
/*
 * libhvsim-preload.so: runs an unmodified, dynamically linked program in a
 * simulated domain (docs/userlib.md).  `hvsim run` puts it in LD_PRELOAD
 * with HVSIM_DIR and HVSIM_DOMID; then every open of a /dev/xen/ device goes to the
 * domain's guest kernel (userlib/devclient.c) and everything else passes
 * through to the C library untouched (dlsym RTLD_NEXT), as umockdev does.
 *
 * A device descriptor is a real descriptor (devclient.h): poll, select and
 * epoll work on it natively; this file keeps the table that says which
 * descriptors are devices, so that read, write, ioctl, mmap and fcntl on
 * them become the device's calls, and dup, close, fork and exec keep the
 * table true.  munmap and mprotect of a range with a device mapping in it
 * go to its kernel too.  Descriptors not in the table cost one array load.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hvsim/paths.h"
#include "devclient.h"

#define EXPORT __attribute__((visibility("default")))

/* glibc's fortified entry points (bits/fcntl2.h, bits/unistd.h call them). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen);
#define DEV_PREFIX "/dev/xen/"
/* the kernel's O_LARGEFILE on x86-64 (asm-generic/fcntl.h) */
#define KERNEL_O_LARGEFILE 0100000

static struct {
	int (*open)(const char *, int, ...);
	int (*openat)(int, const char *, int, ...);
	int (*close)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
	int (*ioctl)(int, unsigned long, ...);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	int (*munmap)(void *, size_t);
	int (*mprotect)(void *, size_t, int);
	pid_t (*fork)(void);
	int (*close_range)(unsigned int, unsigned int, int);
	void (*closefrom)(int);
} real;

/* One descriptor of a device file; the table holds one reference, each
 * call in progress another. */
struct entry {
	struct hvsim_dev *dev;
	int refs;
};

static struct entry **table;	/* by descriptor number */
static size_t table_size;
static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static char sock_path[108];	/* empty: not in a domain, pass everything */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int initialized;

/* To stderr without stdio (which would come back through write()). */
static void say(const char *a, const char *b)
{
	struct iovec iov[3] = {
		{ (void *)"libhvsim-preload: ", 18 }, { (void *)a, strlen(a) },
		{ (void *)b, strlen(b) },
	};

	if (writev(2, iov, 3) < 0)
		return;
}

static void *next_sym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p) {
		say(name, ": not in the C library\n");
		abort();
	}
	return p;
}

static void resolve(void)
{
	struct rlimit rl;

	real.open = next_sym("open");
	real.openat = next_sym("openat");
	real.close = next_sym("close");
	real.dup = next_sym("dup");
	real.dup2 = next_sym("dup2");
	real.dup3 = next_sym("dup3");
	real.fcntl = next_sym("fcntl");
	real.ioctl = next_sym("ioctl");
	real.read = next_sym("read");
	real.write = next_sym("write");
	real.mmap = next_sym("mmap");
	real.munmap = next_sym("munmap");
	real.mprotect = next_sym("mprotect");
	real.fork = next_sym("fork");
	real.close_range = next_sym("close_range");
	real.closefrom = next_sym("closefrom");
	hvsim_dev_libc.close = real.close;
	hvsim_dev_libc.mmap = real.mmap;
	hvsim_dev_libc.munmap = real.munmap;
	hvsim_dev_libc.mprotect = real.mprotect;
	hvsim_dev_libc.fcntl = real.fcntl;

	/* Room for every descriptor the process may have; untouched pages cost nothing. */
	table_size = 1 << 16;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    rl.rlim_max > table_size)
		table_size = rl.rlim_max < (1 << 20) ? rl.rlim_max : 1 << 20;
	table = real.mmap(NULL, table_size * sizeof(*table), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (table == MAP_FAILED) {
		table = NULL;
		table_size = 0;
	}
}

static void init(void)
{
	const char *dir = getenv("HVSIM_DIR"), *domid = getenv("HVSIM_DOMID");
	char *end;
	unsigned long id;

	resolve();
	if (!dir || !*dir || !domid || !*domid || !table)
		return;
	id = strtoul(domid, &end, 10);
	if (*end || id > 0x7fef ||
	    hvsim_devices_socket(dir, (unsigned int)id, sock_path, sizeof(sock_path))) {
		say("bad HVSIM_DIR or HVSIM_DOMID", "; not in a domain\n");
		sock_path[0] = '\0';
	}
}

static void init_all(void)
{
	init();
	__atomic_store_n(&initialized, 1, __ATOMIC_RELEASE);
}

static inline void ready(void)
{
	if (__builtin_expect(!__atomic_load_n(&initialized, __ATOMIC_ACQUIRE), 0))
		pthread_once(&init_once, init_all);
}

static bool in_domain(void)
{
	ready();
	return sock_path[0] != '\0';
}

/* xenfs's privcmd file, which libxencall tries when /dev/xen/privcmd is missing */
#define PROC_PRIVCMD "/proc/xen/privcmd"

static bool is_device_path(const char *path)
{
	return path && (!strncmp(path, DEV_PREFIX, sizeof(DEV_PREFIX) - 1) ||
			!strcmp(path, PROC_PRIVCMD));
}

/* ---- the table ---- */

static struct entry *entry_get(int fd)
{
	struct entry *e;

	if (fd < 0 || (size_t)fd >= table_size ||
	    !__atomic_load_n(&table[fd], __ATOMIC_RELAXED))
		return NULL;	/* not a device: the fast path */
	pthread_rwlock_rdlock(&table_lock);
	e = table[fd];
	if (e)
		__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
	pthread_rwlock_unlock(&table_lock);
	return e;
}

static void entry_put(struct entry *e)
{
	if (e && __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		/* Its descriptor was closed by whoever removed it. */
		hvsim_dev_forget(e->dev);
		free(e);
	}
}

/* Puts dev in the table at its descriptor; on failure closes it. */
static int entry_add(struct hvsim_dev *dev)
{
	int fd = hvsim_dev_fd(dev);
	struct entry *e = malloc(sizeof(*e)), *old;

	if (!e || (size_t)fd >= table_size) {
		free(e);
		hvsim_dev_close(dev);
		errno = e ? EMFILE : ENOMEM;
		return -1;
	}
	e->dev = dev;
	e->refs = 1;
	pthread_rwlock_wrlock(&table_lock);
	old = table[fd];
	__atomic_store_n(&table[fd], e, __ATOMIC_RELEASE);
	pthread_rwlock_unlock(&table_lock);
	entry_put(old);
	return fd;
}

/*
 * fd is being closed or replaced: it is no longer a device.  Returns its
 * entry (the table's reference) for entry_closed() once the descriptor
 * is really closed, or NULL.
 */
static struct entry *entry_take(int fd)
{
	struct entry *e = NULL;

	if (fd < 0 || (size_t)fd >= table_size)
		return NULL;
	if (__atomic_load_n(&table[fd], __ATOMIC_RELAXED)) {
		pthread_rwlock_wrlock(&table_lock);
		e = table[fd];
		__atomic_store_n(&table[fd], NULL, __ATOMIC_RELEASE);
		pthread_rwlock_unlock(&table_lock);
	}
	return e;
}

/* entry_take() undone: fd turned out not to be closed after all. */
static void entry_restore(int fd, struct entry *e)
{
	pthread_rwlock_wrlock(&table_lock);
	if (!table[fd]) {
		__atomic_store_n(&table[fd], e, __ATOMIC_RELEASE);
		e = NULL;
	}
	pthread_rwlock_unlock(&table_lock);
	entry_put(e);
}

/* The descriptor is closed: if it was the file's last, its release is
 * done before the program's call returns, as in Linux. */
static void entry_closed(struct entry *e, bool closed)
{
	if (!e)
		return;
	if (closed)
		hvsim_dev_closed(e->dev);
	entry_put(e);
}

/* newfd is a copy of oldfd (dup and friends, already done). */
static int entry_copy(int oldfd, int newfd)
{
	struct entry *e;
	struct hvsim_dev *dev;
	int err;

	if (newfd < 0)
		return newfd;
	e = entry_get(oldfd);
	if (!e)
		return newfd;
	err = hvsim_dev_dup(e->dev, newfd, &dev);
	entry_put(e);
	if (err) {
		real.close(newfd);
		errno = -err;
		return -1;
	}
	return entry_add(dev);
}

static long set_errno(long ret)
{
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

/* ---- open ---- */

static int device_open(const char *path, int flags)
{
	struct hvsim_dev *dev;
	int err = hvsim_dev_open(sock_path, path, flags, &dev);

	if (err == -ECONNREFUSED) {
		fprintf(stderr, "libhvsim-preload: %s: the domain's kernel is gone (%s)\n",
			path, sock_path);
		err = -ENXIO;
	}
	if (err)
		return (int)set_errno(err);
	if (flags & O_NONBLOCK)
		real.fcntl(hvsim_dev_fd(dev), F_SETFL, O_NONBLOCK);
	return entry_add(dev);
}

static mode_t open_mode(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, mode_t) : 0;
}

EXPORT int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	if (in_domain() && is_device_path(path))
		return device_open(path, flags);
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return real.open(path, flags, mode);
}
EXPORT int open64(const char *path, int flags, ...) __attribute__((alias("open")));

EXPORT int __open_2(const char *path, int flags)
{
	return open(path, flags);
}
EXPORT int __open64_2(const char *path, int flags) __attribute__((alias("__open_2")));

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	if (in_domain() && is_device_path(path))
		return device_open(path, flags);
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return real.openat(dirfd, path, flags, mode);
}
EXPORT int openat64(int dirfd, const char *path, int flags, ...)
	__attribute__((alias("openat")));

EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}
EXPORT int __openat64_2(int dirfd, const char *path, int flags)
	__attribute__((alias("__openat_2")));

/* ---- descriptors ---- */

EXPORT int close(int fd)
{
	struct entry *e;
	int ret;

	ready();
	e = entry_take(fd);
	hvsim_dev_channels_lost(fd, fd);
	ret = real.close(fd);
	/* EINTR still closes on Linux; EBADF means there was nothing. */
	entry_closed(e, ret == 0 || errno == EINTR);
	return ret;
}

EXPORT int dup(int fd)
{
	ready();
	return entry_copy(fd, real.dup(fd));
}

/* dup2 and dup3: newfd, if it was a device, is closed by the call. */
static int dup_onto(int oldfd, int newfd, int flags, bool is_dup3)
{
	struct entry *e;
	int ret;

	ready();
	if (oldfd == newfd)
		return is_dup3 ? real.dup3(oldfd, newfd, flags) : real.dup2(oldfd, newfd);
	e = entry_take(newfd);
	ret = is_dup3 ? real.dup3(oldfd, newfd, flags) : real.dup2(oldfd, newfd);
	if (ret < 0) {
		/* Not replaced after all (EBADF oldfd, EINVAL flags): still a device. */
		int err = errno;

		if (e)
			entry_restore(newfd, e);
		errno = err;
		return -1;
	}
	hvsim_dev_channels_lost(newfd, newfd);
	entry_closed(e, true);
	return entry_copy(oldfd, ret);
}

EXPORT int dup2(int oldfd, int newfd)
{
	return dup_onto(oldfd, newfd, 0, false);
}

EXPORT int dup3(int oldfd, int newfd, int flags)
{
	return dup_onto(oldfd, newfd, flags, true);
}

/* Closes the devices among [first, last] around the real call `done`. */
static void close_devices_in(size_t first, size_t last, int (*done)(void *), void *arg)
{
	struct entry **taken = NULL;
	size_t n = 0, cap = 0;

	for (size_t fd = first; fd <= last && fd < table_size; fd++) {
		struct entry *e = entry_take((int)fd);
		struct entry **more;

		if (!e)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			more = realloc(taken, cap * sizeof(*taken));
			if (!more) {
				entry_closed(e, false);
				continue;
			}
			taken = more;
		}
		taken[n++] = e;
	}
	hvsim_dev_channels_lost((int)first, last > INT_MAX ? INT_MAX : (int)last);
	done(arg);
	for (size_t i = 0; i < n; i++)
		entry_closed(taken[i], true);
	free(taken);
}

struct range_args {
	unsigned int first, last;
	int flags, ret;
};

static int do_close_range(void *p)
{
	struct range_args *a = p;

	a->ret = real.close_range(a->first, a->last, a->flags);
	return a->ret;
}

EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	struct range_args a = { first, last, flags, 0 };

	ready();
	if (flags & CLOSE_RANGE_CLOEXEC)
		return real.close_range(first, last, flags);
	close_devices_in(first, last, do_close_range, &a);
	return a.ret;
}

static int do_closefrom(void *p)
{
	real.closefrom(*(int *)p);
	return 0;
}

EXPORT void closefrom(int lowfd)
{
	ready();
	close_devices_in(lowfd < 0 ? 0 : (size_t)lowfd, table_size, do_closefrom, &lowfd);
}

static int device_fcntl(struct entry *e, int fd, int cmd, uintptr_t arg)
{
	int fl;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return entry_copy(fd, real.fcntl(fd, cmd, (int)arg));
	case F_GETFL:
		/*
		 * The descriptor keeps O_NONBLOCK; the access mode is the open's;
		 * and Linux on x86-64 opens every file O_LARGEFILE
		 * (force_o_largefile), which glibc's headers spell 0 there.
		 */
		fl = real.fcntl(fd, F_GETFL);
		if (fl < 0)
			return fl;
		return (fl & ~O_ACCMODE) | (hvsim_dev_open_flags(e->dev) & O_ACCMODE) |
		       KERNEL_O_LARGEFILE;
	case F_SETFL:
		fl = (int)set_errno(hvsim_dev_setfl(e->dev, (int)arg));
		if (fl == 0)
			real.fcntl(fd, F_SETFL, (int)arg & O_NONBLOCK);
		return fl;
	case F_SETOWN:
		return (int)set_errno(hvsim_dev_setown(e->dev, (pid_t)arg));
	default:
		return real.fcntl(fd, cmd, arg);
	}
}

static int do_fcntl(int fd, int cmd, uintptr_t arg)
{
	struct entry *e;
	int ret;

	ready();
	e = entry_get(fd);
	if (!e)
		return (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) ?
		       real.fcntl(fd, cmd, (int)arg) : real.fcntl(fd, cmd, arg);
	ret = device_fcntl(e, fd, cmd, arg);
	entry_put(e);
	return ret;
}

/* (An absent third argument is read as garbage and not used, as glibc does.) */
EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	uintptr_t arg;

	va_start(ap, cmd);
	arg = va_arg(ap, uintptr_t);
	va_end(ap);
	return do_fcntl(fd, cmd, arg);
}
EXPORT int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));

/*
 * A descriptor that came some other way (SCM_RIGHTS from another program
 * of the domain) is found when first used for a Xen device's ioctl.
 */
static struct entry *adopt(int fd, unsigned long req)
{
	unsigned int type = (req >> 8) & 0xff;
	struct hvsim_dev *dev;
	struct stat st;

	if ((type != 'G' && type != 'E') || !in_domain() || fstat(fd, &st) < 0 ||
	    !S_ISSOCK(st.st_mode) || hvsim_dev_is_channel(fd) ||
	    hvsim_dev_adopt(sock_path, fd, &dev))
		return NULL;
	if (entry_add(dev) < 0)
		return NULL;
	return entry_get(fd);
}

EXPORT int ioctl(int fd, unsigned long req, ...)
{
	struct entry *e;
	va_list ap;
	void *arg;
	long ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	ready();
	e = entry_get(fd);
	if (!e)
		e = adopt(fd, req);
	if (!e)
		return real.ioctl(fd, req, arg);
	switch (req) {
	case FIOCLEX:
	case FIONCLEX:
		ret = real.ioctl(fd, req, arg);	/* the descriptor's own */
		break;
	case FIONBIO:
		ret = set_errno(hvsim_dev_ioctl(e->dev, req, arg));
		if (ret == 0)
			real.ioctl(fd, req, arg);
		break;
	default:
		ret = set_errno(hvsim_dev_ioctl(e->dev, req, arg));
	}
	entry_put(e);
	return (int)ret;
}

EXPORT ssize_t read(int fd, void *buf, size_t count)
{
	struct entry *e;
	ssize_t ret;

	ready();
	e = entry_get(fd);
	if (!e)
		return real.read(fd, buf, count);
	ret = set_errno(hvsim_dev_read(e->dev, buf, count));
	entry_put(e);
	return ret;
}

EXPORT ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen)
{
	if (count > buflen) {
		fprintf(stderr, "*** buffer overflow detected ***: read\n");
		abort();
	}
	return read(fd, buf, count);
}

EXPORT ssize_t write(int fd, const void *buf, size_t count)
{
	struct entry *e;
	ssize_t ret;

	ready();
	e = entry_get(fd);
	if (!e)
		return real.write(fd, buf, count);
	ret = set_errno(hvsim_dev_write(e->dev, buf, count));
	entry_put(e);
	return ret;
}

/* ---- memory ---- */

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct entry *e;
	void *out;
	int err;

	ready();
	e = (flags & MAP_ANONYMOUS) ? NULL : entry_get(fd);
	if (!e) {
		/* MAP_FIXED over a device mapping unmaps it first, as Linux does. */
		if ((flags & MAP_FIXED) && in_domain() && hvsim_dev_is_mapped(addr, len))
			hvsim_dev_munmap(addr, len);
		return real.mmap(addr, len, prot, flags, fd, off);
	}
	err = hvsim_dev_mmap(e->dev, addr, len, prot, flags, off, &out);
	entry_put(e);
	if (err) {
		errno = -err;
		return MAP_FAILED;
	}
	return out;
}
EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));

EXPORT int munmap(void *addr, size_t len)
{
	int err;

	ready();
	if (!in_domain())
		return real.munmap(addr, len);
	err = hvsim_dev_munmap(addr, len);
	if (err == HVSIM_DEV_NOT_MINE)
		return real.munmap(addr, len);
	return (int)set_errno(err);
}

/* A range with a device mapping in it is the kernel's to decide first. */
EXPORT int mprotect(void *addr, size_t len, int prot)
{
	int err;

	ready();
	if (!in_domain() || !hvsim_dev_is_mapped(addr, len))
		return real.mprotect(addr, len, prot);
	err = hvsim_dev_mprotect(addr, len, prot);
	if (err == HVSIM_DEV_NOT_MINE)
		return real.mprotect(addr, len, prot);
	return (int)set_errno(err);
}

/* ---- processes ---- */

EXPORT pid_t fork(void)
{
	pid_t pid;

	if (!in_domain())
		return real.fork();
	hvsim_dev_fork_before();
	pid = real.fork();
	hvsim_dev_fork_after(pid);
	return pid;
}

/*
 * A new image: the old one's mappings are gone (tell the kernel), and its
 * device descriptors that were not close-on-exec are still devices.
 */
static void adopt_inherited(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		struct hvsim_dev *dev;
		struct stat st;

		if (fd == dirfd(d) || fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode) ||
		    hvsim_dev_is_channel(fd))
			continue;
		if (hvsim_dev_adopt(sock_path, fd, &dev) == 0)
			entry_add(dev);
	}
	closedir(d);
}

__attribute__((constructor)) static void preload_start(void)
{
	if (!in_domain())
		return;
	hvsim_dev_exec_notice(sock_path);
	adopt_inherited();
}
