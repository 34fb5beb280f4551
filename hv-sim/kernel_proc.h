/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest kernel process of each domain (kmod's hvsim-kernel): started
 * when the domain is created, stopped when it is destroyed.
 *
 *   hvsim-kernel --domid N --name NAME --dir STATEDIR [--param M.P=V ...]
 *   env HVSIM_HYPERCALL_FD: a connected hypercall socket (only N may attach)
 *   env HVSIM_READY_FD: written once, "R" when the devices serve, or "E"
 *   and why boot stopped (kmod/host/readiness.c)
 *
 * A kernel logs to its stderr (hvsimd's log) and to STATEDIR/dom<N>/kernel.log
 * (hvsim/paths.h), which `hvsim log` prints.
 *
 * Without a kernel executable, domains run kernel-less: a test program
 * may attach to them through the hypercall socket instead.
 */
#ifndef HVSIM_KERNEL_PROC_H
#define HVSIM_KERNEL_PROC_H

#include "domain.h"

/* Picks the executable: $HVSIM_KERNEL ("none" for none), else
 * hvsim-kernel beside hvsimd.  NULL: run kernel-less.  Removes the
 * domain directories a previous hvsimd left in state_dir (kernel logs). */
void kernel_configure(const char *state_dir);
const char *kernel_path(void);

/*
 * Starts d's kernel.  `ready(d, err, why, arg)` runs once: err 0 when the
 * kernel said it serves its devices; -errno if it could not start or died
 * first, and `why` says why, in the kernel's own words when it gave them
 * ("no such module parameter gntalloc.bogus").  Returns -errno if it could
 * not even be started (no callback).
 */
int kernel_start(struct domain *d, char *const *params, size_t nr_params,
		 void (*ready)(struct domain *d, int err, const char *why, void *arg),
		 void *arg);

/* Removes the domain's kernel log and its directory (a domain forgotten). */
void kernel_log_remove(domid_t domid);

/* d is being destroyed: SIGTERM now, SIGKILL two seconds later. */
void kernel_domain_destroyed(struct domain *d);

/*
 * `gone(arg)` runs once the domain's kernel process has exited: after a
 * destroy, by then it has killed every program that used its devices
 * (kmod/host/main.c), as nothing of a destroyed domain runs on Xen.
 * Returns false, and never runs it, if no kernel of the domain is left
 * or one callback already waits for it.  Not run at kernel_stop_all().
 */
bool kernel_when_gone(domid_t domid, void (*gone)(void *arg), void *arg);

/*
 * hvsimd is about to exit: every kernel is told to stop (SIGTERM, SIGKILL
 * after the grace period) while hvsimd still serves them, since a kernel
 * shutting down in order releases its programs' files and Linux's release
 * paths make hypercalls (closing their event channels).  `done` runs once
 * the last has exited (at once if none runs).
 */
void kernel_stop_all_begin(void (*done)(void));
/* Stops every kernel still running (hvsimd exit) and waits for them. */
void kernel_stop_all(void);

#endif
