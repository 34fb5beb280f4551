// SPDX-License-Identifier: GPL-2.0-only
/*
 * The readiness pipe (HVSIM_READY_FD): how the kernel tells whoever started
 * it (hvsimd, for `hvsim domain create`) that it serves, or why it never
 * will.  It writes once, then closes the pipe:
 *
 *   "R"          every module_init has run and the device socket listens;
 *   "E" REASON   boot stopped, and REASON is the kernel's own message (a
 *                refused --param, a failed initcall, a panic).
 *
 * Either may come from any thread (a panic), so the descriptor is taken
 * atomically: whichever writes first is the answer.
 */
#include <string.h>
#include <unistd.h>

#include "host.h"

static int ready_fd = -1;

void host_ready_init(int fd)
{
	ready_fd = fd;
}

/* The descriptor, once: later callers get -1. */
static int take_fd(void)
{
	return __atomic_exchange_n(&ready_fd, -1, __ATOMIC_ACQ_REL);
}

int host_say_ready(void)
{
	int fd = take_fd(), err = 0;

	if (fd < 0)
		return 0;
	if (write(fd, "R", 1) != 1)
		err = -1;
	close(fd);
	return err;
}

void host_say_failed(const char *why)
{
	char msg[512];
	int fd = take_fd();
	size_t len;

	if (fd < 0)
		return;
	/* one write below PIPE_BUF: the reader gets it whole */
	msg[0] = 'E';
	len = strlen(why);
	if (len > sizeof(msg) - 1)
		len = sizeof(msg) - 1;
	memcpy(msg + 1, why, len);
	if (write(fd, msg, len + 1) < 0) {
		/* nobody waits any more */
	}
	close(fd);
}
