// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection rules (fault.h): which kinds there are, the rules of
 * each domain, and the hypercall dispatch with them applied.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsim/fault_kinds.h"
#include "hvsim/hypercall_ops.h"
#include "hvsim/hypercall_wire.h"
#include "evtchn.h"
#include "fault.h"
#include "grant_table.h"

/* Xen 4.17's GNTST_* codes by name (okay is no fault). */
static const char *const gntst_names[] = {
	"okay", "general_error", "bad_domain", "bad_gntref", "bad_handle", "bad_virt_addr",
	"bad_dev_addr", "no_device_space", "permission_denied", "bad_page", "bad_copy_arg",
	"address_too_big", "eagain", "no_space",
};
#define NR_GNTST (sizeof(gntst_names) / sizeof(gntst_names[0]))

int fault_gntst_value(const char *name, int16_t *st)
{
	if (!strncmp(name, "GNTST_", 6))
		name += 6;
	for (size_t i = 0; i < NR_GNTST; i++)
		if (!strcmp(name, gntst_names[i])) {
			*st = (int16_t)-(int)i;
			return 0;
		}
	return -EINVAL;
}

const char *fault_gntst_name(int16_t st)
{
	return st <= 0 && -st < (int)NR_GNTST ? gntst_names[-st] : NULL;
}

int fault_errno_value(const char *name)
{
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return e;
	}
	return -EINVAL;
}

int fault_kind_check(const char *name, char *why, size_t why_len)
{
	char list[1024];
	size_t len = 0;

	if (hvsim_fault_kind(name))
		return 0;
	list[0] = 0;
	for (size_t i = 0; i < HVSIM_NR_FAULT_KINDS && len < sizeof(list); i++) {
		int n = snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
				 hvsim_fault_kinds[i].name);

		len += n > 0 ? (size_t)n : 0;
	}
	snprintf(why, why_len, "unknown fault kind '%.64s' (one of %s)", name, list);
	return -EINVAL;
}

/* Parsing a rule ---------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static int refuse(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A whole number member in [min, max]: 1 if present, 0 if absent, -EINVAL. */
static int get_count(struct json_object *req, const char *key, int64_t min, int64_t max,
		     int64_t *out, char *why, size_t why_len)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return refuse(why, why_len, "\"%s\" must be a whole number", key);
	*out = json_object_get_int64(v);
	/* json-c clamps what does not fit: INT64_MAX is out of range anyway */
	if (*out < min || *out > max)
		return refuse(why, why_len, "\"%s\" must be %lld to %lld", key,
			      (long long)min, (long long)max);
	return 1;
}

static bool ignored(const char *key, const char *const *ignore)
{
	for (; ignore && *ignore; ignore++)
		if (!strcmp(key, *ignore))
			return true;
	return false;
}

static int parse_how(struct json_object *req, const struct hvsim_fault_kind *k,
		     struct fault_rule *out, char *why, size_t why_len)
{
	struct json_object *status_v = NULL, *err = NULL, *delay_v = NULL;
	/* present at all, even as null: a member that is there is checked */
	bool status = json_object_object_get_ex(req, "status", &status_v);
	bool has_err = json_object_object_get_ex(req, "errno", &err);
	bool delay = json_object_object_get_ex(req, "delay_ms", &delay_v);
	int64_t ms = 0;
	int rc;

	if (k->kernel == HVSIM_KFAULT_UPCALL_DELAY) {
		if (status || has_err)
			return refuse(why, why_len, "upcall_delay takes \"delay_ms\", "
				      "not a status or an errno");
		rc = get_count(req, "delay_ms", 1, FAULT_MAX_DELAY_MS, &ms, why, why_len);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return refuse(why, why_len, "upcall_delay needs \"delay_ms\" "
				      "(1 to %d)", FAULT_MAX_DELAY_MS);
		out->how = FAULT_DELAY;
		out->delay_ms = (uint32_t)ms;
		return 0;
	}
	if (delay)
		return refuse(why, why_len, "only upcall_delay takes \"delay_ms\"");
	if (k->kernel) {
		if (status || has_err)
			return refuse(why, why_len, "%s takes no status or errno: the "
				      "allocation returns NULL, as when memory runs out", k->name);
		out->how = FAULT_KERNEL_ALLOC;
		return 0;
	}
	if (status && has_err)
		return refuse(why, why_len, "give \"status\" or \"errno\", not both");
	if (!status && !has_err)
		return refuse(why, why_len, "%s needs \"status\" (a GNTST_* name) or "
			      "\"errno\" (ENOMEM, ENOSPC, ...)", k->name);
	if (status) {
		if (!k->has_status)
			return refuse(why, why_len, "%s has no grant status: give \"errno\"",
				      k->name);
		if (!json_object_is_type(status_v, json_type_string) ||
		    fault_gntst_value(json_object_get_string(status_v), &out->status) < 0)
			return refuse(why, why_len, "\"status\" must name a grant status "
				      "(general_error, bad_domain, bad_gntref, bad_handle, "
				      "bad_virt_addr, bad_dev_addr, no_device_space, "
				      "permission_denied, bad_page, bad_copy_arg, "
				      "address_too_big, eagain, no_space)");
		if (out->status == GNTST_okay)
			return refuse(why, why_len, "status okay is no fault");
		out->how = FAULT_STATUS;
		return 0;
	}
	if (json_object_is_type(err, json_type_string)) {
		out->err = fault_errno_value(json_object_get_string(err));
		if (out->err < 0)
			return refuse(why, why_len, "unknown errno '%.64s' (write ENOMEM, "
				      "ENOSPC, ...)", json_object_get_string(err));
	} else if (json_object_is_type(err, json_type_int)) {
		int64_t e = json_object_get_int64(err);

		if (e < 1 || e > 4095 || !strerrorname_np((int)e))
			return refuse(why, why_len, "\"errno\" %lld is no errno",
				      (long long)e);
		out->err = (int)e;
	} else {
		return refuse(why, why_len, "\"errno\" must be a name (ENOMEM) or a "
			      "positive number");
	}
	out->how = FAULT_ERRNO;
	return 0;
}

int fault_rule_parse(struct json_object *req, const char *const *ignore,
		     struct fault_rule *out, char *why, size_t why_len)
{
	static const char *const members[] = {
		"kind", "status", "errno", "delay_ms", "nth", "times", "always", NULL
	};
	const struct hvsim_fault_kind *k;
	struct json_object *v;
	int64_t nth = 1, times = 1;
	int rc, has_times;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(req, json_type_object))
		return refuse(why, why_len, "a fault rule is a JSON object");
	json_object_object_foreach(req, key, val) {
		(void)val;
		if (!ignored(key, members) && !ignored(key, ignore))
			return refuse(why, why_len, "unknown member \"%.64s\" (a rule has "
				      "kind, status or errno or delay_ms, nth, times or "
				      "always)", key);
	}
	if (!json_object_object_get_ex(req, "kind", &v) ||
	    !json_object_is_type(v, json_type_string))
		return refuse(why, why_len, "missing \"kind\" (map_grant_ref, "
			      "alloc_unbound, kmalloc, ...)");
	if (fault_kind_check(json_object_get_string(v), why, why_len))
		return -EINVAL;
	k = hvsim_fault_kind(json_object_get_string(v));
	out->kind = k->name;
	out->op = k->op;
	out->cmd = k->cmd;
	out->kernel = k->kernel;
	rc = parse_how(req, k, out, why, why_len);
	if (rc)
		return rc;

	rc = get_count(req, "nth", 1, FAULT_MAX_COUNT, &nth, why, why_len);
	if (rc < 0)
		return rc;
	has_times = get_count(req, "times", 1, FAULT_MAX_COUNT, &times, why, why_len);
	if (has_times < 0)
		return has_times;
	if (json_object_object_get_ex(req, "always", &v)) {
		if (!json_object_is_type(v, json_type_boolean))
			return refuse(why, why_len, "\"always\" must be true or false");
		if (json_object_get_boolean(v)) {
			if (has_times)
				return refuse(why, why_len, "give \"times\" or \"always\", "
					      "not both");
			times = -1;
		} else if (!has_times) {
			times = 1;
		}
	} else if (!has_times && out->how == FAULT_DELAY) {
		/* a slow vCPU is slow until it is told otherwise */
		times = -1;
	}
	out->nth = (uint32_t)nth;
	out->times = times;
	out->skip = out->nth - 1;
	out->left = times;
	return 0;
}

/* Rules of a domain ---------------------------------------------------------- */

struct fault_rule *fault_find_kind(struct domain *d, const char *kind)
{
	for (struct fault_rule *r = d->faults; r; r = r->next)
		if (!strcmp(r->kind, kind))
			return r;
	return NULL;
}

int fault_set(struct domain *d, const struct fault_rule *r)
{
	struct fault_rule *n = malloc(sizeof(*n));

	if (!n)
		return -ENOMEM;
	fault_clear(d, r->kind);
	*n = *r;
	n->next = d->faults;
	d->faults = n;
	return 0;
}

unsigned int fault_clear(struct domain *d, const char *kind)
{
	struct fault_rule **pp = &d->faults;
	unsigned int n = 0;

	while (*pp) {
		struct fault_rule *r = *pp;

		if (kind && strcmp(r->kind, kind)) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		free(r);
		n++;
	}
	return n;
}

void fault_free_all(struct domain *d)
{
	fault_clear(d, NULL);
}

struct json_object *fault_list_json(struct domain *d)
{
	struct json_object *arr = json_object_new_array();
	/* oldest first: the list is newest first */
	size_t n = 0, i = 0;
	struct fault_rule **v;

	for (struct fault_rule *r = d->faults; r; r = r->next)
		n++;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return arr;
	for (struct fault_rule *r = d->faults; r; r = r->next)
		v[n - 1 - i++] = r;
	for (i = 0; i < n; i++) {
		struct fault_rule *r = v[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string(r->kind));
		if (r->how == FAULT_STATUS)
			json_object_object_add(o, "status",
					       json_object_new_string(fault_gntst_name(r->status)));
		else if (r->how == FAULT_ERRNO)
			json_object_object_add(o, "errno",
					       json_object_new_string(strerrorname_np(r->err)));
		else if (r->how == FAULT_DELAY)
			json_object_object_add(o, "delay_ms", json_object_new_int((int)r->delay_ms));
		json_object_object_add(o, "nth", json_object_new_int((int)r->nth));
		if (r->times < 0)
			json_object_object_add(o, "always", json_object_new_boolean(1));
		else
			json_object_object_add(o, "times", json_object_new_int64(r->times));
		json_object_object_add(o, "injected", json_object_new_uint64(r->injected));
		json_object_object_add(o, "done", json_object_new_boolean(fault_done(r)));
		json_object_array_add(arr, o);
	}
	free(v);
	return arr;
}

bool fault_fire(struct fault_rule *r)
{
	if (r->left == 0)
		return false;
	if (r->skip) {
		r->skip--;
		return false;
	}
	if (r->left > 0)
		r->left--;
	r->injected++;
	return true;
}

struct fault_rule *fault_kernel_note(struct domain *d, unsigned int kernel)
{
	for (struct fault_rule *r = d->faults; r; r = r->next)
		if (r->kernel == kernel) {
			r->skip = 0;
			if (r->left > 0)
				r->left--;
			r->injected++;
			return r;
		}
	return NULL;
}

/* Dispatch -------------------------------------------------------------------- */

static struct fault_rule *find_op(struct domain *d, unsigned int op, int cmd)
{
	for (struct fault_rule *r = d->faults; r; r = r->next)
		if (!r->kernel && r->op == op && r->cmd == cmd)
			return r;
	return NULL;
}

/* Where an element of a grant op keeps its status (the kinds with has_status). */
static size_t op_status_offset(unsigned int cmd)
{
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		return offsetof(struct gnttab_map_grant_ref, status);
	case GNTTABOP_unmap_grant_ref:
		return offsetof(struct gnttab_unmap_grant_ref, status);
	case GNTTABOP_copy:
		return offsetof(struct gnttab_copy, status);
	case GNTTABOP_setup_table:
		return offsetof(struct gnttab_setup_table, status);
	}
	return offsetof(struct gnttab_query_size, status);
}

long fault_grant_table_op(struct domain *d, unsigned int cmd, void *ops, unsigned int count,
			  xen_pfn_t *frames, struct fault_injection *inj)
{
	struct fault_rule *r = d->faults && cmd <= HVSIM_GNTTABOP_CMD_MASK ?
		find_op(d, __HYPERVISOR_grant_table_op, (int)cmd) : NULL;
	size_t size = hvsim_gnttabop_size(cmd);
	unsigned int start = 0;
	long rc;

	/* what Xen refuses before it looks at an element is refused so here */
	if (!r || !ops || (int)count <= 0 || !size)
		return grant_table_op(d, cmd, ops, count, frames);
	if (r->how == FAULT_ERRNO) {
		if (!fault_fire(r))
			return grant_table_op(d, cmd, ops, count, frames);
		inj->any = inj->rc = true;
		return -r->err;
	}
	for (unsigned int i = 0; i < count && i < FAULT_MAX_BATCH; i++) {
		uint8_t *op = (uint8_t *)ops + (size_t)i * size;
		int16_t st;

		if (!fault_fire(r))
			continue;
		if (i > start) {
			rc = grant_table_op(d, cmd, (uint8_t *)ops + (size_t)start * size,
					    i - start, frames);
			if (rc)
				return rc;
		}
		/* the element keeps what the guest wrote, with Xen's status */
		st = r->status;
		memcpy(op + op_status_offset(cmd), &st, sizeof(st));
		if (inj->ops)
			inj->ops[i / 8] |= (uint8_t)(1u << (i % 8));
		inj->any = true;
		start = i + 1;
	}
	if (start == count)
		return 0;
	return grant_table_op(d, cmd, (uint8_t *)ops + (size_t)start * size, count - start,
			      frames);
}

long fault_evtchn_op(struct domain *d, unsigned int cmd, void *op, struct fault_injection *inj)
{
	struct fault_rule *r = d->faults ? find_op(d, __HYPERVISOR_event_channel_op, (int)cmd)
					 : NULL;

	if (!r || !op || !fault_fire(r))
		return evtchn_op(d, cmd, op);
	inj->any = inj->rc = true;
	return -r->err;
}

bool fault_raw_hypercall(struct domain *d, unsigned int op, long *rc)
{
	struct fault_rule *r = d->faults ? find_op(d, op, HVSIM_FAULT_WHOLE_CALL) : NULL;

	if (!r || !fault_fire(r))
		return false;
	*rc = -r->err;
	return true;
}
