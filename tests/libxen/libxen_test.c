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

#include "peer_fixture.h"
#include "harness.h"
#include "hvsim/xen.h"

static void setup(void)
{
	peer_fixture_up(1, "libxen-peer");
}

/* writer in `from`, reader in `to`: both must print the same checksum */
static void ring_transfer(unsigned int from, unsigned int to, unsigned int mib)
{
	struct domproc *w = peer_start(from, "ring-write %u %u 32 %u", to, mib, from * 7 + to);
	char *grefs = peer_expect(w, "gref"), *port = peer_expect(w, "port");
	struct domproc *r = peer_start(to, "ring-read %u %s %s", from, port, grefs);
	char *rsum = peer_expect(r, "ok"), *wsum = peer_expect(w, "ok");
	char want[64];

	snprintf(want, sizeof(want), " bytes %llu", (unsigned long long)mib << 20);
	ck_assert_msg(strstr(rsum, want), "reader: %s, expected%s", rsum, want);
	ck_assert_str_eq(wsum, rsum);
	peer_expect_exit(w, 0);
	peer_expect_exit(r, 0);
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
		peer_expect_exit(holder, 128 + SIGKILL);
	} else {
		domproc_close_stdin(holder);
		free(peer_expect(holder, last_words));
		peer_expect_exit(holder, 0);
	}
}

/* _i: 0 the sharer is killed, 1 it unshares in order */
START_TEST(notify_when_sharer_goes)
{
	unsigned int guest = harness_domain("guest");
	struct domproc *sharer = peer_start(guest, "hold-share 0");
	char *gref = peer_expect(sharer, "gref"), *port = peer_expect(sharer, "port");
	struct domproc *mapper = peer_start(0, "watch-map %u %s %s", guest, port, gref);
	char *local = peer_expect(mapper, "port"), *got, want[64];

	free(peer_expect(mapper, "ready"));
	free(peer_expect(sharer, "ready"));
	end_holder(sharer, _i == 0, "unshared");
	got = peer_expect(mapper, "notified");
	snprintf(want, sizeof(want), "port %s byte 0", local);
	ck_assert_str_eq(got, want);
	peer_expect_exit(mapper, 0);
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
	struct domproc *sharer = peer_start(a, "watch-share %u", b);
	char *gref = peer_expect(sharer, "gref"), *port = peer_expect(sharer, "port"), *got, want[64];
	struct domproc *mapper = peer_start(b, "hold-map %u %s %s", a, port, gref);

	free(peer_expect(mapper, "ready"));
	free(peer_expect(sharer, "ready"));
	end_holder(mapper, _i == 0, "unmapped");
	got = peer_expect(sharer, "notified");
	snprintf(want, sizeof(want), "port %s byte 0", port);
	ck_assert_str_eq(got, want);
	peer_expect_exit(sharer, 0);
	free(gref);
	free(port);
	free(got);
}
END_TEST

START_TEST(grant_copy_both_ways)
{
	unsigned int guest = harness_domain("guest");
	struct domproc *sharer = peer_start(guest, "copy-share 0");
	char *grefs = peer_expect(sharer, "gref"), *port = peer_expect(sharer, "port");
	char *page0 = peer_expect(sharer, "page0");
	struct domproc *copier = peer_start(0, "copy-map %u %s %s", guest, port, grefs);
	char *status = peer_expect(copier, "status"), *read = peer_expect(copier, "read");
	char *wrote = peer_expect(copier, "wrote"), *page1 = peer_expect(sharer, "page1");
	char want[64];

	/* both good segments copied; the bad ref refused each way */
	snprintf(want, sizeof(want), "%d %d %d %d", GNTST_okay, GNTST_okay, GNTST_bad_gntref,
		 GNTST_bad_gntref);
	ck_assert_str_eq(status, want);
	ck_assert_str_eq(read, page0);
	ck_assert_str_eq(wrote, page1);
	peer_expect_exit(copier, 0);
	peer_expect_exit(sharer, 0);
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

	tcase_add_checked_fixture(tc, setup, peer_fixture_down);
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
