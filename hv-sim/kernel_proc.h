/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest kernel process of each domain (kmod's hvsim-kernel): started
 * when the domain is created, stopped when it is destroyed.
 *
 *   hvsim-kernel --domid N --name NAME --dir STATEDIR [--param M.P=V ...]
 *   env HVSIM_HYPERCALL_FD: a connected hypercall socket (only N may attach)
 *   env HVSIM_READY_FD: written once (one byte) when the devices serve
 *
 * Without a kernel executable, domains run kernel-less: a test program
 * may attach to them through the hypercall socket instead.
 */
#ifndef HVSIM_KERNEL_PROC_H
#define HVSIM_KERNEL_PROC_H

#include "domain.h"

/* Picks the executable: $HVSIM_KERNEL ("none" for none), else
 * hvsim-kernel beside hvsimd.  NULL: run kernel-less. */
void kernel_configure(const char *state_dir);
const char *kernel_path(void);

/*
 * Starts d's kernel.  `ready(d, err, arg)` runs once: err 0 when the
 * kernel said it serves its devices, -errno if it could not start or died
 * first.  Returns -errno if it could not even be started (no callback).
 */
int kernel_start(struct domain *d, char *const *params, size_t nr_params,
		 void (*ready)(struct domain *d, int err, void *arg), void *arg);

/* d is being destroyed: SIGTERM now, SIGKILL two seconds later. */
void kernel_domain_destroyed(struct domain *d);

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
