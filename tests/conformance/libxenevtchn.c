// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf-libxenevtchn: event channels through Debian's libxenevtchn.  The
 * library is a thin layer (the ioctl's result is the port, pending() is a
 * blocking read, unmask() a write), so these lines mostly pin down that it
 * passes the driver's answers through unchanged.  pending() is only called
 * once poll says an event is there: it would block otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include <xenevtchn.h>

#include "conformance.h"

static domid_t peer;

/* "none", "bound_end", "unbound_end" or "other": the next pending port. */
static const char *next_pending(xenevtchn_handle *xce, int unbound,
				int bound)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(xce), .events = POLLIN };
	xenevtchn_port_or_error_t port;

	if (poll(&pfd, 1, 300) != 1)
		return "none";
	port = xenevtchn_pending(xce);
	if (port < 0)
		return errno_name(errno);
	xenevtchn_unmask(xce, (evtchn_port_t)port);
	return port == unbound ? "unbound_end" : port == bound ? "bound_end" :
	       "other";
}

int main(int argc, char **argv)
{
	xenevtchn_handle *xce, *other;
	xenevtchn_port_or_error_t unbound, bound, virq;
	int fd;

	conf_init(argc, argv);
	peer = conf_peer();
	xce = xenevtchn_open(NULL, 0);
	say_ptr("libxenevtchn.open", xce);
	if (!xce)
		return 1;
	fd = xenevtchn_fd(xce);
	say("libxenevtchn.fd.cloexec", "%s",
	    yes_no(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	other = xenevtchn_open(NULL, XENEVTCHN_NO_CLOEXEC);
	say_ptr("libxenevtchn.open.no_cloexec", other);
	if (other) {
		say("libxenevtchn.open.no_cloexec.cloexec", "%s",
		    yes_no(fcntl(xenevtchn_fd(other), F_GETFD) & FD_CLOEXEC));
		xenevtchn_close(other);
	}
	say_ptr("libxenevtchn.fdopen.flags",
		xenevtchn_fdopen(NULL, fd, XENEVTCHN_NO_CLOEXEC));

	unbound = xenevtchn_bind_unbound_port(xce, peer);
	say_rc("libxenevtchn.bind_unbound_port", unbound);
	bound = xenevtchn_bind_interdomain(xce, peer, (evtchn_port_t)unbound);
	say_rc("libxenevtchn.bind_interdomain", bound);
	if (unbound < 0 || bound < 0)
		return 1;
	say("libxenevtchn.pending.after_bind", "event=%s",
	    next_pending(xce, unbound, bound));
	say("libxenevtchn.pending.idle", "event=%s",
	    next_pending(xce, unbound, bound));
	say_rc("libxenevtchn.notify", xenevtchn_notify(xce, bound));
	say("libxenevtchn.pending.after_notify", "event=%s",
	    next_pending(xce, unbound, bound));
	say_rc("libxenevtchn.notify.unbound_end",
	       xenevtchn_notify(xce, unbound));
	say("libxenevtchn.pending.after_notify_unbound_end", "event=%s",
	    next_pending(xce, unbound, bound));
	say_rc("libxenevtchn.notify.unknown_port", xenevtchn_notify(xce, 4000));
	say_rc("libxenevtchn.bind_interdomain.again",
	       xenevtchn_bind_interdomain(xce, peer, (evtchn_port_t)unbound));
	say_rc("libxenevtchn.bind_unbound_port.absent_domain",
	       xenevtchn_bind_unbound_port(xce, ABSENT_DOMID));
	say_rc("libxenevtchn.bind_interdomain.absent_domain",
	       xenevtchn_bind_interdomain(xce, ABSENT_DOMID, 1));
	say_rc("libxenevtchn.unmask.unknown_port", xenevtchn_unmask(xce, 4000));

	/* The channel closes; its other end is unbound and silent. */
	say_rc("libxenevtchn.unbind", xenevtchn_unbind(xce, unbound));
	say_rc("libxenevtchn.unbind.again", xenevtchn_unbind(xce, unbound));
	say_rc("libxenevtchn.notify.after_peer_unbind",
	       xenevtchn_notify(xce, bound));
	say("libxenevtchn.pending.after_peer_unbind", "event=%s",
	    next_pending(xce, unbound, bound));
	say_rc("libxenevtchn.unbind.survivor", xenevtchn_unbind(xce, bound));

	virq = xenevtchn_bind_virq(xce, VIRQ_DOM_EXC);
	say_rc("libxenevtchn.bind_virq.dom_exc", virq);
	if (virq >= 0)
		xenevtchn_unbind(xce, virq);
	say_rc("libxenevtchn.bind_virq.out_of_range",
	       xenevtchn_bind_virq(xce, 24));

	say_rc("libxenevtchn.restrict.dom0", xenevtchn_restrict(xce, 0));
	say_rc("libxenevtchn.restrict.absent_domain",
	       xenevtchn_restrict(xce, ABSENT_DOMID));
	say_rc("libxenevtchn.restricted.bind_unbound_port",
	       xenevtchn_bind_unbound_port(xce, ABSENT_DOMID));
	say_rc("libxenevtchn.close", xenevtchn_close(xce));
	say_rc("libxenevtchn.close.null", xenevtchn_close(NULL));
	return 0;
}
