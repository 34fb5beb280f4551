/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cases that run in the peer domain, their lines brought back.
 *
 * Most programs observe one side of an exchange and need the other side
 * only to act (agent.h).  Some observations are about what a domain gets
 * by itself (conf-privcmd: what a domU's privcmd answers), and two-domain
 * mode is the only place a real domU exists (docs/reference-domu.md): so
 * there the program runs its cases once more in its peer and prints the
 * peer's lines under a prefix of their own.  The lines are made by the
 * same binary in the peer, in a child whose stdout is a pipe, and travel
 * over the program's stream (wire.h) as text:
 *
 *   request   cases DOMID      run the cases; DOMID is the peer's own
 *                              domain, as the requester knows it
 *   answers   = LINE           one per line the cases printed, in order
 *             + STATUS         the end: the child's exit status as
 *                              "status=N" or "signal=SIGX"
 *             - MESSAGE        the request was not understood
 *
 * A program that uses this speaks only this on its stream, never the
 * agent protocol of agent.h: it is its own agent (--agent RFD,WFD).
 *
 * Other requests (a verb other than "cases") go to the program's own
 * handler in the agent itself, not a child, so that what it sets up (a
 * page it shares) lasts until the stream ends:
 *
 *   request   VERB ARGS...
 *   answer    + TEXT          done; TEXT is the handler's answer
 *             - MESSAGE       refused or failed
 */
#ifndef CONFORMANCE_PEER_CASES_H
#define CONFORMANCE_PEER_CASES_H

#include "conformance.h"

/* The cases: print lines on stdout, as in the program itself. */
typedef void (*peer_cases_fn)(domid_t self);

/*
 * Any other request: writes its answer (at most SIZE bytes with the NUL)
 * and returns true for "+ ANSWER", false for "- ANSWER".
 */
typedef bool (*peer_request_fn)(const char *request, char *answer,
				size_t size);

/*
 * The agent's side: serves "cases" requests on "RFD,WFD" with CASES, and
 * the others with OTHER (NULL: refused), until the stream ends (exit 0);
 * exits 2 when the stream fails or no request comes for
 * $CONFORMANCE_AGENT_IDLE seconds (default 300).  Prints nothing on
 * stdout.
 */
void peer_cases_serve(const char *fds, peer_cases_fn cases,
		      peer_request_fn other)
	__attribute__((noreturn));

/*
 * The program's side: asks the agent on "RFD,WFD" to run the cases in
 * PEER and prints each line it sends back with its leading FROM replaced
 * by TO (a line not starting with FROM gets TO in front).  Each answer is
 * waited for $CONFORMANCE_AGENT_TIMEOUT seconds (default 30).  Exits 2,
 * saying why on stderr, when the agent fails, refuses or falls silent, or
 * its cases did not exit 0 (their lines are printed first).
 */
void peer_cases_request(const char *fds, domid_t peer, const char *from,
			const char *to);

/*
 * The program's side of any other request: sends REQUEST on "RFD,WFD"
 * and copies the answer's TEXT to ANSWER (SIZE bytes with the NUL);
 * true for "+", false for "-".  Exits 2 as peer_cases_request does when
 * the stream fails or the agent falls silent.
 */
bool peer_cases_ask(const char *fds, const char *request, char *answer,
		    size_t size);

#endif
