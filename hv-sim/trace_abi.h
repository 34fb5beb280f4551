/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trace records of hypercalls: the Xen ABI structs as JSON, after the call
 * (Xen updates them in place, so each carries its arguments and its
 * results).  Formatted by hand rather than through json-c: a 1024-grant
 * batch must not cost more to trace than to perform.
 */
#ifndef HVSIM_TRACE_ABI_H
#define HVSIM_TRACE_ABI_H

#include <stdint.h>

void trace_hypercall(uint16_t domid, unsigned int op, unsigned int cmd,
		     const void *ops, unsigned int count, long rc);
/*
 * The same for a call fault injection was at work in (fault.h): the
 * record has "injected":true, and so does each element whose bit is set
 * in `ops_injected` (count bits; NULL: the return value was injected).
 */
void trace_hypercall_injected(uint16_t domid, unsigned int op, unsigned int cmd,
			      const void *ops, unsigned int count, long rc,
			      const uint8_t *ops_injected);

/*
 * A hypercall whose guest handles are addresses in process `pid`
 * (privcmd's, trace_privcmd.c).  Its sub-op is read through `m` before the
 * call (trace_raw_subop; -1: none), while the caller still waits: after
 * the reply the program may have reused the buffer.
 */
struct guest_mem;
int64_t trace_raw_subop(unsigned int op, const struct guest_mem *m, const uint64_t args[5]);
void trace_raw_hypercall(uint16_t domid, unsigned int op, int64_t cmd,
			 const uint64_t args[5], uint32_t pid, long rc);
/* The same with "injected":true: fault injection made it fail (rc). */
void trace_raw_hypercall_injected(uint16_t domid, unsigned int op, int64_t cmd,
				  const uint64_t args[5], uint32_t pid, long rc);

/* Names for people: "grant_table_op" / "map_grant_ref", or NULL. */
const char *trace_op_name(unsigned int op);
const char *trace_cmd_name(unsigned int op, unsigned int cmd);

#endif
