// SPDX-License-Identifier: GPL-2.0-only
/*
 * An idle system uses no CPU (issue 20): hvsimd, Domain-0's kernel and two
 * domains' kernels with nothing running, and again once an event channel
 * between the two domains has been bound and used and its device files
 * are left open.  Each process may use at most IDLE_MAX_TICKS of CPU
 * (utime + stime, from /proc/PID/stat) over IDLE_S seconds: a check for
 * busy loops and polling timers, not a timed figure (one that spins uses
 * every tick, IDLE_S * CLK_TCK of them).  And events leave the kernels'
 * resident memory as it was.
 */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>

#include "hvsim/xen.h"
#include <xen/evtchn.h>

#include "hvsim/paths.h"
#include "devclient.h"
#include "harness.h"
#include "procstat.h"

#define IDLE_S          5
#define IDLE_MAX_TICKS  5
#define MAX_KERNELS     16

static uint16_t dom_a, dom_b;

static void setup(void)
{
	harness_up(1);
	dom_a = harness_domain("idle-a");
	dom_b = harness_domain("idle-b");
}

static void teardown(void)
{
	harness_down();
}

/* Idles IDLE_S seconds; checks what hvsimd and each kernel used meanwhile. */
static void assert_idle(void)
{
	pid_t hvsimd = procstat_hvsimd(harness_dir()), kernels[MAX_KERNELS];
	long long daemon0, kernel0[MAX_KERNELS], used;
	int n;

	ck_assert_int_gt(hvsimd, 0);
	n = procstat_children(hvsimd, kernels, MAX_KERNELS);
	ck_assert_int_eq(n, 3);   /* Domain-0's, idle-a's and idle-b's */
	/* let boot's stragglers and the trace writer's linger pass */
	sleep(1);
	daemon0 = procstat_cpu_ticks(hvsimd);
	for (int i = 0; i < n; i++)
		kernel0[i] = procstat_cpu_ticks(kernels[i]);
	sleep(IDLE_S);
	used = procstat_cpu_ticks(hvsimd) - daemon0;
	ck_assert_msg(used <= IDLE_MAX_TICKS, "hvsimd used %lld ticks idling %d s", used, IDLE_S);
	for (int i = 0; i < n; i++) {
		used = procstat_cpu_ticks(kernels[i]) - kernel0[i];
		ck_assert_msg(kernel0[i] >= 0 && used <= IDLE_MAX_TICKS,
			      "kernel %d used %lld ticks idling %d s", (int)kernels[i], used, IDLE_S);
	}
}

START_TEST(idle_system_uses_no_cpu)
{
	assert_idle();
}
END_TEST

static struct hvsim_dev *evtchn_open(uint16_t domid)
{
	char sock[PATH_MAX];
	struct hvsim_dev *d;

	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), domid, sock, sizeof(sock)), 0);
	ck_assert_int_eq(hvsim_dev_open(sock, "/dev/xen/evtchn", O_RDWR, &d), 0);
	return d;
}

START_TEST(idle_after_an_event_with_files_open_uses_no_cpu)
{
	struct hvsim_dev *a = evtchn_open(dom_a), *b = evtchn_open(dom_b);
	long pa = hvsim_dev_ioctl(a, IOCTL_EVTCHN_BIND_UNBOUND_PORT,
				  &(struct ioctl_evtchn_bind_unbound_port){ .remote_domain = dom_b });
	long pb;
	uint32_t got;

	ck_assert_int_gt(pa, 0);
	pb = hvsim_dev_ioctl(b, IOCTL_EVTCHN_BIND_INTERDOMAIN,
			     &(struct ioctl_evtchn_bind_interdomain){
				     .remote_domain = dom_a, .remote_port = (uint32_t)pa });
	ck_assert_int_gt(pb, 0);
	ck_assert_int_eq(hvsim_dev_ioctl(a, IOCTL_EVTCHN_NOTIFY,
					 &(struct ioctl_evtchn_notify){ .port = (uint32_t)pa }), 0);
	ck_assert_int_eq(hvsim_dev_poll(b, POLLIN, 3000), 1);
	ck_assert_int_eq(hvsim_dev_read(b, &got, sizeof(got)), sizeof(got));
	ck_assert_uint_eq(got, (uint32_t)pb);
	ck_assert_int_eq(hvsim_dev_write(b, &got, sizeof(got)), sizeof(got));
	assert_idle();
	hvsim_dev_close(a);
	hvsim_dev_close(b);
}
END_TEST

/* The resident memory of every kernel hvsimd runs, in KiB. */
static long kernels_rss_kib(void)
{
	pid_t hvsimd = procstat_hvsimd(harness_dir()), kernels[MAX_KERNELS];
	int n = procstat_children(hvsimd, kernels, MAX_KERNELS);
	long sum = 0;

	for (int i = 0; i < n; i++)
		sum += procstat_rss_kib(kernels[i]);
	return sum;
}

/*
 * Events do not make a kernel's RAM resident: evtchn's write (the unmask)
 * takes a page and frees it again each time, and the kernel's page
 * allocator gives the same page back, as Linux's per-CPU lists do.  It
 * used to walk next-fit through the whole RAM, faulting in a new page of
 * the domain's memory on every unmask (8 MiB for these 2000).
 */
#define UNMASKS 2000

START_TEST(unmasks_leave_a_kernel_its_memory)
{
	struct hvsim_dev *b = evtchn_open(dom_b);
	long pb = hvsim_dev_ioctl(b, IOCTL_EVTCHN_BIND_UNBOUND_PORT,
				  &(struct ioctl_evtchn_bind_unbound_port){ .remote_domain = dom_a });
	uint32_t port = (uint32_t)pb;
	long before, grew;

	ck_assert_int_gt(pb, 0);
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(hvsim_dev_write(b, &port, sizeof(port)), sizeof(port));
	before = kernels_rss_kib();
	for (int i = 0; i < UNMASKS; i++)
		ck_assert_int_eq(hvsim_dev_write(b, &port, sizeof(port)), sizeof(port));
	grew = kernels_rss_kib() - before;
	ck_assert_msg(grew < 1024, "%d unmasks made the kernels %ld KiB bigger", UNMASKS, grew);
	hvsim_dev_close(b);
}
END_TEST

/* The measure itself: a process that spins is seen using CPU. */
START_TEST(a_spinning_process_is_seen)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct timespec t0, t;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		do
			clock_gettime(CLOCK_MONOTONIC, &t);
		while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 700000000L);
		pause();
		_exit(0);
	}
	usleep(900 * 1000);
	long long ticks = procstat_cpu_ticks(pid);

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* 700 ms of CPU, less whatever a loaded machine gave to others */
	ck_assert_msg(ticks > IDLE_MAX_TICKS, "a spinning child used %lld ticks", ticks);
}
END_TEST

static Suite *idle_suite(void)
{
	Suite *s = suite_create("idle-cpu");
	TCase *tc = tcase_create("idle"), *measure = tcase_create("measure");

	tcase_add_test(measure, a_spinning_process_is_seen);
	suite_add_tcase(s, measure);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, idle_system_uses_no_cpu);
	tcase_add_test(tc, idle_after_an_event_with_files_open_uses_no_cpu);
	tcase_add_test(tc, unmasks_leave_a_kernel_its_memory);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(idle_suite());
}
