/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What /proc says about hvsimd and its guest kernels, for bench-scale,
 * the idle-CPU test and kmod-devices-test: resident memory, CPU time used,
 * which kernels hvsimd has started (they are its children), and whether a
 * domain's program is done for.
 */
#ifndef KMOD_TESTS_PROCSTAT_H
#define KMOD_TESTS_PROCSTAT_H

#include <stdbool.h>
#include <sys/types.h>

/* VmRSS of pid in KiB, -1 if it is gone. */
long procstat_rss_kib(pid_t pid);
/* A "NAME: N kB" line of /proc/PID/status (RssShmem, ...), -1 if none. */
long procstat_status_kib(pid_t pid, const char *name);
/* utime + stime of pid (all its threads), in clock ticks; -1 if gone. */
long long procstat_cpu_ticks(pid_t pid);
/* How many descriptors pid holds open, -1 if it is gone. */
int procstat_fds(pid_t pid);
/* Up to `max` children of `parent` into pids; how many there are. */
int procstat_children(pid_t parent, pid_t *pids, int max);
/* pid is gone, a zombie, or has SIGKILL pending: none of its code runs again. */
bool procstat_dead_or_dying(pid_t pid);
/* The hvsimd serving state directory `dir` (its pid file), -1 if none. */
pid_t procstat_hvsimd(const char *dir);

#endif
