// SPDX-License-Identifier: GPL-2.0-only
/* Starting and stopping hvsimd (daemon.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hvsim/kernel_params.h"
#include "hvsim/paths.h"
#include "hvsim/state_dir_check.h"
#include "daemon.h"
#include "libhvsim.h"
#include "project_files.h"

#define UP_TIMEOUT_MS   30000
#define DOWN_TIMEOUT_MS 10000

static int ping(const char *dir)
{
	struct hvsim_ctl *c;
	int err = hvsim_ctl_open(dir, &c);

	if (err)
		return err;
	err = hvsim_ping(c);
	hvsim_ctl_close(c);
	return err;
}

int hvsim_up(const char *dir, char *errbuf, size_t errlen)
{
	return hvsim_up_params(dir, NULL, 0, errbuf, errlen);
}

int hvsim_up_params(const char *dir, const char *const *params, size_t nr_params,
		    char *errbuf, size_t errlen)
{
	char exe[PATH_MAX], log[PATH_MAX], rfd[16], why[PATH_MAX + 256];
	const char *argv[7 + 2 * HVSIM_MAX_KERNEL_PARAMS];
	size_t a = 0;
	int pipefd[2], logfd, status, err;
	char said[512];
	struct pollfd p;
	ssize_t n;
	pid_t pid;

	if (!dir)
		dir = hvsim_dir();
	if (nr_params > HVSIM_MAX_KERNEL_PARAMS) {
		if (errbuf)
			snprintf(errbuf, errlen, "at most %d kernel parameters",
				 HVSIM_MAX_KERNEL_PARAMS);
		return -E2BIG;
	}
	if (ping(dir) == 0)
		return -EALREADY;
	if (hvsim_find_exe("hvsimd", exe, sizeof(exe)) < 0) {
		if (errbuf)
			snprintf(errbuf, errlen, "cannot find hvsimd (set HVSIM_LIBEXEC to "
				 "the directory that holds it)");
		return -ENOENT;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		if (errbuf)
			snprintf(errbuf, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	err = hvsim_state_dir_check(dir, why, sizeof(why));
	if (err) {
		if (errbuf)
			snprintf(errbuf, errlen, "%s", why);
		return err;
	}
	snprintf(log, sizeof(log), "%s/%s", dir, HVSIM_LOG_FILE);
	logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		if (errbuf)
			snprintf(errbuf, errlen, "cannot open %s: %s", log, strerror(errno));
		if (logfd >= 0)
			close(logfd);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		close(logfd);
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (pid == 0) {
		/* a grandchild, so that hvsimd is nobody's child but init's */
		if (fork() != 0)
			_exit(0);
		setsid();
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		int w = dup(pipefd[1]);

		snprintf(rfd, sizeof(rfd), "%d", w);
		argv[a++] = "hvsimd";
		argv[a++] = "--dir";
		argv[a++] = dir;
		argv[a++] = "--ready-fd";
		argv[a++] = rfd;
		for (size_t i = 0; i < nr_params; i++) {
			argv[a++] = "--dom0-param";
			argv[a++] = params[i];
		}
		argv[a] = NULL;
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	close(logfd);
	close(pipefd[1]);
	waitpid(pid, &status, 0);
	/* R: it serves; E and why: it will not; nothing: it was killed */
	p = (struct pollfd){ .fd = pipefd[0], .events = POLLIN };
	n = poll(&p, 1, UP_TIMEOUT_MS) == 1 ? read(pipefd[0], said, sizeof(said) - 1) : -1;
	close(pipefd[0]);
	if (n >= 1 && said[0] == 'R')
		return 0;
	if (!errbuf)
		return -EIO;
	if (n >= 1 && said[0] == 'E') {
		said[n] = '\0';
		snprintf(errbuf, errlen, "hvsimd did not start: %s (log: %s)", said + 1, log);
	} else if (n == 0) {
		snprintf(errbuf, errlen, "hvsimd did not start: it ended without a word "
			 "(killed?); see %s", log);
	} else {
		snprintf(errbuf, errlen, "hvsimd did not start within %d s; see %s",
			 UP_TIMEOUT_MS / 1000, log);
	}
	return -EIO;
}

int hvsim_down(const char *dir)
{
	struct hvsim_ctl *c;
	char pidfile[PATH_MAX];
	int err, fd;

	if (!dir)
		dir = hvsim_dir();
	err = hvsim_ctl_open(dir, &c);
	if (err)
		return -ESRCH;
	err = hvsim_shutdown(c);
	hvsim_ctl_close(c);
	if (err)
		return err;
	/* hvsimd holds a lock on its pid file until its very end */
	snprintf(pidfile, sizeof(pidfile), "%s/%s", dir, HVSIM_PID_FILE);
	for (int waited = 0; waited < DOWN_TIMEOUT_MS; waited += 10) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		fd = open(pidfile, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 0;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			close(fd);
			return 0;
		}
		close(fd);
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}
