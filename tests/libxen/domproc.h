/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domproc: runs a program in a simulated domain, through
 * `hvsim run DOMID -- prog args`, with pipes on its stdin and stdout, for
 * the libxen test and benchmark.  Its stderr is ours.  Functions that
 * fail leave a message in p->error.
 */
#ifndef LIBXEN_DOMPROC_H
#define LIBXEN_DOMPROC_H

#include <stddef.h>
#include <sys/types.h>

struct domproc {
	char name[48];      /* for messages: the subcommand (a copy: argv may go) */
	pid_t pid;          /* our child: hvsim run, which execs the program */
	pid_t prog_pid;     /* the program, from its "pid N" line */
	int in;             /* its stdin (-1 once closed) */
	int out;            /* its stdout */
	char *buf;          /* what it wrote and we have not consumed */
	size_t len, cap;
	int status;         /* exit status once reaped, else -1 */
	char error[512];
};

/* Where the hvsim CLI is, and the hvsimd's state directory. */
void domproc_setup(const char *bindir, const char *state_dir);

/* Starts argv (argv[0] a path) in domain `domid` and reads its pid line. */
int domproc_start(struct domproc *p, unsigned int domid, char *const argv[]);

/*
 * Reads lines until one starts with the word `key` and returns the rest
 * of it (after "key "; "" if nothing follows), valid until the next
 * domproc_expect() of any domproc.
 * NULL on end of output or after timeout_ms.
 */
const char *domproc_expect(struct domproc *p, const char *key, int timeout_ms);

/* Closes its stdin (the "you may stop" of the hold-* subcommands). */
void domproc_close_stdin(struct domproc *p);
/* Signals the program itself (not hvsim run). */
int domproc_kill(struct domproc *p, int sig);
/*
 * Closes its stdin and waits up to timeout_ms for it to exit (then kills
 * it).  Returns its exit status, 128 + signal, or -1 on timeout.
 */
int domproc_wait(struct domproc *p, int timeout_ms);
/* Kills and reaps it if still running; frees the buffer. */
void domproc_cleanup(struct domproc *p);

#endif
