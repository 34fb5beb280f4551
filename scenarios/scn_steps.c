// SPDX-License-Identifier: GPL-2.0-only
/* What the step files share: requests to agents, replies, variables, the trace. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_steps.h"

struct json_object *step_request(const char *op)
{
	struct json_object *req = json_object_new_object();

	json_object_object_add(req, "op", json_object_new_string(op));
	return req;
}

void step_add_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

void step_add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

void step_add_hex(struct json_object *o, const char *key, const char *data, size_t len)
{
	char *hex = malloc(2 * len + 1);

	for (size_t i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", (unsigned char)data[i]);
	hex[2 * len] = 0;
	step_add_str(o, key, hex);
	free(hex);
}

int64_t step_reply_int(struct json_object *reply, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(reply, key, &v) ? json_object_get_int64(v) : 0;
}

bool step_reply_bool(struct json_object *reply, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(reply, key, &v) && json_object_get_boolean(v);
}

/* A reply's hex "data" into the result. */
void step_reply_data(struct json_object *reply, struct scn_result *res)
{
	struct json_object *v;
	const char *hex;
	size_t n;

	if (!json_object_object_get_ex(reply, "data", &v))
		return;
	hex = json_object_get_string(v);
	n = strlen(hex) / 2;
	res->data = malloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned int b;

		sscanf(hex + 2 * i, "%2x", &b);
		res->data[i] = (char)b;
	}
	res->data[n] = 0;
	res->len = n;
	res->has_data = true;
}

void step_summarize_data(struct scn_result *res)
{
	char *q = scn_quote(res->data, res->len > 120 ? 120 : res->len);

	snprintf(res->summary, sizeof(res->summary), "%s%s", q, res->len > 120 ? "..." : "");
	free(q);
}

const char *step_name(const struct scn_step *st)
{
	const struct scn_token *t = scn_cap_tok(st, "NAME");

	return t ? t->text : NULL;
}

/*
 * Text with every $variable in it replaced by its number, for xenstore
 * paths such as /local/domain/$alice/data.  -1 after scn_error().
 */
static int expand(struct scn_runner *r, const char *p, char *out, size_t n)
{
	size_t len = 0;
	char err[512];

	while (*p && len + 1 < n) {
		size_t vl;

		if (*p != '$' || !(vl = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					      "0123456789_.[]"))) {
			out[len++] = *p++;
			continue;
		}
		/* a trailing dot is the path's, not a field's */
		while (vl && p[vl] == '.')
			vl--;
		char word[128];
		int64_t v;

		snprintf(word, sizeof(word), "%.*s", (int)vl + 1, p);
		if (scn_eval_number(&r->vars, word, &v, err, sizeof(err)) < 0)
			return scn_error(r, "in the path: %s", err);
		len += (size_t)snprintf(out + len, n - len, "%lld", (long long)v);
		p += vl + 1;
	}
	out[len < n ? len : n - 1] = 0;
	return 0;
}

/* A word's text with its $variables expanded; a "string" as written. */
int step_expand_token(struct scn_runner *r, const struct scn_token *t, char *out, size_t n)
{
	if (t->type == SCN_STRING) {
		snprintf(out, n, "%s", t->text);
		return 0;
	}
	return expand(r, t->text, out, n);
}

int step_expand_path(struct scn_runner *r, const struct scn_step *st, char *out, size_t n)
{
	return step_expand_token(r, scn_cap_tok(st, "PATH"), out, n);
}

/* Makes $NAME of the step (if it has `as NAME`) an object of its domain. */
struct scn_var *step_define(struct scn_runner *r, const struct scn_step *st,
			      enum scn_var_kind kind, int64_t value, struct json_object *fields)
{
	const char *name = step_name(st);

	if (!name) {
		json_object_put(fields);
		return NULL;
	}
	return scn_var_set(&r->vars, name, kind, st->domain, scn_generation(r, st->domain), value,
			   fields, st->line);
}

/* Grant statuses this domain's grant ops got during the step: the first
 * that is not okay, or okay.  false if none reached the hypervisor. */
bool step_trace_status(struct scn_runner *r, uint16_t domid, const char *cmd, int *status,
			 struct json_object *handles)
{
	struct json_object *recs = scn_step_records(r), *v, *ops;
	bool found = false;

	*status = 0;
	for (size_t i = 0; i < json_object_array_length(recs); i++) {
		struct json_object *rec = json_object_array_get_idx(recs, i);

		if (!json_object_object_get_ex(rec, "cmd", &v) || strcmp(json_object_get_string(v), cmd) ||
		    !json_object_object_get_ex(rec, "dom", &v) || json_object_get_int(v) != domid ||
		    !json_object_object_get_ex(rec, "ops", &ops))
			continue;
		for (size_t j = 0; j < json_object_array_length(ops); j++) {
			struct json_object *op = json_object_array_get_idx(ops, j);
			int st = (int)step_reply_int(op, "status");

			found = true;
			if (st && !*status)
				*status = st;
			if (!st && handles)
				json_object_array_add(handles, json_object_new_int64(step_reply_int(op, "handle")));
		}
	}
	return found;
}

int step_domid(struct scn_runner *r, const struct scn_step *st, uint16_t *domid)
{
	return scn_domid(r, st->domain, domid);
}

int step_simple(struct scn_runner *r, const struct scn_step *st, struct scn_result *res,
		  const char *op, const char *slot, const char *key)
{
	struct json_object *req = step_request(op);
	int64_t v;

	if (slot && scn_num(r, st, slot, &v) < 0) {
		json_object_put(req);
		return -1;
	}
	if (slot)
		step_add_int(req, key, v);
	return scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL);
}

/* A request that waits up to TIME for something ("event": false if nothing). */
int step_waiting(struct scn_runner *r, const struct scn_step *st, struct scn_result *res,
		   struct json_object *req)
{
	struct json_object *reply;
	long ms = scn_time(st, "TIME");

	step_add_int(req, "timeout_ms", ms);
	res->wait_ms = ms;
	if (scn_agent_request(r, st, req, (int)ms + AGENT_TIMEOUT_MS, res, &reply) < 0)
		return -1;
	if (!res->failed) {
		res->none = !step_reply_bool(reply, "event");
		step_reply_data(reply, res);
		if (res->none)
			snprintf(res->summary, sizeof(res->summary), "nothing within %s",
				 scn_cap_tok(st, "TIME")->text);
		else if (res->has_data)
			step_summarize_data(res);
		else
			snprintf(res->summary, sizeof(res->summary), "event");
	}
	json_object_put(reply);
	return 0;
}

scn_step_fn *scn_step_handler(enum scn_verb_id id)
{
	static scn_step_fn *table[SCN_V_COUNT];

	if (!table[SCN_V_DOMAIN]) {
		scn_runner_steps(table);
		scn_grant_steps(table);
		scn_event_steps(table);
		scn_store_steps(table);
		scn_fault_steps(table);
	}
	return table[id];
}
