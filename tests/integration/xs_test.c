// SPDX-License-Identifier: GPL-2.0-only
/*
 * Integration tests of xenstore: a real hvsimd, and programs linked with
 * Debian's unmodified libxenstore connecting as dom0 and as domUs through
 * XENSTORED_PATH; raw xsd_sockmsg messages on the socket; the CLI.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "hvsim/paths.h"
#include "harness.h"

static void setup(void)
{
	harness_up(0);
}

static void teardown(void)
{
	harness_down();
}

/* A libxenstore handle of domain `domid`, as `hvsim run` would give it. */
static struct xs_handle *open_domain(uint16_t domid)
{
	char path[PATH_MAX];

	if (hvsim_xenstore_socket(harness_dir(), domid, path, sizeof(path)))
		return NULL;
	setenv("XENSTORED_PATH", path, 1);
	return xs_open(0);
}

static struct xs_handle *open_or_fail(uint16_t domid)
{
	struct xs_handle *h = open_domain(domid);

	ck_assert_msg(h != NULL, "xs_open as dom%u: %s", domid, strerror(errno));
	return h;
}

/*
 * The next watch event within `ms`, or NULL: errno EAGAIN on timeout,
 * EINVAL when the connection is gone.
 */
static char **next_event(struct xs_handle *h, int ms)
{
	struct pollfd p = { .fd = xs_fileno(h), .events = POLLIN };

	for (int waited = 0; waited <= ms; waited += 20) {
		char **w = xs_check_watch(h);

		if (w || errno != EAGAIN)
			return w;
		poll(&p, 1, 20);
	}
	errno = EAGAIN;
	return NULL;
}

/* Waits for the event (path, token), skipping others; true if it came. */
static bool wait_event(struct xs_handle *h, const char *path, const char *token)
{
	char **w;

	while ((w = next_event(h, 5000))) {
		bool match = !strcmp(w[XS_WATCH_PATH], path) && !strcmp(w[XS_WATCH_TOKEN], token);

		free(w);
		if (match)
			return true;
	}
	return false;
}

static char *read_str(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	unsigned int len;

	return xs_read(h, t, path, &len);
}

struct doms {
	uint16_t a, b;
};

/* Domain a keeps a secret and lets b read it. */
static int domu_a_writes(void *arg)
{
	struct doms *d = arg;
	struct xs_handle *h = open_domain(d->a);
	struct xs_permissions perms[2] = {
		{ .id = d->a, .perms = XS_PERM_NONE },
		{ .id = d->b, .perms = XS_PERM_READ },
	}, *got;
	unsigned int n;
	char *v;

	if (!h)
		return 10;
	if (!xs_write(h, XBT_NULL, "data/secret", "s3cr3t", 6) ||
	    !xs_write(h, XBT_NULL, "data/shared", "hello b", 7))
		return 11;
	/* relative paths are below the domain's home */
	v = read_str(h, XBT_NULL, "name");
	if (!v || strcmp(v, "alpha"))
		return 12;
	free(v);
	if (!xs_set_permissions(h, XBT_NULL, "data/shared", perms, 2))
		return 13;
	got = xs_get_permissions(h, XBT_NULL, "data/shared", &n);
	if (!got || n != 2 || got[1].id != d->b || got[1].perms != XS_PERM_READ)
		return 14;
	free(got);
	/* it may not give the node away */
	perms[0].id = d->b;
	if (xs_set_permissions(h, XBT_NULL, "data/shared", perms, 2) || errno != EPERM)
		return 15;
	/* nor touch what dom0 keeps */
	if (xs_write(h, XBT_NULL, "/tool/x", "y", 1) || errno != EACCES)
		return 16;
	if (xs_directory(h, XBT_NULL, "/local/domain", &n) || errno != EACCES)
		return 17;
	xs_close(h);
	return 0;
}

/* Domain b tries a's nodes. */
static int domu_b_reads(void *arg)
{
	struct doms *d = arg;
	struct xs_handle *h = open_domain(d->b);
	char path[128], *v;
	unsigned int n;

	if (!h)
		return 20;
	snprintf(path, sizeof(path), "/local/domain/%u/data/secret", d->a);
	if (read_str(h, XBT_NULL, path) || errno != EACCES)
		return 21;
	if (xs_write(h, XBT_NULL, path, "x", 1) || errno != EACCES)
		return 22;
	if (xs_rm(h, XBT_NULL, path) || errno != EACCES)
		return 23;
	/* not even whether a node exists */
	snprintf(path, sizeof(path), "/local/domain/%u/data/none", d->a);
	if (read_str(h, XBT_NULL, path) || errno != EACCES)
		return 24;
	snprintf(path, sizeof(path), "/local/domain/%u/data", d->a);
	if (xs_directory(h, XBT_NULL, path, &n) || errno != EACCES)
		return 25;
	if (xs_get_permissions(h, XBT_NULL, path, &n) || errno != EACCES)
		return 26;
	snprintf(path, sizeof(path), "/local/domain/%u/data/shared", d->a);
	v = read_str(h, XBT_NULL, path);
	if (!v || strcmp(v, "hello b"))
		return 27;
	free(v);
	if (xs_write(h, XBT_NULL, path, "x", 1) || errno != EACCES)
		return 28;
	/* its own home is its own */
	if (!xs_write(h, XBT_NULL, "data/mine", "b", 1))
		return 29;
	xs_close(h);
	return 0;
}

START_TEST(domus_are_kept_apart)
{
	struct doms d = { .a = harness_domain("alpha"), .b = harness_domain("beta") };
	struct xs_handle *dom0 = open_or_fail(0);
	struct xs_permissions *p;
	unsigned int n;
	char path[64], **dir, *v;

	v = read_str(dom0, XBT_NULL, "/local/domain/0/name");
	ck_assert_str_eq(v, "Domain-0");
	free(v);
	dir = xs_directory(dom0, XBT_NULL, "/local/domain", &n);
	ck_assert_ptr_nonnull(dir);
	ck_assert_uint_eq(n, 3);
	free(dir);
	snprintf(path, sizeof(path), "/local/domain/%u/name", d.b);
	v = read_str(dom0, XBT_NULL, path);
	ck_assert_str_eq(v, "beta");
	free(v);
	v = xs_get_domain_path(dom0, d.a);
	snprintf(path, sizeof(path), "/local/domain/%u", d.a);
	ck_assert_str_eq(v, path);
	free(v);
	ck_assert(xs_is_domain_introduced(dom0, d.a));
	ck_assert(!xs_is_domain_introduced(dom0, 77));

	ck_assert_int_eq(harness_wait(harness_spawn(domu_a_writes, &d)), 0);
	ck_assert_int_eq(harness_wait(harness_spawn(domu_b_reads, &d)), 0);

	/* dom0 sees and may do everything */
	snprintf(path, sizeof(path), "/local/domain/%u/data/secret", d.a);
	v = read_str(dom0, XBT_NULL, path);
	ck_assert_str_eq(v, "s3cr3t");
	free(v);
	p = xs_get_permissions(dom0, XBT_NULL, path, &n);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(p[0].id, d.a);
	free(p);
	ck_assert(xs_rm(dom0, XBT_NULL, path));
	ck_assert_ptr_null(read_str(dom0, XBT_NULL, path));
	ck_assert_int_eq(errno, ENOENT);
	xs_close(dom0);
}
END_TEST

static int domu_writes_and_waits(void *arg)
{
	struct doms *d = arg;
	struct xs_handle *h = open_domain(d->a);
	unsigned int n;
	char **w;

	if (!h)
		return 30;
	/* a blocking read that never returns fails the test, not hangs it */
	alarm(20);
	if (!xs_watch(h, "data", "mine"))
		return 31;
	/* the first event is the watch's own, with the relative path */
	w = xs_read_watch(h, &n);
	if (!w || n != 2 || strcmp(w[XS_WATCH_PATH], "data") || strcmp(w[XS_WATCH_TOKEN], "mine"))
		return 32;
	free(w);
	if (!xs_write(h, XBT_NULL, "data/x", "1", 1))
		return 33;
	w = xs_read_watch(h, &n);
	if (!w || strcmp(w[XS_WATCH_PATH], "data/x"))
		return 34;
	free(w);
	/* then the domain is destroyed: the connection ends */
	while ((w = xs_read_watch(h, &n)))
		free(w);
	if (errno != EINVAL)
		return 35;
	xs_close(h);
	return 0;
}

START_TEST(watches_fire_across_domains_and_on_destruction)
{
	struct doms d = { .a = harness_domain("alpha"), .b = harness_domain("beta") };
	struct xs_handle *dom0 = open_or_fail(0), *domb;
	char path[64], **w;
	pid_t child;

	snprintf(path, sizeof(path), "/local/domain/%u/data", d.a);
	ck_assert(xs_watch(dom0, path, "a-data"));
	ck_assert(xs_watch(dom0, "@releaseDomain", "released"));
	ck_assert(xs_watch(dom0, "@introduceDomain", "introduced"));
	ck_assert(xs_watch(dom0, "/local/domain", "homes"));
	ck_assert(wait_event(dom0, path, "a-data"));
	ck_assert(wait_event(dom0, "/local/domain", "homes"));
	domb = open_or_fail(d.b);
	ck_assert(xs_watch(domb, "@releaseDomain", "b-released"));
	ck_assert(xs_watch(domb, path, "b-spies"));
	ck_assert(wait_event(domb, "@releaseDomain", "b-released"));
	ck_assert(wait_event(domb, path, "b-spies"));

	child = harness_spawn(domu_writes_and_waits, &d);
	snprintf(path, sizeof(path), "/local/domain/%u/data/x", d.a);
	ck_assert(wait_event(dom0, path, "a-data"));

	/* a domain comes... */
	harness_domain("gamma");
	ck_assert(wait_event(dom0, "@introduceDomain", "introduced"));
	/* ...and goes: its home is removed and @releaseDomain fires */
	ck_assert_int_eq(hvsim_domain_destroy(harness_ctl(), "alpha"), 0);
	snprintf(path, sizeof(path), "/local/domain/%u", d.a);
	ck_assert(wait_event(dom0, path, "homes"));
	ck_assert(wait_event(dom0, "@releaseDomain", "released"));
	ck_assert_ptr_null(read_str(dom0, XBT_NULL, path));
	ck_assert_int_eq(harness_wait(child), 0);

	/* b may not read a's nodes, nor see domains go */
	w = next_event(domb, 300);
	ck_assert_msg(w == NULL, "dom%u heard %s", d.b, w ? w[0] : "");
	xs_close(domb);
	xs_close(dom0);
}
END_TEST

START_TEST(transactions_conflict_with_eagain)
{
	uint16_t a = harness_domain("alpha");
	struct xs_handle *h1 = open_or_fail(a), *h2 = open_or_fail(a), *dom0 = open_or_fail(0);
	xs_transaction_t t;
	char path[64], *v;

	ck_assert(xs_write(h1, XBT_NULL, "counter", "0", 1));
	snprintf(path, sizeof(path), "/local/domain/%u/counter", a);
	ck_assert(xs_watch(dom0, path, "c"));
	ck_assert(wait_event(dom0, path, "c"));

	/* committed whole, seen by others and by watches only then */
	t = xs_transaction_start(h1);
	ck_assert_uint_ne(t, XBT_NULL);
	ck_assert(xs_write(h1, t, "counter", "1", 1));
	ck_assert(xs_write(h1, t, "other", "x", 1));
	v = read_str(h2, XBT_NULL, "counter");
	ck_assert_str_eq(v, "0");
	free(v);
	ck_assert_ptr_null(next_event(dom0, 200));
	ck_assert(xs_transaction_end(h1, t, false));
	v = read_str(h2, XBT_NULL, "counter");
	ck_assert_str_eq(v, "1");
	free(v);
	ck_assert(wait_event(dom0, path, "c"));

	/* two read-modify-writes: the second to commit gets EAGAIN */
	t = xs_transaction_start(h1);
	xs_transaction_t t2 = xs_transaction_start(h2);

	v = read_str(h1, t, "counter");
	ck_assert_str_eq(v, "1");
	free(v);
	v = read_str(h2, t2, "counter");
	ck_assert_str_eq(v, "1");
	free(v);
	ck_assert(xs_write(h2, t2, "counter", "2", 1));
	ck_assert(xs_write(h1, t, "counter", "3", 1));
	ck_assert(xs_transaction_end(h2, t2, false));
	ck_assert(!xs_transaction_end(h1, t, false));
	ck_assert_int_eq(errno, EAGAIN);
	v = read_str(h1, XBT_NULL, "counter");
	ck_assert_str_eq(v, "2");
	free(v);

	/* an abort leaves nothing */
	t = xs_transaction_start(h1);
	ck_assert(xs_write(h1, t, "aborted", "x", 1));
	ck_assert(xs_transaction_end(h1, t, true));
	ck_assert_ptr_null(read_str(h1, XBT_NULL, "aborted"));
	xs_close(h1);
	xs_close(h2);
	xs_close(dom0);
}
END_TEST

START_TEST(large_directory_through_directory_part)
{
	struct xs_handle *dom0 = open_or_fail(0);
	char path[128], **dir;
	unsigned int n;

	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "/tool/big/a-child-with-a-long-name-%04d", i);
		ck_assert(xs_write(dom0, XBT_NULL, path, "", 0));
	}
	/* more than one reply holds: libxenstore falls back to DIRECTORY_PART */
	dir = xs_directory(dom0, XBT_NULL, "/tool/big", &n);
	ck_assert_msg(dir != NULL, "xs_directory: %s", strerror(errno));
	ck_assert_uint_eq(n, 300);
	ck_assert_str_eq(dir[299], "a-child-with-a-long-name-0299");
	free(dir);
	xs_close(dom0);
}
END_TEST

/* Raw messages ---------------------------------------------------------------------- */

static int raw_connect(uint16_t domid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(hvsim_xenstore_socket(harness_dir(), domid, sa.sun_path,
					       sizeof(sa.sun_path)), 0);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect: %s",
		      strerror(errno));
	return fd;
}

static void raw_send(int fd, uint32_t type, uint32_t req_id, const void *payload, uint32_t len)
{
	struct xsd_sockmsg h = { .type = type, .req_id = req_id, .len = len };

	ck_assert_int_eq(send(fd, &h, sizeof(h), MSG_NOSIGNAL), sizeof(h));
	if (len)
		ck_assert_int_eq(send(fd, payload, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* Reads exactly n bytes within 5 s; returns n, 0 at end of stream, -1 on timeout. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 5000) != 1)
			return -1;
		r = recv(fd, (char *)buf + got, n - got, 0);
		if (r <= 0)
			return r < 0 && errno == ECONNRESET ? 0 : r;
		got += (size_t)r;
	}
	return (ssize_t)n;
}

static void raw_recv(int fd, struct xsd_sockmsg *h, char *body)
{
	ck_assert_int_eq(read_full(fd, h, sizeof(*h)), sizeof(*h));
	ck_assert_uint_le(h->len, XENSTORE_PAYLOAD_MAX);
	ck_assert_int_eq(read_full(fd, body, h->len), h->len);
	body[h->len] = 0;
}

static void expect_error(int fd, uint32_t req_id, const char *name)
{
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];

	raw_recv(fd, &h, body);
	ck_assert_uint_eq(h.type, XS_ERROR);
	ck_assert_uint_eq(h.req_id, req_id);
	ck_assert_str_eq(body, name);
	ck_assert_uint_eq(h.len, strlen(name) + 1);
}

static bool store_checks_out(struct xs_handle *dom0)
{
	char *r = xs_control_command(dom0, "check", NULL, 0);
	bool ok = r && !strcmp(r, "OK");

	free(r);
	return ok;
}

START_TEST(malformed_messages_get_errors_or_close_only_their_connection)
{
	uint16_t a = harness_domain("alpha");
	struct xs_handle *good = open_or_fail(a), *dom0 = open_or_fail(0);
	int fd = raw_connect(a), other;
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1], big[XENSTORE_PAYLOAD_MAX + 8];
	char *v;

	raw_send(fd, 999, 1, "x", 2);
	expect_error(fd, 1, "ENOSYS");
	raw_send(fd, XS_WATCH_EVENT, 2, "a\0b", 4);
	expect_error(fd, 2, "ENOSYS");
	raw_send(fd, XS_READ, 3, "name", 4);              /* no nul */
	expect_error(fd, 3, "EINVAL");
	raw_send(fd, XS_WRITE, 4, "a//b\0v", 6);
	expect_error(fd, 4, "EINVAL");
	raw_send(fd, XS_CONTROL, 5, "check", 6);          /* dom0 only */
	expect_error(fd, 5, "EACCES");
	raw_send(fd, XS_READ, 6, "name", 5);              /* tx 0, fine */
	raw_recv(fd, &h, body);
	ck_assert_uint_eq(h.type, XS_READ);
	ck_assert_uint_eq(h.req_id, 6);
	ck_assert_str_eq(body, "alpha");
	/* a header in pieces is still one message */
	struct xsd_sockmsg split = { .type = XS_READ, .req_id = 7, .len = 5 };

	ck_assert_int_eq(send(fd, &split, 7, 0), 7);
	usleep(20000);
	ck_assert_int_eq(send(fd, (char *)&split + 7, sizeof(split) - 7, 0), sizeof(split) - 7);
	ck_assert_int_eq(send(fd, "name", 5, 0), 5);
	raw_recv(fd, &h, body);
	ck_assert_uint_eq(h.req_id, 7);
	ck_assert_str_eq(body, "alpha");

	/* random bytes in well-framed messages: an answer each, and no harm */
	unsigned int seed = 99;

	for (uint32_t i = 0; i < 300; i++) {
		uint32_t len = (uint32_t)rand_r(&seed) % 64;

		for (uint32_t k = 0; k < len; k++)
			big[k] = "/ab@\0-_x1"[rand_r(&seed) % 10];
		raw_send(fd, (uint32_t)rand_r(&seed) % 30, 1000 + i, big, len);
		do
			raw_recv(fd, &h, body);
		while (h.type == XS_WATCH_EVENT);    /* a random WATCH may work */
		ck_assert_uint_eq(h.req_id, 1000 + i);
	}
	ck_assert(store_checks_out(dom0));

	/* longer than XENSTORE_PAYLOAD_MAX: that connection, and only it, closes */
	other = raw_connect(a);
	memset(big, 'x', sizeof(big));
	h = (struct xsd_sockmsg){ .type = XS_WRITE, .req_id = 8, .len = sizeof(big) };
	ck_assert_int_eq(send(fd, &h, sizeof(h), MSG_NOSIGNAL), sizeof(h));
	send(fd, big, sizeof(big), MSG_NOSIGNAL);
	ck_assert_int_eq(read_full(fd, &h, sizeof(h)), 0);
	close(fd);
	raw_send(other, XS_READ, 9, "name", 5);
	raw_recv(other, &h, body);
	ck_assert_str_eq(body, "alpha");
	close(other);
	v = read_str(good, XBT_NULL, "domid");
	ck_assert_ptr_nonnull(v);
	free(v);
	ck_assert(store_checks_out(dom0));
	xs_close(good);
	xs_close(dom0);
}
END_TEST

START_TEST(a_client_that_does_not_read_is_dropped)
{
	uint16_t a = harness_domain("alpha");
	struct xs_handle *dom0 = open_or_fail(0);
	char token[3000], payload[3200], path[64], body[64];
	int fd = raw_connect(a), dropped_after = -1;
	struct xsd_sockmsg h;
	size_t len;

	/* big events, so that few fill the queue */
	memset(token, 't', sizeof(token) - 1);
	token[sizeof(token) - 1] = 0;
	len = (size_t)snprintf(payload, sizeof(payload), "data") + 1;
	memcpy(payload + len, token, sizeof(token));
	raw_send(fd, XS_WATCH, 1, payload, (uint32_t)(len + sizeof(token)));
	/* it never reads: dom0 goes on writing, and is never held up */
	for (int i = 0; i < 2000 && dropped_after < 0; i++) {
		snprintf(path, sizeof(path), "/local/domain/%u/data/k%d", a, i);
		ck_assert(xs_write(dom0, XBT_NULL, path, "v", 1));
		if (i % 50 == 49) {
			char *log;

			harness_sh(&log, "grep -c 'does not read' %s/hvsimd.log", harness_dir());
			if (atoi(log) > 0)
				dropped_after = i;
			free(log);
		}
	}
	ck_assert_msg(dropped_after > 0, "the connection was never dropped");
	/* what was queued in the socket still comes, then the end */
	for (;;) {
		ssize_t r = read_full(fd, &h, sizeof(h));

		ck_assert_int_ge(r, 0);
		if (r == 0)
			break;
		ck_assert_uint_le(h.len, sizeof(payload));
		ck_assert_int_eq(read_full(fd, payload, h.len), h.len);
	}
	close(fd);
	/* the others are fine */
	fd = raw_connect(a);
	raw_send(fd, XS_READ, 2, "name", 5);
	raw_recv(fd, &h, body);
	ck_assert_str_eq(body, "alpha");
	close(fd);
	ck_assert(store_checks_out(dom0));
	xs_close(dom0);
}
END_TEST

/* The CLI ------------------------------------------------------------------------------ */

START_TEST(cli_xenstore_commands)
{
	const char *hvsim = harness_exe("hvsim");
	uint16_t a = harness_domain("alpha");
	struct xs_handle *dom0 = open_or_fail(0);
	char *out, *v, path[64];

	ck_assert_int_eq(harness_sh(&out, "%s xenstore write /local/domain/%u/data/cli 'from the cli'",
				    hvsim, a), 0);
	free(out);
	snprintf(path, sizeof(path), "/local/domain/%u/data/cli", a);
	v = read_str(dom0, XBT_NULL, path);
	ck_assert_str_eq(v, "from the cli");
	free(v);
	ck_assert(xs_write(dom0, XBT_NULL, "/tool/from-lib", "lib\tvalue", 9));
	ck_assert_int_eq(harness_sh(&out, "%s xenstore read /tool/from-lib", hvsim), 0);
	ck_assert_str_eq(out, "lib\tvalue\n");
	free(out);

	ck_assert_int_eq(harness_sh(&out, "%s xenstore ls /local/domain/%u", hvsim, a), 0);
	snprintf(path, sizeof(path), "name = \"alpha\"  (n0,r%u)\n", a);
	ck_assert_msg(strstr(out, path), "%s", out);
	snprintf(path, sizeof(path), "data = \"\"  (n%u)\n cli = \"from the cli\"  (n%u)\n", a, a);
	ck_assert_msg(strstr(out, path), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s xenstore ls", hvsim), 0);
	ck_assert_msg(strstr(out, "local = \"\"  (n0)\n domain = \"\"  (n0)\n  0 = \"\"  (n0)\n"),
		      "%s", out);
	ck_assert_msg(strstr(out, " from-lib = \"lib\\x09value\"  (n0)\n"), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s xenstore ls /tool --json", hvsim), 0);
	ck_assert_msg(strstr(out, "\"path\":\"/tool/from-lib\""), "%s", out);
	free(out);

	ck_assert_int_eq(harness_sh(&out, "%s xenstore rm /local/domain/%u/data", hvsim, a), 0);
	free(out);
	snprintf(path, sizeof(path), "/local/domain/%u/data/cli", a);
	ck_assert_ptr_null(read_str(dom0, XBT_NULL, path));

	/* errors say what went wrong */
	ck_assert_int_eq(harness_sh(&out, "%s xenstore read /no/such 2>&1", hvsim), 1);
	ck_assert_msg(strstr(out, "xenstore read /no/such: No such file or directory (ENOENT)"),
		      "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s xenstore write 'bad//path' x 2>&1", hvsim), 1);
	ck_assert_msg(strstr(out, "(EINVAL)"), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s xenstore read 2>&1", hvsim), 2);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s xenstore frob 2>&1", hvsim), 2);
	ck_assert_msg(strstr(out, "unknown 'xenstore frob'"), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s xenstore --help", hvsim), 0);
	ck_assert_msg(strstr(out, "hvsim xenstore write PATH VALUE"), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "%s xenstore rm --help", hvsim), 0);
	free(out);
	xs_close(dom0);
}
END_TEST

static Suite *xs_suite(void)
{
	Suite *s = suite_create("xs-integration");
	TCase *tc = tcase_create("xenstore");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, domus_are_kept_apart);
	tcase_add_test(tc, watches_fire_across_domains_and_on_destruction);
	tcase_add_test(tc, transactions_conflict_with_eagain);
	tcase_add_test(tc, large_directory_through_directory_part);
	tcase_add_test(tc, malformed_messages_get_errors_or_close_only_their_connection);
	tcase_add_test(tc, a_client_that_does_not_read_is_dropped);
	tcase_add_test(tc, cli_xenstore_commands);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(xs_suite());
}
