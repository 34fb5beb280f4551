// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hvsim/paths.h"
#include "child.h"
#include "harness.h"

/* Started and not yet reaped: killed when the test process ends. */
static pid_t running[16];

static void kill_running(void)
{
	for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++)
		if (running[i] > 0)
			kill(running[i], SIGKILL);
}

static void track(pid_t pid, pid_t replace)
{
	static int registered;

	if (!registered) {
		atexit(kill_running);
		registered = 1;
	}
	for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++)
		if (running[i] == replace) {
			running[i] = pid;
			return;
		}
}

/* Beside this test executable: $(O)/tests/preload/preload-prog. */
static const char *prog_path(void)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);

	ck_assert_msg(n > 0, "readlink /proc/self/exe: %s", strerror(errno));
	path[n] = 0;
	strcpy(strrchr(path, '/'), "/preload/preload-prog");
	ck_assert_msg(access(path, X_OK) == 0, "%s: %s (build it first)", path, strerror(errno));
	return path;
}

const char *child_preload_lib(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("PRELOAD_TEST_LIB");
	char rel[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", rel, sizeof(rel) - 64);
	ck_assert(n > 0);
	rel[n] = 0;
	strcpy(strrchr(rel, '/'), "/../lib/libhvsim-preload.so");
	ck_assert_msg(realpath(rel, path) != NULL, "%s: %s", rel, strerror(errno));
	return path;
}

/* In the forked child: become the program in domain `domid`. */
static void exec_in_domain(unsigned int domid, const char *prog, const char *lib,
			   const char *const args[])
{
	char id[16], xs[PATH_MAX];
	const char *argv[16] = { "preload-prog" };
	size_t n = 1;

	snprintf(id, sizeof(id), "%u", domid);
	setenv("LD_PRELOAD", lib, 1);
	setenv("HVSIM_DIR", harness_dir(), 1);
	setenv("HVSIM_DOMID", id, 1);
	if (hvsim_xenstore_socket(harness_dir(), domid, xs, sizeof(xs)) == 0)
		setenv("XENSTORED_PATH", xs, 1);
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	/* it must not outlive the test if the test dies */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	execv(prog, (char *const *)argv);
	_exit(127);
}

void child_start(struct child *c, unsigned int domid, const char *const args[])
{
	const char *prog = prog_path(), *lib = child_preload_lib();
	int to[2], from[2];

	memset(c, 0, sizeof(*c));
	c->scenario = args[0];
	c->status = -1;
	ck_assert(pipe2(to, O_CLOEXEC) == 0 && pipe2(from, O_CLOEXEC) == 0);
	signal(SIGPIPE, SIG_IGN);
	c->pid = fork();
	ck_assert_int_ge(c->pid, 0);
	if (c->pid == 0) {
		dup2(to[0], STDIN_FILENO);
		dup2(from[1], STDOUT_FILENO);
		exec_in_domain(domid, prog, lib, args);
	}
	track(c->pid, 0);
	close(to[0]);
	close(from[1]);
	c->in = to[1];
	c->out = from[0];
	ck_assert_int_eq(atoi(child_expect(c, "pid", 10000)), c->pid);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

const char *child_line(struct child *c, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);

		if (nl) {
			size_t n = (size_t)(nl - c->buf);

			if (n >= sizeof(c->line))
				n = sizeof(c->line) - 1;
			memcpy(c->line, c->buf, n);
			c->line[n] = 0;
			c->len -= (size_t)(nl - c->buf) + 1;
			memmove(c->buf, nl + 1, c->len);
			return c->line;
		}

		struct pollfd p = { .fd = c->out, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t got;

		if (left <= 0 || c->len == sizeof(c->buf))
			return NULL;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		got = read(c->out, c->buf + c->len, sizeof(c->buf) - c->len);
		if (got == 0)
			return NULL;
		if (got > 0)
			c->len += (size_t)got;
	}
}

const char *child_expect(struct child *c, const char *key, int timeout_ms)
{
	size_t k = strlen(key);
	const char *l = child_line(c, timeout_ms);

	if (!l) {
		int st = child_wait(c, 500);

		ck_abort_msg("%s: expected '%s', got %s (exit status %d)", c->scenario, key,
			     st == -1 ? "nothing within the time" : "its end", st);
	}
	ck_assert_msg(!strncmp(l, key, k) && (l[k] == ' ' || !l[k]),
		      "%s: expected '%s', got '%s'", c->scenario, key, l);
	return l + k + (l[k] == ' ');
}

void child_say(struct child *c, const char *line)
{
	size_t n = strlen(line);

	ck_assert_msg(write(c->in, line, n) == (ssize_t)n && write(c->in, "\n", 1) == 1,
		      "%s: cannot tell it '%s': %s", c->scenario, line, strerror(errno));
}

static void reaped(struct child *c, int st)
{
	track(0, c->pid);
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	close(c->in);
	close(c->out);
}

int child_wait(struct child *c, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	int st;

	if (c->status >= 0)
		return c->status;
	for (;;) {
		pid_t r = waitpid(c->pid, &st, WNOHANG);

		if (r == c->pid)
			break;
		if (now_ms() >= deadline) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, &st, 0);
			reaped(c, st);
			return -1;
		}
		usleep(2000);
	}
	reaped(c, st);
	return c->status;
}

int child_alive(struct child *c)
{
	int st;

	if (c->status >= 0)
		return 0;
	if (waitpid(c->pid, &st, WNOHANG) != c->pid)
		return 1;
	reaped(c, st);
	return 0;
}
