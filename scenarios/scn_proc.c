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

#include "domain_env.h"
#include "program_check.h"
#include "project_files.h"
#include "scn_parse.h"
#include "scn_proc.h"

#define AGENT_EXE "hvsim-scenario-agent"

int scn_env_init(struct scn_env *env, const char *dir, char *err, size_t errlen)
{
	char searched[4 * PATH_MAX];

	env->dir = dir;
	if (hvsim_find_lib(HVSIM_PRELOAD_LIB, env->preload, sizeof(env->preload), searched,
			   sizeof(searched))) {
		snprintf(err, errlen, "cannot find the interposer %s (looked in %s); build it "
			 "with 'make', or set HVSIM_LIBEXEC to its directory", HVSIM_PRELOAD_LIB,
			 searched);
		return -ENOENT;
	}
	if (hvsim_find_exe(AGENT_EXE, env->agent, sizeof(env->agent))) {
		snprintf(err, errlen, "cannot find %s beside hvsim-scenario (build it with "
			 "'make')", AGENT_EXE);
		return -ENOENT;
	}
	return 0;
}

static int spawn(const struct scn_env *env, uint16_t domid, const char *path, char *const *argv,
		 int in_fd, int out_fd, int err_fd, int close_fd, pid_t *pid,
		 char *err, size_t errlen)
{
	char **envp = hvsim_domain_env(NULL, env->dir, domid, env->preload);
	pid_t child;

	if (!envp) {
		snprintf(err, errlen, "the environment of domain %u: %s", domid, strerror(errno));
		return -errno;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		int e = errno;

		hvsim_env_free(envp);
		snprintf(err, errlen, "fork: %s", strerror(e));
		return -e;
	}
	if (child == 0) {
		/* the process must not outlive a runner that dies */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (close_fd >= 0)
			close(close_fd);
		if ((in_fd >= 0 && dup2(in_fd, 0) < 0) || (out_fd >= 0 && dup2(out_fd, 1) < 0) ||
		    (err_fd >= 0 && dup2(err_fd, 2) < 0))
			_exit(126);
		signal(SIGPIPE, SIG_DFL);
		execve(path, argv, envp);
		if (errno == ENOEXEC) {
			/* as execvp(): a file without #! or ELF header is a shell script */
			size_t n = 0;

			while (argv[n])
				n++;
			char **sh = calloc(n + 2, sizeof(*sh));

			sh[0] = (char *)"/bin/sh";
			sh[1] = (char *)path;
			for (size_t i = 1; i < n; i++)
				sh[i + 1] = argv[i];
			execve("/bin/sh", sh, envp);
		}
		dprintf(2, "hvsim-scenario: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	hvsim_env_free(envp);
	*pid = child;
	return 0;
}

int scn_agent_start(const struct scn_env *env, uint16_t domid, const char *domain,
		    struct scn_proc *p, char *err, size_t errlen)
{
	int req[2], rep[2], rc;
	char *argv[] = { (char *)AGENT_EXE, (char *)domain, NULL };

	memset(p, 0, sizeof(*p));
	p->to_fd = p->from_fd = -1;
	if (pipe2(req, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -errno;
	}
	rc = spawn(env, domid, env->agent, argv, req[0], rep[1], -1, -1, &p->pid, err, errlen);
	close(req[0]);
	close(rep[1]);
	if (rc) {
		close(req[1]);
		close(rep[0]);
		return rc;
	}
	p->to_fd = req[1];
	p->from_fd = rep[0];
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int died(struct scn_proc *p, char *err, size_t errlen)
{
	char how[64];

	scn_proc_wait(p, 2000);
	scn_proc_describe(p, how, sizeof(how));
	snprintf(err, errlen, "the agent %s", how);
	return -EPIPE;
}

int scn_agent_call(struct scn_proc *p, struct json_object *req, int timeout_ms,
		   struct json_object **reply, char *err, size_t errlen)
{
	const char *line = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(line), off = 0;
	int64_t deadline = now_ms() + timeout_ms;

	*reply = NULL;
	if (p->reaped || p->to_fd < 0) {
		json_object_put(req);
		return died(p, err, errlen);
	}
	while (off <= len) {
		/* the line, then its newline */
		ssize_t n = off < len ? write(p->to_fd, line + off, len - off) : write(p->to_fd, "\n", 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			json_object_put(req);
			return died(p, err, errlen);
		}
		off += (size_t)n;
	}
	json_object_put(req);
	for (;;) {
		char *nl = p->rlen ? memchr(p->rbuf, '\n', p->rlen) : NULL;

		if (nl) {
			*nl = 0;
			*reply = json_tokener_parse(p->rbuf);
			size_t used = (size_t)(nl + 1 - p->rbuf);

			memmove(p->rbuf, nl + 1, p->rlen - used);
			p->rlen -= used;
			if (!*reply) {
				snprintf(err, errlen, "the agent's reply is not JSON");
				return -EPROTO;
			}
			return 0;
		}
		struct pollfd pfd = { .fd = p->from_fd, .events = POLLIN };
		int64_t left = deadline - now_ms();

		if (left <= 0) {
			snprintf(err, errlen, "the agent did not answer within %d ms", timeout_ms);
			return -ETIMEDOUT;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		p->rbuf = realloc(p->rbuf, p->rlen + 65536);
		ssize_t n = read(p->from_fd, p->rbuf + p->rlen, 65536);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return died(p, err, errlen);
		p->rlen += (size_t)n;
	}
}

int scn_program_start(const struct scn_env *env, uint16_t domid, char *const *argv,
		      const char *log, struct scn_proc *p, char *err, size_t errlen)
{
	char path[PATH_MAX], why[1024];
	int rc, fd;

	memset(p, 0, sizeof(*p));
	p->to_fd = p->from_fd = -1;
	rc = hvsim_check_program(argv[0], env->preload, path, sizeof(path), why, sizeof(why));
	if (rc) {
		snprintf(err, errlen, "%s", why);
		return rc;
	}
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", log, strerror(errno));
		return -errno;
	}
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	rc = spawn(env, domid, path, argv, devnull, fd, fd, -1, &p->pid, err, errlen);
	close(fd);
	if (devnull >= 0)
		close(devnull);
	return rc;
}

bool scn_proc_wait(struct scn_proc *p, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	while (!p->reaped) {
		pid_t r = waitpid(p->pid, &p->status, WNOHANG);

		if (r == p->pid || (r < 0 && errno == ECHILD)) {
			p->reaped = true;
			break;
		}
		if (now_ms() >= deadline)
			return false;
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	return true;
}

void scn_proc_kill(struct scn_proc *p)
{
	if (!p->reaped && p->pid > 0) {
		kill(p->pid, SIGKILL);
		scn_proc_wait(p, 5000);
	}
}

void scn_proc_stop(struct scn_proc *p)
{
	if (p->to_fd >= 0)
		close(p->to_fd);
	p->to_fd = -1;
	if (!scn_proc_wait(p, 2000))
		scn_proc_kill(p);
	if (p->from_fd >= 0)
		close(p->from_fd);
	p->from_fd = -1;
	free(p->rbuf);
	p->rbuf = NULL;
	p->rlen = 0;
}

void scn_proc_describe(const struct scn_proc *p, char *buf, size_t n)
{
	if (!p->reaped)
		snprintf(buf, n, "is still running");
	else if (WIFEXITED(p->status))
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(p->status));
	else if (WIFSIGNALED(p->status))
		snprintf(buf, n, "was killed by %s", scn_signal_name(WTERMSIG(p->status)));
	else
		snprintf(buf, n, "ended (wait status %#x)", p->status);
}
