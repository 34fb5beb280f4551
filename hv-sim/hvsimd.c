// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsimd: the simulated hypervisor.  Normally started by `hvsim up`.
 *
 *   hvsimd --dir STATEDIR [--ready-fd N] [--dom0-mem MIB] [--dom0-param M.P=V]...
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "daemon_hooks.h"
#include "domain.h"
#include "hooks.h"
#include "hvsim/kernel_params.h"
#include "hvsim/paths.h"
#include "hvsim/state_dir_check.h"
#include "hypercall.h"
#include "kernel_proc.h"
#include "log.h"
#include "loop.h"
#include "trace.h"
#include "xenstore_server.h"

static struct loop_watch signal_w = { .fd = -1 };
static int ready_fd = -1;
static bool dom0_failed;	/* Domain-0's kernel did not start: exit 1 */

void hv_log(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "hvsimd[%d] %ld.%03ld: ", getpid(), (long)ts.tv_sec,
		ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Exits once the kernels have stopped in order, served to the end (see
 * kernel_stop_all_begin); a second request does not wait for them.
 */
void hvsimd_request_exit(void)
{
	static bool requested;

	if (requested) {
		loop_stop();
		return;
	}
	requested = true;
	kernel_stop_all_begin(loop_stop);
}

static void signal_event(struct loop_watch *w, uint32_t events)
{
	struct signalfd_siginfo si;

	if (read(w->fd, &si, sizeof(si)) == sizeof(si)) {
		hv_log("signal %u: shutting down", si.ssi_signo);
		hvsimd_request_exit();
	}
}

/* The readiness descriptor gets `R`, or `E` and why hvsimd will not serve. */
static void say_on_ready_fd(const char *what, size_t len)
{
	if (ready_fd >= 0) {
		if (write(ready_fd, what, len) < 0) {
			/* nobody waits for us any more: fine */
		}
		close(ready_fd);
		ready_fd = -1;
	}
}

static void say_ready(void)
{
	say_on_ready_fd("R", 1);
}

/* Logs why hvsimd cannot start, and says it to whoever started it. */
__attribute__((format(printf, 1, 2)))
static void say_failed(const char *fmt, ...)
{
	char why[512] = "E";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why + 1, sizeof(why) - 1, fmt, ap);
	va_end(ap);
	hv_log("%s", why + 1);
	say_on_ready_fd(why, strlen(why));
}

static void dom0_ready(struct domain *d, int err, const char *why, void *arg)
{
	if (err) {
		say_failed("the kernel of Domain-0 did not start: %s",
			   why ? why : strerror(-err));
		dom0_failed = true;
		loop_stop();
		return;
	}
	say_ready();
}

/*
 * HVSIM_TRACE_STATE=1: a snapshot of the state (control_trace_state) once
 * the trace has had no new record for this long, so that a reader of the
 * trace (hvsim trace --html, --svg) sees what each burst of records did to
 * the grant tables, and what the guests wrote in them meanwhile.  Requests
 * that leave no record (a client polling "sync") do not delay it.
 */
#define TRACE_STATE_QUIET_MS 50
static uint64_t seen_seq;		/* the seq the hook saw last, and when */
static struct timespec seen_at;

static int snapshot_when_quiet(void)
{
	struct timespec now;
	long quiet_ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (trace_seq() != seen_seq) {
		seen_seq = trace_seq();
		seen_at = now;
	}
	if (seen_seq == control_trace_state_end())
		return -1;	/* nothing new since the last snapshot (ours or asked for) */
	quiet_ms = (now.tv_sec - seen_at.tv_sec) * 1000 + (now.tv_nsec - seen_at.tv_nsec) / 1000000;
	if (quiet_ms < TRACE_STATE_QUIET_MS)
		return (int)(TRACE_STATE_QUIET_MS - quiet_ms);
	control_trace_state("quiet");
	seen_seq = trace_seq();
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: hvsimd [--dir STATEDIR] [--ready-fd N] [--dom0-mem MIB]\n"
		"              [--dom0-param MODULE.PARAM=VALUE]...\n"
		"The simulated Xen hypervisor; normally started by 'hvsim up'.\n"
		"\n"
		"  -d, --dir STATEDIR        the state directory (default: $HVSIM_DIR, else\n"
		"                            $XDG_RUNTIME_DIR/hvsim, else /tmp/hvsim-$UID)\n"
		"  -r, --ready-fd N          write R to descriptor N once Domain-0 serves, or E\n"
		"                            and why it will not\n"
		"  -m, --dom0-mem MIB        Domain-0's RAM, 1 to %d (default %d)\n"
		"  -p, --dom0-param M.P=V    a parameter of Domain-0's kernel, e.g.\n"
		"                            xen.fifo_events=0 (at most %d)\n"
		"  -h, --help                this text\n"
		"\n"
		"SIGTERM, SIGINT or SIGHUP stops it and every domain.\n"
		"HVSIM_TRACE_STATE=1 in the environment adds a snapshot of the state to the\n"
		"trace once it has had no new record for %d ms (docs/architecture.md).\n",
		HVSIM_MAX_MEM_MIB, HVSIM_DEFAULT_MEM_MIB, HVSIM_MAX_KERNEL_PARAMS,
		TRACE_STATE_QUIET_MS);
}

static int join(char *buf, size_t n, const char *dir, const char *file)
{
	return snprintf(buf, n, "%s/%s", dir, file) < (int)n ? 0 : -ENAMETOOLONG;
}

/*
 * Each domain holds five of hvsimd's descriptors (its memfds, upcall
 * eventfd, kernel connection and pidfd), so the usual soft limit of 1024
 * would stop it near 200 domains: it raises its own to the hard limit, as
 * servers do (the hard limit is the administrator's, `ulimit -Hn`).
 */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "dom0-mem", required_argument, NULL, 'm' },
		{ "dom0-param", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char dir[PATH_MAX - 32], path[PATH_MAX], pid[32];
	const char *step = "starting";
	long dom0_mib = HVSIM_DEFAULT_MEM_MIB;
	char *dom0_params[HVSIM_MAX_KERNEL_PARAMS];
	size_t nr_dom0_params = 0;
	struct domain *dom0;
	sigset_t mask;
	int c, lock_fd, err;

	hvsim_state_dir(dir, sizeof(dir));
	while ((c = getopt_long(argc, argv, "d:r:m:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			snprintf(dir, sizeof(dir), "%s", optarg);
			break;
		case 'r':
			ready_fd = atoi(optarg);
			/* not the kernels': a killed hvsimd's must read as one */
			if (ready_fd >= 0)
				fcntl(ready_fd, F_SETFD, FD_CLOEXEC);
			break;
		case 'm':
			dom0_mib = strtol(optarg, NULL, 10);
			if (dom0_mib < 1 || dom0_mib > HVSIM_MAX_MEM_MIB) {
				fprintf(stderr, "hvsimd: --dom0-mem must be 1 to %d\n",
					HVSIM_MAX_MEM_MIB);
				return 2;
			}
			break;
		case 'p':
			if (nr_dom0_params == HVSIM_MAX_KERNEL_PARAMS) {
				fprintf(stderr, "hvsimd: at most %d --dom0-param\n",
					HVSIM_MAX_KERNEL_PARAMS);
				return 2;
			}
			dom0_params[nr_dom0_params++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "hvsimd: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (hvsim_state_dir_check(dir, path, sizeof(path))) {
		fprintf(stderr, "hvsimd: %s\n", path);
		return 1;
	}
	join(path, sizeof(path), dir, HVSIM_PID_FILE);
	lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "hvsimd: another hvsimd is running in %s\n", dir);
		return 1;
	}
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (ftruncate(lock_fd, 0) < 0 || write(lock_fd, pid, strlen(pid)) < 0)
		hv_log("cannot write %s", path);

	signal(SIGPIPE, SIG_IGN);
	/* past a file size limit (memfds count): EFBIG, said in the log */
	signal(SIGXFSZ, SIG_IGN);
	raise_fd_limit();
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	step = "setting up its event loop";
	if ((err = loop_init()) < 0)
		goto fail;
	signal_w.fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	signal_w.cb = signal_event;
	loop_add(&signal_w, EPOLLIN);

	join(path, sizeof(path), dir, HVSIM_TRACE_FILE);
	step = "opening the trace";
	if ((err = trace_open(path)) < 0)
		goto fail;
	if (getenv("HVSIM_TRACE_STATE") && !strcmp(getenv("HVSIM_TRACE_STATE"), "1"))
		loop_set_hook(snapshot_when_quiet);
	step = "starting xenstore";
	if ((err = xenstore_server_init(dir)) < 0)
		goto fail;
	hvsimd_install_domain_hooks();
	kernel_configure(dir);

	step = "creating Domain-0";
	if ((err = domain_create("Domain-0", (uint64_t)dom0_mib * 256, &dom0)) < 0)
		goto fail;
	join(path, sizeof(path), dir, HVSIM_HYPERCALL_SOCK);
	step = "listening for hypercalls";
	if ((err = hypercall_listen(path)) < 0)
		goto fail;
	join(path, sizeof(path), dir, HVSIM_CONTROL_SOCK);
	step = "listening for control requests";
	if ((err = control_listen(path)) < 0)
		goto fail;

	if (kernel_path()) {
		step = "starting Domain-0's kernel";
		if ((err = kernel_start(dom0, dom0_params, nr_dom0_params, dom0_ready, NULL)) < 0)
			goto fail;
	} else {
		say_ready();
	}
	hv_log("running in %s, kernel %s", dir, kernel_path() ? kernel_path() :
	       "none (domains wait for a test kernel to attach)");

	err = loop_run();

	hv_log("stopping");
	control_shutdown();
	hypercall_shutdown();
	kernel_stop_all();
	xenstore_server_shutdown();
	domain_destroy_all();
	trace_close();
	join(path, sizeof(path), dir, HVSIM_CONTROL_SOCK);
	unlink(path);
	join(path, sizeof(path), dir, HVSIM_HYPERCALL_SOCK);
	unlink(path);
	join(path, sizeof(path), dir, HVSIM_PID_FILE);
	unlink(path);
	loop_fini();
	return err < 0 || dom0_failed ? 1 : 0;
fail:
	say_failed("cannot start: %s: %s", step, strerror(-err));
	kernel_stop_all();
	return 1;
}
