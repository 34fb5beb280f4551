// SPDX-License-Identifier: GPL-2.0-only
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
#include "domain_proc.h"
#include "project_files.h"

int dproc_preload_path(char *buf, size_t n)
{
	char exe[PATH_MAX];

	if (hvsim_find_exe("hvsimd", exe, sizeof(exe)))
		return -ENOENT;
	*strrchr(exe, '/') = 0;
	if ((size_t)snprintf(buf, n, "%s/../lib/libhvsim-preload.so", exe) >= n)
		return -ENAMETOOLONG;
	return access(buf, R_OK) ? -ENOENT : 0;
}

int dproc_start(struct dproc *p, const char *dir, unsigned int domid, char *const argv[])
{
	char preload[PATH_MAX], xs[PATH_MAX], id[16];
	int in[2], out[2], err[2], rc;
	pid_t parent;

	*p = (struct dproc){ .pid = -1, .in = -1, .out = -1, .err = -1 };
	rc = dproc_preload_path(preload, sizeof(preload));
	if (rc)
		return rc;
	rc = hvsim_xenstore_socket(dir, domid, xs, sizeof(xs));
	if (rc)
		return rc;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		return -errno;
	snprintf(id, sizeof(id), "%u", domid);
	parent = getpid();
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (p->pid == 0) {
		const char *old = getenv("LD_PRELOAD");
		char *pre = NULL;

		/* check's failed assertion _exit()s the test: die with it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (old && *old && asprintf(&pre, "%s %s", preload, old) < 0)
			_exit(127);
		setenv("LD_PRELOAD", pre ? pre : preload, 1);
		setenv("HVSIM_DIR", dir, 1);
		setenv("HVSIM_DOMID", id, 1);
		setenv("XENSTORED_PATH", xs, 1);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	p->in = in[1];
	p->out = out[0];
	p->err = err[0];
	p->text = calloc(1, 1);
	p->errtext = calloc(1, 1);
	return p->text && p->errtext ? 0 : -ENOMEM;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void append(char **text, size_t *len, const char *buf, size_t n)
{
	char *t = realloc(*text, *len + n + 1);

	if (!t)
		return;
	memcpy(t + *len, buf, n);
	*len += n;
	t[*len] = 0;
	*text = t;
}

/* Takes in what it wrote, for up to `ms`; false once both pipes are at EOF. */
static bool pump(struct dproc *p, int ms)
{
	struct pollfd fds[2] = { { .fd = p->out, .events = POLLIN }, { .fd = p->err, .events = POLLIN } };
	char buf[4096];

	if (p->out < 0 && p->err < 0)
		return false;
	if (poll(fds, 2, ms) <= 0)
		return true;
	for (int i = 0; i < 2; i++) {
		int *fd = i ? &p->err : &p->out;
		ssize_t n;

		if (*fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(*fd, buf, sizeof(buf));
		if (n > 0) {
			if (i)
				append(&p->errtext, &p->errlen, buf, (size_t)n);
			else
				append(&p->text, &p->len, buf, (size_t)n);
		} else if (n == 0 || errno != EINTR) {
			close(*fd);
			*fd = -1;
		}
	}
	return true;
}

bool dproc_expect(struct dproc *p, const char *text, int ms)
{
	long long end = now_ms() + ms;

	while (!strstr(p->text, text)) {
		long long left = end - now_ms();

		if (left <= 0 || !pump(p, (int)(left > 100 ? 100 : left))) {
			/* it may have said it just before the pipe closed */
			return strstr(p->text, text) != NULL;
		}
	}
	return true;
}

void dproc_close_stdin(struct dproc *p)
{
	if (p->in >= 0)
		close(p->in);
	p->in = -1;
}

void dproc_kill(struct dproc *p, int sig)
{
	if (p->pid > 0 && !p->ended)
		kill(p->pid, sig);
}

int dproc_wait(struct dproc *p, int ms)
{
	long long end = now_ms() + ms;
	int status;

	while (!p->ended) {
		pid_t r = waitpid(p->pid, &status, WNOHANG);

		if (r == p->pid) {
			p->ended = true;
			p->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
		if (ms >= 0 && now_ms() >= end)
			return -1;
		if (!pump(p, 20))
			usleep(20000);
	}
	/* what it wrote last */
	while (pump(p, 50) && (p->out >= 0 || p->err >= 0) && now_ms() < end + 1000)
		;
	return p->status;
}

void dproc_release(struct dproc *p)
{
	if (p->pid > 0 && !p->ended) {
		kill(p->pid, SIGKILL);
		dproc_wait(p, -1);
	}
	dproc_close_stdin(p);
	if (p->out >= 0)
		close(p->out);
	if (p->err >= 0)
		close(p->err);
	free(p->text);
	free(p->errtext);
	*p = (struct dproc){ .pid = -1, .in = -1, .out = -1, .err = -1 };
}
