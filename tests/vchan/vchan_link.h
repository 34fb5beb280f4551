/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What vchan-server and vchan-client have in common: their options, the
 * xenstore node that tells one end the other end's domain is gone, and the
 * things they do once connected (exchange streams, hold the line, wait for
 * the peer to leave, bridge a unix socket).
 *
 * Why a xenstore node: libxenvchan learns that its peer left only from the
 * peer's own kernel (the unmap notification that clears the peer's "live"
 * byte and signals the event channel; Linux's gntalloc and gntdev do it
 * when the peer's file is released, so on exit and on SIGKILL). A destroyed
 * domain has no kernel left to do that: Xen closes its event channels (the
 * survivor's port just goes back to unbound, with no event) and drops its
 * mappings without a word. What the survivor does see is xenstore: the dead
 * domain's home is removed, which fires watches on nodes in it. So the
 * client watches the server's `ring-ref`, and the client publishes
 * /local/domain/<client>/data/vchan-client/<server>/<name> (readable by the
 * server) for the server to watch, `name` being the last component of the
 * vchan's path.
 */
#ifndef VCHAN_LINK_H
#define VCHAN_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxenvchan.h>
#include <xenstore.h>

enum vlink_mode {
	VLINK_STREAM,     /* send and receive streams, print checksums */
	VLINK_HOLD,       /* stay connected until stdin ends, then close */
	VLINK_WAIT_GONE,  /* stay connected until the peer leaves */
	VLINK_BRIDGE,     /* client: carry a unix socket's bytes over the vchan */
	VLINK_PING,       /* small-message round trips, timed (vchan_ping.c) */
};

struct vlink_opts {
	enum vlink_mode mode;
	bool nonblock;          /* non-blocking vchan, select() on its fd */
	uint64_t send, recv;    /* stream: bytes this end sends and receives */
	uint64_t seed;          /* stream: client sends seed*2+1, server seed*2+2 */
	size_t max_write;       /* stream: random write sizes up to this */
	size_t max_read;
	size_t write_size;      /* stream: fixed sizes instead (0: random) */
	size_t read_size;
	bool raw;               /* stream: no generation, no checks (benchmarks) */
	bool no_close;          /* hold: exit without libxenvchan_close */
	unsigned int rounds;    /* ping: round trips after the warm-up (0: 1000) */
	size_t ring;            /* server: minimum ring size each way (0: in-page) */
	const char *socket;     /* bridge: listen here */
	bool no_wait;           /* client: one try to connect, no waiting for the server */
	unsigned int timeout;   /* seconds before SIGALRM ends the program */
	int peer;               /* the other end's domid */
	const char *path;       /* the vchan's xenstore path */
};

struct vlink {
	struct libxenvchan *ctrl;
	bool is_server;
	const char *prog;
	struct xs_handle *xs;   /* our own handle, for the peer's node */
	char peer_node[256];    /* watched; empty: none known */
	bool peer_node_seen;
	char own_node[256];     /* client: what it published; empty: nothing */
	uint64_t send_seed, recv_seed;
	int bridge_fd;          /* bridge: the accepted connection */
};

/* Parses argv; prints usage and exits 2 on bad arguments. */
void vlink_parse(int argc, char **argv, bool is_server, struct vlink_opts *o);

/* Opens l->xs and reads this domain's domid from xenstore (-1: failed). */
int vlink_xs_open(struct vlink *l);

/* Watches `node` as the one whose loss means the peer is gone. */
int vlink_watch_peer(struct vlink *l, const char *node);
/* True once the watched node was seen and is now gone. */
bool vlink_peer_node_gone(struct vlink *l);

/*
 * Waits until the vchan's event channel or xenstore has something
 * (select() on both, at most `ms`, -1 forever); consumes the vchan event.
 * Returns what came (VLINK_EV_*, 0 on timeout), or -1 on error.
 */
#define VLINK_EV_VCHAN 1   /* an event on the vchan's port */
#define VLINK_EV_GONE  2   /* the peer's xenstore node is gone */
int vlink_wait(struct vlink *l, int ms);

/* Runs the mode once connected; the program's exit status. */
int vlink_run(struct vlink *l, const struct vlink_opts *o);

/*
 * Sends `send` bytes of the stream of l->send_seed and receives `recv`
 * bytes of l->recv_seed's, each followed by its checksum (unless raw),
 * checking every byte received; blocking ends take turns (the client
 * sends first), non-blocking ends do both at once.  `report`: print the
 * "sent"/"received" lines.  0, or 1 when the vchan failed or the peer
 * left, 3 when the data differed.
 */
int vlink_exchange(struct vlink *l, const struct vlink_opts *o, uint64_t send,
		   uint64_t recv, bool report);

/* Waits with select() like vlink_wait, also for rfd to read and wfd to write. */
int vlink_wait_fds(struct vlink *l, int ms, int rfd, int wfd, bool *rready, bool *wready);

/*
 * Ping mode: --rounds round trips of --write-size bytes (default 64), the
 * client writing first; the client prints "ping rtt-ns N rounds R" (the
 * median).  0, or 1 when the vchan failed.
 */
int vlink_ping(struct vlink *l, const struct vlink_opts *o);
/* CLOCK_MONOTONIC in ns: ping mode's ends say how long their init took. */
long long vlink_now_ns(void);

/* Ends the vchan and removes what this end published. */
void vlink_close(struct vlink *l);

/* "PROG: message: strerror" to stderr. */
void vlink_err(const struct vlink *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last component of a xenstore path. */
const char *vlink_leaf(const char *path);

#endif
