// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypercall transport: decode, dispatch, encode.  A guest kernel that
 * sends garbage gets an error reply and keeps its connection; only a
 * kernel that stops reading its replies (or hangs up) loses it, and losing
 * it is that domain's crash.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hvsim/cpu.h"
#include "hvsim/hypercall_ops.h"
#include "hvsim/listen.h"
#include "hvsim/scm.h"
#include "evtchn.h"
#include "fault.h"
#include "grant_table.h"
#include "guest_mem.h"
#include "hypercall.h"
#include "kernel_fault.h"
#include "log.h"
#include "privcmd_hypercall.h"
#include "loop.h"
#include "trace.h"
#include "trace_abi.h"

struct hc_conn {
	struct loop_watch w;
	struct hc_conn *next, **pprev; /* every open connection, for shutdown */
	struct domain *d;           /* attached domain, or NULL */
	int expect_domid;           /* a kernel hvsimd started: its domid; else -1 */
	/* RAM fds of other domains already passed on this connection */
	uint8_t fd_sent[DOMID_FIRST_RESERVED / 8];
	/* and their shared fds (grant frames mapped by XENMEM_acquire_resource) */
	uint8_t shared_fd_sent[DOMID_FIRST_RESERVED / 8];
};

static struct loop_watch listener = { .fd = -1 };
static struct hc_conn *conns;
/* The loop thread goes to its callers' CPUs (hvsim/cpu.h). */
static struct hvsim_cpu_follow follow;

/* Message buffers: one request at a time, the loop is single-threaded. */
static uint8_t req_buf[HVSIM_MSG_MAX + 1];
static uint8_t reply_buf[HVSIM_MSG_MAX];
/* What fault injection did to the call in reply_buf (fault.h), for its trace. */
static struct fault_injection injection;
static uint8_t injected_ops[FAULT_MAX_BATCH / 8];

static void conn_close(struct hc_conn *c, bool domain_gone);

/*
 * Never blocks the hypervisor on one guest: a kernel that does not read
 * its replies fills its socket and is disconnected.
 */
static int send_msg(int fd, const void *buf, size_t len, const int *fds, size_t nr_fds)
{
	struct iovec iov = { (void *)buf, len };

	return hvsim_scm_send(fd, &iov, 1, fds, nr_fds, MSG_DONTWAIT);
}

static size_t error_reply(const struct hvsim_msg_hdr *req, int rc, void *reply)
{
	struct hvsim_msg_hdr *h = reply;

	memset(h, 0, sizeof(*h));
	if (req) {
		h->type = req->type;
		h->seq = req->seq;
		h->op = req->op;
		h->cmd = req->cmd;
	}
	h->rc = rc;
	return sizeof(*h);
}

/*
 * Dispatches one HVSIM_MSG_HYPERCALL for `d` and builds its reply (without
 * the p2m trailer, which the connection adds after passing fds).
 */
static size_t do_hypercall(struct domain *d, const struct hvsim_msg_hdr *req,
			   const uint8_t *payload, size_t payload_len,
			   uint8_t *reply, size_t reply_cap)
{
	struct hvsim_msg_hdr *h = (struct hvsim_msg_hdr *)reply;
	uint8_t *ops = reply + sizeof(*h);
	size_t size, body;
	long rc;

	size = hvsim_hypercall_op_size(req->op, req->cmd);
	if (size == 0) {
		/* Xen's answer to an op or sub-op it does not have */
		return error_reply(req, -ENOSYS, reply);
	}
	if (req->count > hvsim_max_batch((uint32_t)size))
		return error_reply(req, -E2BIG, reply);
	if (req->inline_len != 0 || req->nr_fds != 0 || req->nr_p2m != 0 ||
	    payload_len != (size_t)req->count * size)
		return error_reply(req, -EINVAL, reply);
	if (req->op == __HYPERVISOR_event_channel_op && req->count != 1)
		return error_reply(req, -EINVAL, reply);

	body = (size_t)req->count * size;
	memcpy(h, req, sizeof(*h));
	memcpy(ops, payload, body);
	h->inline_len = 0;
	/* the dispatch point: d's fault rules, if it has any, act here */
	memset(&injection, 0, sizeof(injection));
	if (d->faults) {
		memset(injected_ops, 0, sizeof(injected_ops));
		injection.ops = injected_ops;
	}

	if (req->op == __HYPERVISOR_grant_table_op) {
		xen_pfn_t frames[HVSIM_MAX_GRANT_FRAMES];
		bool setup = req->cmd == GNTTABOP_setup_table;

		rc = fault_grant_table_op(d, req->cmd, ops, req->count, setup ? frames : NULL,
					  &injection);
		if (setup && rc == 0 && req->count == 1) {
			struct gnttab_setup_table *st = (void *)ops;

			if (st->status == GNTST_okay && st->nr_frames <= HVSIM_MAX_GRANT_FRAMES &&
			    body + st->nr_frames * sizeof(xen_pfn_t) <= reply_cap - sizeof(*h)) {
				memcpy(ops + body, frames, st->nr_frames * sizeof(xen_pfn_t));
				h->inline_len = st->nr_frames * sizeof(xen_pfn_t);
			}
		}
	} else {
		rc = fault_evtchn_op(d, req->cmd, ops, &injection);
	}
	h->rc = (int32_t)rc;
	return sizeof(*h) + body + h->inline_len;
}

/*
 * The trace record of a reply built by do_hypercall.  Written after the
 * reply is sent: the guest goes on while the hypervisor formats, and the
 * trace order is still the order of the calls.
 */
static void trace_reply(struct domain *d, const uint8_t *reply)
{
	const struct hvsim_msg_hdr *h = (const void *)reply;

	if (injection.any)
		trace_hypercall_injected(d->domid, h->op, h->cmd, h + 1, h->count, h->rc,
					 injection.rc ? NULL : injection.ops);
	else if (h->count || h->rc == -ENOSYS)
		trace_hypercall(d->domid, h->op, h->cmd, h + 1, h->count, h->rc);
}

/* Attach ---------------------------------------------------------------- */

static void handle_attach(struct hc_conn *c, const struct hvsim_msg_hdr *req,
			  const uint8_t *payload, size_t len)
{
	struct hvsim_msg_hdr *h = (struct hvsim_msg_hdr *)reply_buf;
	struct hvsim_attach_info *info = (void *)(reply_buf + sizeof(*h));
	struct hvsim_fd_desc *desc = (void *)(info + 1);
	struct hvsim_attach_req ar;
	struct domain *d;
	int fds[3], rc = 0;
	size_t n;

	if (len != sizeof(ar)) {
		rc = -EINVAL;
		goto fail;
	}
	memcpy(&ar, payload, sizeof(ar));
	if (ar.version != HVSIM_WIRE_VERSION) {
		rc = -EPROTO;
		goto fail;
	}
	if (c->d) {
		rc = -EISCONN;
		goto fail;
	}
	if (c->expect_domid >= 0 && ar.domid != c->expect_domid) {
		rc = -EPERM;
		goto fail;
	}
	d = domain_by_id(ar.domid);
	if (!d || d->state != DOMAIN_RUNNING) {
		rc = -ESRCH;
		goto fail;
	}
	if (d->kernel_attached) {
		rc = -EBUSY;
		goto fail;
	}

	memset(reply_buf, 0, sizeof(*h) + sizeof(*info));
	h->type = HVSIM_MSG_ATTACH;
	h->seq = req->seq;
	h->nr_fds = 3;
	info->version = HVSIM_WIRE_VERSION;
	info->domid = d->domid;
	info->ram_pages = d->ram_pages;
	info->max_grant_frames = d->max_grant_frames;
	info->max_evtchn_ports = HVSIM_EVTCHN_PORTS;
	snprintf(info->name, sizeof(info->name), "%s", d->name);
	desc[0] = (struct hvsim_fd_desc){ HVSIM_FD_RAM, d->domid };
	desc[1] = (struct hvsim_fd_desc){ HVSIM_FD_SHARED, d->domid };
	desc[2] = (struct hvsim_fd_desc){ HVSIM_FD_UPCALL, d->domid };
	fds[0] = d->ram_fd;
	fds[1] = d->shared_fd;
	fds[2] = d->upcall_fd;
	n = sizeof(*h) + sizeof(*info) + 3 * sizeof(*desc);
	if (send_msg(c->w.fd, reply_buf, n, fds, 3) < 0) {
		conn_close(c, false);
		return;
	}
	c->d = d;
	c->fd_sent[d->domid / 8] |= 1u << (d->domid % 8);
	c->shared_fd_sent[d->domid / 8] |= 1u << (d->domid % 8);
	d->kernel_attached = true;
	d->transport = c;

	struct json_object *ev = trace_event(d->domid, "kernel_attach");
	trace_emit(ev);
	return;
fail:
	n = error_reply(req, rc, reply_buf);
	if (send_msg(c->w.fd, reply_buf, n, NULL, 0) < 0)
		conn_close(c, false);
}

/* Hypercalls ---------------------------------------------------------- */

/*
 * Passes the fds the p2m updates need and this connection lacks: a
 * domain's RAM fd, or its shared fd for an update with HVSIM_P2M_SHARED.
 */
static int pass_fds(struct hc_conn *c, const struct hvsim_p2m_update *u, size_t n)
{
	uint8_t buf[sizeof(struct hvsim_msg_hdr) +
		    HVSIM_SCM_MAX_FDS * sizeof(struct hvsim_fd_desc)];
	struct hvsim_msg_hdr *h = (void *)buf;
	struct hvsim_fd_desc *desc = (void *)(h + 1);
	int fds[HVSIM_SCM_MAX_FDS];
	size_t nr = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n) {
			domid_t id = u[i].domid;
			bool shared = u[i].flags & HVSIM_P2M_SHARED;
			uint8_t *sent = shared ? c->shared_fd_sent : c->fd_sent;
			struct domain *g;
			int fd;

			if (sent[id / 8] & (1u << (id % 8)))
				continue;
			g = domain_by_id(id);
			fd = !g ? -1 : shared ? g->shared_fd : g->ram_fd;
			if (fd < 0)
				continue;
			desc[nr] = (struct hvsim_fd_desc){
				shared ? HVSIM_FD_SHARED : HVSIM_FD_RAM, id };
			fds[nr++] = fd;
			sent[id / 8] |= 1u << (id % 8);
		}
		if (nr && (nr == HVSIM_SCM_MAX_FDS || i == n)) {
			memset(h, 0, sizeof(*h));
			h->type = HVSIM_MSG_FDS;
			h->nr_fds = (uint16_t)nr;
			if (send_msg(c->w.fd, buf, sizeof(*h) + nr * sizeof(*desc),
				     fds, nr) < 0)
				return -1;
			nr = 0;
		}
	}
	return 0;
}

/*
 * Sends the reply of n bytes in reply_buf, after the p2m updates the call
 * made (for the guest to remap) and the fds they need.  Returns false when
 * the connection is gone.
 */
static bool send_reply(struct hc_conn *c, size_t n)
{
	struct hvsim_msg_hdr *h = (struct hvsim_msg_hdr *)reply_buf;
	struct hvsim_p2m_update *updates;
	size_t nr_updates;

	nr_updates = domain_p2m_take_updates(c->d, &updates);
	if (nr_updates) {
		if (pass_fds(c, updates, nr_updates) < 0 ||
		    n + nr_updates * sizeof(*updates) > sizeof(reply_buf)) {
			free(updates);
			conn_close(c, true);
			return false;
		}
		memcpy(reply_buf + n, updates, nr_updates * sizeof(*updates));
		n += nr_updates * sizeof(*updates);
		h->nr_p2m = (uint16_t)nr_updates;
		free(updates);
	}
	if (send_msg(c->w.fd, reply_buf, n, NULL, 0) < 0) {
		conn_close(c, true);
		return false;
	}
	return true;
}

/* A request before the kernel attached: nothing to call it on. */
static bool refuse_unattached(struct hc_conn *c, const struct hvsim_msg_hdr *req)
{
	size_t n;

	if (c->d)
		return false;
	n = error_reply(req, -ENOTCONN, reply_buf);
	if (send_msg(c->w.fd, reply_buf, n, NULL, 0) < 0)
		conn_close(c, true);
	return true;
}

static void handle_hypercall(struct hc_conn *c, const struct hvsim_msg_hdr *req,
			     const uint8_t *payload, size_t len)
{
	struct domain *d = c->d;
	size_t n;

	if (refuse_unattached(c, req))
		return;
	hvsim_cpu_follow(&follow, req->cpu);
	memset(&injection, 0, sizeof(injection));
	trace_call_begin();
	n = do_hypercall(d, req, payload, len, reply_buf, sizeof(reply_buf));
	trace_call_end();
	if (send_reply(c, n))
		trace_reply(d, reply_buf);
}

/*
 * A hypercall whose guest handles are addresses in a process's memory (a
 * program's privcmd hypercall, or the kernel's own memory_op): hvsimd
 * reads and writes them there, as Xen copies through the current address
 * space.  The bytes the kernel passed by value are seen at the address its
 * own argument names (HYPERVISOR_dm_op's buffer array, args[2]).
 */
static void handle_raw_hypercall(struct hc_conn *c, const struct hvsim_msg_hdr *req,
				 const uint8_t *payload, size_t len)
{
	struct hvsim_msg_hdr *h = (struct hvsim_msg_hdr *)reply_buf;
	struct hvsim_raw_hypercall raw;
	struct guest_mem_overlay mem;
	struct domain *d = c->d;
	int64_t subop;
	bool injected;
	long rc;

	if (refuse_unattached(c, req))
		return;
	if (req->count != 1 || req->inline_len > HVSIM_RAW_INLINE_MAX ||
	    req->nr_fds || req->nr_p2m || len != sizeof(raw) + req->inline_len) {
		size_t n = error_reply(req, -EINVAL, reply_buf);

		if (send_msg(c->w.fd, reply_buf, n, NULL, 0) < 0)
			conn_close(c, true);
		return;
	}
	hvsim_cpu_follow(&follow, req->cpu);
	memcpy(&raw, payload, sizeof(raw));
	guest_mem_overlay_init(&mem, (pid_t)raw.pid, raw.arg[2],
			       payload + sizeof(raw), req->inline_len);
	subop = trace_enabled() ? trace_raw_subop(req->op, &mem.mem, raw.arg) : -1;
	injected = d->faults && fault_raw_hypercall(d, req->op, &rc);
	trace_call_begin();
	if (!injected)
		rc = privcmd_hypercall(d, &mem.mem, req->op, raw.arg);
	trace_call_end();

	memcpy(h, req, sizeof(*h));
	h->inline_len = 0;
	h->rc = rc < INT32_MIN ? INT32_MIN : rc > INT32_MAX ? INT32_MAX : (int32_t)rc;
	memcpy(h + 1, &raw, sizeof(raw));
	if (!send_reply(c, sizeof(*h) + sizeof(raw)))
		return;
	if (injected)
		trace_raw_hypercall_injected(d->domid, req->op, subop, raw.arg, raw.pid, rc);
	else
		trace_raw_hypercall(d->domid, req->op, subop, raw.arg, raw.pid, rc);
}

/* Connections ------------------------------------------------------------ */

/*
 * A connection ends.  If it carried a domain's kernel, that is the
 * domain's crash (domain_gone), except for dom0, which cannot die while
 * hvsimd runs: its kernel's mappings and ports are released, as a dom0
 * kernel reboot would, and a new kernel may attach.
 */
static void conn_close(struct hc_conn *c, bool domain_gone)
{
	struct domain *d = c->d;

	c->d = NULL;
	if (c->pprev) {
		*c->pprev = c->next;
		if (c->next)
			c->next->pprev = c->pprev;
		c->pprev = NULL;
	}
	loop_close_watch(&c->w, c);
	if (!d)
		return;
	d->kernel_attached = false;
	d->transport = NULL;
	kernel_fault_conn_gone(d);
	if (!domain_gone || d->state != DOMAIN_RUNNING)
		return;
	if (d->domid == 0) {
		trace_emit(trace_event(0, "kernel_detach"));
		grant_table_release_mappings(d);
		domain_p2m_clear_all(d);
		evtchn_close_all(d);
	} else {
		hv_log("domain %u (%s): kernel connection lost, destroying",
		       d->domid, d->name);
		domain_destroy(d);
	}
}

int hypercall_send_to_kernel(struct domain *d, const void *msg, size_t len)
{
	struct hc_conn *c = d->transport;

	if (!c)
		return -ENOTCONN;
	if (send_msg(c->w.fd, msg, len, NULL, 0) < 0) {
		/* as for a reply: a kernel that does not read loses its domain */
		conn_close(c, true);
		return -ENOTCONN;
	}
	/* its vCPU thread watches the connection for the hang-up only */
	domain_kick_value(d, HVSIM_UPCALL_KICK_MESSAGE);
	return 0;
}

void hypercall_domain_destroyed(struct domain *d)
{
	struct hc_conn *c = d->transport;
	struct hvsim_msg_hdr h = { .type = HVSIM_MSG_SHUTDOWN };

	if (!c)
		return;
	send_msg(c->w.fd, &h, sizeof(h), NULL, 0);
	conn_close(c, false);
}

static void conn_event(struct loop_watch *w, uint32_t events)
{
	struct hc_conn *c = (struct hc_conn *)w;
	const struct hvsim_msg_hdr *req = (const void *)req_buf;
	size_t nr_fds;
	ssize_t len;

	/* A message with too many fds loses its length: a short header reads as 0s. */
	memset(req_buf, 0, sizeof(*req));
	/* guests send no fds: any they did are closed, so none leak */
	len = hvsim_scm_recv(w->fd, req_buf, sizeof(req_buf), MSG_DONTWAIT | MSG_CMSG_CLOEXEC,
			     NULL, 0, &nr_fds, NULL);
	if (len == -EAGAIN || len == -EINTR)
		return;
	if (len <= 0 && len != -EMSGSIZE && len != -ETOOMANYREFS) {
		conn_close(c, true);
		return;
	}
	if (len < (ssize_t)sizeof(*req)) {
		/* too long, too many fds (the header is in req_buf), or too short */
		int rc = len == -EMSGSIZE ? -E2BIG : -EINVAL;
		size_t n = error_reply(len < 0 ? req : NULL, rc, reply_buf);

		if (send_msg(w->fd, reply_buf, n, NULL, 0) < 0)
			conn_close(c, true);
		return;
	}
	switch (req->type) {
	case HVSIM_MSG_ATTACH:
		handle_attach(c, req, req_buf + sizeof(*req), (size_t)len - sizeof(*req));
		break;
	case HVSIM_MSG_HYPERCALL:
		handle_hypercall(c, req, req_buf + sizeof(*req), (size_t)len - sizeof(*req));
		break;
	case HVSIM_MSG_RAW_HYPERCALL:
		handle_raw_hypercall(c, req, req_buf + sizeof(*req), (size_t)len - sizeof(*req));
		break;
	case HVSIM_MSG_KERNEL_FAULT:	/* a kernel's answer, or */
	case HVSIM_MSG_FAULT_INJECTED:	/* its news: neither is replied to */
		if (c->d)
			kernel_fault_message(c->d, req, req_buf + sizeof(*req),
					     (size_t)len - sizeof(*req));
		break;
	default: {
		size_t n = error_reply(req, -EINVAL, reply_buf);

		if (send_msg(w->fd, reply_buf, n, NULL, 0) < 0)
			conn_close(c, true);
	}
	}
}

static int conn_new(int fd, int expect_domid)
{
	struct hc_conn *c = calloc(1, sizeof(*c));
	int err;

	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->w.fd = fd;
	c->w.cb = conn_event;
	c->expect_domid = expect_domid;
	err = loop_add(&c->w, EPOLLIN);
	if (err) {
		close(fd);
		free(c);
		return err;
	}
	c->next = conns;
	if (conns)
		conns->pprev = &c->next;
	c->pprev = &conns;
	conns = c;
	return 0;
}

static void listener_event(struct loop_watch *w, uint32_t events)
{
	int fd = accept4(w->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	conn_new(fd, -1);
}

int hypercall_adopt(int fd, domid_t domid)
{
	return conn_new(fd, domid);
}

/* A child of the loop thread (a kernel hvsimd starts) gets our CPUs back. */
static void follow_forget_in_child(void)
{
	if (follow.on)
		sched_setaffinity(0, sizeof(follow.allowed), &follow.allowed);
}

static void follow_start(void)
{
	cpu_set_t allowed;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0 &&
	    pthread_atfork(NULL, NULL, follow_forget_in_child) == 0)
		hvsim_cpu_follow_init(&follow, &allowed, 2, true);
}

int hypercall_listen(const char *path)
{
	int fd;

	follow_start();
	fd = hvsim_listen(path, SOCK_SEQPACKET | SOCK_NONBLOCK);
	if (fd < 0)
		return fd;
	listener.fd = fd;
	listener.cb = listener_event;
	return loop_add(&listener, EPOLLIN);
}

void hypercall_shutdown(void)
{
	if (listener.fd >= 0)
		loop_close_watch(&listener, NULL);
	kernel_fault_shutdown();
	/* hvsimd is exiting: the domains go with it, not one by one */
	while (conns) {
		struct hc_conn *c = conns;

		if (c->d) {
			c->d->kernel_attached = false;
			c->d->transport = NULL;
			c->d = NULL;
		}
		conn_close(c, false);
	}
	loop_flush_deferred();
}
