// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
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

#include "hvsim/paths.h"
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
	void (*ready)(struct domain *d, int err, const char *why, void *arg);
	void *arg;
	char why[256];                 /* why boot stopped, as the kernel said ("E...") */
	void (*gone)(void *arg);       /* kernel_when_gone's callback */
	void *gone_arg;
	struct kernel *next;
};

static char kernel_exe[PATH_MAX];
static char state_dir[PATH_MAX];
static struct kernel *kernels;
static struct loop_watch sigchld_w = { .fd = -1 };
static struct loop_watch timer_w = { .fd = -1 };
/* kernel_stop_all_begin's callback, once no kernel is left */
static void (*all_stopped)(void);

static void stop_watching_ready(struct kernel *k)
{
	if (k->ready_w.fd >= 0) {
		loop_del(&k->ready_w);
		close(k->ready_w.fd);
		k->ready_w.fd = -1;
	}
}

/* err 0: the kernel serves; else `why` it does not (NULL: k->why, if any). */
static void report_ready(struct kernel *k, int err, const char *why)
{
	void (*ready)(struct domain *, int, const char *, void *) = k->ready;
	struct domain *d = domain_by_id(k->domid);

	k->ready = NULL;
	stop_watching_ready(k);
	if (!why && k->why[0])
		why = k->why;
	if (ready && d)
		ready(d, err, err ? why : NULL, k->arg);
}

/*
 * What the kernel wrote on its readiness pipe (kmod/host/readiness.c):
 * "R" when it serves, or "E" and why boot stopped, then it closes it.
 * Returns 1 for "R", 0 for nothing (yet) or a reason, now in k->why, and
 * -1 at EOF.
 */
static int read_readiness(struct kernel *k)
{
	char buf[sizeof(k->why) + 1];
	ssize_t n = read(k->ready_w.fd, buf, sizeof(buf) - 1);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	if (buf[0] == 'R')
		return 1;
	if (buf[0] == 'E' && !k->why[0]) {
		buf[n] = 0;
		buf[strcspn(buf, "\n")] = 0;
		snprintf(k->why, sizeof(k->why), "%s", buf + 1);
	}
	return 0;
}

static void ready_event(struct loop_watch *w, uint32_t events)
{
	struct kernel *k = (struct kernel *)w;
	int r = read_readiness(k);

	if (r > 0) {
		report_ready(k, 0, NULL);
	} else if (r < 0 && k->why[0]) {
		report_ready(k, -ECHILD, NULL);
	} else if (r < 0) {
		/*
		 * Closed unready without a word: the kernel died (its exit
		 * status says how, sigchld_event), or closed it alive, which
		 * a kernel that will not serve must not outlive.  (A kernel
		 * already exiting keeps its status.)
		 */
		stop_watching_ready(k);
		kill(k->pid, SIGKILL);
	}
}

/* "it exited with status 2", "it was killed by signal 11 (Segmentation fault)" */
static void describe_exit(int status, char *buf, size_t n)
{
	if (WIFSIGNALED(status))
		snprintf(buf, n, "it was killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, n, "it exited with status %d", WEXITSTATUS(status));
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
			char how[96];

			if (k->pid != pid)
				continue;
			/* off the list first: what the report runs must not signal it */
			*pp = k->next;
			if (!k->stopping)
				hv_log("domain %u: kernel (pid %d) %s %d", k->domid, pid,
				       WIFSIGNALED(status) ? "killed by signal" : "exited with",
				       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			/* what it said before it went, if not read yet */
			if (k->ready && k->ready_w.fd >= 0 && read_readiness(k) > 0)
				report_ready(k, 0, NULL);
			describe_exit(status, how, sizeof(how));
			report_ready(k, -ECHILD, k->why[0] ? NULL : how);
			if (k->gone)
				k->gone(k->gone_arg);
			/*
			 * A kernel that died while its domain runs: its hypercall
			 * connection dropped too, which is what destroys the domain.
			 */
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

/* The domain's directory, with its kernel's log and any socket a crash left. */
static void remove_domain_dir(const char *dir, unsigned int domid)
{
	static const char *const left[] = { "kernel.log", "devices", "xenstore" };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(left) / sizeof(left[0]); i++)
		if (!hvsim_domain_file(dir, domid, left[i], path, sizeof(path)))
			unlink(path);
	if (!hvsim_domain_dir(dir, domid, path, sizeof(path)))
		rmdir(path);
}

/*
 * A previous hvsimd's domains (their kernel logs, kept after `hvsim down`):
 * domids start at 0 again, and a new domain must not show an old one's log.
 */
static void remove_previous_run(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *end;
		unsigned long domid;

		if (strncmp(e->d_name, "dom", 3) || !e->d_name[3])
			continue;
		domid = strtoul(e->d_name + 3, &end, 10);
		if (!*end && domid < DOMID_FIRST_RESERVED)
			remove_domain_dir(dir, (unsigned int)domid);
	}
	if (d)
		closedir(d);
}

void kernel_log_remove(domid_t domid)
{
	remove_domain_dir(state_dir, domid);
}

void kernel_configure(const char *dir)
{
	const char *env = getenv("HVSIM_KERNEL");
	char self[PATH_MAX];
	ssize_t n;
	sigset_t mask;

	snprintf(state_dir, sizeof(state_dir), "%s", dir);
	remove_previous_run(dir);
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
		 void (*ready)(struct domain *d, int err, const char *why, void *arg),
		 void *arg)
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
	fcntl(rp[0], F_SETFL, O_NONBLOCK);
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
		report_ready(k, -ESRCH, "the domain was destroyed while its kernel started");
	}
}

bool kernel_when_gone(domid_t domid, void (*gone)(void *arg), void *arg)
{
	for (struct kernel *k = kernels; k; k = k->next) {
		if (k->domid != domid || k->gone)
			continue;
		k->gone = gone;
		k->gone_arg = arg;
		return true;
	}
	return false;
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
		k->gone = NULL;
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
