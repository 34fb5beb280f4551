/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall transport, hvsimd's side: accepts guest kernel
 * connections, decodes messages (include/hvsim/hypercall_wire.h),
 * dispatches them to grant_table_op / evtchn_op, encodes the replies.  It holds no semantics
 * of its own: every semantic test runs without it.
 */
#ifndef HVSIM_HYPERCALL_H
#define HVSIM_HYPERCALL_H

#include <stddef.h>

#include "domain.h"

/* Listens on `path` (SOCK_SEQPACKET) for kernels attaching by domid. */
int hypercall_listen(const char *path);
void hypercall_shutdown(void);

/*
 * Serves the hvsimd end of a socketpair given to a kernel hvsimd started
 * for `domid`: only that domain may attach over it.
 */
int hypercall_adopt(int fd, domid_t domid);

/*
 * Sends d's kernel an unsolicited message (kernel_fault.c): 0, or
 * -ENOTCONN when no kernel is attached or it stopped reading (which is
 * its domain's crash, as for a reply it does not take).
 */
int hypercall_send_to_kernel(struct domain *d, const void *msg, size_t len);

/* The domain is being destroyed: tell its kernel and drop the connection. */
void hypercall_domain_destroyed(struct domain *d);

#endif
