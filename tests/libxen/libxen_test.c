// SPDX-License-Identifier: GPL-2.0-only
/*
 * libxen-test: programs linked against Debian's libxengnttab and
 * libxenevtchn (libxen-peer) run in two simulated domains with their
 * guest kernels, through the interposer, and must see what they would
 * see on Xen: a 100 MiB stream through a ring of granted pages arriving
 * intact, unmap notifications (byte cleared, event sent) when either side
 * is killed or lets go in order, and grant copy both ways with
 * GNTST_bad_gntref for a bad ref.  Each program runs as
 * `hvsim run DOMAIN -- libxen-peer ...`, Domain-0 with a guest or two
 * guests.
 */
#include <check.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domproc.h"
#include "harness.h"
#include "hvsim/xen.h"

#define LINE_TIMEOUT_MS 20000
#define EXIT_TIMEOUT_MS 20000
#define MAX_PROCS 4

static struct domproc procs[MAX_PROCS];
static int nr_procs;
static char peer_exe[PATH_MAX];

static void setup(void)
{
	char bindir[PATH_MAX];

	harness_up(1);
	snprintf(peer_exe, sizeof(peer_exe), "%s", harness_exe("libxen-peer"));
	snprintf(bindir, sizeof(bindir), "%s", harness_exe("hvsim"));
	*strrchr(bindir, '/') = 0;
	domproc_setup(bindir, harness_dir());
	nr_procs = 0;
}

static void teardown(void)
{
	for (int i = 0; i < nr_procs; i++)
		domproc_cleanup(&procs[i]);
	nr_procs = 0;
	harness_down();
}

/* Starts "libxen-peer <words>" in `domid`; the words are split at spaces. */
static struct domproc *start(unsigned int domid, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct domproc *start(unsigned int domid, const char *fmt, ...)
{
	char *argv[2048], *words, *save = NULL;
	struct domproc *p;
	size_t n = 0;
	va_list ap;

	ck_assert_int_lt(nr_procs, MAX_PROCS);
	va_start(ap, fmt);
	ck_assert(vasprintf(&words, fmt, ap) >= 0);
	va_end(ap);
	argv[n++] = peer_exe;
	for (char *w = strtok_r(words, " ", &save); w && n < 2047; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	p = &procs[nr_procs++];
	ck_assert_msg(domproc_start(p, domid, argv) == 0, "starting '%s' in domain %u: %s",
		      argv[1], domid, p->error);
	free(words);
	return p;
}

/* The rest of p's next `key` line (malloc'd), or the test fails. */
static char *expect(struct domproc *p, const char *key)
{
	const char *v = domproc_expect(p, key, LINE_TIMEOUT_MS);

	ck_assert_msg(v != NULL, "%s", p->error);
	return strdup(v);
}

static void expect_exit(struct domproc *p, int want)
{
	int got = domproc_wait(p, EXIT_TIMEOUT_MS);

	ck_assert_msg(got == want, "%s exited with %d, expected %d", p->name, got, want);
}

/* writer in `from`, reader in `to`: both must print the same checksum */
static void ring_transfer(unsigned int from, unsigned int to, unsigned int mib)
{
	struct domproc *w = start(from, "ring-write %u %u 32 %u", to, mib, from * 7 + to);
	char *grefs = expect(w, "gref"), *port = expect(w, "port");
	struct domproc *r = start(to, "ring-read %u %s %s", from, port, grefs);
	char *rsum = expect(r, "ok"), *wsum = expect(w, "ok");
	char want[64];

	snprintf(want, sizeof(want), " bytes %llu", (unsigned long long)mib << 20);
	ck_assert_msg(strstr(rsum, want), "reader: %s, expected%s", rsum, want);
	ck_assert_str_eq(wsum, rsum);
	expect_exit(w, 0);
	expect_exit(r, 0);
	free(grefs);
	free(port);
	free(rsum);
	free(wsum);
}

START_TEST(ring_100mib_guest_to_dom0)
{
	ring_transfer(harness_domain("guest"), 0, 100);
}
END_TEST

START_TEST(ring_guest_to_guest)
{
	unsigned int a = harness_domain("guest-a"), b = harness_domain("guest-b");

	ring_transfer(a, b, 100);
}
END_TEST

/* How the "hold" side of a notify pair goes away. */
static void end_holder(struct domproc *holder, int killed, const char *last_words)
{
	if (killed) {
		ck_assert_int_eq(domproc_kill(holder, SIGKILL), 0);
		expect_exit(holder, 128 + SIGKILL);
	} else {
		domproc_close_stdin(holder);
		free(expect(holder, last_words));
		expect_exit(holder, 0);
	}
}

/* _i: 0 the sharer is killed, 1 it unshares in order */
START_TEST(notify_when_sharer_goes)
{
	unsigned int guest = harness_domain("guest");
	struct domproc *sharer = start(guest, "hold-share 0");
	char *gref = expect(sharer, "gref"), *port = expect(sharer, "port");
	struct domproc *mapper = start(0, "watch-map %u %s %s", guest, port, gref);
	char *local = expect(mapper, "port"), *got, want[64];

	free(expect(mapper, "ready"));
	free(expect(sharer, "ready"));
	end_holder(sharer, _i == 0, "unshared");
	got = expect(mapper, "notified");
	snprintf(want, sizeof(want), "port %s byte 0", local);
	ck_assert_str_eq(got, want);
	expect_exit(mapper, 0);
	free(gref);
	free(port);
	free(local);
	free(got);
}
END_TEST

/* guest to guest; _i: 0 the mapper is killed, 1 it unmaps in order */
START_TEST(notify_when_mapper_goes)
{
	unsigned int a = harness_domain("guest-a"), b = harness_domain("guest-b");
	struct domproc *sharer = start(a, "watch-share %u", b);
	char *gref = expect(sharer, "gref"), *port = expect(sharer, "port"), *got, want[64];
	struct domproc *mapper = start(b, "hold-map %u %s %s", a, port, gref);

	free(expect(mapper, "ready"));
	free(expect(sharer, "ready"));
	end_holder(mapper, _i == 0, "unmapped");
	got = expect(sharer, "notified");
	snprintf(want, sizeof(want), "port %s byte 0", port);
	ck_assert_str_eq(got, want);
	expect_exit(sharer, 0);
	free(gref);
	free(port);
	free(got);
}
END_TEST

START_TEST(grant_copy_both_ways)
{
	unsigned int guest = harness_domain("guest");
	struct domproc *sharer = start(guest, "copy-share 0");
	char *grefs = expect(sharer, "gref"), *port = expect(sharer, "port");
	char *page0 = expect(sharer, "page0");
	struct domproc *copier = start(0, "copy-map %u %s %s", guest, port, grefs);
	char *status = expect(copier, "status"), *read = expect(copier, "read");
	char *wrote = expect(copier, "wrote"), *page1 = expect(sharer, "page1");
	char want[64];

	/* both good segments copied; the bad ref refused each way */
	snprintf(want, sizeof(want), "%d %d %d %d", GNTST_okay, GNTST_okay, GNTST_bad_gntref,
		 GNTST_bad_gntref);
	ck_assert_str_eq(status, want);
	ck_assert_str_eq(read, page0);
	ck_assert_str_eq(wrote, page1);
	expect_exit(copier, 0);
	expect_exit(sharer, 0);
	free(grefs);
	free(port);
	free(page0);
	free(status);
	free(read);
	free(wrote);
	free(page1);
}
END_TEST

static Suite *libxen_suite(void)
{
	Suite *s = suite_create("libxen");
	TCase *tc = tcase_create("two domains");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, ring_100mib_guest_to_dom0);
	tcase_add_test(tc, ring_guest_to_guest);
	tcase_add_loop_test(tc, notify_when_sharer_goes, 0, 2);
	tcase_add_loop_test(tc, notify_when_mapper_goes, 0, 2);
	tcase_add_test(tc, grant_copy_both_ways);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(libxen_suite());
}
