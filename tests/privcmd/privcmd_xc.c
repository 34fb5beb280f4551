// SPDX-License-Identifier: GPL-2.0-only
/* privcmd-xc: the subcommand table and what every subcommand shares. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "privcmd_xc.h"

static const struct subcommand {
	const char *name;
	const char *args;
	const char *what;
	int (*run)(int argc, char **argv);
} subcommands[] = {
	{ "query", "QUERY...",
	  "libxenctrl calls, as Qubes' libvchan-xen makes them: version | "
	  "getinfo FIRST MAX | getinfolist FIRST MAX | status DOM PORT | alive DOM",
	  query_main },
	{ "ports", "",
	  "event channels through libxenevtchn, one stdin line each: unbound DOM | "
	  "bind DOM PORT | close PORT; holds them until stdin ends", ports_main },
	{ "raw", "[--peer DOM] CASE...|all",
	  "raw privcmd ioctls with bad input (raw.c lists the cases)", raw_main },
	{ "loop", "", "hypercalls through privcmd without end (to be killed)", loop_main },
};

const char *errno_name(int err)
{
	static char buf[16];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "%d", err);
	return buf;
}

const char *result(long rc, int err)
{
	static char buf[32];

	if (rc < 0)
		snprintf(buf, sizeof(buf), "-1 %s", errno_name(err));
	else
		snprintf(buf, sizeof(buf), "%ld", rc);
	return buf;
}

static void usage(void)
{
	fprintf(stderr, "usage: privcmd-xc SUBCOMMAND ARGS\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(stderr, "  %s %s\n      %s\n", subcommands[i].name, subcommands[i].args,
			subcommands[i].what);
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 2, argv + 2);
	usage();
}
