// SPDX-License-Identifier: GPL-2.0-only
/* preload-prog's talk with the test and its raw device calls. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "prog.h"

void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* one write per line: lines of two processes never interleave */
	if (write(STDOUT_FILENO, line, (size_t)n) != n)
		_exit(5);
}

void die(const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	say("error %s", what);
	exit(1);
}

const char *hear(void)
{
	static char line[256];
	size_t n = 0;

	/* a byte at a time: a forked child may read the next line */
	for (;;) {
		char c;
		ssize_t got = read(STDIN_FILENO, &c, 1);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			exit(3);	/* the test is gone */
		if (c == '\n')
			break;
		if (n < sizeof(line) - 1)
			line[n++] = c;
	}
	line[n] = 0;
	return line;
}

void await(const char *word)
{
	const char *got = hear();

	if (strcmp(got, word))
		die("expected '%s' from the test, got '%s'", word, got);
}

int dev_open(const char *name, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/xen/%s", name);
	fd = open(path, flags);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	return fd;
}

struct grant grant_page(int fd, uint16_t domid)
{
	struct ioctl_gntalloc_alloc_gref a = {
		.domid = domid, .flags = GNTALLOC_FLAG_WRITABLE, .count = 1,
	};

	if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &a) != 0)
		die("IOCTL_GNTALLOC_ALLOC_GREF on fd %d: %s", fd, strerror(errno));
	return (struct grant){ .ref = a.gref_ids[0], .index = a.index };
}

volatile char *map_grant(int fd, const struct grant *g)
{
	void *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)g->index);

	if (p == MAP_FAILED)
		die("mmap of gntalloc index %llu on fd %d: %s",
		    (unsigned long long)g->index, fd, strerror(errno));
	return p;
}

uint32_t bind_unbound(int fd, uint16_t remote)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = remote };
	int port = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);

	if (port <= 0)
		die("IOCTL_EVTCHN_BIND_UNBOUND_PORT: %s", strerror(errno));
	return (uint32_t)port;
}

uint32_t bind_interdomain(int fd, uint16_t remote, uint32_t remote_port)
{
	struct ioctl_evtchn_bind_interdomain b = {
		.remote_domain = remote, .remote_port = remote_port,
	};
	int port = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);

	if (port <= 0)
		die("IOCTL_EVTCHN_BIND_INTERDOMAIN: %s", strerror(errno));
	return (uint32_t)port;
}

static const char *guarded;

static void on_guard(int sig)
{
	static const char msg[] = "error hung: ";

	/* async-signal-safe: no stdio */
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0 ||
	    write(STDOUT_FILENO, guarded, strlen(guarded)) < 0 ||
	    write(STDOUT_FILENO, "\n", 1) < 0)
		_exit(2);
	_exit(2);
}

void guard(unsigned int seconds, const char *what)
{
	struct sigaction sa = { .sa_handler = on_guard };

	guarded = what;
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

void unguard(void)
{
	alarm(0);
}

uint16_t my_domid(void)
{
	const char *id = getenv("HVSIM_DOMID");

	if (!id)
		die("HVSIM_DOMID is not set");
	return (uint16_t)atoi(id);
}
