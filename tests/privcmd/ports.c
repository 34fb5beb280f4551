// SPDX-License-Identifier: GPL-2.0-only
/*
 * privcmd-xc ports: sets up event channels in its domain through Debian's
 * libxenevtchn (the kernel's evtchn driver), one command per stdin line,
 * so that the test can ask another program about them with
 * EVTCHNOP_status:
 *   unbound DOM       -> "port P": an unbound port DOM may bind
 *   bind DOM PORT     -> "port P": bound to DOM's unbound PORT (interdomain)
 *   close PORT        -> "closed PORT": unbound again (the port is free)
 * A failure says "error ENAME".  The ports stay as they are until stdin
 * ends; then it exits 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xenevtchn.h>

#include "privcmd_xc.h"

int ports_main(int argc, char **argv)
{
	xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
	char line[128];

	(void)argv;
	if (argc)
		die("ports takes no arguments");
	if (!xce)
		die_sys("xenevtchn_open");
	say("ready");
	while (fgets(line, sizeof(line), stdin)) {
		unsigned int dom, port;
		xenevtchn_port_or_error_t p;

		if (sscanf(line, "unbound %u", &dom) == 1)
			p = xenevtchn_bind_unbound_port(xce, dom);
		else if (sscanf(line, "bind %u %u", &dom, &port) == 2)
			p = xenevtchn_bind_interdomain(xce, dom, port);
		else if (sscanf(line, "close %u", &port) == 1) {
			if (xenevtchn_unbind(xce, port) < 0)
				say("error %s", errno_name(errno));
			else
				say("closed %u", port);
			continue;
		} else
			die("bad command: %s", line);
		if (p < 0)
			say("error %s", errno_name(errno));
		else
			say("port %d", p);
	}
	xenevtchn_close(xce);
	return 0;
}
