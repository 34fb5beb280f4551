// SPDX-License-Identifier: GPL-2.0-only
/*
 * The harness's own promises (harness.h, harness.c): a test that fails
 * before its teardown leaves the end of hvsimd's log in its output and
 * nothing in /tmp (the directory stays with HVSIM_TEST_KEEP); a pid file
 * that a dead hvsimd left behind kills nobody who has that pid now.
 *
 * The failing test is this program run again with --fail-after-up.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "hvsim/paths.h"

#define ON_PURPOSE "failed on purpose in "

START_TEST(fails_after_up)
{
	harness_up(0);
	ck_abort_msg(ON_PURPOSE "%s.", harness_dir());
}
END_TEST

/* Runs the failing test; its output in *out, its directory in dir. */
static void run_failing_test(const char *env, char **out, char *dir, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *at, *end;

	ck_assert_int_gt(n, 0);
	self[n] = 0;
	ck_assert_int_eq(harness_sh(out, "%s '%s' --fail-after-up 2>&1", env, self), 1);
	at = strstr(*out, ON_PURPOSE);
	ck_assert_msg(at, "%s", *out);
	at += strlen(ON_PURPOSE);
	end = strchr(at, '.');
	ck_assert_msg(end && (size_t)(end - at) < len, "%s", *out);
	memcpy(dir, at, (size_t)(end - at));
	dir[end - at] = 0;
}

START_TEST(a_failed_test_shows_hvsimds_log_and_leaves_nothing)
{
	char dir[PATH_MAX], *out;
	struct stat st;

	run_failing_test("unset HVSIM_TEST_KEEP;", &out, dir, sizeof(dir));
	ck_assert_msg(strstr(out, "harness: the test ended without its teardown; the end of ") &&
		      strstr(out, "hvsimd.log:") && strstr(out, ": running in "), "%s", out);
	ck_assert_msg(stat(dir, &st) < 0 && errno == ENOENT, "%s is still there", dir);
	free(out);
}
END_TEST

START_TEST(hvsim_test_keep_keeps_the_directory)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], *out;
	struct stat st;

	run_failing_test("HVSIM_TEST_KEEP=1", &out, dir, sizeof(dir));
	ck_assert_msg(strstr(out, "(HVSIM_TEST_KEEP)"), "%s", out);
	snprintf(path, sizeof(path), "%s/%s", dir, HVSIM_LOG_FILE);
	ck_assert_msg(stat(path, &st) == 0 && st.st_size > 0, "no %s", path);
	snprintf(path, sizeof(path), "%s/%s", dir, HVSIM_TRACE_FILE);
	ck_assert_msg(stat(path, &st) == 0, "no %s", path);
	/* kept, but stopped: a stopped hvsimd removes its pid file */
	snprintf(path, sizeof(path), "%s/%s", dir, HVSIM_PID_FILE);
	ck_assert_msg(stat(path, &st) < 0, "hvsimd still runs in %s", dir);
	ck_assert_int_eq(harness_sh(NULL, "rm -rf '%s'", dir), 0);
	free(out);
}
END_TEST

/*
 * hvsimd is killed, its pid file stays, and the pid in it is now a
 * bystander's (pids wrap at 32768 on many machines): tearing down must not
 * kill the bystander.
 */
START_TEST(a_dead_hvsimds_pid_file_kills_nobody)
{
	char path[PATH_MAX], pid[32];
	pid_t bystander, hvsimd;
	FILE *f;
	int fd;

	harness_up(0);
	snprintf(path, sizeof(path), "%s/%s", harness_dir(), HVSIM_PID_FILE);
	f = fopen(path, "re");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%d", &hvsimd), 1);
	fclose(f);
	bystander = fork();
	ck_assert_int_ge(bystander, 0);
	if (bystander == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_eq(kill(hvsimd, SIGKILL), 0);
	/* dead once its lock is free (a zombie keeps its pid, not its locks) */
	fd = open(path, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	for (int ms = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; ms += 10) {
		ck_assert_msg(ms < 20000, "hvsimd did not die");
		usleep(10000);
	}
	snprintf(pid, sizeof(pid), "%d\n", bystander);
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(write(fd, pid, strlen(pid)), (ssize_t)strlen(pid));
	close(fd);

	harness_down();
	ck_assert_msg(waitpid(bystander, NULL, WNOHANG) == 0,
		      "tearing down killed pid %d, which a dead hvsimd's pid file named",
		      bystander);
	kill(bystander, SIGKILL);
	ck_assert_int_eq(harness_wait(bystander), 128 + SIGKILL);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("harness");
	TCase *tc = tcase_create("harness");

	if (argc > 1 && strcmp(argv[1], "--fail-after-up") == 0) {
		tcase_add_test(tc, fails_after_up);
		suite_add_tcase(s, tc);
		return harness_run(s);
	}
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_failed_test_shows_hvsimds_log_and_leaves_nothing);
	tcase_add_test(tc, hvsim_test_keep_keeps_the_directory);
	tcase_add_test(tc, a_dead_hvsimds_pid_file_kills_nobody);
	suite_add_tcase(s, tc);
	return harness_run(s);
}
