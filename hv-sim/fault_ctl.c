// SPDX-License-Identifier: GPL-2.0-only
/*
 * fault_set, fault_clear, fault_list (fault_ctl.h).  A request is checked
 * whole before anything changes: garbage gets EINVAL and a sentence.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "domain.h"
#include "fault.h"
#include "fault_ctl.h"
#include "kernel_fault.h"

/* A request's "domain": a running domain, or NULL and the refusal. */
static struct domain *running_domain(struct json_object *req, bool any_state,
				     struct json_object **refusal)
{
	struct json_object *v;
	struct domain *d;
	const char *name;

	if (!json_object_object_get_ex(req, "domain", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		*refusal = control_error_reply(EINVAL, "missing \"domain\" (a name or a domid)");
		return NULL;
	}
	name = json_object_get_string(v);
	d = domain_by_name(name);
	if (!d) {
		*refusal = control_error_reply(ESRCH, "no domain '%.64s'", name);
		return NULL;
	}
	if (!any_state && d->state != DOMAIN_RUNNING) {
		*refusal = control_error_reply(ESRCH, "domain '%s' is %s: it makes no more "
					       "hypercalls", d->name, domain_state_name(d->state));
		return NULL;
	}
	return d;
}

/* Members other than `allowed` (NULL-terminated) are refused. */
static struct json_object *only_members(struct json_object *req, const char *const *allowed)
{
	json_object_object_foreach(req, key, val) {
		const char *const *a = allowed;

		(void)val;
		while (*a && strcmp(*a, key))
			a++;
		if (!*a)
			return control_error_reply(EINVAL, "unknown member \"%.64s\"", key);
	}
	return NULL;
}

static struct json_object *ok_with_rules(struct domain *d)
{
	struct json_object *r = control_ok_reply();

	json_object_object_add(r, "domain", json_object_new_string(d->name));
	json_object_object_add(r, "faults", fault_list_json(d));
	return r;
}

/* Why a kernel did not take a rule, for people. */
static struct json_object *kernel_refused(struct domain *d, int err)
{
	switch (err) {
	case -ENOTCONN:
	case -ECONNRESET:
		return control_error_reply(ENOTCONN, "domain '%s' has no kernel now", d->name);
	case -ETIMEDOUT:
		return control_error_reply(ETIMEDOUT, "the kernel of domain '%s' did not "
					   "answer within %d ms", d->name, KERNEL_FAULT_TIMEOUT_MS);
	case -ENOSYS:
		return control_error_reply(ENOSYS, "the kernel of domain '%s' injects no "
					   "faults of that kind", d->name);
	}
	return control_error_reply(-err, "the kernel of domain '%s' refused: %s", d->name,
				   strerror(-err));
}

/* A request waiting for a kernel's answers. */
struct kernel_wait {
	struct ctl_conn *c;
	struct domain *d;
	struct fault_rule rule;     /* fault_set: installed once the kernel has it */
	bool set;
	unsigned int waiting;       /* answers still to come */
	unsigned int cleared;
	int err;                    /* the first refusal */
};

static void kernel_answered(int err, void *arg)
{
	struct kernel_wait *w = arg;
	struct json_object *r;

	if (err && !w->err)
		w->err = err;
	if (--w->waiting)
		return;
	if (w->err) {
		/* the kernel did not take it: neither does hvsimd keep it */
		if (w->set)
			fault_clear(w->d, w->rule.kind);
		r = kernel_refused(w->d, w->err);
	} else if (w->set) {
		r = ok_with_rules(w->d);
	} else {
		r = control_ok_reply();
		json_object_object_add(r, "cleared", json_object_new_int((int)w->cleared));
	}
	control_reply_later(w->c, r);
	free(w);
}

static struct hvsim_kernel_fault kernel_rule(const struct fault_rule *r)
{
	struct hvsim_kernel_fault kf = {
		.kind = r->kernel, .nth = r->nth, .times = r->times, .delay_ms = r->delay_ms,
	};

	return kf;
}

static struct json_object *cmd_set(struct ctl_conn *c, struct json_object *req)
{
	static const char *const ignore[] = { "cmd", "domain", NULL };
	struct json_object *refusal = NULL;
	struct domain *d = running_domain(req, false, &refusal);
	struct hvsim_kernel_fault kf;
	struct kernel_wait *w;
	char why[1400];
	int err;

	if (!d)
		return refusal;
	w = calloc(1, sizeof(*w));
	if (!w)
		return control_error_reply(ENOMEM, "out of memory");
	if (fault_rule_parse(req, ignore, &w->rule, why, sizeof(why))) {
		free(w);
		return control_error_reply(EINVAL, "%s", why);
	}
	if (!w->rule.kernel) {
		err = fault_set(d, &w->rule);
		free(w);
		return err ? control_error_reply(ENOMEM, "out of memory") : ok_with_rules(d);
	}
	if (!d->kernel_attached) {
		const char *what = w->rule.kind;

		free(w);
		return control_error_reply(ENOTCONN, "domain '%s' has no kernel: %s is "
					   "something its kernel does", d->name, what);
	}
	w->c = c;
	w->d = d;
	w->set = true;
	w->waiting = 1;
	/*
	 * Kept before the kernel has it: once it has, news of a fault it
	 * injected may come before its answer, and counts for the rule.
	 */
	if (fault_set(d, &w->rule)) {
		free(w);
		return control_error_reply(ENOMEM, "out of memory");
	}
	kf = kernel_rule(&w->rule);
	err = kernel_fault_send(d, &kf, kernel_answered, w);
	if (err) {
		fault_clear(d, w->rule.kind);
		refusal = kernel_refused(d, err);
		free(w);
		return refusal;
	}
	control_defer(c);
	return NULL;
}

static struct json_object *cmd_clear(struct ctl_conn *c, struct json_object *req)
{
	static const char *const allowed[] = { "cmd", "domain", "kind", NULL };
	struct json_object *refusal = only_members(req, allowed), *v;
	struct domain *d = refusal ? NULL : running_domain(req, false, &refusal);
	const char *kind = NULL;
	struct kernel_wait *w;
	char why[1024];

	if (!d)
		return refusal;
	if (json_object_object_get_ex(req, "kind", &v)) {
		if (!json_object_is_type(v, json_type_string))
			return control_error_reply(EINVAL, "\"kind\" must be a string");
		kind = json_object_get_string(v);
		if (fault_kind_check(kind, why, sizeof(why)))
			return control_error_reply(EINVAL, "%s", why);
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return control_error_reply(ENOMEM, "out of memory");
	w->c = c;
	w->d = d;
	/*
	 * The kernel's rules are taken back in the kernel as well.  One count
	 * of `waiting` is this function's own: an answer that comes at once
	 * (the kernel gone while we send) cannot finish the request under us.
	 */
	w->waiting = 1;
	for (unsigned int k = HVSIM_KFAULT_KMALLOC; k <= HVSIM_KFAULT_UPCALL_DELAY; k++) {
		struct fault_rule *r = NULL;

		for (struct fault_rule *i = d->faults; i; i = i->next)
			if (i->kernel == k)
				r = i;
		if (!r || (kind && strcmp(kind, r->kind)) || !d->kernel_attached)
			continue;
		struct hvsim_kernel_fault kf = { .kind = k, .nth = 1, .times = 0 };

		w->waiting++;
		if (kernel_fault_send(d, &kf, kernel_answered, w))
			w->waiting--;
	}
	w->cleared = fault_clear(d, kind);
	if (--w->waiting) {
		control_defer(c);
		return NULL;
	}
	refusal = w->err ? kernel_refused(d, w->err) : control_ok_reply();
	if (!w->err)
		json_object_object_add(refusal, "cleared", json_object_new_int((int)w->cleared));
	free(w);
	return refusal;
}

static struct json_object *cmd_list(struct json_object *req)
{
	static const char *const allowed[] = { "cmd", "domain", NULL };
	struct json_object *refusal = only_members(req, allowed);
	struct domain *d = refusal ? NULL : running_domain(req, true, &refusal);

	return d ? ok_with_rules(d) : refusal;
}

struct json_object *fault_control_command(struct ctl_conn *c, const char *cmd,
					  struct json_object *req)
{
	if (!strcmp(cmd, "fault_set"))
		return cmd_set(c, req);
	if (!strcmp(cmd, "fault_clear"))
		return cmd_clear(c, req);
	if (!strcmp(cmd, "fault_list"))
		return cmd_list(req);
	return control_error_reply(EINVAL, "unknown command '%.64s'", cmd);
}
