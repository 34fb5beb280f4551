// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-vchan: stream throughput of a vchan between two domains (Debian's
 * libxenvchan in vchan-server and vchan-client, through the interposer,
 * the guest kernels and hvsimd) beside a unix stream socket between two
 * host processes, in the same run, with the same write and read size.
 * Target (issue 5): the vchan at least as fast as the socket.
 * Then small messages (issue 20): a 64-byte ping-pong through the vchan
 * beside one over a unix socket (target within 10x), and the vchan's
 * connection setup beside a unix socket's listen + connect + accept.
 *
 * Each figure is the best of ROUNDS runs, the two kinds taken in turn: on
 * a machine shared with other work, the best run is the one least
 * disturbed (both ends on a core of their own).
 *
 *   bench-vchan [--bytes N] [--write-size N] [--ring N] [--small-only]  (suffix K, M, G)
 *   (default: 1 GiB, 4 KiB and 64 KiB writes, 1 MiB ring: libxenvchan's largest)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../bench_clock.h"
#include "daemon.h"
#include "domain_proc.h"
#include "libhvsim.h"
#include "project_files.h"

#define TIMEOUT_MS 300000
#define ROUNDS 3

struct params {
	uint64_t bytes;
	size_t write_size;
	size_t ring;
};

static void fail(const char *what, const char *why)
{
	fprintf(stderr, "bench-vchan: %s: %s\n", what, why);
	exit(1);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10; end++; break;
	default: break;
	}
	if (*end || end == s || !v)
		fail("bad size", s);
	return v;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Bytes per second through a socketpair, timed from the first byte read to the last. */
static double bench_socket(const struct params *p)
{
	char *buf = malloc(p->write_size);
	uint64_t got = 0;
	double first = 0;
	int sv[2], status;
	pid_t pid;

	if (!buf || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		fail("socketpair", strerror(errno));
	memset(buf, 0x5a, p->write_size);
	pid = fork();
	if (pid < 0)
		fail("fork", strerror(errno));
	if (pid == 0) {
		close(sv[0]);
		for (uint64_t sent = 0; sent < p->bytes;) {
			size_t n = p->bytes - sent < p->write_size ? (size_t)(p->bytes - sent)
								   : p->write_size;
			ssize_t w = write(sv[1], buf, n);

			if (w <= 0)
				_exit(1);
			sent += (uint64_t)w;
		}
		_exit(0);
	}
	close(sv[1]);
	while (got < p->bytes) {
		ssize_t r = read(sv[0], buf, p->write_size);

		if (r <= 0)
			fail("socket read", r ? strerror(errno) : "early end");
		if (!got)
			first = now_s();
		got += (uint64_t)r;
	}
	double secs = now_s() - first;

	close(sv[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("socket writer", "failed");
	free(buf);
	return (double)p->bytes / secs;
}

/* Bytes per second through the vchan, as its receiving end measured it. */
static double bench_vchan(const struct params *p, const char *dir, uint16_t a, uint16_t b)
{
	static int run;
	char exe_s[4096], exe_c[4096], bytes[24], ws[24], ring[24], da[8], db[8], path[64];
	char rel[32];
	struct dproc srv, cli;
	double secs;
	const char *line;
	int rc;

	if (hvsim_find_exe("vchan-server", exe_s, sizeof(exe_s)) ||
	    hvsim_find_exe("vchan-client", exe_c, sizeof(exe_c)))
		fail("vchan-server, vchan-client", "not built");
	snprintf(bytes, sizeof(bytes), "%" PRIu64, p->bytes);
	snprintf(ws, sizeof(ws), "%zu", p->write_size);
	snprintf(ring, sizeof(ring), "%zu", p->ring);
	snprintf(da, sizeof(da), "%u", a);
	snprintf(db, sizeof(db), "%u", b);
	snprintf(rel, sizeof(rel), "data/vchan/bench%d", run++);
	snprintf(path, sizeof(path), "/local/domain/%u/%s", a, rel);
	char *srv_argv[] = { exe_s, "--raw", "--recv", bytes, "--read-size", ws, "--ring", ring,
			     "--timeout", "300", db, rel, NULL };
	char *cli_argv[] = { exe_c, "--raw", "--send", bytes, "--write-size", ws,
			     "--timeout", "300", da, path, NULL };

	if ((rc = dproc_start(&srv, dir, a, srv_argv)) || (rc = dproc_start(&cli, dir, b, cli_argv)))
		fail("start the vchan ends", strerror(-rc));
	if (dproc_wait(&cli, TIMEOUT_MS) != 0 || dproc_wait(&srv, TIMEOUT_MS) != 0)
		fprintf(stderr, "server:\n%s%s\nclient:\n%s%s\n", srv.text, srv.errtext, cli.text,
			cli.errtext), fail("vchan stream", "an end failed");
	line = strstr(srv.text, "received ");
	if (!line || !(line = strstr(line, " seconds ")) || sscanf(line, " seconds %lf", &secs) != 1)
		fail("vchan-server said", srv.text);
	dproc_release(&srv);
	dproc_release(&cli);
	return (double)p->bytes / secs;
}

/* Small messages (issue 20): PING_RUNS runs, medians of their figures. */
#define PING_RUNS   3
#define PING_ROUNDS 2000
#define PING_SIZE   64

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_of(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long long said(const char *text, const char *key)
{
	const char *at = strstr(text, key);
	long long v;

	if (!at || sscanf(at + strlen(key), " %lld", &v) != 1)
		fail("a vchan end did not say", key);
	return v;
}

/*
 * One vchan in ping mode: the server started and its init done before the
 * client starts, so each init is timed alone.  rtt: the client's median
 * round trip; setup: server init + client init (the client's ends when it
 * has mapped the ring and told the server: connected), in ns.
 */
static void vchan_ping(const char *dir, uint16_t a, uint16_t b, double *rtt, double *setup)
{
	static int run;
	char exe_s[4096], exe_c[4096], rounds[16], size[16], da[8], db[8], path[64], rel[32];
	struct dproc srv, cli;
	int rc;

	if (hvsim_find_exe("vchan-server", exe_s, sizeof(exe_s)) ||
	    hvsim_find_exe("vchan-client", exe_c, sizeof(exe_c)))
		fail("vchan-server, vchan-client", "not built");
	snprintf(rounds, sizeof(rounds), "%d", PING_ROUNDS);
	snprintf(size, sizeof(size), "%d", PING_SIZE);
	snprintf(da, sizeof(da), "%u", a);
	snprintf(db, sizeof(db), "%u", b);
	snprintf(rel, sizeof(rel), "data/vchan/ping%d", run++);
	snprintf(path, sizeof(path), "/local/domain/%u/%s", a, rel);
	char *srv_argv[] = { exe_s, "--mode", "ping", "--rounds", rounds, "--write-size", size,
			     "--timeout", "300", db, rel, NULL };
	char *cli_argv[] = { exe_c, "--mode", "ping", "--rounds", rounds, "--write-size", size,
			     "--timeout", "300", da, path, NULL };

	if ((rc = dproc_start(&srv, dir, a, srv_argv)))
		fail("start the vchan server", strerror(-rc));
	if (!dproc_expect(&srv, "init-ns", TIMEOUT_MS))
		fail("vchan-server", srv.errtext ? srv.errtext : "no init");
	if ((rc = dproc_start(&cli, dir, b, cli_argv)))
		fail("start the vchan client", strerror(-rc));
	if (dproc_wait(&cli, TIMEOUT_MS) != 0 || dproc_wait(&srv, TIMEOUT_MS) != 0)
		fprintf(stderr, "server:\n%s%s\nclient:\n%s%s\n", srv.text, srv.errtext, cli.text,
			cli.errtext), fail("vchan ping", "an end failed");
	*rtt = (double)said(cli.text, "rtt-ns");
	*setup = (double)(said(srv.text, "init-ns") + said(cli.text, "init-ns"));
	dproc_release(&srv);
	dproc_release(&cli);
}

/* The host's: PING_SIZE bytes each way over a unix stream socketpair, median round trip. */
static double socket_ping(void)
{
	static long long rtt[PING_ROUNDS];
	char buf[PING_SIZE];
	int sv[2], status;
	pid_t pid;

	memset(buf, 0x5a, sizeof(buf));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		fail("socketpair", strerror(errno));
	pid = fork();
	if (pid < 0)
		fail("fork", strerror(errno));
	if (pid == 0) {
		close(sv[0]);
		for (int i = 0; i < 100 + PING_ROUNDS; i++)
			if (recv(sv[1], buf, sizeof(buf), MSG_WAITALL) != sizeof(buf) ||
			    write(sv[1], buf, sizeof(buf)) != sizeof(buf))
				_exit(1);
		_exit(0);
	}
	close(sv[1]);
	for (int i = 0; i < 100 + PING_ROUNDS; i++) {
		long long t = now_ns();

		if (write(sv[0], buf, sizeof(buf)) != sizeof(buf) ||
		    recv(sv[0], buf, sizeof(buf), MSG_WAITALL) != sizeof(buf))
			fail("socket ping", "short");
		if (i >= 100)
			rtt[i - 100] = now_ns() - t;
	}
	close(sv[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("socket ping peer", "failed");
	double v[PING_ROUNDS];

	for (int i = 0; i < PING_ROUNDS; i++)
		v[i] = (double)rtt[i];
	return median_of(v, PING_ROUNDS);
}

/*
 * The host's connection setup: a listening unix socket (socket, bind,
 * listen: the server's init), a client's socket + connect, the accept;
 * median of 200, in ns.
 */
static double socket_setup(const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	double v[200];

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/bench-setup.sock", dir);
	for (int i = 0; i < 200; i++) {
		long long t = now_ns();
		int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), c, a;

		unlink(sa.sun_path);
		if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 1))
			fail("socket setup: listen", strerror(errno));
		c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)))
			fail("socket setup: connect", strerror(errno));
		a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (a < 0)
			fail("socket setup: accept", strerror(errno));
		v[i] = (double)(now_ns() - t);
		close(a);
		close(c);
		close(l);
	}
	unlink(sa.sun_path);
	return median_of(v, 200);
}

static void bench_ping(const char *dir, uint16_t a, uint16_t b)
{
	double rtt[PING_RUNS], setup[PING_RUNS], host_rtt[PING_RUNS];

	for (int i = 0; i < PING_RUNS; i++) {
		vchan_ping(dir, a, b, &rtt[i], &setup[i]);
		host_rtt[i] = socket_ping();
	}
	double v = median_of(rtt, PING_RUNS), h = median_of(host_rtt, PING_RUNS);
	double s = median_of(setup, PING_RUNS), hs = socket_setup(dir);

	printf("  %d-byte ping-pong, dom%u <-> dom%u  %9.1f us round trip | unix socket ping-pong "
	       "between host processes %7.1f us | vchan/socket %.1fx (target <= 10x) %s\n",
	       PING_SIZE, b, a, v / 1e3, h / 1e3, v / h, v / h <= 10 ? "ok" : "MISSED");
	printf("  vchan setup (server_init + client_init, connected) %9.2f ms | unix socket "
	       "listen + connect + accept %7.3f ms | vchan/socket %.0fx\n", s / 1e6, hs / 1e6,
	       s / hs);
}

int main(int argc, char **argv)
{
	struct params p = { .bytes = 1ull << 30, .ring = 1 << 20 };
	char dir[] = "/tmp/hvsim-bench-XXXXXX", err[256] = "";
	struct hvsim_ctl *ctl;
	bool small_only = false;
	uint16_t a, b;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--bytes"))
			p.bytes = parse_size(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "--write-size"))
			p.write_size = (size_t)parse_size(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "--ring"))
			p.ring = (size_t)parse_size(argv[++i]);
		else if (!strcmp(argv[i], "--small-only"))
			small_only = true;
		else
			fail("usage", "bench-vchan [--bytes N] [--write-size N] [--ring N] "
				      "[--small-only]");
	}
	if (!mkdtemp(dir))
		fail("mkdtemp", strerror(errno));
	setenv("HVSIM_DIR", dir, 1);
	unsetenv("HVSIM_KERNEL");    /* the domains need their guest kernels */
	if ((rc = hvsim_up(dir, err, sizeof(err))))
		fail("hvsim up", err);
	if ((rc = hvsim_ctl_open(dir, &ctl)) ||
	    (rc = hvsim_domain_create(ctl, "bench-a", 64, NULL, 0, &a)) ||
	    (rc = hvsim_domain_create(ctl, "bench-b", 64, NULL, 0, &b)))
		fail("domain create", strerror(-rc));

	if (!small_only)
		printf("bench-vchan (%" PRIu64 " MiB one way, best of %d, vchan ring %zu KiB, "
		       "trace on)\n", p.bytes >> 20, ROUNDS, p.ring >> 10);
	for (size_t ws = p.write_size ? p.write_size : 4096; ws <= (p.write_size ? p.write_size : 65536);
	     ws *= 16) {
		if (small_only)
			break;
		struct params run = p;
		double vchan = 0, sock = 0, ratio;

		run.write_size = ws;
		for (int i = 0; i < ROUNDS; i++) {
			double v = bench_vchan(&run, dir, a, b), s = bench_socket(&run);

			vchan = v > vchan ? v : vchan;
			sock = s > sock ? s : sock;
		}
		ratio = vchan / sock;
		printf("  %6zu-byte writes and reads: vchan dom%u -> dom%u %7.0f MB/s | unix stream socket "
		       "between host processes %7.0f MB/s | vchan/socket %.2f (target >= 1) %s\n",
		       ws, b, a, vchan / 1e6, sock / 1e6, ratio, ratio >= 1 ? "ok" : "MISSED");
	}

	printf("bench-vchan small messages (medians of %d runs of %d round trips; setup: medians "
	       "of %d)\n", PING_RUNS, PING_ROUNDS, PING_RUNS);
	bench_ping(dir, a, b);

	hvsim_ctl_close(ctl);
	hvsim_down(dir);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	if (system(err) != 0)
		fprintf(stderr, "bench-vchan: could not remove %s\n", dir);
	return 0;
}
