// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xenstore sockets.  Requests are read without blocking, answered in
 * order by the store, and the replies and watch events are queued per
 * connection and written when the client reads: hvsimd never waits for a
 * client.  A connection whose queue passes XS_OUT_BACKLOG has its further
 * requests wait; one whose queue passes XS_OUT_LIMIT (watch events pile
 * up while it does not read) is dropped.  A message longer than
 * XENSTORE_PAYLOAD_MAX closes its connection, as xenstored does; anything
 * else malformed gets an error reply from the store.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hvsim/listen.h"
#include "hvsim/paths.h"
#include "domain.h"
#include "log.h"
#include "loop.h"
#include "xenstore_server.h"

#define IN_BUF (16 * 1024)
/* duplicate watch events are looked for while the queue is this short */
#define DEDUP_WINDOW 64

struct out_msg {
	struct out_msg *next;
	size_t len, off;               /* off: bytes already written */
	bool event;
	uint8_t data[];
};

struct listener {
	struct loop_watch w;
	struct listener *next;
	domid_t domid;
	unsigned int nr_conns;
	char path[PATH_MAX];
	char dir[PATH_MAX];
};

struct sconn {
	struct loop_watch w;
	struct sconn *next, *prev;     /* every open connection */
	struct sconn *next_doomed;
	struct xs_conn *xs;
	struct listener *l;
	uint32_t events;               /* what the loop watches for */
	bool doomed, closed;
	size_t in_len;
	uint8_t in[IN_BUF];
	struct out_msg *out, **out_tail;
	size_t out_bytes;
	unsigned int out_count;
};

static char state_dir[PATH_MAX];
static struct listener *listeners;
static struct sconn *conns;
static struct sconn *doomed;
static int spare_fd = -1;

static void conn_flush(struct sconn *sc);

static void log_control(const char *msg)
{
	hv_log("xenstore: %s", msg);
}

/* Connections --------------------------------------------------------------- */

static void conn_set_events(struct sconn *sc)
{
	uint32_t ev = 0;

	if (sc->closed || sc->doomed)
		return;
	if (sc->out_bytes < XS_OUT_BACKLOG)
		ev |= EPOLLIN;
	if (sc->out)
		ev |= EPOLLOUT;
	if (ev != sc->events) {
		loop_mod(&sc->w, ev);
		sc->events = ev;
	}
}

static void free_output(struct sconn *sc)
{
	while (sc->out) {
		struct out_msg *m = sc->out;

		sc->out = m->next;
		free(m);
	}
	sc->out_tail = &sc->out;
	sc->out_bytes = 0;
	sc->out_count = 0;
}

static void conn_unlink(struct sconn *sc)
{
	if (sc->prev)
		sc->prev->next = sc->next;
	else
		conns = sc->next;
	if (sc->next)
		sc->next->prev = sc->prev;
	sc->next = sc->prev = NULL;
}

/* Closes now; the memory goes when the loop's current batch is done. */
static void conn_close(struct sconn *sc)
{
	if (sc->closed)
		return;
	sc->closed = true;
	if (sc->xs)
		xs_conn_free(sc->xs);
	sc->xs = NULL;
	free_output(sc);
	if (sc->l)
		sc->l->nr_conns--;
	conn_unlink(sc);
	loop_close_watch(&sc->w, sc);
}

/*
 * The store may be walking its connections when a send fails: the
 * connection is only marked, and closed when the request is done.
 */
static void conn_doom(struct sconn *sc, const char *why)
{
	if (sc->doomed || sc->closed)
		return;
	if (why)
		hv_log("xenstore: dropping a connection of dom%u: %s",
		       sc->xs ? xs_conn_domid(sc->xs) : 0, why);
	sc->doomed = true;
	sc->next_doomed = doomed;
	doomed = sc;
}

static void reap_doomed(void)
{
	while (doomed) {
		struct sconn *sc = doomed;

		doomed = sc->next_doomed;
		conn_close(sc);
	}
}

static bool duplicate_event(struct sconn *sc, const struct xsd_sockmsg *hdr,
			    const void *payload)
{
	size_t len = sizeof(*hdr) + hdr->len;

	/*
	 * Special events are never merged: each is a domain coming or going.
	 * A long queue is not searched (the cost would grow with it); a
	 * duplicate event is allowed, only wasteful.
	 */
	if (((const char *)payload)[0] == '@' || sc->out_count > DEDUP_WINDOW)
		return false;
	for (struct out_msg *m = sc->out; m; m = m->next) {
		if (m->event && m->off == 0 && m->len == len &&
		    !memcmp(m->data + sizeof(*hdr), payload, hdr->len))
			return true;
	}
	return false;
}

static void conn_send(struct xs_conn *c, const struct xsd_sockmsg *hdr, const void *payload)
{
	struct sconn *sc = xs_conn_opaque(c);
	bool event = hdr->type == XS_WATCH_EVENT;
	struct out_msg *m;

	if (sc->doomed || sc->closed)
		return;
	/* an event already waiting to be read says the same */
	if (event && duplicate_event(sc, hdr, payload))
		return;
	if (sc->out_bytes + sizeof(*hdr) + hdr->len > XS_OUT_LIMIT) {
		conn_doom(sc, "it does not read what it is sent");
		return;
	}
	m = malloc(sizeof(*m) + sizeof(*hdr) + hdr->len);
	if (!m) {
		conn_doom(sc, "out of memory");
		return;
	}
	m->next = NULL;
	m->len = sizeof(*hdr) + hdr->len;
	m->off = 0;
	m->event = event;
	memcpy(m->data, hdr, sizeof(*hdr));
	if (hdr->len)
		memcpy(m->data + sizeof(*hdr), payload, hdr->len);
	*sc->out_tail = m;
	sc->out_tail = &m->next;
	sc->out_bytes += m->len;
	sc->out_count++;
	conn_flush(sc);
}

static void conn_drop(struct xs_conn *c)
{
	struct sconn *sc = xs_conn_opaque(c);

	/* the store forgets it at once; the socket closes with it */
	xs_conn_free(c);
	sc->xs = NULL;
	conn_close(sc);
}

static const struct xs_conn_ops sconn_ops = { conn_send, conn_drop };

static void conn_flush(struct sconn *sc)
{
	while (sc->out) {
		struct iovec iov[64];
		struct msghdr mh = { .msg_iov = iov };
		struct out_msg *m = sc->out;
		ssize_t n;

		for (; m && mh.msg_iovlen < 64; m = m->next) {
			iov[mh.msg_iovlen].iov_base = m->data + m->off;
			iov[mh.msg_iovlen].iov_len = m->len - m->off;
			mh.msg_iovlen++;
		}
		n = sendmsg(sc->w.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				conn_doom(sc, NULL);
			break;
		}
		while (n > 0) {
			m = sc->out;
			size_t k = m->len - m->off < (size_t)n ? m->len - m->off : (size_t)n;

			m->off += k;
			n -= (ssize_t)k;
			if (m->off == m->len) {
				sc->out = m->next;
				sc->out_bytes -= m->len;
				sc->out_count--;
				free(m);
			}
		}
		if (!sc->out)
			sc->out_tail = &sc->out;
	}
	conn_set_events(sc);
}

/* Answers every whole request buffered, unless the output backs up. */
static void conn_process(struct sconn *sc)
{
	size_t off = 0;

	while (sc->xs && !sc->doomed && !sc->closed && sc->out_bytes < XS_OUT_BACKLOG) {
		struct xsd_sockmsg hdr;

		if (sc->in_len - off < sizeof(hdr))
			break;
		memcpy(&hdr, sc->in + off, sizeof(hdr));
		if (hdr.len > XENSTORE_PAYLOAD_MAX) {
			conn_doom(sc, "a message longer than XENSTORE_PAYLOAD_MAX");
			break;
		}
		if (sc->in_len - off < sizeof(hdr) + hdr.len)
			break;
		xenstore_request(sc->xs, &hdr, sc->in + off + sizeof(hdr));
		off += sizeof(hdr) + hdr.len;
	}
	if (sc->closed)
		return;
	memmove(sc->in, sc->in + off, sc->in_len - off);
	sc->in_len -= off;
	conn_set_events(sc);
}

static void conn_event(struct loop_watch *w, uint32_t events)
{
	struct sconn *sc = (struct sconn *)w;

	if (events & EPOLLOUT)
		conn_flush(sc);
	/* a full buffer waits for the replies to drain before reading on */
	if (!sc->doomed && !sc->closed && sc->in_len < IN_BUF &&
	    (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		ssize_t n = recv(w->fd, sc->in + sc->in_len, IN_BUF - sc->in_len, MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			conn_doom(sc, NULL);
		else if (n > 0)
			sc->in_len += (size_t)n;
	}
	if (!sc->doomed && !sc->closed)
		conn_process(sc);
	reap_doomed();
}

/* Listeners -------------------------------------------------------------------- */

static void listener_event(struct loop_watch *w, uint32_t events)
{
	struct listener *l = (struct listener *)w;
	struct sconn *sc;
	int fd = accept4(w->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
		/* out of fds: take the client with the spare and turn it away */
		close(spare_fd);
		fd = accept4(w->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			close(fd);
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		hv_log("xenstore: out of file descriptors, a connection of dom%u refused",
		       l->domid);
		return;
	}
	if (fd < 0)
		return;
	/* a released domain has no xenstore, and no domain has it without end */
	if (!xenstore_domain_introduced(l->domid) || l->nr_conns >= XS_CONNS_PER_DOMAIN) {
		close(fd);
		return;
	}
	sc = calloc(1, sizeof(*sc));
	if (!sc) {
		close(fd);
		return;
	}
	sc->w.fd = fd;
	sc->w.cb = conn_event;
	sc->l = l;
	sc->out_tail = &sc->out;
	sc->events = EPOLLIN;
	sc->xs = xs_conn_new(l->domid, &sconn_ops, sc);
	if (!sc->xs || loop_add(&sc->w, EPOLLIN) < 0) {
		xs_conn_free(sc->xs);
		close(fd);
		free(sc);
		return;
	}
	l->nr_conns++;
	sc->next = conns;
	if (conns)
		conns->prev = sc;
	conns = sc;
}

static struct listener *listener_of(domid_t domid)
{
	for (struct listener *l = listeners; l; l = l->next)
		if (l->domid == domid)
			return l;
	return NULL;
}

static int listener_open(domid_t domid, struct listener **out)
{
	struct listener *l = calloc(1, sizeof(*l));
	int err;

	if (!l)
		return -ENOMEM;
	l->domid = domid;
	l->w.fd = -1;
	if (hvsim_domain_dir(state_dir, domid, l->dir, sizeof(l->dir)) ||
	    hvsim_xenstore_socket(state_dir, domid, l->path, sizeof(l->path))) {
		free(l);
		return -ENAMETOOLONG;
	}
	if (mkdir(l->dir, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		free(l);
		return err;
	}
	err = hvsim_listen(l->path, SOCK_STREAM | SOCK_NONBLOCK);
	if (err < 0)
		goto fail;
	l->w.fd = err;
	l->w.cb = listener_event;
	err = loop_add(&l->w, EPOLLIN);
	if (err < 0)
		goto fail;
	*out = l;
	return 0;
fail:
	if (l->w.fd >= 0)
		close(l->w.fd);
	unlink(l->path);
	rmdir(l->dir);
	free(l);
	return err;
}

/* Closes the socket; the directory goes unless the guest kernel's is in it. */
static void listener_close(struct listener *l, bool deferred)
{
	for (struct listener **p = &listeners; *p; p = &(*p)->next)
		if (*p == l) {
			*p = l->next;
			break;
		}
	unlink(l->path);
	rmdir(l->dir);
	if (deferred) {
		loop_close_watch(&l->w, l);
	} else {
		loop_del(&l->w);
		close(l->w.fd);
		free(l);
	}
}

/* The domain hooks --------------------------------------------------------------- */

int xenstore_server_domain_created(struct domain *d)
{
	struct listener *l = NULL;
	int err = listener_open(d->domid, &l);

	if (err) {
		hv_log("xenstore: no socket for %s: %s", d->name, strerror(-err));
		return err;
	}
	char uuid[DOMAIN_UUID_LEN];

	domain_uuid_string(d, uuid);
	err = xenstore_toolstack_domain_created(d->domid, d->name, uuid);
	if (err) {
		listener_close(l, true);
		return err;
	}
	l->next = listeners;
	listeners = l;
	reap_doomed();
	return 0;
}

void xenstore_server_domain_destroyed(struct domain *d)
{
	struct listener *l = listener_of(d->domid);

	/* the store drops the domain's connections, then its nodes go */
	xenstore_domain_destroyed(d->domid);
	if (l)
		listener_close(l, true);
	reap_doomed();
}

/* dom0 requests from the control socket -------------------------------------------- */

struct capture {
	struct xsd_sockmsg hdr;
	char *body;
	bool got;
};

static void capture_send(struct xs_conn *c, const struct xsd_sockmsg *hdr, const void *payload)
{
	struct capture *cap = xs_conn_opaque(c);

	if (cap->got || hdr->type == XS_WATCH_EVENT)
		return;
	cap->body = malloc(hdr->len + 1);
	if (!cap->body)
		return;
	if (hdr->len)
		memcpy(cap->body, payload, hdr->len);
	cap->body[hdr->len] = 0;
	cap->hdr = *hdr;
	cap->got = true;
}

static void capture_drop(struct xs_conn *c)
{
	/* dom0 is never released: nothing to do */
}

static const struct xs_conn_ops capture_ops = { capture_send, capture_drop };

int xenstore_server_dom0_request(uint32_t type, const void *payload, size_t len,
				 struct xsd_sockmsg *hdr, char **reply)
{
	struct xsd_sockmsg req = { .type = type, .len = (uint32_t)len };
	struct capture cap = { .got = false };
	struct xs_conn *c;

	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	c = xs_conn_new(0, &capture_ops, &cap);
	if (!c)
		return -ENOMEM;
	xenstore_request(c, &req, payload);
	xs_conn_free(c);
	reap_doomed();
	if (!cap.got)
		return -ENOMEM;
	*hdr = cap.hdr;
	*reply = cap.body;
	return 0;
}

/* Life ------------------------------------------------------------------------------ */

int xenstore_server_init(const char *dir)
{
	int err;

	if ((size_t)snprintf(state_dir, sizeof(state_dir), "%s", dir) >= sizeof(state_dir))
		return -ENAMETOOLONG;
	if ((err = xenstore_init()) < 0)
		return err;
	xenstore_set_log(log_control);
	spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
}

void xenstore_server_shutdown(void)
{
	reap_doomed();
	while (conns) {
		struct sconn *sc = conns;

		conn_unlink(sc);
		xs_conn_free(sc->xs);
		free_output(sc);
		loop_del(&sc->w);
		close(sc->w.fd);
		free(sc);
	}
	while (listeners)
		listener_close(listeners, false);
	xenstore_fini();
	if (spare_fd >= 0)
		close(spare_fd);
	spare_fd = -1;
}
