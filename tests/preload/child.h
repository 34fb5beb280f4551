/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The preload test's side of preload-prog (prog/prog.h): starts it in a
 * domain under libhvsim-preload.so, as the contract says a program is
 * started (LD_PRELOAD, HVSIM_DIR, HVSIM_DOMID, XENSTORED_PATH), and talks
 * with it in lines.  Every function fails the test with what the program
 * said (and its exit status) when something differs.
 */
#ifndef PRELOAD_CHILD_H
#define PRELOAD_CHILD_H

#include <stddef.h>
#include <sys/types.h>

struct child {
	const char *scenario;
	pid_t pid;
	int in, out;		/* its stdin, its stdout */
	char buf[8192];		/* what it said that we have not read */
	size_t len;
	char line[1024];	/* the last line read */
	int status;		/* once reaped, else -1 */
};

/* Starts `preload-prog SCENARIO ARGS...` in `domid`; reads its pid line. */
void child_start(struct child *c, unsigned int domid, const char *const args[]);
/*
 * Its next line must start with the word `key`: returns the rest of it
 * (in c->line).  Within timeout_ms.
 */
const char *child_expect(struct child *c, const char *key, int timeout_ms);
/* Its next line, whatever it is (NULL at its end or after timeout_ms). */
const char *child_line(struct child *c, int timeout_ms);
/* Sends one line. */
void child_say(struct child *c, const char *line);
/* Waits for its exit (then kills it); its status, or 128 + signal. */
int child_wait(struct child *c, int timeout_ms);
/* Is it still running? */
int child_alive(struct child *c);

/* The interposer the programs run under: $PRELOAD_TEST_LIB, else the
 * build's $(O)/lib/libhvsim-preload.so. */
const char *child_preload_lib(void);

#endif
