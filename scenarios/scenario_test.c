// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scenario library as tests: every scenarios/NAME.scn runs through
 * hvsim-scenario against its own hvsimd (with guest kernels) and must
 * exit 0.  One check test per script, named in the output; a failure
 * shows the runner's output, which names the line and what differed.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#ifndef SCENARIO_DIR
#define SCENARIO_DIR "scenarios"
#endif

static char **scripts;
static int nscripts;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_scripts(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 4 && !strcmp(e->d_name + len - 4, ".scn")) {
			scripts = realloc(scripts, (size_t)(nscripts + 1) * sizeof(*scripts));
			if (asprintf(&scripts[nscripts], "%s/%s", dir, e->d_name) > 0)
				nscripts++;
		}
	}
	closedir(d);
	qsort(scripts, (size_t)nscripts, sizeof(*scripts), by_name);
}

START_TEST(scenario_runs)
{
	const char *path = scripts[_i];
	char *out = NULL;
	int rc;

	rc = harness_sh(&out, "%s --quiet '%s' 2>&1", harness_exe("hvsim-scenario"), path);
	printf("scenario %s: %s\n", strrchr(path, '/') + 1, rc == 0 ? "passed" : "FAILED");
	fflush(stdout);
	ck_assert_msg(rc == 0, "%s exited %d:\n%s", path, rc, out ? out : "");
	free(out);
}
END_TEST

START_TEST(a_failing_expectation_fails)
{
	/* the runner must say so, and exit 1: a library that always passes
	 * would prove nothing */
	char script[] = "/tmp/hvsim-scenario-test-XXXXXX.scn";
	char *out = NULL;
	int fd = mkstemps(script, 4), rc;
	static const char text[] =
		"domain alice\n"
		"domain bob\n"
		"alice: share 1 page with bob as page\n"
		"alice: write \"hello\" to $page at 0\n"
		"bob: map $page.ref from alice as view\n"
		"bob: read $view at 0 expect \"hellp\"\n"
		"say \"never reached\"\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	rc = harness_sh(&out, "%s '%s' 2>&1", harness_exe("hvsim-scenario"), script);
	unlink(script);
	ck_assert_msg(rc == 1, "exit %d:\n%s", rc, out);
	ck_assert_msg(strstr(out, ":6: the expectation did not hold"), "%s", out);
	ck_assert_msg(strstr(out, "expected: \"hellp\""), "%s", out);
	ck_assert_msg(strstr(out, "actual:   \"hello\""), "%s", out);
	ck_assert_msg(!strstr(out, "never reached"), "%s", out);
	free(out);
}
END_TEST

START_TEST(a_syntax_error_runs_nothing)
{
	char script[] = "/tmp/hvsim-scenario-test-XXXXXX.scn";
	char *out = NULL;
	int fd = mkstemps(script, 4), rc;
	static const char text[] = "domain alice\nalice: share 1 page to bob as page\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	rc = harness_sh(&out, "%s '%s' 2>&1", harness_exe("hvsim-scenario"), script);
	unlink(script);
	ck_assert_msg(rc == 2, "exit %d:\n%s", rc, out);
	ck_assert_msg(strstr(out, ":2:21: expected 'with', not 'to'"), "%s", out);
	ck_assert_msg(strstr(out, "nothing ran"), "%s", out);
	free(out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scenarios");
	TCase *lib = tcase_create("library"), *runner = tcase_create("runner");

	find_scripts(SCENARIO_DIR);
	if (!nscripts) {
		fprintf(stderr, "scenario-test: no scenarios in %s\n", SCENARIO_DIR);
		return 1;
	}
	tcase_set_timeout(lib, 180);
	tcase_add_loop_test(lib, scenario_runs, 0, nscripts);
	tcase_set_timeout(runner, 120);
	tcase_add_test(runner, a_failing_expectation_fails);
	tcase_add_test(runner, a_syntax_error_runs_nothing);
	suite_add_tcase(s, lib);
	suite_add_tcase(s, runner);
	return harness_run(s);
}
