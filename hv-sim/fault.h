/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fault injection: per-domain rules that make a domain's hypercalls of one
 * kind fail on purpose (`hvsim fault`, the scenario verb `fault`), so that
 * the real drivers' and libraries' error paths run.  A rule names
 *
 *   - what: a grant-table or event-channel sub-op ("map_grant_ref",
 *     "alloc_unbound"), a whole hypercall made through the raw path
 *     ("memory_op"), or something the domain's kernel does ("kmalloc",
 *     "alloc_page", "upcall_delay": kept here, carried out by the kernel);
 *   - how: a GNTST_* status written into each element the rule hits (grant
 *     ops that have one: the element is not performed), or an errno the
 *     whole hypercall returns without doing anything, or a delay;
 *   - when: of the matching operations from now on, the first nth - 1 go
 *     through and the next `times` fail; times -1 fails every one from the
 *     nth on until the rule is cleared.  A status rule counts elements of
 *     a batch (and each of Linux's retries), an errno rule hypercalls.
 *
 * One rule per kind and domain: setting a kind again replaces its rule.
 * The rules go with the domain.  Semantics only: the control commands
 * (control.c) and the dispatcher (hypercall.c) call these.
 */
#ifndef HVSIM_FAULT_H
#define HVSIM_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "hvsim/fault_kinds.h"
#include "domain.h"

#define FAULT_MAX_COUNT HVSIM_FAULT_MAX_COUNT
#define FAULT_MAX_DELAY_MS HVSIM_FAULT_MAX_DELAY_MS
/* The largest batch whose elements fault_grant_table_op marks one by one. */
#define FAULT_MAX_BATCH 8192

enum fault_how { FAULT_STATUS, FAULT_ERRNO, FAULT_DELAY, FAULT_KERNEL_ALLOC };

struct fault_rule {
	struct fault_rule *next;
	const char *kind;      /* the kind's name, static */
	unsigned int op;       /* __HYPERVISOR_*; 0 for the kernel's kinds */
	int cmd;               /* the sub-op; -1: the whole hypercall (raw) */
	unsigned int kernel;   /* HVSIM_KFAULT_* for the kernel's kinds, else 0 */
	enum fault_how how;
	int16_t status;        /* FAULT_STATUS: GNTST_* */
	int err;               /* FAULT_ERRNO: positive errno */
	uint32_t delay_ms;     /* FAULT_DELAY */
	uint32_t nth;          /* as set */
	int64_t times;         /* as set: >= 1, or -1 (always) */
	uint32_t skip;         /* operations still to let through */
	int64_t left;          /* failures still to inject; -1: always */
	uint64_t injected;     /* failures injected so far */
};

/*
 * A rule from a control request's members ("kind", "status" | "errno" |
 * "delay_ms", "nth", "times" | "always"), checked: 0, or -EINVAL with a
 * sentence for people in `why`.  Members the request has besides
 * `ignore` (NULL-terminated: "cmd", "domain") are refused too.
 */
int fault_rule_parse(struct json_object *req, const char *const *ignore,
		     struct fault_rule *out, char *why, size_t why_len);
/* The kind named `name` exists: 0, else -EINVAL (and `why`). */
int fault_kind_check(const char *name, char *why, size_t why_len);

/* Installs a copy of `r` for d (replacing d's rule of that kind); -ENOMEM. */
int fault_set(struct domain *d, const struct fault_rule *r);
/* Removes d's rule of `kind` (NULL: every rule); how many went. */
unsigned int fault_clear(struct domain *d, const char *kind);
/* d's rule of `kind`, or NULL. */
struct fault_rule *fault_find_kind(struct domain *d, const char *kind);
/* Frees every rule (the domain goes). */
void fault_free_all(struct domain *d);
/* d's rules for people and programs: [{kind, status|errno|delay_ms, nth,
 * times|always, injected, done}] */
struct json_object *fault_list_json(struct domain *d);

/*
 * One operation a rule matches happens: true when it is to fail (the
 * rule's counters move on).
 */
bool fault_fire(struct fault_rule *r);

/*
 * d's kernel injected a fault of kind `kernel` (HVSIM_KFAULT_*): its
 * rule here counts it (the kernel keeps the real counters).  The rule, or
 * NULL if d has none of that kind.
 */
struct fault_rule *fault_kernel_note(struct domain *d, unsigned int kernel);

/* A rule's spent: it will inject nothing more. */
static inline bool fault_done(const struct fault_rule *r)
{
	return r->left == 0;
}

/* What a dispatch injected, for the trace. */
struct fault_injection {
	bool any;              /* something was injected */
	bool rc;               /* the hypercall's return value was */
	uint8_t *ops;          /* bit i: element i's status was (may be NULL) */
};

/*
 * grant_table_op / evtchn_op with d's rules applied: an errno rule makes
 * the call return -errno without running; a status rule marks the
 * elements it hits with its status (they are not performed, bit i of
 * inj->ops set: the caller zeroes FAULT_MAX_BATCH bits) and runs the
 * others, in order.  With no rule for the op it is the plain call.
 */
long fault_grant_table_op(struct domain *d, unsigned int cmd, void *ops, unsigned int count,
			  xen_pfn_t *frames, struct fault_injection *inj);
long fault_evtchn_op(struct domain *d, unsigned int cmd, void *op, struct fault_injection *inj);
/* A raw hypercall `op` about to run: true when a rule makes it fail (*rc). */
bool fault_raw_hypercall(struct domain *d, unsigned int op, long *rc);

/* Names: a GNTST_* status ("eagain", or with its prefix) and an errno
 * ("ENOMEM"): 0 or -EINVAL. */
int fault_gntst_value(const char *name, int16_t *st);
const char *fault_gntst_name(int16_t st);
int fault_errno_value(const char *name);   /* positive, or -EINVAL */

#endif
