// SPDX-License-Identifier: GPL-2.0-only
/* xenstore and vchan steps in a domain. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_steps.h"

static int xs_op(struct scn_runner *r, const struct scn_step *st, struct scn_result *res,
		 const char *op)
{
	struct json_object *req, *reply;
	size_t len;
	const char *text = scn_text(st, "TEXT", &len);
	char path[4096];

	if (step_expand_path(r, st, path, sizeof(path)) < 0)
		return -1;
	req = step_request(op);
	step_add_str(req, "path", path);
	if (text)
		step_add_hex(req, "data", text, len);
	if (st->verb->id == SCN_V_XS_PERMS) {
		const struct scn_capture *pc = scn_cap(st, "PERMS");
		struct json_object *perms = json_object_new_array();

		json_object_object_add(req, "perms", perms);
		for (size_t i = 0; i < pc->count; i++) {
			char word[256];

			if (step_expand_token(r, &st->tok[pc->first + i], word, sizeof(word)) < 0) {
				json_object_put(req);
				return -1;
			}
			json_object_array_add(perms, json_object_new_string(word));
		}
	}
	if (scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, &reply) < 0)
		return -1;
	if (!res->failed && st->verb->id == SCN_V_XS_READ) {
		step_reply_data(reply, res);
		step_summarize_data(res);
	}
	json_object_put(reply);
	return 0;
}

static int do_xs_write(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return xs_op(r, st, res, "xs_write");
}

static int do_xs_read(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return xs_op(r, st, res, "xs_read");
}

static int do_xs_rm(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return xs_op(r, st, res, "xs_rm");
}

static int do_xs_mkdir(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return xs_op(r, st, res, "xs_mkdir");
}

static int do_xs_perms(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return xs_op(r, st, res, "xs_perms");
}

static int do_xs_watch(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct json_object *req, *fields;
	char path[4096];

	if (step_expand_path(r, st, path, sizeof(path)) < 0)
		return -1;
	req = step_request("xs_watch");
	step_add_str(req, "path", path);
	step_add_str(req, "token", step_name(st));
	if (scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL) < 0)
		return -1;
	if (!res->failed) {
		fields = json_object_new_object();
		step_add_str(fields, "path", path);
		step_define(r, st, SCN_VAR_WATCH, 0, fields);
	}
	return 0;
}

static const char *watch_path(struct scn_var *v)
{
	struct json_object *p;

	return json_object_object_get_ex(v->fields, "path", &p) ? json_object_get_string(p) : "";
}

static int do_wait_watch(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct scn_var *v = scn_obj(r, st, "WATCH", SCN_KIND(SCN_VAR_WATCH));
	struct json_object *req;

	if (!v)
		return -1;
	req = step_request("wait_watch");
	step_add_str(req, "token", v->name);
	return step_waiting(r, st, res, req);
}

static int do_xs_unwatch(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct scn_var *v = scn_obj(r, st, "WATCH", SCN_KIND(SCN_VAR_WATCH));
	struct json_object *req;

	if (!v)
		return -1;
	req = step_request("xs_unwatch");
	step_add_str(req, "token", v->name);
	step_add_str(req, "path", watch_path(v));
	return scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL);
}

/* A transaction stays open in the agent until it ends (or the agent goes). */
static int do_xs_tx_start(struct scn_runner *r, const struct scn_step *st,
			  struct scn_result *res)
{
	struct json_object *reply;

	if (scn_agent_request(r, st, step_request("xs_transaction_start"), AGENT_TIMEOUT_MS, res,
			      &reply) < 0)
		return -1;
	if (!res->failed) {
		int64_t id = step_reply_int(reply, "tx");

		step_define(r, st, SCN_VAR_TRANSACTION, id, NULL);
		snprintf(res->summary, sizeof(res->summary), "transaction %lld", (long long)id);
	}
	json_object_put(reply);
	return 0;
}

static int do_xs_tx_end(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct scn_var *v = scn_obj(r, st, "TRANSACTION", SCN_KIND(SCN_VAR_TRANSACTION));
	struct json_object *req;

	if (!v)
		return -1;
	req = step_request("xs_transaction_end");
	step_add_int(req, "tx", v->value);
	if (scn_has(st, "abort"))
		step_add_int(req, "abort", 1);
	return scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL);
}

/* vchan ------------------------------------------------------------------------------------ */

static int vchan_open(struct scn_runner *r, const struct scn_step *st, struct scn_result *res,
		      const char *op)
{
	struct json_object *req;
	uint16_t peer;
	int64_t buffers = 0;
	char path[4096];

	if (scn_peer(r, st, "PEER", &peer) < 0 || step_expand_path(r, st, path, sizeof(path)) < 0)
		return -1;
	if (scn_cap(st, "SIZE") && scn_num(r, st, "SIZE", &buffers) < 0)
		return -1;
	req = step_request(op);
	step_add_str(req, "name", step_name(st));
	step_add_str(req, "path", path);
	step_add_int(req, "peer", peer);
	/* libxenvchan_server_init's read_min and write_min */
	if (buffers)
		step_add_int(req, "buffers", buffers);
	if (scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL) < 0)
		return -1;
	if (!res->failed)
		step_define(r, st, SCN_VAR_VCHAN, 0, NULL);
	return 0;
}

static int do_vchan_server(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return vchan_open(r, st, res, "vchan_server");
}

static int do_vchan_client(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return vchan_open(r, st, res, "vchan_client");
}

static struct json_object *vchan_req(struct scn_runner *r, const struct scn_step *st,
				     const char *op)
{
	struct scn_var *v = scn_obj(r, st, "CHANNEL", SCN_KIND(SCN_VAR_VCHAN));
	struct json_object *req;

	if (!v)
		return NULL;
	req = step_request(op);
	step_add_str(req, "name", v->name);
	return req;
}

static int do_vchan_send(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct json_object *req = vchan_req(r, st, "vchan_send");
	size_t len;
	const char *text = scn_text(st, "TEXT", &len);

	if (!req)
		return -1;
	step_add_hex(req, "data", text, len);
	return scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL);
}

static int do_vchan_recv(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct json_object *req = vchan_req(r, st, st->verb->id == SCN_V_VCHAN_ECHO ?
					    "vchan_echo" : "vchan_recv");

	return req ? step_waiting(r, st, res, req) : -1;
}

static int do_vchan_close(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct json_object *req = vchan_req(r, st, "vchan_close");

	return req ? scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, NULL) : -1;
}

void scn_store_steps(scn_step_fn **t)
{
	t[SCN_V_XS_WRITE] = do_xs_write;
	t[SCN_V_XS_READ] = do_xs_read;
	t[SCN_V_XS_RM] = do_xs_rm;
	t[SCN_V_XS_MKDIR] = do_xs_mkdir;
	t[SCN_V_XS_PERMS] = do_xs_perms;
	t[SCN_V_XS_WATCH] = do_xs_watch;
	t[SCN_V_WAIT_WATCH] = do_wait_watch;
	t[SCN_V_XS_UNWATCH] = do_xs_unwatch;
	t[SCN_V_XS_TX_START] = do_xs_tx_start;
	t[SCN_V_XS_TX_END] = do_xs_tx_end;
	t[SCN_V_VCHAN_SERVER] = do_vchan_server;
	t[SCN_V_VCHAN_CLIENT] = do_vchan_client;
	t[SCN_V_VCHAN_SEND] = do_vchan_send;
	t[SCN_V_VCHAN_RECV] = do_vchan_recv;
	t[SCN_V_VCHAN_ECHO] = do_vchan_recv;
	t[SCN_V_VCHAN_CLOSE] = do_vchan_close;
}
