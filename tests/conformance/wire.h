/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The byte stream between a conformance program and its agent: two
 * descriptors (one to read, one to write) and nothing else, so that the
 * same stream can run over two pipes on a host or over a bridge between
 * two real domains.  Messages are text lines (docs/reference.md, "The
 * agent's protocol"); this file only frames them and bounds every wait.
 */
#ifndef CONFORMANCE_WIRE_H
#define CONFORMANCE_WIRE_H

#include <stdbool.h>
#include <stddef.h>

/* The longest line either side sends, newline included. */
#define WIRE_LINE_MAX 1024

struct wire {
	int rfd;
	int wfd;
	size_t len;			/* bytes in buf not yet returned */
	char buf[WIRE_LINE_MAX];
};

/* What wire_recv found. */
enum wire_status {
	WIRE_LINE,			/* a whole line, newline removed */
	WIRE_EOF,			/* the stream ended between lines */
	WIRE_EOF_MID_LINE,		/* the stream ended inside a line */
	WIRE_TIMEOUT,			/* nothing complete within the time */
	WIRE_TOO_LONG,			/* a line longer than WIRE_LINE_MAX */
	WIRE_ERROR,			/* read failed; errno says why */
};

/*
 * Parses "RFD,WFD" (two descriptor numbers); false when S is not that.
 * Makes writes to a closed stream fail EPIPE instead of raising SIGPIPE.
 */
bool wire_parse(struct wire *w, const char *s);

/* Sends one line (the newline is added); false, errno set, on failure. */
bool wire_send(struct wire *w, const char *line);

/*
 * Receives one line into LINE (WIRE_LINE_MAX bytes), waiting at most
 * TIMEOUT_MS (-1: no limit) for it to be complete.
 */
enum wire_status wire_recv(struct wire *w, char *line, int timeout_ms);

/* True when a whole or partial line is already buffered or readable. */
bool wire_pending(struct wire *w);

/* "an end of stream" etc., for messages. */
const char *wire_status_text(enum wire_status st);

#endif
