// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "harness.h"
#include "hvsim/paths.h"
#include "project_files.h"

static char dir[64];
static struct hvsim_ctl *ctl;

const char *harness_dir(void)
{
	return dir;
}

struct hvsim_ctl *harness_ctl(void)
{
	return ctl;
}

const char *harness_exe(const char *name)
{
	static char buf[PATH_MAX];

	ck_assert_msg(hvsim_find_exe(name, buf, sizeof(buf)) == 0,
		      "cannot find %s beside the test (build it first)", name);
	return buf;
}

/*
 * Kills the hvsimd that would not stop.  Only while it holds its pid file's
 * lock (it does until its very end): a killed hvsimd leaves the file, and
 * with pid_max at 32768 the pid in it may be another test's hvsimd by now.
 */
static void kill_leftover_daemon(void)
{
	char path[PATH_MAX];
	FILE *f;
	int pid;

	snprintf(path, sizeof(path), "%s/%s", dir, HVSIM_PID_FILE);
	f = fopen(path, "re");
	if (!f)
		return;
	if (flock(fileno(f), LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK &&
	    fscanf(f, "%d", &pid) == 1 && pid > 1)
		kill(pid, SIGKILL);
	fclose(f);
}

/*
 * A failed test's hvsimd.log goes with its directory: what hvsimd and its
 * kernels said last goes to the test's output first, so that a failure
 * seen once (in CI, under load) can be read afterwards.
 */
static void show_daemon_log_tail(void)
{
	enum { TAIL_LINES = 40 };
	char cmd[PATH_MAX + 64];

	fprintf(stderr, "harness: the test ended without its teardown; the end of %s/%s:\n",
		dir, HVSIM_LOG_FILE);
	snprintf(cmd, sizeof(cmd), "tail -n %d '%s/%s' >&2", TAIL_LINES, dir, HVSIM_LOG_FILE);
	if (system(cmd) != 0)
		fprintf(stderr, "harness: (no log)\n");
}

/*
 * A failed check _exit()s the test's process before its teardown runs.
 * A watchdog process holds the read end of a pipe whose write end only the
 * test's process has: when that process is gone without saying goodbye,
 * the watchdog stops the daemon (its kernels follow), shows the end of its
 * log and removes the directory (or keeps it, with HVSIM_TEST_KEEP set).
 */
static int watchdog_fd = -1;

/*
 * The write end of a pipe that harness_run keeps open while the tests run
 * and every watchdog holds until it is done: harness_run reads it to its
 * end, so a watchdog's report is in the output before the suite's verdict.
 */
static int watchdogs_done_fd = -1;

static void watchdog_start(void)
{
	int p[2], ack[2];
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	if (pipe2(ack, O_CLOEXEC) < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	pid = fork();
	if (pid == 0) {
		char cmd[PATH_MAX];

		/* Out of the test's process group, which check kills at its end. */
		setsid();
		close(p[1]);
		/* watchdogs_done_fd stays open here until this process ends */
		close(ack[0]);
		if (write(ack[1], "s", 1) != 1)
			_exit(1);
		close(ack[1]);
		if (read(p[0], &c, 1) == 1 && c == 'q')
			_exit(0);	/* harness_down did it */
		if (hvsim_down(dir) != 0)
			kill_leftover_daemon();
		show_daemon_log_tail();
		if (getenv("HVSIM_TEST_KEEP")) {
			fprintf(stderr, "harness: kept %s (HVSIM_TEST_KEEP)\n", dir);
			_exit(0);
		}
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	close(ack[1]);
	/* only the watchdog holds it now: the test's later children do not */
	if (watchdogs_done_fd >= 0) {
		close(watchdogs_done_fd);
		watchdogs_done_fd = -1;
	}
	/* Not before it is out of reach of a killpg. */
	if (pid > 0 && read(ack[0], &c, 1) != 1)
		pid = -1;
	close(ack[0]);
	watchdog_fd = pid > 0 ? p[1] : -1;
	if (pid < 0)
		close(p[1]);
}

static void watchdog_stop(void)
{
	if (watchdog_fd < 0)
		return;
	if (write(watchdog_fd, "q", 1) != 1)
		fprintf(stderr, "harness: cannot stop the watchdog\n");
	close(watchdog_fd);
	watchdog_fd = -1;
}

void harness_up(int with_kernel)
{
	char err[512] = "", exe[PATH_MAX];
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/hvsim-test-XXXXXX");
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	setenv("HVSIM_DIR", dir, 1);
	if (!with_kernel)
		setenv("HVSIM_KERNEL", "none", 1);
	else
		unsetenv("HVSIM_KERNEL");
	/* tests run from build/tests; hvsimd is in build/bin */
	if (hvsim_find_exe("hvsimd", exe, sizeof(exe)) == 0) {
		*strrchr(exe, '/') = 0;
		setenv("HVSIM_LIBEXEC", exe, 1);
	}
	rc = hvsim_up(dir, err, sizeof(err));
	if (rc == 0)
		watchdog_start();
	ck_assert_msg(rc == 0, "hvsim_up: %s (%s)", err, strerror(-rc));
	rc = hvsim_ctl_open(dir, &ctl);
	ck_assert_msg(rc == 0, "hvsim_ctl_open: %s", strerror(-rc));
}

/*
 * A sanitizer report of hvsimd (or of a kernel it ran), or a kernel's BUG
 * or panic, lands in its log, not in the test's output: fail the test with
 * it.  (A kernel's leak report is not one: a grant a peer still maps when
 * the kernel stops stays allocated, as in Linux.)
 */
static char *daemon_log_errors(void)
{
	static const char *const bad[] = {
		"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
		"kernel BUG at", "Kernel panic",
	};
	char path[PATH_MAX], *log = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, HVSIM_LOG_FILE);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = getdelim(&log, &cap, 0, f);
	fclose(f);
	for (size_t i = 0; n > 0 && i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *hit = strstr(log, bad[i]);

		if (hit) {
			char *excerpt = strndup(hit, 2000);

			free(log);
			return excerpt;
		}
	}
	free(log);
	return NULL;
}

void harness_keep(void)
{
	if (!dir[0])
		return;
	watchdog_stop();
	fprintf(stderr, "harness: kept %s (hvsimd still runs there)\n", dir);
}

void harness_down(void)
{
	char cmd[PATH_MAX];

	if (ctl)
		hvsim_ctl_close(ctl);
	ctl = NULL;
	if (!dir[0])
		return;
	watchdog_stop();
	if (hvsim_down(dir) != 0)
		kill_leftover_daemon();
	char *errors = daemon_log_errors();

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "harness: could not remove %s\n", dir);
	dir[0] = 0;
	if (errors)
		ck_abort_msg("hvsimd.log reports: %s", errors);
}

uint16_t harness_domain(const char *name)
{
	uint16_t domid = 0;
	int rc = hvsim_domain_create(ctl, name, 16, NULL, 0, &domid);

	ck_assert_msg(rc == 0, "domain create %s: %s", name, hvsim_ctl_error(ctl));
	return domid;
}

pid_t harness_spawn(int (*fn)(void *arg), void *arg)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* the child is a guest kernel of its own: no shared control socket */
		_exit(fn(arg));
	}
	return pid;
}

int harness_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int harness_sh(char **out, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	FILE *p;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	ck_assert_msg(p != NULL, "popen %s", cmd);
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? 2 * cap : 8192;
			buf = realloc(buf, cap);
			ck_assert(buf != NULL);
		}
		size_t n = fread(buf + len, 1, cap - len - 1, p);

		if (n == 0)
			break;
		len += n;
	}
	buf[len] = 0;
	status = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int harness_run(Suite *s)
{
	enum { WATCHDOGS_WAIT_MS = 30000 };
	SRunner *sr = srunner_create(s);
	int done[2] = { -1, -1 };
	int failed;

	if (pipe2(done, O_CLOEXEC) == 0)
		watchdogs_done_fd = done[1];
	srunner_run_all(sr, CK_NORMAL);
	if (watchdogs_done_fd >= 0) {
		struct pollfd p = { .fd = done[0], .events = POLLIN };
		char c;

		close(watchdogs_done_fd);
		watchdogs_done_fd = -1;
		/* EOF once the last watchdog has ended (a bound: it is not a test) */
		while (poll(&p, 1, WATCHDOGS_WAIT_MS) == 1 && read(done[0], &c, 1) > 0)
			;
		close(done[0]);
	}
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
