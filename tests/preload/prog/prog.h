/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * preload-prog: the program the preload test runs in a domain under
 * libhvsim-preload.so.  It is what an unmodified program is: raw open,
 * ioctl, mmap, read and write on /dev/xen/{gntalloc,gntdev,evtchn}, no
 * project code, no sanitizer.  Each subcommand is one scenario that talks
 * with the test in lines: it says "KEY VALUES" on stdout and waits for the
 * test's word on stdin where the test must look from the other domain.
 * Anything unexpected ends it with "error WHAT" and exit status 1.
 */
#ifndef PRELOAD_PROG_H
#define PRELOAD_PROG_H

#include <stdint.h>

#include "hvsim/xen.h"
#include <xen/gntalloc.h>
#include <xen/gntdev.h>
#include <xen/evtchn.h>

#define PAGE_SIZE 4096

/* One line to the test (no stdio buffer, so fork never doubles it). */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "error ...", then exit(1). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* The test's next line (static buffer); EOF ends the program. */
const char *hear(void);
/* The test's next line must be `word`. */
void await(const char *word);

/* open("/dev/xen/NAME", flags) or die. */
int dev_open(const char *name, int flags);

/* gntalloc: one writable page granted to `domid` through fd. */
struct grant {
	uint32_t ref;
	uint64_t index;
};
struct grant grant_page(int fd, uint16_t domid);
/* mmap of the grant's page (read-write, shared) or die. */
volatile char *map_grant(int fd, const struct grant *g);

/* evtchn: a port offered to `remote`, the return of the ioctl. */
uint32_t bind_unbound(int fd, uint16_t remote);
uint32_t bind_interdomain(int fd, uint16_t remote, uint32_t remote_port);

/* A SIGALRM after `seconds` ends the program with "error hung WHAT". */
void guard(unsigned int seconds, const char *what);
void unguard(void);

/* HVSIM_DOMID: the domain we run in. */
uint16_t my_domid(void);

/* The scenarios (argv[0] is the subcommand). */
int scenario_readiness(int argc, char **argv);
int scenario_readiness_two(int argc, char **argv);
int scenario_dup(int argc, char **argv);
int scenario_fork(int argc, char **argv);
int scenario_exec(int argc, char **argv);
int scenario_exec_after(int argc, char **argv);
int scenario_exec_spawned(int argc, char **argv);
int scenario_spawn(int argc, char **argv);
int scenario_close_mapped(int argc, char **argv);
int scenario_threads(int argc, char **argv);
int scenario_notify(int argc, char **argv);
int scenario_garbage(int argc, char **argv);
int scenario_mprotect(int argc, char **argv);

#endif
