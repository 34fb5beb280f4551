/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercalls that cross the hypercall wire, and the size of each one's
 * ABI struct (Xen 4.17's public headers).  Both ends read this one table:
 * the guest library to know how many bytes of a caller's array a request
 * carries, hvsimd to check a request's payload and to decode it in the
 * trace.  A request carries `count` structs of this size.
 *
 * Size 0 means "not carried": the guest library sends such a call with no
 * struct, and hvsimd answers it with -ENOSYS, as Xen answers a hypercall
 * or sub-op it does not have.  An op listed here whose handler refuses it
 * still has its size, so that its answer is the handler's, not the
 * transport's.
 *
 * To carry a new hypercall: add a function giving the size of each of its
 * sub-ops below, a case for it in hvsim_hypercall_op_size, and a dispatcher
 * in hvsimd (hv-sim/hypercall.c).  A new sub-op of a known hypercall is one
 * line in its function.
 */
#ifndef HVSIM_HYPERCALL_OPS_H
#define HVSIM_HYPERCALL_OPS_H

#include <stddef.h>

#include "hvsim/xen.h"

/*
 * Xen keeps a preempted GNTTABOP's progress in the bits of cmd above these
 * (GNTTABOP_CMD_MASK, private to xen/common/grant_table.c); the sub-op is
 * the bits below.
 */
#define HVSIM_GNTTABOP_CMD_MASK ((1u << 12) - 1)

/* __HYPERVISOR_grant_table_op: the v1 ops hvsim implements. */
static inline size_t hvsim_gnttabop_size(unsigned int cmd)
{
	switch (cmd & HVSIM_GNTTABOP_CMD_MASK) {
	case GNTTABOP_map_grant_ref:   return sizeof(struct gnttab_map_grant_ref);
	case GNTTABOP_unmap_grant_ref: return sizeof(struct gnttab_unmap_grant_ref);
	case GNTTABOP_setup_table:     return sizeof(struct gnttab_setup_table);
	case GNTTABOP_copy:            return sizeof(struct gnttab_copy);
	case GNTTABOP_query_size:      return sizeof(struct gnttab_query_size);
	case GNTTABOP_set_version:     return sizeof(struct gnttab_set_version);
	case GNTTABOP_get_version:     return sizeof(struct gnttab_get_version);
	}
	return 0;
}

/*
 * Xen's public header defines this one for Xen itself only (it is how a
 * preempted reset continues), but any guest can issue it.
 */
#ifndef EVTCHNOP_reset_cont
#define EVTCHNOP_reset_cont 14
#endif

/* __HYPERVISOR_event_channel_op: every sub-op of Xen 4.17's ABI. */
static inline size_t hvsim_evtchnop_size(unsigned int cmd)
{
	switch (cmd) {
	case EVTCHNOP_bind_interdomain: return sizeof(struct evtchn_bind_interdomain);
	case EVTCHNOP_bind_virq:        return sizeof(struct evtchn_bind_virq);
	case EVTCHNOP_bind_pirq:        return sizeof(struct evtchn_bind_pirq);
	case EVTCHNOP_close:            return sizeof(struct evtchn_close);
	case EVTCHNOP_send:             return sizeof(struct evtchn_send);
	case EVTCHNOP_status:           return sizeof(struct evtchn_status);
	case EVTCHNOP_alloc_unbound:    return sizeof(struct evtchn_alloc_unbound);
	case EVTCHNOP_bind_ipi:         return sizeof(struct evtchn_bind_ipi);
	case EVTCHNOP_bind_vcpu:        return sizeof(struct evtchn_bind_vcpu);
	case EVTCHNOP_unmask:           return sizeof(struct evtchn_unmask);
	case EVTCHNOP_reset:
	case EVTCHNOP_reset_cont:       return sizeof(struct evtchn_reset);
	case EVTCHNOP_init_control:     return sizeof(struct evtchn_init_control);
	case EVTCHNOP_expand_array:     return sizeof(struct evtchn_expand_array);
	case EVTCHNOP_set_priority:     return sizeof(struct evtchn_set_priority);
	}
	return 0;
}

/* Size of one ABI struct of hypercall `op`, sub-op `cmd`; 0 if not carried. */
static inline size_t hvsim_hypercall_op_size(unsigned int op, unsigned int cmd)
{
	switch (op) {
	case __HYPERVISOR_grant_table_op:    return hvsim_gnttabop_size(cmd);
	case __HYPERVISOR_event_channel_op:  return hvsim_evtchnop_size(cmd);
	}
	return 0;
}

#endif
