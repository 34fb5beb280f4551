/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The program's end of the agent's protocol (agent.h): requests out,
 * answers in, and a wait that watches a local descriptor and the agent's
 * events at once.  Anything but a proper answer in time (a refusal, the
 * end of the stream, silence) ends the program with a message saying so:
 * the observations need the other side, and a hang helps nobody.
 */
#ifndef CONFORMANCE_REMOTE_H
#define CONFORMANCE_REMOTE_H

#include "conformance.h"
#include "wire.h"

struct remote_answer {
	long rc;
	int err;
	int nvals;			/* numbers after ERRNO */
	long long vals[24];
	char text[WIRE_LINE_MAX];	/* the words after ERRNO, as sent */
};

/*
 * Greets the agent on "RFD,WFD" and returns this program's domain:
 * SELF_KNOWN, else 0 (a real dom0), checked by binding a channel to
 * itself there.  Exits when the agent refuses, is not in PEER, or this
 * domain is not what it was taken for.
 */
domid_t remote_connect(const char *fds, domid_t self_known, domid_t peer);

/*
 * Sends a request and waits for its answer ($CONFORMANCE_AGENT_TIMEOUT
 * seconds, default 30).  Returns its RC, with errno set to its ERRNO.
 */
long remote_call(struct remote_answer *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Waits up to TIMEOUT_MS for whichever comes first: an event on the
 * agent's evtchn FILE (*there_port set, else -1) or LOCAL_FD readable
 * (returns true).  When the local side wins, the agent's wait is ended
 * and an event it read meanwhile is still reported in *there_port.
 */
bool remote_wait_either(int file, int local_fd, int timeout_ms,
			long *there_port);

#endif
