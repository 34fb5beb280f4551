// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf-evtchn: every ioctl of /dev/xen/evtchn, its read/write/poll/fasync
 * side and its limits, through raw system calls.  Port numbers are never
 * printed (the kernel holds ports of its own); only which end fired and
 * how two numbers relate.
 *
 * Each channel has one end on each side (side.h); which end is this
 * side's is chosen per case, so that the file observed here is the one
 * the case is about (the ring that fills, the port that is rebound).
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

#include "side.h"

#define VIRQ_COUNT 24   /* Xen 4.17's NR_VIRQS */

static domid_t peer;

/*
 * A channel of its own on a file of its own, used to wait until events
 * sent earlier have been delivered: its event is sent after theirs, and
 * an upcall delivers every pending port before its reader can run.  The
 * events it settles are the ones sent to this side (the unbound end of
 * the channels below, when the other side is another domain), so it is
 * sent from the other side too.
 */
static struct xpair pace;

static void settle(void)
{
	struct xfile *here = pair_file(&pace, UNBOUND_END);
	long port;

	pair_notify(&pace, BOUND_END);
	port = xf_wait(here, 10 * EVENT_WAIT_MS);
	if (port < 0)
		fatal("pacing event did not arrive");
	xf_unmask(here, (evtchn_port_t)port);
}

/*
 * The binding of a channel.  Its bound end is this side's, so that the
 * rebinding attempts below come from the domain the port was offered to.
 */
static void bind_rules(void)
{
	struct xpair ch;
	int fd, other, unbound, bound, again, offered_away, away_there;
	struct xevent ev;

	pair_files(&ch, BOUND_END);
	fd = pair_file(&ch, BOUND_END)->fd;
	other = dev_open("evtchn");
	unbound = pair_bind_unbound(&ch);
	say_rc("evtchn.bind_unbound_port.peer", unbound);
	say_rc("evtchn.bind_unbound_port.absent_domain",
	       offered_away = ev_bind_unbound(fd, ABSENT_DOMID));
	say_rc("evtchn.bind_unbound_port.domid_self",
	       again = ev_bind_unbound(fd, DOMID_SELF));
	if (again >= 0) {
		/* Offered to DOMID_SELF is offered to this domain. */
		int b = ev_bind_interdomain(other, side_domid(HERE),
					    (evtchn_port_t)again);

		say_rc("evtchn.bind_unbound_port.domid_self_bindable", b);
		if (b >= 0) {
			ev_wait(other, EVENT_WAIT_MS);
			ev_unbind(other, (evtchn_port_t)b);
		}
		ev_unbind(fd, (evtchn_port_t)again);
	}
	say_rc("evtchn.bind_unbound_port.null_arg",
	       ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, NULL));

	bound = pair_bind_interdomain(&ch);
	say_rc("evtchn.bind_interdomain.peer", bound);
	if (bound < 0)
		fatal("IOCTL_EVTCHN_BIND_INTERDOMAIN");
	/* A port is a number in a domain: across two, the ends differ. */
	say("evtchn.bind_interdomain.ports_differ", "%s",
	    yes_no(bound != unbound || pair_domid(&ch, BOUND_END) !=
				       pair_domid(&ch, UNBOUND_END)));
	ev = pair_wait(&ch, EVENT_WAIT_MS);
	say("evtchn.bind_interdomain.pending_at_bind", "event=%s",
	    pair_name(&ch, ev));
	pair_unmask_event(&ch, ev);
	say("evtchn.bind_interdomain.only_one_at_bind", "event=%s",
	    pair_wait(&ch, EVENT_WAIT_MS).port < 0 ? "none" : "more");

	/* A port of the peer offered to a third domain. */
	away_there = offered_away;
	if (conf_remote())
		away_there = xf_bind_unbound(pair_file(&ch, UNBOUND_END),
					     ABSENT_DOMID);
	say_rc("evtchn.bind_interdomain.already_bound",
	       ev_bind_interdomain(other, pair_domid(&ch, UNBOUND_END),
				   ch.port[UNBOUND_END]));
	say_rc("evtchn.bind_interdomain.port_zero",
	       ev_bind_interdomain(other, peer, 0));
	say_rc("evtchn.bind_interdomain.port_huge",
	       ev_bind_interdomain(other, peer, 100000));
	say_rc("evtchn.bind_interdomain.free_port",
	       ev_bind_interdomain(other, peer, 4000));
	say_rc("evtchn.bind_interdomain.absent_domain",
	       ev_bind_interdomain(other, ABSENT_DOMID, 1));
	say_rc("evtchn.bind_interdomain.offered_to_other_domain",
	       ev_bind_interdomain(other, peer, (evtchn_port_t)away_there));
	say_rc("evtchn.bind_interdomain.own_interdomain_end",
	       ev_bind_interdomain(other, pair_domid(&ch, BOUND_END),
				   ch.port[BOUND_END]));
	say_rc("evtchn.bind_interdomain.null_arg",
	       ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, NULL));

	/* Xen hands out the lowest free port: a closed one comes back. */
	ev_unbind(fd, (evtchn_port_t)offered_away);
	again = ev_bind_unbound(fd, peer);
	say("evtchn.port_reuse.after_unbind", "same=%s",
	    yes_no(again == offered_away));
	ev_unbind(fd, (evtchn_port_t)again);
	close(other);
	pair_close(&ch);
}

/* The bound end is this side's: the port the other files here try. */
static void notify_and_mask(void)
{
	struct xpair ev;
	int fd, other;

	pair_open(&ev, BOUND_END);
	fd = pair_file(&ev, BOUND_END)->fd;
	say_rc("evtchn.notify.bound_end", pair_notify(&ev, BOUND_END));
	say_event("evtchn.notify.bound_end_delivers", &ev);
	say_rc("evtchn.notify.unbound_end", pair_notify(&ev, UNBOUND_END));
	say_event("evtchn.notify.unbound_end_delivers", &ev);

	/* A port that fired stays masked until written back. */
	pair_notify(&ev, BOUND_END);
	{
		struct xevent first = pair_wait(&ev, EVENT_WAIT_MS);

		say("evtchn.mask.first", "event=%s", pair_name(&ev, first));
		pair_notify(&ev, BOUND_END);
		pair_notify(&ev, BOUND_END);
		pair_notify(&ev, BOUND_END);
		say_event("evtchn.mask.while_masked", &ev);
		pair_unmask_event(&ev, first);
		say_event("evtchn.mask.after_unmask", &ev);
		say_event("evtchn.mask.after_unmask_again", &ev);
	}

	/* Unmasking an idle or unknown port is harmless. */
	say_rc("evtchn.unmask.idle_port", pair_unmask(&ev, UNBOUND_END));
	say_rc("evtchn.unmask.unknown_port", ev_unmask(fd, 4000));
	say_event("evtchn.unmask.nothing_fires", &ev);

	other = dev_open("evtchn");
	say_rc("evtchn.notify.port_of_other_file",
	       ev_notify(other, ev.port[BOUND_END]));
	say_rc("evtchn.notify.port_zero", ev_notify(fd, 0));
	say_rc("evtchn.notify.port_huge", ev_notify(fd, 1u << 30));
	say_rc("evtchn.notify.null_arg",
	       ioctl(fd, IOCTL_EVTCHN_NOTIFY, NULL));
	say_rc("evtchn.unbind.port_of_other_file",
	       ev_unbind(other, ev.port[BOUND_END]));
	say_rc("evtchn.unbind.port_zero", ev_unbind(fd, 0));
	/*
	 * Linux's evtchn.c refuses a port at or above xen_evtchn_nr_channels()
	 * with EINVAL, and a lower one not bound in the file with ENOTCONN.
	 * 2-level: the limit is 4096, so 4000 is "not connected" and 5000
	 * EINVAL.  FIFO: the limit is the event array Linux has grown so far
	 * (1024 ports a page, grown as ports are bound), one page in a fresh
	 * domain: both EINVAL.
	 */
	say_rc("evtchn.unbind.free_port_4000", ev_unbind(fd, 4000));
	say_rc("evtchn.unbind.port_5000", ev_unbind(fd, 5000));
	say_rc("evtchn.unbind.port_huge", ev_unbind(fd, 1u << 30));
	say_rc("evtchn.unbind.null_arg",
	       ioctl(fd, IOCTL_EVTCHN_UNBIND, NULL));
	close(other);
	pair_close(&ev);
}

/*
 * Closing one end puts the other back to unbound, offered to the closer's
 * domain again.  The unbound end is this side's: it closes, and it
 * rebinds the survivor.
 */
static void close_one_end(void)
{
	struct xpair ev;
	int fd2;
	int rebound;

	pair_open(&ev, UNBOUND_END);
	say_rc("evtchn.unbind.unbound_end", pair_unbind(&ev, UNBOUND_END));
	say_rc("evtchn.unbind.again", pair_unbind(&ev, UNBOUND_END));
	say_rc("evtchn.peer_closed.notify", pair_notify(&ev, BOUND_END));
	say_event("evtchn.peer_closed.notify_delivers", &ev);
	fd2 = dev_open("evtchn");
	rebound = ev_bind_interdomain(fd2, pair_domid(&ev, BOUND_END),
				      ev.port[BOUND_END]);
	say_rc("evtchn.peer_closed.rebind_other_end", rebound);
	if (rebound >= 0) {
		long port = ev_wait(fd2, EVENT_WAIT_MS);

		say("evtchn.peer_closed.rebind_pending", "%s",
		    port == rebound ? "yes" : port < 0 ? "no" : "other");
		if (port >= 0)
			ev_unmask(fd2, (evtchn_port_t)port);
		pair_notify(&ev, BOUND_END);
		port = ev_wait(fd2, EVENT_WAIT_MS);
		say("evtchn.peer_closed.rebound_delivers", "%s",
		    yes_no(port == rebound));
	}

	/* Closing the file closes its ports. */
	close(fd2);
	say_rc("evtchn.file_closed.notify_survivor",
	       pair_notify(&ev, BOUND_END));
	fd2 = dev_open("evtchn");
	say_rc("evtchn.file_closed.rebind_survivor",
	       rebound = ev_bind_interdomain(fd2, pair_domid(&ev, BOUND_END),
					     ev.port[BOUND_END]));
	close(fd2);
	pair_close(&ev);
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

/*
 * The unbound end is this side's: the events the reads below find are
 * sent on the bound end.  Across two domains the event sent on the
 * unbound end goes to the other side's file, so this file holds one.
 */
static void read_write(void)
{
	struct xpair ev;
	evtchn_port_t ports[4] = { 0 };
	uint8_t small[3];
	ssize_t n;
	int fd, flags;

	pair_open(&ev, UNBOUND_END);
	fd = pair_file(&ev, UNBOUND_END)->fd;
	say_poll("evtchn.poll.idle", fd, 0);
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	n = read(fd, ports, sizeof(ports));
	say_rc("evtchn.read.empty_nonblocking", n);
	fcntl(fd, F_SETFL, flags);

	pair_notify(&ev, BOUND_END);
	pair_notify(&ev, UNBOUND_END);
	wait_readable(fd);
	say_poll("evtchn.poll.pending", fd, 0);
	n = read(fd, small, sizeof(small));
	say("evtchn.read.three_bytes", "n=%zd", n);
	n = read(fd, small, 0);
	say("evtchn.read.zero_bytes", "n=%zd", n);
	/* Both events, in one read once both have arrived. */
	settle();
	n = read(fd, ports, sizeof(ports));
	say("evtchn.read.two_events", "n=%zd", n);
	if (n == 8)
		say("evtchn.read.two_events_ports", "%s",
		    (ports[0] == ev.port[UNBOUND_END] &&
		     ports[1] == ev.port[BOUND_END]) ?
		    "unbound_end,bound_end" :
		    (ports[0] == ev.port[BOUND_END] &&
		     ports[1] == ev.port[UNBOUND_END]) ?
		    "bound_end,unbound_end" : "other");
	n = write(fd, ports, 3);
	say("evtchn.write.three_bytes", "n=%zd", n);
	n = write(fd, ports, 0);
	say("evtchn.write.zero_bytes", "n=%zd", n);
	n = write(fd, ports, 8);
	say("evtchn.write.two_ports", "n=%zd", n);
	if (conf_remote()) {
		/* The other side's event, re-enabled there. */
		struct xfile *there = pair_file(&ev, BOUND_END);
		long port = xf_wait(there, EVENT_WAIT_MS);

		if (port >= 0)
			xf_unmask(there, (evtchn_port_t)port);
	}
	ports[0] = 4000;
	n = write(fd, ports, 4);
	say("evtchn.write.unknown_port", "n=%zd", n);
	/* A bad buffer loses nothing: the port stays queued. */
	{
		void *none = mmap(NULL, PAGE, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (none == MAP_FAILED)
			fatal("mmap anonymous");
		pair_notify(&ev, BOUND_END);
		settle();
		n = read(fd, none, 4);
		say_rc("evtchn.read.bad_buffer", n);
		say_event("evtchn.read.bad_buffer_event_kept", &ev);
		munmap(none, PAGE);
	}
	say_poll("evtchn.poll.idle_again", fd, 0);
	n = lseek(fd, 0, SEEK_SET);
	say_rc("evtchn.lseek", n);
	pair_close(&ev);
}

/*
 * The ring holds 64 ports for up to 64 bound ports.  A port re-enabled
 * before it is read can be queued again, which is how a ring overflows.
 * The ring is this side's file, the unbound end's.
 */
static void ring_overflow(void)
{
	struct xpair ev;
	evtchn_port_t port;
	ssize_t n;
	int fd, queued = 0;

	pair_open(&ev, UNBOUND_END);
	fd = pair_file(&ev, UNBOUND_END)->fd;
	for (int i = 0; i < 70; i++) {
		/*
		 * The event lands on unbound_end; re-enable it without
		 * reading, once it has arrived (poll cannot tell: the ring
		 * is not empty).
		 */
		pair_notify(&ev, BOUND_END);
		settle();
		pair_unmask(&ev, UNBOUND_END);
		queued++;
	}
	settle();
	say("evtchn.ring.overflow_after", "notifies=%d", queued);
	say_poll("evtchn.ring.overflow_poll", fd, 0);
	n = read(fd, &port, sizeof(port));
	say_rc("evtchn.ring.overflow_read", n);
	say_rc("evtchn.ring.overflow_notify", pair_notify(&ev, BOUND_END));
	say_rc("evtchn.reset", ioctl(fd, IOCTL_EVTCHN_RESET, NULL));
	say_poll("evtchn.ring.after_reset_poll", fd, 0);
	pair_unmask(&ev, UNBOUND_END);
	pair_notify(&ev, BOUND_END);
	say_event("evtchn.ring.after_reset_delivers", &ev);
	pair_close(&ev);
}

static void restrict_domid(void)
{
	struct ioctl_evtchn_restrict_domid op;
	struct ioctl_evtchn_bind_virq virq = { VIRQ_DOM_EXC };
	struct xpair ev;
	int fd = dev_open("evtchn");
	int port;

	pair_open(&ev, BOUND_END);
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
	       ev_bind_interdomain(fd, peer, ev.port[UNBOUND_END]));
	say_rc("evtchn.restricted.bind_interdomain_that_domain",
	       ev_bind_interdomain(fd, ABSENT_DOMID, 1));
	say_rc("evtchn.restricted.notify_earlier_port",
	       ev_notify(fd, (evtchn_port_t)port));
	say_rc("evtchn.restricted.unbind_earlier_port",
	       ev_unbind(fd, (evtchn_port_t)port));
	say_rc("evtchn.restricted.reset", ioctl(fd, IOCTL_EVTCHN_RESET, NULL));
	close(fd);
	pair_close(&ev);
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

/* SIGIO for this side's file, the unbound end's. */
static void fasync(void)
{
	struct xpair ev;
	struct sigaction sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigio;
	sigaction(SIGIO, &sa, NULL);
	pair_open(&ev, UNBOUND_END);
	fd = pair_file(&ev, UNBOUND_END)->fd;
	fcntl(fd, F_SETOWN, getpid());
	say_rc("evtchn.fasync.enable",
	       fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC));
	sigio_count = 0;
	pair_notify(&ev, BOUND_END);
	settle();
	say("evtchn.fasync.sigio_on_event", "%s", yes_no(sigio_count > 0));
	say_event("evtchn.fasync.event", &ev);
	pair_close(&ev);
	signal(SIGIO, SIG_DFL);
}

/*
 * More binds than the 2-level ABI has ports (4096, port 0 reserved and
 * some held by the kernel), so that a 2-level domain is refused before
 * the last one; under FIFO a dom0 has 131072 ports, and binding until
 * refused takes far longer than a program is given on the reference VM,
 * so the FIFO domain binds them all and stops there.
 */
#define LIMIT_BINDS 4200

/*
 * How many ports one file can hold: bind until refused or LIMIT_BINDS
 * are bound, say how it ended and whether the count reached the 2-level
 * ABI's scale.
 */
static void port_limit(void)
{
	int fd = dev_open("evtchn");
	int count = 0, port = 0;

	while (count < LIMIT_BINDS) {
		port = ev_bind_unbound(fd, peer);
		if (port < 0)
			break;
		count++;
	}
	if (port < 0)
		say("evtchn.limit.bind_4200", "errno=%s", errno_name(errno));
	else
		say("evtchn.limit.bind_4200", "ok");
	say("evtchn.limit.over_1000", "%s", yes_no(count > 1000));
	say("evtchn.limit.under_4096", "%s", yes_no(count < 4096));
	close(fd);

	/* All of them come back when the file closes. */
	fd = dev_open("evtchn");
	port = ev_bind_unbound(fd, peer);
	say_rc("evtchn.limit.after_close", port);
	/*
	 * FIFO: Linux grew its event array to the highest port bound above
	 * and never shrinks it, so port 4000 is now below
	 * xen_evtchn_nr_channels() and free: "not connected", where it was
	 * EINVAL at the start (evtchn.unbind.free_port_4000).  2-level: the
	 * same answer as then.
	 */
	say_rc("evtchn.limit.unbind_free_port_4000", ev_unbind(fd, 4000));
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
	pair_open(&pace, UNBOUND_END);
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
