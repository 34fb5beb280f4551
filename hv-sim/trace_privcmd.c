// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trace records of the hypercalls programs make through privcmd (and the
 * kernel's own raw ones): which hypercall and sub-op, who made it, its
 * five argument registers and its outcome.  Their structs live in the
 * caller's memory and are not copied into the record; these calls are
 * rare, so the record goes through json-c.
 *
 *   {"dom":0,"kind":"hypercall","op":"domctl","cmd":"getdomaininfo",
 *    "via":"privcmd","pid":1234,"args":["0x7f..",...],"rc":0}
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "hvsim/xen.h"
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include "guest_mem.h"
#include "trace.h"
#include "trace_abi.h"

/* The sub-op: the first argument, or the cmd at the head of the struct; -1 if none. */
int64_t trace_raw_subop(unsigned int op, const struct guest_mem *m, const uint64_t args[5])
{
	uint32_t cmd;

	switch (op) {
	case __HYPERVISOR_domctl:
	case __HYPERVISOR_sysctl:
		/* struct xen_domctl and xen_sysctl both begin with uint32_t cmd */
		return guest_mem_read(m, args[0], &cmd, sizeof(cmd)) ? -1 : (int64_t)cmd;
	case __HYPERVISOR_xen_version:
	case __HYPERVISOR_memory_op:
	case __HYPERVISOR_event_channel_op:
	case __HYPERVISOR_grant_table_op:
	case __HYPERVISOR_sched_op:
	case __HYPERVISOR_hvm_op:
	case __HYPERVISOR_physdev_op:
		return (int64_t)(uint32_t)args[0];
	}
	return -1;	/* none, or not one hvsim knows where to find */
}

static void raw_record(uint16_t domid, unsigned int op, int64_t cmd,
		       const uint64_t args[5], uint32_t pid, long rc, bool injected)
{
	struct json_object *rec, *a;
	const char *opn, *cmdn;
	char hex[24];

	if (!trace_enabled())
		return;
	rec = json_object_new_object();
	a = json_object_new_array();
	opn = trace_op_name(op);
	cmdn = cmd >= 0 ? trace_cmd_name(op, (unsigned int)cmd) : NULL;
	json_object_object_add(rec, "dom", json_object_new_int(domid));
	json_object_object_add(rec, "kind", json_object_new_string("hypercall"));
	json_object_object_add(rec, "op", opn ? json_object_new_string(opn) : json_object_new_int64(op));
	if (cmdn)
		json_object_object_add(rec, "cmd", json_object_new_string(cmdn));
	else if (cmd >= 0)
		json_object_object_add(rec, "cmd", json_object_new_int64(cmd));
	json_object_object_add(rec, "via", json_object_new_string("privcmd"));
	json_object_object_add(rec, "pid", json_object_new_int64(pid));
	for (int i = 0; i < 5; i++) {
		snprintf(hex, sizeof(hex), "0x%" PRIx64, args[i]);
		json_object_array_add(a, json_object_new_string(hex));
	}
	json_object_object_add(rec, "args", a);
	json_object_object_add(rec, "rc", json_object_new_int64(rc));
	if (injected)
		json_object_object_add(rec, "injected", json_object_new_boolean(1));
	trace_emit(rec);
}

void trace_raw_hypercall(uint16_t domid, unsigned int op, int64_t cmd,
			 const uint64_t args[5], uint32_t pid, long rc)
{
	raw_record(domid, op, cmd, args, pid, rc, false);
}

void trace_raw_hypercall_injected(uint16_t domid, unsigned int op, int64_t cmd,
				  const uint64_t args[5], uint32_t pid, long rc)
{
	raw_record(domid, op, cmd, args, pid, rc, true);
}
