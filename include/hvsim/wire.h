/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Wire formats shared between the boxes: the hypercall transport (a guest
 * kernel <-> hvsimd) and the control protocol (hvsim CLI / libhvsim <->
 * hvsimd).  Nothing else crosses a box boundary.
 *
 * Hypercall transport: one AF_UNIX SOCK_SEQPACKET connection per guest
 * kernel.  Every message starts with struct hvsim_msg_hdr.  A request
 * carries `count` Xen ABI structs of the size implied by (op, cmd), laid
 * out back to back exactly as Xen's public headers define them.  The reply
 * echoes the header (with rc set) and the same structs, updated the way
 * Xen updates them in guest memory (status, handle, port, ...), followed by
 * the trailers the header announces:
 *
 *   struct hvsim_msg_hdr
 *   count x ABI struct              (updated in place)
 *   inline_len bytes of inline data (GNTTABOP_setup_table: the frame list)
 *   nr_fds x struct hvsim_fd_desc   (describes the SCM_RIGHTS fds, in order;
 *                                    only HVSIM_MSG_ATTACH and HVSIM_MSG_FDS)
 *   nr_p2m x struct hvsim_p2m_update
 *
 * A reply whose p2m updates name a domain whose RAM fd this connection has
 * not received yet is preceded by an HVSIM_MSG_FDS message carrying it.
 *
 * One round trip per batch, never per page: a grant-map batch is one
 * message, and the p2m trailer tells the guest which of its gfns now show
 * which foreign page (it remaps them with one mmap per contiguous run).
 */
#ifndef HVSIM_WIRE_H
#define HVSIM_WIRE_H

#include <stdint.h>

#define HVSIM_WIRE_VERSION   2

/* Largest message either side sends or accepts on the hypercall socket. */
#define HVSIM_MSG_MAX        (128 * 1024)
/* Most fds one message carries (SCM_RIGHTS). */
#define HVSIM_MSG_MAX_FDS    16

/* Names of the files in the state directory ($HVSIM_DIR). */
#define HVSIM_CONTROL_SOCK   "control"
#define HVSIM_HYPERCALL_SOCK "hypercall"
#define HVSIM_TRACE_FILE     "trace.jsonl"
#define HVSIM_PID_FILE       "hvsimd.pid"
#define HVSIM_LOG_FILE       "hvsimd.log"

#define HVSIM_NAME_MAX       64

enum hvsim_msg_type {
	/* guest -> hv: struct hvsim_attach_req; reply: struct hvsim_attach_info
	 * and fds HVSIM_FD_RAM, HVSIM_FD_SHARED, HVSIM_FD_UPCALL. */
	HVSIM_MSG_ATTACH = 1,
	/* guest -> hv: a hypercall, op = __HYPERVISOR_*, cmd = its sub-op. */
	HVSIM_MSG_HYPERCALL = 2,
	/* hv -> guest, unsolicited: the domain is being destroyed; the
	 * connection closes right after. */
	HVSIM_MSG_SHUTDOWN = 3,
	/* hv -> guest, just before a hypercall reply: nr_fds RAM fds of other
	 * domains that the reply's p2m updates refer to, each passed once per
	 * connection.  No structs. */
	HVSIM_MSG_FDS = 4,
};

struct hvsim_msg_hdr {
	uint32_t type;       /* enum hvsim_msg_type */
	uint32_t seq;        /* chosen by the guest, echoed in the reply */
	uint32_t op;         /* __HYPERVISOR_grant_table_op, __HYPERVISOR_event_channel_op */
	uint32_t cmd;        /* GNTTABOP_*, EVTCHNOP_* */
	uint32_t count;      /* ABI structs following the header */
	int32_t  rc;         /* reply: the hypercall's return value (0 or -errno) */
	uint32_t inline_len; /* bytes of inline data after the structs */
	uint16_t nr_fds;     /* fds passed with SCM_RIGHTS */
	uint16_t nr_p2m;     /* reply: p2m updates at the end */
	uint32_t cpu;        /* request: the caller's CPU + 1, 0 if unknown (cpu.h) */
	uint32_t pad;
};

/*
 * After a grant map or unmap, gfn `gfn` of the calling domain shows page
 * `frame` of domain `domid`'s RAM.  domid == the caller's own domid with
 * frame == gfn means "your own RAM again".  The guest remaps it
 * (MAP_SHARED|MAP_FIXED) from the RAM fd of `domid`, which the hypervisor
 * passed once before or in this reply.
 */
#define HVSIM_P2M_READONLY 1u

struct hvsim_p2m_update {
	uint64_t gfn;
	uint64_t frame;
	uint16_t domid;
	uint16_t flags;       /* HVSIM_P2M_* */
	uint32_t pad;
};

/*
 * The most ABI structs of `op_size` bytes one request may carry: the
 * reply must fit in HVSIM_MSG_MAX with one p2m update per struct.  A guest
 * splits larger batches; hvsimd refuses larger ones with -E2BIG.
 */
static inline uint32_t hvsim_max_batch(uint32_t op_size)
{
	return (uint32_t)((HVSIM_MSG_MAX - sizeof(struct hvsim_msg_hdr)) /
			  (op_size + sizeof(struct hvsim_p2m_update)));
}

struct hvsim_attach_req {
	uint32_t version;    /* HVSIM_WIRE_VERSION */
	uint16_t domid;      /* the domain this kernel runs */
	uint16_t pad;
};

/*
 * The shared fd holds the pages the hypervisor and the guest both write:
 * page 0 is struct shared_info, pages 1 .. max_grant_frames the v1 grant
 * table (grant frame i at page 1 + i).
 */
#define HVSIM_SHARED_INFO_PAGE   0
#define HVSIM_GRANT_FRAME0_PAGE  1

struct hvsim_attach_info {
	uint32_t version;
	uint16_t domid;
	uint16_t pad;
	uint64_t ram_pages;        /* size of the RAM fd, in pages */
	uint32_t max_grant_frames; /* grant frames the shared fd holds */
	uint32_t max_evtchn_ports; /* 2-level: 4096 */
	char     name[HVSIM_NAME_MAX];
};

enum hvsim_fd_kind {
	HVSIM_FD_RAM = 1,     /* a domain's RAM memfd (ours, or a granter's) */
	HVSIM_FD_SHARED = 2,  /* shared_info + grant frames memfd */
	HVSIM_FD_UPCALL = 3,  /* eventfd: the hypervisor kicks the vCPU */
};

struct hvsim_fd_desc {
	uint16_t kind;        /* enum hvsim_fd_kind */
	uint16_t domid;       /* whose RAM, for HVSIM_FD_RAM */
};


/*
 * Control protocol: AF_UNIX SOCK_STREAM at $HVSIM_DIR/control, one JSON
 * object per line each way.  Requests are {"cmd": NAME, ...}; every reply
 * has "ok" (bool) and, when false, "error" (a message for people) and
 * "errno" (a positive errno value).  The commands and their fields are
 * documented in docs/control-protocol.md.
 */

#endif

/* ====================================================================== */
/* Device socket (owned by kmod/: edit below this line only there)        */
/* ====================================================================== */
/*
 * A domain's guest kernel serves its devices on an AF_UNIX SOCK_SEQPACKET
 * socket, STATEDIR/dom<N>/devices.  A connection is a call channel: one
 * request at a time, run by a kernel thread of its own in the caller's
 * context, as a system call runs in Linux.  A program uses one channel per
 * thread; requests name their open file by the id HVSIM_DEV_OPEN gave.
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
 * (SCM_RIGHTS, with the reply message).  The caller maps each run
 * MAP_SHARED|MAP_FIXED; pages no run covers stay inaccessible.  Closing
 * the descriptors afterwards is the caller's job.
 *
 * fork: the parent asks HVSIM_DEV_FORK_PREPARE before forking (the kernel
 * copies its mappings as dup_mmap does, and answers a token in `file`);
 * after the fork the child commits the token for itself and the parent
 * commits it for the child's pid, whichever comes first (the other gets
 * -ENOENT); a failed fork aborts it.  exec: the new image says
 * HVSIM_DEV_EXEC, and the mappings of the old one go.
 */
#ifndef HVSIM_WIRE_DEVICE_H
#define HVSIM_WIRE_DEVICE_H

#define HVSIM_DEVICES_SOCK      "devices"   /* in STATEDIR/dom<N>/ */
#define HVSIM_DEV_PATH_MAX      64
#define HVSIM_DEV_RUNS_PER_MSG  1024
#define HVSIM_DEV_MAX_FDS       16

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
	HVSIM_DEV_FORK_COMMIT = 14,  /* arg = token, cmd = child pid (0: me) */
	HVSIM_DEV_FORK_ABORT = 15,   /* arg = token */
	HVSIM_DEV_CLOSE = 16,    /* the caller closed a descriptor of the file:
	                          * if it was the last copy, the last close
	                          * (release) happens before the reply */
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
	uint32_t nr_runs;        /* MMAP: runs that follow, in total */
	uint32_t pad;
	int64_t  ret;            /* >= 0, or -errno (Linux's, -ERESTARTSYS too) */
	uint64_t file;           /* OPEN: the file's id; FORK_PREPARE: token */
};

#define HVSIM_DEV_RUN_READONLY 1u

struct hvsim_dev_run {
	uint64_t start;          /* byte offset in the mapping */
	uint64_t len;            /* bytes */
	uint64_t offset;         /* byte offset in the descriptor */
	uint32_t fd_index;       /* which of the reply's descriptors */
	uint32_t flags;          /* HVSIM_DEV_RUN_* */
};

#endif /* HVSIM_WIRE_DEVICE_H */
