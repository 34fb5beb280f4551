// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hvsim command line as a user meets it: a domain's kernel log
 * (`hvsim log`, followed with -f), a `domain create` whose kernel refuses
 * to boot, which destroyed domains `hvsim list` shows, usage errors with
 * no hvsimd at all, and state directories that are not safe to use.
 * Each runs the real hvsim against a real hvsimd (tests/harness.h); the
 * kernel tests need hvsim-kernel.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hvsim/xen.h"
#include <xen/gntalloc.h>
#include <xen/gntdev.h>

#include "devclient.h"
#include "harness.h"
#include "hvsim/paths.h"
#include "project_files.h"

static const char *hvsim(void)
{
	return harness_exe("hvsim");
}

/* The whole of a file, malloc'd ("" if it cannot be read). */
static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "r");

	if (!f || getdelim(&buf, &cap, 0, f) < 0) {
		free(buf);
		buf = strdup("");
	}
	if (f)
		fclose(f);
	return buf;
}

/* Waits up to `ms` for `path` to hold `text`. */
static bool wait_for_text(const char *path, const char *text, int ms)
{
	for (int waited = 0;; waited += 20) {
		char *s = slurp(path);
		bool found = strstr(s, text) != NULL;

		free(s);
		if (found || waited >= ms)
			return found;
		usleep(20 * 1000);
	}
}

static void domain_dir(uint16_t domid, char *buf, size_t n)
{
	ck_assert_int_eq(hvsim_domain_dir(harness_dir(), domid, buf, n), 0);
}

/* ---- with guest kernels ---------------------------------------------------- */

static uint16_t web;

static void kernel_setup(void)
{
	harness_up(1);
	web = harness_domain("web");
}

static void teardown(void)
{
	harness_down();
}

/* What a driver's pr_info printed at boot is the domain's log, by name or domid. */
START_TEST(log_shows_the_drivers_messages)
{
	char *out, path[PATH_MAX], *daemon_log;
	const char *installed = "xen:xen_evtchn: Event-channel device installed\n";

	ck_assert_int_eq(harness_sh(&out, "'%s' log web", hvsim()), 0);
	ck_assert_msg(strstr(out, installed) && strstr(out, "] xen:events: Using "),
		      "hvsim log web:\n%s", out);
	/* dmesg's form: "[ seconds] message", no host prefix */
	ck_assert_msg(out[0] == '[' && !strstr(out, "hvsim-kernel["), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' log %u", hvsim(), web), 0);
	ck_assert_ptr_nonnull(strstr(out, installed));
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' log Domain-0", hvsim()), 0);
	ck_assert_ptr_nonnull(strstr(out, installed));
	free(out);
	/* hvsimd's log has them too, named by domain */
	snprintf(path, sizeof(path), "%s/%s", harness_dir(), HVSIM_LOG_FILE);
	daemon_log = slurp(path);
	ck_assert_msg(strstr(daemon_log, "hvsim-kernel[dom1 web]: xen:xen_evtchn: Event-channel"),
		      "%s", daemon_log);
	free(daemon_log);

	ck_assert_int_eq(harness_sh(&out, "'%s' log nosuch 2>&1", hvsim()), 1);
	ck_assert_msg(strstr(out, "no domain 'nosuch'"), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' log 77 2>&1", hvsim()), 1);
	ck_assert_msg(strstr(out, "no domain '77'"), "%s", out);
	free(out);
}
END_TEST

/* `hvsim log -f DOMAIN` in the background, its output in `out`. */
static pid_t follow_log(const char *domain, const char *out)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(126);
		execl(hvsim(), "hvsim", "log", "-f", domain, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The child's exit status within `ms`, or -1 (it still runs). */
static int exited_within(pid_t pid, int ms)
{
	int status;

	for (int waited = 0; waited <= ms; waited += 20) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(20 * 1000);
	}
	return -1;
}

/* web's devices socket (programs of web run in children: web's death kills them) */
static void web_socket(char *buf, size_t n)
{
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), web, buf, n), 0);
}

/* A program of web asks gntalloc for a private mapping, which it refuses. */
static int private_gntalloc_mapping(void *arg)
{
	char sock[PATH_MAX];
	struct hvsim_dev *a;
	void *p;

	web_socket(sock, sizeof(sock));
	if (hvsim_dev_open(sock, "/dev/xen/gntalloc", O_RDWR, &a))
		return 1;
	return hvsim_dev_mmap(a, NULL, 4096, PROT_READ, MAP_PRIVATE, 0, &p) == -EINVAL ? 0 : 2;
}

/*
 * -f prints a message the kernel logs later (gntalloc refuses a private
 * mapping: pr_err "gntalloc_mmap: Mapping must be shared"), and ends by
 * itself when the domain is destroyed.
 */
START_TEST(log_follow_prints_new_messages_until_destroyed)
{
	char out[PATH_MAX];
	pid_t follower;
	int rc;

	snprintf(out, sizeof(out), "%s/follow.out", harness_dir());
	follower = follow_log("web", out);
	ck_assert_msg(wait_for_text(out, "Event-channel device installed", 5000),
		      "hvsim log -f printed no boot messages");
	ck_assert_int_eq(exited_within(follower, 300), -1);

	ck_assert_int_eq(harness_wait(harness_spawn(private_gntalloc_mapping, NULL)), 0);
	rc = wait_for_text(out, "gntalloc_mmap: Mapping must be shared\n", 5000);
	if (!rc)
		kill(follower, SIGKILL);
	ck_assert_msg(rc, "hvsim log -f did not follow the new message");
	ck_assert_int_eq(exited_within(follower, 0), -1);

	ck_assert_int_eq(hvsim_domain_destroy(harness_ctl(), "web"), 0);
	rc = exited_within(follower, 5000);
	if (rc < 0)
		kill(follower, SIGKILL);
	ck_assert_msg(rc == 0, "hvsim log -f after the destroy: %s %d",
		      rc < 0 ? "still running" : "exit status", rc);
}
END_TEST

/* A program of web grants a page to Domain-0, says its ref on fd `arg`, and stays. */
static int share_with_dom0(void *arg)
{
	struct ioctl_gntalloc_alloc_gref a = {
		.domid = 0, .flags = GNTALLOC_FLAG_WRITABLE, .count = 1,
	};
	int fd = *(int *)arg;
	char sock[PATH_MAX];
	struct hvsim_dev *ga;
	void *shared;

	web_socket(sock, sizeof(sock));
	if (hvsim_dev_open(sock, "/dev/xen/gntalloc", O_RDWR, &ga) ||
	    hvsim_dev_ioctl(ga, IOCTL_GNTALLOC_ALLOC_GREF, &a) ||
	    hvsim_dev_mmap(ga, NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			   (off_t)a.index, &shared) ||
	    write(fd, &a.gref_ids[0], sizeof(a.gref_ids[0])) != sizeof(a.gref_ids[0]))
		return 1;
	/* until web's kernel, destroyed, kills its programs (or the test does) */
	for (;;)
		pause();
}

/*
 * Destroyed while Domain-0 maps its page, web is a zombie ("dying"): listed,
 * and its log readable; once the page is unmapped it is dead: listed only
 * with --all, and its log still readable.
 */
START_TEST(list_shows_zombies_and_dead_domains_with_all)
{
	struct ioctl_gntdev_map_grant_ref m = { .count = 1 };
	char sock0[PATH_MAX], *out;
	struct hvsim_dev *gd;
	int p[2], status;
	void *mapped;
	pid_t sharer;

	ck_assert_int_eq(pipe(p), 0);
	sharer = harness_spawn(share_with_dom0, &p[1]);
	close(p[1]);
	ck_assert_int_eq(read(p[0], &m.refs[0].ref, sizeof(m.refs[0].ref)),
			 sizeof(m.refs[0].ref));
	close(p[0]);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), 0, sock0, sizeof(sock0)), 0);
	ck_assert_int_eq(hvsim_dev_open(sock0, "/dev/xen/gntdev", O_RDWR, &gd), 0);
	m.refs[0].domid = web;
	ck_assert_int_eq(hvsim_dev_ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &m), 0);
	ck_assert_int_eq(hvsim_dev_mmap(gd, NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
					(off_t)m.index, &mapped), 0);

	ck_assert_int_eq(harness_sh(&out, "'%s' domain destroy web", hvsim()), 0);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' list", hvsim()), 0);
	ck_assert_msg(strstr(out, "\nweb ") && strstr(out, " dying "), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' log web", hvsim()), 0);
	ck_assert_ptr_nonnull(strstr(out, "Event-channel device installed"));
	free(out);

	/* dom0 lets go of the page: web is dead */
	ck_assert_int_eq(hvsim_dev_munmap(mapped, 4096), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF,
		&(struct ioctl_gntdev_unmap_grant_ref){ .index = m.index, .count = 1 }), 0);
	hvsim_dev_close(gd);
	/* web's program went with web */
	kill(sharer, SIGKILL);
	waitpid(sharer, &status, 0);
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(harness_sh(&out, "'%s' list", hvsim()), 0);
		if (!strstr(out, "\nweb "))
			break;
		free(out);
		out = NULL;
		usleep(20 * 1000);
	}
	ck_assert_msg(out && !strstr(out, "web") && strstr(out, "Domain-0"),
		      "a dead domain is listed: %s", out ? out : "");
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' list --all", hvsim()), 0);
	ck_assert_msg(strstr(out, "\nweb ") && strstr(out, " dead "), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' log web", hvsim()), 0);
	ck_assert_ptr_nonnull(strstr(out, "Event-channel device installed"));
	free(out);
	/* -f on a dead domain prints its log and ends */
	ck_assert_int_eq(harness_sh(&out, "timeout 10 '%s' log -f %u", hvsim(), web), 0);
	ck_assert_ptr_nonnull(strstr(out, "Event-channel device installed"));
	free(out);
}
END_TEST

/*
 * A domain's log outlives hvsimd (for a post-mortem after `hvsim down`),
 * but the next hvsimd, whose domids start again, does not show it as a
 * new domain's.
 */
START_TEST(a_new_run_does_not_show_an_old_runs_log)
{
	char path[PATH_MAX], *out, *log;

	ck_assert_int_eq(harness_wait(harness_spawn(private_gntalloc_mapping, NULL)), 0);
	ck_assert_int_eq(hvsim_kernel_log(harness_dir(), web, path, sizeof(path)), 0);
	ck_assert(wait_for_text(path, "Mapping must be shared", 5000));
	ck_assert_int_eq(harness_sh(&out, "'%s' down", hvsim()), 0);
	free(out);
	log = slurp(path);
	ck_assert_msg(strstr(log, "Mapping must be shared"), "after down: %s", log);
	free(log);

	ck_assert_int_eq(harness_sh(&out, "'%s' up", hvsim()), 0);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' domain create app", hvsim()), 0);
	ck_assert_int_eq(atoi(out), web);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' log app", hvsim()), 0);
	ck_assert_msg(strstr(out, "Event-channel device installed") &&
		      !strstr(out, "Mapping must be shared"), "%s", out);
	free(out);
}
END_TEST

/*
 * A kernel that refuses a parameter before boot: `domain create` prints
 * the kernel's own reason, and nothing of the domain is left: not listed
 * even with --all, no name, no directory; the name can be used again.
 */
START_TEST(failed_create_says_why_and_leaves_nothing)
{
	char *out, dir[PATH_MAX];
	struct stat st;

	ck_assert_int_eq(harness_sh(&out, "'%s' domain create x --param gntalloc.bogus=1 2>&1",
				    hvsim()), 1);
	ck_assert_msg(strstr(out, "hvsim: the kernel of domain 'x' did not start: "
			     "no such module parameter gntalloc.bogus\n"), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' domain create y --param gntalloc.limit=lots 2>&1",
				    hvsim()), 1);
	ck_assert_msg(strstr(out, "bad value 'lots' for module parameter gntalloc.limit"),
		      "%s", out);
	free(out);

	ck_assert_int_eq(harness_sh(&out, "'%s' list --all --json", hvsim()), 0);
	ck_assert_msg(!strstr(out, "\"x\"") && !strstr(out, "\"y\""), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' domid x 2>&1", hvsim()), 1);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' log x 2>&1", hvsim()), 1);
	ck_assert_msg(strstr(out, "no domain 'x'"), "%s", out);
	free(out);
	/* web is 1, x and y were 2 and 3: domids are not reused */
	for (uint16_t domid = web + 1; domid <= web + 2; domid++) {
		domain_dir(domid, dir, sizeof(dir));
		ck_assert_msg(stat(dir, &st) < 0 && errno == ENOENT, "%s is left", dir);
	}
	ck_assert_int_eq(harness_sh(&out, "'%s' domain create x", hvsim()), 0);
	ck_assert_int_eq(atoi(out), web + 3);
	free(out);
}
END_TEST

/* ---- kernel-less ------------------------------------------------------------ */

static void kernelless_setup(void)
{
	harness_up(0);
}

START_TEST(list_hides_dead_domains)
{
	char *out;

	harness_domain("web");
	harness_domain("app");
	ck_assert_int_eq(harness_sh(&out, "'%s' domain destroy web", hvsim()), 0);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' list", hvsim()), 0);
	ck_assert_msg(!strstr(out, "web") && strstr(out, "\napp "), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' list --json", hvsim()), 0);
	ck_assert_msg(!strstr(out, "\"web\"") && strstr(out, "\"app\""), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' list --all", hvsim()), 0);
	ck_assert_msg(strstr(out, "\nweb ") && strstr(out, " dead "), "%s", out);
	free(out);
	ck_assert_int_eq(harness_sh(&out, "'%s' list --json --all", hvsim()), 0);
	ck_assert_msg(strstr(out, "\"web\"") && strstr(out, "\"dead\""), "%s", out);
	free(out);
	/* the states are documented */
	ck_assert_int_eq(harness_sh(&out, "'%s' list --help", hvsim()), 0);
	ck_assert_msg(strstr(out, "--all") && strstr(out, "running ") && strstr(out, "dying ") &&
		      strstr(out, "zombie") && strstr(out, "dead "), "%s", out);
	free(out);
}
END_TEST

START_TEST(log_of_a_kernelless_domain)
{
	char *out;

	harness_domain("bare");
	ck_assert_int_eq(harness_sh(&out, "'%s' log bare 2>&1", hvsim()), 1);
	ck_assert_msg(strstr(out, "has no kernel log") && strstr(out, "kernel-less"), "%s", out);
	free(out);
}
END_TEST

/* ---- no hvsimd ---------------------------------------------------------------- */

static char scratch[64];

static void scratch_setup(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/hvsim-cli-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
}

static void scratch_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "cli-test: cannot remove %s\n", scratch);
}

/*
 * Every command checks its own arguments first: with no hvsimd anywhere, a
 * usage error is exit 2 and a usage line, never "no hvsimd runs".
 */
START_TEST(usage_errors_before_any_connection)
{
	static const char *const bad[] = {
		"", "up --bogus", "up --param", "down extra",
		"domain", "domain create", "domain create a b", "domain create x --bogus",
		"domain create x --mem", "domain create x --event-channels", "domain destroy", "domain destroy a b",
		"domid", "domid a b", "list --bogus", "list a", "grants", "evtchn a b c",
		"grants a --bogus", "log", "log a b", "log -x a", "log -f",
		"trace --bogus", "trace --svg", "xenstore", "xenstore read",
		"xenstore write a", "xenstore ls a b", "run", "run dom", "run dom --",
		"scenario", "scenario --bogus x.scn", "frobnicate", "fault", "fault --json",
	};
	/* not usage errors, but argument errors all the same */
	static const char *const bad_values[][2] = {
		{ "domain create x --mem 0", "--mem takes MiB" },
		{ "domain create x --event-channels -1", "--event-channels takes" },
		{ "domain create x --event-channels 4294967296", "--event-channels takes" },
		{ "domain create x --param nodot", "bad --param 'nodot'" },
		{ "domain create x --param gntalloc=1", "bad --param" },
		{ "up --param .x=1", "bad --param" },
		{ "domain frob", "unknown 'domain frob'" },
		{ "xenstore frob", "unknown 'xenstore frob'" },
		{ "fault bob teleport", "unknown fault kind 'teleport'" },
		{ "fault bob map-grant", "map-grant-ref needs a grant status" },
		{ "fault bob map-grant okay", "status okay is no fault" },
		{ "fault bob alloc-unbound eagain", "alloc-unbound has no grant status" },
		{ "fault bob alloc-unbound -ENOTHING", "unknown errno '-ENOTHING'" },
		{ "fault bob kmalloc -ENOMEM", "kmalloc takes no status or errno" },
		{ "fault bob upcall-delay", "upcall-delay needs a time" },
		{ "fault bob upcall-delay 2h", "upcall-delay takes a time" },
		{ "fault bob kmalloc --times 0", "--times takes a number from 1 to 1000000" },
		{ "fault bob kmalloc --nth 1e9", "--nth takes a number" },
		{ "fault bob kmalloc --times 2 --always", "give --times or --always" },
		{ "fault bob kmalloc --nth", "--nth needs a number" },
		{ "fault bob kmalloc now", "takes no status or errno (the allocation returns NULL, as when memory runs out), not 'now'" },
		{ "fault bob kmalloc --always now", "unexpected 'now'" },
		{ "fault bob clear kmalloc extra", "clear takes at most one kind" },
	};
	char dir[PATH_MAX];
	struct stat st;
	char *out;

	snprintf(dir, sizeof(dir), "%s/absent", scratch);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = harness_sh(&out, "HVSIM_DIR='%s' '%s' %s 2>&1", dir, hvsim(), bad[i]);

		ck_assert_msg(rc == 2 && strstr(out, "usage: hvsim") && !strstr(out, "no hvsimd"),
			      "hvsim %s: exit %d:\n%s", bad[i], rc, out);
		free(out);
	}
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		int rc = harness_sh(&out, "HVSIM_DIR='%s' '%s' %s 2>&1", dir, hvsim(),
				    bad_values[i][0]);

		ck_assert_msg(rc == 2 && strstr(out, bad_values[i][1]),
			      "hvsim %s: exit %d:\n%s", bad_values[i][0], rc, out);
		free(out);
	}
	/* ... and none of them made the state directory */
	ck_assert_int_lt(stat(dir, &st), 0);
}
END_TEST

/* Runs `hvsim ARGS` with the state directory `dir`; exit status, output in *out. */
static int hvsim_in(const char *dir, char **out, const char *args)
{
	return harness_sh(out, "HVSIM_DIR='%s' '%s' %s 2>&1", dir, hvsim(), args);
}

/* The commands that use the state directory, and hvsimd itself, refuse `dir`. */
static void assert_refused(const char *dir, const char *why)
{
	static const char *const cmds[] = {
		"up", "down", "list", "domain create web", "domid 0", "log Domain-0",
		"trace", "run Domain-0 -- true", "xenstore read name",
	};
	char path[PATH_MAX];
	struct stat st;
	char *out;
	int rc;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		rc = hvsim_in(dir, &out, cmds[i]);
		ck_assert_msg(rc == 1 && strstr(out, why) && strstr(out, dir),
			      "hvsim %s in %s: exit %d:\n%s", cmds[i], dir, rc, out);
		free(out);
	}
	rc = harness_sh(&out, "'%s' --dir '%s' 2>&1", harness_exe("hvsimd"), dir);
	ck_assert_msg(rc == 1 && strstr(out, "hvsimd: ") && strstr(out, why),
		      "hvsimd --dir %s: exit %d:\n%s", dir, rc, out);
	free(out);
	/* nothing was started or written there */
	snprintf(path, sizeof(path), "%s/%s", dir, HVSIM_LOG_FILE);
	ck_assert_int_lt(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, HVSIM_PID_FILE);
	ck_assert_int_lt(stat(path, &st), 0);
	/* a usage error is still a usage error */
	ck_assert_int_eq(hvsim_in(dir, &out, "log"), 2);
	free(out);
}

/*
 * As ssh treats ~/.ssh: a state directory others may write in, or that
 * another user owns, is refused with a message that says how to fix it.
 */
START_TEST(unsafe_state_directory_is_refused)
{
	char dir[PATH_MAX], link[PATH_MAX];
	char *out;

	snprintf(dir, sizeof(dir), "%s/hv", scratch);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	assert_refused(dir, "writable by others (mode 0777)");
	assert_refused(dir, "fix it with: chmod go-w ");
	ck_assert_int_eq(chmod(dir, 0770), 0);
	assert_refused(dir, "writable by its group (mode 0770)");

	/* fixed as the message says, it is used (no hvsimd runs there yet) */
	ck_assert_int_eq(harness_sh(&out, "chmod go-w '%s'", dir), 0);
	free(out);
	ck_assert_int_eq(hvsim_in(dir, &out, "list"), 1);
	ck_assert_msg(strstr(out, "no hvsimd runs in"), "%s", out);
	free(out);

	if (geteuid() != 0) {
		fprintf(stderr, "cli-test: not root: directories of another user not tried\n");
		return;
	}
	/* another user's directory, mode 0700: its sockets may be anyone's */
	ck_assert_int_eq(chown(dir, 65534, 65534), 0);
	assert_refused(dir, "rather than by you");
	assert_refused(dir, "set HVSIM_DIR to a directory of your own");
	ck_assert_int_eq(chown(dir, 0, 0), 0);
	/* a symbolic link another user made, to a good directory */
	snprintf(link, sizeof(link), "%s/link", scratch);
	ck_assert_int_eq(symlink(dir, link), 0);
	ck_assert_int_eq(lchown(link, 65534, 65534), 0);
	assert_refused(link, "is a symbolic link owned by");
}
END_TEST

/* A stand-in for hvsim-kernel: scratch/kernel, a shell script of `fmt`. */
__attribute__((format(printf, 3, 4)))
static void fake_kernel(char *path, size_t len, const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	snprintf(path, len, "%s/kernel", scratch);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0700), 0);
}

/*
 * A kernel that dies before it serves without saying why (a crash before
 * its log is open): the create says how it ended, and leaves nothing.
 * Its own hvsimd, whose kernel is a script that starts the real kernel
 * for Domain-0 only; the shell stops that hvsimd on every path.
 */
START_TEST(kernel_dying_without_a_word)
{
	char script[PATH_MAX], *out;

	fake_kernel(script, sizeof(script),
		    "#!/bin/sh\ncase \" $* \" in *\" --domid 0 \"*) exec '%s' \"$@\";; esac\n"
		    "exit 3\n", harness_exe("hvsim-kernel"));
	ck_assert_int_eq(harness_sh(&out, "export HVSIM_DIR='%s/hv' HVSIM_KERNEL='%s'; "
				    "trap \"'%s' down >/dev/null\" EXIT; "
				    "'%s' up >/dev/null || exit 9; "
				    "'%s' domain create quiet 2>&1; echo \"status $?\"; "
				    "'%s' list --all 2>&1", scratch, script, hvsim(), hvsim(),
				    hvsim(), hvsim()), 0);
	ck_assert_msg(strstr(out, "hvsim: the kernel of domain 'quiet' did not start: it exited "
			     "with status 3\nstatus 1\n") && strstr(out, "Domain-0") &&
		      !strstr(out, "quiet "), "%s", out);
	free(out);
}
END_TEST

/*
 * `hvsim up` says why hvsimd did not start, as hvsimd said it on its
 * readiness descriptor (hvsimd(8) --ready-fd): past a file size limit it
 * cannot make Domain-0's RAM (a memfd counts, and hvsimd takes EFBIG
 * rather than SIGXFSZ); a trace file that is a directory (a later step,
 * named as such); Domain-0's kernel refusing a parameter; and a
 * hvsimd killed before it was ready, which said nothing (its kernel, here
 * a script that waits, does not hold the descriptor open).
 */
START_TEST(up_says_why_hvsimd_did_not_start)
{
	char script[PATH_MAX], *out;

	ck_assert_int_eq(harness_sh(&out, "export HVSIM_DIR='%s/fsize'; "
				    "prlimit --fsize=300000 '%s' up 2>&1; echo \"status $?\"",
				    scratch, hvsim()), 0);
	ck_assert_msg(strstr(out, "hvsim: hvsimd did not start: cannot start: creating "
			     "Domain-0: File too large (log: ") && strstr(out, "status 1\n"),
		      "%s", out);
	free(out);

	/* a later step: the trace's file is a directory */
	ck_assert_int_eq(harness_sh(&out, "export HVSIM_DIR='%s/trace'; "
				    "mkdir -m 700 \"$HVSIM_DIR\" && mkdir \"$HVSIM_DIR/trace.jsonl\" && "
				    "'%s' up 2>&1; echo \"status $?\"", scratch, hvsim()), 0);
	ck_assert_msg(strstr(out, "hvsim: hvsimd did not start: cannot start: opening the trace: "
			     "Is a directory (log: ") && strstr(out, "status 1\n"), "%s", out);
	free(out);

	ck_assert_int_eq(harness_sh(&out, "export HVSIM_DIR='%s/param' "
				    "HVSIM_KERNEL_PARAMS='xen.no_such=1'; "
				    "'%s' up 2>&1; echo \"status $?\"", scratch, hvsim()), 0);
	ck_assert_msg(strstr(out, "hvsim: hvsimd did not start: the kernel of Domain-0 did not "
			     "start: no such module parameter xen.no_such") &&
		      strstr(out, "status 1\n"), "%s", out);
	free(out);

	fake_kernel(script, sizeof(script), "#!/bin/sh\necho $$ > '%s/kernel.pid'\nexec sleep 60\n",
		    scratch);
	ck_assert_int_eq(harness_sh(&out, "export HVSIM_DIR='%s/killed' HVSIM_KERNEL='%s'; "
				    "( while [ ! -s '%s/kernel.pid' ]; do sleep 0.05; done; "
				    "kill -9 $(cat \"$HVSIM_DIR\"/hvsimd.pid) ) & "
				    "'%s' up 2>&1; echo \"status $?\"; wait; "
				    "kill $(cat '%s/kernel.pid')",
				    scratch, script, scratch, hvsim(), scratch), 0);
	ck_assert_msg(strstr(out, "hvsim: hvsimd did not start: it ended without a word "
			     "(killed?); see ") && strstr(out, "status 1\n"), "%s", out);
	free(out);
}
END_TEST

/*
 * Kernel parameters for Domain-0 and for every domain: `hvsim up --param`
 * reaches Domain-0's kernel (xen.fifo_events=0: the 2-level ABI, where
 * the default is FIFO); more than HVSIM_MAX_KERNEL_PARAMS is refused
 * before hvsimd starts; a parameter no kernel has, in hvsimd's
 * HVSIM_KERNEL_PARAMS, stops Domain-0's kernel, and `up` fails.
 */
START_TEST(kernel_params_for_dom0_and_every_domain)
{
	char many[1024], *out;

	ck_assert_int_eq(harness_sh(&out, "export HVSIM_DIR='%s/hv'; "
				    "trap \"'%s' down >/dev/null\" EXIT; "
				    "'%s' up --param xen.fifo_events=0 >/dev/null || exit 9; "
				    "'%s' evtchn Domain-0 | head -1",
				    scratch, hvsim(), hvsim(), hvsim()), 0);
	ck_assert_msg(strstr(out, "2-level ABI") && !strstr(out, "FIFO ABI"), "%s", out);
	free(out);

	ck_assert_int_eq(harness_sh(&out, "export HVSIM_DIR='%s/bad' "
				    "HVSIM_KERNEL_PARAMS='xen.fifo_events=0 xen.no_such=1'; "
				    "trap \"'%s' down >/dev/null 2>&1\" EXIT; "
				    "'%s' up >/dev/null 2>&1; echo \"status $?\"; "
				    "cat \"$HVSIM_DIR\"/hvsimd.log", scratch, hvsim(), hvsim()), 0);
	ck_assert_msg(!strstr(out, "status 0\n") &&
		      strstr(out, "no such module parameter xen.no_such"), "%s", out);
	free(out);

	strcpy(many, "up");
	for (int i = 0; i < 33; i++)
		strcat(many, " --param xen.fifo_events=0");
	ck_assert_int_eq(hvsim_in(scratch, &out, many), 2);
	ck_assert_msg(strstr(out, "at most 32 --param"), "%s", out);
	free(out);
	/* hvsimd itself, started by hand */
	strcpy(many, "");
	for (int i = 0; i < 33; i++)
		strcat(many, " --dom0-param xen.fifo_events=0");
	ck_assert_int_eq(harness_sh(&out, "'%s' --dir '%s/hand' %s 2>&1", harness_exe("hvsimd"),
				    scratch, many), 2);
	ck_assert_msg(strstr(out, "at most 32 --dom0-param"), "%s", out);
	free(out);
	/* a parameter Domain-0's kernel does not take: hvsimd stops, status 1 (hvsimd(8)) */
	ck_assert_int_eq(harness_sh(&out, "'%s' --dir '%s/hand' --dom0-param xen.no_such=1 2>&1",
				    harness_exe("hvsimd"), scratch), 1);
	ck_assert_msg(strstr(out, "no such module parameter xen.no_such"), "%s", out);
	free(out);
}
END_TEST

/*
 * `hvsim down` while a domain's kernel ignores SIGTERM: hvsimd serves the
 * kernels while they stop in order, and kills one that will not stop once
 * its grace period is over, then exits.  (A kernel that says it is ready
 * and then only sleeps, with SIGTERM ignored; Domain-0's is the real one.)
 */
START_TEST(down_kills_a_kernel_that_will_not_stop)
{
	char script[PATH_MAX], *out;

	fake_kernel(script, sizeof(script),
		    "#!/bin/sh\ncase \" $* \" in *\" --domid 0 \"*) exec '%s' \"$@\";; esac\n"
		    "trap '' TERM\necho $$ > '%s/stubborn.pid'\n"
		    "printf R >/proc/self/fd/\"$HVSIM_READY_FD\"\nexec sleep 60\n",
		    harness_exe("hvsim-kernel"), scratch);
	ck_assert_int_eq(harness_sh(&out, "export HVSIM_DIR='%s/hv' HVSIM_KERNEL='%s'; "
				    "'%s' up >/dev/null || exit 9; "
				    "'%s' domain create stubborn >/dev/null || exit 8; "
				    "'%s' down 2>&1; echo \"status $?\"; "
				    "kill -0 $(cat '%s/stubborn.pid') 2>/dev/null && echo still there; true",
				    scratch, script, hvsim(), hvsim(), hvsim(), scratch), 0);
	ck_assert_msg(strstr(out, "stopped, with its domains Domain-0, stubborn\nstatus 0\n") &&
		      !strstr(out, "still there"), "%s", out);
	free(out);
}
END_TEST

/*
 * hvsimd holds five descriptors a domain; it raises its soft limit to the
 * hard one, so a user's low `ulimit -n` does not stop it at a few domains
 * (docs/performance.md).  With a soft limit of 64, 16 domains need about
 * 100.  Its kernels inherit the raised limit.
 */
START_TEST(hvsimd_raises_its_descriptor_limit)
{
	char *out;

	ck_assert_int_eq(harness_sh(&out, "[ \"$(ulimit -Hn)\" = unlimited ] || "
				    "[ \"$(ulimit -Hn)\" -ge 256 ] || { echo hard limit too low; exit 0; }; "
				    "ulimit -Sn 64; export HVSIM_DIR='%s/hv'; "
				    "trap \"'%s' down >/dev/null\" EXIT; "
				    "'%s' up >/dev/null || exit 9; "
				    "for i in $(seq 16); do '%s' domain create d$i >/dev/null || exit 8; done; "
				    "grep 'Max open files' /proc/$(cat \"$HVSIM_DIR\"/hvsimd.pid)/limits; "
				    "'%s' list | grep -c running",
				    scratch, hvsim(), hvsim(), hvsim(), hvsim()), 0);
	ck_assert_msg(strstr(out, "hard limit too low") ||
		      (strstr(out, "\n17\n") && !strstr(out, "Max open files            64 ")),
		      "%s", out);
	free(out);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("no-hvsimd");
	char kernel[PATH_MAX];

	tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, usage_errors_before_any_connection);
	tcase_add_test(tc, unsafe_state_directory_is_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("kernel-less");
	tcase_add_checked_fixture(tc, kernelless_setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, list_hides_dead_domains);
	tcase_add_test(tc, log_of_a_kernelless_domain);
	suite_add_tcase(s, tc);

	/* a build without the kernel (NO_KMOD=1) has no kernel tests */
	if (hvsim_find_exe("hvsim-kernel", kernel, sizeof(kernel)) != 0) {
		fprintf(stderr, "cli-test: no hvsim-kernel: the kernel tests are not run\n");
		return s;
	}
	tc = tcase_create("kernel-scratch");
	tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, kernel_dying_without_a_word);
	tcase_add_test(tc, kernel_params_for_dom0_and_every_domain);
	tcase_add_test(tc, down_kills_a_kernel_that_will_not_stop);
	tcase_add_test(tc, hvsimd_raises_its_descriptor_limit);
	tcase_add_test(tc, up_says_why_hvsimd_did_not_start);
	suite_add_tcase(s, tc);

	tc = tcase_create("kernel");
	tcase_add_checked_fixture(tc, kernel_setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, log_shows_the_drivers_messages);
	tcase_add_test(tc, log_follow_prints_new_messages_until_destroyed);
	tcase_add_test(tc, list_shows_zombies_and_dead_domains_with_all);
	tcase_add_test(tc, failed_create_says_why_and_leaves_nothing);
	tcase_add_test(tc, a_new_run_does_not_show_an_old_runs_log);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(cli_suite());
}
