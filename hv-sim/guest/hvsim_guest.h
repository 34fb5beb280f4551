/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libhvsim-guest: the guest kernel's side of the hypercall transport.
 *
 * A guest kernel (kmod's hvsim-kernel, or a test program standing in for
 * one) attaches to its domain, maps the domain's RAM, shared_info and
 * grant frames, issues batched hypercalls with Xen's ABI structs, and waits
 * for upcalls.  This is the only way into the hypervisor; it speaks the
 * wire format of include/hvsim/hypercall_wire.h.
 *
 * Thread safety: hypercalls may be issued from several threads at once
 * (calls are serialised internally; each is one round trip per batch).
 *
 * All functions returning int return 0 or a negative errno value.  Once
 * the domain is gone (destroyed, or hvsimd stopped) every hypercall
 * returns -ENOTCONN, which no Xen hypercall returns.
 */
#ifndef HVSIM_GUEST_H
#define HVSIM_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hvsim/xen.h"

struct hvsim_guest;

/*
 * Attaches to domain `domid` through the hypercall socket of the hvsimd
 * whose state directory is `dir` (NULL: $HVSIM_DIR, else the default
 * directory).  A domain has one kernel at a time: -EBUSY if one is
 * attached, -ESRCH if the domain does not exist or is dying.  When the
 * connection closes (this process exits or is killed), the hypervisor
 * treats it as the domain's death (dom0 excepted: its mappings and ports
 * are released and it can be attached again).
 */
int hvsim_guest_attach(const char *dir, domid_t domid, struct hvsim_guest **out);

/*
 * Attaches over an already connected hypercall socket (hvsimd passes one
 * to the kernel it starts for a domain; see HVSIM_HYPERCALL_FD).
 */
int hvsim_guest_attach_fd(int sock, domid_t domid, struct hvsim_guest **out);

/* Detaches and unmaps everything; `g` is freed. */
void hvsim_guest_detach(struct hvsim_guest *g);

domid_t hvsim_guest_domid(const struct hvsim_guest *g);
const char *hvsim_guest_name(const struct hvsim_guest *g);

/*
 * The domain's RAM as this process sees it: gfn N at base + N * 4096.
 * Grant maps into a gfn remap that page to the granter's page (the
 * library applies the hypervisor's p2m updates before the hypercall
 * returns), and unmaps restore it.
 */
void *hvsim_guest_ram(const struct hvsim_guest *g);
uint64_t hvsim_guest_ram_pages(const struct hvsim_guest *g);

/*
 * What backs gfn `gfn` now: an fd and a byte offset into it that a
 * program may mmap(MAP_SHARED) to share the same page, and whether the
 * page is read-only.  The fd stays owned by the library.
 */
int hvsim_guest_gfn_backing(struct hvsim_guest *g, uint64_t gfn, int *fd,
			    off_t *offset, int *readonly);

struct shared_info *hvsim_guest_shared_info(const struct hvsim_guest *g);

/* The v1 grant table: max_frames * 512 entries, written by the guest. */
grant_entry_v1_t *hvsim_guest_grant_table(const struct hvsim_guest *g,
					  unsigned int *max_frames);

/*
 * GNTTABOP_*: `ops` is an array of `count` ABI structs of `cmd`.  Large
 * batches are split only where the wire limit forces it.  Returns the
 * hypercall's return value; per-element status is in the structs.
 * GNTTABOP_setup_table writes the frame list to `frames` (op->nr_frames
 * entries); pass NULL for every other op.
 */
int hvsim_guest_grant_table_op(struct hvsim_guest *g, unsigned int cmd,
			       void *ops, unsigned int count, xen_pfn_t *frames);

/* EVTCHNOP_*: `arg` is the ABI struct of `cmd`. */
int hvsim_guest_event_channel_op(struct hvsim_guest *g, unsigned int cmd, void *arg);

/*
 * Hypercall `op` with its five argument registers, whose guest handles
 * are addresses in process `pid`'s memory: hvsimd reads and writes them
 * there (a program's privcmd hypercall; pid must let hvsimd do so, see
 * docs/privcmd.md).  `by_value` (len bytes, at most HVSIM_RAW_INLINE_MAX)
 * goes with the call for the hypercalls that take a kernel array
 * (HYPERVISOR_dm_op).  Returns the hypercall's return value, or -errno of
 * the transport.
 */
long hvsim_guest_raw_hypercall(struct hvsim_guest *g, unsigned int op,
			       const uint64_t args[5], int pid,
			       const void *by_value, size_t len);

/*
 * Says whether the calling thread keeps to the CPU it runs on (its
 * affinity is that one CPU).  hvsimd then serves this thread's hypercalls
 * on that CPU, moving there after two of them in a row; a thread that
 * does not say so is served wherever hvsimd runs (hvsim/cpu.h).
 */
void hvsim_guest_set_cpu_held(bool held);

/*
 * Upcalls.  The hypervisor kicks an eventfd after setting
 * evtchn_upcall_pending.  `hvsim_guest_upcall_fd` is readable when kicked
 * (poll it, or call hvsim_guest_wait_upcall).
 */
int hvsim_guest_upcall_fd(const struct hvsim_guest *g);
/* Waits up to timeout_ms (-1: forever) for a kick and consumes it.
 * Returns 1 if kicked, 0 on timeout. */
int hvsim_guest_wait_upcall(struct hvsim_guest *g, int timeout_ms);
/* Consumes a kick, if there is one, without waiting. */
void hvsim_guest_take_upcall(struct hvsim_guest *g);
/*
 * The same, saying what the kick was: HVSIM_GUEST_KICK_UPCALL, and
 * HVSIM_GUEST_KICK_MESSAGE if hvsimd also sent a message that no call
 * waits for (HVSIM_UPCALL_KICK_MESSAGE), which hvsim_guest_take_messages
 * answers; 0 if there was none.
 */
#define HVSIM_GUEST_KICK_UPCALL		1
#define HVSIM_GUEST_KICK_MESSAGE	2
int hvsim_guest_take_kick(struct hvsim_guest *g);
/*
 * Waits (up to a second) for a hypercall in progress to end, then takes
 * what came on the connection meanwhile: answers fault rules, notes the
 * domain's end.  Returns hvsim_guest_alive's answer.
 */
int hvsim_guest_take_messages(struct hvsim_guest *g);

/*
 * The 2-level scan an upcall handler does: clears evtchn_upcall_pending,
 * takes evtchn_pending_sel, and for every port that is pending and not
 * masked calls `handler(port, arg)`.  The handler's job is Linux's: mask
 * and/or clear the pending bit (hvsim_guest_evtchn_clear).  Returns the
 * number of ports handled.
 */
int hvsim_guest_scan_events(struct hvsim_guest *g,
			    void (*handler)(evtchn_port_t port, void *arg), void *arg);

/*
 * The guest side of granting, as Linux's gnttab_grant_foreign_access does
 * it: domid and frame first, then flags, with a barrier between.
 */
void hvsim_guest_grant_access(struct hvsim_guest *g, grant_ref_t ref, domid_t to,
			      uint64_t frame, int readonly);
/*
 * Linux's end of foreign access: clears the entry with cmpxchg unless the
 * hypervisor pins it (GTF_reading/GTF_writing).  Returns 1 if revoked, 0 if
 * the entry is still in use.
 */
int hvsim_guest_end_access(struct hvsim_guest *g, grant_ref_t ref);

/*
 * For programs that are their own vCPU (tests, the demo): waits up to
 * timeout_ms for an upcall, scans, and returns the first pending unmasked
 * port with its pending bit cleared; 0 on timeout.
 */
evtchn_port_t hvsim_guest_wait_event(struct hvsim_guest *g, int timeout_ms);

/* Bit operations on the shared_info bitmaps, atomic as Linux's sync_*. */
void hvsim_guest_evtchn_clear(struct hvsim_guest *g, evtchn_port_t port);
int hvsim_guest_evtchn_test_pending(struct hvsim_guest *g, evtchn_port_t port);
void hvsim_guest_evtchn_mask(struct hvsim_guest *g, evtchn_port_t port);
/* Unmask as Linux's 2-level unmask does (via EVTCHNOP_unmask when pending). */
int hvsim_guest_evtchn_unmask(struct hvsim_guest *g, evtchn_port_t port);

/*
 * Fault injection in the kernel (hvsim fault, docs/scenarios.md): `fn`
 * takes the rules hvsimd sends (struct hvsim_kernel_fault of
 * hvsim/hypercall_wire.h) and answers 0 or -errno.  It runs on whichever
 * thread reads the message (a hypercall in progress, or a look at an idle
 * connection: hvsim_guest_alive), with the library's lock held: it must
 * make no hypercall.  Without one, rules are answered -ENOSYS.
 */
struct hvsim_kernel_fault;
struct hvsim_fault_injected;
void hvsim_guest_set_fault_handler(struct hvsim_guest *g,
				   int (*fn)(const struct hvsim_kernel_fault *f, void *arg),
				   void *arg);
/* Tells hvsimd of a fault the kernel just injected (for the trace). */
void hvsim_guest_fault_injected(struct hvsim_guest *g, const struct hvsim_fault_injected *n);

/*
 * The hypercall socket fd, for a caller that wants to notice the domain's
 * destruction: it becomes readable (EOF or HVSIM_MSG_SHUTDOWN) then.
 * hvsim_guest_alive() returns 0 once that happened.
 */
int hvsim_guest_conn_fd(const struct hvsim_guest *g);
int hvsim_guest_alive(struct hvsim_guest *g);
/* 1 when the domain was destroyed (HVSIM_MSG_SHUTDOWN), rather than
 * hvsimd going away (EOF alone). */
int hvsim_guest_destroyed(struct hvsim_guest *g);
/*
 * The same, once it can be known: a call in progress may be the one that
 * reads the SHUTDOWN message, so this waits (up to timeout_ms) for the
 * connection to be free before it looks.  For a kernel told to stop
 * (SIGTERM), which must not run any release of a destroyed domain.
 */
int hvsim_guest_destroyed_wait(struct hvsim_guest *g, int timeout_ms);

#endif
