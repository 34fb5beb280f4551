/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fault injection inside a domain's kernel (its allocations, its upcalls):
 * hvsimd tells the kernel the rule over the hypercall connection
 * (HVSIM_MSG_KERNEL_FAULT, include/hvsim/hypercall_wire.h) and waits for
 * its answer; the kernel tells hvsimd of each fault it injects
 * (HVSIM_MSG_FAULT_INJECTED), which goes into the trace and the rule's
 * count.  The rules themselves are fault.h's.
 */
#ifndef HVSIM_KERNEL_FAULT_H
#define HVSIM_KERNEL_FAULT_H

#include <stddef.h>

#include "hvsim/hypercall_wire.h"
#include "domain.h"

/* How long hvsimd waits for a kernel's answer. */
#define KERNEL_FAULT_TIMEOUT_MS 5000

/*
 * Sends d's kernel one kind's rule.  done(err, arg) runs once with the
 * kernel's answer (0 or -errno), -ETIMEDOUT when none came in time, or
 * -ECONNRESET when the kernel went first.  Returns 0, or -ENOTCONN (no
 * kernel attached) / -ENOMEM, and then done never runs.
 */
int kernel_fault_send(struct domain *d, const struct hvsim_kernel_fault *f,
		      void (*done)(int err, void *arg), void *arg);

/* From the transport: a message d's kernel sent of type
 * HVSIM_MSG_KERNEL_FAULT (an answer) or HVSIM_MSG_FAULT_INJECTED. */
void kernel_fault_message(struct domain *d, const struct hvsim_msg_hdr *h,
			  const void *payload, size_t len);

/* d's kernel connection ended: what waits for it is answered -ECONNRESET,
 * and d's rules for its kernel are gone with the kernel. */
void kernel_fault_conn_gone(struct domain *d);

/* hvsimd exits: forgets every request in flight, answering none. */
void kernel_fault_shutdown(void);

#endif
