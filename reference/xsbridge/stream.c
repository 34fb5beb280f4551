/*
 * One direction of a byte stream over xenstore nodes: the protocol is
 * described in stream.h.
 */
#include "stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

/* "N " in front of a chunk's bytes: at most 20 digits and the space. */
#define HEADER_MAX 21

const char *xsb_node(char *buf, const char *dir, const char *leaf)
{
	int n = snprintf(buf, XSB_PATH, "%s/%s", dir, leaf);

	if (n < 0 || n >= XSB_PATH) {
		fprintf(stderr, "xsbridge: xenstore path too long: %s/%s\n", dir, leaf);
		exit(1);
	}
	return buf;
}

static int fail(const char *what, const char *path)
{
	int e = errno;

	fprintf(stderr, "xsbridge: %s %s: %s\n", what, path, strerror(e));
	errno = e;
	return -1;
}

int xsb_write_ulong(struct xs_handle *xs, const char *path, unsigned long v)
{
	char text[24];
	int n = snprintf(text, sizeof(text), "%lu", v);

	if (!xs_write(xs, XBT_NULL, path, text, (unsigned int)n))
		return fail("cannot write", path);
	return 0;
}

int xsb_read_ulong(struct xs_handle *xs, const char *path, unsigned long *v)
{
	unsigned int len;
	char *text = xs_read(xs, XBT_NULL, path, &len);
	char *end;

	if (!text)
		return errno == ENOENT ? 0 : fail("cannot read", path);
	errno = 0;
	*v = strtoul(text, &end, 10);
	if (errno || end == text || (size_t)(end - text) != len) {
		fprintf(stderr, "xsbridge: %s holds no count\n", path);
		free(text);
		errno = EPROTO;
		return -1;
	}
	free(text);
	return 1;
}

static int watch(struct xs_handle *xs, const char *dir, const char *leaf, const char *token)
{
	char path[XSB_PATH];

	if (!xs_watch(xs, xsb_node(path, dir, leaf), token))
		return fail("cannot watch", path);
	return 0;
}

static int set_dir(char *out, const char *dir)
{
	if (strlen(dir) >= XSB_PATH - 32) {
		fprintf(stderr, "xsbridge: xenstore path too long: %s\n", dir);
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(out, dir);
	return 0;
}

int xsb_sender_open(struct xsb_sender *s, struct xs_handle *xs, const char *dir)
{
	memset(s, 0, sizeof(*s));
	s->xs = xs;
	if (set_dir(s->dir, dir) < 0)
		return -1;
	if (watch(xs, dir, "ack", XSB_TOKEN_ACK) < 0 ||
	    watch(xs, dir, "closed", XSB_TOKEN_CLOSED) < 0)
		return -1;
	return 0;
}

int xsb_receiver_open(struct xsb_receiver *r, struct xs_handle *xs, const char *dir)
{
	memset(r, 0, sizeof(*r));
	r->xs = xs;
	if (set_dir(r->dir, dir) < 0)
		return -1;
	r->look_all = true;
	if (watch(xs, dir, "slots", XSB_TOKEN_SLOT) < 0 ||
	    watch(xs, dir, "eof", XSB_TOKEN_EOF) < 0)
		return -1;
	return 0;
}

static const char *slot_path(char *buf, const char *dir, unsigned long chunk)
{
	char leaf[48];

	snprintf(leaf, sizeof(leaf), "slots/%lu", chunk % XSB_WINDOW);
	return xsb_node(buf, dir, leaf);
}

bool xsb_sender_has_room(const struct xsb_sender *s)
{
	return !s->eof_sent && !s->reader_closed && s->sent - s->acked < XSB_WINDOW;
}

int xsb_send(struct xsb_sender *s, const void *data, size_t len)
{
	char path[XSB_PATH];
	char value[HEADER_MAX + XSB_CHUNK];
	int n = snprintf(value, sizeof(value), "%lu ", s->sent);

	if (len == 0 || len > XSB_CHUNK || !xsb_sender_has_room(s)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(value + n, data, len);
	if (!xs_write(s->xs, XBT_NULL, slot_path(path, s->dir, s->sent), value,
		      (unsigned int)(n + len)))
		return fail("cannot write", path);
	s->sent++;
	return 0;
}

int xsb_send_eof(struct xsb_sender *s)
{
	char path[XSB_PATH];

	if (xsb_write_ulong(s->xs, xsb_node(path, s->dir, "eof"), s->sent) < 0)
		return -1;
	s->eof_sent = true;
	return 0;
}

int xsb_sender_refresh(struct xsb_sender *s, bool ack, bool closed)
{
	char path[XSB_PATH];
	unsigned long v;
	int rc = 0;

	if (ack)
		rc = xsb_read_ulong(s->xs, xsb_node(path, s->dir, "ack"), &v);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		if (v < s->acked || v > s->sent) {
			fprintf(stderr, "xsbridge: %s says %lu chunks of %lu"
				" (had %lu)\n", path, v, s->sent, s->acked);
			errno = EPROTO;
			return -1;
		}
		s->acked = v;
	}
	rc = 0;
	if (closed)
		rc = xsb_read_ulong(s->xs, xsb_node(path, s->dir, "closed"), &v);
	if (rc < 0)
		return -1;
	if (rc == 1)
		s->reader_closed = true;
	return 0;
}

bool xsb_sender_done(const struct xsb_sender *s)
{
	return s->reader_closed || (s->eof_sent && s->acked == s->sent);
}

/*
 * Reads the slot of chunk R->next: 1 and the bytes copied into BUF when it
 * holds that chunk, 0 when it still holds an older one (or none yet).
 */
static int take_chunk(struct xsb_receiver *r, char *buf, size_t *len)
{
	char path[XSB_PATH];
	unsigned int vlen;
	char *value = xs_read(r->xs, XBT_NULL, slot_path(path, r->dir, r->next), &vlen);
	char *space, *end;
	unsigned long chunk;

	if (!value)
		return errno == ENOENT ? 0 : fail("cannot read", path);
	space = memchr(value, ' ', vlen < HEADER_MAX ? vlen : HEADER_MAX);
	errno = 0;
	chunk = strtoul(value, &end, 10);
	if (!space || end != space || errno) {
		fprintf(stderr, "xsbridge: %s is not a chunk\n", path);
		free(value);
		errno = EPROTO;
		return -1;
	}
	if (chunk != r->next) {
		free(value);
		/* The slot's previous chunk: ours has not been written yet. */
		if (chunk + XSB_WINDOW == r->next)
			return 0;
		fprintf(stderr, "xsbridge: %s holds chunk %lu, expected %lu\n",
			path, chunk, r->next);
		errno = EPROTO;
		return -1;
	}
	*len = vlen - (size_t)(space + 1 - value);
	if (*len == 0 || *len > XSB_CHUNK) {
		fprintf(stderr, "xsbridge: %s: chunk of %zu bytes\n", path, *len);
		free(value);
		errno = EPROTO;
		return -1;
	}
	memcpy(buf, space + 1, *len);
	free(value);
	return 1;
}

void xsb_receiver_note(struct xsb_receiver *r, const char *path)
{
	size_t n = strlen(r->dir);
	char *end;
	unsigned long slot;

	/* DIR/slots/K names slot K; DIR/slots itself (the event every watch
	 * gives when it is set) says nothing in particular. */
	if (strncmp(path, r->dir, n) || strncmp(path + n, "/slots/", 7)) {
		r->look_all = true;
		return;
	}
	errno = 0;
	slot = strtoul(path + n + 7, &end, 10);
	if (errno || *end || slot >= XSB_WINDOW)
		r->look_all = true;
	else
		r->fired |= 1u << slot;
}

void xsb_receiver_look_all(struct xsb_receiver *r)
{
	r->look_all = true;
}

/* Acknowledges at half a window, and at the end of the stream, where the
 * writer waits for every chunk to be acknowledged. */
static int acknowledge(struct xsb_receiver *r)
{
	char path[XSB_PATH];
	bool at_end = r->eof_known && r->next == r->eof;

	if (r->next == r->acked ||
	    (r->next - r->acked < XSB_WINDOW / 2 && !at_end))
		return 0;
	if (xsb_write_ulong(r->xs, xsb_node(path, r->dir, "ack"), r->next) < 0)
		return -1;
	r->acked = r->next;
	return 0;
}

long xsb_receive(struct xsb_receiver *r, char *buf, size_t room)
{
	size_t moved = 0;

	while (room - moved >= XSB_CHUNK &&
	       !(r->eof_known && r->next == r->eof)) {
		unsigned int bit = 1u << (r->next % XSB_WINDOW);
		size_t len;
		int rc;

		if (!r->look_all && !(r->fired & bit))
			break;
		r->fired &= ~bit;
		rc = take_chunk(r, buf + moved, &len);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			r->look_all = false;
			break;
		}
		moved += len;
		r->next++;
	}
	if (acknowledge(r) < 0)
		return -1;
	return (long)moved;
}

int xsb_receiver_at_eof(struct xsb_receiver *r, bool reread, bool *at_eof)
{
	char path[XSB_PATH];

	if (!r->eof_known && reread) {
		int rc = xsb_read_ulong(r->xs, xsb_node(path, r->dir, "eof"), &r->eof);

		if (rc < 0)
			return -1;
		if (rc == 1 && r->eof < r->next) {
			fprintf(stderr, "xsbridge: %s says %lu chunks, %lu"
				" arrived\n", path, r->eof, r->next);
			errno = EPROTO;
			return -1;
		}
		r->eof_known = rc == 1;
		/* The final acknowledgement, when the end came last. */
		if (acknowledge(r) < 0)
			return -1;
	}
	*at_eof = r->eof_known && r->next == r->eof;
	return 0;
}

int xsb_receiver_close(struct xsb_receiver *r)
{
	char path[XSB_PATH];

	if (r->closed)
		return 0;
	r->closed = true;
	return xsb_write_ulong(r->xs, xsb_node(path, r->dir, "closed"), 1);
}
