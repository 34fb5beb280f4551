/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A program running in a simulated domain, for tests and benchmarks: it is
 * started as `hvsim run DOMAIN -- prog args` starts it (the interposer in
 * LD_PRELOAD, HVSIM_DIR, HVSIM_DOMID, XENSTORED_PATH), with pipes on its
 * stdin, stdout and stderr so that the caller can wait for what it says.
 * It is killed if its parent dies (a failed check _exit()s the test).
 */
#ifndef VCHAN_DOMAIN_PROC_H
#define VCHAN_DOMAIN_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct dproc {
	pid_t pid;
	int in, out, err;       /* its stdin, stdout, stderr; -1 when closed */
	char *text;             /* all it wrote to stdout, nul-terminated */
	size_t len;
	char *errtext;          /* and to stderr */
	size_t errlen;
	int status;             /* once it ended: exit status, or 128 + signal */
	bool ended;
};

/*
 * Where the interposer is: beside the project's executables
 * (hvsim_find_exe), in ../lib.  0 or -ENOENT.
 */
int dproc_preload_path(char *buf, size_t n);

/* Starts argv (argv[0] a path) in domain `domid` of the hvsimd of `dir`.
 * 0 or a negative errno. */
int dproc_start(struct dproc *p, const char *dir, unsigned int domid, char *const argv[]);

/* Waits up to `ms` for `text` to appear in its stdout; true if it did. */
bool dproc_expect(struct dproc *p, const char *text, int ms);

void dproc_close_stdin(struct dproc *p);
void dproc_kill(struct dproc *p, int sig);

/*
 * Waits up to `ms` (-1: forever) for it to end; returns its status, or -1
 * if it did not end in time (it is then left running).
 */
int dproc_wait(struct dproc *p, int ms);

/* Kills it if it still runs, reaps it, frees what it said. */
void dproc_release(struct dproc *p);

#endif
