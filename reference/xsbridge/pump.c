/*
 * The session (pump.h) and the loop that moves bytes: local input to the
 * sending direction, the receiving direction to local output.
 */
#include "pump.h"
#include "stream.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#define TOKEN_OFFERED "offered"
#define TOKEN_DONE    "done"
#define TOKEN_PEER    "peer"

/* Received bytes not yet written locally: whole chunks are taken only
 * while one fits, so a slow local reader holds the writer back. */
#define OUT_BUF (16 * XSB_CHUNK)

/*
 * xenstored may drop watch events for a domain with too many pending (its
 * answer to XSA-326): after this long without any, everything is looked at
 * again, so a lost event delays the stream, never stops it.
 */
#define RECHECK_MS 1000

struct pump {
	struct xsb_session *s;
	struct xsb_sender tx;
	struct xsb_receiver rx;
	char out[OUT_BUF];
	size_t out_len;
	bool rx_done;        /* every byte written locally, or the reader gone */
	/* What the watch events (or a quiet spell) said to look at. */
	bool check_ack, check_closed, check_slots, check_eof, check_peer;
};

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "xsbridge: %s %s: %s\n", what, path, strerror(errno));
	return -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int xsb_offer(struct xsb_session *s)
{
	struct xs_permissions owner = { .id = s->peer, .perms = XS_PERM_NONE };
	char path[XSB_PATH];

	if (!xs_rm(s->xs, XBT_NULL, s->base) && errno != ENOENT)
		return fail("cannot remove", s->base);
	if (!xs_mkdir(s->xs, XBT_NULL, s->base))
		return fail("cannot make", s->base);
	/* The peer owns the session: it may create and write the nodes of
	 * its half; the nodes made below inherit this. */
	if (!xs_set_permissions(s->xs, XBT_NULL, s->base, &owner, 1))
		return fail("cannot set the permissions of", s->base);
	if (!xs_mkdir(s->xs, XBT_NULL, xsb_node(path, s->base, "o2a/slots")) ||
	    !xs_mkdir(s->xs, XBT_NULL, xsb_node(path, s->base, "a2o/slots")))
		return fail("cannot make", path);
	if (!xs_watch(s->xs, "@releaseDomain", TOKEN_PEER))
		return fail("cannot watch", "@releaseDomain");
	return xsb_write_ulong(s->xs, xsb_node(path, s->base, "offered"), 1);
}

/* What a watch event means to whoever waits. */
typedef void on_event_fn(void *ctx, const char *token, const char *path);

/*
 * Waits up to RECHECK_MS for FDS (FDS[0] being xenstore's) and hands each
 * watch event to ON_EVENT.  *QUIET is set when the time ran out with
 * nothing: the caller then looks at everything again.
 */
static int wait_events(struct xs_handle *xs, struct pollfd *fds, nfds_t n,
		       on_event_fn *on_event, void *ctx, bool *quiet)
{
	int rc = poll(fds, n, RECHECK_MS);
	char **ev;

	*quiet = rc == 0;
	if (rc < 0 && errno != EINTR)
		return fail("poll", "failed");
	if (rc <= 0 || !(fds[0].revents & POLLIN))
		return 0;
	while ((ev = xs_check_watch(xs))) {
		on_event(ctx, ev[XS_WATCH_TOKEN], ev[XS_WATCH_PATH]);
		free(ev);
	}
	if (errno != EAGAIN)
		return fail("reading watch events", "failed");
	return 0;
}

/* For the waits of accept and finish: which of a few tokens came. */
struct token_flags {
	const char *const *tokens;
	bool *fired;
	size_t n;
};

static void flag_token(void *ctx, const char *token, const char *path)
{
	struct token_flags *t = ctx;

	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(token, t->tokens[i]))
			t->fired[i] = true;
}

/* Waits for one of T's tokens (all count as fired after a quiet spell). */
static int wait_tokens(struct xs_handle *xs, struct token_flags *t)
{
	struct pollfd fds[1] = { { .fd = xs_fileno(xs), .events = POLLIN } };
	bool quiet;

	if (fds[0].fd < 0)
		return fail("no watch descriptor", "from libxenstore");
	for (size_t i = 0; i < t->n; i++)
		t->fired[i] = false;
	if (wait_events(xs, fds, 1, flag_token, t, &quiet) < 0)
		return -1;
	if (quiet)
		for (size_t i = 0; i < t->n; i++)
			t->fired[i] = true;
	return 0;
}

int xsb_accept(struct xsb_session *s)
{
	static const char *const tokens[] = { TOKEN_OFFERED };
	bool fired[1];
	struct token_flags t = { tokens, fired, 1 };
	char path[XSB_PATH];
	unsigned long v;

	xsb_node(path, s->base, "offered");
	if (!xs_watch(s->xs, path, TOKEN_OFFERED))
		return fail("cannot watch", path);
	for (;;) {
		int rc = xsb_read_ulong(s->xs, path, &v);

		if (rc != 0)
			return rc < 0 ? -1 : 0;
		do {
			if (wait_tokens(s->xs, &t) < 0)
				return -1;
		} while (!fired[0]);
	}
}

int xsb_finish(struct xsb_session *s, int status)
{
	static const char *const tokens[] = { TOKEN_DONE, TOKEN_PEER };
	bool fired[2] = { true, true };
	struct token_flags t = { tokens, fired, 2 };
	char path[XSB_PATH];
	unsigned long v;

	xsb_node(path, s->base, "done");
	if (!s->offering)
		return xsb_write_ulong(s->xs, path, (unsigned long)status);
	if (!xs_watch(s->xs, path, TOKEN_DONE))
		return fail("cannot watch", path);
	for (;;) {
		int rc = xsb_read_ulong(s->xs, path, &v);

		if (rc < 0)
			return -1;
		if (rc == 1)
			break;
		if (fired[1] && !xs_is_domain_introduced(s->xs, s->peer)) {
			fprintf(stderr, "xsbridge: domain %u is gone\n", s->peer);
			return -1;
		}
		if (wait_tokens(s->xs, &t) < 0)
			return -1;
	}
	if (!xs_rm(s->xs, XBT_NULL, s->base) && errno != ENOENT)
		return fail("cannot remove", s->base);
	return v > 255 ? 255 : (int)v;
}

/* Takes what arrived, as room allows; ends the local output at the end. */
static int pull(struct pump *p)
{
	long n;
	bool at_eof;

	if (p->rx_done)
		return 0;
	n = xsb_receive(&p->rx, p->out + p->out_len, sizeof(p->out) - p->out_len);
	if (n < 0)
		return -1;
	p->out_len += (size_t)n;
	if (xsb_receiver_at_eof(&p->rx, p->check_eof, &at_eof) < 0)
		return -1;
	p->check_eof = false;
	if (at_eof && p->out_len == 0) {
		close_fd(&p->s->out_fd);
		p->rx_done = true;
	}
	return 0;
}

/* Writes what can be written locally without blocking. */
static int flush(struct pump *p)
{
	/* After POLLOUT a pipe takes PIPE_BUF bytes without blocking. */
	size_t len = p->out_len < PIPE_BUF ? p->out_len : PIPE_BUF;
	bool was_full = sizeof(p->out) - p->out_len < XSB_CHUNK;
	ssize_t n = write(p->s->out_fd, p->out, len);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0) {
		/* The local reader is gone: tell the writer to stop. */
		if (errno != EPIPE)
			fprintf(stderr, "xsbridge: writing: %s\n", strerror(errno));
		close_fd(&p->s->out_fd);
		p->out_len = 0;
		p->rx_done = true;
		return xsb_receiver_close(&p->rx);
	}
	memmove(p->out, p->out + n, p->out_len - (size_t)n);
	p->out_len -= (size_t)n;
	/* Chunks may have waited for room: look for all of them. */
	if (was_full)
		xsb_receiver_look_all(&p->rx);
	p->check_slots = true;    /* room again, or the end to pass on */
	return 0;
}

/* Sends one read's worth of local input, or the end of it. */
static int push(struct pump *p)
{
	char buf[XSB_CHUNK];
	ssize_t n = read(p->s->in_fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0)
		fprintf(stderr, "xsbridge: reading: %s\n", strerror(errno));
	if (n <= 0) {
		close_fd(&p->s->in_fd);
		return xsb_send_eof(&p->tx);
	}
	return xsb_send(&p->tx, buf, (size_t)n);
}

static void on_event(void *ctx, const char *token, const char *path)
{
	struct pump *p = ctx;

	if (!strcmp(token, XSB_TOKEN_ACK)) {
		p->check_ack = true;
	} else if (!strcmp(token, XSB_TOKEN_CLOSED)) {
		p->check_closed = true;
	} else if (!strcmp(token, XSB_TOKEN_SLOT)) {
		xsb_receiver_note(&p->rx, path);
		p->check_slots = true;
	} else if (!strcmp(token, XSB_TOKEN_EOF)) {
		p->check_eof = p->check_slots = true;
	} else if (!strcmp(token, TOKEN_PEER)) {
		p->check_peer = true;
	}
}

/* Everything again: at the start, and after a quiet spell. */
static void look_at_everything(struct pump *p)
{
	p->check_ack = p->check_closed = p->check_slots = true;
	p->check_eof = p->check_peer = true;
	xsb_receiver_look_all(&p->rx);
}

static int step(struct pump *p)
{
	struct xsb_session *s = p->s;
	struct pollfd fds[3] = { { .fd = xs_fileno(s->xs), .events = POLLIN } };
	nfds_t n = 1, in_at = 0, out_at = 0;
	bool quiet;

	if (fds[0].fd < 0)
		return fail("no watch descriptor", "from libxenstore");
	if (s->in_fd >= 0 && xsb_sender_has_room(&p->tx)) {
		fds[n] = (struct pollfd){ .fd = s->in_fd, .events = POLLIN };
		in_at = n++;
	}
	if (s->out_fd >= 0 && p->out_len) {
		fds[n] = (struct pollfd){ .fd = s->out_fd, .events = POLLOUT };
		out_at = n++;
	}
	if (wait_events(s->xs, fds, n, on_event, p, &quiet) < 0)
		return -1;
	if (quiet)
		look_at_everything(p);
	if (in_at && fds[in_at].revents && push(p) < 0)
		return -1;
	if (out_at && fds[out_at].revents && flush(p) < 0)
		return -1;
	return 0;
}

int xsb_pump(struct xsb_session *s)
{
	struct pump *p = calloc(1, sizeof(*p));
	char path[XSB_PATH];
	int rc = -1;

	if (!p) {
		perror("xsbridge");
		return -1;
	}
	p->s = s;
	if (xsb_sender_open(&p->tx, s->xs, xsb_node(path, s->base, s->offering ? "o2a" : "a2o")) < 0 ||
	    xsb_receiver_open(&p->rx, s->xs, xsb_node(path, s->base, s->offering ? "a2o" : "o2a")) < 0)
		goto out;
	look_at_everything(p);
	for (;;) {
		if (p->check_ack || p->check_closed) {
			if (xsb_sender_refresh(&p->tx, p->check_ack, p->check_closed) < 0)
				goto out;
			p->check_ack = p->check_closed = false;
			if (p->tx.reader_closed)
				close_fd(&s->in_fd);
		}
		if (p->check_slots) {
			p->check_slots = false;
			if (pull(p) < 0)
				goto out;
		}
		if (p->check_peer && s->offering) {
			p->check_peer = false;
			if (!xs_is_domain_introduced(s->xs, s->peer)) {
				fprintf(stderr, "xsbridge: domain %u is gone\n", s->peer);
				goto out;
			}
		}
		if (xsb_sender_done(&p->tx) && p->rx_done)
			break;
		if (step(p) < 0)
			goto out;
	}
	rc = 0;
out:
	close_fd(&s->in_fd);
	close_fd(&s->out_fd);
	free(p);
	return rc;
}
