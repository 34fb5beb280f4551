// SPDX-License-Identifier: GPL-2.0-only
/* Grant steps in a domain: share, map, memory, copy, and forged device calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_steps.h"

/* The notify options of share and map. */
static int add_notify(struct scn_runner *r, const struct scn_step *st, struct json_object *req)
{
	int64_t v;

	if (scn_cap(st, "OFFSET")) {
		if (scn_num(r, st, "OFFSET", &v) < 0)
			return -1;
		step_add_int(req, "notify_offset", v);
	}
	if (scn_cap(st, "PORT")) {
		if (scn_num(r, st, "PORT", &v) < 0)
			return -1;
		step_add_int(req, "notify_port", v);
	}
	if (scn_has(st, "notify") && !scn_cap(st, "OFFSET") && !scn_cap(st, "PORT"))
		return scn_error(r, "'notify' needs 'clear OFFSET', 'event PORT' or both");
	return 0;
}

static void list_summary(struct scn_result *res, const char *what, struct json_object *list)
{
	size_t len = (size_t)snprintf(res->summary, sizeof(res->summary), "%s%s", what,
				      json_object_array_length(list) > 1 ? "s" : "");

	for (size_t i = 0; i < json_object_array_length(list) && len < sizeof(res->summary); i++)
		len += (size_t)snprintf(res->summary + len, sizeof(res->summary) - len, " %lld",
					(long long)json_object_get_int64(json_object_array_get_idx(list, i)));
}

static int do_share(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct json_object *req = step_request("share"), *reply, *refs;
	int64_t count;
	uint16_t peer;

	if (scn_num(r, st, "N", &count) < 0 || scn_peer(r, st, "PEER", &peer) < 0 ||
	    add_notify(r, st, req) < 0) {
		json_object_put(req);
		return -1;
	}
	step_add_str(req, "name", step_name(st));
	step_add_int(req, "peer", peer);
	step_add_int(req, "count", count);
	json_object_object_add(req, "writable", json_object_new_boolean(!scn_has(st, "read-only")));
	if (scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, &reply) < 0)
		return -1;
	if (!res->failed && json_object_object_get_ex(reply, "refs", &refs)) {
		struct json_object *fields = json_object_new_object();

		json_object_object_add(fields, "refs", json_object_get(refs));
		step_add_int(fields, "ref", json_object_get_int64(json_object_array_get_idx(refs, 0)));
		step_add_int(fields, "count", count);
		step_add_int(fields, "peer", peer);
		step_define(r, st, SCN_VAR_SHARE, json_object_get_int64(json_object_array_get_idx(refs, 0)),
		       fields);
		list_summary(res, "ref", refs);
	}
	json_object_put(reply);
	return 0;
}

static int region_op(struct scn_runner *r, const struct scn_step *st, struct scn_result *res,
		     const char *op, enum scn_var_kind kind, const char *trace_cmd)
{
	struct scn_var *v = scn_obj(r, st, "REGION", SCN_KIND(kind));
	struct json_object *req;
	uint16_t domid;

	if (!v || step_domid(r, st, &domid) < 0)
		return -1;
	req = step_request(op);
	step_add_str(req, "name", v->name);
	if (scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL) < 0)
		return -1;
	if (trace_cmd)
		res->has_status = step_trace_status(r, domid, trace_cmd, &res->status, NULL);
	return 0;
}

static int do_unshare(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return region_op(r, st, res, "unshare", SCN_VAR_SHARE, NULL);
}

static int do_unmap(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return region_op(r, st, res, "unmap", SCN_VAR_MAPPING, "unmap_grant_ref");
}

static int do_map(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	const struct scn_capture *rc = scn_cap(st, "REFS");
	struct json_object *req = step_request("map"), *refs = json_object_new_array(), *handles;
	int64_t *vals = NULL;
	size_t n = 0;
	uint16_t peer, domid;
	char err[512];

	json_object_object_add(req, "refs", refs);
	for (size_t i = 0; i < rc->count; i++)
		if (scn_eval_list(&r->vars, st->tok[rc->first + i].text, &vals, &n, err,
				  sizeof(err)) < 0) {
			free(vals);
			json_object_put(req);
			return scn_error(r, "%s", err);
		}
	for (size_t i = 0; i < n; i++)
		json_object_array_add(refs, json_object_new_int64(vals[i]));
	free(vals);
	if (scn_peer(r, st, "PEER", &peer) < 0 || step_domid(r, st, &domid) < 0 ||
	    add_notify(r, st, req) < 0) {
		json_object_put(req);
		return -1;
	}
	if (step_name(st))
		step_add_str(req, "name", step_name(st));
	step_add_int(req, "peer", peer);
	json_object_object_add(req, "writable", json_object_new_boolean(!scn_has(st, "read-only")));
	refs = json_object_get(refs);
	if (scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL) < 0) {
		json_object_put(refs);
		return -1;
	}
	handles = json_object_new_array();
	res->has_status = step_trace_status(r, domid, "map_grant_ref", &res->status, handles);
	if (!res->failed) {
		struct json_object *fields = json_object_new_object();
		int64_t first = json_object_array_length(handles) ?
				json_object_get_int64(json_object_array_get_idx(handles, 0)) : -1;

		json_object_object_add(fields, "handles", json_object_get(handles));
		step_add_int(fields, "handle", first);
		json_object_object_add(fields, "refs", json_object_get(refs));
		step_add_int(fields, "peer", peer);
		step_define(r, st, SCN_VAR_MAPPING, first, fields);
		list_summary(res, "handle", handles);
	}
	json_object_put(handles);
	json_object_put(refs);
	return 0;
}

static int do_buffer(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct json_object *req = step_request("buffer");
	int64_t size;

	if (scn_num(r, st, "SIZE", &size) < 0) {
		json_object_put(req);
		return -1;
	}
	step_add_str(req, "name", step_name(st));
	step_add_int(req, "size", size);
	if (scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL) < 0)
		return -1;
	if (!res->failed)
		step_define(r, st, SCN_VAR_BUFFER, size, NULL);
	return 0;
}

#define MEMORY_KINDS (SCN_KIND(SCN_VAR_SHARE) | SCN_KIND(SCN_VAR_MAPPING) | SCN_KIND(SCN_VAR_BUFFER))
/* read and write reach a vchan's shared ring page too (its indexes, its flags) */
#define LOAD_STORE_KINDS (MEMORY_KINDS | SCN_KIND(SCN_VAR_VCHAN))

static int do_write(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct scn_var *v = scn_obj(r, st, "REGION", LOAD_STORE_KINDS);
	struct json_object *req;
	int64_t offset;
	size_t len;
	const char *text = scn_text(st, "TEXT", &len);

	if (!v || scn_num(r, st, "OFFSET", &offset) < 0)
		return -1;
	req = step_request("write");
	step_add_str(req, "name", v->name);
	step_add_int(req, "offset", offset);
	step_add_hex(req, "data", text, len);
	return scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL);
}

static int do_read(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct scn_var *v = scn_obj(r, st, "REGION", LOAD_STORE_KINDS);
	struct json_object *req, *reply;
	int64_t offset, len = -1;

	if (!v || scn_num(r, st, "OFFSET", &offset) < 0)
		return -1;
	if (scn_cap(st, "LEN") && scn_num(r, st, "LEN", &len) < 0)
		return -1;
	for (size_t i = 0; len < 0 && i < st->nexp; i++)
		if (st->exp[i].kind == SCN_EXP_DATA)
			len = (int64_t)st->exp[i].len;
	if (len < 0)
		return scn_error(r, "how many bytes? write 'length N' or expect \"the data\"");
	req = step_request("read");
	step_add_str(req, "name", v->name);
	step_add_int(req, "offset", offset);
	step_add_int(req, "len", len);
	if (scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, &reply) < 0)
		return -1;
	if (!res->failed) {
		step_reply_data(reply, res);
		step_summarize_data(res);
	}
	json_object_put(reply);
	return 0;
}

/* One side of a copy: `grant REF of DOMAIN` or a region, at an offset. */
static struct json_object *copy_side(struct scn_runner *r, const struct scn_step *st,
				     const char *ref_slot, const char *dom_slot,
				     const char *region_slot, const char *offset_slot)
{
	struct json_object *side = json_object_new_object();
	int64_t v;

	if (scn_num(r, st, offset_slot, &v) < 0)
		goto fail;
	step_add_int(side, "offset", v);
	if (scn_cap(st, region_slot)) {
		struct scn_var *reg = scn_obj(r, st, region_slot, MEMORY_KINDS);

		if (!reg)
			goto fail;
		step_add_str(side, "region", reg->name);
	} else {
		uint16_t dom;

		if (scn_num(r, st, ref_slot, &v) < 0 || scn_peer(r, st, dom_slot, &dom) < 0)
			goto fail;
		step_add_int(side, "ref", v);
		step_add_int(side, "dom", dom);
	}
	return side;
fail:
	json_object_put(side);
	return NULL;
}

static int do_copy(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct json_object *req, *src, *dst, *reply;
	int64_t len;
	uint16_t domid;

	if (scn_num(r, st, "LEN", &len) < 0 || step_domid(r, st, &domid) < 0)
		return -1;
	if (!(src = copy_side(r, st, "REF", "DOMAIN", "REGION", "OFFSET")))
		return -1;
	if (!(dst = copy_side(r, st, "REF2", "DOMAIN2", "REGION2", "OFFSET2"))) {
		json_object_put(src);
		return -1;
	}
	req = step_request("copy");
	step_add_int(req, "len", len);
	json_object_object_add(req, "src", src);
	json_object_object_add(req, "dst", dst);
	if (scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, &reply) < 0)
		return -1;
	if (!res->failed) {
		/* the library hands back each segment's status */
		res->has_status = true;
		res->status = (int)step_reply_int(reply, "status");
		snprintf(res->summary, sizeof(res->summary), "status %s",
			 scn_gntst_name(res->status) ? scn_gntst_name(res->status) : "?");
	} else {
		res->has_status = step_trace_status(r, domid, "copy", &res->status, NULL);
	}
	json_object_put(reply);
	return 0;
}

static int do_limit(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return step_simple(r, st, res, "limit", "COUNT", "count");
}

/* A misbehaving program ---------------------------------------------------------------------- */

static int forge(struct scn_runner *r, const struct scn_step *st, struct scn_result *res,
		 const char *op)
{
	struct json_object *req = step_request(op);
	static const struct { const char *slot, *key; } args[] = {
		{ "INDEX", "index" }, { "COUNT", "count" }, { "PORT", "port" },
	};
	uint16_t domid;

	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		int64_t v;

		if (!scn_cap(st, args[i].slot))
			continue;
		if (scn_num(r, st, args[i].slot, &v) < 0) {
			json_object_put(req);
			return -1;
		}
		step_add_int(req, args[i].key, v);
	}
	if (step_domid(r, st, &domid) < 0) {
		json_object_put(req);
		return -1;
	}
	if (scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL) < 0)
		return -1;
	res->has_status = step_trace_status(r, domid, "unmap_grant_ref", &res->status, NULL);
	return 0;
}

static int do_forge_unmap(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return forge(r, st, res, "forge_unmap");
}

static int do_forge_mmap(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return forge(r, st, res, "forge_mmap");
}

static int do_forge_notify(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return forge(r, st, res, "forge_notify");
}

static int do_forge_dealloc(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return forge(r, st, res, "forge_dealloc");
}

void scn_grant_steps(scn_step_fn **t)
{
	t[SCN_V_SHARE] = do_share;
	t[SCN_V_UNSHARE] = do_unshare;
	t[SCN_V_MAP] = do_map;
	t[SCN_V_UNMAP] = do_unmap;
	t[SCN_V_BUFFER] = do_buffer;
	t[SCN_V_WRITE] = do_write;
	t[SCN_V_READ] = do_read;
	t[SCN_V_COPY] = do_copy;
	t[SCN_V_LIMIT] = do_limit;
	t[SCN_V_FORGE_UNMAP] = do_forge_unmap;
	t[SCN_V_FORGE_MMAP] = do_forge_mmap;
	t[SCN_V_FORGE_NOTIFY] = do_forge_notify;
	t[SCN_V_FORGE_DEALLOC] = do_forge_dealloc;
}
