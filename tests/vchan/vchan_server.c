// SPDX-License-Identifier: GPL-2.0-only
/*
 * vchan-server: the server end of a vchan, through Debian's libxenvchan:
 * shares the ring with gntalloc, offers an event channel, writes
 * PATH/ring-ref and PATH/event-channel for the peer domain to read, waits
 * for the client, then does what --mode says (see vchan_link.h).
 */
#include <stdio.h>
#include <unistd.h>

#include "vchan_link.h"

/* Until the client's map-and-notify sets cli_live from 2 ("not yet") to 1. */
static int wait_for_client(struct vlink *l)
{
	while (libxenvchan_is_open(l->ctrl) == 2)
		if (vlink_wait(l, -1) < 0)
			return -1;
	if (libxenvchan_is_open(l->ctrl) != 1) {
		vlink_err(l, "the client left before it came");
		return -1;
	}
	/* from now on, its node going away means its domain went */
	vlink_peer_node_gone(l);
	return 0;
}

int main(int argc, char **argv)
{
	struct vlink l = { .prog = "vchan-server", .is_server = true, .bridge_fd = -1 };
	struct vlink_opts o;
	char node[256];
	int self, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	vlink_parse(argc, argv, true, &o);
	if (o.timeout)
		alarm(o.timeout);
	self = vlink_xs_open(&l);
	if (self < 0)
		return 2;
	l.send_seed = o.seed * 2 + 2;
	l.recv_seed = o.seed * 2 + 1;
	long long t0 = vlink_now_ns();

	l.ctrl = libxenvchan_server_init(NULL, o.peer, o.path, o.ring, o.ring);
	if (!l.ctrl) {
		vlink_err(&l, "libxenvchan_server_init(peer %d, %s)", o.peer, o.path);
		return 2;
	}
	if (o.mode == VLINK_PING)
		printf("init-ns %lld\n", vlink_now_ns() - t0);
	snprintf(node, sizeof(node), "/local/domain/%d/data/vchan-client/%d/%s", o.peer, self,
		 vlink_leaf(o.path));
	if (vlink_watch_peer(&l, node) || wait_for_client(&l)) {
		vlink_close(&l);
		return 1;
	}
	rc = vlink_run(&l, &o);
	vlink_close(&l);
	return rc;
}
