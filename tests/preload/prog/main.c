// SPDX-License-Identifier: GPL-2.0-only
/* preload-prog SCENARIO ARGS...: see prog.h. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "prog.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} scenarios[] = {
	{ "readiness", scenario_readiness },
	{ "readiness-two", scenario_readiness_two },
	{ "dup", scenario_dup },
	{ "fork", scenario_fork },
	{ "exec", scenario_exec },
	{ "exec-after", scenario_exec_after },
	{ "exec-spawned", scenario_exec_spawned },
	{ "spawn", scenario_spawn },
	{ "close-mapped", scenario_close_mapped },
	{ "threads", scenario_threads },
	{ "notify", scenario_notify },
	{ "garbage", scenario_garbage },
	{ "mprotect", scenario_mprotect },
};

int main(int argc, char **argv)
{
	/* a test that has gone must not leave us blocked in a write */
	signal(SIGPIPE, SIG_DFL);
	if (argc < 2)
		goto usage;
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(argv[1], scenarios[i].name)) {
			say("pid %d", (int)getpid());
			return scenarios[i].run(argc - 1, argv + 1);
		}
usage:
	fprintf(stderr, "usage: preload-prog SCENARIO ARGS... (see tests/preload/prog/prog.h)\n");
	return 64;
}
