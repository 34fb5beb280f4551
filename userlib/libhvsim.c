// SPDX-License-Identifier: GPL-2.0-only
/* The control-socket client (libhvsim.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvsim/paths.h"
#include "hvsim/state_dir_check.h"
#include "libhvsim.h"

struct hvsim_ctl {
	int fd;
	char *in;
	size_t in_len, in_cap;
	char error[512];
};

const char *hvsim_dir(void)
{
	static char buf[PATH_MAX];

	return hvsim_state_dir(buf, sizeof(buf));
}

int hvsim_ctl_open(const char *dir, struct hvsim_ctl **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct hvsim_ctl *c;
	char c_why[PATH_MAX + 256];
	int n, err;

	if (!dir)
		dir = hvsim_dir();
	/* a socket in a directory others may write in may be anyone's */
	err = hvsim_state_dir_check(dir, c_why, sizeof(c_why));
	if (err && err != -ENOENT)
		return -EPERM;
	n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, HVSIM_CONTROL_SOCK);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		return err;
	}
	*out = c;
	return 0;
}

void hvsim_ctl_close(struct hvsim_ctl *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->in);
	free(c);
}

const char *hvsim_ctl_error(const struct hvsim_ctl *c)
{
	return c->error;
}

static int read_line(struct hvsim_ctl *c, char **line)
{
	for (;;) {
		char *nl = c->in ? memchr(c->in, '\n', c->in_len) : NULL;

		if (nl) {
			*nl = 0;
			*line = c->in;
			return (int)(nl - c->in) + 1;
		}
		if (c->in_len + 65536 > c->in_cap) {
			size_t cap = c->in_cap ? 2 * c->in_cap : 65536;
			char *n = realloc(c->in, cap);

			if (!n)
				return -ENOMEM;
			c->in = n;
			c->in_cap = cap;
		}
		ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		c->in_len += (size_t)n;
	}
}

int hvsim_ctl_call(struct hvsim_ctl *c, struct json_object *req,
		   struct json_object **reply)
{
	const char *s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s), off = 0;
	struct json_object *r, *v;
	char *line;
	int used, err = 0;

	*reply = NULL;
	c->error[0] = 0;
	while (off <= len) {
		/* the line and its newline */
		const char *p = off < len ? s + off : "\n";
		size_t k = off < len ? len - off : 1;
		ssize_t n = send(c->fd, p, k, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			json_object_put(req);
			snprintf(c->error, sizeof(c->error), "hvsimd went away");
			return -EPIPE;
		}
		off += off < len ? (size_t)n : 1;
	}
	json_object_put(req);

	used = read_line(c, &line);
	if (used < 0) {
		snprintf(c->error, sizeof(c->error), "hvsimd went away");
		return used;
	}
	r = json_tokener_parse(line);
	memmove(c->in, c->in + used, c->in_len - (size_t)used);
	c->in_len -= (size_t)used;
	if (!r || !json_object_object_get_ex(r, "ok", &v)) {
		json_object_put(r);
		snprintf(c->error, sizeof(c->error), "hvsimd sent a malformed reply");
		return -EPROTO;
	}
	if (!json_object_get_boolean(v)) {
		err = EPROTO;
		if (json_object_object_get_ex(r, "errno", &v))
			err = json_object_get_int(v);
		if (json_object_object_get_ex(r, "error", &v))
			snprintf(c->error, sizeof(c->error), "%s", json_object_get_string(v));
		json_object_put(r);
		return -(err > 0 ? err : EPROTO);
	}
	*reply = r;
	return 0;
}

static struct json_object *request(const char *cmd)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "cmd", json_object_new_string(cmd));
	return r;
}

int hvsim_domain_create(struct hvsim_ctl *c, const char *name, unsigned int mem_mib,
			const char *const *params, size_t nr_params, uint16_t *domid)
{
	struct hvsim_domain_cfg cfg = {
		.name = name, .mem_mib = mem_mib, .params = params, .nr_params = nr_params,
	};

	return hvsim_domain_create_cfg(c, &cfg, domid);
}

int hvsim_domain_create_cfg(struct hvsim_ctl *c, const struct hvsim_domain_cfg *cfg,
			    uint16_t *domid)
{
	struct json_object *req = request("domain_create"), *reply, *v;
	int err;

	json_object_object_add(req, "name", json_object_new_string(cfg->name));
	if (cfg->mem_mib)
		json_object_object_add(req, "mem_mib", json_object_new_int((int)cfg->mem_mib));
	if (cfg->set_event_channels)
		json_object_object_add(req, "event_channels",
				       json_object_new_int64(cfg->event_channels));
	if (cfg->nr_params) {
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < cfg->nr_params; i++)
			json_object_array_add(arr, json_object_new_string(cfg->params[i]));
		json_object_object_add(req, "params", arr);
	}
	err = hvsim_ctl_call(c, req, &reply);
	if (err)
		return err;
	if (domid && json_object_object_get_ex(reply, "domid", &v))
		*domid = (uint16_t)json_object_get_int(v);
	json_object_put(reply);
	return 0;
}

int hvsim_domain_destroy(struct hvsim_ctl *c, const char *domain)
{
	struct json_object *req = request("domain_destroy"), *reply;
	int err;

	json_object_object_add(req, "domain", json_object_new_string(domain));
	err = hvsim_ctl_call(c, req, &reply);
	json_object_put(reply);
	return err;
}

int hvsim_domid(struct hvsim_ctl *c, const char *domain, uint16_t *domid)
{
	struct json_object *req = request("domid"), *reply, *d, *v;
	int err;

	json_object_object_add(req, "domain", json_object_new_string(domain));
	err = hvsim_ctl_call(c, req, &reply);
	if (err)
		return err;
	if (json_object_object_get_ex(reply, "domain", &d) &&
	    json_object_object_get_ex(d, "domid", &v))
		*domid = (uint16_t)json_object_get_int(v);
	json_object_put(reply);
	return 0;
}

int hvsim_xenstore_read(struct hvsim_ctl *c, const char *path, char **value, size_t *len)
{
	struct json_object *req = request("xenstore_read"), *reply, *v;
	int err;

	json_object_object_add(req, "path", json_object_new_string(path));
	err = hvsim_ctl_call(c, req, &reply);
	if (err)
		return err;
	if (!json_object_object_get_ex(reply, "value", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		json_object_put(reply);
		snprintf(c->error, sizeof(c->error), "hvsimd sent a malformed reply");
		return -EPROTO;
	}
	*len = (size_t)json_object_get_string_len(v);
	*value = malloc(*len + 1);
	if (*value) {
		memcpy(*value, json_object_get_string(v), *len);
		(*value)[*len] = 0;
	}
	json_object_put(reply);
	return *value ? 0 : -ENOMEM;
}

int hvsim_xenstore_write(struct hvsim_ctl *c, const char *path, const void *value, size_t len)
{
	struct json_object *req = request("xenstore_write"), *reply;
	int err;

	json_object_object_add(req, "path", json_object_new_string(path));
	json_object_object_add(req, "value", json_object_new_string_len(value, (int)len));
	err = hvsim_ctl_call(c, req, &reply);
	json_object_put(reply);
	return err;
}

int hvsim_xenstore_rm(struct hvsim_ctl *c, const char *path)
{
	struct json_object *req = request("xenstore_rm"), *reply;
	int err;

	json_object_object_add(req, "path", json_object_new_string(path));
	err = hvsim_ctl_call(c, req, &reply);
	json_object_put(reply);
	return err;
}

static int simple_call(struct hvsim_ctl *c, const char *cmd)
{
	struct json_object *reply;
	int err = hvsim_ctl_call(c, request(cmd), &reply);

	json_object_put(reply);
	return err;
}

int hvsim_ping(struct hvsim_ctl *c)
{
	return simple_call(c, "ping");
}

int hvsim_shutdown(struct hvsim_ctl *c)
{
	return simple_call(c, "shutdown");
}
