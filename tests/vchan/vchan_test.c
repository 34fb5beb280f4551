// SPDX-License-Identifier: GPL-2.0-only
/*
 * vchan end to end: vchan-server and vchan-client (Debian's libxenvchan,
 * unmodified, through the interposer and the guest kernels' real gntalloc,
 * gntdev and evtchn drivers) in two domains of a real hvsimd; Debian's
 * vchan-socket-proxy when it is installed, in server mode and in client
 * mode (which needs libxenctrl, so privcmd) on either side.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xenstore.h>

#include "hvsim/paths.h"
#include "domain_proc.h"
#include "harness.h"
#include "stream.h"

#define PROXY "/usr/lib/xen-4.17/bin/vchan-socket-proxy"
#define PROXY_PACKAGE "xen-utils-4.17"
/*
 * How long a step may take before it counts as stuck: a hang's bound, not
 * a speed (make bench measures that).  Generous: 8 MiB through in-page
 * rings under ASan, with other tests running beside, took over 20 s on a
 * loaded two-core machine.
 */
#define WAIT_MS 60000

static uint16_t dom_a, dom_b;

static void setup(void)
{
	harness_up(1);
	dom_a = harness_domain("alpha");
	dom_b = harness_domain("beta");
}

static void teardown(void)
{
	harness_down();
}

/*
 * Starts `exe` (vchan-server, vchan-client or a path) with the arguments
 * up to NULL; "" arguments are left out.
 */
static void start(struct dproc *p, uint16_t domid, const char *exe, ...)
{
	char *argv[32], path[PATH_MAX], *arg;
	va_list ap;
	int n = 0, rc;

	snprintf(path, sizeof(path), "%s", exe[0] == '/' ? exe : harness_exe(exe));
	argv[n++] = path;
	va_start(ap, exe);
	while (n < 31 && (arg = va_arg(ap, char *)))
		if (*arg)
			argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	rc = dproc_start(p, harness_dir(), domid, argv);
	ck_assert_msg(rc == 0, "start %s in dom%u: %s", exe, domid, strerror(-rc));
}

static char *domid_arg(uint16_t domid)
{
	static char buf[4][8];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%u", domid);
	return buf[i];
}

/* The absolute path of the server's vchan node `name` in domain a. */
static char *srv_path(const char *name)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "/local/domain/%u/data/vchan/%s", dom_a, name);
	return buf;
}

static void expect_line(struct dproc *p, const char *who, const char *text)
{
	ck_assert_msg(dproc_expect(p, text, WAIT_MS),
		      "%s never said \"%s\"; it said:\n%s\nstderr:\n%s", who, text, p->text,
		      p->errtext);
}

static void expect_exit(struct dproc *p, const char *who, int status)
{
	int got = dproc_wait(p, WAIT_MS);

	ck_assert_msg(got == status, "%s: status %d, wanted %d; it said:\n%s\nstderr:\n%s", who,
		      got, status, p->text, p->errtext);
}

/* "sent N sum X" / "received N sum X" of the program, checked against the stream of seed. */
static void expect_sum(struct dproc *p, const char *who, const char *verb, uint64_t bytes,
		       uint64_t seed)
{
	char line[128];

	snprintf(line, sizeof(line), "%s %" PRIu64 " sum %016" PRIx64, verb, bytes,
		 vstream_expected_sum(seed, bytes));
	ck_assert_msg(strstr(p->text, line), "%s: wanted \"%s\" in:\n%s\nstderr:\n%s", who, line,
		      p->text, p->errtext);
}

/* Streams ------------------------------------------------------------------------------ */

/*
 * The client sends `up` bytes, the server `down`; both check every byte
 * against the stream they expect and compare checksums with the sender's.
 */
static void run_streams(const char *name, const char *mode, const char *ring, uint64_t up,
			uint64_t down)
{
	char ups[24], downs[24];
	struct dproc srv, cli;
	uint64_t seed = 7;

	snprintf(ups, sizeof(ups), "%" PRIu64, up);
	snprintf(downs, sizeof(downs), "%" PRIu64, down);
	char rel[64];

	snprintf(rel, sizeof(rel), "data/vchan/%s", name);
	/* the server names its path relative to its home, the client absolutely */
	start(&srv, dom_a, "vchan-server", mode, "--ring", ring, "--seed", "7", "--send", downs,
	      "--recv", ups, domid_arg(dom_b), rel, NULL);
	start(&cli, dom_b, "vchan-client", mode, "--seed", "7", "--send", ups, "--recv", downs,
	      domid_arg(dom_a), srv_path(name), NULL);
	expect_exit(&cli, "client", 0);
	expect_exit(&srv, "server", 0);
	expect_sum(&cli, "client", "sent", up, seed * 2 + 1);
	expect_sum(&srv, "server", "received", up, seed * 2 + 1);
	expect_sum(&srv, "server", "sent", down, seed * 2 + 2);
	expect_sum(&cli, "client", "received", down, seed * 2 + 2);
	dproc_release(&srv);
	dproc_release(&cli);
}

/* Blocking: one direction at a time, 64 MiB up in random writes through a multi-page ring. */
START_TEST(blocking_64mib_stream_random_sizes_checksummed)
{
	run_streams("blocking", "--mode=stream", "65536", 64 << 20, 4 << 20);
}
END_TEST

/* Non-blocking with select(): both directions at once through the in-page rings. */
START_TEST(nonblocking_select_full_duplex_in_page_rings)
{
	run_streams("duplex", "--nonblock", "0", 8 << 20, 8 << 20);
}
END_TEST

/* The peer goes away --------------------------------------------------------------------- */

/* Until the kernel has stopped `pid` (state T in /proc/PID/stat). */
static void wait_stopped(pid_t pid)
{
	char path[64], stat[512], *paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int ms = 0; ms < WAIT_MS; ms += 5) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(stat, 1, sizeof(stat) - 1, f) : 0;

		if (f)
			fclose(f);
		stat[n] = 0;
		paren = strrchr(stat, ')');
		if (paren && paren[1] == ' ' && (paren[2] == 'T' || paren[2] == 't'))
			return;
		usleep(5000);
	}
	ck_abort_msg("pid %d did not stop", (int)pid);
}

enum leave { LEAVE_EXIT, LEAVE_EXIT_UNCLOSED, LEAVE_SIGKILL, LEAVE_DESTROY };

/*
 * One end holds the line, the other waits for it to go; the leaver leaves
 * as told, the waiter must say how it saw it.
 */
static void peer_leaves(bool server_leaves, enum leave how, bool waiter_nonblock,
			const char *seen)
{
	const char *no_close = how == LEAVE_EXIT_UNCLOSED ? "--no-close" : "";
	const char *nonblock = waiter_nonblock ? "--nonblock" : "";
	struct dproc srv, cli, *leaver = server_leaves ? &srv : &cli;
	struct dproc *waiter = server_leaves ? &cli : &srv;

	if (server_leaves) {
		start(&srv, dom_a, "vchan-server", "--mode=hold", no_close, domid_arg(dom_b),
		      "data/vchan/leave", NULL);
		start(&cli, dom_b, "vchan-client", "--mode=wait-gone", nonblock, domid_arg(dom_a),
		      srv_path("leave"), NULL);
	} else {
		start(&srv, dom_a, "vchan-server", "--mode=wait-gone", nonblock, domid_arg(dom_b),
		      "data/vchan/leave", NULL);
		start(&cli, dom_b, "vchan-client", "--mode=hold", no_close, domid_arg(dom_a),
		      srv_path("leave"), NULL);
	}
	expect_line(&srv, "server", "ready\n");
	expect_line(&cli, "client", "ready\n");
	/* still there: the waiter has not made anything up */
	ck_assert_msg(dproc_wait(waiter, 300) == -1, "the waiter ended early:\n%s\n%s",
		      waiter->text, waiter->errtext);

	switch (how) {
	case LEAVE_EXIT:
		dproc_close_stdin(leaver);
		expect_line(leaver, "leaver", "closing\n");
		expect_exit(leaver, "leaver", 0);
		break;
	case LEAVE_EXIT_UNCLOSED:
		dproc_close_stdin(leaver);
		expect_line(leaver, "leaver", "exiting without closing\n");
		expect_exit(leaver, "leaver", 0);
		break;
	case LEAVE_SIGKILL:
		dproc_kill(leaver, SIGKILL);
		expect_exit(leaver, "leaver", 128 + SIGKILL);
		break;
	case LEAVE_DESTROY: {
		char *out;
		int rc;

		/*
		 * A destroyed domain runs nothing more; hvsim's programs are host
		 * processes that would run on (and libxenvchan_close would clear
		 * the live byte through the mapping they keep): stop it first.
		 */
		dproc_kill(leaver, SIGSTOP);
		wait_stopped(leaver->pid);
		rc = harness_sh(&out, "%s domain destroy %s 2>&1", harness_exe("hvsim"),
				    server_leaves ? "alpha" : "beta");

		ck_assert_msg(rc == 0, "hvsim domain destroy: %s", out);
		free(out);
		break;
	}
	}
	expect_line(waiter, server_leaves ? "client" : "server", seen);
	expect_exit(waiter, "waiter", 0);
	dproc_release(&srv);
	dproc_release(&cli);
}

START_TEST(client_sees_server_exit)
{
	peer_leaves(true, LEAVE_EXIT, false, "peer gone: vchan closed\n");
}
END_TEST

START_TEST(server_sees_client_exit_without_close)
{
	/* no libxenvchan_close: the client's kernel, releasing its gntdev
	 * file, clears cli_live and notifies (the unmap notification) */
	peer_leaves(false, LEAVE_EXIT_UNCLOSED, false, "peer gone: vchan closed\n");
}
END_TEST

START_TEST(server_sees_client_exit)
{
	peer_leaves(false, LEAVE_EXIT, true, "peer gone: vchan closed\n");
}
END_TEST

START_TEST(client_sees_server_exit_without_close)
{
	peer_leaves(true, LEAVE_EXIT_UNCLOSED, true, "peer gone: vchan closed\n");
}
END_TEST

START_TEST(client_sees_server_sigkill)
{
	peer_leaves(true, LEAVE_SIGKILL, false, "peer gone: vchan closed\n");
}
END_TEST

START_TEST(server_sees_client_sigkill)
{
	peer_leaves(false, LEAVE_SIGKILL, false, "peer gone: vchan closed\n");
}
END_TEST

START_TEST(client_sees_server_domain_destroyed)
{
	/* nobody is left to clear srv_live: xenstore tells (vchan_link.h) */
	peer_leaves(true, LEAVE_DESTROY, true, "peer gone: xenstore node ");
}
END_TEST

START_TEST(server_sees_client_domain_destroyed)
{
	peer_leaves(false, LEAVE_DESTROY, true, "peer gone: xenstore node ");
}
END_TEST

/* A third domain ----------------------------------------------------------------------- */

START_TEST(a_third_domain_cannot_connect)
{
	uint16_t dom_c = harness_domain("gamma");
	struct dproc srv, cli, intruder;
	struct xs_handle *xs;
	char path[PATH_MAX];

	start(&srv, dom_a, "vchan-server", "--mode=hold", domid_arg(dom_b), "data/vchan/private",
	      NULL);
	/* the ring's nodes are the server's and readable by b alone */
	ck_assert_int_eq(hvsim_xenstore_socket(harness_dir(), dom_c, path, sizeof(path)), 0);
	setenv("XENSTORED_PATH", path, 1);
	xs = xs_open(0);
	ck_assert_ptr_nonnull(xs);
	snprintf(path, sizeof(path), "%s/ring-ref", srv_path("private"));
	for (int i = 0; i < 200; i++) {
		char *v = xs_read(xs, XBT_NULL, path, NULL);

		ck_assert_msg(v == NULL, "dom%u read %s: %s", dom_c, path, v);
		/* EACCES from the start: c may not even learn whether it exists */
		ck_assert_int_eq(errno, EACCES);
		usleep(10000);
	}
	xs_close(xs);
	start(&intruder, dom_c, "vchan-client", "--no-wait", "--mode=hold", domid_arg(dom_a),
	      srv_path("private"), NULL);
	expect_exit(&intruder, "the client in a third domain", 2);
	ck_assert_msg(strstr(intruder.errtext, "libxenvchan_client_init"), "%s", intruder.errtext);
	/* b still gets in */
	start(&cli, dom_b, "vchan-client", "--mode=hold", domid_arg(dom_a), srv_path("private"),
	      NULL);
	expect_line(&cli, "client", "ready\n");
	expect_line(&srv, "server", "ready\n");
	dproc_release(&intruder);
	dproc_release(&cli);
	dproc_release(&srv);
}
END_TEST

/* Debian's vchan-socket-proxy ---------------------------------------------------------- */

static bool have_proxy(void)
{
	if (access(PROXY, X_OK) == 0)
		return true;
	fprintf(stderr, "SKIPPED: %s is not installed (Debian package %s): "
		"vchan-socket-proxy not tested\n", PROXY, PROXY_PACKAGE);
	return false;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	return fd;
}

/* Connects to a socket that a program in a domain is about to make. */
static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (int ms = 0; connect(fd, (struct sockaddr *)&sa, sizeof(sa)); ms += 10) {
		ck_assert_msg((errno == ENOENT || errno == ECONNREFUSED) && ms < WAIT_MS,
			      "connect %s: %s", path, strerror(errno));
		usleep(10000);
	}
	return fd;
}

/* Whether a child said its word on `fd` (a pipe) within WAIT_MS. */
static bool child_said(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	return poll(&p, 1, WAIT_MS) == 1 && read(fd, &c, 1) == 1;
}

struct echo_end {
	int lfd, accepted_fd;
};

/*
 * domain a's end of the line: echoes one connection back, byte for byte;
 * says on accepted_fd when the proxy has connected.
 */
static int echo_one(void *arg)
{
	const struct echo_end *e = arg;
	char buf[65536];
	ssize_t n;
	int fd;

	/* a failed check _exit()s the test at once: do not outlive it */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = accept(e->lfd, NULL, NULL);
	if (fd < 0 || write(e->accepted_fd, "a", 1) != 1)
		return 10;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));

			if (w <= 0)
				return 11;
			off += w;
		}
	close(fd);
	return n == 0 ? 0 : 12;
}

/* Fails the test with what the bridge and the proxy said and how they ended. */
static void __attribute__((format(printf, 3, 4)))
proxy_stream_failed(struct dproc *bridge, struct dproc *proxy, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* their last words are still on the way (-1: still running) */
	int bridge_status = dproc_wait(bridge, 2000), proxy_status = dproc_wait(proxy, 2000);

	ck_abort_msg("%s; bridge (status %d):\n%s\nproxy (status %d):\n%s", what,
		     bridge_status, bridge->errtext, proxy_status, proxy->errtext);
}

/*
 * A unix socket in domain b carries a stream, through vchan-client's
 * bridge, the vchan, and vchan-socket-proxy in server mode, to a unix
 * socket in domain a, which echoes it back the same way.
 *
 * The stream starts only once the proxy has connected to a's socket:
 * vchan-socket-proxy (Xen 4.17, main and data_loop) takes the client's
 * connection event, connects, and then waits in select() for the next
 * event or socket data without looking at the ring first.  A first write
 * whose event comes while the connection's is still pending in a's kernel
 * shares that one event (as on Xen: a pending port is not raised twice),
 * and the proxy never reads it: here the echo has nothing to send first,
 * so both ends would wait for ever (docs/vchan.md).
 */
START_TEST(proxy_carries_a_byte_stream_between_unix_sockets)
{
	const uint64_t total = 8 << 20;
	char a_sock[PATH_MAX], b_sock[PATH_MAX];
	struct vstream tx, rx;
	struct dproc proxy, bridge;
	static uint8_t buf[65536];
	uint64_t sent = 0, got = 0;
	struct vsizes sizes;
	struct echo_end e;
	int accepted_pipe[2], fd;
	pid_t echo;

	if (!have_proxy())
		return;
	snprintf(a_sock, sizeof(a_sock), "%s/a.sock", harness_dir());
	snprintf(b_sock, sizeof(b_sock), "%s/b.sock", harness_dir());
	ck_assert_int_eq(pipe2(accepted_pipe, O_CLOEXEC), 0);
	e = (struct echo_end){ .lfd = listen_unix(a_sock), .accepted_fd = accepted_pipe[1] };
	echo = harness_spawn(echo_one, &e);
	close(e.lfd);
	close(accepted_pipe[1]);
	start(&proxy, dom_a, PROXY, "--mode=server", domid_arg(dom_b), "data/vchan/proxy", a_sock,
	      NULL);
	/*
	 * a's kernel takes its first upcall (the connection's event) late, as
	 * a loaded machine can: without the wait below the bridge's first
	 * write then shares that event, every time
	 */
	ck_assert_int_eq(harness_sh(NULL, "'%s' fault %u upcall-delay 300ms --times 1",
				    harness_exe("hvsim"), dom_a), 0);
	start(&bridge, dom_b, "vchan-client", "--mode=bridge", "--socket", b_sock,
	      domid_arg(dom_a), srv_path("proxy"), NULL);
	expect_line(&bridge, "bridge", "listening\n");
	fd = connect_unix(b_sock);
	if (!child_said(accepted_pipe[0]))
		proxy_stream_failed(&bridge, &proxy, "the proxy never connected to %s", a_sock);
	close(accepted_pipe[0]);

	vstream_init(&tx, 99);
	vstream_init(&rx, 99);
	vsizes_init(&sizes, 99, sizeof(buf));
	while (got < total) {
		struct pollfd p = { .fd = fd, .events = POLLIN | (sent < total ? POLLOUT : 0) };

		ck_assert_msg(poll(&p, 1, WAIT_MS) == 1, "stuck after %" PRIu64 " sent, %" PRIu64
			      " back; bridge:\n%s\nproxy:\n%s", sent, got, bridge.errtext,
			      proxy.errtext);
		if (p.revents & POLLOUT) {
			size_t n = vsizes_next(&sizes);
			struct vstream peek = tx;
			ssize_t w;

			n = n < total - sent ? n : (size_t)(total - sent);
			vstream_fill(&peek, buf, n);
			w = send(fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (w < 0 && errno != EAGAIN)
				proxy_stream_failed(&bridge, &proxy, "send after %" PRIu64 " sent, %"
						    PRIu64 " back: %s", sent, got, strerror(errno));
			if (w > 0) {
				/* only what went: the stream goes on from there */
				vstream_fill(&tx, buf, (size_t)w);
				sent += (uint64_t)w;
			}
		}
		if (p.revents & (POLLIN | POLLHUP)) {
			ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

			if (!(r > 0 || (r < 0 && errno == EAGAIN)))
				proxy_stream_failed(&bridge, &proxy, "the echo ended after %" PRIu64
						    " bytes", got);
			if (r > 0) {
				ck_assert_msg(vstream_check(&rx, buf, (size_t)r) == (size_t)r,
					      "the echo differs at byte %" PRIu64, rx.pos);
				got += (uint64_t)r;
			}
		}
	}
	ck_assert_uint_eq(rx.sum, vstream_expected_sum(99, total));
	/* the end of our stream ends the bridge's vchan, the proxy's socket, the echo */
	close(fd);
	expect_exit(&bridge, "bridge", 0);
	ck_assert_int_eq(harness_wait(echo), 0);
	/* it waits for a next client that cannot come (its server ring is spent) */
	ck_assert_msg(dproc_wait(&proxy, 200) == -1, "proxy ended:\n%s", proxy.errtext);
	dproc_release(&proxy);
	dproc_release(&bridge);
}
END_TEST

/*
 * Sends `total` bytes of the stream of tx_seed on fd while it checks that
 * `total` bytes of the stream of rx_seed come back, both at once, in
 * random sizes.  NULL when everything went and came intact, else what went
 * wrong (no check here: a child process runs it too).
 */
static const char *duplex(int fd, uint64_t total, uint64_t tx_seed, uint64_t rx_seed)
{
	static char err[160];
	static uint8_t buf[65536];
	struct vstream tx, rx;
	struct vsizes sizes;

	vstream_init(&tx, tx_seed);
	vstream_init(&rx, rx_seed);
	vsizes_init(&sizes, tx_seed, sizeof(buf));
	while (rx.pos < total || tx.pos < total) {
		struct pollfd p = { .fd = fd, .events = (short)((rx.pos < total ? POLLIN : 0) |
								 (tx.pos < total ? POLLOUT : 0)) };

		if (poll(&p, 1, WAIT_MS) != 1) {
			snprintf(err, sizeof(err), "stuck after %" PRIu64 " sent, %" PRIu64
				 " received", tx.pos, rx.pos);
			return err;
		}
		if (p.revents & POLLOUT) {
			size_t n = vsizes_next(&sizes);
			struct vstream peek = tx;
			ssize_t w;

			n = n < total - tx.pos ? n : (size_t)(total - tx.pos);
			vstream_fill(&peek, buf, n);
			w = send(fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (w < 0 && errno != EAGAIN) {
				snprintf(err, sizeof(err), "send: %s", strerror(errno));
				return err;
			}
			/* only what went: the stream goes on from there */
			if (w > 0)
				vstream_fill(&tx, buf, (size_t)w);
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

			if (r == 0 || (r < 0 && errno != EAGAIN)) {
				snprintf(err, sizeof(err), "the stream ended after %" PRIu64
					 " bytes received (%s)", rx.pos, r ? strerror(errno) : "EOF");
				return err;
			}
			if (r > 0 && vstream_check(&rx, buf, (size_t)r) != (size_t)r) {
				snprintf(err, sizeof(err), "received bytes differ at %" PRIu64, rx.pos);
				return err;
			}
		}
	}
	if (rx.sum != vstream_expected_sum(rx_seed, total)) {
		snprintf(err, sizeof(err), "checksum %016" PRIx64 ", wanted %016" PRIx64, rx.sum,
			 vstream_expected_sum(rx_seed, total));
		return err;
	}
	return NULL;
}

#define PROXY_BYTES (8u << 20)
#define UP_SEED 31      /* from the client's socket to the server's */
#define DOWN_SEED 32

/*
 * The server's end of the line: takes the proxy's connection, carries
 * DOWN_SEED's stream to it and checks UP_SEED's from it, says so on
 * done_fd once everything arrived, and ends when the line does.
 */
struct far_end {
	int lfd, done_fd;
};

static int far_end_main(void *arg)
{
	const struct far_end *f = arg;
	const char *err;
	char c;
	int fd;

	/* a failed check _exit()s the test at once: do not outlive it */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = accept(f->lfd, NULL, NULL);
	if (fd < 0)
		return 10;
	err = duplex(fd, PROXY_BYTES, DOWN_SEED, UP_SEED);
	if (err) {
		fprintf(stderr, "the server's socket: %s\n", err);
		return 11;
	}
	if (write(f->done_fd, "x", 1) != 1)
		return 12;
	/* nothing more may come: the proxy closes the socket after the vchan */
	return read(fd, &c, 1) == 0 ? 0 : 13;
}

/* "/local/domain/D/data/vchan/NAME": where a server in D offers NAME */
static char *vchan_path(uint16_t server, const char *name)
{
	static char buf[2][128];
	static int i;

	i = !i;
	snprintf(buf[i], sizeof(buf[i]), "/local/domain/%u/data/vchan/%s", server, name);
	return buf[i];
}

/* A line of `text` that has both `a` and `b`. */
static bool line_with(const char *text, const char *a, const char *b)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t len = strcspn(l, "\n");
		const char *pa = memmem(l, len, a, strlen(a)), *pb = memmem(l, len, b, strlen(b));

		if (pa && pb)
			return true;
	}
	return false;
}

/* Until `hvsim trace` shows Domain-0 making `call`; false if not within WAIT_MS. */
static bool trace_shows_dom0(const char *call)
{
	for (int ms = 0; ms < WAIT_MS; ms += 100) {
		char *out = NULL;
		bool seen = harness_sh(&out, "%s trace", harness_exe("hvsim")) == 0 && out &&
			line_with(out, " dom0 ", call);

		free(out);
		if (seen)
			return true;
		usleep(100000);
	}
	return false;
}

/*
 * vchan-socket-proxy on both ends: in client mode in domain `client`, in
 * server mode in `server`; 8 MiB each way at once between a unix socket
 * beside each, every byte checked.
 *
 * The client starts first (vchan-socket-proxy.c, main and connect_vchan):
 * it listens, and once a connection comes it opens libxenctrl
 * (xc_interface_open), watches the server's path and tries to connect at
 * each watch event; while the server is not there it asks
 * xc_domain_getinfo about the server's domain and gives up only on ESRCH
 * or a reply about another or a dying domain.  Domain-0 gets the domain's
 * info; a domU's privcmd refuses (EPERM, Linux's privcmd.c
 * privcmd_ioctl_hypercall in a restricted domU), which it tolerates: both
 * wait for the server.
 */
static void proxy_client_mode(uint16_t client, uint16_t server)
{
	char a_sock[PATH_MAX], b_sock[PATH_MAX];
	struct dproc srv, cli;
	struct far_end far;
	const char *err;
	int done_pipe[2], fd;
	pid_t far_pid;

	if (!have_proxy())
		return;
	snprintf(a_sock, sizeof(a_sock), "%s/a.sock", harness_dir());
	snprintf(b_sock, sizeof(b_sock), "%s/b.sock", harness_dir());
	ck_assert_int_eq(pipe2(done_pipe, O_CLOEXEC), 0);
	far = (struct far_end){ .lfd = listen_unix(a_sock), .done_fd = done_pipe[1] };
	far_pid = harness_spawn(far_end_main, &far);
	close(far.lfd);
	close(done_pipe[1]);

	start(&cli, client, PROXY, "--mode=client", domid_arg(server),
	      vchan_path(server, "proxy"), b_sock, NULL);
	fd = connect_unix(b_sock);
	if (client == 0)
		ck_assert_msg(trace_shows_dom0("domctl.getdomaininfo -> 0"),
			      "the client never asked about the server's domain");
	else
		usleep(300000);
	ck_assert_msg(dproc_wait(&cli, 0) == -1, "the client did not wait:\n%s", cli.errtext);

	start(&srv, server, PROXY, "--mode=server", domid_arg(client), "data/vchan/proxy",
	      a_sock, NULL);
	err = duplex(fd, PROXY_BYTES, UP_SEED, DOWN_SEED);
	ck_assert_msg(!err, "the client's socket: %s\nclient:\n%s\nserver:\n%s", err,
		      cli.errtext, srv.errtext);
	/* close only once the far end has it all: the server proxy drops what is
	 * still in the ring when the vchan closes (data_loop, discard_buffers) */
	ck_assert_msg(child_said(done_pipe[0]),
		      "the far end did not get everything");
	close(done_pipe[0]);
	/* our end closes: the client proxy closes the vchan, the server its socket */
	close(fd);
	ck_assert_int_eq(harness_wait(far_pid), 0);
	/* each waits for its next: a connection on the socket, a vchan client */
	ck_assert_msg(dproc_wait(&cli, 200) == -1, "client ended:\n%s", cli.errtext);
	ck_assert_msg(dproc_wait(&srv, 200) == -1, "server ended:\n%s", srv.errtext);
	dproc_release(&cli);
	dproc_release(&srv);
}

START_TEST(proxy_client_in_dom0_server_in_domU)
{
	proxy_client_mode(0, dom_a);
}
END_TEST

START_TEST(proxy_client_in_domU_server_in_dom0)
{
	proxy_client_mode(dom_a, 0);
}
END_TEST

START_TEST(proxy_clients_in_domUs)
{
	proxy_client_mode(dom_b, dom_a);
}
END_TEST

/*
 * The server's domain is destroyed while clients wait for it
 * (connect_vchan): Domain-0's client sees it in xc_domain_getinfo (Xen
 * 4.17 answers with the next domain, or ESRCH: domctl.c do_domctl,
 * XEN_DOMCTL_getdomaininfo) and gives up, "vchan client init", status 1;
 * a domU's client is refused the question and waits on, as on Xen.
 */
START_TEST(proxy_clients_waiting_for_a_destroyed_domain)
{
	char sock0[PATH_MAX], sockb[PATH_MAX];
	struct dproc cli0, clib;
	int fd0, fdb;
	char *out;

	if (!have_proxy())
		return;
	snprintf(sock0, sizeof(sock0), "%s/c0.sock", harness_dir());
	snprintf(sockb, sizeof(sockb), "%s/cb.sock", harness_dir());
	start(&cli0, 0, PROXY, "--mode=client", domid_arg(dom_a), vchan_path(dom_a, "none"),
	      sock0, NULL);
	start(&clib, dom_b, PROXY, "--mode=client", domid_arg(dom_a), vchan_path(dom_a, "none"),
	      sockb, NULL);
	fd0 = connect_unix(sock0);
	fdb = connect_unix(sockb);
	ck_assert(trace_shows_dom0("domctl.getdomaininfo -> 0"));
	ck_assert_msg(dproc_wait(&cli0, 300) == -1, "dom0's client ended:\n%s", cli0.errtext);
	ck_assert_msg(dproc_wait(&clib, 0) == -1, "the domU's client ended:\n%s", clib.errtext);

	ck_assert_int_eq(harness_sh(&out, "%s domain destroy alpha 2>&1", harness_exe("hvsim")), 0);
	free(out);
	expect_exit(&cli0, "dom0's client", 1);
	ck_assert_msg(strstr(cli0.errtext, "vchan client init"), "%s", cli0.errtext);
	ck_assert_msg(dproc_wait(&clib, 500) == -1, "the domU's client ended:\n%s", clib.errtext);
	close(fd0);
	close(fdb);
	dproc_release(&cli0);
	dproc_release(&clib);
}
END_TEST

static Suite *vchan_suite(void)
{
	Suite *s = suite_create("vchan");
	TCase *streams = tcase_create("streams"), *gone = tcase_create("peer-gone");
	TCase *proxy = tcase_create("proxy");

	tcase_add_checked_fixture(streams, setup, teardown);
	tcase_set_timeout(streams, 150);
	tcase_add_test(streams, blocking_64mib_stream_random_sizes_checksummed);
	tcase_add_test(streams, nonblocking_select_full_duplex_in_page_rings);
	tcase_add_test(streams, a_third_domain_cannot_connect);
	suite_add_tcase(s, streams);

	tcase_add_checked_fixture(gone, setup, teardown);
	tcase_set_timeout(gone, 150);
	tcase_add_test(gone, client_sees_server_exit);
	tcase_add_test(gone, server_sees_client_exit);
	tcase_add_test(gone, client_sees_server_exit_without_close);
	tcase_add_test(gone, server_sees_client_exit_without_close);
	tcase_add_test(gone, client_sees_server_sigkill);
	tcase_add_test(gone, server_sees_client_sigkill);
	tcase_add_test(gone, client_sees_server_domain_destroyed);
	tcase_add_test(gone, server_sees_client_domain_destroyed);
	suite_add_tcase(s, gone);

	tcase_add_checked_fixture(proxy, setup, teardown);
	tcase_set_timeout(proxy, 150);
	tcase_add_test(proxy, proxy_carries_a_byte_stream_between_unix_sockets);
	tcase_add_test(proxy, proxy_client_in_dom0_server_in_domU);
	tcase_add_test(proxy, proxy_client_in_domU_server_in_dom0);
	tcase_add_test(proxy, proxy_clients_in_domUs);
	tcase_add_test(proxy, proxy_clients_waiting_for_a_destroyed_domain);
	suite_add_tcase(s, proxy);
	return s;
}

int main(void)
{
	return harness_run(vchan_suite());
}
