// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf-libxenevtchn: event channels through Debian's libxenevtchn.  The
 * library is a thin layer (the ioctl's result is the port, pending() is a
 * blocking read, unmask() a write), so these lines mostly pin down that it
 * passes the driver's answers through unchanged.  pending() is only called
 * once poll says an event is there: it would block otherwise.
 *
 * Across two domains the library holds this side's end of the channel;
 * the lines about the other end (binding it, sending on it) are the
 * other side's raw device calls (side.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include <xenevtchn.h>

#include "remote.h"
#include "side.h"

static domid_t peer;
static xenevtchn_handle *xce;

/*
 * The channel: its unbound end is always the library's.  Its bound end
 * is the library's too in self mode; across two domains it is the
 * other side's, bound and driven there with the raw device.
 */
static xenevtchn_port_or_error_t unbound, bound;
static struct xfile there;
/* An event of the other side's read while one came here too. */
static long held_there = -1;

/* The library's event, or NULL: none in time. */
static const char *pending_here(void)
{
	xenevtchn_port_or_error_t port = xenevtchn_pending(xce);

	if (port < 0)
		return errno_name(errno);
	xenevtchn_unmask(xce, (evtchn_port_t)port);
	if (port == unbound)
		return "unbound_end";
	return port == bound && !conf_remote() ? "bound_end" : "other";
}

static const char *pending_there(long port)
{
	xf_unmask(&there, (evtchn_port_t)port);
	return port == bound ? "bound_end" : "other";
}

/* "none", "bound_end", "unbound_end" or "other": the next pending port. */
static const char *next_pending(void)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(xce), .events = POLLIN };
	long port;

	if (!conf_remote()) {
		if (poll(&pfd, 1, 300) != 1)
			return "none";
		return pending_here();
	}
	if (held_there >= 0) {
		port = held_there;
		held_there = -1;
		return pending_there(port);
	}
	if (remote_wait_either(there.handle, xenevtchn_fd(xce), 300, &port)) {
		held_there = port;
		return pending_here();
	}
	return port < 0 ? "none" : pending_there(port);
}

static int bind_bound_end(void)
{
	if (!conf_remote())
		return xenevtchn_bind_interdomain(xce, peer,
						  (evtchn_port_t)unbound);
	return xf_bind_interdomain(&there, conf_self(),
				   (evtchn_port_t)unbound);
}

static int notify_bound_end(void)
{
	if (!conf_remote())
		return xenevtchn_notify(xce, (evtchn_port_t)bound);
	return xf_notify(&there, (evtchn_port_t)bound);
}

static int unbind_bound_end(void)
{
	if (!conf_remote())
		return xenevtchn_unbind(xce, (evtchn_port_t)bound);
	return xf_unbind(&there, (evtchn_port_t)bound);
}

int main(int argc, char **argv)
{
	xenevtchn_handle *other;
	xenevtchn_port_or_error_t virq;
	int fd;

	conf_init(argc, argv);
	peer = conf_peer();
	xce = xenevtchn_open(NULL, 0);
	say_ptr("libxenevtchn.open", xce);
	if (!xce)
		return 1;
	if (conf_remote())
		xf_open(&there, THERE, "evtchn");
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
	bound = bind_bound_end();
	say_rc("libxenevtchn.bind_interdomain", bound);
	if (unbound < 0 || bound < 0)
		return 1;
	say("libxenevtchn.pending.after_bind", "event=%s", next_pending());
	say("libxenevtchn.pending.idle", "event=%s", next_pending());
	say_rc("libxenevtchn.notify", notify_bound_end());
	say("libxenevtchn.pending.after_notify", "event=%s", next_pending());
	say_rc("libxenevtchn.notify.unbound_end",
	       xenevtchn_notify(xce, (evtchn_port_t)unbound));
	say("libxenevtchn.pending.after_notify_unbound_end", "event=%s",
	    next_pending());
	say_rc("libxenevtchn.notify.unknown_port", xenevtchn_notify(xce, 4000));
	/* The offered port again, from the domain that offered it. */
	say_rc("libxenevtchn.bind_interdomain.again",
	       xenevtchn_bind_interdomain(xce, side_domid(HERE),
					  (evtchn_port_t)unbound));
	say_rc("libxenevtchn.bind_unbound_port.absent_domain",
	       xenevtchn_bind_unbound_port(xce, ABSENT_DOMID));
	say_rc("libxenevtchn.bind_interdomain.absent_domain",
	       xenevtchn_bind_interdomain(xce, ABSENT_DOMID, 1));
	say_rc("libxenevtchn.unmask.unknown_port", xenevtchn_unmask(xce, 4000));

	/* The channel closes; its other end is unbound and silent. */
	say_rc("libxenevtchn.unbind",
	       xenevtchn_unbind(xce, (evtchn_port_t)unbound));
	say_rc("libxenevtchn.unbind.again",
	       xenevtchn_unbind(xce, (evtchn_port_t)unbound));
	say_rc("libxenevtchn.notify.after_peer_unbind", notify_bound_end());
	say("libxenevtchn.pending.after_peer_unbind", "event=%s",
	    next_pending());
	say_rc("libxenevtchn.unbind.survivor", unbind_bound_end());

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
	if (conf_remote())
		xf_close(&there);
	return 0;
}
