/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration-test harness: a private hvsimd per test in a fresh state
 * directory under /tmp, stopped and removed on every path (also when the
 * test fails: check runs each test in a child, and the harness kills the
 * daemon by its pid file if the test did not get to teardown).
 */
#ifndef HVSIM_TEST_HARNESS_H
#define HVSIM_TEST_HARNESS_H

#include <stdint.h>
#include <sys/types.h>

#include <check.h>

#include "libhvsim.h"

/*
 * Starts hvsimd in a new directory ($HVSIM_DIR is set to it).  With
 * `with_kernel` 0, domains run kernel-less (HVSIM_KERNEL=none) and test
 * processes attach to them as their kernels.
 */
void harness_up(int with_kernel);
void harness_down(void);
/* Leaves hvsimd running and its directory in place, for a post-mortem. */
void harness_keep(void);
const char *harness_dir(void);
struct hvsim_ctl *harness_ctl(void);

/* Creates a domain or fails the test; returns its domid. */
uint16_t harness_domain(const char *name);

/* Runs `fn(arg)` in a child process; its exit status is fn's return. */
pid_t harness_spawn(int (*fn)(void *arg), void *arg);
/* Waits for a child; returns its exit status, or 128+signal. */
int harness_wait(pid_t pid);

/* The path of a built executable of the project (build/bin/NAME). */
const char *harness_exe(const char *name);

/* Runs a shell command; returns its exit status; its stdout in *out
 * (malloc'd, may be NULL). */
int harness_sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs a check suite; the exit status for main(): 0 when every test passed. */
int harness_run(Suite *s);

#endif
