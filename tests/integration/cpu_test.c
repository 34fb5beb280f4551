// SPDX-License-Identifier: GPL-2.0-only
/*
 * A call runs on its caller's CPU (include/hvsim/cpu.h): the guest
 * kernel's thread serving a program's device call and hvsimd's loop
 * serving a kernel's hypercall move to the caller's CPU (hvsimd after two
 * requests in a row from it, and only a caller held to its CPU), only
 * among the CPUs they were allowed, and nothing they start inherits the
 * one CPU.
 * Observed from outside, with sched_getaffinity() of their threads.
 *
 * On a machine that gives this test a single CPU there is nothing to
 * follow; the cases then check that calls work and masks stay as they were.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "devclient.h"
#include "hvsim/paths.h"
#include "harness.h"
#include "hvsim/xen.h"
#include "hvsim_guest.h"
#include <xen/evtchn.h>

static cpu_set_t all;		/* this test's CPUs when it started */
static int cpu_first, cpu_last;	/* two of them (the same when only one) */

static void pin(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
}

static cpu_set_t one_cpu(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return s;
}

static cpu_set_t mask_of(pid_t tid)
{
	cpu_set_t s;

	ck_assert_msg(sched_getaffinity(tid, sizeof(s), &s) == 0,
		      "sched_getaffinity(%d): %s", tid, strerror(errno));
	return s;
}

static void assert_mask(pid_t tid, const cpu_set_t *want, const char *what)
{
	cpu_set_t m = mask_of(tid);

	ck_assert_msg(CPU_EQUAL(&m, want), "%s (%d CPUs, want %d)", what, CPU_COUNT(&m),
		      CPU_COUNT(want));
}

static pid_t hvsimd_pid(void)
{
	char path[PATH_MAX];
	FILE *f;
	int pid = -1;

	snprintf(path, sizeof(path), "%s/%s", harness_dir(), HVSIM_PID_FILE);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fscanf(f, "%d", &pid), 1);
	fclose(f);
	return pid;
}

/* The first line of /proc/PID/FILE (or of a thread's, "PID/task/TID"). */
static int proc_line(const char *what, const char *file, char *buf, size_t n)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/%s", what, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, (int)n, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* hvsimd's child running domid's kernel: "--domid N" in its command line. */
static pid_t kernel_pid(pid_t hvsimd, unsigned int domid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = -1;

	ck_assert(d != NULL);
	while (found < 0 && (e = readdir(d))) {
		char stat[512], cmd[4096], want[32], *p;
		int ppid = 0;
		size_t n;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9' ||
		    proc_line(e->d_name, "stat", stat, sizeof(stat)))
			continue;
		p = strrchr(stat, ')');
		if (!p || sscanf(p, ") %*c %d", &ppid) != 1 || ppid != hvsimd)
			continue;
		snprintf(cmd, sizeof(cmd), "/proc/%s/cmdline", e->d_name);
		f = fopen(cmd, "r");
		if (!f)
			continue;
		n = fread(cmd, 1, sizeof(cmd) - 1, f);
		fclose(f);
		for (size_t i = 0; i < n; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		cmd[n] = 0;
		snprintf(want, sizeof(want), "--domid %u ", domid);
		if (strstr(cmd, want))
			found = atoi(e->d_name);
	}
	closedir(d);
	ck_assert_msg(found > 0, "no kernel of domain %u under hvsimd %d", domid, hvsimd);
	return found;
}

/*
 * Calls fn(tid, name, arg) for every thread of pid; stops at the first
 * that returns nonzero and returns that.
 */
static int for_each_thread(pid_t pid, int (*fn)(pid_t, const char *, void *), void *arg)
{
	char path[64], what[320], name[64];
	struct dirent *e;
	DIR *d;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	ck_assert_msg(d != NULL, "%s: %s", path, strerror(errno));
	while (!ret && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(what, sizeof(what), "%d/task/%s", pid, e->d_name);
		if (proc_line(what, "comm", name, sizeof(name)))
			continue;
		ret = fn(atoi(e->d_name), name, arg);
	}
	closedir(d);
	return ret;
}

static int devconn_on(pid_t tid, const char *name, void *arg)
{
	cpu_set_t m = mask_of(tid);

	return !strcmp(name, "devconn") && CPU_EQUAL(&m, (cpu_set_t *)arg);
}

static int not_allowed_all(pid_t tid, const char *name, void *arg)
{
	cpu_set_t m = mask_of(tid);

	if (CPU_EQUAL(&m, &all))
		return 0;
	fprintf(stderr, "thread %d (%s) has %d CPUs, not the %d it started with\n",
		tid, name, CPU_COUNT(&m), CPU_COUNT(&all));
	return 1;
}

/* One device call and one hypercall into dom0, from this thread's CPU. */
static void call_dom0(struct hvsim_dev *evtchn)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = 0 };

	ck_assert_int_ge(hvsim_dev_ioctl(evtchn, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b), 0);
}

static struct hvsim_dev *open_dom0_evtchn(void)
{
	char sock[PATH_MAX];
	struct hvsim_dev *e;

	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), 0, sock, sizeof(sock)), 0);
	ck_assert_int_eq(hvsim_dev_open(sock, "/dev/xen/evtchn", O_RDWR, &e), 0);
	return e;
}

static void setup(void)
{
	ck_assert_int_eq(sched_getaffinity(0, sizeof(all), &all), 0);
	cpu_first = cpu_last = -1;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &all)) {
			if (cpu_first < 0)
				cpu_first = i;
			cpu_last = i;
		}
	if (cpu_first == cpu_last)
		fprintf(stderr, "cpu-follow-test: one CPU only, nothing to follow\n");
}

static void teardown(void)
{
	harness_down();
	sched_setaffinity(0, sizeof(all), &all);
	unsetenv("HVSIM_FOLLOW_CPU");
}

START_TEST(calls_run_on_the_callers_cpu)
{
	struct hvsim_dev *e;
	pid_t hvsimd, dom0k, latek;
	cpu_set_t want;

	harness_up(1);
	hvsimd = hvsimd_pid();
	dom0k = kernel_pid(hvsimd, 0);
	e = open_dom0_evtchn();
	for (int round = 0; round < 2; round++) {
		int cpu = round ? cpu_first : cpu_last;

		pin(cpu);
		call_dom0(e);
		call_dom0(e);	/* hvsimd moves after two in a row */
		want = one_cpu(cpu);
		ck_assert_msg(for_each_thread(dom0k, devconn_on, &want),
			      "no devconn thread of dom0's kernel moved to CPU %d", cpu);
		assert_mask(hvsimd, &want, "hvsimd's loop is not on the CPU of two hypercalls");
	}
	/* one call from elsewhere does not drag hvsimd (callers take turns) */
	pin(cpu_last);
	call_dom0(e);
	assert_mask(hvsimd, &want, "hvsimd moved after one call");
	/* hvsimd now holds one CPU: the kernel it starts must not */
	latek = kernel_pid(hvsimd, harness_domain("late"));
	ck_assert_msg(!for_each_thread(latek, not_allowed_all, NULL),
		      "a kernel started by a following hvsimd inherited its CPU");
	hvsim_dev_close(e);
}
END_TEST

START_TEST(hvsim_follow_cpu_0_leaves_the_scheduler_to_choose)
{
	struct hvsim_dev *e;
	pid_t hvsimd, dom0k;

	setenv("HVSIM_FOLLOW_CPU", "0", 1);
	harness_up(1);
	hvsimd = hvsimd_pid();
	dom0k = kernel_pid(hvsimd, 0);
	e = open_dom0_evtchn();
	pin(cpu_last);
	call_dom0(e);
	ck_assert_msg(!for_each_thread(dom0k, not_allowed_all, NULL),
		      "dom0's kernel moved with HVSIM_FOLLOW_CPU=0");
	ck_assert_msg(!for_each_thread(hvsimd, not_allowed_all, NULL),
		      "hvsimd moved with HVSIM_FOLLOW_CPU=0");
	hvsim_dev_close(e);
}
END_TEST

/* Hypercalls straight from this thread (libhvsim-guest), as a kernel makes them. */
static void hypercalls(struct hvsim_guest *g, int n)
{
	for (int i = 0; i < n; i++) {
		struct gnttab_query_size q = { .dom = DOMID_SELF };

		ck_assert_int_eq(hvsim_guest_grant_table_op(g, GNTTABOP_query_size, &q, 1, NULL), 0);
		ck_assert_int_eq(q.status, GNTST_okay);
	}
}

/*
 * hvsimd follows only a caller held to its CPU: a thread the scheduler
 * may move (it did not say it keeps to one CPU) is served where hvsimd
 * is, however many calls it makes from one CPU; one that says so is
 * followed after two.
 */
START_TEST(hvsimd_follows_only_a_caller_held_to_its_cpu)
{
	struct hvsim_guest *g;
	pid_t hvsimd;

	harness_up(0);
	hvsimd = hvsimd_pid();
	ck_assert_int_eq(hvsim_guest_attach(harness_dir(), harness_domain("direct"), &g), 0);
	pin(cpu_last);
	hypercalls(g, 8);
	ck_assert_msg(!for_each_thread(hvsimd, not_allowed_all, NULL),
		      "hvsimd followed a caller that does not keep to its CPU");
	hvsim_guest_set_cpu_held(true);
	for (int round = 0; round < 2; round++) {
		int cpu = round ? cpu_first : cpu_last;
		cpu_set_t want = one_cpu(cpu);

		pin(cpu);
		hypercalls(g, 2);
		assert_mask(hvsimd, &want, "hvsimd's loop is not on the CPU of a held caller");
	}
	hvsim_guest_set_cpu_held(false);
	hvsim_guest_detach(g);
}
END_TEST

/* Started under a taskset of one CPU, they stay on it whatever the caller. */
START_TEST(a_users_taskset_stays_in_force)
{
	struct hvsim_dev *e;
	pid_t hvsimd, dom0k;
	cpu_set_t want = one_cpu(cpu_first);

	pin(cpu_first);
	harness_up(1);		/* hvsimd and its kernels inherit the one CPU */
	ck_assert_int_eq(sched_setaffinity(0, sizeof(all), &all), 0);
	hvsimd = hvsimd_pid();
	dom0k = kernel_pid(hvsimd, 0);
	e = open_dom0_evtchn();
	/* followed where it may go, then a caller where it may not */
	pin(cpu_first);
	call_dom0(e);
	call_dom0(e);
	pin(cpu_last);
	call_dom0(e);
	call_dom0(e);
	ck_assert_msg(for_each_thread(dom0k, devconn_on, &want),
		      "dom0's devconn thread left the CPU it was started on");
	assert_mask(hvsimd, &want, "hvsimd left the CPU it was started on");
	hvsim_dev_close(e);
}
END_TEST

static Suite *cpu_suite(void)
{
	Suite *s = suite_create("cpu-follow");
	TCase *tc = tcase_create("follow");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, calls_run_on_the_callers_cpu);
	tcase_add_test(tc, hvsim_follow_cpu_0_leaves_the_scheduler_to_choose);
	tcase_add_test(tc, a_users_taskset_stays_in_force);
	tcase_add_test(tc, hvsimd_follows_only_a_caller_held_to_its_cpu);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(cpu_suite());
}
