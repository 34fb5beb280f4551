// SPDX-License-Identifier: GPL-2.0-only
/*
 * HERE and THERE (side.h).  A local operation is the devices.c call on a
 * descriptor of this process; a THERE operation in two-domain mode is the
 * same call made by the agent, asked for with one request (remote.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent.h"
#include "remote.h"
#include "side.h"

domid_t side_domid(enum side side)
{
	if (!conf_remote())
		return conf_peer();
	return side == HERE ? conf_self() : conf_peer();
}

domid_t side_peer(enum side side)
{
	if (!conf_remote())
		return conf_peer();
	return side == HERE ? conf_peer() : conf_self();
}

void xf_open(struct xfile *f, enum side side, const char *name)
{
	struct remote_answer a;

	memset(f, 0, sizeof(*f));
	f->side = side;
	f->local = side == HERE || !conf_remote();
	f->fd = -1;
	f->handle = -1;
	if (f->local) {
		f->fd = dev_open(name);
		return;
	}
	if (remote_call(&a, "open %s", name) < 0) {
		fprintf(stderr, "conformance: the agent cannot open "
			"/dev/xen/%s\n", name);
		fatal("agent's open");
	}
	f->handle = (int)a.rc;
}

int xf_close(struct xfile *f)
{
	struct remote_answer a;

	if (f->local)
		return close(f->fd);
	return (int)remote_call(&a, "close %d", f->handle);
}

int xf_bind_unbound(struct xfile *f, domid_t remote)
{
	struct remote_answer a;

	if (f->local)
		return ev_bind_unbound(f->fd, remote);
	return (int)remote_call(&a, "unbound %d %u", f->handle, remote);
}

int xf_bind_interdomain(struct xfile *f, domid_t remote, evtchn_port_t port)
{
	struct remote_answer a;

	if (f->local)
		return ev_bind_interdomain(f->fd, remote, port);
	return (int)remote_call(&a, "interdomain %d %u %u", f->handle, remote,
				port);
}

int xf_notify(struct xfile *f, evtchn_port_t port)
{
	struct remote_answer a;

	if (f->local)
		return ev_notify(f->fd, port);
	return (int)remote_call(&a, "notify %d %u", f->handle, port);
}

int xf_unbind(struct xfile *f, evtchn_port_t port)
{
	struct remote_answer a;

	if (f->local)
		return ev_unbind(f->fd, port);
	return (int)remote_call(&a, "unbind %d %u", f->handle, port);
}

int xf_unmask(struct xfile *f, evtchn_port_t port)
{
	struct remote_answer a;

	if (f->local)
		return ev_unmask(f->fd, port);
	return (int)remote_call(&a, "unmask %d %u", f->handle, port);
}

long xf_wait(struct xfile *f, int timeout_ms)
{
	struct remote_answer a;

	if (f->local)
		return ev_wait(f->fd, timeout_ms);
	return remote_call(&a, "wait %d %d", f->handle, timeout_ms);
}

int xs_alloc(struct xshare *x, struct xfile *f, domid_t to, uint32_t count,
	     bool writable)
{
	struct remote_answer a;
	int rc;

	memset(x, 0, sizeof(*x));
	x->file = *f;
	x->handle = -1;
	if (f->local)
		return share_alloc(&x->s, f->fd, to, count, writable);
	x->s.fd = -1;
	rc = (int)remote_call(&a, "alloc %d %u %u %d", f->handle, to, count,
			      writable);
	if (rc < 0)
		return rc;
	if (a.nvals != 2 + (int)count)
		fatal("agent's alloc answer");
	x->handle = (int)a.vals[0];
	x->s.count = count;
	x->s.index = (uint64_t)a.vals[1];
	for (uint32_t i = 0; i < count; i++)
		x->s.refs[i] = (uint32_t)a.vals[2 + i];
	return 0;
}

void xs_new(struct xshare *x, struct xfile *f, uint32_t count, bool writable)
{
	if (xs_alloc(x, f, side_peer(f->side), count, writable) < 0)
		fatal("IOCTL_GNTALLOC_ALLOC_GREF");
	if (xs_mmap(x) < 0)
		fatal("mmap of gntalloc");
}

int xs_mmap(struct xshare *x)
{
	struct remote_answer a;
	int rc;

	if (x->file.local)
		rc = share_mmap(&x->s);
	else
		rc = (int)remote_call(&a, "mmap %d %d %d", x->handle,
				      PROT_READ | PROT_WRITE, MAP_SHARED);
	if (rc == 0)
		x->mapped = true;
	return rc;
}

int xs_munmap(struct xshare *x)
{
	struct remote_answer a;

	x->mapped = false;
	if (x->file.local)
		return share_munmap(&x->s);
	return (int)remote_call(&a, "munmap %d", x->handle);
}

int xs_dealloc(struct xshare *x)
{
	struct remote_answer a;

	if (x->file.local)
		return share_dealloc(&x->s);
	return (int)remote_call(&a, "dealloc %d", x->handle);
}

void xs_release(struct xshare *x)
{
	if (x->mapped)
		xs_munmap(x);
	xs_dealloc(x);
}

void xs_wrap(struct xshare *x, uint8_t *addr, uint32_t count,
	     const uint32_t *refs)
{
	memset(x, 0, sizeof(*x));
	x->file.side = HERE;
	x->file.local = true;
	x->file.fd = -1;
	x->handle = -1;
	x->s.fd = -1;
	x->s.addr = addr;
	x->s.count = count;
	for (uint32_t i = 0; i < count && i < SHARE_MAX; i++)
		x->s.refs[i] = refs[i];
	x->mapped = addr != NULL;
}

int xm_add(struct xmap *x, struct xfile *f, domid_t from,
	   const uint32_t *refs, uint32_t count)
{
	struct remote_answer a;
	char line[WIRE_LINE_MAX];
	size_t len;
	int rc;

	memset(x, 0, sizeof(*x));
	x->file = *f;
	x->handle = -1;
	if (f->local)
		return gmap_add(&x->m, f->fd, from, refs, count);
	x->m.fd = -1;
	len = (size_t)snprintf(line, sizeof(line), "map %d %u", f->handle,
			       from);
	for (uint32_t i = 0; i < count; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %u",
					refs[i]);
	rc = (int)remote_call(&a, "%s", line);
	if (rc < 0)
		return rc;
	if (a.nvals != 2)
		fatal("agent's map answer");
	x->handle = (int)a.vals[0];
	x->m.count = count;
	x->m.index = (uint64_t)a.vals[1];
	return 0;
}

int xm_mmap(struct xmap *x, int prot, int flags)
{
	struct remote_answer a;
	int rc;

	if (x->file.local)
		rc = gmap_mmap(&x->m, prot, flags);
	else
		rc = (int)remote_call(&a, "mmap %d %d %d", x->handle, prot,
				      flags);
	if (rc == 0)
		x->mapped = true;
	return rc;
}

int xm_munmap(struct xmap *x)
{
	struct remote_answer a;

	x->mapped = false;
	if (x->file.local)
		return gmap_munmap(&x->m);
	return (int)remote_call(&a, "munmap %d", x->handle);
}

int xm_remove(struct xmap *x)
{
	struct remote_answer a;

	if (x->file.local)
		return gmap_remove(&x->m);
	return (int)remote_call(&a, "unmap %d", x->handle);
}

void xm_one(struct xmap *x, struct xfile *f, domid_t from, uint32_t ref)
{
	if (xm_add(x, f, from, &ref, 1) < 0)
		fatal("IOCTL_GNTDEV_MAP_GRANT_REF");
	if (xm_mmap(x, PROT_READ | PROT_WRITE, MAP_SHARED) < 0)
		fatal("mmap of a grant");
}

void xm_wrap(struct xmap *x, uint8_t *addr, uint32_t count)
{
	memset(x, 0, sizeof(*x));
	x->file.side = HERE;
	x->file.local = true;
	x->file.fd = -1;
	x->handle = -1;
	x->m.fd = -1;
	x->m.addr = addr;
	x->m.count = count;
	x->mapped = addr != NULL;
}

/* The local bytes of S or M, or NULL when they are the agent's. */
static volatile uint8_t *local_bytes(struct xshare *s, struct xmap *m,
				     int *handle)
{
	bool local = s ? s->file.local : m->file.local;
	bool mapped = s ? s->mapped : m->mapped;

	if (!mapped) {
		errno = EFAULT;
		fatal("bytes of a page that is not mapped");
	}
	*handle = s ? s->handle : m->handle;
	if (!local)
		return NULL;
	return s ? s->s.addr : m->m.addr;
}

void x_read(struct xshare *s, struct xmap *m, size_t off, void *buf,
	    size_t len)
{
	struct remote_answer a;
	int handle;
	volatile uint8_t *p = local_bytes(s, m, &handle);
	uint8_t *out = buf;

	if (p) {
		for (size_t i = 0; i < len; i++)
			out[i] = p[off + i];
		return;
	}
	for (size_t done = 0; done < len; done += AGENT_PEEK_MAX) {
		size_t n = len - done < AGENT_PEEK_MAX ? len - done :
			   AGENT_PEEK_MAX;

		remote_call(&a, "peek %d %zu %zu", handle, off + done, n);
		if (strlen(a.text) != 2 * n)
			fatal("agent's peek answer");
		for (size_t i = 0; i < n; i++) {
			unsigned int byte;

			if (sscanf(a.text + 2 * i, "%2x", &byte) != 1)
				fatal("agent's peek answer");
			out[done + i] = (uint8_t)byte;
		}
	}
}

/* Writes LEN bytes from BUF (or LEN copies of V when BUF is NULL). */
static void x_store(struct xshare *s, struct xmap *m, size_t off,
		    const uint8_t *buf, uint8_t v, size_t len)
{
	struct remote_answer a;
	int handle;
	volatile uint8_t *p = local_bytes(s, m, &handle);

	if (p) {
		for (size_t i = 0; i < len; i++)
			p[off + i] = buf ? buf[i] : v;
		return;
	}
	for (size_t done = 0; done < len; done += AGENT_PEEK_MAX) {
		size_t n = len - done < AGENT_PEEK_MAX ? len - done :
			   AGENT_PEEK_MAX;
		char hex[2 * AGENT_PEEK_MAX + 1];

		for (size_t i = 0; i < n; i++)
			snprintf(hex + 2 * i, 3, "%02x",
				 buf ? buf[done + i] : v);
		remote_call(&a, "poke %d %zu %s", handle, off + done, hex);
	}
}

void x_write(struct xshare *s, struct xmap *m, size_t off, const void *buf,
	     size_t len)
{
	x_store(s, m, off, buf, 0, len);
}

void x_fill(struct xshare *s, struct xmap *m, size_t off, uint8_t v,
	    size_t len)
{
	x_store(s, m, off, NULL, v, len);
}

bool x_equal(struct xshare *s, struct xmap *m, size_t off, const void *buf,
	     size_t len)
{
	uint8_t bytes[SHARE_MAX * PAGE / 16];

	if (len > sizeof(bytes))
		fatal("x_equal of too many bytes");
	x_read(s, m, off, bytes, len);
	return memcmp(bytes, buf, len) == 0;
}

uint8_t x_get(struct xshare *s, struct xmap *m, size_t off)
{
	uint8_t v;

	x_read(s, m, off, &v, 1);
	return v;
}

void x_set(struct xshare *s, struct xmap *m, size_t off, uint8_t v)
{
	x_store(s, m, off, NULL, v, 1);
}

void pair_files(struct xpair *p, enum end here_end)
{
	memset(p, 0, sizeof(*p));
	xf_open(&p->file[HERE], HERE, "evtchn");
	if (conf_remote()) {
		xf_open(&p->file[THERE], THERE, "evtchn");
		p->side[here_end] = HERE;
		p->side[!here_end] = THERE;
	} else {
		p->file[THERE] = p->file[HERE];
		p->side[UNBOUND_END] = p->side[BOUND_END] = HERE;
	}
}

struct xfile *pair_file(struct xpair *p, enum end end)
{
	return &p->file[p->side[end]];
}

domid_t pair_domid(const struct xpair *p, enum end end)
{
	return side_domid(p->side[end]);
}

int pair_bind_unbound(struct xpair *p)
{
	int port = xf_bind_unbound(pair_file(p, UNBOUND_END),
				   pair_domid(p, BOUND_END));

	if (port >= 0)
		p->port[UNBOUND_END] = (evtchn_port_t)port;
	return port;
}

int pair_bind_interdomain(struct xpair *p)
{
	int port = xf_bind_interdomain(pair_file(p, BOUND_END),
				       pair_domid(p, UNBOUND_END),
				       p->port[UNBOUND_END]);

	if (port >= 0)
		p->port[BOUND_END] = (evtchn_port_t)port;
	return port;
}

void pair_drain_bind(struct xpair *p)
{
	struct xfile *f = pair_file(p, BOUND_END);
	long port = xf_wait(f, EVENT_WAIT_MS);

	if (port >= 0)
		xf_unmask(f, (evtchn_port_t)port);
}

void pair_open(struct xpair *p, enum end here_end)
{
	pair_files(p, here_end);
	if (pair_bind_unbound(p) < 0)
		fatal("IOCTL_EVTCHN_BIND_UNBOUND_PORT");
	if (pair_bind_interdomain(p) < 0)
		fatal("IOCTL_EVTCHN_BIND_INTERDOMAIN");
	/* Xen marks a newly bound port pending; that event is not a test's. */
	pair_drain_bind(p);
}

void pair_close(struct xpair *p)
{
	xf_close(&p->file[HERE]);
	if (conf_remote())
		xf_close(&p->file[THERE]);
}

int pair_notify(struct xpair *p, enum end end)
{
	return xf_notify(pair_file(p, end), p->port[end]);
}

int pair_unbind(struct xpair *p, enum end end)
{
	return xf_unbind(pair_file(p, end), p->port[end]);
}

int pair_unmask(struct xpair *p, enum end end)
{
	return xf_unmask(pair_file(p, end), p->port[end]);
}

struct xevent pair_wait(struct xpair *p, int timeout_ms)
{
	struct xevent ev = { HERE, -1 };
	long there_port;

	if (p->held) {
		p->held = false;
		ev.side = p->held_side;
		ev.port = p->held_port;
		return ev;
	}
	if (!conf_remote()) {
		ev.port = ev_wait(p->file[HERE].fd, timeout_ms);
		return ev;
	}
	if (remote_wait_either(p->file[THERE].handle, p->file[HERE].fd,
			       timeout_ms, &there_port)) {
		ev.port = ev_wait(p->file[HERE].fd, 0);
		if (there_port >= 0) {
			/* Both fired: the other is the next wait's. */
			p->held = true;
			p->held_side = THERE;
			p->held_port = there_port;
		}
	} else if (there_port >= 0) {
		ev.side = THERE;
		ev.port = there_port;
	}
	return ev;
}

void pair_unmask_event(struct xpair *p, struct xevent ev)
{
	if (ev.port >= 0)
		xf_unmask(&p->file[ev.side], (evtchn_port_t)ev.port);
}

const char *pair_name(const struct xpair *p, struct xevent ev)
{
	if (ev.port < 0)
		return "none";
	if (ev.side == p->side[UNBOUND_END] && ev.port == p->port[UNBOUND_END])
		return "unbound_end";
	if (ev.side == p->side[BOUND_END] && ev.port == p->port[BOUND_END])
		return "bound_end";
	return "other";
}

void say_event(const char *key, struct xpair *p)
{
	struct xevent ev = pair_wait(p, EVENT_WAIT_MS);

	say(key, "event=%s", pair_name(p, ev));
	pair_unmask_event(p, ev);
}
