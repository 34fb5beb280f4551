// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hypercall.h"
#include "kernel_proc.h"
#include "log.h"
#include "loop.h"

#define KILL_GRACE_SECONDS 2

struct kernel {
	struct loop_watch ready_w;     /* the read end of HVSIM_READY_FD */
	pid_t pid;
	domid_t domid;
	bool stopping;
	struct timespec kill_at;
	void (*ready)(struct domain *d, int err, void *arg);
	void *arg;
	struct kernel *next;
};

static char kernel_exe[PATH_MAX];
static char state_dir[PATH_MAX];
static struct kernel *kernels;
static struct loop_watch sigchld_w = { .fd = -1 };
static struct loop_watch timer_w = { .fd = -1 };
/* kernel_stop_all_begin's callback, once no kernel is left */
static void (*all_stopped)(void);

static void report_ready(struct kernel *k, int err)
{
	void (*ready)(struct domain *, int, void *) = k->ready;
	struct domain *d = domain_by_id(k->domid);

	k->ready = NULL;
	if (k->ready_w.fd >= 0) {
		loop_del(&k->ready_w);
		close(k->ready_w.fd);
		k->ready_w.fd = -1;
	}
	if (ready && d)
		ready(d, err, k->arg);
}

static void ready_event(struct loop_watch *w, uint32_t events)
{
	struct kernel *k = (struct kernel *)w;
	char c;
	ssize_t n = read(w->fd, &c, 1);

	if (n < 0 && errno == EAGAIN)
		return;
	/* a byte: ready; EOF first: the kernel died or closed it unready */
	report_ready(k, n == 1 ? 0 : -ECHILD);
}

static void sigchld_event(struct loop_watch *w, uint32_t events)
{
	struct signalfd_siginfo si;
	int status;
	pid_t pid;

	while (read(w->fd, &si, sizeof(si)) == sizeof(si))
		;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (struct kernel **pp = &kernels; *pp; pp = &(*pp)->next) {
			struct kernel *k = *pp;

			if (k->pid != pid)
				continue;
			if (!k->stopping)
				hv_log("domain %u: kernel (pid %d) %s %d", k->domid, pid,
				       WIFSIGNALED(status) ? "killed by signal" : "exited with",
				       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			report_ready(k, -ECHILD);
			/*
			 * A kernel that died while its domain runs: its hypercall
			 * connection dropped too, which is what destroys the domain.
			 */
			*pp = k->next;
			free(k);
			break;
		}
	}
	if (!kernels && all_stopped) {
		void (*done)(void) = all_stopped;

		all_stopped = NULL;
		done();
	}
}

static void timer_event(struct loop_watch *w, uint32_t events)
{
	uint64_t ticks;
	struct timespec now;

	if (read(w->fd, &ticks, sizeof(ticks)) < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (struct kernel *k = kernels; k; k = k->next)
		if (k->stopping && (now.tv_sec > k->kill_at.tv_sec ||
				    (now.tv_sec == k->kill_at.tv_sec &&
				     now.tv_nsec >= k->kill_at.tv_nsec)))
			kill(k->pid, SIGKILL);
}

void kernel_configure(const char *dir)
{
	const char *env = getenv("HVSIM_KERNEL");
	char self[PATH_MAX];
	ssize_t n;
	sigset_t mask;

	snprintf(state_dir, sizeof(state_dir), "%s", dir);
	kernel_exe[0] = 0;
	if (env && *env) {
		if (strcmp(env, "none") != 0)
			snprintf(kernel_exe, sizeof(kernel_exe), "%s", env);
	} else if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');

		if (slash) {
			*slash = 0;
			snprintf(kernel_exe, sizeof(kernel_exe), "%.*s/hvsim-kernel",
				 (int)(sizeof(kernel_exe) - 14), self);
			if (access(kernel_exe, X_OK) != 0)
				kernel_exe[0] = 0;
		}
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sigchld_w.fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	sigchld_w.cb = sigchld_event;
	if (sigchld_w.fd >= 0)
		loop_add(&sigchld_w, EPOLLIN);
	timer_w.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	timer_w.cb = timer_event;
	if (timer_w.fd >= 0) {
		struct itimerspec its = {
			.it_interval = { 0, 250 * 1000 * 1000 },
			.it_value = { 0, 250 * 1000 * 1000 },
		};

		timerfd_settime(timer_w.fd, 0, &its, NULL);
		loop_add(&timer_w, EPOLLIN);
	}
}

const char *kernel_path(void)
{
	return kernel_exe[0] ? kernel_exe : NULL;
}

int kernel_start(struct domain *d, char *const *params, size_t nr_params,
		 void (*ready)(struct domain *d, int err, void *arg), void *arg)
{
	int sv[2], rp[2], err;
	struct kernel *k;
	pid_t pid;

	if (!kernel_exe[0])
		return -ENOENT;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (pipe2(rp, O_CLOEXEC) < 0) {
		err = -errno;
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		err = -ENOMEM;
		goto fail;
	}

	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto fail;
	}
	if (pid == 0) {
		char domid[16], hfd[16], rfd[16];
		char **argv = calloc(8 + 2 * nr_params, sizeof(*argv));
		size_t a = 0;
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* the child's ends survive exec; nothing else does */
		int h = dup(sv[1]), r = dup(rp[1]);

		snprintf(domid, sizeof(domid), "%u", d->domid);
		snprintf(hfd, sizeof(hfd), "%d", h);
		snprintf(rfd, sizeof(rfd), "%d", r);
		setenv("HVSIM_HYPERCALL_FD", hfd, 1);
		setenv("HVSIM_READY_FD", rfd, 1);
		if (!argv)
			_exit(127);
		argv[a++] = kernel_exe;
		argv[a++] = "--domid";
		argv[a++] = domid;
		argv[a++] = "--name";
		argv[a++] = d->name;
		argv[a++] = "--dir";
		argv[a++] = state_dir;
		for (size_t i = 0; i < nr_params; i++) {
			argv[a++] = "--param";
			argv[a++] = params[i];
		}
		execv(kernel_exe, argv);
		fprintf(stderr, "hvsimd: cannot run %s: %s\n", kernel_exe, strerror(errno));
		_exit(127);
	}

	close(sv[1]);
	close(rp[1]);
	k->pid = pid;
	k->domid = d->domid;
	k->ready = ready;
	k->arg = arg;
	k->ready_w.fd = rp[0];
	k->ready_w.cb = ready_event;
	k->next = kernels;
	kernels = k;
	loop_add(&k->ready_w, EPOLLIN);
	hypercall_adopt(sv[0], d->domid);
	return 0;
fail:
	free(k);
	close(sv[0]);
	close(sv[1]);
	close(rp[0]);
	close(rp[1]);
	return err;
}

void kernel_domain_destroyed(struct domain *d)
{
	for (struct kernel *k = kernels; k; k = k->next) {
		if (k->domid != d->domid || k->stopping)
			continue;
		k->stopping = true;
		kill(k->pid, SIGTERM);
		clock_gettime(CLOCK_MONOTONIC, &k->kill_at);
		k->kill_at.tv_sec += KILL_GRACE_SECONDS;
		report_ready(k, -ESRCH);
	}
}

void kernel_stop_all_begin(void (*done)(void))
{
	if (!kernels) {
		done();
		return;
	}
	all_stopped = done;
	for (struct kernel *k = kernels; k; k = k->next) {
		if (k->stopping)
			continue;
		/* nobody waits for a reply any more */
		k->ready = NULL;
		k->stopping = true;
		kill(k->pid, SIGTERM);
		clock_gettime(CLOCK_MONOTONIC, &k->kill_at);
		k->kill_at.tv_sec += KILL_GRACE_SECONDS;
	}
}

void kernel_stop_all(void)
{
	struct kernel *k;

	for (k = kernels; k; k = k->next) {
		/* nobody waits for a reply any more: the control side is gone */
		k->ready = NULL;
		k->stopping = true;
		kill(k->pid, SIGTERM);
	}
	for (int tries = 0; kernels && tries < 20 * KILL_GRACE_SECONDS; tries++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		sigchld_event(&sigchld_w, EPOLLIN);
		if (kernels)
			nanosleep(&ts, NULL);
	}
	for (k = kernels; k; k = k->next)
		kill(k->pid, SIGKILL);
	while (kernels) {
		waitpid(kernels->pid, NULL, 0);
		k = kernels->next;
		free(kernels);
		kernels = k;
	}
}
