/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall wire: how a guest kernel makes hypercalls to hvsimd.
 * Spoken by libhvsim-guest (hv-sim/guest/guest.c), which each domain's
 * guest kernel (kmod/host/) links, and by hvsimd (hv-sim/hypercall.c).  It
 * carries the attach of a kernel to its domain, the hypercalls as Xen's
 * ABI structs, the descriptors of the pages both sides share, the
 * domain's shutdown, and fault injection in the kernel (hvsim fault).
 * Which hypercalls it carries, and the size of each one's struct, is
 * hvsim/hypercall_ops.h.
 *
 * One AF_UNIX SOCK_SEQPACKET connection per guest kernel, at
 * STATEDIR/hypercall (hvsim/paths.h), or inherited from hvsimd when it
 * started the kernel.  Every message starts with struct hvsim_msg_hdr.  A
 * request carries `count` Xen ABI structs of the size implied by (op, cmd),
 * laid out back to back exactly as Xen's public headers define them.  The
 * reply echoes the header (with rc set) and the same structs, updated the
 * way Xen updates them in guest memory (status, handle, port, ...),
 * followed by the trailers the header announces:
 *
 *   struct hvsim_msg_hdr
 *   count x ABI struct              (updated in place)
 *   inline_len bytes of inline data (GNTTABOP_setup_table: the frame list)
 *   nr_fds x struct hvsim_fd_desc   (describes the SCM_RIGHTS fds, in order,
 *                                    at most HVSIM_SCM_MAX_FDS (hvsim/scm.h);
 *                                    only HVSIM_MSG_ATTACH and HVSIM_MSG_FDS)
 *   nr_p2m x struct hvsim_p2m_update
 *
 * A reply whose p2m updates name a domain whose RAM fd (or, for an update
 * with HVSIM_P2M_SHARED, shared fd) this connection has not received yet is
 * preceded by an HVSIM_MSG_FDS message carrying it.
 *
 * One round trip per batch, never per page: a grant-map batch is one
 * message, and the p2m trailer tells the guest which of its gfns now show
 * which foreign page (it remaps them with one mmap per contiguous run).
 */
#ifndef HVSIM_HYPERCALL_WIRE_H
#define HVSIM_HYPERCALL_WIRE_H

#include <stdint.h>

#define HVSIM_WIRE_VERSION   2

/* Largest message either side sends or accepts on the hypercall socket. */
#define HVSIM_MSG_MAX        (128 * 1024)

/* A domain's name, with its NUL: hvsimd's limit, which the attach reply carries. */
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
	/* hv -> guest, just before a hypercall reply: nr_fds RAM or shared fds
	 * of other domains that the reply's p2m updates refer to, each passed
	 * once per connection (struct hvsim_fd_desc says which).  No structs. */
	HVSIM_MSG_FDS = 4,
	/* guest -> hv: a hypercall whose guest handles stay addresses, as a
	 * program makes one through privcmd: op = __HYPERVISOR_*, cmd = 0,
	 * count = 1 struct hvsim_raw_hypercall, then inline_len bytes that the
	 * kernel passes by value (HYPERVISOR_dm_op's buffer array).  The
	 * reply echoes the struct; rc is the hypercall's return value. */
	HVSIM_MSG_RAW_HYPERCALL = 5,
	/* hv -> guest, unsolicited: count = 1 struct hvsim_kernel_fault, the
	 * fault injection rule of one kind for the guest kernel (hvsim fault,
	 * docs/control-protocol.md); seq chosen by hvsimd.  The guest answers
	 * with the same type and seq, no structs, rc = 0 or -errno (-ENOSYS:
	 * it injects no faults of that kind).  hvsimd then also adds
	 * HVSIM_UPCALL_KICK_MESSAGE to the upcall eventfd. */
	HVSIM_MSG_KERNEL_FAULT = 6,
	/* guest -> hv, no reply: count = 1 struct hvsim_fault_injected, a
	 * fault the kernel just injected, for the trace. */
	HVSIM_MSG_FAULT_INJECTED = 7,
};

/*
 * What hvsimd adds to a domain's upcall eventfd (HVSIM_FD_UPCALL) after an
 * unsolicited message that needs an answer (HVSIM_MSG_KERNEL_FAULT); an
 * upcall adds 1.  So a vCPU thread need not watch the connection for data,
 * which would wake it at every hypercall reply too: it watches it for the
 * hang-up only, and looks at it when a kick carries this.
 */
#define HVSIM_UPCALL_KICK_MESSAGE	(1ULL << 32)

struct hvsim_msg_hdr {
	uint32_t type;       /* enum hvsim_msg_type */
	uint32_t seq;        /* chosen by the guest, echoed in the reply */
	uint32_t op;         /* __HYPERVISOR_* (grant_table_op, event_channel_op; any, raw) */
	uint32_t cmd;        /* GNTTABOP_*, EVTCHNOP_* */
	uint32_t count;      /* ABI structs following the header */
	int32_t  rc;         /* reply: the hypercall's return value (0 or -errno) */
	uint32_t inline_len; /* bytes of inline data after the structs */
	uint16_t nr_fds;     /* fds passed with SCM_RIGHTS */
	uint16_t nr_p2m;     /* reply: p2m updates at the end */
	uint32_t cpu;        /* request: the caller's CPU + 1, 0 if unknown, | HVSIM_CPU_HELD (cpu.h) */
	uint32_t pad;
};

/*
 * After a grant map or unmap, or a foreign map or unmap by gfn
 * (XENMEM_add_to_physmap_batch, XENMEM_acquire_resource,
 * XENMEM_remove_from_physmap), gfn `gfn` of the calling domain shows page
 * `frame` of domain `domid`'s RAM, or with HVSIM_P2M_SHARED page `frame`
 * of `domid`'s shared fd (a grant frame: HVSIM_GRANT_FRAME0_PAGE + i).
 * domid == the caller's own domid with frame == gfn and no
 * HVSIM_P2M_SHARED means "your own RAM again".  The guest remaps it
 * (MAP_SHARED|MAP_FIXED) from the RAM fd (HVSIM_FD_RAM) or shared fd
 * (HVSIM_FD_SHARED) of `domid`, which the hypervisor passed once before or
 * in this reply.
 */
#define HVSIM_P2M_READONLY 1u
#define HVSIM_P2M_SHARED   2u

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

/*
 * A hypercall's five argument registers, as Xen receives them, and whose
 * memory its guest handles point into: hvsimd reads and writes them there
 * (process_vm_readv/writev), as Xen copies through the current address
 * space.  `pid` is the calling program for privcmd's hypercalls, the
 * kernel itself for its own (HYPERVISOR_memory_op).
 */
struct hvsim_raw_hypercall {
	uint64_t arg[5];
	uint32_t pid;
	uint32_t pad;
};

/* The most bytes a raw hypercall passes by value (inline_len). */
#define HVSIM_RAW_INLINE_MAX 4096

/* What a guest kernel makes fail on purpose (HVSIM_MSG_KERNEL_FAULT). */
enum hvsim_kfault_kind {
	HVSIM_KFAULT_KMALLOC = 1,      /* kmalloc, kzalloc, kcalloc, kvmalloc, ... */
	HVSIM_KFAULT_ALLOC_PAGE = 2,   /* alloc_page(s), __get_free_page(s) */
	HVSIM_KFAULT_UPCALL_DELAY = 3, /* the vCPU waits delay_ms before an upcall */
};

/*
 * One kind's rule: of the operations of that kind from now on, the first
 * nth - 1 go through and the next `times` fail (are delayed); times -1:
 * every one from the nth on, until cleared; times 0 clears the rule.
 */
struct hvsim_kernel_fault {
	uint32_t kind;       /* enum hvsim_kfault_kind */
	uint32_t nth;        /* >= 1 */
	int64_t  times;      /* >= 1, -1 (always) or 0 (clear) */
	uint32_t delay_ms;   /* HVSIM_KFAULT_UPCALL_DELAY */
	uint32_t pad;
};

struct hvsim_fault_injected {
	uint32_t kind;       /* enum hvsim_kfault_kind */
	uint32_t delay_ms;
	char     site[96];   /* the allocation's call site, nul-terminated */
};

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
	HVSIM_FD_SHARED = 2,  /* shared_info + grant frames memfd (ours, or, in
	                       * HVSIM_MSG_FDS, a domain whose grant frames we
	                       * map: XENMEM_acquire_resource) */
	HVSIM_FD_UPCALL = 3,  /* eventfd: the hypervisor kicks the vCPU */
};

struct hvsim_fd_desc {
	uint16_t kind;        /* enum hvsim_fd_kind */
	uint16_t domid;       /* whose RAM or shared pages */
};

#endif
