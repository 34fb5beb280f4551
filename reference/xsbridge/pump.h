/*
 * The bridge's session: the two directions of stream.h under one base
 * path, the rendezvous of the two sides, and the loop that moves bytes
 * between them and two local descriptors.
 *
 * Layout under BASE (made by the offering side, owned by the peer domain so
 * that it may create and write its nodes; dom0 is privileged anyway):
 *   BASE/offered   written last by the offering side: the accepting side
 *                  waits for it
 *   BASE/o2a/...   the offering side's bytes, to the accepting side
 *   BASE/a2o/...   the accepting side's bytes, to the offering side
 *   BASE/done      written by the accepting side when it has finished: the
 *                  exit status of its program (0 without one); the
 *                  offering side then removes BASE
 */
#ifndef XSBRIDGE_PUMP_H
#define XSBRIDGE_PUMP_H

#include <stdbool.h>

struct xs_handle;

struct xsb_session {
	struct xs_handle *xs;
	const char *base;
	bool offering;
	unsigned int peer;   /* the accepting domain (offering side only) */
	int in_fd;           /* local bytes to send; closed when sent */
	int out_fd;          /* where received bytes go; closed at their end */
};

/* The offering side: makes BASE (removing what a previous session left). */
int xsb_offer(struct xsb_session *s);
/* The accepting side: waits until BASE is offered. */
int xsb_accept(struct xsb_session *s);
/*
 * Moves bytes both ways until both streams have ended.  0, or -1 after a
 * message on stderr (xenstore failed, or the peer domain went away first).
 * The local descriptors are closed either way.
 */
int xsb_pump(struct xsb_session *s);
/*
 * Ends the session.  The accepting side reports STATUS and returns 0; the
 * offering side waits for that report, removes BASE and returns the status
 * reported.  -1 after a message on stderr (xenstore failed, or the peer
 * domain went away without reporting).
 */
int xsb_finish(struct xsb_session *s, int status);

#endif
