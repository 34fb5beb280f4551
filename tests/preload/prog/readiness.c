// SPDX-License-Identifier: GPL-2.0-only
/*
 * readiness PEER ROUNDS: an evtchn port offered to PEER, watched with
 * epoll (level and edge triggered), poll and select in turn.  Each round:
 * the descriptor must not be ready; we say "armed N" and the test's peer
 * notifies at a moment of its choosing; the descriptor must become ready
 * (a lost event is a timeout); the read must not block (a spurious
 * readiness would hang it: the guard ends us); after the read and after
 * the unmask it must not be ready again.  Before that: a non-blocking read
 * with nothing pending says EAGAIN, and gntdev and gntalloc, which have
 * no ->poll, are always ready, as Linux's DEFAULT_POLLMASK makes them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "prog.h"

enum watcher { EPOLL_LEVEL, EPOLL_EDGE, POLL, SELECT, NR_WATCHERS };

static const char *const watcher_name[] = { "epoll", "epoll-edge", "poll", "select" };

struct watch {
	int fd;
	int ep_level, ep_edge;
};

/* Is fd readable within timeout_ms, as `w` sees it? */
static int readable(const struct watch *w, enum watcher how, int timeout_ms)
{
	struct epoll_event ev;
	struct pollfd p = { .fd = w->fd, .events = POLLIN };
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	fd_set rd;
	int n;

	do {
		switch (how) {
		case EPOLL_LEVEL:
			n = epoll_wait(w->ep_level, &ev, 1, timeout_ms);
			break;
		case EPOLL_EDGE:
			n = epoll_wait(w->ep_edge, &ev, 1, timeout_ms);
			break;
		case POLL:
			n = poll(&p, 1, timeout_ms);
			if (n > 0 && !(p.revents & POLLIN))
				die("poll: revents %#x without POLLIN", p.revents);
			break;
		default:
			FD_ZERO(&rd);
			FD_SET(w->fd, &rd);
			n = select(w->fd + 1, &rd, NULL, NULL, &tv);
			if (n > 0 && !FD_ISSET(w->fd, &rd))
				n = 0;
			break;
		}
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		die("%s: %s", watcher_name[how], strerror(errno));
	return n > 0;
}

/* No watcher may see it ready. */
static void not_ready(const struct watch *w, int round, const char *when)
{
	/* (edge-triggered epoll says nothing about a level: not asked) */
	for (int how = 0; how < NR_WATCHERS; how++)
		if (how != EPOLL_EDGE && readable(w, (enum watcher)how, 0))
			die("round %d: %s says ready %s", round, watcher_name[how], when);
}

int scenario_readiness(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct watch w;
	uint32_t port, got;
	int rounds, events = 0;
	unsigned int seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();

	if (argc != 3)
		die("usage: readiness PEER ROUNDS");
	rounds = atoi(argv[2]);
	w.fd = dev_open("evtchn", O_RDWR);
	port = bind_unbound(w.fd, (uint16_t)atoi(argv[1]));
	w.ep_level = epoll_create1(0);
	w.ep_edge = epoll_create1(0);
	if (epoll_ctl(w.ep_level, EPOLL_CTL_ADD, w.fd, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));
	ev.events = EPOLLIN | EPOLLET;
	if (epoll_ctl(w.ep_edge, EPOLL_CTL_ADD, w.fd, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));

	/* F_SETFL reaches the device: a read with nothing pending says EAGAIN */
	if (fcntl(w.fd, F_SETFL, O_NONBLOCK) < 0)
		die("F_SETFL O_NONBLOCK: %s", strerror(errno));
	if (read(w.fd, &got, sizeof(got)) != -1 || errno != EAGAIN)
		die("a non-blocking read with nothing pending did not say EAGAIN");
	if (fcntl(w.fd, F_SETFL, 0) < 0)
		die("F_SETFL 0: %s", strerror(errno));

	/* a device without ->poll is always ready, as Linux's DEFAULT_POLLMASK */
	for (int i = 0; i < 2; i++) {
		int other = dev_open(i ? "gntalloc" : "gntdev", O_RDWR);
		struct pollfd p = { .fd = other, .events = POLLIN | POLLOUT };

		if (poll(&p, 1, 0) != 1 || p.revents != (POLLIN | POLLOUT))
			die("poll of %s: revents %#x, Linux: POLLIN|POLLOUT",
			    i ? "gntalloc" : "gntdev", p.revents);
		close(other);
	}
	say("port %u", port);
	await("bound");
	for (int round = 0; round < rounds; round++) {
		enum watcher how = (enum watcher)(round % NR_WATCHERS);

		not_ready(&w, round, "before the peer notified");
		say("armed %d", round);
		/* sometimes the event comes before we wait, sometimes after */
		if (rand_r(&seed) % 3 == 0)
			usleep((useconds_t)(rand_r(&seed) % 1500));
		if (!readable(&w, how, 5000))
			die("round %d: %s saw no event within 5 s (lost wakeup)", round,
			    watcher_name[how]);
		guard(5, "read after readiness");
		if (read(w.fd, &got, sizeof(got)) != sizeof(got))
			die("round %d: read: %s", round, strerror(errno));
		unguard();
		if (got != port)
			die("round %d: read port %u, bound %u", round, got, port);
		events++;
		not_ready(&w, round, "right after the read");
		if (write(w.fd, &got, sizeof(got)) != sizeof(got))
			die("round %d: unmask: %s", round, strerror(errno));
		not_ready(&w, round, "right after the unmask");
	}
	say("events %d", events);
	await("quit");
	return 0;
}

/*
 * readiness-two PEER ROUNDS: two ports offered to PEER on one descriptor
 * ("ports A B"); the test notifies each again as soon as we say we have
 * its event ("got PORT N"), so one port's event arrives while we read and
 * unmask the other's.  Every event must wake epoll (a lost one is a
 * timeout), every wake must have an event to read (a spurious one hangs
 * the read: the guard ends us), and each port must fire ROUNDS times:
 * "events A B" at the end, when the descriptor must be idle again.
 */
int scenario_readiness_two(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	uint32_t port[2], got[2];
	int rounds, count[2] = { 0, 0 };
	struct watch w;

	if (argc != 3)
		die("usage: readiness-two PEER ROUNDS");
	rounds = atoi(argv[2]);
	w.fd = dev_open("evtchn", O_RDWR);
	w.ep_level = epoll_create1(0);
	w.ep_edge = -1;
	if (epoll_ctl(w.ep_level, EPOLL_CTL_ADD, w.fd, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));
	for (int i = 0; i < 2; i++)
		port[i] = bind_unbound(w.fd, (uint16_t)atoi(argv[1]));
	say("ports %u %u", port[0], port[1]);
	await("bound");
	while (count[0] < rounds || count[1] < rounds) {
		ssize_t n;

		if (!readable(&w, EPOLL_LEVEL, 5000))
			die("no event within 5 s (lost wakeup) after %d and %d events",
			    count[0], count[1]);
		guard(5, "read after readiness");
		n = read(w.fd, got, sizeof(got));
		unguard();
		if (n <= 0 || n % sizeof(got[0]))
			die("read: %zd (%s)", n, strerror(errno));
		for (int i = 0; i < n / (ssize_t)sizeof(got[0]); i++) {
			int which = got[i] == port[0] ? 0 : got[i] == port[1] ? 1 : -1;

			if (which < 0)
				die("read port %u, bound %u and %u", got[i], port[0], port[1]);
			if (write(w.fd, &got[i], sizeof(got[i])) != sizeof(got[i]))
				die("unmask: %s", strerror(errno));
			say("got %u %d", got[i], ++count[which]);
		}
	}
	not_ready(&w, rounds, "after the last event");
	say("events %d %d", count[0], count[1]);
	await("quit");
	return 0;
}
