// SPDX-License-Identifier: GPL-2.0-only
/* xenstore steps through libxenstore, and vchan through libxenvchan. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore_lib.h>

#include "agent.h"

static int xs_result(struct agent *a, bool ok, const char *call, const char *path)
{
	if (!ok)
		return agent_fail(a, errno, "%s %s: %s", call, path, strerror(errno));
	return 0;
}

int op_xs_write(struct agent *a, struct json_object *req, struct json_object *reply)
{
	struct xs_handle *xs = agent_xs(a);
	const char *path = req_str(req, "path");
	size_t len;
	char *data = req_bytes(req, "data", &len);
	int err;

	if (!xs || !data) {
		free(data);
		return xs ? agent_fail(a, EINVAL, "nothing to write") : EIO;
	}
	err = xs_result(a, xs_write(xs, XBT_NULL, path, data, (unsigned int)len), "xs_write", path);
	free(data);
	return err;
}

int op_xs_read(struct agent *a, struct json_object *req, struct json_object *reply)
{
	struct xs_handle *xs = agent_xs(a);
	const char *path = req_str(req, "path");
	unsigned int len;
	char *value;

	if (!xs)
		return EIO;
	if (!(value = xs_read(xs, XBT_NULL, path, &len)))
		return agent_fail(a, errno, "xs_read %s: %s", path, strerror(errno));
	reply_bytes(reply, "data", value, len);
	free(value);
	return 0;
}

int op_xs_rm(struct agent *a, struct json_object *req, struct json_object *reply)
{
	struct xs_handle *xs = agent_xs(a);
	const char *path = req_str(req, "path");

	return xs ? xs_result(a, xs_rm(xs, XBT_NULL, path), "xs_rm", path) : EIO;
}

int op_xs_mkdir(struct agent *a, struct json_object *req, struct json_object *reply)
{
	struct xs_handle *xs = agent_xs(a);
	const char *path = req_str(req, "path");

	return xs ? xs_result(a, xs_mkdir(xs, XBT_NULL, path), "xs_mkdir", path) : EIO;
}

int op_xs_perms(struct agent *a, struct json_object *req, struct json_object *reply)
{
	struct xs_handle *xs = agent_xs(a);
	const char *path = req_str(req, "path");
	struct json_object *list;
	struct xs_permissions perms[16];
	size_t n, len = 0;
	char strings[16 * 16];

	if (!xs)
		return EIO;
	if (!json_object_object_get_ex(req, "perms", &list) ||
	    !(n = json_object_array_length(list)) || n > 16)
		return agent_fail(a, EINVAL, "1 to 16 permissions, such as n0 r1");
	/* libxenstore's own parser: nul-separated "r1" strings */
	for (size_t i = 0; i < n; i++) {
		const char *p = json_object_get_string(json_object_array_get_idx(list, i));

		if (strlen(p) >= 15)
			return agent_fail(a, EINVAL, "bad permission '%s'", p);
		strcpy(strings + len, p);
		len += strlen(p) + 1;
	}
	if (!xs_strings_to_perms(perms, (unsigned int)n, strings))
		return agent_fail(a, EINVAL, "bad permissions (write them as n0 r1 w2 b3)");
	return xs_result(a, xs_set_permissions(xs, XBT_NULL, path, perms, (unsigned int)n),
			 "xs_set_permissions", path);
}

int op_xs_watch(struct agent *a, struct json_object *req, struct json_object *reply)
{
	struct xs_handle *xs = agent_xs(a);
	const char *path = req_str(req, "path");

	return xs ? xs_result(a, xs_watch(xs, path, req_str(req, "token")), "xs_watch", path)
		  : EIO;
}

int op_xs_unwatch(struct agent *a, struct json_object *req, struct json_object *reply)
{
	struct xs_handle *xs = agent_xs(a);
	const char *path = req_str(req, "path");

	return xs ? xs_result(a, xs_unwatch(xs, path, req_str(req, "token")), "xs_unwatch",
			      path) : EIO;
}

/*
 * A transaction on the agent's own connection, left open: what a program
 * between its xs_transaction_start and xs_transaction_end holds.
 */
int op_xs_transaction_start(struct agent *a, struct json_object *req, struct json_object *reply)
{
	struct xs_handle *xs = agent_xs(a);
	xs_transaction_t t;

	if (!xs)
		return EIO;
	if ((t = xs_transaction_start(xs)) == XBT_NULL)
		return agent_fail(a, errno, "xs_transaction_start: %s", strerror(errno));
	json_object_object_add(reply, "tx", json_object_new_int64(t));
	return 0;
}

int op_xs_transaction_end(struct agent *a, struct json_object *req, struct json_object *reply)
{
	struct xs_handle *xs = agent_xs(a);
	bool abort_it = req_int(req, "abort", 0) != 0;

	if (!xs)
		return EIO;
	if (!xs_transaction_end(xs, (xs_transaction_t)req_int(req, "tx", 0), abort_it))
		return agent_fail(a, errno, "xs_transaction_end: %s", strerror(errno));
	return 0;
}

static bool take_fired(struct agent *a, const char *token, struct json_object *reply)
{
	for (size_t i = 0; i < a->nfired; i++)
		if (!strcmp(a->fired[i].token, token)) {
			reply_bytes(reply, "data", a->fired[i].path, strlen(a->fired[i].path));
			free(a->fired[i].token);
			free(a->fired[i].path);
			memmove(a->fired + i, a->fired + i + 1, (a->nfired - i - 1) * sizeof(*a->fired));
			a->nfired--;
			return true;
		}
	return false;
}

int op_wait_watch(struct agent *a, struct json_object *req, struct json_object *reply)
{
	struct xs_handle *xs = agent_xs(a);
	const char *token = req_str(req, "token");
	int64_t deadline = agent_now_ms() + req_int(req, "timeout_ms", 1000);
	bool got;

	if (!xs)
		return EIO;
	while (!(got = take_fired(a, token, reply))) {
		char **w = xs_check_watch(xs);

		if (w) {
			a->fired = realloc(a->fired, (a->nfired + 1) * sizeof(*a->fired));
			a->fired[a->nfired].path = strdup(w[XS_WATCH_PATH]);
			a->fired[a->nfired++].token = strdup(w[XS_WATCH_TOKEN]);
			free(w);
			continue;
		}
		if (errno != EAGAIN)
			return agent_fail(a, errno, "xs_check_watch: %s", strerror(errno));
		int64_t left = deadline - agent_now_ms();

		if (left <= 0)
			break;
		struct pollfd p = { .fd = xs_fileno(xs), .events = POLLIN };

		poll(&p, 1, (int)(left < 50 ? left : 50));
	}
	json_object_object_add(reply, "event", json_object_new_boolean(got));
	return 0;
}

/* vchan ------------------------------------------------------------------------ */

static struct vchan *vchan_find(struct agent *a, const char *name)
{
	for (struct vchan *v = a->vchans; v; v = v->next)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

static int vchan_open(struct agent *a, struct json_object *req, bool server)
{
	const char *path = req_str(req, "path");
	int peer = (int)req_int(req, "peer", 0);
	size_t buffers = (size_t)req_int(req, "buffers", 0);
	struct libxenvchan *chan;
	struct vchan *v;

	errno = 0;
	chan = server ? libxenvchan_server_init(&a->logger, peer, path, buffers, buffers)
		      : libxenvchan_client_init(&a->logger, peer, path);
	if (!chan)
		return agent_fail(a, errno ? errno : EIO, "libxenvchan_%s_init %s: %s",
				  server ? "server" : "client", path, strerror(errno));
	v = calloc(1, sizeof(*v));
	v->name = strdup(req_str(req, "name"));
	v->chan = chan;
	v->next = a->vchans;
	a->vchans = v;
	/* its shared page (struct vchan_interface: the indexes, the live and
	 * notify bytes), for read and write steps that play a broken peer */
	region_add(a, v->name, REGION_VCHAN_RING, chan->ring, 4096, 1);
	return 0;
}

int op_vchan_server(struct agent *a, struct json_object *req, struct json_object *reply)
{
	return vchan_open(a, req, true);
}

int op_vchan_client(struct agent *a, struct json_object *req, struct json_object *reply)
{
	return vchan_open(a, req, false);
}

static struct vchan *vchan_named(struct agent *a, struct json_object *req, int *err)
{
	struct vchan *v = vchan_find(a, req_str(req, "name"));

	if (!v)
		*err = agent_fail(a, ENOENT, "no vchan '%s' in this process", req_str(req, "name"));
	return v;
}

/* Waits for the vchan's event until the deadline: false on timeout. */
static bool vchan_wait(struct libxenvchan *chan, int64_t deadline)
{
	struct pollfd p = { .fd = libxenvchan_fd_for_select(chan), .events = POLLIN };
	int64_t left = deadline - agent_now_ms();

	if (left <= 0 || poll(&p, 1, (int)left) <= 0)
		return false;
	libxenvchan_wait(chan);
	return true;
}

static int vchan_write_all(struct agent *a, struct libxenvchan *chan, const char *data,
			   size_t len, int64_t deadline)
{
	size_t done = 0;

	while (done < len) {
		int n = libxenvchan_write(chan, data + done, len - done);

		if (n < 0)
			return agent_fail(a, errno ? errno : EPIPE, "libxenvchan_write: %s",
					  strerror(errno));
		done += (size_t)n;
		if (done < len && !vchan_wait(chan, deadline))
			return agent_fail(a, ETIMEDOUT, "the peer did not make room for %zu "
					  "bytes in time", len - done);
	}
	return 0;
}

int op_vchan_send(struct agent *a, struct json_object *req, struct json_object *reply)
{
	int err;
	struct vchan *v = vchan_named(a, req, &err);
	size_t len;
	char *data;

	if (!v)
		return err;
	if (!(data = req_bytes(req, "data", &len)))
		return agent_fail(a, EINVAL, "nothing to send");
	err = vchan_write_all(a, v->chan, data, len, agent_now_ms() + 5000);
	free(data);
	return err;
}

/* Reads what arrives first (waiting for it); *len 0 if nothing came in time. */
static int vchan_read_some(struct agent *a, struct libxenvchan *chan, int64_t deadline,
			   char **data, size_t *len)
{
	int ready;

	*data = NULL;
	*len = 0;
	while (!(ready = libxenvchan_data_ready(chan))) {
		if (!libxenvchan_is_open(chan))
			return agent_fail(a, EPIPE, "the peer closed the vchan");
		if (!vchan_wait(chan, deadline))
			return 0;
	}
	*data = malloc((size_t)ready);
	int n = libxenvchan_read(chan, *data, (size_t)ready);

	if (n < 0) {
		free(*data);
		*data = NULL;
		return agent_fail(a, errno ? errno : EPIPE, "libxenvchan_read: %s", strerror(errno));
	}
	*len = (size_t)n;
	return 0;
}

static int vchan_recv(struct agent *a, struct json_object *req, struct json_object *reply,
		      bool echo)
{
	int err;
	struct vchan *v = vchan_named(a, req, &err);
	int64_t deadline = agent_now_ms() + req_int(req, "timeout_ms", 1000);
	char *data;
	size_t len;

	if (!v)
		return err;
	if ((err = vchan_read_some(a, v->chan, deadline, &data, &len)))
		return err;
	json_object_object_add(reply, "event", json_object_new_boolean(len > 0));
	if (len) {
		reply_bytes(reply, "data", data, len);
		if (echo)
			err = vchan_write_all(a, v->chan, data, len, agent_now_ms() + 5000);
	}
	free(data);
	return err;
}

int op_vchan_recv(struct agent *a, struct json_object *req, struct json_object *reply)
{
	return vchan_recv(a, req, reply, false);
}

int op_vchan_echo(struct agent *a, struct json_object *req, struct json_object *reply)
{
	return vchan_recv(a, req, reply, true);
}

int op_vchan_close(struct agent *a, struct json_object *req, struct json_object *reply)
{
	int err;
	struct vchan *v = vchan_named(a, req, &err);

	if (!v)
		return err;
	region_remove(a, region_find(a, v->name));
	libxenvchan_close(v->chan);
	for (struct vchan **p = &a->vchans; *p; p = &(*p)->next)
		if (*p == v) {
			*p = v->next;
			break;
		}
	free(v->name);
	free(v);
	return 0;
}
