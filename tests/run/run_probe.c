// SPDX-License-Identifier: GPL-2.0-only
/*
 * run-probe: what a program started by `hvsim run` sees, through the same
 * unmodified Xen libraries any program of a domain uses.  Built without
 * sanitizers: under the interposer the ASan runtime could not come first.
 *
 *   run-probe exit N          exits with status N
 *   run-probe env             prints the variables `hvsim run` sets
 *   run-probe xs-domid        prints xenstore's "domid" of its own domain
 *   run-probe evtchn REMOTE   binds an unbound port for REMOTE through
 *                             /dev/xen/evtchn (libxenevtchn); prints it
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenevtchn.h>
#include <xenstore.h>

static int print_env(void)
{
	static const char *const names[] = {
		"LD_PRELOAD", "HVSIM_DIR", "HVSIM_DOMID", "XENSTORED_PATH",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = getenv(names[i]);

		printf("%s=%s\n", names[i], v ? v : "(unset)");
	}
	return 0;
}

static int xs_domid(void)
{
	struct xs_handle *h = xs_open(0);
	unsigned int len;
	char *v;

	if (!h) {
		fprintf(stderr, "run-probe: xs_open: %s\n", strerror(errno));
		return 1;
	}
	/* a relative path is below the caller's own /local/domain/<id> */
	v = xs_read(h, XBT_NULL, "domid", &len);
	if (!v) {
		fprintf(stderr, "run-probe: xs_read domid: %s\n", strerror(errno));
		xs_close(h);
		return 1;
	}
	printf("%.*s\n", (int)len, v);
	free(v);
	xs_close(h);
	return 0;
}

static int evtchn_unbound(const char *remote)
{
	xenevtchn_handle *h = xenevtchn_open(NULL, 0);
	xenevtchn_port_or_error_t port;

	if (!h) {
		fprintf(stderr, "run-probe: xenevtchn_open: %s\n", strerror(errno));
		return 1;
	}
	port = xenevtchn_bind_unbound_port(h, (uint32_t)atoi(remote));
	if (port < 0) {
		fprintf(stderr, "run-probe: xenevtchn_bind_unbound_port: %s\n", strerror(errno));
		xenevtchn_close(h);
		return 1;
	}
	printf("%d\n", port);
	xenevtchn_close(h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "exit"))
		return atoi(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "env"))
		return print_env();
	if (argc == 2 && !strcmp(argv[1], "xs-domid"))
		return xs_domid();
	if (argc == 3 && !strcmp(argv[1], "evtchn"))
		return evtchn_unbound(argv[2]);
	fprintf(stderr, "usage: run-probe exit N | env | xs-domid | evtchn REMOTE\n");
	return 2;
}
