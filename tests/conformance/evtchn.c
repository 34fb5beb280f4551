// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf-evtchn: every ioctl of /dev/xen/evtchn, its read/write/poll/fasync
 * side and its limits, through raw system calls.  Port numbers are never
 * printed (the kernel holds ports of its own); only which end fired and
 * how two numbers relate.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices.h"

#define VIRQ_COUNT 24   /* Xen 4.17's NR_VIRQS */

static domid_t peer;

/*
 * A channel of its own on a file of its own, used to wait until events
 * sent earlier have been delivered: its event is sent after theirs, and
 * an upcall delivers every pending port before its reader can run.
 */
static struct evpair pace;

static void settle(void)
{
	long port;

	ev_notify(pace.fd, pace.bound_end);
	port = ev_wait(pace.fd, 10 * EVENT_WAIT_MS);
	if (port < 0)
		fatal("pacing event did not arrive");
	ev_unmask(pace.fd, (evtchn_port_t)port);
}

static void bind_rules(void)
{
	int fd = dev_open("evtchn");
	int other = dev_open("evtchn");
	int unbound, bound, again, offered_away;
	long port;

	unbound = ev_bind_unbound(fd, peer);
	say_rc("evtchn.bind_unbound_port.peer", unbound);
	say_rc("evtchn.bind_unbound_port.absent_domain",
	       offered_away = ev_bind_unbound(fd, ABSENT_DOMID));
	say_rc("evtchn.bind_unbound_port.domid_self",
	       again = ev_bind_unbound(fd, DOMID_SELF));
	if (again >= 0) {
		int b = ev_bind_interdomain(other, peer, (evtchn_port_t)again);

		say_rc("evtchn.bind_unbound_port.domid_self_bindable", b);
		if (b >= 0) {
			ev_wait(other, EVENT_WAIT_MS);
			ev_unbind(other, (evtchn_port_t)b);
		}
		ev_unbind(fd, (evtchn_port_t)again);
	}
	say_rc("evtchn.bind_unbound_port.null_arg",
	       ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, NULL));

	bound = ev_bind_interdomain(fd, peer, (evtchn_port_t)unbound);
	say_rc("evtchn.bind_interdomain.peer", bound);
	if (bound < 0)
		fatal("IOCTL_EVTCHN_BIND_INTERDOMAIN");
	say("evtchn.bind_interdomain.ports_differ", "%s",
	    yes_no(bound != unbound));
	port = ev_wait(fd, EVENT_WAIT_MS);
	say("evtchn.bind_interdomain.pending_at_bind", "event=%s",
	    port == bound ? "bound_end" : port == unbound ? "unbound_end" :
	    port < 0 ? "none" : "other");
	if (port >= 0)
		ev_unmask(fd, (evtchn_port_t)port);
	say("evtchn.bind_interdomain.only_one_at_bind", "event=%s",
	    ev_wait(fd, EVENT_WAIT_MS) < 0 ? "none" : "more");

	say_rc("evtchn.bind_interdomain.already_bound",
	       ev_bind_interdomain(other, peer, (evtchn_port_t)unbound));
	say_rc("evtchn.bind_interdomain.port_zero",
	       ev_bind_interdomain(other, peer, 0));
	say_rc("evtchn.bind_interdomain.port_huge",
	       ev_bind_interdomain(other, peer, 100000));
	say_rc("evtchn.bind_interdomain.free_port",
	       ev_bind_interdomain(other, peer, 4000));
	say_rc("evtchn.bind_interdomain.absent_domain",
	       ev_bind_interdomain(other, ABSENT_DOMID, 1));
	say_rc("evtchn.bind_interdomain.offered_to_other_domain",
	       ev_bind_interdomain(other, peer, (evtchn_port_t)offered_away));
	say_rc("evtchn.bind_interdomain.own_interdomain_end",
	       ev_bind_interdomain(other, peer, (evtchn_port_t)bound));
	say_rc("evtchn.bind_interdomain.null_arg",
	       ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, NULL));

	/* Xen hands out the lowest free port: a closed one comes back. */
	ev_unbind(fd, (evtchn_port_t)offered_away);
	again = ev_bind_unbound(fd, peer);
	say("evtchn.port_reuse.after_unbind", "same=%s",
	    yes_no(again == offered_away));
	ev_unbind(fd, (evtchn_port_t)again);
	close(other);
	close(fd);
}

static void notify_and_mask(void)
{
	struct evpair ev;
	int other;

	evpair_open(&ev, peer);
	say_rc("evtchn.notify.bound_end", ev_notify(ev.fd, ev.bound_end));
	say_event("evtchn.notify.bound_end_delivers", &ev);
	say_rc("evtchn.notify.unbound_end", ev_notify(ev.fd, ev.unbound_end));
	say_event("evtchn.notify.unbound_end_delivers", &ev);

	/* A port that fired stays masked until written back. */
	ev_notify(ev.fd, ev.bound_end);
	{
		long first = ev_wait(ev.fd, EVENT_WAIT_MS);

		say("evtchn.mask.first", "event=%s", ev_name(&ev, first));
		ev_notify(ev.fd, ev.bound_end);
		ev_notify(ev.fd, ev.bound_end);
		ev_notify(ev.fd, ev.bound_end);
		say_event("evtchn.mask.while_masked", &ev);
		if (first >= 0)
			ev_unmask(ev.fd, (evtchn_port_t)first);
		say_event("evtchn.mask.after_unmask", &ev);
		say_event("evtchn.mask.after_unmask_again", &ev);
	}

	/* Unmasking an idle or unknown port is harmless. */
	say_rc("evtchn.unmask.idle_port", ev_unmask(ev.fd, ev.unbound_end));
	say_rc("evtchn.unmask.unknown_port", ev_unmask(ev.fd, 4000));
	say_event("evtchn.unmask.nothing_fires", &ev);

	other = dev_open("evtchn");
	say_rc("evtchn.notify.port_of_other_file",
	       ev_notify(other, ev.bound_end));
	say_rc("evtchn.notify.port_zero", ev_notify(ev.fd, 0));
	say_rc("evtchn.notify.port_huge", ev_notify(ev.fd, 1u << 30));
	say_rc("evtchn.notify.null_arg",
	       ioctl(ev.fd, IOCTL_EVTCHN_NOTIFY, NULL));
	say_rc("evtchn.unbind.port_of_other_file",
	       ev_unbind(other, ev.bound_end));
	say_rc("evtchn.unbind.port_zero", ev_unbind(ev.fd, 0));
	/* Below 4096, the 2-level limit, a free port is "not connected"... */
	say_rc("evtchn.unbind.free_port_4000", ev_unbind(ev.fd, 4000));
	/* ...above it, a FIFO kernel still says that, a 2-level one EINVAL. */
	say_rc("evtchn.unbind.port_5000", ev_unbind(ev.fd, 5000));
	say_rc("evtchn.unbind.port_huge", ev_unbind(ev.fd, 1u << 30));
	say_rc("evtchn.unbind.null_arg",
	       ioctl(ev.fd, IOCTL_EVTCHN_UNBIND, NULL));
	close(other);
	evpair_close(&ev);
}

/* Closing one end puts the other back to unbound, offered to us again. */
static void close_one_end(void)
{
	struct evpair ev;
	int fd2;
	int rebound;

	evpair_open(&ev, peer);
	say_rc("evtchn.unbind.unbound_end", ev_unbind(ev.fd, ev.unbound_end));
	say_rc("evtchn.unbind.again", ev_unbind(ev.fd, ev.unbound_end));
	say_rc("evtchn.peer_closed.notify", ev_notify(ev.fd, ev.bound_end));
	say_event("evtchn.peer_closed.notify_delivers", &ev);
	fd2 = dev_open("evtchn");
	rebound = ev_bind_interdomain(fd2, peer, ev.bound_end);
	say_rc("evtchn.peer_closed.rebind_other_end", rebound);
	if (rebound >= 0) {
		long port = ev_wait(fd2, EVENT_WAIT_MS);

		say("evtchn.peer_closed.rebind_pending", "%s",
		    port == rebound ? "yes" : port < 0 ? "no" : "other");
		if (port >= 0)
			ev_unmask(fd2, (evtchn_port_t)port);
		ev_notify(ev.fd, ev.bound_end);
		port = ev_wait(fd2, EVENT_WAIT_MS);
		say("evtchn.peer_closed.rebound_delivers", "%s",
		    yes_no(port == rebound));
	}

	/* Closing the file closes its ports. */
	close(fd2);
	say_rc("evtchn.file_closed.notify_survivor",
	       ev_notify(ev.fd, ev.bound_end));
	fd2 = dev_open("evtchn");
	say_rc("evtchn.file_closed.rebind_survivor",
	       rebound = ev_bind_interdomain(fd2, peer, ev.bound_end));
	close(fd2);
	evpair_close(&ev);
}

static const char *poll_bits(short revents)
{
	static char buf[64];

	buf[0] = '\0';
	if (revents & POLLIN)
		strcat(buf, "IN|");
	if (revents & POLLOUT)
		strcat(buf, "OUT|");
	if (revents & POLLERR)
		strcat(buf, "ERR|");
	if (revents & POLLHUP)
		strcat(buf, "HUP|");
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
	else
		strcpy(buf, "none");
	return buf;
}

static void say_poll(const char *key, int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };

	if (poll(&pfd, 1, timeout_ms) < 0)
		say(key, "errno=%s", errno_name(errno));
	else
		say(key, "revents=%s", poll_bits(pfd.revents));
}

/* Waits for the device to have something to read, or EVENT_WAIT_MS. */
static void wait_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	poll(&pfd, 1, EVENT_WAIT_MS);
}

static void read_write(void)
{
	struct evpair ev;
	evtchn_port_t ports[4];
	uint8_t small[3];
	ssize_t n;
	int flags;

	evpair_open(&ev, peer);
	say_poll("evtchn.poll.idle", ev.fd, 0);
	flags = fcntl(ev.fd, F_GETFL);
	fcntl(ev.fd, F_SETFL, flags | O_NONBLOCK);
	n = read(ev.fd, ports, sizeof(ports));
	say_rc("evtchn.read.empty_nonblocking", n);
	fcntl(ev.fd, F_SETFL, flags);

	ev_notify(ev.fd, ev.bound_end);
	ev_notify(ev.fd, ev.unbound_end);
	wait_readable(ev.fd);
	say_poll("evtchn.poll.pending", ev.fd, 0);
	n = read(ev.fd, small, sizeof(small));
	say("evtchn.read.three_bytes", "n=%zd", n);
	n = read(ev.fd, small, 0);
	say("evtchn.read.zero_bytes", "n=%zd", n);
	/* Both events, in one read once both have arrived. */
	settle();
	n = read(ev.fd, ports, sizeof(ports));
	say("evtchn.read.two_events", "n=%zd", n);
	if (n == 8)
		say("evtchn.read.two_events_ports", "%s",
		    (ports[0] == ev.unbound_end && ports[1] == ev.bound_end) ?
		    "unbound_end,bound_end" :
		    (ports[0] == ev.bound_end && ports[1] == ev.unbound_end) ?
		    "bound_end,unbound_end" : "other");
	n = write(ev.fd, ports, 3);
	say("evtchn.write.three_bytes", "n=%zd", n);
	n = write(ev.fd, ports, 0);
	say("evtchn.write.zero_bytes", "n=%zd", n);
	n = write(ev.fd, ports, 8);
	say("evtchn.write.two_ports", "n=%zd", n);
	ports[0] = 4000;
	n = write(ev.fd, ports, 4);
	say("evtchn.write.unknown_port", "n=%zd", n);
	/* A bad buffer loses nothing: the port stays queued. */
	{
		void *none = mmap(NULL, PAGE, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (none == MAP_FAILED)
			fatal("mmap anonymous");
		ev_notify(ev.fd, ev.bound_end);
		settle();
		n = read(ev.fd, none, 4);
		say_rc("evtchn.read.bad_buffer", n);
		say_event("evtchn.read.bad_buffer_event_kept", &ev);
		munmap(none, PAGE);
	}
	say_poll("evtchn.poll.idle_again", ev.fd, 0);
	n = lseek(ev.fd, 0, SEEK_SET);
	say_rc("evtchn.lseek", n);
	evpair_close(&ev);
}

/*
 * The ring holds 64 ports for up to 64 bound ports.  A port re-enabled
 * before it is read can be queued again, which is how a ring overflows.
 */
static void ring_overflow(void)
{
	struct evpair ev;
	evtchn_port_t port;
	ssize_t n;
	int queued = 0;

	evpair_open(&ev, peer);
	for (int i = 0; i < 70; i++) {
		/*
		 * The event lands on unbound_end; re-enable it without
		 * reading, once it has arrived (poll cannot tell: the ring
		 * is not empty).
		 */
		ev_notify(ev.fd, ev.bound_end);
		settle();
		ev_unmask(ev.fd, ev.unbound_end);
		queued++;
	}
	settle();
	say("evtchn.ring.overflow_after", "notifies=%d", queued);
	say_poll("evtchn.ring.overflow_poll", ev.fd, 0);
	n = read(ev.fd, &port, sizeof(port));
	say_rc("evtchn.ring.overflow_read", n);
	say_rc("evtchn.ring.overflow_notify", ev_notify(ev.fd, ev.bound_end));
	say_rc("evtchn.reset", ioctl(ev.fd, IOCTL_EVTCHN_RESET, NULL));
	say_poll("evtchn.ring.after_reset_poll", ev.fd, 0);
	ev_unmask(ev.fd, ev.unbound_end);
	ev_notify(ev.fd, ev.bound_end);
	say_event("evtchn.ring.after_reset_delivers", &ev);
	evpair_close(&ev);
}

static void restrict_domid(void)
{
	struct ioctl_evtchn_restrict_domid op;
	struct ioctl_evtchn_bind_virq virq = { VIRQ_DOM_EXC };
	struct evpair ev;
	int fd = dev_open("evtchn");
	int port;

	evpair_open(&ev, peer);
	port = ev_bind_unbound(fd, peer);
	op.domid = 0;
	say_rc("evtchn.restrict_domid.dom0",
	       ioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, &op));
	op.domid = DOMID_FIRST_RESERVED;
	say_rc("evtchn.restrict_domid.reserved",
	       ioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, &op));
	say_rc("evtchn.restrict_domid.null_arg",
	       ioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, NULL));
	op.domid = ABSENT_DOMID;
	say_rc("evtchn.restrict_domid.absent_domain",
	       ioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, &op));
	op.domid = 1;
	say_rc("evtchn.restrict_domid.again",
	       ioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, &op));
	say_rc("evtchn.restricted.bind_unbound_port",
	       ev_bind_unbound(fd, ABSENT_DOMID));
	say_rc("evtchn.restricted.bind_virq",
	       ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &virq));
	say_rc("evtchn.restricted.bind_interdomain_other_domain",
	       ev_bind_interdomain(fd, peer, ev.unbound_end));
	say_rc("evtchn.restricted.bind_interdomain_that_domain",
	       ev_bind_interdomain(fd, ABSENT_DOMID, 1));
	say_rc("evtchn.restricted.notify_earlier_port",
	       ev_notify(fd, (evtchn_port_t)port));
	say_rc("evtchn.restricted.unbind_earlier_port",
	       ev_unbind(fd, (evtchn_port_t)port));
	say_rc("evtchn.restricted.reset", ioctl(fd, IOCTL_EVTCHN_RESET, NULL));
	close(fd);
	evpair_close(&ev);
}

static void virqs(void)
{
	struct ioctl_evtchn_bind_virq op;
	int fd = dev_open("evtchn");
	int other = dev_open("evtchn");
	int port;

	op.virq = VIRQ_DOM_EXC;
	port = ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &op);
	say_rc("evtchn.bind_virq.dom_exc", port);
	say_rc("evtchn.bind_virq.dom_exc_twice",
	       ioctl(other, IOCTL_EVTCHN_BIND_VIRQ, &op));
	if (port >= 0) {
		say_rc("evtchn.bind_virq.notify_virq_port",
		       ev_notify(fd, (evtchn_port_t)port));
		say_rc("evtchn.bind_virq.unbind", ev_unbind(fd,
		       (evtchn_port_t)port));
		port = ioctl(other, IOCTL_EVTCHN_BIND_VIRQ, &op);
		say_rc("evtchn.bind_virq.dom_exc_after_unbind", port);
	}
	op.virq = VIRQ_COUNT;
	say_rc("evtchn.bind_virq.out_of_range",
	       ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &op));
	op.virq = 0xffffffffu;
	say_rc("evtchn.bind_virq.minus_one",
	       ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &op));
	say_rc("evtchn.bind_virq.null_arg",
	       ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, NULL));
	close(other);
	close(fd);
}

static volatile sig_atomic_t sigio_count;

static void on_sigio(int sig)
{
	(void)sig;
	sigio_count++;
}

static void fasync(void)
{
	struct evpair ev;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigio;
	sigaction(SIGIO, &sa, NULL);
	evpair_open(&ev, peer);
	fcntl(ev.fd, F_SETOWN, getpid());
	say_rc("evtchn.fasync.enable",
	       fcntl(ev.fd, F_SETFL, fcntl(ev.fd, F_GETFL) | O_ASYNC));
	sigio_count = 0;
	ev_notify(ev.fd, ev.bound_end);
	settle();
	say("evtchn.fasync.sigio_on_event", "%s", yes_no(sigio_count > 0));
	say_event("evtchn.fasync.event", &ev);
	evpair_close(&ev);
	signal(SIGIO, SIG_DFL);
}

/*
 * How many ports one file can hold: bind until refused, say how it was
 * refused and whether the count reached the 2-level ABI's scale.
 */
static void port_limit(void)
{
	int fd = dev_open("evtchn");
	int count = 0, port;

	for (;;) {
		port = ev_bind_unbound(fd, peer);
		if (port < 0)
			break;
		count++;
		if (count > 200000)
			break;
	}
	say("evtchn.limit.exhausted", "errno=%s", port < 0 ?
	    errno_name(errno) : "none");
	say("evtchn.limit.over_1000", "%s", yes_no(count > 1000));
	say("evtchn.limit.under_4096", "%s", yes_no(count < 4096));
	close(fd);

	/* All of them come back when the file closes. */
	fd = dev_open("evtchn");
	port = ev_bind_unbound(fd, peer);
	say_rc("evtchn.limit.after_close", port);
	close(fd);
}

int main(int argc, char **argv)
{
	int fd;

	conf_init(argc, argv);
	peer = conf_peer();
	fd = dev_open("evtchn");
	say("evtchn.open", "ok");
	say_rc("evtchn.ioctl.unknown_nr",
	       ioctl(fd, _IOC(_IOC_NONE, 'E', 99, 4), &fd));
	say_rc("evtchn.ioctl.gntdev_type",
	       ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &fd));
	close(fd);
	evpair_open(&pace, peer);
	bind_rules();
	notify_and_mask();
	close_one_end();
	read_write();
	ring_overflow();
	restrict_domid();
	virqs();
	fasync();
	port_limit();
	return 0;
}
