// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner's `fault DOMAIN ...`: fault injection, as `hvsim fault` does
 * it, the same words (fault_spec.h) into the same control request.
 */
#include <stdio.h>
#include <string.h>

#include "fault_spec.h"
#include "scn_steps.h"

#define MAX_WORDS 16

static int do_fault(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	char buf[MAX_WORDS][128], *words[MAX_WORDS], err[1400], id[16];
	struct json_object *req, *req_copy, *reply = NULL, *faults, *v;
	const char *set_kind;
	char cmd[32];
	size_t n = 0, len = 0;
	uint16_t domid;
	int rc;

	if (scn_peer(r, st, "DOMAIN", &domid) < 0)
		return -1;
	/* the words after DOMAIN, their $variables now numbers */
	for (size_t i = 2; i < st->ntok && n < MAX_WORDS; i++, n++) {
		if (step_expand_token(r, &st->tok[i], buf[n], sizeof(buf[n])) < 0)
			return -1;
		words[n] = buf[n];
	}
	if (hvsim_fault_spec((int)n, words, 0, &req, err, sizeof(err)))
		return scn_error(r, "%s", err);
	snprintf(id, sizeof(id), "%u", domid);
	json_object_object_add(req, "domain", json_object_new_string(id));
	/* the call takes the request: what the summary needs of it, kept */
	req_copy = json_object_get(req);
	snprintf(cmd, sizeof(cmd), "%s", json_object_get_string(
		 json_object_object_get(req, "cmd")));
	rc = hvsim_ctl_call(r->ctl, req, &reply);
	if (rc) {
		res->failed = true;
		res->err = -rc;
		snprintf(res->why, sizeof(res->why), "%s", hvsim_ctl_error(r->ctl));
		json_object_put(req_copy);
		return 0;
	}
	/* the rule just set, or (listing) every rule the domain has */
	set_kind = !strcmp(cmd, "fault_set") && json_object_object_get_ex(req_copy, "kind", &v) ?
		   json_object_get_string(v) : NULL;
	if (json_object_object_get_ex(reply, "faults", &faults)) {
		for (size_t i = 0; i < json_object_array_length(faults); i++) {
			struct json_object *f = json_object_array_get_idx(faults, i), *k;
			char line[256];
			int w;

			if (set_kind && json_object_object_get_ex(f, "kind", &k) &&
			    strcmp(json_object_get_string(k), set_kind))
				continue;
			hvsim_fault_describe(f, line, sizeof(line));
			w = snprintf(res->summary + len, sizeof(res->summary) - len, "%s%s",
				     len ? "; " : "", line);
			if (w < 0 || (size_t)w >= sizeof(res->summary) - len)
				break;
			len += (size_t)w;
		}
		if (!json_object_array_length(faults))
			snprintf(res->summary, sizeof(res->summary), "no fault rules");
	} else if (json_object_object_get_ex(reply, "cleared", &v)) {
		snprintf(res->summary, sizeof(res->summary), "%d rule(s) cleared",
			 json_object_get_int(v));
	}
	json_object_put(reply);
	json_object_put(req_copy);
	return 0;
}

void scn_fault_steps(scn_step_fn **t)
{
	t[SCN_V_FAULT] = do_fault;
}
