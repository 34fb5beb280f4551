// SPDX-License-Identifier: GPL-2.0-only
/* Event-channel steps in a domain. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_steps.h"

static int bind_port(struct scn_runner *r, const struct scn_step *st, struct scn_result *res,
		     struct json_object *req, int64_t peer)
{
	struct json_object *reply, *fields;
	int64_t port;

	if (scn_agent_request(r, st, req, AGENT_TIMEOUT_MS, res, &reply) < 0)
		return -1;
	if (!res->failed) {
		port = step_reply_int(reply, "port");
		fields = json_object_new_object();
		step_add_int(fields, "port", port);
		if (peer >= 0)
			step_add_int(fields, "peer", peer);
		step_define(r, st, SCN_VAR_PORT, port, fields);
		snprintf(res->summary, sizeof(res->summary), "port %lld", (long long)port);
	}
	json_object_put(reply);
	return 0;
}

static int do_bind_unbound(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct json_object *req;
	uint16_t peer;

	if (scn_peer(r, st, "PEER", &peer) < 0)
		return -1;
	req = step_request("bind_unbound");
	step_add_int(req, "peer", peer);
	return bind_port(r, st, res, req, peer);
}

static int do_bind_interdomain(struct scn_runner *r, const struct scn_step *st,
			       struct scn_result *res)
{
	struct json_object *req;
	uint16_t peer;
	int64_t port;

	if (scn_peer(r, st, "PEER", &peer) < 0 || scn_num(r, st, "PORT", &port) < 0)
		return -1;
	req = step_request("bind_interdomain");
	step_add_int(req, "peer", peer);
	step_add_int(req, "port", port);
	return bind_port(r, st, res, req, peer);
}

static int do_bind_virq(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct json_object *req;
	int64_t virq;

	if (scn_num(r, st, "VIRQ", &virq) < 0)
		return -1;
	req = step_request("bind_virq");
	step_add_int(req, "virq", virq);
	return bind_port(r, st, res, req, -1);
}

static int do_notify(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return step_simple(r, st, res, "notify", "PORT", "port");
}

static int do_unmask(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return step_simple(r, st, res, "unmask", "PORT", "port");
}

static int do_unbind(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return step_simple(r, st, res, "unbind", "PORT", "port");
}

static int do_wait_event(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	struct json_object *req = step_request("wait_event");
	int64_t port;

	if (scn_num(r, st, "PORT", &port) < 0) {
		json_object_put(req);
		return -1;
	}
	step_add_int(req, "port", port);
	return step_waiting(r, st, res, req);
}

void scn_event_steps(scn_step_fn **t)
{
	t[SCN_V_BIND_UNBOUND] = do_bind_unbound;
	t[SCN_V_BIND_INTERDOMAIN] = do_bind_interdomain;
	t[SCN_V_BIND_VIRQ] = do_bind_virq;
	t[SCN_V_NOTIFY] = do_notify;
	t[SCN_V_WAIT_EVENT] = do_wait_event;
	t[SCN_V_UNMASK] = do_unmask;
	t[SCN_V_UNBIND] = do_unbind;
}
