/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device wire: how a program in a domain calls its guest kernel's
 * devices (/dev/xen/gntdev, gntalloc, evtchn), as it would make system
 * calls on them in Linux.  Spoken by the programs' side, userlib/devclient.c
 * (under the LD_PRELOAD interposer, or called directly by tests), and by
 * the domain's guest kernel (kmod/host/devsock.c, devfile.c).  It carries
 * the calls (open, ioctl, read, write, mmap, ...) with their results, the
 * descriptors that stand for open files and the memory a mapping shows,
 * and the program's fork and exec.
 *
 * The kernel serves it on an AF_UNIX SOCK_SEQPACKET socket,
 * STATEDIR/dom<N>/devices (hvsim_devices_socket(), hvsim/paths.h).  A
 * connection is a call channel: one request at a time, run by a kernel
 * thread of its own in the caller's context, as a system call runs in
 * Linux.  A program uses one channel per thread; requests name their open
 * file by the id HVSIM_DEV_OPEN gave.
 *
 * The caller is identified by the kernel from SCM_CREDENTIALS (the socket
 * has SO_PASSCRED), per message.  Pointers in a request (ioctl argument,
 * read/write buffer) are the caller's own addresses; the kernel reads and
 * writes them with process_vm_readv/writev, so the caller must allow that
 * where Yama restricts it (PR_SET_PTRACER to the kernel's pid, from
 * SO_PEERCRED).
 *
 * An open file (a Linux struct file) is, on the program's side, a real
 * descriptor: one end of an AF_UNIX SOCK_STREAM socketpair whose other end
 * the kernel keeps, sent with the HVSIM_DEV_OPEN reply (SCM_RIGHTS).
 *   - Its lifetime is the host's: dup, fork, exec and exit copy and close
 *     it as they would the device's descriptor.  When its last copy is
 *     closed the kernel sees the hang-up and puts the file, which is
 *     released once its last mapping is gone too (munmap, exec, exit).
 *   - Its readiness is the device's: the kernel keeps one byte queued on
 *     it exactly while the driver's ->poll says EPOLLIN (or EPOLLERR), so
 *     poll/select/epoll work on it natively; POLLOUT is always set, as
 *     every driver here says.  A file without ->poll is always readable.
 *     When a request leaves the device unreadable, its reply carries
 *     HVSIM_DEV_REPLY_DRAIN and the caller reads that byte (MSG_DONTWAIT)
 *     before its call returns.
 *
 * Each request gets one reply, struct hvsim_dev_reply with the same seq,
 * except HVSIM_DEV_INTERRUPT, which has none: it asks the kernel to end the
 * blocking call in progress on this channel as a signal would (the call
 * then replies -ERESTARTSYS, unless it finished first).
 *
 * HVSIM_DEV_MMAP: the caller reserves [addr, addr + len) first (PROT_NONE);
 * on success the reply is followed by nr_runs struct hvsim_dev_run, in as
 * many messages as needed (at most HVSIM_DEV_RUNS_PER_MSG each, the first
 * in the reply message itself), and carries nr_fds descriptors
 * (SCM_RIGHTS, with the reply message; at most HVSIM_SCM_MAX_FDS of
 * hvsim/scm.h, like every message of this wire).  The caller maps each run
 * MAP_SHARED|MAP_FIXED; pages no run covers stay inaccessible.  Closing
 * the descriptors afterwards is the caller's job.
 *
 * HVSIM_DEV_IOCTL: an ioctl may change what the caller's existing device
 * mappings show (privcmd's IOCTL_PRIVCMD_MMAPBATCH_V2 places foreign
 * pages in a mapping that had none).  Its reply then carries runs and
 * descriptors as an MMAP reply does, whatever its ret, except that each
 * run's `start` is an address in the caller's address space, not an
 * offset in one mapping.  The caller maps each run before its ioctl
 * returns: MAP_SHARED|MAP_FIXED, PROT_READ, and PROT_WRITE unless
 * HVSIM_DEV_RUN_READONLY (the kernel's mapping is not writable, or the
 * page is read-only), or PROT_NONE if HVSIM_DEV_RUN_NOACCESS (the mapping
 * has no access since an mprotect(PROT_NONE): Linux puts the page in with
 * the mapping's protection); a run with HVSIM_DEV_RUN_NONE has no page any more
 * and gets the reservation back (PROT_NONE anonymous memory, as an MMAP
 * leaves pages no run covers).  Only ranges inside the caller's device
 * mappings are mapped; others are ignored.
 *
 * HVSIM_DEV_MPROTECT: before it changes the protection of a range of its
 * device mappings, the caller asks the kernel, which decides as Linux's
 * mprotect does (each mapping's VM_MAY* bits, holes, the driver's
 * may_split and mprotect), mapping by mapping in address order: on an
 * error the mappings before it stay changed.  The reply's `file` is the
 * address where the change ended (arg: nothing changed), whatever its
 * ret; nr_runs runs (as an IOCTL's: addresses, no descriptors, fd_index
 * and offset unused) cover [arg, file) and say what the caller's mapping
 * does there: the new protection, less PROT_WRITE where
 * HVSIM_DEV_RUN_READONLY (a read-only page of a shared mapping), none
 * where HVSIM_DEV_RUN_NONE (no page: the reservation stays PROT_NONE).
 *
 * fork: the parent asks HVSIM_DEV_FORK_PREPARE before forking (the kernel
 * copies its mappings as dup_mmap does, and answers a token in `file`);
 * after the fork the child commits the token for itself and the parent
 * commits it for the child's pid, whichever comes first (the other gets
 * -ENOENT); a failed fork aborts it.  exec: the new image says
 * HVSIM_DEV_EXEC, and the mappings of the old one go.
 */
#ifndef HVSIM_DEVICE_WIRE_H
#define HVSIM_DEVICE_WIRE_H

#include <stdint.h>

#define HVSIM_DEV_PATH_MAX      64      /* an OPEN's path, without its NUL */
#define HVSIM_DEV_RUNS_PER_MSG  1024

enum hvsim_dev_op {
	HVSIM_DEV_OPEN = 1,      /* flags = open flags; path follows the header:
	                          * file = its id, one descriptor with the reply */
	HVSIM_DEV_IOCTL = 2,     /* cmd, arg: ret = the ioctl's return value */
	HVSIM_DEV_READ = 3,      /* arg = buffer, len = count: ret = bytes */
	HVSIM_DEV_WRITE = 4,     /* arg = buffer, len = count: ret = bytes */
	HVSIM_DEV_MMAP = 5,      /* arg = addr, len, cmd = prot, flags, offset */
	HVSIM_DEV_MUNMAP = 6,    /* arg = addr, len (a range the caller unmapped);
	                          * no file */
	HVSIM_DEV_SETFL = 8,     /* flags = F_SETFL flags (O_NONBLOCK, O_ASYNC) */
	HVSIM_DEV_SETOWN = 9,    /* arg = pid that gets SIGIO */
	HVSIM_DEV_INTERRUPT = 10,/* no reply */
	HVSIM_DEV_IDENTIFY = 11, /* descriptors with the request: the reply is
	                          * followed by one uint64_t each, its file id
	                          * or 0 (not a file of this kernel) */
	HVSIM_DEV_EXEC = 12,     /* the caller's new image: old mappings go */
	HVSIM_DEV_FORK_PREPARE = 13, /* file = the token */
	HVSIM_DEV_FORK_COMMIT = 14,  /* arg = token, cmd = child pid (0: me);
	                              * EINVAL for the pid it was copied from */
	HVSIM_DEV_FORK_ABORT = 15,   /* arg = token */
	HVSIM_DEV_CLOSE = 16,    /* the caller closed a descriptor of the file:
	                          * if it was the last copy, the last close
	                          * (release) happens before the reply */
	HVSIM_DEV_MPROTECT = 17, /* arg = addr, len, cmd = prot; no file:
	                          * file = where the change ended, runs */
};

struct hvsim_dev_req {
	uint32_t op;             /* enum hvsim_dev_op */
	uint32_t seq;            /* echoed in the reply */
	uint32_t cmd;
	uint32_t flags;
	uint64_t file;           /* the open file's id */
	uint64_t arg;
	uint64_t len;
	uint64_t offset;
	uint32_t cpu;            /* the caller's CPU + 1, 0 if unknown (cpu.h) */
	uint32_t pad;
};

#define HVSIM_DEV_REPLY_DRAIN 1u /* read the readiness byte off the file */

struct hvsim_dev_reply {
	uint32_t seq;
	uint16_t nr_fds;         /* descriptors sent with this message */
	uint16_t flags;          /* HVSIM_DEV_REPLY_* */
	uint32_t nr_runs;        /* MMAP, IOCTL: runs that follow, in total */
	uint32_t pad;
	int64_t  ret;            /* >= 0, or -errno (Linux's, -ERESTARTSYS too) */
	uint64_t file;           /* OPEN: the file's id; FORK_PREPARE: token */
};

#define HVSIM_DEV_RUN_READONLY 1u
#define HVSIM_DEV_RUN_NONE     2u /* IOCTL: no page; fd_index, offset unused */
#define HVSIM_DEV_RUN_NOACCESS 4u /* IOCTL: the page, unreadable (PROT_NONE) */

struct hvsim_dev_run {
	uint64_t start;          /* byte offset in the mapping (IOCTL: address) */
	uint64_t len;            /* bytes */
	uint64_t offset;         /* byte offset in the descriptor */
	uint32_t fd_index;       /* which of the reply's descriptors */
	uint32_t flags;          /* HVSIM_DEV_RUN_* */
};

#endif
