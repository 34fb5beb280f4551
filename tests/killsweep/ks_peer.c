// SPDX-License-Identifier: GPL-2.0-only
/*
 * killsweep-peer: one program of the kill -9 sweep (killsweep_test.c), run
 * in a simulated domain under the interposer.  It does one thing a line,
 * told on stdin, through Debian's libxengnttab, libxenevtchn, libxenvchan
 * and libxenstore, so that the sweep can stop it (SIGKILL) between any two
 * steps of a run and ask the survivor what it was told.
 *
 * A request is "SEQ WORD ARGS..."; the answer is one line "@SEQ ok ..." or
 * "@SEQ none" (nothing came in time) or "@SEQ err reason".  End of stdin
 * ends the program with exit status 0 (after `cleanup` if asked for).
 *
 *   unbound DOM              -> ok PORT   xenevtchn_bind_unbound_port
 *   bind DOM PORT            -> ok PORT   xenevtchn_bind_interdomain, its own
 *                                         first event (Xen sets it) taken
 *   share DOM PORT           -> ok REF    one page with unmap notify: clear
 *                                         byte 0, event on PORT; byte 0 := 1
 *   map DOM REF PORT         -> ok B0     mapped with unmap notify: clear byte
 *                                         1, event on PORT; byte 1 := 1
 *   read OFF                 -> ok BYTE   of the mapping, else of the share
 *   notify PORT              -> ok
 *   wait PORT MS             -> ok | none an event on PORT (others are kept)
 *   drain                    -> ok N M    events and watch firings taken
 *   vserver DOM PATH         -> ok        libxenvchan_server_init
 *   vclient DOM PATH         -> ok        libxenvchan_client_init
 *   vsend TEXT               -> ok        libxenvchan_write, all of it
 *   vrecv LEN MS             -> ok TEXT | none
 *   vopen                    -> ok 0|1    libxenvchan_is_open
 *   virq N                   -> ok PORT   xenevtchn_bind_virq
 *   xswatch PATH             -> ok        xs_watch; its first firing taken
 *   xswait MS                -> ok PATH | none
 *   cleanup                  -> ok        every resource given back in order
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libxenvchan.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#include "peer_say.h"

#define MAX_PORTS 4096

static xenevtchn_handle *xce;
static xengnttab_handle *xgt;
static xengntshr_handle *xgs;
static struct xs_handle *xs;
static struct libxenvchan *vchan;
static unsigned char *shared, *mapped;
static unsigned int bound[8], nr_bound;
/* events that came while another port was awaited */
static unsigned int kept[MAX_PORTS];
static char vbuf[256];
static size_t vlen;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The event channel handle, opened on first use; NULL (errno) if it cannot be. */
static xenevtchn_handle *evtchn(void)
{
	if (!xce)
		xce = xenevtchn_open(NULL, 0);
	return xce;
}

/* Takes the next event within ms: its port, or -1. */
static int next_event(int ms)
{
	struct pollfd p = { .fd = xce ? xenevtchn_fd(xce) : -1, .events = POLLIN };
	xenevtchn_port_or_error_t port;

	if (!xce || poll(&p, 1, ms) <= 0)
		return -1;
	port = xenevtchn_pending(xce);
	if (port < 0)
		return -1;
	xenevtchn_unmask(xce, (evtchn_port_t)port);
	return port;
}

static int wait_port(unsigned int want, int ms)
{
	long long end = now_ms() + ms;

	if (want < MAX_PORTS && kept[want]) {
		kept[want]--;
		return 0;
	}
	for (;;) {
		long long left = end - now_ms();
		int port;

		if (left <= 0)
			return -1;
		port = next_event((int)left);
		if (port == (int)want)
			return 0;
		if (port >= 0 && port < MAX_PORTS)
			kept[port]++;
	}
}

static void track(evtchn_port_t port)
{
	if (nr_bound < sizeof(bound) / sizeof(bound[0]))
		bound[nr_bound++] = port;
}

/* The next watch firing within ms, its path in buf; false if none. */
static int next_watch(char *buf, size_t n, int ms)
{
	long long end = now_ms() + ms;

	for (;;) {
		char **w = xs_check_watch(xs);
		struct pollfd p = { .fd = xs_fileno(xs), .events = POLLIN };
		long long left;

		if (w) {
			snprintf(buf, n, "%s", w[XS_WATCH_PATH]);
			free(w);
			return 1;
		}
		left = end - now_ms();
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return 0;
	}
}

static void cleanup(void)
{
	if (vchan)
		libxenvchan_close(vchan);
	vchan = NULL;
	if (mapped)
		xengnttab_unmap(xgt, mapped, 1);
	mapped = NULL;
	if (shared)
		xengntshr_unshare(xgs, shared, 1);
	shared = NULL;
	for (unsigned int i = 0; i < nr_bound; i++)
		xenevtchn_unbind(xce, bound[i]);
	nr_bound = 0;
	if (xce)
		xenevtchn_close(xce);
	if (xgt)
		xengnttab_close(xgt);
	if (xgs)
		xengntshr_close(xgs);
	if (xs)
		xs_close(xs);
	xce = NULL;
	xgt = NULL;
	xgs = NULL;
	xs = NULL;
}

/* Carries out one request; its answer (after "@SEQ ") in out. */
static void serve(int argc, char **argv, char *out, size_t n)
{
	const char *w = argv[0];
	char path[512];

#define ARG(i) parse_u32(argv[i], w)
#define NEED(k) do { if (argc != (k) + 1) { snprintf(out, n, "err usage"); return; } } while (0)
#define EVTCHN() do { if (!evtchn()) goto fail; } while (0)
	if (!strcmp(w, "unbound")) {
		NEED(1);
		EVTCHN();
		xenevtchn_port_or_error_t p = xenevtchn_bind_unbound_port(xce, ARG(1));

		if (p < 0)
			goto fail;
		track((evtchn_port_t)p);
		snprintf(out, n, "ok %d", p);
	} else if (!strcmp(w, "bind")) {
		NEED(2);
		EVTCHN();
		xenevtchn_port_or_error_t p = xenevtchn_bind_interdomain(xce, ARG(1), ARG(2));

		if (p < 0)
			goto fail;
		track((evtchn_port_t)p);
		wait_port((unsigned int)p, 10000);
		snprintf(out, n, "ok %d", p);
	} else if (!strcmp(w, "share")) {
		uint32_t ref;

		NEED(2);
		if (!xgs && !(xgs = xengntshr_open(NULL, 0)))
			goto fail;
		shared = xengntshr_share_page_notify(xgs, ARG(1), &ref, 1, 0, ARG(2));
		if (!shared)
			goto fail;
		shared[0] = 1;
		snprintf(out, n, "ok %u", ref);
	} else if (!strcmp(w, "map")) {
		NEED(3);
		if (!xgt && !(xgt = xengnttab_open(NULL, 0)))
			goto fail;
		mapped = xengnttab_map_grant_ref_notify(xgt, ARG(1), ARG(2),
							PROT_READ | PROT_WRITE, 1, ARG(3));
		if (!mapped)
			goto fail;
		mapped[1] = 1;
		snprintf(out, n, "ok %u", mapped[0]);
	} else if (!strcmp(w, "read")) {
		unsigned char *page = mapped ? mapped : shared;

		NEED(1);
		if (!page || ARG(1) >= 4096) {
			snprintf(out, n, "err nothing to read");
			return;
		}
		snprintf(out, n, "ok %u", page[ARG(1)]);
	} else if (!strcmp(w, "notify")) {
		NEED(1);
		EVTCHN();
		if (xenevtchn_notify(xce, ARG(1)) < 0)
			goto fail;
		snprintf(out, n, "ok");
	} else if (!strcmp(w, "wait")) {
		NEED(2);
		snprintf(out, n, wait_port(ARG(1), (int)ARG(2)) ? "none" : "ok");
	} else if (!strcmp(w, "drain")) {
		unsigned int events = 0, watches = 0;

		NEED(0);
		memset(kept, 0, sizeof(kept));
		while (next_event(0) >= 0)
			events++;
		while (xs && next_watch(path, sizeof(path), 0))
			watches++;
		snprintf(out, n, "ok %u %u", events, watches);
	} else if (!strcmp(w, "vserver") || !strcmp(w, "vclient")) {
		NEED(2);
		vchan = w[1] == 's' ? libxenvchan_server_init(NULL, (int)ARG(1), argv[2], 0, 0)
				    : libxenvchan_client_init(NULL, (int)ARG(1), argv[2]);
		if (!vchan)
			goto fail;
		snprintf(out, n, "ok");
	} else if (!strcmp(w, "vsend")) {
		size_t len, sent = 0;
		long long end = now_ms() + 10000;

		NEED(1);
		if (!vchan)
			goto fail;
		len = strlen(argv[1]);
		while (sent < len && now_ms() < end) {
			struct pollfd p = { .fd = libxenvchan_fd_for_select(vchan), .events = POLLIN };
			int put = libxenvchan_write(vchan, argv[1] + sent, len - sent);

			if (put < 0)
				goto fail;
			sent += (size_t)put;
			if (sent < len && poll(&p, 1, 100) > 0)
				libxenvchan_wait(vchan);
		}
		snprintf(out, n, sent == len ? "ok" : "none");
	} else if (!strcmp(w, "vrecv")) {
		long long end;

		NEED(2);
		if (!vchan || ARG(1) >= sizeof(vbuf))
			goto fail;
		end = now_ms() + ARG(2);
		while (vlen < ARG(1)) {
			struct pollfd p = { .fd = libxenvchan_fd_for_select(vchan), .events = POLLIN };
			int got;

			while (libxenvchan_data_ready(vchan) > 0 && vlen < ARG(1)) {
				got = libxenvchan_read(vchan, vbuf + vlen, ARG(1) - vlen);
				if (got <= 0)
					break;
				vlen += (size_t)got;
			}
			if (vlen >= ARG(1) || now_ms() >= end)
				break;
			if (poll(&p, 1, 100) > 0)
				libxenvchan_wait(vchan);
		}
		if (vlen < ARG(1)) {
			snprintf(out, n, "none");
			return;
		}
		snprintf(out, n, "ok %.*s", (int)ARG(1), vbuf);
		vlen = 0;
	} else if (!strcmp(w, "vopen")) {
		NEED(0);
		snprintf(out, n, "ok %d", vchan ? libxenvchan_is_open(vchan) : -1);
	} else if (!strcmp(w, "virq")) {
		NEED(1);
		EVTCHN();
		xenevtchn_port_or_error_t p = xenevtchn_bind_virq(xce, ARG(1));

		if (p < 0)
			goto fail;
		track((evtchn_port_t)p);
		snprintf(out, n, "ok %d", p);
	} else if (!strcmp(w, "xswatch")) {
		NEED(1);
		if (!xs && !(xs = xs_open(0)))
			goto fail;
		if (!xs_watch(xs, argv[1], "ks"))
			goto fail;
		next_watch(path, sizeof(path), 10000);
		snprintf(out, n, "ok");
	} else if (!strcmp(w, "xswait")) {
		NEED(1);
		if (!xs || !next_watch(path, sizeof(path), (int)ARG(1)))
			snprintf(out, n, "none");
		else
			snprintf(out, n, "ok %s", path);
	} else if (!strcmp(w, "cleanup")) {
		NEED(0);
		cleanup();
		snprintf(out, n, "ok");
	} else {
		snprintf(out, n, "err unknown request");
	}
	return;
fail:
	snprintf(out, n, "err %s: %s", w, strerror(errno));
#undef ARG
#undef NEED
#undef EVTCHN
}

int main(void)
{
	char line[1024], out[600];

	say("pid %d", (int)getpid());
	while (fgets(line, sizeof(line), stdin)) {
		char *argv[8], *save = NULL, *seq = strtok_r(line, " \n", &save);
		int argc = 0;

		while (argc < 8 && (argv[argc] = strtok_r(NULL, " \n", &save)))
			argc++;
		if (!seq || !argc)
			continue;
		serve(argc, argv, out, sizeof(out));
		say("@%s %s", seq, out);
	}
	return 0;
}
