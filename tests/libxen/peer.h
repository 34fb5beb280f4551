/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxen-peer: one side of a two-domain exchange through Debian's
 * libxengnttab and libxenevtchn, run in a simulated domain under the
 * interposer (`hvsim run DOMAIN -- libxen-peer SUBCOMMAND ...`).
 *
 * Each subcommand prints what it observed on stdout, one fact per line,
 * a keyword first: "pid 123", "gref 8 9 10", "port 5", "ready",
 * "ok sha256 <hex> bytes <n>".  Whoever drives a pair (the test, the
 * benchmark) passes one side's grefs and port to the other on its command
 * line.  Failures go to stderr as "libxen-peer: what: why", exit status 1.
 */
#ifndef LIBXEN_PEER_H
#define LIBXEN_PEER_H

#include <stdint.h>
#include <stdnoreturn.h>

#include <xenevtchn.h>
#include <xengnttab.h>

#define PAGE_SIZE_4K 4096u
/* How long a side waits for its peer's next event before giving up. */
#define EVENT_TIMEOUT_MS 20000

#include "peer_say.h"

/* Parses argv[0..n-1] as grant refs into a malloc'd array. */
uint32_t *parse_refs(int n, char **argv);
/* "gref R0 R1 ..." */
void say_refs(const uint32_t *refs, unsigned int n);

xenevtchn_handle *open_evtchn(void);
xengnttab_handle *open_gnttab(void);
xengntshr_handle *open_gntshr(void);

/* xenevtchn_notify() or die. */
void send_event(xenevtchn_handle *xce, evtchn_port_t port);

/*
 * Waits for the next event in a select() loop on xenevtchn_fd(), takes it
 * with xenevtchn_pending() and unmasks it.  Returns the port, or -1 when
 * nothing came within timeout_ms.
 */
int wait_event(xenevtchn_handle *xce, int timeout_ms);
/* The same, but dies (saying `what` was awaited) on timeout. */
evtchn_port_t expect_event(xenevtchn_handle *xce, const char *what);

/* xenevtchn_bind_unbound_port() / _bind_interdomain() or die. */
evtchn_port_t bind_unbound(xenevtchn_handle *xce, uint32_t peer);
evtchn_port_t bind_interdomain(xenevtchn_handle *xce, uint32_t peer, uint32_t port);

/* Blocks until stdin reaches end of file: the driver's "you may stop". */
void wait_for_stdin_eof(void);

/* The subcommands, each main()-like: argv[0] is the subcommand. */
int ring_write_main(int argc, char **argv);
int ring_read_main(int argc, char **argv);
int hold_share_main(int argc, char **argv);
int hold_map_main(int argc, char **argv);
int watch_share_main(int argc, char **argv);
int watch_map_main(int argc, char **argv);
int copy_share_main(int argc, char **argv);
int copy_map_main(int argc, char **argv);
int bench_share_main(int argc, char **argv);
int bench_map_main(int argc, char **argv);
int bench_copy_main(int argc, char **argv);
int bench_ping_main(int argc, char **argv);
int bench_pong_main(int argc, char **argv);

#endif
