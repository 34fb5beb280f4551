// SPDX-License-Identifier: GPL-2.0-only
/*
 * Streams over a vchan, one each way: generated, cut into random (or
 * fixed) writes and reads, checked byte by byte and by checksum.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stream.h"
#include "vchan_link.h"

#define TRAILER 8   /* the sender's checksum follows the data */

struct outflow {
	uint64_t total, made;   /* payload bytes, payload bytes put in buf so far */
	struct vstream s;
	struct vsizes sizes;
	size_t fixed;
	bool raw, trailer_made, finished;
	uint8_t *buf;
	size_t len, off;        /* buf[off, len) is still to be written */
};

struct inflow {
	uint64_t total, got;
	struct vstream s;
	struct vsizes sizes;
	size_t fixed;
	bool raw, finished;
	uint8_t *buf;
	uint8_t trailer[TRAILER];
	size_t trailer_got;
	struct timespec first, last;
};

enum { STEP_IDLE, STEP_MOVED, STEP_CLOSED = -1, STEP_BAD_DATA = -2 };

static size_t next_size(struct vsizes *z, size_t fixed, uint64_t left)
{
	size_t n = fixed ? fixed : vsizes_next(z);

	return n > left ? (size_t)left : n;
}

/* Puts the next chunk (data or the trailer) in buf; false when all is made. */
static bool make_chunk(struct outflow *f)
{
	f->off = 0;
	if (f->made < f->total) {
		f->len = next_size(&f->sizes, f->fixed, f->total - f->made);
		if (!f->raw)
			vstream_fill(&f->s, f->buf, f->len);
		f->made += f->len;
		return true;
	}
	if (!f->raw && !f->trailer_made) {
		uint64_t sum = f->s.sum;

		memcpy(f->buf, &sum, TRAILER);
		f->len = TRAILER;
		f->trailer_made = true;
		return true;
	}
	f->len = 0;
	return false;
}

static int out_step(struct vlink *l, struct outflow *f)
{
	int n;

	if (f->finished)
		return STEP_IDLE;
	if (f->off == f->len && !make_chunk(f)) {
		f->finished = true;
		return STEP_MOVED;
	}
	n = libxenvchan_write(l->ctrl, f->buf + f->off, f->len - f->off);
	if (n < 0)
		return STEP_CLOSED;
	f->off += (size_t)n;
	return n ? STEP_MOVED : STEP_IDLE;
}

static int in_step(struct vlink *l, struct inflow *f)
{
	size_t want;
	int n;

	if (f->finished)
		return STEP_IDLE;
	if (f->got < f->total)
		want = next_size(&f->sizes, f->fixed, f->total - f->got);
	else
		want = TRAILER - f->trailer_got;
	n = libxenvchan_read(l->ctrl, f->got < f->total ? f->buf : f->trailer + f->trailer_got,
			     want);
	if (n < 0)
		return STEP_CLOSED;
	if (n == 0)
		return STEP_IDLE;
	if (f->got == 0 && f->trailer_got == 0)
		clock_gettime(CLOCK_MONOTONIC, &f->first);
	if (f->got < f->total) {
		if (!f->raw && vstream_check(&f->s, f->buf, (size_t)n) != (size_t)n) {
			fprintf(stderr, "%s: received data differs from the stream at byte %" PRIu64 "\n",
				l->prog, f->s.pos);
			return STEP_BAD_DATA;
		}
		f->got += (uint64_t)n;
	} else {
		f->trailer_got += (size_t)n;
	}
	if (f->got == f->total && (f->raw || f->trailer_got == TRAILER)) {
		uint64_t sum;

		clock_gettime(CLOCK_MONOTONIC, &f->last);
		memcpy(&sum, f->trailer, TRAILER);
		if (!f->raw && sum != f->s.sum) {
			fprintf(stderr, "%s: checksum: sender says %016" PRIx64 ", received %016" PRIx64 "\n",
				l->prog, sum, f->s.sum);
			return STEP_BAD_DATA;
		}
		f->finished = true;
	}
	return STEP_MOVED;
}

static int fail(struct vlink *l, int step, const char *what)
{
	if (step == STEP_BAD_DATA)
		return 3;
	errno = 0;
	vlink_err(l, "%s: %s", what, libxenvchan_is_open(l->ctrl) ? "vchan error" : "peer closed the vchan");
	return 1;
}

/* One direction at a time, with the blocking calls. */
static int run_blocking(struct vlink *l, struct outflow *out, struct inflow *in)
{
	for (int turn = 0; turn < 2; turn++) {
		bool sending = (turn == 0) != l->is_server;
		int step;

		if (sending) {
			while ((step = out_step(l, out)) >= 0 && !out->finished)
				;
			if (step < 0)
				return fail(l, step, "write");
		} else {
			while ((step = in_step(l, in)) >= 0 && !in->finished)
				;
			if (step < 0)
				return fail(l, step, "read");
		}
	}
	return 0;
}

/* Both directions at once: select() when neither can move. */
static int run_nonblocking(struct vlink *l, struct outflow *out, struct inflow *in)
{
	bool gone = false;

	while (!out->finished || !in->finished) {
		int a = out_step(l, out), b;

		if (a < 0)
			return fail(l, a, "write");
		b = in_step(l, in);
		if (b < 0)
			return fail(l, b, "read");
		if (a == STEP_MOVED || b == STEP_MOVED)
			continue;
		/* both asked to be notified: the ring cannot change unseen */
		if (gone) {
			errno = 0;
			vlink_err(l, "the peer's domain is gone (its xenstore node %s went away)",
				  l->peer_node);
			return 1;
		}
		int r = vlink_wait(l, -1);

		if (r < 0)
			return 1;
		/* one more round for what it left */
		gone |= (r & VLINK_EV_GONE) != 0;
	}
	return 0;
}

int vlink_exchange(struct vlink *l, const struct vlink_opts *o, uint64_t send, uint64_t recv,
		   bool report)
{
	size_t wmax = o->write_size ? o->write_size : o->max_write;
	size_t rmax = o->read_size ? o->read_size : o->max_read;
	struct outflow out = {
		.total = send, .fixed = o->write_size, .raw = o->raw,
		.buf = malloc(wmax > TRAILER ? wmax : TRAILER),
	};
	struct inflow in = {
		.total = recv, .fixed = o->read_size, .raw = o->raw, .buf = malloc(rmax),
	};
	int rc;

	if (!out.buf || !in.buf) {
		vlink_err(l, "malloc");
		free(out.buf);
		free(in.buf);
		return 1;
	}
	/* raw: whatever the buffer holds, sent again and again */
	memset(out.buf, 0x5a, wmax);
	vstream_init(&out.s, l->send_seed);
	vstream_init(&in.s, l->recv_seed);
	vsizes_init(&out.sizes, l->send_seed, o->max_write);
	vsizes_init(&in.sizes, l->recv_seed ^ 0xfeed, o->max_read);
	/* nothing to receive in raw mode finishes at once */
	in.finished = in.raw && !in.total;
	out.finished = out.raw && !out.total;

	rc = o->nonblock ? run_nonblocking(l, &out, &in) : run_blocking(l, &out, &in);
	if (rc == 0 && report) {
		double secs = (double)(in.last.tv_sec - in.first.tv_sec) +
			      (double)(in.last.tv_nsec - in.first.tv_nsec) / 1e9;

		printf("sent %" PRIu64 " sum %016" PRIx64 "\n", out.made, out.s.sum);
		printf("received %" PRIu64 " sum %016" PRIx64 " seconds %.6f\n", in.got, in.s.sum,
		       recv ? secs : 0.0);
	}
	free(out.buf);
	free(in.buf);
	return rc;
}
