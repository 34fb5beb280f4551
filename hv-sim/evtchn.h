/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels with Xen 4.17's semantics (xen/common/event_channel.c,
 * event_2l.c, event_fifo.c).  A domain starts with the 2-level ABI: pending
 * and mask bits live in the domain's shared_info page; evtchn_pending_sel
 * and evtchn_upcall_pending of vcpu 0 are set in Xen's order and the vCPU
 * is kicked with domain_kick().  EVTCHNOP_init_control switches it to the
 * FIFO ABI (evtchn_fifo.h: event words and queues in guest pages), and
 * EVTCHNOP_reset back to 2-level.
 *
 * Each *_op function takes the Xen ABI struct itself and returns what the
 * hypercall returns (0 or -errno); the caller `d` is the domain making the
 * hypercall.
 */
#ifndef HVSIM_EVTCHN_H
#define HVSIM_EVTCHN_H

#include <json-c/json.h>

#include "domain.h"

#define HVSIM_EVTCHN_PORTS 4096  /* 2-level on 64-bit: 64 x 64 */
/* under FIFO: HVSIM_EVTCHN_FIFO_PORTS (evtchn_fifo.h), 2^17 */

int evtchn_domain_init(struct domain *d);

/*
 * XEN_DOMCTL_createdomain's max_evtchn_port (evtchn_init): the highest port
 * the domain may allocate, clamped to INT_MAX (so -1 means "only the ABI
 * limits it").  Set before the domain allocates ports.
 */
void evtchn_set_max_port(struct domain *d, uint32_t max_port);
void evtchn_domain_fini(struct domain *d);

/* EVTCHNOP_* dispatcher; `arg` points at the ABI struct of `cmd`. */
long evtchn_op(struct domain *d, unsigned int cmd, void *arg);

long evtchn_alloc_unbound_op(struct domain *d, struct evtchn_alloc_unbound *op);
long evtchn_bind_interdomain_op(struct domain *d, struct evtchn_bind_interdomain *op);
long evtchn_bind_virq_op(struct domain *d, struct evtchn_bind_virq *op);
long evtchn_close_op(struct domain *d, struct evtchn_close *op);
long evtchn_send_op(struct domain *d, struct evtchn_send *op);
long evtchn_status_op(struct domain *d, struct evtchn_status *op);
long evtchn_unmask_op(struct domain *d, struct evtchn_unmask *op);
long evtchn_reset_op(struct domain *d, struct evtchn_reset *op);

/* Raises a global VIRQ (VIRQ_DOM_EXC) wherever it is bound (dom0). */
void evtchn_send_global_virq(unsigned int virq);

/* Domain death: closes every port; interdomain peers go back to unbound. */
void evtchn_close_all(struct domain *d);

/*
 * Every port in use: state, peer, virq, pending and masked bits, and the
 * ABI ("abi": "2l" or "fifo"; under FIFO each port's priority and linked
 * bit, and the control block, queues and event array) (JSON).
 */
struct json_object *evtchn_dump(struct domain *d);

/* Whether the domain uses the FIFO ABI now. */
bool evtchn_is_fifo(const struct domain *d);

/*
 * vcpu_mark_events_pending, for both ABIs: sets vcpu 0's
 * evtchn_upcall_pending and kicks the vCPU if it was clear; true if so.
 */
bool evtchn_mark_events_pending(struct domain *d);

#endif
