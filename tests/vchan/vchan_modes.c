// SPDX-License-Identifier: GPL-2.0-only
/* What an end does once connected: the modes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vchan_link.h"

#define HELLO 16   /* bytes each way: the vchan carries data before "ready" */

/*
 * Says how the peer's leaving was seen, given what the last wait brought:
 * by the ring (its live byte cleared, and an event: the peer's program
 * closed it, or its kernel did on its behalf), or by xenstore (its
 * domain's home went).  -1 if it has not left.
 */
static int peer_left(struct vlink *l, int events)
{
	if (libxenvchan_is_open(l->ctrl) && !(events & VLINK_EV_GONE))
		return -1;
	if ((events & VLINK_EV_GONE) && !(events & VLINK_EV_VCHAN)) {
		if (libxenvchan_is_open(l->ctrl)) {
			printf("peer gone: xenstore node %s removed\n", l->peer_node);
			return 0;
		}
		/* cleared too: is its event still on the way? */
		if (vlink_wait(l, 1000) <= 0) {
			printf("peer gone: xenstore node %s removed (the ring says closed, "
			       "with no event)\n", l->peer_node);
			return 0;
		}
	}
	printf("peer gone: vchan closed\n");
	return 0;
}

/* Stays connected until stdin ends (or the peer leaves). */
static int hold(struct vlink *l, const struct vlink_opts *o)
{
	for (;;) {
		bool in = false;
		char c[64];
		int r = vlink_wait_fds(l, -1, 0, -1, &in, NULL);

		if (r < 0)
			return 1;
		if (peer_left(l, r) == 0)
			return 0;
		if (in && read(0, c, sizeof(c)) <= 0) {
			if (o->no_close) {
				/* leave it to the kernel, as a crash would */
				printf("exiting without closing\n");
				fflush(stdout);
				_exit(0);
			}
			printf("closing\n");
			return 0;
		}
	}
}

/* Stays connected until the peer leaves; says how it was seen. */
static int wait_gone(struct vlink *l, const struct vlink_opts *o)
{
	char buf[256];

	if (!o->nonblock) {
		/* the blocking read returns -1 once the ring says the peer closed */
		while (libxenvchan_read(l->ctrl, buf, sizeof(buf)) >= 0)
			;
		return peer_left(l, 0) == 0 ? 0 : 1;
	}
	for (int events = 0;;) {
		while (libxenvchan_read(l->ctrl, buf, sizeof(buf)) > 0)
			;
		if (peer_left(l, events) == 0)
			return 0;
		events = vlink_wait(l, -1);
		if (events < 0)
			return 1;
	}
}

/* Carries bytes between the accepted socket and the vchan, both ways, until either ends. */
static int bridge(struct vlink *l)
{
	static char up[65536], down[65536];   /* socket -> vchan, vchan -> socket */
	size_t up_len = 0, up_off = 0, down_len = 0, down_off = 0;
	bool sock_eof = false, vchan_closed = false, gone = false;
	int sock = l->bridge_fd;
	ssize_t n;

	l->ctrl->blocking = 0;
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	for (;;) {
		bool moved = false;

		if (!sock_eof && up_len == 0) {
			n = read(sock, up, sizeof(up));
			if (n > 0) {
				up_len = (size_t)n;
				up_off = 0;
			} else if (n == 0) {
				sock_eof = true;
			} else if (errno != EAGAIN) {
				vlink_err(l, "read from the socket");
				return 1;
			}
			moved |= n >= 0;
		}
		if (up_off < up_len && !vchan_closed) {
			n = libxenvchan_write(l->ctrl, up + up_off, up_len - up_off);
			if (n < 0)
				vchan_closed = true;
			else if ((up_off += (size_t)n) == up_len)
				up_len = up_off = 0;
			moved |= n != 0;
		}
		if (down_len == 0 && !vchan_closed) {
			n = libxenvchan_read(l->ctrl, down, sizeof(down));
			if (n < 0)
				vchan_closed = true;
			else if (n > 0)
				down_len = (size_t)n, down_off = 0;
			moved |= n != 0;
		}
		if (down_off < down_len) {
			n = send(sock, down + down_off, down_len - down_off, MSG_NOSIGNAL);
			if (n > 0 && (down_off += (size_t)n) == down_len)
				down_len = down_off = 0;
			else if (n < 0 && errno != EAGAIN) {
				vlink_err(l, "write to the socket");
				return 1;
			}
			moved |= n > 0;
		}
		if (sock_eof && up_len == 0)
			return 0;                /* the caller closes the vchan */
		if ((vchan_closed || gone) && down_len == 0) {
			shutdown(sock, SHUT_RDWR);
			return 0;
		}
		if (moved)
			continue;
		if (gone) {
			vchan_closed = true;
			continue;
		}
		int r = vlink_wait_fds(l, -1, !sock_eof && !up_len ? sock : -1, down_len ? sock : -1,
				       NULL, NULL);

		if (r < 0)
			return 1;
		gone |= (r & VLINK_EV_GONE) != 0;
	}
}

int vlink_run(struct vlink *l, const struct vlink_opts *o)
{
	struct vlink_opts hello = *o;
	int rc;

	l->ctrl->blocking = o->nonblock ? 0 : 1;
	if (o->mode == VLINK_BRIDGE)
		return bridge(l);
	if (o->mode == VLINK_PING)
		return vlink_ping(l, o);
	/* the proxy's peer would not know it: only between these programs */
	hello.raw = false;
	hello.write_size = hello.read_size = 0;
	rc = vlink_exchange(l, &hello, HELLO, HELLO, false);
	if (rc)
		return rc;
	switch (o->mode) {
	case VLINK_STREAM:
		return vlink_exchange(l, o, o->send, o->recv, true);
	case VLINK_HOLD:
		printf("ready\n");
		return hold(l, o);
	case VLINK_WAIT_GONE:
		printf("ready\n");
		return wait_gone(l, o);
	default:
		return 2;
	}
}
