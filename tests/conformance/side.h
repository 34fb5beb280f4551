/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two sides of every exchange a conformance case observes.  HERE is
 * the program itself: the calls whose answers the lines print.  THERE is
 * whoever grants the pages HERE maps, maps the pages HERE grants, holds
 * the far end of a channel.
 *
 * In self mode (no --remote) THERE is this same process, and every
 * operation below is the plain device call it always was, on the same
 * descriptors: the lines of a self-grant run do not change.  In
 * two-domain mode THERE is the agent in the peer domain (agent.h), and
 * each THERE operation is one request to it; its answer carries the
 * call's result and errno, so a line about a THERE call reads the same.
 *
 * The functions return what the device call returned (-1 and errno on
 * failure), except the *_open ones, which exit when setup fails.
 */
#ifndef CONFORMANCE_SIDE_H
#define CONFORMANCE_SIDE_H

#include "devices.h"

enum side { HERE, THERE };

/* The domain a side is in, and the one its operations name as the other. */
domid_t side_domid(enum side side);
domid_t side_peer(enum side side);

/* A device file open on a side. */
struct xfile {
	enum side side;
	bool local;	/* this process's descriptor fd, else agent's handle */
	int fd;
	int handle;
};

/* Opens /dev/xen/NAME on SIDE; exits when that fails. */
void xf_open(struct xfile *f, enum side side, const char *name);
int xf_close(struct xfile *f);

/* Event channels on an evtchn file (devices.h's ev_* there). */
int xf_bind_unbound(struct xfile *f, domid_t remote);
int xf_bind_interdomain(struct xfile *f, domid_t remote, evtchn_port_t port);
int xf_notify(struct xfile *f, evtchn_port_t port);
int xf_unbind(struct xfile *f, evtchn_port_t port);
int xf_unmask(struct xfile *f, evtchn_port_t port);
/* The next port that fired, waiting up to TIMEOUT_MS; -1: none. */
long xf_wait(struct xfile *f, int timeout_ms);

/* Pages granted through gntalloc on a side. */
struct xshare {
	struct xfile file;
	struct share s;		/* count, index, refs; addr when local */
	int handle;
	bool mapped;
};

int xs_alloc(struct xshare *x, struct xfile *f, domid_t to, uint32_t count,
	     bool writable);
/* Allocates and maps COUNT writable pages granted to SIDE's peer; exits
 * when that fails. */
void xs_new(struct xshare *x, struct xfile *f, uint32_t count, bool writable);
/* Shared read-write mapping of all its pages. */
int xs_mmap(struct xshare *x);
int xs_munmap(struct xshare *x);
int xs_dealloc(struct xshare *x);
/* munmap (when mapped) and dealloc. */
void xs_release(struct xshare *x);
/*
 * A share made some other way (a library) in this process, seen through
 * this interface: only its bytes and refs are used.
 */
void xs_wrap(struct xshare *x, uint8_t *addr, uint32_t count,
	     const uint32_t *refs);

/* Grants mapped through gntdev on a side. */
struct xmap {
	struct xfile file;
	struct gmap m;		/* count, index; addr when local */
	int handle;
	bool mapped;
};

int xm_add(struct xmap *x, struct xfile *f, domid_t from,
	   const uint32_t *refs, uint32_t count);
int xm_mmap(struct xmap *x, int prot, int flags);
int xm_munmap(struct xmap *x);
int xm_remove(struct xmap *x);
/* Adds and maps one grant read-write; exits when that fails. */
void xm_one(struct xmap *x, struct xfile *f, domid_t from, uint32_t ref);
/* A mapping made some other way (a library) in this process. */
void xm_wrap(struct xmap *x, uint8_t *addr, uint32_t count);

/*
 * The bytes of a mapped share or map, wherever it is.  The pointer is
 * one of the two; a page that is not mapped is the program's bug (exit).
 */
uint8_t x_get(struct xshare *s, struct xmap *m, size_t off);
void x_set(struct xshare *s, struct xmap *m, size_t off, uint8_t v);
void x_read(struct xshare *s, struct xmap *m, size_t off, void *buf,
	    size_t len);
void x_write(struct xshare *s, struct xmap *m, size_t off, const void *buf,
	     size_t len);
void x_fill(struct xshare *s, struct xmap *m, size_t off, uint8_t v,
	    size_t len);
/* Whether LEN bytes at OFF equal BUF. */
bool x_equal(struct xshare *s, struct xmap *m, size_t off, const void *buf,
	     size_t len);
#define xs_get(s, off) x_get((s), NULL, (off))
#define xs_set(s, off, v) x_set((s), NULL, (off), (v))
#define xm_get(m, off) x_get(NULL, (m), (off))
#define xm_set(m, off, v) x_set(NULL, (m), (off), (v))

/*
 * One interdomain channel.  Its unbound end was offered by one side to
 * the other, its bound end bound to it by the other side; events sent on
 * one end arrive at the other.  In self mode both ends live on one evtchn
 * file, as they always did; in two-domain mode each side holds one end,
 * and the case says which one is HERE.
 */
enum end { UNBOUND_END, BOUND_END };

struct xpair {
	struct xfile file[2];	/* per side; one descriptor in self mode */
	enum side side[2];	/* per end */
	evtchn_port_t port[2];	/* per end */
	bool held;		/* an event read but not yet reported */
	enum side held_side;
	long held_port;
};

/* What a wait found: a port that fired on a side, or port -1. */
struct xevent {
	enum side side;
	long port;
};

/* Opens the evtchn files only; the ends are bound with the two below. */
void pair_files(struct xpair *p, enum end here_end);
/* Offers the unbound end to the other end's domain: a port, or -1. */
int pair_bind_unbound(struct xpair *p);
/* Binds the bound end to it: a port, or -1. */
int pair_bind_interdomain(struct xpair *p);
/* Drains the event Xen raises on the bound end when it is bound. */
void pair_drain_bind(struct xpair *p);
/* All of the above; exits when a bind fails. */
void pair_open(struct xpair *p, enum end here_end);
void pair_close(struct xpair *p);

struct xfile *pair_file(struct xpair *p, enum end end);
domid_t pair_domid(const struct xpair *p, enum end end);
int pair_notify(struct xpair *p, enum end end);
int pair_unbind(struct xpair *p, enum end end);
int pair_unmask(struct xpair *p, enum end end);

/* The first event on either end within TIMEOUT_MS. */
struct xevent pair_wait(struct xpair *p, int timeout_ms);
/* Re-enables the port that fired. */
void pair_unmask_event(struct xpair *p, struct xevent ev);
/* "unbound_end", "bound_end", "none" or "other". */
const char *pair_name(const struct xpair *p, struct xevent ev);
/*
 * Says "KEY event=NAME" for the next event (or none within
 * EVENT_WAIT_MS), and re-enables the port that fired, so that every
 * observation starts from an idle channel.
 */
void say_event(const char *key, struct xpair *p);

#endif
