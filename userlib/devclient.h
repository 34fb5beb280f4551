/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * devclient: a program's side of a domain's device socket (its wire is
 * include/hvsim/device_wire.h), for the interposer and the tests.
 * hvsim_devices_socket() (include/hvsim/paths.h) says where a domain's is.
 *
 * A struct hvsim_dev is one descriptor of an open file of
 * /dev/xen/{gntdev,gntalloc,evtchn} in the domain's guest kernel.  The
 * descriptor (hvsim_dev_fd) is real: poll, select and epoll work on it,
 * and its copies (dup, fork, exec) are copies of the open file, which the
 * kernel releases when the last of them is closed and the last mapping
 * made through it is gone, as Linux does.  The calls are those of the
 * device file, with Linux's results and errnos.
 *
 * Calls go over one channel per thread and socket, so threads call at
 * once; a signal that interrupts a blocking call (read) makes the kernel
 * end it with EINTR.
 *
 * All functions return 0 (or a count) on success and a negative errno on
 * failure; they do not set errno.
 */
#ifndef HVSIM_DEVCLIENT_H
#define HVSIM_DEVCLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct hvsim_dev;

/* Opens `path` ("/dev/xen/gntdev") with open(2) flags (O_CLOEXEC too) on
 * the device socket `sock_path`.  -ENOENT: no such device;
 * -ECONNREFUSED: no kernel there. */
int hvsim_dev_open(const char *sock_path, const char *path, int flags,
		   struct hvsim_dev **out);
/* The handle of descriptor fd, a copy (dup, fork, exec) of a device
 * descriptor of `sock_path`'s kernel; -ENOENT if it is none of its. */
int hvsim_dev_adopt(const char *sock_path, int fd, struct hvsim_dev **out);
/* A handle for newfd, a copy the program made of d's descriptor. */
int hvsim_dev_dup(const struct hvsim_dev *d, int newfd, struct hvsim_dev **out);

/* ioctl: the driver's return value (>= 0) or -errno. */
long hvsim_dev_ioctl(struct hvsim_dev *d, unsigned long cmd, void *arg);
ssize_t hvsim_dev_read(struct hvsim_dev *d, void *buf, size_t count);
ssize_t hvsim_dev_write(struct hvsim_dev *d, const void *buf, size_t count);
/* poll(2) on the descriptor: the ready events, 0 on timeout. */
int hvsim_dev_poll(struct hvsim_dev *d, short events, int timeout_ms);
/* F_SETFL (O_NONBLOCK, O_ASYNC) and F_SETOWN, as the file sees them. */
int hvsim_dev_setfl(struct hvsim_dev *d, int flags);
int hvsim_dev_setown(struct hvsim_dev *d, pid_t pid);

/* mmap(2) of the device: *out is the address. */
int hvsim_dev_mmap(struct hvsim_dev *d, void *addr, size_t len, int prot,
		   int flags, off_t offset, void **out);
/* munmap(2) of [addr, addr + len): every device mapping in the range is
 * unmapped and its kernel told.  Returns HVSIM_DEV_NOT_MINE if the range
 * holds no device mapping (the caller then does a plain munmap). */
#define HVSIM_DEV_NOT_MINE 1
int hvsim_dev_munmap(void *addr, size_t len);
/*
 * mprotect(2) of [addr, addr + len) when it touches a device mapping: in
 * address order, each stretch of device mappings is first decided by its
 * kernel (as Linux's mprotect would: a VMA's VM_MAY* bits, holes, the
 * driver's say), and the rest goes to the C library's mprotect, stopping
 * at the first error as Linux does.  Returns HVSIM_DEV_NOT_MINE if the
 * range touches no device mapping (or is one the C library must refuse
 * itself: unaligned, PROT_GROWSDOWN...): the caller then does a plain
 * mprotect.
 */
int hvsim_dev_mprotect(void *addr, size_t len, int prot);
/* True if [addr, addr + len) overlaps a device mapping. */
int hvsim_dev_is_mapped(const void *addr, size_t len);

/* Closes the descriptor and frees the handle. */
int hvsim_dev_close(struct hvsim_dev *d);
/* Frees the handle only (the program closed the descriptor itself). */
void hvsim_dev_forget(struct hvsim_dev *d);
/* After the program closed a descriptor of d's file (d itself or a copy):
 * if it was the last, the file's release is done when this returns. */
void hvsim_dev_closed(const struct hvsim_dev *d);

int hvsim_dev_fd(const struct hvsim_dev *d);
/* The open(2) flags the file was opened with (access mode). */
int hvsim_dev_open_flags(const struct hvsim_dev *d);

/*
 * Around fork(2) (the interposer's fork): before it, each kernel copies
 * this process's device mappings; after it, `pid` as fork returned it
 * (0 in the child, -1 if it failed).  Calls in between wait.
 */
void hvsim_dev_fork_before(void);
void hvsim_dev_fork_after(pid_t pid);
/* This image was exec'd: the old image's mappings go (each socket). */
void hvsim_dev_exec_notice(const char *sock_path);

/* Is fd one of devclient's own channels? (The interposer keeps them.) */
int hvsim_dev_is_channel(int fd);
/* The program closed or replaced descriptors first..last: channels among
 * them are forgotten (each thread makes a new one at its next call). */
void hvsim_dev_channels_lost(int first, int last);

/*
 * The C library's entry points devclient uses for itself; the interposer
 * points them at the real ones (dlsym RTLD_NEXT) so that devclient's own
 * calls are never intercepted.
 */
struct hvsim_dev_libc {
	int (*close)(int fd);
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd, off_t off);
	int (*munmap)(void *addr, size_t len);
	int (*mprotect)(void *addr, size_t len, int prot);
	int (*fcntl)(int fd, int cmd, ...);
};
extern struct hvsim_dev_libc hvsim_dev_libc;

#endif
