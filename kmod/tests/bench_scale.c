// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-scale (issue 20): many domains with their guest kernels, and an
 * idle system's CPU, each figure beside the host's own for comparable work
 * measured in this run:
 *   - idle: hvsimd, Domain-0's kernel and two domains' kernels with nothing
 *     running use no CPU (ticks of utime + stime over IDLE_S seconds; the
 *     host's figure for an idle process is 0);
 *   - N domains created (each until its kernel serves its devices), then
 *     destroyed (each until its kernel is gone)  vs  N host processes
 *     started (fork + exec until each says it is up on a pipe) and killed
 *     (kill + waitpid); hvsimd's resident memory before, at the peak and
 *     after, and the kernels' own.
 * N is BENCH_DOMAINS (default DEFAULT_DOMAINS, about 90 s on a loaded
 * 2-vCPU machine; BENCH_DOMAINS=64 for a quick look).  hvsimd holds at most
 * HVSIM_MAX_DOMAINS domains, Domain-0 included, so at most 1023 here; fewer
 * if this machine's memory would not hold that many kernels (measured on
 * the first ones).  Each kernel and hvsimd hold descriptors: the soft limit
 * is raised to the hard one first, as `ulimit -n` would, and said so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "daemon.h"
#include "libhvsim.h"
#include "procstat.h"
#include "project_files.h"

/* with Domain-0, the 1024 domains with their kernels issue 20 asks for */
#define DEFAULT_DOMAINS 1023
#define MAX_DOMUS       1023   /* HVSIM_MAX_DOMAINS (hv-sim/domain.h) less Domain-0 */
#define IDLE_S          5
#define PEAK_IDLE_S     2
#define MAX_PROCS       4096

static char dir[] = "/tmp/hvsim-bench-XXXXXX";
static int daemon_up;

static void fail(const char *what, int err)
{
	fprintf(stderr, "bench-scale: %s: %s\n", what, err < 0 ? strerror(-err) : "failed");
	if (daemon_up)
		hvsim_down(dir);
	exit(1);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Median of v[from..to) (sorts that part). */
static double median_ms(long long *v, int from, int to)
{
	qsort(v + from, (size_t)(to - from), sizeof(*v), cmp_ll);
	return v[from + (to - from) / 2] / 1e6;
}

static double mean_ms(const long long *v, int n)
{
	long long sum = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	return n ? sum / 1e6 / n : 0;
}

static long mem_available_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* Ticks used by hvsimd and each of its children (the kernels) over `secs` of idling. */
static void idle_ticks(pid_t hvsimd, int secs, long long *daemon, long long *kernels_sum,
		       long long *kernel_max, int *nr_kernels)
{
	static pid_t pids[MAX_PROCS];
	static long long before[MAX_PROCS];
	int n = procstat_children(hvsimd, pids, MAX_PROCS);
	long long d0 = procstat_cpu_ticks(hvsimd);

	n = n < MAX_PROCS ? n : MAX_PROCS;
	for (int i = 0; i < n; i++)
		before[i] = procstat_cpu_ticks(pids[i]);
	sleep((unsigned int)secs);
	*daemon = procstat_cpu_ticks(hvsimd) - d0;
	*kernels_sum = *kernel_max = 0;
	*nr_kernels = n;
	for (int i = 0; i < n; i++) {
		long long t = procstat_cpu_ticks(pids[i]) - before[i];

		*kernels_sum += t;
		*kernel_max = t > *kernel_max ? t : *kernel_max;
	}
}

/* The kernels' resident memory, summed, in KiB; *n: how many. */
static long kernels_rss_kib(pid_t hvsimd, int *n)
{
	static pid_t pids[MAX_PROCS];
	long sum = 0;

	*n = procstat_children(hvsimd, pids, MAX_PROCS);
	for (int i = 0; i < *n && i < MAX_PROCS; i++) {
		long r = procstat_rss_kib(pids[i]);

		sum += r > 0 ? r : 0;
	}
	return sum;
}

/* The host's: n processes, each fork + exec until it says it is up, then kill + wait each. */
static void host_spawn(const char *self, int n, long long *up, long long *down, long *rss)
{
	pid_t *pids = calloc((size_t)n, sizeof(*pids));

	if (!pids)
		fail("calloc", -ENOMEM);
	for (int i = 0; i < n; i++) {
		long long t0 = now_ns();
		char fd[16], c;
		int p[2];

		if (pipe(p))
			fail("pipe", -errno);
		pids[i] = fork();
		if (pids[i] < 0)
			fail("fork", -errno);
		if (pids[i] == 0) {
			close(p[0]);
			snprintf(fd, sizeof(fd), "%d", p[1]);
			execl(self, self, "--idle", fd, (char *)NULL);
			_exit(127);
		}
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			fail("host process", 0);
		close(p[0]);
		up[i] = now_ns() - t0;
	}
	*rss = procstat_rss_kib(pids[n - 1]);
	for (int i = 0; i < n; i++) {
		long long t0 = now_ns();

		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
		down[i] = now_ns() - t0;
	}
	free(pids);
}

/* Raises the soft descriptor limit to the hard one; says what it did. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		unsigned long long was = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			printf("  descriptor limit raised from %llu to %llu, as `ulimit -n %llu` "
			       "would\n", was, (unsigned long long)rl.rlim_max,
			       (unsigned long long)rl.rlim_max);
	} else {
		printf("  descriptor limit %llu (already the hard limit)\n",
		       (unsigned long long)rl.rlim_cur);
	}
}

static int wanted_domains(void)
{
	const char *s = getenv("BENCH_DOMAINS");
	int n = s && *s ? atoi(s) : DEFAULT_DOMAINS;

	if (n < 1)
		fail("BENCH_DOMAINS must be a positive number", 0);
	if (n > MAX_DOMUS) {
		printf("  BENCH_DOMAINS=%d: hvsimd holds %d domains at once (HVSIM_MAX_DOMAINS), "
		       "Domain-0 one of them: running %d\n", n, MAX_DOMUS + 1, MAX_DOMUS);
		n = MAX_DOMUS;
	}
	return n;
}

int main(int argc, char **argv)
{
	char err[256] = "", exe[4096], name[32];
	long long *create, *destroy, *host_up, *host_down;
	long long d_ticks, k_ticks, k_max;
	struct hvsim_ctl *ctl;
	long rss_before, rss_peak, rss_after, kern_kib, host_rss;
	int n, nr_k, rc, fds_before, fds_peak;
	uint16_t domid;
	pid_t hvsimd;

	if (argc == 3 && !strcmp(argv[1], "--idle")) {
		if (write(atoi(argv[2]), "r", 1) != 1)
			return 1;
		pause();
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench-scale (domains with their guest kernels; BENCH_DOMAINS=N sets how many)\n");
	raise_nofile();
	n = wanted_domains();
	create = calloc((size_t)n, sizeof(*create));
	destroy = calloc((size_t)n, sizeof(*destroy));
	host_up = calloc((size_t)n, sizeof(*host_up));
	host_down = calloc((size_t)n, sizeof(*host_down));
	if (!create || !destroy || !host_up || !host_down)
		fail("calloc", -ENOMEM);

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
	daemon_up = 1;
	if ((rc = hvsim_ctl_open(dir, &ctl)))
		fail("control", rc);
	hvsimd = procstat_hvsimd(dir);
	if (hvsimd <= 0)
		fail("no hvsimd pid file", 0);

	/* An idle system: Domain-0 and two domains, nothing running. */
	if ((rc = hvsim_domain_create(ctl, "idle-a", 64, NULL, 0, &domid)) ||
	    (rc = hvsim_domain_create(ctl, "idle-b", 64, NULL, 0, &domid)))
		fail("domain create", rc);
	sleep(1);   /* boot's stragglers and the trace writer's linger */
	idle_ticks(hvsimd, IDLE_S, &d_ticks, &k_ticks, &k_max, &nr_k);
	printf("  idle %d s, hvsimd + Domain-0 + 2 domains, nothing running: hvsimd %lld ticks, "
	       "%d kernels %lld ticks (most %lld) of %ld a second | an idle host process 0 | %s\n",
	       IDLE_S, d_ticks, nr_k, k_ticks, k_max, sysconf(_SC_CLK_TCK),
	       d_ticks <= 5 && k_max <= 5 ? "ok" : "BUSY");
	if ((rc = hvsim_domain_destroy(ctl, "idle-a")) || (rc = hvsim_domain_destroy(ctl, "idle-b")))
		fail("domain destroy", rc);
	while (procstat_children(hvsimd, NULL, 0) > 1)
		usleep(10 * 1000);

	rss_before = procstat_rss_kib(hvsimd);
	fds_before = procstat_fds(hvsimd);
	long avail = mem_available_kib();

	for (int i = 0; i < n; i++) {
		long long t0 = now_ns();

		snprintf(name, sizeof(name), "scale%d", i);
		if ((rc = hvsim_domain_create(ctl, name, 64, NULL, 0, &domid))) {
			printf("  domain create %d failed (%s): measuring the %d created\n", i + 1,
			       strerror(-rc), i);
			n = i;
			break;
		}
		create[i] = now_ns() - t0;
		/* after a few: will this machine's memory hold them all? */
		if (i == 7 && avail > 0) {
			int k;
			long per = kernels_rss_kib(hvsimd, &k) / (k ? k : 1);
			long fits = per > 0 ? avail * 3 / 4 / per : n;

			if (fits < n) {
				printf("  %ld MiB available, %ld KiB a kernel: running %ld domains, "
				       "not %d\n", avail >> 10, per, fits, n);
				n = (int)fits;
			}
		}
	}
	if (n < 1)
		fail("no domain could be created", 0);
	usleep(300 * 1000);
	rss_peak = procstat_rss_kib(hvsimd);
	fds_peak = procstat_fds(hvsimd);
	kern_kib = kernels_rss_kib(hvsimd, &nr_k);
	idle_ticks(hvsimd, PEAK_IDLE_S, &d_ticks, &k_ticks, &k_max, &nr_k);

	long long t_all = now_ns();

	for (int i = 0; i < n; i++) {
		long long t0 = now_ns();

		snprintf(name, sizeof(name), "scale%d", i);
		if ((rc = hvsim_domain_destroy(ctl, name)))
			fail("domain destroy", rc);
		destroy[i] = now_ns() - t0;
	}
	/* until every kernel has gone (Domain-0's stays) */
	while (procstat_children(hvsimd, NULL, 0) > 1)
		usleep(1000);
	double destroy_all_ms = (now_ns() - t_all) / 1e6;

	usleep(300 * 1000);
	rss_after = procstat_rss_kib(hvsimd);

	host_spawn(argv[0], n, host_up, host_down, &host_rss);

	double c_mean = mean_ms(create, n), h_mean = mean_ms(host_up, n);
	double hd_mean = mean_ms(host_down, n);
	int tenth = n >= 10 ? n / 10 : 1;
	double c_first = median_ms(create, 0, tenth), c_last = median_ms(create, n - tenth, n);

	printf("  %d domains (+ Domain-0), created one after another, all alive at the peak, then "
	       "destroyed\n", n);
	printf("  domain create to ready, a domain %8.2f ms (first tenth's median %.2f, last "
	       "tenth's %.2f) | host fork+exec to ready %6.2f ms | emulator/host %.1fx\n",
	       c_mean, c_first, c_last, h_mean, c_mean / h_mean);
	printf("  domain destroy until its kernel is gone, a domain %6.2f ms (the calls alone "
	       "%.2f) | host kill+waitpid %6.3f ms | emulator/host %.0fx\n",
	       destroy_all_ms / n, mean_ms(destroy, n), hd_mean, destroy_all_ms / n / hd_mean);
	printf("  hvsimd resident: before %.1f MiB, at the peak %.1f MiB (%.0f KiB a domain), "
	       "after %.1f MiB\n", rss_before / 1024.0, rss_peak / 1024.0,
	       (double)(rss_peak - rss_before) / n, rss_after / 1024.0);
	printf("  hvsimd descriptors: %d before, %d at the peak (%.1f a domain)\n", fds_before,
	       fds_peak, (double)(fds_peak - fds_before) / n);
	printf("  kernels resident at the peak: %d, %.0f MiB, %.2f MiB a kernel | an idle host "
	       "process %.2f MiB\n", nr_k, kern_kib / 1024.0, kern_kib / 1024.0 / (nr_k ? nr_k : 1),
	       host_rss / 1024.0);
	printf("  idle at the peak, %d s: hvsimd %lld ticks, %d kernels %lld ticks (most %lld) "
	       "| an idle host process 0 | %s\n", PEAK_IDLE_S, d_ticks, nr_k, k_ticks, k_max,
	       d_ticks <= 5 && k_max <= 5 ? "ok" : "BUSY");

	hvsim_ctl_close(ctl);
	hvsim_down(dir);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	if (system(err) != 0)
		fprintf(stderr, "bench-scale: could not remove %s\n", dir);
	free(create);
	free(destroy);
	free(host_up);
	free(host_down);
	return 0;
}
