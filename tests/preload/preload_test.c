// SPDX-License-Identifier: GPL-2.0-only
/*
 * The interposer (libhvsim-preload.so) keeps Linux's promises about device
 * files to an unmodified program: readiness that poll, select and epoll
 * see exactly; the open file's lifetime across dup, fork, exec, close with
 * a mapping left, and SIGKILL; threads calling at once; Linux's errnos for
 * garbage.  The program (preload-prog, prog/) runs in the guest domain
 * under the interposer; the test itself plays the other domain, Domain-0,
 * through devclient, and observes from there whether a grant still lives.
 *
 * PRELOAD_TEST_LIB=/path/to/libhvsim-preload.so runs it against another
 * build of the interposer.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "devclient.h"
#include "hvsim/paths.h"
#include "child.h"
#include "peer.h"
/* The Linux tree the kernel is built from (HVSIM_KSRC_VERSION_CODE). */
#include "ksrc_info.h"

#define READINESS_ROUNDS 300
/* gntalloc's limit in the guest: with it a program sees at once whether
 * a file it closed has released its grants (no test holds more at a time) */
#define GUEST_GNTALLOC_LIMIT "8"

static uint16_t guest;		/* where the program runs */
static const uint16_t dom0 = 0;	/* the peer: this test */
static char dom0_s[8];

static void setup(void)
{
	const char *params[] = { "gntalloc.limit=" GUEST_GNTALLOC_LIMIT };
	static char sock[PATH_MAX];

	harness_up(1);
	ck_assert_msg(hvsim_domain_create(harness_ctl(), "guest", 16, params, 1, &guest) == 0,
		      "domain create: %s", hvsim_ctl_error(harness_ctl()));
	snprintf(dom0_s, sizeof(dom0_s), "%u", dom0);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), dom0, sock, sizeof(sock)), 0);
	peer_init(sock);
}

static void teardown(void)
{
	harness_down();
}

/* What the program said after its key: one number. */
static uint32_t number(const char *s)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	ck_assert_msg(end != s && !*end, "not a number: '%s'", s);
	return (uint32_t)n;
}

static void finish(struct child *c)
{
	child_say(c, "quit");
	ck_assert_int_eq(child_wait(c, 5000), 0);
}

/* The grant must still be there: mappable, saying `text`. */
static void alive(uint32_t ref, const char *text)
{
	/* (a release set off by mistake would have run by then) */
	usleep(50 * 1000);
	peer_expect_page(guest, ref, text);
}

/*
 * The grant must be gone now: the program's close(2) or munmap(2) that
 * ended the file returned after its release, as in Linux.  (A released
 * ref is the one the granter's next grant reuses, so the programs grant
 * nothing more while the test looks.)
 */
static void released(uint32_t ref, const char *after)
{
	ck_assert_msg(peer_grant_released(guest, ref, 0),
		      "ref %u is still mappable after %s", ref, after);
}

/*
 * The grant must go once the process has exited.  (On Linux it is gone
 * before the parent's wait returns; here the guest kernel learns of the
 * exit from a pidfd, a moment later.)
 */
static void released_after_exit(uint32_t ref)
{
	ck_assert_msg(peer_grant_released(guest, ref, 3000),
		      "ref %u is still mappable 3 s after its last holder exited", ref);
}

/* ---- 1. readiness ------------------------------------------------------- */

/*
 * The program watches its port with epoll (level and edge), poll and
 * select in turn; we notify at random moments after it says it is armed.
 * It checks that it is never ready early or late, never blocks in a read,
 * and counts the events.
 */
START_TEST(evtchn_readiness_is_exact)
{
	char rounds[8];
	const char *args[] = { "readiness", dom0_s, rounds, NULL };
	struct hvsim_dev *e = peer_evtchn();
	unsigned int seed = (unsigned int)time(NULL);
	struct child c;
	uint32_t port, local;
	char want[32];

	snprintf(rounds, sizeof(rounds), "%d", READINESS_ROUNDS);
	child_start(&c, guest, args);
	port = number(child_expect(&c, "port", 5000));
	local = peer_bind(e, guest, port);
	child_say(&c, "bound");
	for (int round = 0; round < READINESS_ROUNDS; round++) {
		snprintf(want, sizeof(want), "%d", round);
		ck_assert_str_eq(child_expect(&c, "armed", 10000), want);
		switch (rand_r(&seed) % 4) {
		case 0:
			break;			/* at once */
		case 1:
			sched_yield();
			break;
		default:
			usleep((useconds_t)(rand_r(&seed) % 2000));
		}
		peer_notify(e, local);
	}
	snprintf(want, sizeof(want), "%d", READINESS_ROUNDS);
	ck_assert_str_eq(child_expect(&c, "events", 10000), want);
	finish(&c);
	hvsim_dev_close(e);
}
END_TEST

/*
 * Two ports on one descriptor, each notified again as soon as the program
 * has its event: one port's event lands while the program reads and
 * unmasks the other's.  No event may be lost or seen twice.
 */
START_TEST(evtchn_readiness_with_two_ports_interleaved)
{
	char rounds[8];
	const char *args[] = { "readiness-two", dom0_s, rounds, NULL };
	struct hvsim_dev *e = peer_evtchn();
	uint32_t port[2], local[2], got;
	unsigned int seed = (unsigned int)time(NULL);
	int n, count[2] = { 0, 0 };
	char want[32];
	struct child c;

	snprintf(rounds, sizeof(rounds), "%d", READINESS_ROUNDS);
	child_start(&c, guest, args);
	ck_assert_int_eq(sscanf(child_expect(&c, "ports", 5000), "%u %u", &port[0], &port[1]), 2);
	for (int i = 0; i < 2; i++)
		local[i] = peer_bind(e, guest, port[i]);
	child_say(&c, "bound");
	peer_notify(e, local[0]);
	peer_notify(e, local[1]);
	while (count[0] < READINESS_ROUNDS || count[1] < READINESS_ROUNDS) {
		int which;

		ck_assert_int_eq(sscanf(child_expect(&c, "got", 10000), "%u %d", &got, &n), 2);
		which = got == port[1];
		ck_assert_msg(got == port[which], "an event on port %u", got);
		ck_assert_int_eq(n, ++count[which]);
		if (count[which] < READINESS_ROUNDS) {
			if (rand_r(&seed) % 2)
				usleep((useconds_t)(rand_r(&seed) % 500));
			peer_notify(e, local[which]);
		}
	}
	snprintf(want, sizeof(want), "%d %d", READINESS_ROUNDS, READINESS_ROUNDS);
	ck_assert_str_eq(child_expect(&c, "events", 10000), want);
	finish(&c);
	hvsim_dev_close(e);
}
END_TEST

/* ---- 2. dup ------------------------------------------------------------- */

START_TEST(dup_copies_share_the_file_until_the_last_close)
{
	const char *args[] = { "dup", dom0_s, GUEST_GNTALLOC_LIMIT, NULL };
	uint32_t ref[5], victim, via;
	char text[8];
	struct child c;

	child_start(&c, guest, args);
	ck_assert_int_eq(sscanf(child_expect(&c, "refs", 5000), "%u %u %u %u %u", &ref[0],
				&ref[1], &ref[2], &ref[3], &ref[4]), 5);
	/* each copy's ioctl and mmap went to the one file */
	for (int i = 0; i < 5; i++) {
		snprintf(text, sizeof(text), "copy %d", i);
		peer_expect_page(guest, ref[i], text);
	}
	/* dup2 onto another device's descriptor closes that one's file */
	victim = number(child_expect(&c, "victim", 5000));
	alive(victim, "");
	child_say(&c, "replace");
	child_expect(&c, "replaced", 5000);
	released(victim, "dup2 replaced its only descriptor");
	child_say(&c, "grant");
	via = number(child_expect(&c, "via", 5000));
	child_say(&c, "close original");
	child_expect(&c, "closed original", 5000);
	alive(ref[0], "copy 0");
	alive(via, "");
	child_say(&c, "close copies");
	child_expect(&c, "closed copies", 5000);
	alive(ref[0], "copy 0");
	alive(ref[3], "copy 3");
	child_say(&c, "close all");
	child_expect(&c, "closed all", 5000);
	for (int i = 0; i < 5; i++)
		released(ref[i], "the last copy was closed");
	released(via, "the last copy was closed");
	child_say(&c, "reopen");
	alive(number(child_expect(&c, "reopened", 5000)), "");
	finish(&c);
}
END_TEST

/* ---- 3. fork ------------------------------------------------------------ */

START_TEST(fork_shares_the_file_and_the_mapping)
{
	const char *args[] = { "fork", dom0_s, NULL };
	struct peer_map m;
	uint32_t ref, ref2;
	struct child c;

	child_start(&c, guest, args);
	ref = number(child_expect(&c, "ref", 5000));
	peer_expect_page(guest, ref, "parent");
	child_say(&c, "fork");
	ref2 = number(child_expect(&c, "child wrote", 5000));
	/* the child's write through the inherited mapping, its grant
	 * through the inherited descriptor */
	peer_expect_page(guest, ref, "child");
	peer_expect_page(guest, ref2, "");
	child_say(&c, "next");
	child_expect(&c, "parent closed", 5000);
	/* the child's mapping alone holds the file now */
	alive(ref, "child");
	alive(ref2, "");
	ck_assert_int_eq(peer_map(&m, guest, ref), 0);
	child_say(&c, "write");
	child_expect(&c, "child wrote again", 5000);
	ck_assert_str_eq((const char *)m.addr, "child again");
	peer_unmap(&m);
	child_say(&c, "exit");
	ck_assert_str_eq(child_expect(&c, "child exited", 5000), "0");
	released_after_exit(ref);
	released_after_exit(ref2);
	finish(&c);
}
END_TEST

/* ---- 4. exec ------------------------------------------------------------ */

START_TEST(exec_keeps_descriptors_without_cloexec_and_drops_mappings)
{
	const char *args[] = { "exec", dom0_s, NULL };
	uint32_t ref, ref2;
	struct child c;

	child_start(&c, guest, args);
	ref = number(child_expect(&c, "ref", 5000));
	child_say(&c, "exec");
	/* the new image checks its descriptors itself */
	ck_assert_int_eq(atoi(child_expect(&c, "pid", 5000)), c.pid);
	ref2 = number(child_expect(&c, "ref2", 5000));
	alive(ref, "before exec");
	alive(ref2, "after exec");
	child_say(&c, "close");
	child_expect(&c, "closed", 5000);
	/* the old image's mapping went with it: nothing holds the file */
	released(ref, "the new image closed the inherited descriptor");
	released(ref2, "the new image closed the inherited descriptor");
	ck_assert(child_alive(&c));
	finish(&c);
}
END_TEST

/* Children that exec take their copies of the mappings, never ours. */
START_TEST(children_that_exec_leave_the_parents_mappings)
{
	const char *args[] = { "spawn", dom0_s, NULL };
	struct child c;
	uint32_t ref;

	child_start(&c, guest, args);
	ref = number(child_expect(&c, "ref", 5000));
	/* exit statuses of the posix_spawn'd and the fork+exec'd child */
	ck_assert_str_eq(child_expect(&c, "spawned", 10000), "0 0");
	child_say(&c, "close");
	child_expect(&c, "closed", 5000);
	alive(ref, "spawner");
	child_say(&c, "unmap");
	child_expect(&c, "unmapped", 5000);
	released(ref, "its last mapping went");
	finish(&c);
}
END_TEST

/* ---- 5. close while mapped ---------------------------------------------- */

START_TEST(a_mapping_keeps_the_file_after_close)
{
	const char *args[] = { "close-mapped", dom0_s, NULL };
	struct peer_map m;
	uint32_t ref;
	struct child c;

	child_start(&c, guest, args);
	ref = number(child_expect(&c, "ref", 5000));
	usleep(50 * 1000);
	ck_assert_msg(peer_map(&m, guest, ref) == 0, "the grant went with the descriptor");
	ck_assert_str_eq((const char *)m.addr, "after close");
	strcpy((char *)m.addr + 1024, "from the peer");
	child_say(&c, "check");
	child_expect(&c, "seen", 5000);
	peer_unmap(&m);
	child_say(&c, "unmap");
	child_expect(&c, "unmapped", 5000);
	released(ref, "its last mapping went");
	finish(&c);
}
END_TEST

/* ---- 6. threads --------------------------------------------------------- */

START_TEST(threads_call_at_once_and_signals_interrupt_reads)
{
	const char *args[] = { "threads", dom0_s, NULL };
	struct hvsim_dev *e = peer_evtchn();
	uint32_t port, local;
	char want[16];
	struct child c;

	child_start(&c, guest, args);
	port = number(child_expect(&c, "port", 5000));
	snprintf(want, sizeof(want), "%u", port);
	local = peer_bind(e, guest, port);
	child_say(&c, "bound");
	child_expect(&c, "ioctls done", 15000);
	peer_notify(e, local);
	ck_assert_str_eq(child_expect(&c, "read", 15000), want);
	child_expect(&c, "eintr", 15000);
	child_expect(&c, "still blocked", 5000);
	peer_notify(e, local);
	ck_assert_str_eq(child_expect(&c, "restarted", 15000), want);
	child_expect(&c, "forked", 15000);
	peer_notify(e, local);
	ck_assert_str_eq(child_expect(&c, "read after fork", 15000), want);
	finish(&c);
	hvsim_dev_close(e);
}
END_TEST

/* ---- 7. SIGKILL with an unmap notification ------------------------------- */

START_TEST(sigkill_of_the_granter_fires_its_unmap_notify)
{
	const char *args[] = { "notify", dom0_s, NULL };
	struct hvsim_dev *e = peer_evtchn();
	uint32_t ref, port, local;
	struct peer_map m;
	struct child c;
	long got;
	int i;

	child_start(&c, guest, args);
	ck_assert_int_eq(sscanf(child_expect(&c, "ref", 5000), "%u port %u", &ref, &port), 2);
	local = peer_bind(e, guest, port);
	ck_assert_int_eq(peer_map(&m, guest, ref), 0);
	ck_assert_uint_eq((uint8_t)m.addr[100], 0x5a);
	ck_assert_int_eq(peer_next_event(e, 100), -ETIMEDOUT);

	kill(c.pid, SIGKILL);
	ck_assert_int_eq(child_wait(&c, 5000), 128 + SIGKILL);
	got = peer_next_event(e, 3000);
	ck_assert_msg(got == (long)local, "no unmap event on port %u: %ld", local, got);
	for (i = 0; i < 300 && m.addr[100]; i++)
		usleep(10000);
	ck_assert_msg(m.addr[100] == 0, "the notify byte was not cleared");
	ck_assert_int_eq(m.addr[101], 0);	/* only that byte */
	peer_unmap(&m);
	hvsim_dev_close(e);
}
END_TEST

/* ---- 8. garbage --------------------------------------------------------- */

START_TEST(garbage_gets_linux_errnos)
{
	const char *args[] = { "garbage", NULL };
	char bad[4096] = "";
	const char *l;
	struct child c;
	int n = 0;

	child_start(&c, guest, args);
	while ((l = child_line(&c, 10000)) && strncmp(l, "done", 4)) {
		ck_assert_msg(strncmp(l, "error", 5), "garbage: %s", l);
		if (!strncmp(l, "bad", 3) && strlen(bad) + strlen(l) + 2 < sizeof(bad)) {
			strcat(bad, l);
			strcat(bad, "\n");
		}
		n++;
	}
	ck_assert_msg(l != NULL, "garbage: no end (exit status %d)", child_wait(&c, 1000));
	ck_assert_msg(!bad[0], "not Linux's errnos:\n%s", bad);
	ck_assert_int_ge(n, 30);	/* every case answered */
	finish(&c);
}
END_TEST

/* ---- 9. mprotect -------------------------------------------------------- */

/*
 * The program's mprotect of a device mapping is its kernel's to decide:
 * a private read-only grant mapping never becomes writable from Linux
 * 6.12 on (gntdev clears VM_MAYWRITE), while 6.1 lets it and the write
 * makes a private copy; its own shared mappings and ordinary memory go
 * read-only and back.
 */
START_TEST(mprotect_goes_to_the_kernel)
{
	const char *args[] = { "mprotect", NULL };
	struct child c;

	child_start(&c, guest, args);
	if (HVSIM_KSRC_VERSION_CODE >= (6 << 16) + (12 << 8)) {
		ck_assert_str_eq(child_expect(&c, "private", 10000), "EACCES");
	} else {
		ck_assert_str_eq(child_expect(&c, "private", 10000), "0");
		ck_assert_str_eq(child_expect(&c, "copy", 5000), "B A");
	}
	ck_assert_str_eq(child_expect(&c, "shared", 5000), "0 0");
	ck_assert_str_eq(child_expect(&c, "plain", 5000), "0");
	child_expect(&c, "done", 5000);
	finish(&c);
}
END_TEST

static Suite *preload_suite(void)
{
	Suite *s = suite_create("preload");
	TCase *tc = tcase_create("preload");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, evtchn_readiness_is_exact);
	tcase_add_test(tc, evtchn_readiness_with_two_ports_interleaved);
	tcase_add_test(tc, dup_copies_share_the_file_until_the_last_close);
	tcase_add_test(tc, fork_shares_the_file_and_the_mapping);
	tcase_add_test(tc, exec_keeps_descriptors_without_cloexec_and_drops_mappings);
	tcase_add_test(tc, children_that_exec_leave_the_parents_mappings);
	tcase_add_test(tc, a_mapping_keeps_the_file_after_close);
	tcase_add_test(tc, threads_call_at_once_and_signals_interrupt_reads);
	tcase_add_test(tc, sigkill_of_the_granter_fires_its_unmap_notify);
	tcase_add_test(tc, garbage_gets_linux_errnos);
	tcase_add_test(tc, mprotect_goes_to_the_kernel);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(preload_suite());
}
