// SPDX-License-Identifier: GPL-2.0-only
/* libxen-peer: the subcommand table and what every subcommand shares. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "peer.h"

static const struct subcommand {
	const char *name;
	const char *args;
	const char *what;
	int (*run)(int argc, char **argv);
} subcommands[] = {
	{ "ring-write", "PEER MIB PAGES SEED", "share a ring, write MIB MiB through it",
	  ring_write_main },
	{ "ring-read", "PEER PORT REF...", "map the ring, read it to the end", ring_read_main },
	{ "hold-share", "PEER", "share a page with unmap notify, wait for EOF",
	  hold_share_main },
	{ "watch-map", "PEER PORT REF", "map it, wait for the sharer's unmap notify",
	  watch_map_main },
	{ "watch-share", "PEER", "share a page, wait for the mapper's unmap notify",
	  watch_share_main },
	{ "hold-map", "PEER PORT REF", "map it with unmap notify, wait for EOF", hold_map_main },
	{ "copy-share", "PEER", "share two pages, report what was copied in",
	  copy_share_main },
	{ "copy-map", "PEER PORT REF0 REF1", "grant copy from and to them, and bad refs",
	  copy_map_main },
	{ "bench-share", "PEER COUNT", "share COUNT pages, wait for EOF", bench_share_main },
	{ "bench-map", "PEER MS REF...", "map+touch+unmap them all, for MS ms", bench_map_main },
	{ "bench-copy", "PEER MS REF...", "grant copy from and to them, for MS ms each way",
	  bench_copy_main },
	{ "bench-ping", "PEER ROUNDS", "event round trips, timed", bench_ping_main },
	{ "bench-pong", "PEER PORT ROUNDS", "the other end of bench-ping", bench_pong_main },
};

uint32_t *parse_refs(int n, char **argv)
{
	uint32_t *refs = calloc(n > 0 ? (size_t)n : 1, sizeof(*refs));

	if (!refs)
		die_sys("calloc");
	for (int i = 0; i < n; i++)
		refs[i] = parse_u32(argv[i], "grant ref");
	return refs;
}

void say_refs(const uint32_t *refs, unsigned int n)
{
	fputs("gref", stdout);
	for (unsigned int i = 0; i < n; i++)
		printf(" %u", refs[i]);
	say("%s", "");
}

xenevtchn_handle *open_evtchn(void)
{
	xenevtchn_handle *xce = xenevtchn_open(NULL, 0);

	if (!xce)
		die_sys("xenevtchn_open");
	return xce;
}

xengnttab_handle *open_gnttab(void)
{
	xengnttab_handle *xgt = xengnttab_open(NULL, 0);

	if (!xgt)
		die_sys("xengnttab_open");
	return xgt;
}

xengntshr_handle *open_gntshr(void)
{
	xengntshr_handle *xgs = xengntshr_open(NULL, 0);

	if (!xgs)
		die_sys("xengntshr_open");
	return xgs;
}

void send_event(xenevtchn_handle *xce, evtchn_port_t port)
{
	if (xenevtchn_notify(xce, port) < 0)
		die_sys("xenevtchn_notify %u", port);
}

evtchn_port_t bind_unbound(xenevtchn_handle *xce, uint32_t peer)
{
	xenevtchn_port_or_error_t port = xenevtchn_bind_unbound_port(xce, peer);

	if (port < 0)
		die_sys("xenevtchn_bind_unbound_port %u", peer);
	return (evtchn_port_t)port;
}

evtchn_port_t bind_interdomain(xenevtchn_handle *xce, uint32_t peer, uint32_t port)
{
	xenevtchn_port_or_error_t local = xenevtchn_bind_interdomain(xce, peer, port);

	if (local < 0)
		die_sys("xenevtchn_bind_interdomain %u %u", peer, port);
	return (evtchn_port_t)local;
}

int wait_event(xenevtchn_handle *xce, int timeout_ms)
{
	int fd = xenevtchn_fd(xce);
	struct timeval tv = { .tv_sec = timeout_ms / 1000,
			      .tv_usec = (timeout_ms % 1000) * 1000 };

	for (;;) {
		fd_set readable;
		xenevtchn_port_or_error_t port;
		int n;

		FD_ZERO(&readable);
		FD_SET(fd, &readable);
		/* Linux's select() leaves the time not slept in tv. */
		n = select(fd + 1, &readable, NULL, NULL, &tv);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_sys("select on the evtchn fd");
		if (n == 0)
			return -1;
		/* select said readable: a blocking read must not block now */
		port = xenevtchn_pending(xce);
		if (port < 0)
			die_sys("xenevtchn_pending");
		if (xenevtchn_unmask(xce, (evtchn_port_t)port) < 0)
			die_sys("xenevtchn_unmask %d", port);
		return port;
	}
}

evtchn_port_t expect_event(xenevtchn_handle *xce, const char *what)
{
	int port = wait_event(xce, EVENT_TIMEOUT_MS);

	if (port < 0)
		die("no event (%s) within %d ms", what, EVENT_TIMEOUT_MS);
	return (evtchn_port_t)port;
}

void wait_for_stdin_eof(void)
{
	char buf[256];

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n == 0 || (n < 0 && errno != EINTR))
			return;
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: libxen-peer SUBCOMMAND ARGS (PEER is the other side's domid)\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-12s %-20s %s\n", subcommands[i].name, subcommands[i].args,
			subcommands[i].what);
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(argv[1], subcommands[i].name))
			continue;
		/* the driver kills by this pid, whatever started us */
		say("pid %d", (int)getpid());
		return subcommands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "libxen-peer: no subcommand '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
