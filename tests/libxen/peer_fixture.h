/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A check fixture for tests that drive peer programs in domains (domproc):
 * a private hvsimd with its domUs, the programs each test starts torn down
 * after it on every path, and checks that fail the test with the
 * program's own message.  Used by the libxen, foreign-memory and xl tests.
 */
#ifndef TESTS_PEER_FIXTURE_H
#define TESTS_PEER_FIXTURE_H

#include "domproc.h"

#define PEER_LINE_TIMEOUT_MS 20000
#define PEER_EXIT_TIMEOUT_MS 20000

/* hvsimd with nr_domus domUs; `peer` is the build's program peer_start runs. */
void peer_fixture_up(int nr_domus, const char *peer);
void peer_fixture_down(void);

/* Starts argv in `domid` (a slot of the fixture's), or fails the test. */
struct domproc *peer_start_argv(unsigned int domid, char *const argv[]);
/* Starts "PEER <words>" in `domid`; the words are split at spaces. */
struct domproc *peer_start(unsigned int domid, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The rest of p's next `key` line (malloc'd), or the test fails. */
char *peer_expect(struct domproc *p, const char *key);
/* p exits with status `want` (its stdin closed first), or the test fails. */
void peer_expect_exit(struct domproc *p, int want);

#endif
