/*
 * A byte stream carried over xenstore, one direction at a time.
 *
 * The writer of direction DIR puts chunks into a ring of XSB_WINDOW slots,
 * DIR/slots/0 .. DIR/slots/(XSB_WINDOW-1); chunk number N goes into slot
 * N % XSB_WINDOW as "N <bytes>" (decimal N, one space, then the bytes,
 * which may be anything, NULs included: xenstore values are counted, not
 * terminated).  The reader consumes chunks in order and writes how many it
 * has consumed to DIR/ack; the writer reuses a slot only once its previous
 * chunk is acknowledged, so at most XSB_WINDOW chunks are in flight and the
 * node count stays fixed (domains have a node quota).  The writer's end of
 * stream is DIR/eof, the number of chunks sent; a reader that will read no
 * more writes DIR/closed, and the writer then stops.
 *
 * The reader acknowledges lazily, when half the window is unacknowledged
 * or at the end of the stream: a stream of short messages (requests and
 * answers) costs one write and one read per message.
 *
 * Each side watches only the nodes the other writes (the writer DIR/ack and
 * DIR/closed, the reader DIR/slots and DIR/eof), so its own writes do not
 * wake it, and reads only the node an event names.  Watch events can be
 * lost (xenstored may drop them for a domain with too many pending):
 * the caller then asks for a full look (xsb_receiver_look_all,
 * xsb_sender_refresh with both flags) now and then, so a lost event costs
 * time, never data.
 */
#ifndef XSBRIDGE_STREAM_H
#define XSBRIDGE_STREAM_H

#include <stdbool.h>
#include <stddef.h>

struct xs_handle;

/*
 * Bytes per chunk: a node's record (24 bytes, 8 per permission entry, the
 * value) must stay under xenstored's 2048-byte quota for a domU's nodes.
 */
#define XSB_CHUNK  1536
#define XSB_WINDOW 8
/* Longest node path the bridge builds (xenstore allows 3072). */
#define XSB_PATH   3072

/* Watch tokens: which node of which direction changed. */
#define XSB_TOKEN_ACK    "ack"
#define XSB_TOKEN_CLOSED "closed"
#define XSB_TOKEN_SLOT   "slot"
#define XSB_TOKEN_EOF    "eof"

struct xsb_sender {
	struct xs_handle *xs;
	char dir[XSB_PATH];
	unsigned long sent;   /* chunks written */
	unsigned long acked;  /* chunks the reader consumed */
	bool eof_sent;
	bool reader_closed;
};

struct xsb_receiver {
	struct xs_handle *xs;
	char dir[XSB_PATH];
	unsigned long next;   /* the chunk number expected next */
	unsigned long acked;  /* the count last written to DIR/ack */
	unsigned long eof;    /* chunks in the whole stream, once eof_known */
	bool eof_known;
	bool closed;          /* we wrote DIR/closed */
	unsigned int fired;   /* slots a watch event named, a bit each */
	bool look_all;        /* read slots until one is not ready */
};

/* Both return 0, or -1 with errno set and a message on stderr. */
int xsb_sender_open(struct xsb_sender *s, struct xs_handle *xs, const char *dir);
int xsb_receiver_open(struct xsb_receiver *r, struct xs_handle *xs, const char *dir);

/* Whether one more chunk may be written now. */
bool xsb_sender_has_room(const struct xsb_sender *s);
/* Writes one chunk of 1..XSB_CHUNK bytes (the sender must have room). */
int xsb_send(struct xsb_sender *s, const void *data, size_t len);
/* Ends the stream: no chunk after this one. */
int xsb_send_eof(struct xsb_sender *s);
/* Re-reads DIR/ack and/or DIR/closed. */
int xsb_sender_refresh(struct xsb_sender *s, bool ack, bool closed);
/* Every chunk consumed after the end of stream, or the reader gone. */
bool xsb_sender_done(const struct xsb_sender *s);

/* A watch event on DIR/slots, naming PATH: that slot is worth reading. */
void xsb_receiver_note(struct xsb_receiver *r, const char *path);
/* Every slot is worth reading (no event, or no room, for a while). */
void xsb_receiver_look_all(struct xsb_receiver *r);
/*
 * Moves the chunks that arrived in order into BUF, as long as a whole
 * chunk fits in the ROOM bytes left there, and acknowledges them as the
 * protocol says.  Returns the bytes moved, or -1.
 */
long xsb_receive(struct xsb_receiver *r, char *buf, size_t room);
/*
 * Whether the writer ended the stream and every chunk was received;
 * REREAD: DIR/eof may have changed since it was last read.
 */
int xsb_receiver_at_eof(struct xsb_receiver *r, bool reread, bool *at_eof);
/* Tells the writer nothing more will be read. */
int xsb_receiver_close(struct xsb_receiver *r);

/* Node helpers shared with the session code; same return convention. */
int xsb_write_ulong(struct xs_handle *xs, const char *path, unsigned long v);
/* 1 and *v set when the node exists, 0 when it does not, -1 on error. */
int xsb_read_ulong(struct xs_handle *xs, const char *path, unsigned long *v);
/* DIR/LEAF into BUF (XSB_PATH bytes); exits on a path too long. */
const char *xsb_node(char *buf, const char *dir, const char *leaf);

#endif
