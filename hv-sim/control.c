// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hvsim/kernel_params.h"
#include "hvsim/listen.h"

#include "control.h"
#include "domain.h"
#include "evtchn.h"
#include "fault_ctl.h"
#include "grant_table.h"
#include "kernel_proc.h"
#include "loop.h"
#include "state_dump.h"
#include "trace.h"
#include "xenstore_server.h"

#define CONTROL_LINE_MAX (1024 * 1024)

struct ctl_conn {
	struct loop_watch w;
	struct ctl_conn *next, **pprev; /* every open connection, for shutdown */
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len, out_off, out_cap;
	bool waiting;            /* a reply is deferred until a kernel is ready or gone */
	domid_t destroying;      /* the domain of a deferred domain_destroy */
	bool closing;            /* close once the output is flushed */
	bool hung_up;
};

static struct loop_watch listener = { .fd = -1 };
static struct ctl_conn *conns;

static void conn_flush(struct ctl_conn *c);
static void conn_process(struct ctl_conn *c);

static void conn_close(struct ctl_conn *c)
{
	if (c->pprev) {
		*c->pprev = c->next;
		if (c->next)
			c->next->pprev = c->pprev;
		c->pprev = NULL;
	}
	free(c->in);
	free(c->out);
	c->in = c->out = NULL;
	loop_close_watch(&c->w, c);
}

static void conn_send(struct ctl_conn *c, struct json_object *reply)
{
	const char *s = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(s);

	if (c->out_len + len + 1 > c->out_cap) {
		size_t cap = (c->out_len + len + 1) * 2;
		char *n = realloc(c->out, cap);

		if (!n) {
			json_object_put(reply);
			c->closing = true;
			return;
		}
		c->out = n;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, s, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	json_object_put(reply);
	conn_flush(c);
}

struct json_object *control_ok_reply(void)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(1));
	return r;
}

struct json_object *control_error_reply(int err, const char *fmt, ...)
{
	struct json_object *r = json_object_new_object();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", json_object_new_string(msg));
	json_object_object_add(r, "errno", json_object_new_int(err));
	return r;
}

static const char *get_string(struct json_object *req, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *domain_json(struct domain *d)
{
	struct json_object *o = json_object_new_object();
	bool alive = d->state != DOMAIN_DEAD;
	char uuid[DOMAIN_UUID_LEN];

	domain_uuid_string(d, uuid);
	json_object_object_add(o, "domid", json_object_new_int(d->domid));
	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "state", json_object_new_string(domain_state_name(d->state)));
	json_object_object_add(o, "pages", json_object_new_uint64(d->ram_pages));
	json_object_object_add(o, "grants_in_use", json_object_new_int(
		alive ? (int)grant_table_active_entries(d) : 0));
	json_object_object_add(o, "mappings", json_object_new_int(
		alive ? (int)grant_table_mappings(d) : 0));
	json_object_object_add(o, "kernel", json_object_new_boolean(d->kernel_attached));
	return o;
}

/* Resolves the request's "domain" (a name or a domid) to a live domain. */
static struct domain *req_domain(struct json_object *req, struct json_object **err)
{
	const char *name = get_string(req, "domain");
	struct domain *d;

	if (!name) {
		*err = control_error_reply(EINVAL, "missing \"domain\" (a name or a domid)");
		return NULL;
	}
	d = domain_by_name(name);
	if (!d) {
		*err = control_error_reply(ESRCH, "no domain '%s'", name);
		return NULL;
	}
	return d;
}

/* domain_create, deferred until the kernel is ready --------------------- */


/*
 * A domain whose kernel did not start leaves nothing behind: it is
 * destroyed and forgotten, with its kernel log, and the reply says why in
 * the kernel's words.
 */
static void create_ready(struct domain *d, int err, const char *why, void *arg)
{
	struct ctl_conn *c = arg;
	struct json_object *r;

	if (err) {
		r = control_error_reply(-err, "the kernel of domain '%s' did not start: %s",
					d->name, why ? why : strerror(-err));
		domain_destroy(d);
		domain_forget(d);
		kernel_log_remove(d->domid);
	} else {
		r = control_ok_reply();
		json_object_object_add(r, "domid", json_object_new_int(d->domid));
		json_object_object_add(r, "kernel", json_object_new_boolean(1));
	}
	control_reply_later(c, r);
}

void control_defer(struct ctl_conn *c)
{
	c->waiting = true;
}

void control_reply_later(struct ctl_conn *c, struct json_object *reply)
{
	c->waiting = false;
	if (c->hung_up) {
		json_object_put(reply);
		conn_close(c);
		return;
	}
	conn_send(c, reply);
	conn_process(c);
}

static struct json_object *cmd_domain_create(struct ctl_conn *c, struct json_object *req)
{
	const char *name = get_string(req, "name");
	struct json_object *v;
	int64_t mem_mib = HVSIM_DEFAULT_MEM_MIB;
	int64_t event_channels = HVSIM_DOMU_MAX_EVTCHN_PORT;
	char *params[HVSIM_MAX_KERNEL_PARAMS];
	size_t nr_params = 0;
	struct domain *d;
	int err;

	if (!name)
		return control_error_reply(EINVAL, "missing \"name\"");
	if (json_object_object_get_ex(req, "mem_mib", &v)) {
		if (!json_object_is_type(v, json_type_int))
			return control_error_reply(EINVAL, "\"mem_mib\" must be a whole number");
		mem_mib = json_object_get_int64(v);
		if (mem_mib < 1 || mem_mib > HVSIM_MAX_MEM_MIB)
			return control_error_reply(EINVAL, "memory must be 1 to %d MiB", HVSIM_MAX_MEM_MIB);
	}
	/* xl.cfg's event_channels: XEN_DOMCTL_createdomain's max_evtchn_port */
	if (json_object_object_get_ex(req, "event_channels", &v)) {
		if (!json_object_is_type(v, json_type_int))
			return control_error_reply(EINVAL, "\"event_channels\" must be a whole number");
		event_channels = json_object_get_int64(v);
		if (event_channels < 0 || event_channels > UINT32_MAX)
			return control_error_reply(EINVAL, "event_channels must be 0 to %u",
					   UINT32_MAX);
	}
	if (json_object_object_get_ex(req, "params", &v)) {
		if (!json_object_is_type(v, json_type_array) ||
		    json_object_array_length(v) > HVSIM_MAX_KERNEL_PARAMS)
			return control_error_reply(EINVAL, "\"params\" must be an array of at most %d "
					   "\"module.param=value\" strings", HVSIM_MAX_KERNEL_PARAMS);
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *p = json_object_array_get_idx(v, i);
			const char *s = json_object_get_string(p);

			if (!json_object_is_type(p, json_type_string) || !strchr(s, '=') ||
			    !strchr(s, '.') || strchr(s, '.') > strchr(s, '='))
				return control_error_reply(EINVAL, "bad module parameter '%s' "
						   "(want module.param=value)", s ? s : "");
			params[nr_params++] = (char *)s;
		}
	}
	if (nr_params && !kernel_path())
		return control_error_reply(ENOENT, "module parameters need a guest kernel, and "
				   "hvsimd runs without one");

	err = domain_create(name, (uint64_t)mem_mib * 256, &d);
	if (err == -EEXIST)
		return control_error_reply(EEXIST, "a domain named '%s' exists", name);
	if (err == -EINVAL)
		return control_error_reply(EINVAL, "bad domain name '%s' (use letters, digits, "
				   "'-', '_', '.'; not only digits; at most %d characters)",
				   name, HVSIM_NAME_MAX - 1);
	if (err)
		return control_error_reply(-err, "cannot create domain '%s': %s", name, strerror(-err));
	evtchn_set_max_port(d, (uint32_t)event_channels);

	if (kernel_path()) {
		err = kernel_start(d, params, nr_params, create_ready, c);
		if (err) {
			domain_destroy(d);
			domain_forget(d);
			return control_error_reply(-err, "cannot start the kernel of '%s': %s",
					   name, strerror(-err));
		}
		c->waiting = true;
		return NULL;
	}
	struct json_object *r = control_ok_reply();

	json_object_object_add(r, "domid", json_object_new_int(d->domid));
	json_object_object_add(r, "kernel", json_object_new_boolean(0));
	return r;
}

/* domain_destroy's reply: the state the domain is left in (dying or dead) */
static struct json_object *destroy_reply(domid_t domid)
{
	struct domain *d = domain_by_id(domid);
	struct json_object *r = control_ok_reply();

	json_object_object_add(r, "state", json_object_new_string(d ? domain_state_name(d->state)
									 : "dead"));
	return r;
}

static void destroy_done(void *arg)
{
	struct ctl_conn *c = arg;

	control_reply_later(c, destroy_reply(c->destroying));
}

/*
 * Answered once the domain's kernel has gone, and with it every program of
 * the domain (it kills them first): on Xen nothing of a destroyed domain
 * runs once `xl destroy` returns, so a caller may count on that too.
 * Bounded by the kernel's grace period (SIGKILL two seconds after SIGTERM).
 */
static struct json_object *cmd_domain_destroy(struct ctl_conn *c, struct json_object *req)
{
	struct json_object *err = NULL;
	struct domain *d = req_domain(req, &err);
	int rc;

	if (!d)
		return err;
	rc = domain_destroy(d);
	if (rc == -EPERM)
		return control_error_reply(EPERM, "Domain-0 cannot be destroyed (use 'hvsim down')");
	if (rc == -ESRCH)
		return control_error_reply(ESRCH, "domain '%s' is %s already", d->name,
				   domain_state_name(d->state));
	c->destroying = d->domid;
	if (kernel_when_gone(d->domid, destroy_done, c)) {
		control_defer(c);
		return NULL;
	}
	return destroy_reply(d->domid);
}

static struct json_object *cmd_domid(struct json_object *req)
{
	struct json_object *err = NULL;
	struct domain *d = req_domain(req, &err);

	if (!d)
		return err;
	struct json_object *r = control_ok_reply();

	json_object_object_add(r, "domain", domain_json(d));
	return r;
}

static struct json_object *cmd_list(void)
{
	struct json_object *r = control_ok_reply(), *arr = json_object_new_array();

	for (struct domain *d = domain_first(); d; d = domain_next(d))
		json_object_array_add(arr, domain_json(d));
	json_object_object_add(r, "domains", arr);
	return r;
}

static struct json_object *cmd_dump(struct json_object *req, bool grants)
{
	struct json_object *err = NULL;
	struct domain *d = req_domain(req, &err);

	if (!d)
		return err;
	if (d->state == DOMAIN_DEAD)
		return control_error_reply(ESRCH, "domain '%s' is dead: nothing is left of it", d->name);
	struct json_object *r = control_ok_reply();

	json_object_object_add(r, "domain", domain_json(d));
	if (grants)
		json_object_object_add(r, "grant_table", grant_table_dump(d));
	else
		json_object_object_add(r, "evtchn", evtchn_dump(d));
	return r;
}

/* Every domain's tables (state_dump.h) and xenstore: {"domains":[...],
 * "xenstore":{PATH:{value,perms}}}, xenstore as Domain-0 reads it. */
static struct json_object *state_object(void)
{
	struct json_object *o = json_object_new_object(), *xs = json_object_new_object();
	struct json_object *req = json_object_new_object(), *ls, *nodes;

	json_object_object_add(o, "domains", state_dump_domains());
	json_object_object_add(req, "path", json_object_new_string("/"));
	ls = xenstore_control_command("xenstore_ls", req);
	json_object_put(req);
	if (json_object_object_get_ex(ls, "nodes", &nodes)) {
		for (size_t i = 0; i < json_object_array_length(nodes); i++) {
			struct json_object *nd = json_object_array_get_idx(nodes, i), *p, *v;
			struct json_object *node = json_object_new_object();

			json_object_object_get_ex(nd, "path", &p);
			if (json_object_object_get_ex(nd, "value", &v))
				json_object_object_add(node, "value", json_object_get(v));
			if (json_object_object_get_ex(nd, "perms", &v))
				json_object_object_add(node, "perms", json_object_get(v));
			json_object_object_add(xs, json_object_get_string(p), node);
		}
	}
	json_object_put(ls);
	json_object_object_add(o, "xenstore", xs);
	return o;
}

/* The seq after the newest state record */
static uint64_t state_end_seq;

uint64_t control_trace_state_end(void)
{
	return state_end_seq;
}

int64_t control_trace_state(const char *why)
{
	struct json_object *rec, *state;
	int64_t seq;

	if (!trace_enabled())
		return -1;
	rec = json_object_new_object();
	json_object_object_add(rec, "kind", json_object_new_string("state"));
	json_object_object_add(rec, "why", json_object_new_string(why ? why : ""));
	state = state_object();
	json_object_object_foreach(state, key, val)
		json_object_object_add(rec, key, json_object_get(val));
	json_object_put(state);
	seq = (int64_t)trace_seq();
	trace_emit(rec);
	state_end_seq = trace_seq();
	return seq;
}

/* {"cmd":"state"}: the state now; with "trace":true also as a trace record. */
static struct json_object *cmd_state(struct json_object *req)
{
	struct json_object *r = control_ok_reply(), *state = state_object(), *v;

	json_object_object_foreach(state, key, val)
		json_object_object_add(r, key, json_object_get(val));
	json_object_put(state);
	if (json_object_object_get_ex(req, "trace", &v) && json_object_get_boolean(v)) {
		int64_t seq = control_trace_state(get_string(req, "why"));

		if (seq >= 0)
			json_object_object_add(r, "seq", json_object_new_int64(seq));
	}
	return r;
}

static struct json_object *dispatch(struct ctl_conn *c, struct json_object *req)
{
	const char *cmd = get_string(req, "cmd");

	if (!cmd)
		return control_error_reply(EINVAL, "a request needs \"cmd\"");
	if (!strcmp(cmd, "ping")) {
		struct json_object *r = control_ok_reply();

		json_object_object_add(r, "pid", json_object_new_int(getpid()));
		json_object_object_add(r, "kernel", kernel_path() ?
				       json_object_new_string(kernel_path()) : NULL);
		return r;
	}
	if (!strcmp(cmd, "domain_create"))
		return cmd_domain_create(c, req);
	if (!strcmp(cmd, "domain_destroy"))
		return cmd_domain_destroy(c, req);
	if (!strcmp(cmd, "domid"))
		return cmd_domid(req);
	if (!strcmp(cmd, "list"))
		return cmd_list();
	if (!strcmp(cmd, "grants"))
		return cmd_dump(req, true);
	if (!strcmp(cmd, "evtchn"))
		return cmd_dump(req, false);
	if (!strcmp(cmd, "state"))
		return cmd_state(req);
	if (!strncmp(cmd, "xenstore_", 9))
		return xenstore_control_command(cmd, req);
	if (!strncmp(cmd, "fault_", 6))
		return fault_control_command(c, cmd, req);
	if (!strcmp(cmd, "sync")) {
		/* every record emitted so far is in the trace file */
		trace_sync();
		return control_ok_reply();
	}
	if (!strcmp(cmd, "shutdown")) {
		hvsimd_request_exit();
		return control_ok_reply();
	}
	return control_error_reply(EINVAL, "unknown command '%s'", cmd);
}

/* Handles every complete line buffered, unless a reply is deferred. */
static void conn_process(struct ctl_conn *c)
{
	size_t start = 0;

	while (!c->waiting && !c->closing) {
		char *nl = memchr(c->in + start, '\n', c->in_len - start);
		struct json_object *req, *reply;
		struct json_tokener *tok;

		if (!nl)
			break;
		*nl = 0;
		tok = json_tokener_new();
		req = json_tokener_parse_ex(tok, c->in + start, (int)(nl - (c->in + start)));
		if (!req || !json_object_is_type(req, json_type_object) ||
		    json_tokener_get_parse_end(tok) != (size_t)(nl - (c->in + start)))
			reply = control_error_reply(EINVAL, "a request is one JSON object per line");
		else
			reply = dispatch(c, req);
		json_tokener_free(tok);
		json_object_put(req);
		start = (size_t)(nl - c->in) + 1;
		if (reply)
			conn_send(c, reply);
	}
	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
}

static void conn_flush(struct ctl_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->w.fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN) {
				loop_mod(&c->w, EPOLLIN | EPOLLOUT);
				return;
			}
			c->hung_up = true;
			c->out_off = c->out_len;
			break;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	loop_mod(&c->w, EPOLLIN);
}

static void conn_event(struct loop_watch *w, uint32_t events)
{
	struct ctl_conn *c = (struct ctl_conn *)w;

	if (events & EPOLLOUT)
		conn_flush(c);
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (c->in_len + 4096 > c->in_cap) {
			size_t cap = c->in_cap ? 2 * c->in_cap : 8192;
			char *n = cap > CONTROL_LINE_MAX + 8192 ? NULL : realloc(c->in, cap);

			if (!n) {
				conn_send(c, control_error_reply(E2BIG, "request longer than %d bytes",
							 CONTROL_LINE_MAX));
				conn_close(c);
				return;
			}
			c->in = n;
			c->in_cap = cap;
		}
		ssize_t n = recv(w->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			c->hung_up = true;
		else
			c->in_len += (size_t)n;
	}
	conn_process(c);
	/* a deferred reply still needs c: it closes c when it comes */
	if ((c->hung_up || (c->closing && c->out_len == 0)) && !c->waiting)
		conn_close(c);
	else if (c->hung_up)
		loop_mod(&c->w, 0);
}

static void listener_event(struct loop_watch *w, uint32_t events)
{
	int fd = accept4(w->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct ctl_conn *c;

	if (fd < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->w.fd = fd;
	c->w.cb = conn_event;
	if (loop_add(&c->w, EPOLLIN) < 0) {
		close(fd);
		free(c);
		return;
	}
	c->next = conns;
	if (conns)
		conns->pprev = &c->next;
	c->pprev = &conns;
	conns = c;
}

int control_listen(const char *path)
{
	int fd;

	fd = hvsim_listen(path, SOCK_STREAM | SOCK_NONBLOCK);
	if (fd < 0)
		return fd;
	listener.fd = fd;
	listener.cb = listener_event;
	return loop_add(&listener, EPOLLIN);
}

void control_shutdown(void)
{
	if (listener.fd >= 0)
		loop_close_watch(&listener, NULL);
	while (conns)
		conn_close(conns);
	loop_flush_deferred();
}
