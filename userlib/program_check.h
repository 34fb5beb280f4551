/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whether the interposer can reach a program before `hvsim run` execs it:
 * a program it cannot reach would run, but its /dev/xen calls would go to
 * the host instead of the domain, so it is refused with a reason.
 */
#ifndef HVSIM_PROGRAM_CHECK_H
#define HVSIM_PROGRAM_CHECK_H

#include <stddef.h>

/*
 * Resolves `prog` as execvp() would (along $PATH unless it holds a '/')
 * and checks that the interposer `preload` can reach it: a dynamically
 * linked ELF of the interposer's class and machine, not set-id; a `#!`
 * script, or a file execvp() would hand to /bin/sh, whose interpreter
 * passes the same check.  Returns 0 with the program's path in buf.
 * Otherwise a message for people in `why`, and -ENOENT (not found: a
 * shell's 127), -EACCES/-EISDIR/-ELOOP (found, not executable: 126) or
 * -ENOEXEC (executable, but out of the interposer's reach: static,
 * another ELF class or machine, set-id).
 */
int hvsim_check_program(const char *prog, const char *preload, char *buf, size_t n,
			char *why, size_t whylen);

#endif
