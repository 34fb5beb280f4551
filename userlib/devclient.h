/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * devclient: a program's side of a domain's device socket (see "Device
 * socket" in include/hvsim/wire.h).  Each hvsim_dev is one open file of
 * /dev/xen/{gntdev,gntalloc,evtchn} in the domain's guest kernel; the
 * calls are those of the device file, with Linux's results and errnos.
 *
 * Lifetime: the connection (the kernel's struct file) stays open while the
 * handle is open or any mapping made through it exists; hvsim_dev_close()
 * and the last hvsim_dev_munmap() of its mappings together end it, as
 * close(2) and munmap(2) end a file's life in Linux.  If the process dies,
 * the kernel sees it and does what Linux's exit does.
 *
 * Calls on one handle are serialised; a signal that interrupts a blocking
 * call (read, poll) makes the kernel end it with EINTR.
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

/* STATEDIR/dom<domid>/devices into buf; -ENAMETOOLONG if it does not fit. */
int hvsim_dev_socket_path(const char *state_dir, unsigned int domid, char *buf,
			  size_t size);

/* Opens `path` ("/dev/xen/gntdev") with open(2) flags on the device socket
 * `sock_path`.  -ENOENT: no such device; -ECONNREFUSED: no kernel there. */
int hvsim_dev_open(const char *sock_path, const char *path, int flags,
		   struct hvsim_dev **out);

/* ioctl: the driver's return value (>= 0) or -errno. */
long hvsim_dev_ioctl(struct hvsim_dev *d, unsigned long cmd, void *arg);
ssize_t hvsim_dev_read(struct hvsim_dev *d, void *buf, size_t count);
ssize_t hvsim_dev_write(struct hvsim_dev *d, const void *buf, size_t count);
/* Waits up to timeout_ms (-1: forever) for one of `events` (POLLIN...);
 * returns the ready events, 0 on timeout. */
int hvsim_dev_poll(struct hvsim_dev *d, short events, int timeout_ms);
/* F_SETFL (O_NONBLOCK, O_ASYNC) and F_SETOWN. */
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

/* Closes the handle (the file lives on while its mappings do). */
int hvsim_dev_close(struct hvsim_dev *d);

/* The connection's socket, for callers that need to keep it across exec
 * or watch it; owned by the handle. */
int hvsim_dev_fd(const struct hvsim_dev *d);

#endif
