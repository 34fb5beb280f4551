// SPDX-License-Identifier: GPL-2.0-only
/*
 * vchan-client: the client end of a vchan, through Debian's libxenvchan:
 * reads the server's PATH/ring-ref and PATH/event-channel (waiting for them
 * with a watch), binds the event channel, maps the ring with gntdev, then
 * does what --mode says (see vchan_link.h).  In bridge mode it first
 * accepts one connection on a unix socket and carries it over the vchan,
 * as vchan-socket-proxy's client mode does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vchan_link.h"

/* Tells the server's domain we are here (see vchan_link.h). */
static int publish(struct vlink *l, int self, const struct vlink_opts *o)
{
	struct xs_permissions perms[2] = {
		{ .id = (unsigned int)self, .perms = XS_PERM_NONE },
		{ .id = (unsigned int)o->peer, .perms = XS_PERM_READ },
	};

	snprintf(l->own_node, sizeof(l->own_node), "data/vchan-client/%d/%s", o->peer,
		 vlink_leaf(o->path));
	if (!xs_write(l->xs, XBT_NULL, l->own_node, "connected", 9) ||
	    !xs_set_permissions(l->xs, XBT_NULL, l->own_node, perms, 2)) {
		vlink_err(l, "xenstore write %s", l->own_node);
		return -1;
	}
	return 0;
}

/* Retries at every change of the server's ring-ref, as vchan-socket-proxy does. */
static int connect_vchan(struct vlink *l, const struct vlink_opts *o)
{
	char node[256];

	snprintf(node, sizeof(node), "%s/ring-ref", o->path);
	if (vlink_watch_peer(l, node))
		return -1;
	for (;;) {
		char **ev;

		l->ctrl = libxenvchan_client_init(NULL, o->peer, o->path);
		if (l->ctrl)
			break;
		if (o->no_wait) {
			vlink_err(l, "libxenvchan_client_init(server %d, %s)", o->peer, o->path);
			return -1;
		}
		ev = xs_read_watch(l->xs, &(unsigned int){ 0 });
		if (!ev) {
			vlink_err(l, "xs_read_watch %s", node);
			return -1;
		}
		free(ev);
	}
	vlink_peer_node_gone(l);
	return 0;
}

static int accept_one(struct vlink *l, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), conn;

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path)) {
		errno = fd < 0 ? errno : ENAMETOOLONG;
		vlink_err(l, "socket %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		vlink_err(l, "listen on %s", path);
		close(fd);
		return -1;
	}
	printf("listening\n");
	conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		vlink_err(l, "accept on %s", path);
	close(fd);
	unlink(path);
	return conn;
}

int main(int argc, char **argv)
{
	struct vlink l = { .prog = "vchan-client", .bridge_fd = -1 };
	struct vlink_opts o;
	int self, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	vlink_parse(argc, argv, false, &o);
	if (o.timeout)
		alarm(o.timeout);
	self = vlink_xs_open(&l);
	if (self < 0)
		return 2;
	l.send_seed = o.seed * 2 + 1;
	l.recv_seed = o.seed * 2 + 2;
	if (o.mode == VLINK_BRIDGE && (l.bridge_fd = accept_one(&l, o.socket)) < 0)
		return 2;
	long long t0 = 0;

	/* ping mode times libxenvchan's part: the watch and client_init */
	if (publish(&l, self, &o) || (t0 = vlink_now_ns(), connect_vchan(&l, &o))) {
		vlink_close(&l);
		return 2;
	}
	if (o.mode == VLINK_PING)
		printf("init-ns %lld\n", vlink_now_ns() - t0);
	rc = vlink_run(&l, &o);
	vlink_close(&l);
	if (l.bridge_fd >= 0)
		close(l.bridge_fd);
	return rc;
}
