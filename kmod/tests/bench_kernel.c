// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-kernel: what a domain's guest kernel (hvsim-kernel) costs, each
 * figure beside the host's own for comparable work, measured in this run:
 *   - time from `domain create` to a domain whose devices serve (its kernel
 *     started, booted, module_init run, device socket listening)  vs  the
 *     host starting a process (fork + exec) that says it is up on a pipe;
 *   - resident memory of an idle kernel  vs  an idle C program's.
 * Target (issue 3): an idle kernel under 4 MiB resident.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "daemon.h"
#include "libhvsim.h"
#include "procstat.h"
#include "project_files.h"

#define ROUNDS 10

static void fail(const char *what, int err)
{
	fprintf(stderr, "bench-kernel: %s: %s\n", what, err < 0 ? strerror(-err) : "failed");
	exit(1);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static long long median(long long *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_ll);
	return v[n / 2];
}

/* The hvsim-kernel serving `domid` for the state directory `dir`. */
static pid_t find_kernel(const char *dir, unsigned int domid)
{
	char path[PATH_MAX], args[4096], want_dom[32];
	struct dirent *e;
	pid_t found = -1;
	DIR *d = opendir("/proc");

	snprintf(want_dom, sizeof(want_dom), "%u", domid);
	while (d && (e = readdir(d)) && found < 0) {
		ssize_t n;
		int fd;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, args, sizeof(args) - 1);
		close(fd);
		if (n <= 0)
			continue;
		args[n] = 0;
		if (!strstr(args, "hvsim-kernel"))
			continue;
		/* argv: hvsim-kernel --domid N --name NAME --dir DIR ... */
		const char *a[9] = { 0 };
		int k = 0;
		for (char *p = args; p < args + n && k < 9; p += strlen(p) + 1)
			a[k++] = p;
		if (k >= 7 && !strcmp(a[2], want_dom) && !strcmp(a[6], dir))
			found = atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

/* The host's figure: fork + exec of a program that reports on a pipe. */
static long long host_spawn_ns(const char *self)
{
	int p[2];
	char c, fd[16];
	long long t0;
	pid_t pid;

	if (pipe(p))
		fail("pipe", -errno);
	snprintf(fd, sizeof(fd), "%d", p[1]);
	t0 = now_ns();
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		execl(self, self, "--say-ready", fd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		fail("reference child", 0);
	t0 = now_ns() - t0;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return t0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/hvsim-bench-XXXXXX", err[256] = "", exe[PATH_MAX], name[32];
	long long ours[ROUNDS], host[ROUNDS];
	struct hvsim_ctl *ctl;
	long kernel_rss, idle_rss;
	uint16_t domid;
	pid_t kpid, idle;
	int rc, p[2];
	char c;

	if (argc == 3 && !strcmp(argv[1], "--say-ready"))
		return write(atoi(argv[2]), "r", 1) == 1 ? 0 : 1;
	if (argc == 3 && !strcmp(argv[1], "--idle")) {
		if (write(atoi(argv[2]), "r", 1) != 1)
			return 1;
		pause();
		return 0;
	}

	if (!mkdtemp(dir))
		fail("mkdtemp", -errno);
	setenv("HVSIM_DIR", dir, 1);
	unsetenv("HVSIM_KERNEL");
	if (hvsim_find_exe("hvsimd", exe, sizeof(exe)) == 0) {
		*strrchr(exe, '/') = 0;
		setenv("HVSIM_LIBEXEC", exe, 1);
	}
	if ((rc = hvsim_up(dir, err, sizeof(err))))
		fail(err, rc);
	if ((rc = hvsim_ctl_open(dir, &ctl)))
		fail("control", rc);

	for (int i = 0; i < ROUNDS; i++) {
		long long t0 = now_ns();

		snprintf(name, sizeof(name), "bench%d", i);
		if ((rc = hvsim_domain_create(ctl, name, 64, NULL, 0, &domid)))
			fail("domain create", rc);
		ours[i] = now_ns() - t0;
		host[i] = host_spawn_ns(argv[0]);
		if (i < ROUNDS - 1 && (rc = hvsim_domain_destroy(ctl, name)))
			fail("domain destroy", rc);
	}

	/* The last domain idles; so does a plain C program. */
	usleep(300 * 1000);
	kpid = find_kernel(dir, domid);
	if (kpid < 0)
		fail("no hvsim-kernel found for the domain", 0);
	kernel_rss = procstat_rss_kib(kpid);
	if (pipe(p))
		fail("pipe", -errno);
	idle = fork();
	if (idle == 0) {
		char fd[16];

		snprintf(fd, sizeof(fd), "%d", p[1]);
		execl(argv[0], argv[0], "--idle", fd, (char *)NULL);
		_exit(127);
	}
	if (read(p[0], &c, 1) != 1)
		fail("idle child", 0);
	usleep(100 * 1000);
	idle_rss = procstat_rss_kib(idle);
	kill(idle, SIGKILL);
	waitpid(idle, NULL, 0);

	double ready_ms = median(ours, ROUNDS) / 1e6, spawn_ms = median(host, ROUNDS) / 1e6;

	printf("bench-kernel (median of %d)\n", ROUNDS);
	printf("  domain create to ready  %8.2f ms  | host fork+exec to ready  %8.2f ms  | "
	       "emulator/host %.1fx\n", ready_ms, spawn_ms, ready_ms / spawn_ms);
	printf("  idle kernel resident    %8.2f MiB | idle C program resident  %8.2f MiB | "
	       "emulator/host %.1fx (target < 4 MiB) %s\n", kernel_rss / 1024.0,
	       idle_rss / 1024.0, (double)kernel_rss / idle_rss,
	       kernel_rss < 4096 ? "ok" : "MISSED");

	hvsim_ctl_close(ctl);
	hvsim_down(dir);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	if (system(err) != 0)
		fprintf(stderr, "bench-kernel: could not remove %s\n", dir);
	return 0;
}
