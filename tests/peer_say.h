/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the peer programs the tests run in domains (libxen-peer, privcmd-xc,
 * foreign-peer) talk to their test: one line a fact on stdout, flushed at
 * once (the test reads it through a pipe), and a one-line reason on stderr
 * with exit status 1 when they cannot go on, a bad argument included.
 */
#ifndef TESTS_PEER_SAY_H
#define TESTS_PEER_SAY_H

#include <stdint.h>
#include <stdnoreturn.h>

/* printf, a newline, flush. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROGRAM: reason", exit 1. */
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROGRAM: reason: strerror(errno)", exit 1. */
noreturn void die_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s as a number (any base strtoul takes) that fits 32 bits, or die naming `what`. */
uint32_t parse_u32(const char *s, const char *what);

#endif
