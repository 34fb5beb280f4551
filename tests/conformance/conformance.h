/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every conformance program shares: how it prints observations, how it
 * names errnos, grant statuses and signals, and who its peer domain is.
 *
 * An observation is one line, "KEY VALUE...": KEY is the program's dotted
 * name for what was looked at, VALUE what was seen ("ok", "errno=EINVAL",
 * "status=GNTST_bad_gntref", "byte=0x00", "event=none").  Nothing in a line
 * may depend on the run: no addresses, pids, port or grant numbers, times.
 * The same binary then prints the same lines on real Xen and on hvsim, and
 * reference/compare.sh can set them side by side.
 */
#ifndef CONFORMANCE_H
#define CONFORMANCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* libxen-dev's public headers want these before the Linux uapi ones. */
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/event_channel.h>

#define PAGE 4096UL

/*
 * A domain id that no test setup creates: grants and ports offered to it
 * stay unbound, and maps from it meet a missing domain.  Below
 * DOMID_FIRST_RESERVED, so Linux and Xen treat it as an ordinary id.
 */
#define ABSENT_DOMID ((domid_t)31000)

/*
 * Reads conformance options and sets the program up:
 *
 *   --peer DOMID      (or $CONFORMANCE_PEER) the domain to grant to, offer
 *                     ports to and map from; default 0, which in dom0 is
 *                     the program's own domain (self-grant)
 *   --remote RFD,WFD  two-domain mode: the other side of every exchange is
 *                     an agent in domain DOMID, reached over these two
 *                     descriptors (side.h)
 *   --agent RFD,WFD   be that agent (agent.h): serve the stream, print
 *                     nothing, exit when it ends; conf_init never returns
 *   --self DOMID      (or $CONFORMANCE_SELF) this program's own domain,
 *                     where the environment cannot tell ($HVSIM_DOMID
 *                     does under hvsim; a real dom0 is 0)
 *
 * Makes stdout line buffered so that lines and forks do not interleave.
 */
void conf_init(int argc, char **argv);
domid_t conf_peer(void);
/* True in two-domain mode. */
bool conf_remote(void);
/*
 * This program's own domain: in two-domain mode the one found (and
 * checked) at start; in self mode the peer, which is the same domain.
 */
domid_t conf_self(void);
/* --self, $CONFORMANCE_SELF or $HVSIM_DOMID; DOMID_INVALID if none. */
domid_t conf_self_known(void);

/* Prints "KEY " and the formatted value. */
void say(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "KEY ok" for rc >= 0, else "KEY errno=NAME" from errno. */
void say_rc(const char *key, long rc);
/* Like say_rc, for calls that return a pointer or NULL/MAP_FAILED. */
void say_ptr(const char *key, const void *p);

/* "EINVAL"; "E<number>" for one glibc cannot name. */
const char *errno_name(int err);
/* "GNTST_bad_gntref"; "GNTST_<number>" for an unknown status. */
const char *gntst_name(int status);
/* "SIGSEGV". */
const char *signal_name(int sig);
/* "yes" or "no". */
const char *yes_no(bool b);

/*
 * Reads *addr in a forked child and says "KEY value=0x.." or, when the child
 * dies of it, "KEY signal=SIGSEGV": what a mapping looks like after fork.
 */
void say_child_read(const char *key, const volatile uint8_t *addr);

/*
 * Reads *addr here, in this process: "KEY value=0x.." or, when the read
 * faults, "KEY signal=SIGSEGV" (or SIGBUS), and the program goes on.  For
 * mappings a child would not inherit (VM_DONTCOPY).
 */
void say_read(const char *key, const volatile uint8_t *addr);

/* A failure of the harness itself (not an observation): exits 2. */
void fatal(const char *what) __attribute__((noreturn));

#endif
