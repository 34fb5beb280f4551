/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The words of fault injection, shared by `hvsim fault DOMAIN ...` and the
 * scenario verb `fault DOMAIN ...` (docs/scenarios.md):
 *
 *   (nothing)                        list the domain's rules
 *   clear [KIND]                     take its rules back (one kind's)
 *   KIND [HOW] [--nth N] [--times N | --always]
 *
 * KIND: a grant-table or event-channel op (map-grant, unmap-grant, copy,
 * alloc-unbound, bind-interdomain, send, ..., '-' or '_', with or without
 * GNTTABOP_ / EVTCHNOP_), a raw hypercall (memory-op, domctl, ...),
 * kmalloc, alloc-page, upcall-delay.  HOW: a GNTST_* status (eagain,
 * no-device-space, general-error, ...: grant ops with statuses), an errno
 * (-ENOMEM, ENOSPC: the whole hypercall fails), a time for upcall-delay
 * (50ms); the allocations take none.  The options' dashes may be left
 * out (a scenario writes `times 3`).  This is the request's check before
 * anything connects: a wrong word is a usage error.
 */
#ifndef HVSIM_FAULT_SPEC_H
#define HVSIM_FAULT_SPEC_H

#include <stddef.h>

#include <json-c/json.h>

/* Words that begin with '$' stand for numbers (a scenario's variables,
 * checked before they have values). */
#define HVSIM_FAULT_SPEC_VARS 1u

/*
 * The control request for `words` (the ones after DOMAIN), without its
 * "domain": {"cmd":"fault_list"}, {"cmd":"fault_clear"[,"kind"]} or
 * {"cmd":"fault_set","kind",...}.  0 with *req (the caller's), or -EINVAL
 * with a sentence in err.  With req NULL it only checks.
 */
int hvsim_fault_spec(int nwords, char *const *words, unsigned int flags,
		     struct json_object **req, char *err, size_t errlen);

/* The usage lines (no trailing newline). */
extern const char hvsim_fault_spec_usage[];

/* One rule of a fault_list reply for people: "map-grant eagain: from the
 * 1st on, 3 times; injected 2". */
void hvsim_fault_describe(struct json_object *rule, char *buf, size_t size);

#endif
