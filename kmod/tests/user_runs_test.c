// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostk_copy_runs_to_user (kmod/host/user_runs.c) on a child's memory:
 * the runs land in order, more of them than one call takes, and a run the
 * child cannot take (read-only, unmapped, or crossing into such a page)
 * costs only its own bytes, as if each run were written on its own.
 */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hostif.h"

#define PAGE 4096

/* The child: four pages, read-write, read-only, read-write, none. */
static pid_t child;
static uintptr_t base;
static int hold[2];

static void child_start(void)
{
	int addr[2];
	uint8_t *p;
	char c;

	ck_assert_int_eq(pipe(addr), 0);
	ck_assert_int_eq(pipe(hold), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(1);
		memset(p, 0x11, 3 * PAGE);
		if (mprotect(p + PAGE, PAGE, PROT_READ) ||
		    mprotect(p + 3 * PAGE, PAGE, PROT_NONE))
			_exit(1);
		if (write(addr[1], &p, sizeof(p)) != sizeof(p))
			_exit(1);
		/* until the parent has read what it wrote */
		if (read(hold[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	ck_assert_int_eq(read(addr[0], &base, sizeof(base)), (ssize_t)sizeof(base));
	close(addr[0]);
	close(addr[1]);
}

static void child_stop(void)
{
	int status;

	ck_assert_int_eq(write(hold[1], "x", 1), 1);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(hold[0]);
	close(hold[1]);
}

static uint8_t child_byte(uintptr_t addr)
{
	uint8_t b = 0;
	struct iovec l = { &b, 1 }, r = { (void *)addr, 1 };

	ck_assert_int_eq(process_vm_readv(child, &l, 1, &r, 1, 0), 1);
	return b;
}

START_TEST(runs_land_in_order_and_a_failing_run_costs_only_its_bytes)
{
	static uint8_t data[PAGE];
	struct hostk_run runs[6];

	child_start();
	for (unsigned int i = 0; i < PAGE; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	/* a run, one into the read-only page, one crossing into the
	 * unmapped one, then runs after them, the last rewriting a byte */
	runs[0] = (struct hostk_run){ base + 10, data + 10, 5 };
	runs[1] = (struct hostk_run){ base + PAGE + 100, data + 100, 3 };
	runs[2] = (struct hostk_run){ base + 3 * PAGE - 6, data + 200, 20 };
	runs[3] = (struct hostk_run){ base + 2 * PAGE + 1, data + 1, 1 };
	runs[4] = (struct hostk_run){ base + 4000, data + 4000, 96 };
	runs[5] = (struct hostk_run){ base + 12, data + 300, 1 };
	ck_assert_uint_eq(hostk_copy_runs_to_user(child, runs, 6), 3 + 14);

	for (unsigned int i = 0; i < 5; i++)
		ck_assert_uint_eq(child_byte(base + 10 + i), i == 2 ? data[300] : data[10 + i]);
	ck_assert_uint_eq(child_byte(base + 9), 0x11);
	ck_assert_uint_eq(child_byte(base + 15), 0x11);
	for (unsigned int i = 0; i < 3; i++)
		ck_assert_uint_eq(child_byte(base + PAGE + 100 + i), 0x11);
	for (unsigned int i = 0; i < 6; i++)
		ck_assert_uint_eq(child_byte(base + 3 * PAGE - 6 + i), data[200 + i]);
	ck_assert_uint_eq(child_byte(base + 2 * PAGE + 1), data[1]);
	for (unsigned int i = 0; i < 96; i++)
		ck_assert_uint_eq(child_byte(base + 4000 + i), data[4000 + i]);
	ck_assert_uint_eq(child_byte(base + 4096), 0x11);
	child_stop();
}
END_TEST

/* More runs than one process_vm_writev takes, failing ones among them. */
START_TEST(many_runs_across_calls)
{
	enum { N = 1500 };
	static struct hostk_run runs[N];
	static uint8_t data[N];
	unsigned long expect_missing = 0;

	child_start();
	for (unsigned int i = 0; i < N; i++) {
		/* every other byte of page 0 and page 2; each 97th into page 1 */
		uintptr_t to = i < N / 2 ? base + 2 * i : base + 2 * PAGE + 2 * (i - N / 2);

		data[i] = (uint8_t)(i % 251 + 1);
		if (i % 97 == 50) {
			to = base + PAGE + i;
			expect_missing++;
		}
		runs[i] = (struct hostk_run){ to, data + i, 1 };
	}
	ck_assert_uint_eq(hostk_copy_runs_to_user(child, runs, N), expect_missing);
	for (unsigned int i = 0; i < N; i++) {
		if (i % 97 == 50)
			ck_assert_uint_eq(child_byte(runs[i].to), 0x11);
		else
			ck_assert_uint_eq(child_byte(runs[i].to), data[i]);
		ck_assert_uint_eq(child_byte(runs[i].to + 1), 0x11);
	}
	child_stop();
}
END_TEST

/* A program that is gone: nothing is written, nothing hangs. */
START_TEST(a_gone_program_takes_nothing)
{
	uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct hostk_run runs[2];

	child_start();
	runs[0] = (struct hostk_run){ base, data, 8 };
	runs[1] = (struct hostk_run){ base + 100, data, 4 };
	kill(child, SIGKILL);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	ck_assert_uint_eq(hostk_copy_runs_to_user(child, runs, 2), 12);
	close(hold[0]);
	close(hold[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("user_runs");
	TCase *tc = tcase_create("runs");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, runs_land_in_order_and_a_failing_run_costs_only_its_bytes);
	tcase_add_test(tc, many_runs_across_calls);
	tcase_add_test(tc, a_gone_program_takes_nothing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
