// SPDX-License-Identifier: GPL-2.0-only
/*
 * Finding a scenario script (scn_find.h): paths, names looked up in the
 * current directory, $HVSIM_SCENARIO_PATH and the library, in that order,
 * and the places a failed lookup names; and the installation prefix the
 * library is found from (project_files.h).
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "project_files.h"
#include "scn_find.h"

/* tmp/{cwd,a,b,lib}: the current directory, two path entries, the library */
static char tmp[] = "/tmp/hvsim-scn-find-XXXXXX";
static char a[PATH_MAX], b[PATH_MAX], lib[PATH_MAX];
static char found[PATH_MAX], searched[4096];

static void put(const char *dir, const char *name)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("domain alice\n", f);
	fclose(f);
}

static void setup(void)
{
	char cwd[PATH_MAX + 8];

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(cwd, sizeof(cwd), "%s/cwd", tmp);
	snprintf(a, sizeof(a), "%s/a", tmp);
	snprintf(b, sizeof(b), "%s/b", tmp);
	snprintf(lib, sizeof(lib), "%s/lib", tmp);
	ck_assert_int_eq(mkdir(cwd, 0700) | mkdir(a, 0700) | mkdir(b, 0700) | mkdir(lib, 0700), 0);
	ck_assert_int_eq(chdir(cwd), 0);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (chdir("/") || system(cmd))
		fprintf(stderr, "could not remove %s\n", tmp);
}

static int find(const char *arg, const char *path_env)
{
	return scn_find_script(arg, path_env, lib, found, sizeof(found), searched,
			       sizeof(searched));
}

static char *in(const char *dir, const char *name)
{
	static char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

START_TEST(name_found_in_library)
{
	put(lib, "default.scn");
	ck_assert_int_eq(find("default", NULL), 0);
	ck_assert_str_eq(found, in(lib, "default.scn"));
	/* with its suffix too */
	ck_assert_int_eq(find("default.scn", NULL), 0);
	ck_assert_str_eq(found, in(lib, "default.scn"));
}
END_TEST

START_TEST(current_directory_first)
{
	put(lib, "default.scn");
	put(a, "default.scn");
	put(".", "default.scn");
	ck_assert_int_eq(find("default", a), 0);
	ck_assert_str_eq(found, "default.scn");
}
END_TEST

START_TEST(path_in_order_before_library)
{
	char path_env[PATH_MAX * 3];

	put(lib, "x.scn");
	put(b, "x.scn");
	snprintf(path_env, sizeof(path_env), "%s::%s", a, b);	/* an empty entry, skipped */
	ck_assert_int_eq(find("x", path_env), 0);
	ck_assert_str_eq(found, in(b, "x.scn"));
	put(a, "x.scn");
	ck_assert_int_eq(find("x", path_env), 0);
	ck_assert_str_eq(found, in(a, "x.scn"));
}
END_TEST

START_TEST(exact_name_before_suffix)
{
	put(lib, "plain");
	put(lib, "plain.scn");
	ck_assert_int_eq(find("plain", NULL), 0);
	ck_assert_str_eq(found, in(lib, "plain"));
}
END_TEST

START_TEST(directory_is_not_a_script)
{
	ck_assert_int_eq(mkdir("default", 0700), 0);
	put(lib, "default.scn");
	ck_assert_int_eq(find("default", NULL), 0);
	ck_assert_str_eq(found, in(lib, "default.scn"));
}
END_TEST

START_TEST(path_is_not_looked_up)
{
	ck_assert_int_eq(mkdir("sub", 0700), 0);
	put(lib, "default.scn");
	put("sub", "mine.scn");
	ck_assert_int_eq(find("sub/mine", NULL), 0);
	ck_assert_str_eq(found, "sub/mine.scn");
	ck_assert_int_eq(find("./mine", a), -ENOENT);
	ck_assert_str_eq(searched, "./mine");
	/* a path names one file: the library's is not taken for it */
	ck_assert_int_eq(find("./default", NULL), -ENOENT);
	ck_assert_int_eq(find(in(lib, "default"), NULL), 0);
	ck_assert_str_eq(found, in(lib, "default.scn"));
}
END_TEST

START_TEST(not_found_says_where)
{
	char path_env[PATH_MAX * 3], want[PATH_MAX * 4];

	snprintf(path_env, sizeof(path_env), "%s:%s", a, b);
	ck_assert_int_eq(find("nothing", path_env), -ENOENT);
	snprintf(want, sizeof(want), "the current directory, %s, %s, %s", a, b, lib);
	ck_assert_str_eq(searched, want);
	/* no path, no library */
	ck_assert_int_eq(scn_find_script("nothing", "", NULL, found, sizeof(found), searched,
					 sizeof(searched)), -ENOENT);
	ck_assert_str_eq(searched, "the current directory");
}
END_TEST

START_TEST(too_long)
{
	char small[8];

	put(lib, "default.scn");
	ck_assert_int_eq(scn_find_script("default", NULL, lib, small, sizeof(small), NULL, 0),
			 -ENAMETOOLONG);
}
END_TEST

START_TEST(prefix_of_programs)
{
	char p[64];

	ck_assert_int_eq(hvsim_prefix_of("/usr/bin", p, sizeof(p)), 0);
	ck_assert_str_eq(p, "/usr");
	ck_assert_int_eq(hvsim_prefix_of("/usr/lib/hvsim", p, sizeof(p)), 0);
	ck_assert_str_eq(p, "/usr");
	ck_assert_int_eq(hvsim_prefix_of("/tmp/root/usr/local/lib/hvsim/", p, sizeof(p)), 0);
	ck_assert_str_eq(p, "/tmp/root/usr/local");
	ck_assert_int_eq(hvsim_prefix_of("/work/build/h1/bin", p, sizeof(p)), 0);
	ck_assert_str_eq(p, "/work/build/h1");
	ck_assert_int_eq(hvsim_prefix_of("/bin", p, sizeof(p)), 0);
	ck_assert_str_eq(p, "/");
	ck_assert_int_eq(hvsim_prefix_of("/usr/lib/x86_64-linux-gnu", p, sizeof(p)), -ENOENT);
	ck_assert_int_eq(hvsim_prefix_of("/opt/sbin", p, sizeof(p)), -ENOENT);
	ck_assert_int_eq(hvsim_prefix_of("/a/very/long/prefix/bin", p, 8), -ENAMETOOLONG);
}
END_TEST

START_TEST(data_dir_of_this_test)
{
	/* this test runs from $(O)/tests: no prefix there */
	char d[PATH_MAX];

	ck_assert_int_eq(hvsim_data_dir(d, sizeof(d)), -ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scn-find");
	TCase *tc = tcase_create("find");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, name_found_in_library);
	tcase_add_test(tc, current_directory_first);
	tcase_add_test(tc, path_in_order_before_library);
	tcase_add_test(tc, exact_name_before_suffix);
	tcase_add_test(tc, directory_is_not_a_script);
	tcase_add_test(tc, path_is_not_looked_up);
	tcase_add_test(tc, not_found_says_where);
	tcase_add_test(tc, too_long);
	tcase_add_test(tc, prefix_of_programs);
	tcase_add_test(tc, data_dir_of_this_test);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
