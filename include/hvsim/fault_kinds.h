/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kinds of fault injection (hvsim fault, docs/scenarios.md): what a
 * rule can make fail.  Read by hvsimd (hv-sim/fault.c), which applies the
 * rules, and by the command and the scenario verb (userlib/fault_spec.c),
 * which check the words before anything runs.  The names are the trace's:
 * a grant-table or event-channel sub-op, a whole hypercall of the raw path,
 * or something the domain's kernel does.
 */
#ifndef HVSIM_FAULT_KINDS_H
#define HVSIM_FAULT_KINDS_H

#include <stdbool.h>

#include "hvsim/hypercall_wire.h"
#include "hvsim/xen.h"

/* A raw hypercall's rule: the whole call, every sub-op. */
#define HVSIM_FAULT_WHOLE_CALL (-1)

struct hvsim_fault_kind {
	const char *name;
	unsigned int op;        /* __HYPERVISOR_*; 0 for the kernel's kinds */
	int cmd;                /* the sub-op, or HVSIM_FAULT_WHOLE_CALL */
	unsigned int kernel;    /* HVSIM_KFAULT_* for the kernel's kinds, else 0 */
	bool has_status;        /* its elements carry a GNTST_* status */
};

static const struct hvsim_fault_kind hvsim_fault_kinds[] = {
	{ "map_grant_ref", __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, 0, true },
	{ "unmap_grant_ref", __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, 0, true },
	{ "copy", __HYPERVISOR_grant_table_op, GNTTABOP_copy, 0, true },
	{ "setup_table", __HYPERVISOR_grant_table_op, GNTTABOP_setup_table, 0, true },
	{ "query_size", __HYPERVISOR_grant_table_op, GNTTABOP_query_size, 0, true },
	{ "set_version", __HYPERVISOR_grant_table_op, GNTTABOP_set_version, 0, false },
	{ "get_version", __HYPERVISOR_grant_table_op, GNTTABOP_get_version, 0, false },
	{ "alloc_unbound", __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, 0, false },
	{ "bind_interdomain", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, 0, false },
	{ "bind_virq", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, 0, false },
	{ "bind_ipi", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, 0, false },
	{ "bind_vcpu", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_vcpu, 0, false },
	{ "close", __HYPERVISOR_event_channel_op, EVTCHNOP_close, 0, false },
	{ "send", __HYPERVISOR_event_channel_op, EVTCHNOP_send, 0, false },
	{ "status", __HYPERVISOR_event_channel_op, EVTCHNOP_status, 0, false },
	{ "unmask", __HYPERVISOR_event_channel_op, EVTCHNOP_unmask, 0, false },
	{ "reset", __HYPERVISOR_event_channel_op, EVTCHNOP_reset, 0, false },
	{ "init_control", __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, 0, false },
	{ "expand_array", __HYPERVISOR_event_channel_op, EVTCHNOP_expand_array, 0, false },
	{ "set_priority", __HYPERVISOR_event_channel_op, EVTCHNOP_set_priority, 0, false },
	{ "memory_op", __HYPERVISOR_memory_op, HVSIM_FAULT_WHOLE_CALL, 0, false },
	{ "xen_version", __HYPERVISOR_xen_version, HVSIM_FAULT_WHOLE_CALL, 0, false },
	{ "domctl", __HYPERVISOR_domctl, HVSIM_FAULT_WHOLE_CALL, 0, false },
	{ "sysctl", __HYPERVISOR_sysctl, HVSIM_FAULT_WHOLE_CALL, 0, false },
	{ "dm_op", __HYPERVISOR_dm_op, HVSIM_FAULT_WHOLE_CALL, 0, false },
	{ "kmalloc", 0, 0, HVSIM_KFAULT_KMALLOC, false },
	{ "alloc_page", 0, 0, HVSIM_KFAULT_ALLOC_PAGE, false },
	{ "upcall_delay", 0, 0, HVSIM_KFAULT_UPCALL_DELAY, false },
};
#define HVSIM_NR_FAULT_KINDS (sizeof(hvsim_fault_kinds) / sizeof(hvsim_fault_kinds[0]))

/* The kind named `name` (as above), or NULL. */
static inline const struct hvsim_fault_kind *hvsim_fault_kind(const char *name)
{
	for (unsigned int i = 0; i < HVSIM_NR_FAULT_KINDS; i++) {
		const char *a = hvsim_fault_kinds[i].name, *b = name;

		while (*a && *a == *b)
			a++, b++;
		if (!*a && !*b)
			return &hvsim_fault_kinds[i];
	}
	return NULL;
}

/* The largest `nth` and `times` of a rule, and the longest upcall delay (ms). */
#define HVSIM_FAULT_MAX_COUNT    1000000
#define HVSIM_FAULT_MAX_DELAY_MS 60000

#endif
