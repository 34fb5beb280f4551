// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket's xenstore commands (docs/control-protocol.md):
 * xenstore_ls, xenstore_read, xenstore_write, xenstore_rm.  Each acts as
 * dom0 through the same requests a libxenstore client sends, so the CLI
 * sees exactly what a dom0 tool would.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "control.h"
#include "xenstore_server.h"

/* One request as dom0: 0 and the reply, or the errno xenstore answered. */
static int request(uint32_t type, const void *payload, size_t len, char **reply,
		   unsigned int *reply_len)
{
	struct xsd_sockmsg hdr;
	char *body;
	int err = xenstore_server_dom0_request(type, payload, len, &hdr, &body);

	if (err)
		return -err;
	if (hdr.type == XS_ERROR) {
		err = xenstore_error_errno(body);
		free(body);
		return err ? err : EINVAL;
	}
	if (reply) {
		*reply = body;
		if (reply_len)
			*reply_len = hdr.len;
	} else {
		free(body);
	}
	return 0;
}

static struct json_object *failed(int err, const char *what, const char *path)
{
	return control_error_reply(err, "xenstore %s %s: %s (%s)", what, path, strerror(err),
			   xenstore_error_name(err));
}

/* The path argument: "path", with `dflt` if absent; NULL if not a string. */
static const char *get_path(struct json_object *req, const char *dflt)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, "path", &v))
		return dflt;
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static int path_payload(const char *path, char *buf, size_t *len)
{
	size_t n = strlen(path) + 1;

	if (n > XENSTORE_PAYLOAD_MAX)
		return E2BIG;
	memcpy(buf, path, n);
	*len = n;
	return 0;
}

static int simple(uint32_t type, const char *path, char **reply, unsigned int *len)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t n;
	int err = path_payload(path, buf, &n);

	return err ? err : request(type, buf, n, reply, len);
}

/* Children of `path` (nul-separated), in parts when they do not fit one reply. */
static int children(const char *path, char **names, unsigned int *len)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	unsigned int off = 0, total = 0;
	char *all = NULL;
	int err = simple(XS_DIRECTORY, path, names, len);

	if (err != E2BIG)
		return err;
	for (;;) {
		size_t plen = strlen(path) + 1;
		unsigned int rlen, gen, p;
		char *part, *grown;

		if (plen + 12 > sizeof(buf)) {
			free(all);
			return E2BIG;
		}
		memcpy(buf, path, plen);
		plen += (size_t)snprintf(buf + plen, sizeof(buf) - plen, "%u", off) + 1;
		if ((err = request(XS_DIRECTORY_PART, buf, plen, &part, &rlen))) {
			free(all);
			return err;
		}
		gen = (unsigned int)strlen(part) + 1;
		/* whole names follow the generation; an empty name ends the list */
		p = gen;
		while (p < rlen && part[p])
			p += (unsigned int)strlen(part + p) + 1;
		grown = realloc(all, total + (p - gen) + 1);
		if (!grown) {
			free(part);
			free(all);
			return ENOMEM;
		}
		all = grown;
		memcpy(all + total, part + gen, p - gen);
		total += p - gen;
		off += p - gen;
		free(part);
		if (p < rlen || p == gen)
			break;
	}
	*names = all;
	*len = total;
	return 0;
}

static struct json_object *node_json(const char *path, int *err)
{
	struct json_object *o = json_object_new_object(), *perms = json_object_new_array();
	unsigned int len;
	char *v;

	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "perms", perms);
	if ((*err = simple(XS_READ, path, &v, &len)))
		return o;
	json_object_object_add(o, "value", json_object_new_string_len(v, (int)len));
	free(v);
	if ((*err = simple(XS_GET_PERMS, path, &v, &len)))
		return o;
	for (unsigned int off = 0; off < len; off += (unsigned int)strlen(v + off) + 1)
		json_object_array_add(perms, json_object_new_string(v + off));
	free(v);
	return o;
}

/* Depth first, as xenstore-ls prints; every node below `path`. */
static int walk(const char *path, struct json_object *out)
{
	unsigned int len;
	char *names;
	int err = children(path, &names, &len);

	if (err)
		return err;
	for (unsigned int off = 0; off < len && !err; off += (unsigned int)strlen(names + off) + 1) {
		char child[XENSTORE_PAYLOAD_MAX + 64];

		snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", names + off);
		json_object_array_add(out, node_json(child, &err));
		if (!err)
			err = walk(child, out);
	}
	free(names);
	return err;
}

static struct json_object *cmd_ls(struct json_object *req)
{
	const char *path = get_path(req, "/");
	struct json_object *r, *nodes;
	int err;

	if (!path)
		return control_error_reply(EINVAL, "\"path\" must be a string");
	nodes = json_object_new_array();
	err = walk(path, nodes);
	if (err) {
		json_object_put(nodes);
		return failed(err, "ls", path);
	}
	r = control_ok_reply();
	json_object_object_add(r, "nodes", nodes);
	return r;
}

static struct json_object *cmd_read(struct json_object *req)
{
	const char *path = get_path(req, NULL);
	struct json_object *r;
	unsigned int len;
	char *v;
	int err;

	if (!path)
		return control_error_reply(EINVAL, "missing \"path\"");
	if ((err = simple(XS_READ, path, &v, &len)))
		return failed(err, "read", path);
	r = control_ok_reply();
	json_object_object_add(r, "value", json_object_new_string_len(v, (int)len));
	free(v);
	return r;
}

static struct json_object *cmd_write(struct json_object *req)
{
	const char *path = get_path(req, NULL);
	char buf[XENSTORE_PAYLOAD_MAX];
	struct json_object *v;
	size_t plen, vlen;
	int err;

	if (!path)
		return control_error_reply(EINVAL, "missing \"path\"");
	if (!json_object_object_get_ex(req, "value", &v) ||
	    !json_object_is_type(v, json_type_string))
		return control_error_reply(EINVAL, "missing \"value\" (a string)");
	vlen = (size_t)json_object_get_string_len(v);
	if ((err = path_payload(path, buf, &plen)) || plen + vlen > sizeof(buf))
		return control_error_reply(E2BIG, "xenstore write %s: path and value exceed %d bytes",
				   path, XENSTORE_PAYLOAD_MAX);
	memcpy(buf + plen, json_object_get_string(v), vlen);
	if ((err = request(XS_WRITE, buf, plen + vlen, NULL, NULL)))
		return failed(err, "write", path);
	return control_ok_reply();
}

static struct json_object *cmd_rm(struct json_object *req)
{
	const char *path = get_path(req, NULL);
	int err;

	if (!path)
		return control_error_reply(EINVAL, "missing \"path\"");
	if ((err = simple(XS_RM, path, NULL, NULL)))
		return failed(err, "rm", path);
	return control_ok_reply();
}

struct json_object *xenstore_control_command(const char *cmd, struct json_object *req)
{
	if (!strcmp(cmd, "xenstore_ls"))
		return cmd_ls(req);
	if (!strcmp(cmd, "xenstore_read"))
		return cmd_read(req);
	if (!strcmp(cmd, "xenstore_write"))
		return cmd_write(req);
	if (!strcmp(cmd, "xenstore_rm"))
		return cmd_rm(req);
	return control_error_reply(EINVAL, "unknown command '%s'", cmd);
}
