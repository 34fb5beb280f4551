// SPDX-License-Identifier: GPL-2.0-only
/* Event-channel steps through libxenevtchn. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

static int port_reply(struct agent *a, xenevtchn_port_or_error_t port, const char *call,
		      struct json_object *reply)
{
	if (port < 0)
		return agent_fail(a, errno, "%s: %s", call, strerror(errno));
	json_object_object_add(reply, "port", json_object_new_int64(port));
	return 0;
}

int op_bind_unbound(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xenevtchn_handle *ce = agent_evtchn(a);

	if (!ce)
		return EIO;
	return port_reply(a, xenevtchn_bind_unbound_port(ce, (uint32_t)req_int(req, "peer", 0)),
			  "xenevtchn_bind_unbound_port", reply);
}

int op_bind_interdomain(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xenevtchn_handle *ce = agent_evtchn(a);

	if (!ce)
		return EIO;
	return port_reply(a, xenevtchn_bind_interdomain(ce, (uint32_t)req_int(req, "peer", 0),
			  (evtchn_port_t)req_int(req, "port", 0)), "xenevtchn_bind_interdomain",
			  reply);
}

int op_bind_virq(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xenevtchn_handle *ce = agent_evtchn(a);

	if (!ce)
		return EIO;
	return port_reply(a, xenevtchn_bind_virq(ce, (unsigned int)req_int(req, "virq", 0)),
			  "xenevtchn_bind_virq", reply);
}

int op_notify(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xenevtchn_handle *ce = agent_evtchn(a);

	if (!ce)
		return EIO;
	if (xenevtchn_notify(ce, (evtchn_port_t)req_int(req, "port", 0)) < 0)
		return agent_fail(a, errno, "xenevtchn_notify: %s", strerror(errno));
	return 0;
}

int op_unmask(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xenevtchn_handle *ce = agent_evtchn(a);

	if (!ce)
		return EIO;
	if (xenevtchn_unmask(ce, (evtchn_port_t)req_int(req, "port", 0)) < 0)
		return agent_fail(a, errno, "xenevtchn_unmask: %s", strerror(errno));
	return 0;
}

int op_unbind(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xenevtchn_handle *ce = agent_evtchn(a);

	if (!ce)
		return EIO;
	if (xenevtchn_unbind(ce, (evtchn_port_t)req_int(req, "port", 0)) < 0)
		return agent_fail(a, errno, "xenevtchn_unbind: %s", strerror(errno));
	return 0;
}

/* Takes `port` from the events that came while waiting for others. */
static bool take_early(struct agent *a, evtchn_port_t port)
{
	for (size_t i = 0; i < a->nearly; i++)
		if (a->early[i] == port) {
			memmove(a->early + i, a->early + i + 1, (a->nearly - i - 1) * sizeof(*a->early));
			a->nearly--;
			return true;
		}
	return false;
}

/*
 * As an application does: wait until the device is readable, take the
 * port with xenevtchn_pending(), handle it, unmask it.  An event for
 * another port is kept (still masked) for the step that waits for it.
 */
int op_wait_event(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xenevtchn_handle *ce = agent_evtchn(a);
	evtchn_port_t want = (evtchn_port_t)req_int(req, "port", 0);
	int64_t deadline = agent_now_ms() + req_int(req, "timeout_ms", 1000);
	bool got = false;

	if (!ce)
		return EIO;
	got = take_early(a, want);
	while (!got) {
		struct pollfd p = { .fd = xenevtchn_fd(ce), .events = POLLIN };
		int64_t left = deadline - agent_now_ms();
		int n;

		if (left < 0)
			left = 0;
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno != EINTR)
			return agent_fail(a, errno, "poll on the evtchn device: %s", strerror(errno));
		if (n <= 0) {
			if (left == 0)
				break;
			continue;
		}
		xenevtchn_port_or_error_t port = xenevtchn_pending(ce);

		if (port < 0)
			return agent_fail(a, errno, "xenevtchn_pending: %s", strerror(errno));
		if ((evtchn_port_t)port == want) {
			got = true;
			break;
		}
		a->early = realloc(a->early, (a->nearly + 1) * sizeof(*a->early));
		a->early[a->nearly++] = (evtchn_port_t)port;
	}
	json_object_object_add(reply, "event", json_object_new_boolean(got));
	if (got && xenevtchn_unmask(ce, want) < 0)
		return agent_fail(a, errno, "xenevtchn_unmask: %s", strerror(errno));
	return 0;
}
