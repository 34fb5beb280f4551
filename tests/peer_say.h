/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the peer programs the tests run in domains (libxen-peer, privcmd-xc,
 * foreign-peer) talk to their test: one line a fact on stdout, flushed at
 * once (the test reads it through a pipe), and a one-line reason on stderr
 * with exit status 1 when they cannot go on.
 */
#ifndef TESTS_PEER_SAY_H
#define TESTS_PEER_SAY_H

#include <stdnoreturn.h>

/* printf, a newline, flush. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROGRAM: reason", exit 1. */
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROGRAM: reason: strerror(errno)", exit 1. */
noreturn void die_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
