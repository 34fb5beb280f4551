// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "domproc.h"

static char hvsim_cli[PATH_MAX], state[PATH_MAX];

void domproc_setup(const char *bindir, const char *state_dir)
{
	snprintf(hvsim_cli, sizeof(hvsim_cli), "%s/hvsim", bindir);
	snprintf(state, sizeof(state), "%s", state_dir);
}

/* In the child: `hvsim run DOMID -- argv...` */
static void exec_in_domain(unsigned int domid, char *const argv[])
{
	size_t argc = 0, n = 0;
	char id[16], **args;

	while (argv[argc])
		argc++;
	args = calloc(argc + 5, sizeof(*args));
	if (!args)
		_exit(127);
	snprintf(id, sizeof(id), "%u", domid);
	args[n++] = hvsim_cli;
	args[n++] = (char *)"run";
	args[n++] = id;
	args[n++] = (char *)"--";
	for (size_t i = 0; i <= argc; i++)
		args[n++] = argv[i];
	setenv("HVSIM_DIR", state, 1);
	execv(hvsim_cli, args);
	_exit(127);
}

int domproc_start(struct domproc *p, unsigned int domid, char *const argv[])
{
	int to_child[2], from_child[2];
	const char *pid_line;

	memset(p, 0, sizeof(*p));
	p->in = p->out = -1;
	p->status = -1;
	snprintf(p->name, sizeof(p->name), "%s", argv[1] ? argv[1] : argv[0]);
	if (argv[1] == NULL || argv[0][0] != '/') {
		snprintf(p->error, sizeof(p->error), "domproc: argv[0] must be a path");
		return -1;
	}
	if (pipe2(to_child, O_CLOEXEC) || pipe2(from_child, O_CLOEXEC)) {
		snprintf(p->error, sizeof(p->error), "pipe: %s", strerror(errno));
		return -1;
	}
	p->pid = fork();
	if (p->pid < 0) {
		snprintf(p->error, sizeof(p->error), "fork: %s", strerror(errno));
		return -1;
	}
	if (p->pid == 0) {
		dup2(to_child[0], STDIN_FILENO);
		dup2(from_child[1], STDOUT_FILENO);
		exec_in_domain(domid, argv);
	}
	close(to_child[0]);
	close(from_child[1]);
	p->in = to_child[1];
	p->out = from_child[0];
	/* a peer that dies must not kill the driver writing to it */
	signal(SIGPIPE, SIG_IGN);
	pid_line = domproc_expect(p, "pid", 20000);
	if (!pid_line)
		return -1;
	p->prog_pid = (pid_t)atoi(pid_line);
	return p->prog_pid > 0 ? 0 : -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Takes the first complete line out of the buffer, or returns NULL. */
static char *next_line(struct domproc *p, size_t *consumed)
{
	char *nl = p->len ? memchr(p->buf, '\n', p->len) : NULL;

	if (!nl)
		return NULL;
	*nl = 0;
	*consumed = (size_t)(nl - p->buf) + 1;
	return p->buf;
}

const char *domproc_expect(struct domproc *p, const char *key, int timeout_ms)
{
	static char *line;
	size_t keylen = strlen(key), consumed = 0;
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		char *l;

		/* drop the line handed out last time */
		if (line) {
			free(line);
			line = NULL;
		}
		while ((l = next_line(p, &consumed))) {
			int match = !strncmp(l, key, keylen) && (l[keylen] == ' ' || !l[keylen]);

			if (match)
				line = strdup(l + keylen + (l[keylen] == ' '));
			memmove(p->buf, p->buf + consumed, p->len - consumed);
			p->len -= consumed;
			if (match)
				return line;
		}

		long long left = deadline - now_ms();
		struct pollfd pfd = { .fd = p->out, .events = POLLIN };
		ssize_t n;

		if (left <= 0) {
			snprintf(p->error, sizeof(p->error), "%s: no '%s' line within %d ms",
				 p->name, key, timeout_ms);
			return NULL;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if (p->cap - p->len < 4096) {
			p->cap = p->cap ? 2 * p->cap : 16384;
			p->buf = realloc(p->buf, p->cap);
			if (!p->buf)
				abort();
		}
		n = read(p->out, p->buf + p->len, p->cap - p->len - 1);
		if (n > 0) {
			p->len += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		snprintf(p->error, sizeof(p->error),
			 "%s: its output ended before a '%s' line (exit status %d)", p->name,
			 key, domproc_wait(p, 5000));
		return NULL;
	}
}

void domproc_close_stdin(struct domproc *p)
{
	if (p->in >= 0)
		close(p->in);
	p->in = -1;
}

int domproc_kill(struct domproc *p, int sig)
{
	pid_t pid = p->prog_pid > 0 ? p->prog_pid : p->pid;

	if (pid <= 0 || p->status >= 0)
		return -1;
	return kill(pid, sig);
}

int domproc_wait(struct domproc *p, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	int status;

	domproc_close_stdin(p);
	if (p->status >= 0 || p->pid <= 0)
		return p->status;
	for (;;) {
		pid_t r = waitpid(p->pid, &status, WNOHANG);

		if (r == p->pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= deadline) {
			domproc_kill(p, SIGKILL);
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &status, 0);
			p->status = 128 + SIGKILL;
			return -1;
		}
		usleep(2000);
	}
	p->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return p->status;
}

void domproc_cleanup(struct domproc *p)
{
	if (p->pid > 0 && p->status < 0) {
		domproc_kill(p, SIGKILL);
		kill(p->pid, SIGKILL);
		domproc_wait(p, 5000);
	}
	if (p->out >= 0)
		close(p->out);
	p->out = -1;
	free(p->buf);
	p->buf = NULL;
}
