// SPDX-License-Identifier: GPL-2.0-only
/*
 * Requests to the agent and their answers.  One request is outstanding at
 * a time, except that a "wait" may be cut short by a "nop" (the agent
 * stops waiting when the next request arrives), whose answer then follows
 * the wait's.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "devices.h"
#include "remote.h"

static struct wire stream;
static domid_t agent_domid;
static int answer_ms = 30 * 1000;
/* The request being answered, for messages. */
static char pending[WIRE_LINE_MAX];

static void give_up(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
static void give_up(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("conformance: agent: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void send_request(const char *line)
{
	snprintf(pending, sizeof(pending), "%s", line);
	if (!wire_send(&stream, line))
		give_up("cannot send '%s' to the agent in domain %u: %s%s",
			line, agent_domid, errno_name(errno),
			errno == EPIPE ? " (it exited or died; see its stderr)" :
			"");
}

static void parse_answer(struct remote_answer *a, char *line)
{
	char *p, *end;

	memset(a, 0, sizeof(*a));
	if (line[0] == '-' && line[1] == ' ')
		give_up("the agent refused '%s': %s", pending, line + 2);
	if (line[0] != '+' || line[1] != ' ')
		give_up("'%s' is no answer (to '%s')", line, pending);
	p = line + 2;
	errno = 0;
	a->rc = strtol(p, &end, 10);
	if (end == p || *end != ' ')
		give_up("'%s' is no answer (to '%s')", line, pending);
	p = end + 1;
	a->err = (int)strtol(p, &end, 10);
	if (end == p || (*end != ' ' && *end != '\0'))
		give_up("'%s' is no answer (to '%s')", line, pending);
	p = *end ? end + 1 : end;
	snprintf(a->text, sizeof(a->text), "%s", p);
	while (*p && a->nvals < (int)(sizeof(a->vals) / sizeof(a->vals[0]))) {
		long long v = strtoll(p, &end, 10);

		if (end == p || (*end != ' ' && *end != '\0'))
			break;
		a->vals[a->nvals++] = v;
		p = *end ? end + 1 : end;
	}
}

static void receive(struct remote_answer *a, int timeout_ms)
{
	char line[WIRE_LINE_MAX];
	enum wire_status st = wire_recv(&stream, line, timeout_ms);

	if (st != WIRE_LINE)
		give_up("waiting for the answer to '%s', got %s from the agent "
			"in domain %u%s", pending, wire_status_text(st),
			agent_domid, st == WIRE_EOF || st == WIRE_EOF_MID_LINE ?
			" (it exited or died; see its stderr)" : "");
	parse_answer(a, line);
}

long remote_call(struct remote_answer *a, const char *fmt, ...)
{
	char line[WIRE_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	send_request(line);
	receive(a, answer_ms);
	errno = a->rc < 0 ? a->err : 0;
	return a->rc;
}

bool remote_wait_either(int file, int local_fd, int timeout_ms,
			long *there_port)
{
	struct remote_answer a;
	char line[64];
	struct pollfd pfd[2] = {
		{ .fd = local_fd, .events = POLLIN },
		{ .fd = stream.rfd, .events = POLLIN },
	};
	bool local = false;
	int n;

	snprintf(line, sizeof(line), "wait %d %d", file, timeout_ms);
	send_request(line);
	/* A line already buffered is the answer: nothing to poll for. */
	if (!wire_pending(&stream)) {
		do
			n = poll(pfd, 2, timeout_ms + answer_ms);
		while (n < 0 && errno == EINTR);
		if (n > 0 && (pfd[0].revents & POLLIN) &&
		    !(pfd[1].revents & POLLIN)) {
			local = true;
			send_request("nop");
			snprintf(pending, sizeof(pending), "%s", line);
		}
	}
	receive(&a, timeout_ms + answer_ms);
	*there_port = a.rc;
	if (local) {
		snprintf(pending, sizeof(pending), "nop");
		receive(&a, answer_ms);
	}
	else if (*there_port < 0) {
		/* The agent timed out: say what the local side has now. */
		struct pollfd now = { .fd = local_fd, .events = POLLIN };

		local = poll(&now, 1, 0) == 1 && (now.revents & POLLIN);
	}
	return local;
}

/*
 * Binds a channel from this domain to itself, which only works when
 * DOMID is really this domain (Xen binds only a port offered to the
 * binder's own domain).
 */
static bool is_own_domid(domid_t domid, int *err)
{
	int fd = dev_open("evtchn");
	int port = ev_bind_unbound(fd, domid);
	int rc = port < 0 ? -1 : ev_bind_interdomain(fd, domid,
						      (evtchn_port_t)port);

	*err = errno;
	close(fd);
	return rc >= 0;
}

domid_t remote_connect(const char *fds, domid_t self_known, domid_t peer)
{
	const char *env = getenv("CONFORMANCE_AGENT_TIMEOUT");
	domid_t self = self_known == DOMID_INVALID ? 0 : self_known;
	struct remote_answer a;
	int err;

	if (!wire_parse(&stream, fds))
		give_up("--remote wants RFD,WFD, not '%s'", fds);
	if (env && atoi(env) > 0)
		answer_ms = atoi(env) * 1000;
	agent_domid = peer;
	remote_call(&a, "hello %d %u", AGENT_PROTOCOL, self);
	if (a.nvals != 1)
		give_up("hello answered '%s'", a.text);
	if (a.vals[0] != DOMID_INVALID && a.vals[0] != peer)
		give_up("the agent runs in domain %lld, not in --peer %u",
			a.vals[0], peer);
	if (!is_own_domid(self, &err))
		give_up("this program does not run in domain %u (a channel to "
			"itself there: %s); say which with --self DOMID",
			self, errno_name(err));
	return self;
}
