// SPDX-License-Identifier: GPL-2.0-only
/*
 * notify PEER: the granter that gets killed.  A page granted to PEER with
 * 0x5a at offset 100, an evtchn port offered to PEER, and gntalloc's
 * SET_UNMAP_NOTIFY asking for both: clear that byte and send on that
 * port when the grant goes.  Says "ref REF port P" and waits for SIGKILL.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "prog.h"

int scenario_notify(int argc, char **argv)
{
	struct ioctl_gntalloc_unmap_notify n;
	volatile char *p;
	struct grant g;
	uint16_t peer;
	uint32_t port;
	int gnt, ev;

	if (argc != 2)
		die("usage: notify PEER");
	peer = (uint16_t)atoi(argv[1]);
	gnt = dev_open("gntalloc", O_RDWR);
	ev = dev_open("evtchn", O_RDWR);
	g = grant_page(gnt, peer);
	p = map_grant(gnt, &g);
	p[100] = 0x5a;
	port = bind_unbound(ev, peer);
	n = (struct ioctl_gntalloc_unmap_notify){
		.index = g.index + 100,
		.action = UNMAP_NOTIFY_CLEAR_BYTE | UNMAP_NOTIFY_SEND_EVENT,
		.event_channel_port = port,
	};
	if (ioctl(gnt, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n) != 0)
		die("IOCTL_GNTALLOC_SET_UNMAP_NOTIFY: %s", strerror(errno));
	say("ref %u port %u", g.ref, port);
	for (;;)
		pause();
}
