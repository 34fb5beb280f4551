// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hvsim run DOMAIN -- PROGRAM`: a real hvsimd with guest kernels, the
 * real CLI, and probe programs linked with Debian's Xen libraries.
 */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvsim/paths.h"
#include "domain_env.h"
#include "harness.h"
#include "project_files.h"

static uint16_t guest;

static void setup(void)
{
	harness_up(1);
	guest = harness_domain("guest");
}

static void setup_kernelless(void)
{
	harness_up(0);
	guest = harness_domain("guest");
}

static void teardown(void)
{
	harness_down();
}

/* A probe program built into tests/run/ beside this test. */
static const char *probe(const char *name)
{
	static char buf[2][PATH_MAX];
	static int next;
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *p = buf[next++ % 2];

	ck_assert_int_gt(len, 0);
	self[len] = 0;
	*strrchr(self, '/') = 0;
	ck_assert_int_lt(snprintf(p, PATH_MAX, "%s/run/%s", self, name), PATH_MAX);
	ck_assert_msg(access(p, X_OK) == 0, "%s is not built", p);
	return p;
}

/* An executable file in the state directory holding `text`; its path. */
static const char *script(const char *text)
{
	static char path[PATH_MAX];
	static int nr;
	FILE *f;

	snprintf(path, sizeof(path), "%s/script%d", harness_dir(), nr++);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0755), 0);
	return path;
}

/* `hvsim run ARGS` (a shell fragment); its exit status, stdout+stderr in *out. */
#define hvsim_run(out, fmt, ...) \
	harness_sh(out, "'%s' run " fmt " 2>&1", harness_exe("hvsim"), __VA_ARGS__)

static void assert_has(const char *out, const char *what)
{
	ck_assert_msg(strstr(out, what) != NULL, "expected \"%s\" in:\n%s", what, out);
}

START_TEST(unknown_domain)
{
	char *out;
	int rc = hvsim_run(&out, "nosuch -- '%s' exit 0", probe("run-probe"));

	ck_assert_int_eq(rc, 1);
	assert_has(out, "no domain 'nosuch'");
	assert_has(out, "hvsim list");
	free(out);
}
END_TEST

START_TEST(no_hvsimd)
{
	char *out;
	int rc = harness_sh(&out, "HVSIM_DIR='%s/nowhere' '%s' run guest -- true 2>&1",
			    harness_dir(), harness_exe("hvsim"));

	ck_assert_int_eq(rc, 1);
	assert_has(out, "no hvsimd runs");
	assert_has(out, "hvsim up");
	free(out);
}
END_TEST

START_TEST(kernelless_domain)
{
	char *out, expect[64];
	int rc = hvsim_run(&out, "guest -- '%s' exit 0", probe("run-probe"));

	ck_assert_int_eq(rc, 1);
	snprintf(expect, sizeof(expect), "domain 'guest' (domid %u) has no guest kernel", guest);
	assert_has(out, expect);
	free(out);
}
END_TEST

START_TEST(static_program_refused)
{
	char *out;
	int rc = hvsim_run(&out, "guest -- '%s'", probe("static-probe"));

	ck_assert_int_eq(rc, 126);
	assert_has(out, "is statically linked");
	assert_has(out, "cannot reach a static program");
	ck_assert_msg(!strstr(out, "static-probe ran"), "the static program ran:\n%s", out);
	free(out);
}
END_TEST

/* run-probe claiming another machine: the loader would skip the interposer */
START_TEST(other_machine_refused)
{
	char path[PATH_MAX], *out;
	Elf64_Half machine;
	int rc, fd;

	snprintf(path, sizeof(path), "%s/foreign-probe", harness_dir());
	ck_assert_int_eq(harness_sh(NULL, "cp '%s' '%s'", probe("run-probe"), path), 0);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &machine, sizeof(machine), offsetof(Elf64_Ehdr, e_machine)),
			 sizeof(machine));
	machine = machine == EM_AARCH64 ? EM_X86_64 : EM_AARCH64;
	ck_assert_int_eq(pwrite(fd, &machine, sizeof(machine), offsetof(Elf64_Ehdr, e_machine)),
			 sizeof(machine));
	close(fd);
	rc = hvsim_run(&out, "guest -- '%s'", path);
	ck_assert_msg(rc == 126, "foreign-probe gave %d:\n%s", rc, out);
	assert_has(out, machine == EM_AARCH64 ? "64-bit aarch64 program" : "64-bit x86-64 program");
	assert_has(out, "the interposer is");
	free(out);
}
END_TEST

START_TEST(script_with_static_interpreter_refused)
{
	char text[PATH_MAX + 8], *out;
	int rc;

	snprintf(text, sizeof(text), "#!%s\n", probe("static-probe"));
	rc = hvsim_run(&out, "guest -- '%s'", script(text));
	ck_assert_int_eq(rc, 126);
	assert_has(out, "bad interpreter");
	assert_has(out, "is statically linked");
	free(out);
}
END_TEST

START_TEST(missing_or_unexecutable_program)
{
	char path[PATH_MAX], *out;
	int rc;

	rc = hvsim_run(&out, "guest -- '%s/none' x", harness_dir());
	ck_assert_int_eq(rc, 127);
	assert_has(out, strerror(ENOENT));
	free(out);

	rc = hvsim_run(&out, "guest -- %s", "hvsim-run-test-no-such-command");
	ck_assert_int_eq(rc, 127);
	assert_has(out, "not found in $PATH");
	free(out);

	/* the state directory's pid file: there, but not executable */
	snprintf(path, sizeof(path), "%s/hvsimd.pid", harness_dir());
	rc = hvsim_run(&out, "guest -- '%s'", path);
	ck_assert_int_eq(rc, 126);
	assert_has(out, strerror(EACCES));
	free(out);
}
END_TEST

START_TEST(exit_status_is_the_programs)
{
	char *out;
	int rc;

	rc = hvsim_run(&out, "guest -- '%s' exit 7", probe("run-probe"));
	ck_assert_msg(rc == 7, "exit 7 gave %d:\n%s", rc, out);
	free(out);
	rc = hvsim_run(&out, "%u '%s' exit 0", guest, probe("run-probe"));
	ck_assert_msg(rc == 0, "exit 0 gave %d:\n%s", rc, out);
	free(out);
	/* found along $PATH */
	rc = hvsim_run(&out, "Domain-0 -- %s", "sh -c 'exit 9'");
	ck_assert_msg(rc == 9, "sh -c 'exit 9' gave %d:\n%s", rc, out);
	free(out);
	/* a #! script; a file without #!, which execvp() gives to /bin/sh */
	rc = hvsim_run(&out, "guest -- '%s' a b", script("#!/bin/sh\necho \"$@\"; exit 5\n"));
	ck_assert_msg(rc == 5 && !strcmp(out, "a b\n"), "#! script gave %d:\n%s", rc, out);
	free(out);
	rc = hvsim_run(&out, "guest -- '%s' c", script("echo \"$@\"; exit 6\n"));
	ck_assert_msg(rc == 6 && !strcmp(out, "c\n"), "script without #! gave %d:\n%s", rc,
		      out);
	free(out);
}
END_TEST

START_TEST(environment)
{
	char dir[PATH_MAX], preload[PATH_MAX], searched[4 * PATH_MAX], expect[4 * PATH_MAX];
	char xs[PATH_MAX];
	char *out;
	int rc;

	ck_assert_ptr_nonnull(realpath(harness_dir(), dir));
	ck_assert_msg(hvsim_find_lib(HVSIM_PRELOAD_LIB, preload, sizeof(preload), searched,
				     sizeof(searched)) == 0,
		      "the interposer is not built (looked in %s)", searched);
	rc = harness_sh(&out, "env -u LD_PRELOAD '%s' run guest -- '%s' env 2>&1",
			harness_exe("hvsim"), probe("run-probe"));
	ck_assert_msg(rc == 0, "run-probe env: %d\n%s", rc, out);
	ck_assert_int_eq(hvsim_xenstore_socket(dir, guest, xs, sizeof(xs)), 0);
	snprintf(expect, sizeof(expect),
		 "LD_PRELOAD=%s\nHVSIM_DIR=%s\nHVSIM_DOMID=%u\nXENSTORED_PATH=%s\n",
		 preload, dir, guest, xs);
	ck_assert_str_eq(out, expect);
	free(out);

	/* by domid */
	rc = harness_sh(&out, "env -u LD_PRELOAD '%s' run 0 -- '%s' env 2>&1",
			harness_exe("hvsim"), probe("run-probe"));
	ck_assert_msg(rc == 0, "run-probe env: %d\n%s", rc, out);
	ck_assert_int_eq(hvsim_xenstore_socket(dir, 0, xs, sizeof(xs)), 0);
	snprintf(expect, sizeof(expect),
		 "LD_PRELOAD=%s\nHVSIM_DIR=%s\nHVSIM_DOMID=0\nXENSTORED_PATH=%s\n",
		 preload, dir, xs);
	ck_assert_str_eq(out, expect);
	free(out);
}
END_TEST

/*
 * An earlier LD_PRELOAD stays, after the interposer; stale values of the
 * other variables go.  (In-process: an LD_PRELOAD in front of a sanitized
 * hvsim would upset the sanitizer runtime.)
 */
START_TEST(environment_merge)
{
	char *const old[] = {
		"PATH=/bin", "HVSIM_DOMID=99", "LD_PRELOAD=/x/a.so:/lib/p.so /b.so",
		"XENSTORED_PATH=/stale", "HVSIM_DIR=/stale", "LD_PRELOAD=/second.so", NULL,
	};
	char dir[PATH_MAX], xs[PATH_MAX], expect[3][PATH_MAX + 64];
	char **env = hvsim_domain_env(old, harness_dir(), 3, "/lib/p.so");
	size_t n = 0;

	ck_assert_msg(env != NULL, "hvsim_domain_env: %s", strerror(errno));
	ck_assert_ptr_nonnull(realpath(harness_dir(), dir));
	snprintf(expect[0], sizeof(expect[0]), "HVSIM_DIR=%s", dir);
	ck_assert_int_eq(hvsim_xenstore_socket(dir, 3, xs, sizeof(xs)), 0);
	snprintf(expect[1], sizeof(expect[1]), "XENSTORED_PATH=%s", xs);
	while (env[n])
		n++;
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(env[0], "PATH=/bin");
	ck_assert_str_eq(env[1], "LD_PRELOAD=/lib/p.so /x/a.so /b.so");
	ck_assert_str_eq(env[2], expect[0]);
	ck_assert_str_eq(env[3], "HVSIM_DOMID=3");
	ck_assert_str_eq(env[4], expect[1]);
	hvsim_env_free(env);
}
END_TEST

START_TEST(xenstore_is_the_domains)
{
	char *out, expect[16];
	int rc = hvsim_run(&out, "guest -- '%s' xs-domid", probe("run-probe"));

	ck_assert_msg(rc == 0, "run-probe xs-domid: %d\n%s", rc, out);
	snprintf(expect, sizeof(expect), "%u\n", guest);
	ck_assert_str_eq(out, expect);
	free(out);
	rc = hvsim_run(&out, "Domain-0 -- '%s' xs-domid", probe("run-probe"));
	ck_assert_msg(rc == 0, "run-probe xs-domid: %d\n%s", rc, out);
	ck_assert_str_eq(out, "0\n");
	free(out);
}
END_TEST

/* The interposer reaches the program: libxenevtchn's open and ioctl. */
START_TEST(evtchn_reaches_the_domains_kernel)
{
	char *out, *trace;
	int rc, port;

	rc = hvsim_run(&out, "guest -- '%s' evtchn 0", probe("run-probe"));
	ck_assert_msg(rc == 0, "run-probe evtchn 0: %d\n%s", rc, out);
	ck_assert_msg(sscanf(out, "%d", &port) == 1 && port > 0, "no port in:\n%s", out);
	free(out);
	/* the hypervisor saw the guest's own alloc_unbound for dom0 */
	rc = harness_sh(&trace, "'%s' trace --json | grep -c "
			"'\"dom\":%u,.*\"cmd\":\"alloc_unbound\",.*\"rc\":0,.*"
			"\"remote_dom\":0,\"port\":%d}'", harness_exe("hvsim"), guest, port);
	ck_assert_msg(rc == 0, "no alloc_unbound of port %d by dom%u in the trace", port, guest);
	free(trace);

	/* without hvsim run the same program reaches the host's (missing) device */
	if (access("/dev/xen/evtchn", F_OK) != 0) {
		rc = harness_sh(&out, "env -u LD_PRELOAD '%s' evtchn 0 2>&1", probe("run-probe"));
		ck_assert_msg(rc == 1, "run-probe evtchn outside a domain: %d\n%s", rc, out);
		free(out);
	}
}
END_TEST

/* The domain's kernel: the peer of its device socket. */
static pid_t kernel_pid(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd;

	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), guest, a.sun_path,
					      sizeof(a.sun_path)), 0);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "%s: %s",
		      a.sun_path, strerror(errno));
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len), 0);
	close(fd);
	return cred.pid;
}

static int open_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	ck_assert_msg(d != NULL, "%s: %s", path, strerror(errno));
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/*
 * A kernel's descriptors do not grow with the programs it has served: each
 * call thread's wake eventfd and caller pidfd are reused (they leaked, two
 * per program thread, until EMFILE).
 */
START_TEST(kernel_fds_do_not_grow_with_programs)
{
	pid_t kpid = kernel_pid();
	char *out;
	int before, after, rc;

	rc = hvsim_run(&out, "guest -- '%s' evtchn 0", probe("run-probe"));
	ck_assert_msg(rc == 0, "run-probe: %d\n%s", rc, out);
	free(out);
	before = open_fds(kpid);
	for (int i = 0; i < 30; i++) {
		rc = hvsim_run(&out, "guest -- '%s' evtchn 0", probe("run-probe"));
		ck_assert_msg(rc == 0, "run-probe %d: %d\n%s", i, rc, out);
		free(out);
	}
	/* the last program's connection may still be ending */
	for (int tries = 0; tries < 50 && (after = open_fds(kpid)) > before + 4; tries++)
		usleep(20 * 1000);
	ck_assert_msg(after <= before + 4, "kernel fds %d -> %d after 30 programs", before, after);
}
END_TEST

START_TEST(usage_documents_run)
{
	char *out;

	ck_assert_int_eq(harness_sh(&out, "'%s' --help", harness_exe("hvsim")), 0);
	assert_has(out, "run DOMAIN [--] PROGRAM [ARGS...]");
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' run --help", harness_exe("hvsim")), 0);
	assert_has(out, "usage: hvsim run DOMAIN");
	assert_has(out, "XENSTORED_PATH");
	free(out);
	/* no program: a usage error */
	ck_assert_int_eq(harness_sh(&out, "'%s' run guest -- 2>&1", harness_exe("hvsim")), 2);
	free(out);
}
END_TEST

/* `hvsim scenario ARGS` hands ARGS to hvsim-scenario, found as hvsimd is. */
START_TEST(scenario_hands_over)
{
	char libexec[PATH_MAX], runner[PATH_MAX + 32], *out;
	int rc;

	snprintf(libexec, sizeof(libexec), "%s/libexec", harness_dir());
	ck_assert_int_eq(mkdir(libexec, 0700), 0);
	snprintf(runner, sizeof(runner), "%s/hvsim-scenario", libexec);
	ck_assert_int_eq(rename(script("#!/bin/sh\necho \"${0##*/}: $*\"; exit 3\n"), runner), 0);
	rc = harness_sh(&out, "HVSIM_LIBEXEC='%s' '%s' scenario --explain x.scn 2>&1", libexec,
			harness_exe("hvsim"));
	ck_assert_msg(rc == 3, "hvsim scenario gave %d:\n%s", rc, out);
	ck_assert_str_eq(out, "hvsim-scenario: --explain x.scn\n");
	free(out);
}
END_TEST

static Suite *run_suite(void)
{
	Suite *s = suite_create("hvsim run");
	TCase *tc = tcase_create("with kernels");
	TCase *kl = tcase_create("kernel-less");

	/* one hvsimd for the whole case: no test changes the domains */
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, unknown_domain);
	tcase_add_test(tc, no_hvsimd);
	tcase_add_test(tc, static_program_refused);
	tcase_add_test(tc, other_machine_refused);
	tcase_add_test(tc, script_with_static_interpreter_refused);
	tcase_add_test(tc, missing_or_unexecutable_program);
	tcase_add_test(tc, exit_status_is_the_programs);
	tcase_add_test(tc, environment);
	tcase_add_test(tc, environment_merge);
	tcase_add_test(tc, xenstore_is_the_domains);
	tcase_add_test(tc, evtchn_reaches_the_domains_kernel);
	tcase_add_test(tc, kernel_fds_do_not_grow_with_programs);
	tcase_add_test(tc, usage_documents_run);
	tcase_add_test(tc, scenario_hands_over);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(kl, setup_kernelless, teardown);
	tcase_add_test(kl, kernelless_domain);
	suite_add_tcase(s, kl);
	return s;
}

int main(void)
{
	return harness_run(run_suite());
}
