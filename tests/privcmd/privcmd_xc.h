/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * privcmd-xc: a program on Debian's libxenctrl and raw /dev/xen/privcmd
 * ioctls, run in a simulated domain under the interposer by privcmd-test
 * (and by hand: `hvsim run DOMAIN -- privcmd-xc SUBCOMMAND ...`).
 *
 * Each subcommand prints what it observed on stdout, one line per call,
 * "WHAT -> RESULT": a call's return value, and for a failure "-1 ENAME"
 * (the errno's name).  The test compares the lines with what Xen 4.17 and
 * Linux 6.1 give.  Failures of the program itself (bad arguments, a setup
 * call that must work) go to stderr as "privcmd-xc: what: why", status 1.
 */
#ifndef PRIVCMD_XC_H
#define PRIVCMD_XC_H

#include <stdint.h>
#include <stdnoreturn.h>

#include "peer_say.h"

/* "EPERM" for EPERM; the number for one glibc cannot name. */
const char *errno_name(int err);
/* A call's result as the lines show it: "-1 ENAME" when rc < 0, else rc. */
const char *result(long rc, int err);


/* The subcommands (privcmd_xc.c's table says what each does). */
int query_main(int argc, char **argv);
int ports_main(int argc, char **argv);
int raw_main(int argc, char **argv);
int loop_main(int argc, char **argv);

#endif
