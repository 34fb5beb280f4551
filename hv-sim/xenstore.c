// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstore requests: each XS_* message decoded, checked and answered with
 * the semantics and error codes of Xen 4.17's C xenstored
 * (docs/misc/xenstore.txt, tools/xenstore/xenstored_*.c), and the life
 * cycle of domains as the store sees it.
 *
 * Every change is checked whole before any node is touched (permissions,
 * quotas, memory), so a refused request leaves the store as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xenstore_int.h"

struct xenstore_quota xenstore_quota;
struct xs_dom xs_doms[DOMID_FIRST_RESERVED];
struct xs_conn *xs_conns;
struct xs_permissions *xs_special_perms[2];
unsigned int xs_nr_special_perms[2];

int xs_special_index(const char *name)
{
	if (!strcmp(name, "@introduceDomain"))
		return 0;
	if (!strcmp(name, "@releaseDomain"))
		return 1;
	return -1;
}

void xs_dom_use(unsigned int domid, unsigned int *watches, unsigned int *txs)
{
	*watches = *txs = 0;
	for (struct xs_conn *c = xs_conns; c; c = c->next)
		if (c->domid == domid) {
			*watches += c->nr_watches;
			*txs += c->nr_txs;
		}
}

static void (*log_fn)(const char *msg);

static const struct xenstore_quota default_quota = {
	.nodes = 1000,
	.node_size = 2048,
	.watches = 128,
	.transactions = 10,
	.transaction_nodes = 1024,
	.permissions = 5,
	.path_max = XENSTORE_REL_PATH_MAX,
};

void xenstore_set_log(void (*log)(const char *msg))
{
	log_fn = log;
}

const char *xenstore_error_name(int err)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			return xsd_errors[i].errstring;
	/* xenstored's answer to an errno the protocol has no name for */
	return "EINVAL";
}

int xenstore_error_errno(const char *name)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (!strcmp(xsd_errors[i].errstring, name))
			return xsd_errors[i].errnum;
	return 0;
}

/* Paths --------------------------------------------------------------------- */

static bool valid_chars(const char *p)
{
	return strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789-/_@") == strlen(p);
}

/* Length of a leading "/local/domain/<domid>/", or 0. */
static size_t local_prefix(const char *p)
{
	static const char pre[] = "/local/domain/";
	size_t n = sizeof(pre) - 1, digits;

	if (strncmp(p, pre, n))
		return 0;
	digits = strspn(p + n, "0123456789");
	if (digits < 1 || digits > 5 || p[n + digits] != '/')
		return 0;
	return n + digits + 1;
}

/* xenstored's rules: absolute, no "//", no trailing "/", a short alphabet. */
static bool valid_shape(const char *p)
{
	size_t len = strlen(p);

	if (p[0] != '/')
		return false;
	if (len > 1 && p[len - 1] == '/')
		return false;
	if (strstr(p, "//"))
		return false;
	return valid_chars(p);
}

static bool valid_path(const char *p)
{
	/* relative paths are limited, so a domain's home does not count */
	return valid_shape(p) && strlen(p) <= local_prefix(p) + xenstore_quota.path_max;
}

/* A relative path is below the connection's domain home. */
static const char *canonical(const struct xs_conn *c, const char *p, char *buf)
{
	char home[32];

	if (p[0] == '/' || p[0] == '@')
		return p;
	xs_home(c ? c->domid : 0, home, sizeof(home));
	snprintf(buf, XS_PATH_BUF, "%s/%s", home, p);
	return buf;
}

/* The parent of an absolute path other than "/". */
static void parent_of(const char *path, char *buf)
{
	const char *slash = strrchr(path, '/');

	if (slash == path)
		strcpy(buf, "/");
	else
		snprintf(buf, XS_PATH_BUF, "%.*s", (int)(slash - path), path);
}

static const char *basename_of(const char *path)
{
	return strrchr(path, '/') + 1;
}

/* Nodes through the view, with xenstored's errnos ------------------------- */

/*
 * Permission `perm` as the nearest existing ancestor of `path` gives it: a
 * domain may learn that a node does not exist only where it could look.
 */
static int errno_from_parents(struct xs_ctx *x, const char *path, int err,
			      unsigned int perm)
{
	char p[XS_PATH_BUF];
	struct xs_node *n = NULL;
	int e = 0;

	if (err == ENOMEM)
		return err;
	snprintf(p, sizeof(p), "%s", path);
	while (strcmp(p, "/")) {
		char parent[XS_PATH_BUF];

		parent_of(p, parent);
		strcpy(p, parent);
		n = xs_view_get(x, p, &e);
		if (n)
			break;
		if (e != ENOENT)
			return e;
	}
	if (!n)
		return EACCES;
	return (xs_perm_for(x->conn, n->perms, n->nr_perms) & perm) ? err : EACCES;
}

static struct xs_node *get_node(struct xs_ctx *x, const char *path, unsigned int perm,
				int *err)
{
	struct xs_node *n;

	if (!path || !valid_path(path)) {
		*err = EINVAL;
		return NULL;
	}
	n = xs_view_get(x, path, err);
	if (n && (xs_perm_for(x->conn, n->perms, n->nr_perms) & perm) != perm) {
		*err = EACCES;
		n = NULL;
	}
	if (!n && *err != ENOSPC)
		*err = errno_from_parents(x, path, *err, perm);
	return n;
}

/* Changes ------------------------------------------------------------------- */

static bool too_big(const struct xs_ctx *x, unsigned int nr_perms, unsigned int datalen,
		    unsigned int childlen)
{
	return !xs_privileged(x->conn) &&
	       xs_node_record_size(nr_perms, datalen, childlen) >= xenstore_quota.node_size;
}

static int set_value(struct xs_ctx *x, struct xs_node *n, const void *data, unsigned int len)
{
	char *copy = NULL;

	if (too_big(x, n->nr_perms, len, n->childlen))
		return ENOSPC;
	if (len && !(copy = malloc(len)))
		return ENOMEM;
	if (len)
		memcpy(copy, data, len);
	xs_view_will_change(x, n);
	free(n->data);
	n->data = copy;
	n->datalen = len;
	xs_view_changed(x, n, n->perms[0].id);
	return 0;
}

/* Length of the last component of path[0..end), with its nul. */
static unsigned int leaf_size(const char *path, size_t end)
{
	size_t slash = end;

	while (path[slash - 1] != '/')
		slash--;
	return (unsigned int)(end - slash) + 1;
}

/*
 * Creates `path` and its missing ancestors (the caller found `path`
 * absent).  New nodes take their parent's permissions; one an unprivileged
 * domain creates is its own.
 */
static int create_node(struct xs_ctx *x, const char *path, const void *data,
		       unsigned int datalen)
{
	/* the missing paths, deepest first, as lengths of `path` */
	size_t ends[XS_PATH_BUF / 2];
	struct xs_node *parent = NULL, *new[XS_PATH_BUF / 2];
	unsigned int levels = 0, i, top_leaf;
	struct xs_permissions *perms;
	char p[XS_PATH_BUF], up[XS_PATH_BUF];
	char *children, *np;
	int err = 0;

	snprintf(p, sizeof(p), "%s", path);
	while (!parent) {
		ends[levels++] = strlen(p);
		parent_of(p, up);
		strcpy(p, up);
		parent = xs_view_get(x, p, &err);
		if (!parent && (err != ENOENT || !strcmp(p, "/")))
			return err == ENOENT ? EIO : err;
	}

	/* everything that can refuse, before anything changes */
	if (!xs_privileged(x->conn) &&
	    xs_owned(x, x->conn->domid) + levels > xenstore_quota.nodes)
		return ENOSPC;
	top_leaf = leaf_size(path, ends[levels - 1]);
	if (too_big(x, parent->nr_perms, parent->datalen, parent->childlen + top_leaf))
		return ENOSPC;
	for (i = 0; i < levels; i++)
		if (too_big(x, parent->nr_perms, i == 0 ? datalen : 0,
			    i == 0 ? 0 : leaf_size(path, ends[i - 1])))
			return ENOSPC;

	perms = malloc(parent->nr_perms * sizeof(*perms));
	if (!perms)
		return ENOMEM;
	memcpy(perms, parent->perms, parent->nr_perms * sizeof(*perms));
	if (!xs_privileged(x->conn))
		perms[0].id = x->conn->domid;
	memset(new, 0, levels * sizeof(new[0]));
	err = ENOMEM;
	for (i = 0; i < levels; i++) {
		np = strndup(path, ends[i]);
		new[i] = np ? xs_node_new(np, perms, parent->nr_perms,
					  i == 0 ? data : NULL, i == 0 ? datalen : 0) : NULL;
		free(np);
		if (!new[i])
			goto fail;
		if (i > 0) {
			/* each new node but the deepest has one child */
			new[i]->childlen = leaf_size(path, ends[i - 1]);
			new[i]->children = strdup(basename_of(xs_node_path(new[i - 1])));
			if (!new[i]->children)
				goto fail;
		}
	}
	children = realloc(parent->children, parent->childlen + top_leaf);
	if (!children)
		goto fail;
	parent->children = children;
	if (xs_view_reserve(x, levels))
		goto fail;

	/* from here on nothing fails */
	xs_view_will_change(x, parent);
	memcpy(parent->children + parent->childlen,
	       basename_of(xs_node_path(new[levels - 1])), top_leaf);
	parent->childlen += top_leaf;
	xs_view_changed(x, parent, parent->perms[0].id);
	for (i = levels; i-- > 0;)
		xs_view_insert(x, new[i]);
	free(perms);
	return 0;
fail:
	for (i = 0; i < levels; i++)
		xs_node_free(new[i]);
	free(perms);
	return err;
}

struct node_list {
	struct xs_node **v;
	size_t nr, cap;
};

static int node_list_add(struct node_list *l, struct xs_node *n)
{
	if (l->nr == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct xs_node **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->nr++] = n;
	return 0;
}

/* Removes `n` and everything below it; watches fire for each node. */
static int rm_node(struct xs_ctx *x, struct xs_node *n)
{
	char parent_path[XS_PATH_BUF], cp[XS_PATH_BUF];
	struct node_list all = { 0 };
	struct xs_node *parent;
	const char *leaf;
	int err = 0;

	parent_of(xs_node_path(n), parent_path);
	parent = xs_view_get(x, parent_path, &err);
	if (!parent)
		return err == ENOENT ? EINVAL : err;

	/* gather the subtree, parents before children, touching nothing */
	if ((err = node_list_add(&all, n)))
		return err;
	for (size_t done = 0; done < all.nr; done++) {
		struct xs_node *d = all.v[done];
		const char *dp = strcmp(xs_node_path(d), "/") ? xs_node_path(d) : "";

		for (unsigned int off = 0; off < d->childlen;) {
			const char *name = d->children + off;
			struct xs_node *c;

			off += (unsigned int)strlen(name) + 1;
			snprintf(cp, sizeof(cp), "%s/%s", dp, name);
			c = xs_view_get(x, cp, &err);
			if (c)
				err = node_list_add(&all, c);
			else if (err == ENOENT)
				err = 0;
			if (err) {
				free(all.v);
				return err;
			}
		}
	}

	/*
	 * Children go before their parents.  The removed node's own watchers
	 * and those of its ancestors hear of it once; a watch on a node below
	 * hears of that node.
	 */
	leaf = basename_of(xs_node_path(n));
	for (size_t i = all.nr; i-- > 0;) {
		struct xs_node *d = all.v[i];

		xs_view_fire(x, xs_node_path(d), d->perms, d->nr_perms, i != 0);
		if (i == 0) {
			xs_view_will_change(x, parent);
			for (unsigned int off = 0; off < parent->childlen;) {
				char *name = parent->children + off;
				unsigned int l = (unsigned int)strlen(name) + 1;

				if (!strcmp(name, leaf)) {
					memmove(name, name + l, parent->childlen - off - l);
					parent->childlen -= l;
					break;
				}
				off += l;
			}
			xs_view_changed(x, parent, parent->perms[0].id);
		}
		xs_view_remove(x, d);
	}
	free(all.v);
	return 0;
}

/* Replaces the permissions of `n` (takes `perms`) and fires watches. */
static void set_perms(struct xs_ctx *x, struct xs_node *n, struct xs_permissions *perms,
		      unsigned int nr)
{
	struct xs_permissions *old = n->perms;
	unsigned int nr_old = n->nr_perms, old_owner = old[0].id;

	xs_view_will_change(x, n);
	n->perms = perms;
	n->nr_perms = nr;
	xs_view_changed(x, n, old_owner);
	/* a watcher who could read the node before hears of the change too */
	xs_view_fire(x, xs_node_path(n), old, nr_old, false);
	free(old);
}

/* Requests ------------------------------------------------------------------- */

struct req {
	struct xs_conn *c;
	const struct xsd_sockmsg *hdr;
	char *buf;                 /* the payload, with a nul after it */
	unsigned int len;
	struct xs_ctx x;
};

static void reply(struct req *r, uint32_t type, const void *data, size_t len);

static void send_error(struct req *r, int err)
{
	const char *name = xenstore_error_name(err);

	reply(r, XS_ERROR, name, strlen(name) + 1);
}

static void reply(struct req *r, uint32_t type, const void *data, size_t len)
{
	struct xsd_sockmsg h = *r->hdr;

	if (len > XENSTORE_PAYLOAD_MAX) {
		send_error(r, E2BIG);
		return;
	}
	h.type = type;
	h.len = (uint32_t)len;
	r->c->ops->send(r->c, &h, data);
}

static void ack(struct req *r)
{
	reply(r, r->hdr->type, "OK", 3);
}

static unsigned int count_strings(const struct req *r)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->len; i++)
		n += r->buf[i] == 0;
	return n;
}

/* The nul-terminated strings of the payload, up to `max` of them. */
static unsigned int get_strings(const struct req *r, const char **vec, unsigned int max)
{
	unsigned int n = 0, off = 0;

	while (off < r->len) {
		const char *nul = memchr(r->buf + off, 0, r->len - off);

		if (!nul)
			break;
		if (n < max)
			vec[n] = r->buf + off;
		n++;
		off = (unsigned int)(nul - r->buf) + 1;
	}
	return n;
}

/* The payload as exactly one string, or NULL. */
static const char *onearg(const struct req *r)
{
	if (!r->len || memchr(r->buf, 0, r->len) != r->buf + r->len - 1)
		return NULL;
	return r->buf;
}

static struct xs_node *req_node(struct req *r, const char *arg, unsigned int perm,
				char *path, int *err)
{
	if (!arg) {
		*err = EINVAL;
		return NULL;
	}
	const char *p = canonical(r->c, arg, path);

	if (p != path)
		snprintf(path, XS_PATH_BUF, "%s", p);
	return get_node(&r->x, path, perm, err);
}

static int do_read(struct req *r)
{
	char path[XS_PATH_BUF];
	int err;
	struct xs_node *n = req_node(r, onearg(r), XS_PERM_READ, path, &err);

	if (!n)
		return err;
	reply(r, XS_READ, n->data, n->datalen);
	return 0;
}

static int do_directory(struct req *r)
{
	char path[XS_PATH_BUF];
	int err;
	struct xs_node *n = req_node(r, onearg(r), XS_PERM_READ, path, &err);

	if (!n)
		return err;
	reply(r, XS_DIRECTORY, n->children, n->childlen);
	return 0;
}

/* <path>|<offset>| -> <generation>|<children from offset>|* */
static int do_directory_part(struct req *r)
{
	const char *vec[2];
	char path[XS_PATH_BUF], out[XENSTORE_PAYLOAD_MAX];
	unsigned int off, len = 0, genlen, max;
	struct xs_node *n;
	int err;

	if (count_strings(r) != 2)
		return EINVAL;
	get_strings(r, vec, 2);
	if (!(n = req_node(r, vec[0], XS_PERM_READ, path, &err)))
		return err;
	off = (unsigned int)atoi(vec[1]);
	genlen = (unsigned int)snprintf(out, sizeof(out), "%llu",
					(unsigned long long)n->generation) + 1;
	if (off >= n->childlen) {
		/* past the end: the generation and an empty name */
		out[genlen] = 0;
		reply(r, XS_DIRECTORY_PART, out, genlen + 1);
		return 0;
	}
	/* whole names that fit, and an empty name when the list ends here */
	max = XENSTORE_PAYLOAD_MAX - genlen - 1;
	while (off + len < n->childlen) {
		unsigned int l = (unsigned int)strlen(n->children + off + len) + 1;

		if (len + l > max)
			break;
		len += l;
	}
	memcpy(out + genlen, n->children + off, len);
	if (off + len == n->childlen)
		out[genlen + len++] = 0;
	reply(r, XS_DIRECTORY_PART, out, genlen + len);
	return 0;
}

static int do_write(struct req *r)
{
	const char *vec[1];
	char path[XS_PATH_BUF];
	unsigned int off, datalen;
	struct xs_node *n;
	int err;

	if (get_strings(r, vec, 1) < 1)
		return EINVAL;
	off = (unsigned int)strlen(vec[0]) + 1;
	datalen = r->len - off;
	n = req_node(r, vec[0], XS_PERM_WRITE, path, &err);
	if (!n) {
		if (err != ENOENT)
			return err;
		err = create_node(&r->x, path, r->buf + off, datalen);
	} else {
		err = set_value(&r->x, n, r->buf + off, datalen);
	}
	if (err)
		return err;
	xs_view_fire(&r->x, path, NULL, 0, false);
	ack(r);
	return 0;
}

static int do_mkdir(struct req *r)
{
	char path[XS_PATH_BUF];
	int err;
	struct xs_node *n = req_node(r, onearg(r), XS_PERM_WRITE, path, &err);

	if (!n) {
		if (err != ENOENT)
			return err;
		if ((err = create_node(&r->x, path, NULL, 0)))
			return err;
		xs_view_fire(&r->x, path, NULL, 0, false);
	}
	ack(r);
	return 0;
}

static int do_rm(struct req *r)
{
	char path[XS_PATH_BUF], parent[XS_PATH_BUF];
	int err;
	struct xs_node *n = req_node(r, onearg(r), XS_PERM_WRITE, path, &err);

	if (!n) {
		/* removing what is not there is fine, if its parent is */
		if (err != ENOENT)
			return err;
		parent_of(path, parent);
		if (!xs_view_get(&r->x, parent, &err))
			return err;
		ack(r);
		return 0;
	}
	if (!strcmp(path, "/"))
		return EINVAL;
	if ((err = rm_node(&r->x, n)))
		return err;
	ack(r);
	return 0;
}

static int do_get_perms(struct req *r)
{
	char path[XS_PATH_BUF], out[XENSTORE_PAYLOAD_MAX + 16];
	size_t len = 0;
	int err;
	struct xs_node *n = req_node(r, onearg(r), XS_PERM_READ, path, &err);

	if (!n)
		return err;
	for (unsigned int i = 0; i < n->nr_perms && len < XENSTORE_PAYLOAD_MAX; i++) {
		static const char letter[] = { 'n', 'r', 'w', 'b' };
		unsigned int p = n->perms[i].perms & (XS_PERM_READ | XS_PERM_WRITE);

		len += (size_t)snprintf(out + len, sizeof(out) - len, "%c%u",
					letter[p], n->perms[i].id) + 1;
	}
	reply(r, XS_GET_PERMS, out, len);
	return 0;
}

/* "r1", "w1", "b1", "n1"; the number as strtol(..., 0) reads it. */
static int parse_perms(const char *s, unsigned int nr, struct xs_permissions *p)
{
	for (unsigned int i = 0; i < nr; i++) {
		char *end;
		long id;

		switch (*s) {
		case 'r': p[i].perms = XS_PERM_READ; break;
		case 'w': p[i].perms = XS_PERM_WRITE; break;
		case 'b': p[i].perms = XS_PERM_READ | XS_PERM_WRITE; break;
		case 'n': p[i].perms = XS_PERM_NONE; break;
		default: return EINVAL;
		}
		s++;
		id = strtol(s, &end, 0);
		if (*end || !*s)
			return EINVAL;
		p[i].id = (unsigned int)id;
		/*
		 * An entry for a domain that does not exist counts for nothing,
		 * so that a domain created later under that domid gets nothing.
		 */
		if (!xs_domid_valid(p[i].id) || !xs_doms[p[i].id].exists)
			p[i].perms |= XS_PERM_IGNORE;
		s = end + 1;
	}
	return 0;
}

static int do_set_perms(struct req *r)
{
	unsigned int nr = count_strings(r);
	struct xs_permissions *perms;
	char path[XS_PATH_BUF];
	struct xs_node *n;
	int err, special;

	if (nr < 2)
		return EINVAL;
	nr--;
	if (!xs_privileged(r->c) && nr > xenstore_quota.permissions)
		return ENOSPC;
	perms = calloc(nr, sizeof(*perms));
	if (!perms)
		return ENOMEM;
	err = parse_perms(r->buf + strlen(r->buf) + 1, nr, perms);
	if (!err && (perms[0].perms & XS_PERM_IGNORE))
		err = ENOENT;
	if (err)
		goto out;

	if (r->buf[0] == '@') {
		special = xs_special_index(r->buf);
		if (special < 0) {
			err = EINVAL;
		} else if ((xs_perm_for(r->c, xs_special_perms[special],
					xs_nr_special_perms[special]) &
			    (XS_PERM_WRITE | XS_PERM_OWNER)) != (XS_PERM_WRITE | XS_PERM_OWNER)) {
			err = EACCES;
		} else {
			free(xs_special_perms[special]);
			xs_special_perms[special] = perms;
			xs_nr_special_perms[special] = nr;
			perms = NULL;
			ack(r);
		}
		goto out;
	}
	n = req_node(r, r->buf, XS_PERM_WRITE | XS_PERM_OWNER, path, &err);
	if (!n)
		goto out;
	/* only dom0 gives a node away */
	if (!xs_privileged(r->c) && perms[0].id != n->perms[0].id) {
		err = EPERM;
		goto out;
	}
	if (too_big(&r->x, nr, n->datalen, n->childlen)) {
		err = ENOSPC;
		goto out;
	}
	set_perms(&r->x, n, perms, nr);
	perms = NULL;
	ack(r);
out:
	free(perms);
	return err;
}

static int do_watch(struct req *r)
{
	const char *vec[2], *path;
	char buf[XS_PATH_BUF];
	struct xs_watch *w;
	bool relative = false;
	int err;

	if (get_strings(r, vec, 2) != 2)
		return EINVAL;
	path = vec[0];
	if (path[0] == '@') {
		if (strlen(path) > XENSTORE_REL_PATH_MAX)
			return EINVAL;
	} else {
		relative = path[0] != '/';
		path = canonical(r->c, path, buf);
		if (!valid_path(path))
			return EINVAL;
	}
	if ((err = xs_watch_add(r->c, path, vec[1], relative, &w)))
		return err;
	ack(r);
	/* a new watch fires once straight away (clients and restarts rely on it) */
	xs_watch_event(r->c, w, w->path);
	return 0;
}

static int do_unwatch(struct req *r)
{
	const char *vec[2];
	char buf[XS_PATH_BUF];
	int err;

	if (get_strings(r, vec, 2) != 2)
		return EINVAL;
	if ((err = xs_watch_remove(r->c, canonical(r->c, vec[0], buf), vec[1])))
		return err;
	ack(r);
	return 0;
}

static int do_transaction_start(struct req *r)
{
	char id_str[16];
	uint32_t id;
	int err;

	/* transactions do not nest */
	if (r->x.tx)
		return EBUSY;
	if ((err = xs_tx_start(r->c, &id)))
		return err;
	snprintf(id_str, sizeof(id_str), "%u", id);
	reply(r, XS_TRANSACTION_START, id_str, strlen(id_str) + 1);
	return 0;
}

static int do_transaction_end(struct req *r)
{
	const char *arg = onearg(r);
	struct xs_tx *tx = r->x.tx;
	int err;

	if (!arg || (strcmp(arg, "T") && strcmp(arg, "F")))
		return EINVAL;
	if (!tx)
		return ENOENT;
	r->x.tx = NULL;
	if ((err = xs_tx_end(r->c, tx, !strcmp(arg, "T"))))
		return err;
	ack(r);
	return 0;
}

static int do_get_domain_path(struct req *r)
{
	const char *arg = onearg(r);
	char path[32];

	if (!arg)
		return EINVAL;
	snprintf(path, sizeof(path), "/local/domain/%u", (unsigned int)atoi(arg));
	reply(r, XS_GET_DOMAIN_PATH, path, strlen(path) + 1);
	return 0;
}

static int do_is_domain_introduced(struct req *r)
{
	const char *arg = onearg(r);
	unsigned int domid;

	if (!arg)
		return EINVAL;
	domid = (unsigned int)atoi(arg);
	reply(r, XS_IS_DOMAIN_INTRODUCED, domid == DOMID_SELF ||
	      (xs_domid_valid(domid) && xenstore_domain_introduced((domid_t)domid)) ? "T" : "F", 2);
	return 0;
}

static void fire_special(const char *name)
{
	xs_fire_watches(name, NULL, 0, true);
}

/*
 * INTRODUCE: hvsim introduces every domain when it creates it; dom0 may
 * introduce again one it released.  The ring page and event channel of a
 * real introduction mean nothing here (the connection is a socket), but
 * they are checked as xenstored checks them.
 */
static int do_introduce(struct req *r)
{
	const char *vec[3];
	unsigned int domid;

	if (get_strings(r, vec, 3) < 3)
		return EINVAL;
	domid = (unsigned int)atoi(vec[0]);
	if (atoi(vec[2]) <= 0)
		return EINVAL;
	/* xenstored fails to map the ring of a domain that does not exist */
	if (!xs_domid_valid(domid) || !xs_doms[domid].exists)
		return EINVAL;
	if (!xs_doms[domid].introduced) {
		xs_doms[domid].introduced = true;
		fire_special("@introduceDomain");
	}
	ack(r);
	return 0;
}

/* RELEASE, RESUME: an introduced domain other than dom0. */
static int onearg_domain(const struct req *r, unsigned int *domid)
{
	const char *arg = onearg(r);

	if (!arg || !(*domid = (unsigned int)atoi(arg)))
		return EINVAL;
	if (!xs_domid_valid(*domid) || !xenstore_domain_introduced((domid_t)*domid))
		return ENOENT;
	return 0;
}

static void release_domain(domid_t domid);

static int do_release(struct req *r)
{
	unsigned int domid;
	int err = onearg_domain(r, &domid);

	if (err)
		return err;
	release_domain((domid_t)domid);
	ack(r);
	return 0;
}

static int do_resume(struct req *r)
{
	unsigned int domid;
	int err = onearg_domain(r, &domid);

	if (err)
		return err;
	/* hvsim domains do not shut down and come back: nothing to re-arm */
	ack(r);
	return 0;
}

static int do_set_target(struct req *r)
{
	const char *vec[2];
	unsigned int domid, target;

	if (get_strings(r, vec, 2) < 2)
		return EINVAL;
	domid = (unsigned int)atoi(vec[0]);
	target = (unsigned int)atoi(vec[1]);
	if (!xs_domid_valid(domid) || !xs_domid_valid(target) ||
	    !xenstore_domain_introduced((domid_t)domid) ||
	    !xenstore_domain_introduced((domid_t)target))
		return ENOENT;
	xs_doms[domid].target = (int)target;
	ack(r);
	return 0;
}

static int do_reset_watches(struct req *r)
{
	xs_watch_free_all(r->c);
	xs_tx_free_all(r->c);
	r->x.tx = NULL;
	ack(r);
	return 0;
}

/* CONTROL ------------------------------------------------------------------- */

static bool check_store(char *why, size_t n);

static const struct {
	const char *name;
	unsigned int *value;
	const char *descr;
} quotas[] = {
	{ "nodes", &xenstore_quota.nodes, "Nodes per domain" },
	{ "watches", &xenstore_quota.watches, "Watches per domain" },
	{ "transactions", &xenstore_quota.transactions, "Transactions per domain" },
	{ "transaction-nodes", &xenstore_quota.transaction_nodes,
	  "Max. number of accessed nodes per transaction" },
	{ "node-size", &xenstore_quota.node_size, "Max. size of a node" },
	{ "path-max", &xenstore_quota.path_max, "Max. length of a node path" },
	{ "permissions", &xenstore_quota.permissions, "Max. number of permissions per node" },
};

static int control_quota(struct req *r, const char **arg, unsigned int nr)
{
	char out[XENSTORE_PAYLOAD_MAX];
	size_t len = 0;

	if (nr == 0) {
		len += (size_t)snprintf(out, sizeof(out), "Quota settings:\n");
		for (size_t i = 0; i < sizeof(quotas) / sizeof(quotas[0]); i++)
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%-17s: %8u %s\n",
						quotas[i].name, *quotas[i].value,
						quotas[i].descr);
		reply(r, XS_CONTROL, out, len + 1);
		return 0;
	}
	if (!strcmp(arg[0], "set")) {
		int val;

		if (nr != 3 || (val = atoi(arg[2])) < 1)
			return EINVAL;
		for (size_t i = 0; i < sizeof(quotas) / sizeof(quotas[0]); i++)
			if (!strcmp(arg[1], quotas[i].name)) {
				/* a path longer than the protocol allows cannot be sent */
				if (quotas[i].value == &xenstore_quota.path_max &&
				    val > XENSTORE_REL_PATH_MAX)
					val = XENSTORE_REL_PATH_MAX;
				*quotas[i].value = (unsigned int)val;
				ack(r);
				return 0;
			}
		return EINVAL;
	}
	if (nr != 1)
		return EINVAL;
	unsigned int domid = (unsigned int)atoi(arg[0]), watches = 0, txs = 0;
	struct xs_ctx global = { NULL, NULL };

	if (!xs_domid_valid(domid) || !xs_doms[domid].exists)
		return ENOENT;
	xs_dom_use(domid, &watches, &txs);
	len = (size_t)snprintf(out, sizeof(out), "Domain %u:\n%-16s: %8u\n%-16s: %8u\n"
			       "%-16s: %8u\n", domid, "nodes", xs_owned(&global, (domid_t)domid),
			       "watches", watches, "transactions", txs);
	reply(r, XS_CONTROL, out, len + 1);
	return 0;
}

static int do_control(struct req *r)
{
	static const char help[] = "check\t\nhelp\t\nprint\t<string>\n"
				   "quota\t[set <name> <val>|<domid>]\n";
	const char *vec[8];
	unsigned int nr = count_strings(r);

	if (nr < 1)
		return EINVAL;
	get_strings(r, vec, 8);
	if (nr > 8)
		return EINVAL;
	if (!strcmp(vec[0], "check")) {
		char why[256];

		if (nr != 1)
			return EINVAL;
		if (!check_store(why, sizeof(why))) {
			if (log_fn)
				log_fn(why);
			return EIO;
		}
		ack(r);
		return 0;
	}
	if (!strcmp(vec[0], "help")) {
		if (nr != 1)
			return EINVAL;
		reply(r, XS_CONTROL, help, sizeof(help));
		return 0;
	}
	if (!strcmp(vec[0], "print")) {
		if (nr != 2)
			return EINVAL;
		if (log_fn)
			log_fn(vec[1]);
		ack(r);
		return 0;
	}
	if (!strcmp(vec[0], "quota"))
		return control_quota(r, vec + 1, nr - 1);
	return EINVAL;
}

/* Dispatch -------------------------------------------------------------------- */

#define XS_FLAG_NOTID 1u   /* the tx_id is not looked at */
#define XS_FLAG_PRIV  2u   /* dom0 only */

static const struct {
	int (*fn)(struct req *r);
	unsigned int flags;
} ops[XS_TYPE_COUNT] = {
	[XS_CONTROL]              = { do_control, XS_FLAG_PRIV },
	[XS_DIRECTORY]            = { do_directory, 0 },
	[XS_READ]                 = { do_read, 0 },
	[XS_GET_PERMS]            = { do_get_perms, 0 },
	[XS_WATCH]                = { do_watch, XS_FLAG_NOTID },
	[XS_UNWATCH]              = { do_unwatch, XS_FLAG_NOTID },
	[XS_TRANSACTION_START]    = { do_transaction_start, 0 },
	[XS_TRANSACTION_END]      = { do_transaction_end, 0 },
	[XS_INTRODUCE]            = { do_introduce, XS_FLAG_PRIV },
	[XS_RELEASE]              = { do_release, XS_FLAG_PRIV },
	[XS_GET_DOMAIN_PATH]      = { do_get_domain_path, 0 },
	[XS_WRITE]                = { do_write, 0 },
	[XS_MKDIR]                = { do_mkdir, 0 },
	[XS_RM]                   = { do_rm, 0 },
	[XS_SET_PERMS]            = { do_set_perms, 0 },
	[XS_IS_DOMAIN_INTRODUCED] = { do_is_domain_introduced, XS_FLAG_PRIV },
	[XS_RESUME]               = { do_resume, XS_FLAG_PRIV },
	[XS_SET_TARGET]           = { do_set_target, XS_FLAG_PRIV },
	[XS_RESET_WATCHES]        = { do_reset_watches, 0 },
	[XS_DIRECTORY_PART]       = { do_directory_part, 0 },
};

void xenstore_request(struct xs_conn *c, const struct xsd_sockmsg *hdr, const void *payload)
{
	char buf[XENSTORE_PAYLOAD_MAX + 1];
	struct req r = { .c = c, .hdr = hdr, .buf = buf, .len = hdr->len, .x = { c, NULL } };
	int err;

	if (c->dropped)
		return;
	if (hdr->len > XENSTORE_PAYLOAD_MAX) {
		r.len = 0;
		send_error(&r, E2BIG);
		return;
	}
	if (hdr->len)
		memcpy(buf, payload, hdr->len);
	buf[hdr->len] = 0;

	if (hdr->type >= XS_TYPE_COUNT || !ops[hdr->type].fn) {
		send_error(&r, ENOSYS);
		return;
	}
	if ((ops[hdr->type].flags & XS_FLAG_PRIV) && !xs_privileged(c)) {
		send_error(&r, EACCES);
		return;
	}
	if (!(ops[hdr->type].flags & XS_FLAG_NOTID) && hdr->tx_id) {
		r.x.tx = xs_tx_find(c, hdr->tx_id);
		if (!r.x.tx) {
			send_error(&r, ENOENT);
			return;
		}
	}
	err = ops[hdr->type].fn(&r);
	if (err)
		send_error(&r, err);
}

/* Connections ------------------------------------------------------------------ */

struct xs_conn *xs_conn_new(domid_t domid, const struct xs_conn_ops *ops_, void *opaque)
{
	struct xs_conn *c = calloc(1, sizeof(*c)), **tail = &xs_conns;

	if (!c)
		return NULL;
	c->domid = domid;
	c->ops = ops_;
	c->opaque = opaque;
	c->next_tx_id = 1;
	/* watches fire in the order connections came */
	while (*tail)
		tail = &(*tail)->next;
	*tail = c;
	return c;
}

void xs_conn_free(struct xs_conn *c)
{
	if (!c)
		return;
	for (struct xs_conn **p = &xs_conns; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	xs_watch_free_all(c);
	xs_tx_free_all(c);
	free(c);
}

void *xs_conn_opaque(const struct xs_conn *c)
{
	return c->opaque;
}

domid_t xs_conn_domid(const struct xs_conn *c)
{
	return c->domid;
}

/* Domains ----------------------------------------------------------------------- */

bool xenstore_domain_introduced(domid_t domid)
{
	return xs_domid_valid(domid) && xs_doms[domid].exists && xs_doms[domid].introduced;
}

/* Writes a node as the hypervisor (dom0's rights, no quota). */
static int hv_write(const char *path, const char *value, const struct xs_permissions *perms,
		    unsigned int nr_perms)
{
	struct xs_ctx x = { NULL, NULL };
	struct xs_permissions *copy = malloc(nr_perms * sizeof(*perms));
	struct xs_node *n;
	int err = 0;

	if (!copy)
		return ENOMEM;
	memcpy(copy, perms, nr_perms * sizeof(*perms));
	n = xs_view_get(&x, path, &err);
	if (n)
		err = set_value(&x, n, value, (unsigned int)strlen(value));
	else
		err = create_node(&x, path, value, (unsigned int)strlen(value));
	if (!err && !(n = xs_view_get(&x, path, &err)))
		err = EIO;
	if (err) {
		free(copy);
		return err;
	}
	/* set_perms fires the watches of the new node, once */
	set_perms(&x, n, copy, nr_perms);
	return 0;
}

static void hv_rm(const char *path)
{
	struct xs_ctx x = { NULL, NULL };
	struct xs_node *n = (struct xs_node *)xs_table_get(&xs_nodes, path);

	if (n && strcmp(path, "/"))
		rm_node(&x, n);
}

static void drop_connections(domid_t domid)
{
	struct xs_conn *c, *next;

	for (c = xs_conns; c; c = next) {
		next = c->next;
		if (c->domid == domid && !c->dropped) {
			c->dropped = true;
			xs_watch_free_all(c);
			xs_tx_free_all(c);
			c->ops->drop(c);
		}
	}
}

static int cmp_len(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? -1 : la > lb;
}

/* Removes every node `domid` owns, with what is below them (xenstored does). */
static void remove_owned(domid_t domid)
{
	struct xs_ctx global = { NULL, NULL };
	size_t nr = 0, max = xs_owned(&global, domid);
	char **paths;

	if (!max)
		return;
	paths = calloc(max, sizeof(*paths));
	if (!paths)
		return;
	for (size_t i = 0; i < xs_nodes.nr_buckets; i++)
		for (struct xs_hnode *h = xs_nodes.buckets[i]; h && nr < max; h = h->next) {
			struct xs_node *n = (struct xs_node *)h;

			if (n->perms[0].id == domid && strcmp(xs_node_path(n), "/") &&
			    (paths[nr] = strdup(xs_node_path(n))))
				nr++;
		}
	/* shallowest first, so a subtree goes in one removal */
	qsort(paths, nr, sizeof(*paths), cmp_len);
	for (size_t i = 0; i < nr; i++) {
		hv_rm(paths[i]);
		free(paths[i]);
	}
	free(paths);
}

/* Entries naming a dead domain stop counting, in nodes and special ones. */
static void forget_domid(domid_t domid)
{
	for (size_t i = 0; i < xs_nodes.nr_buckets; i++)
		for (struct xs_hnode *h = xs_nodes.buckets[i]; h; h = h->next) {
			struct xs_node *n = (struct xs_node *)h;

			for (unsigned int j = 1; j < n->nr_perms; j++)
				if (n->perms[j].id == domid)
					n->perms[j].perms |= XS_PERM_IGNORE;
		}
	for (int s = 0; s < 2; s++) {
		struct xs_permissions *p = xs_special_perms[s];
		unsigned int k = 1;

		if (p[0].id == domid)
			p[0].id = 0;
		for (unsigned int j = 1; j < xs_nr_special_perms[s]; j++)
			if (p[j].id != domid)
				p[k++] = p[j];
		xs_nr_special_perms[s] = k;
	}
	for (unsigned int d = 0; d < DOMID_FIRST_RESERVED; d++)
		if (xs_doms[d].target == domid)
			xs_doms[d].target = -1;
}

/* The store stops talking to a domain: RELEASE, and domain death. */
static void release_domain(domid_t domid)
{
	drop_connections(domid);
	remove_owned(domid);
	forget_domid(domid);
	if (xs_doms[domid].introduced) {
		xs_doms[domid].introduced = false;
		fire_special("@releaseDomain");
	}
}

/*
 * What a toolstack writes for a domain it made, as far as xl and libxl
 * read it for a domain they did not create (docs/xenstore.md, "The
 * tree"):
 *  - dom0: /local/pool/0/name = "Pool-0", the name xen-init-dom0 writes
 *    for each cpupool (tools/helpers/xen-init-dom0.c: main; hvsim has the
 *    one pool, sysctl.c), with default permissions (dom0's, "n0").
 *    xen-init-dom0 gives dom0 no /vm.
 *  - any other domain: <home>/vm = "/vm/<uuid>" and /vm/<uuid>/uuid,
 *    name and start_time, each "n0,r<domid>", as libxl__domain_make and
 *    libxl__domain_build (PVH: start_time alone in vments) write them
 *    (tools/libs/light/libxl_create.c).  libxl_vm_get_start_time reads
 *    start_time for `xl uptime`; its format is libxl's, seconds since the
 *    epoch and hundredths.
 */
static int write_toolstack_nodes(domid_t domid, const char *name, const char *uuid,
				 const char *home)
{
	static const struct xs_permissions dom0_only = { .id = 0, .perms = XS_PERM_NONE };
	const struct xs_permissions ro[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = domid, .perms = XS_PERM_READ },
	};
	char vm[64], path[96], start[48];
	struct timespec now;
	int err;

	if (domid == 0) {
		err = hv_write("/local/pool/0/name", "Pool-0", &dom0_only, 1);
		if (err)
			hv_rm("/local/pool");
		return err;
	}
	if (strlen(uuid) != 36 || strchr(uuid, '/'))
		return EINVAL;
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(start, sizeof(start), "%lld.%02ld", (long long)now.tv_sec,
		 now.tv_nsec / 10000000);

	err = hv_write(vm, "", ro, 2);
	snprintf(path, sizeof(path), "%s/uuid", vm);
	if (!err)
		err = hv_write(path, uuid, ro, 2);
	snprintf(path, sizeof(path), "%s/name", vm);
	if (!err)
		err = hv_write(path, name, ro, 2);
	snprintf(path, sizeof(path), "%s/start_time", vm);
	if (!err)
		err = hv_write(path, start, ro, 2);
	snprintf(path, sizeof(path), "%s/vm", home);
	if (!err)
		err = hv_write(path, vm, ro, 2);
	if (err)
		hv_rm(vm);
	return err;
}

static int domain_created(domid_t domid, const char *name, const char *uuid)
{
	char home[32], path[64], id[16];
	struct xs_permissions own = { .id = domid, .perms = XS_PERM_NONE };
	/* dom0 writes these; the domain may read them */
	struct xs_permissions ro[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = domid, .perms = XS_PERM_READ },
	};
	int err;

	if (!xs_domid_valid(domid) || xs_doms[domid].exists)
		return -EEXIST;
	xs_doms[domid] = (struct xs_dom){ .exists = true, .introduced = true, .target = -1 };

	xs_home(domid, home, sizeof(home));
	snprintf(id, sizeof(id), "%u", (unsigned int)domid);
	err = hv_write(home, "", &own, 1);
	snprintf(path, sizeof(path), "%s/domid", home);
	if (!err)
		err = hv_write(path, id, ro, domid ? 2 : 1);
	snprintf(path, sizeof(path), "%s/name", home);
	if (!err)
		err = hv_write(path, name, ro, domid ? 2 : 1);
	/* the toolstack's nodes are there before the domain is introduced */
	if (!err && uuid)
		err = write_toolstack_nodes(domid, name, uuid, home);
	if (err) {
		hv_rm(home);
		xs_doms[domid] = (struct xs_dom){ .target = -1 };
		return -err;
	}
	/* xenstored does not announce the domain it starts with */
	if (domid != 0)
		fire_special("@introduceDomain");
	return 0;
}

int xenstore_domain_created(domid_t domid, const char *name)
{
	return domain_created(domid, name, NULL);
}

int xenstore_toolstack_domain_created(domid_t domid, const char *name, const char *uuid)
{
	return domain_created(domid, name, uuid);
}

/*
 * libxl__destroy_domid's cleanup: the /vm/<uuid> that <home>/vm names goes
 * with the home (tools/libs/light/libxl_domain.c:
 * devices_destroy_cb).  Only a path below /vm/ is removed, whatever dom0
 * may have written there since.
 */
static void remove_vm_of(const char *home)
{
	char path[64], vm[XS_PATH_BUF];
	const struct xs_node *n;

	snprintf(path, sizeof(path), "%s/vm", home);
	n = (const struct xs_node *)xs_table_get(&xs_nodes, path);
	if (!n || n->datalen <= 4 || n->datalen >= sizeof(vm))
		return;
	memcpy(vm, n->data, n->datalen);
	vm[n->datalen] = '\0';
	if (!strncmp(vm, "/vm/", 4) && !memchr(vm, '\0', n->datalen) && valid_shape(vm))
		hv_rm(vm);
}

void xenstore_domain_destroyed(domid_t domid)
{
	char home[32];

	if (!xs_domid_valid(domid) || !xs_doms[domid].exists)
		return;
	drop_connections(domid);
	/* what the toolstack removes... */
	xs_home(domid, home, sizeof(home));
	remove_vm_of(home);
	hv_rm(home);
	/* ...and what xenstored removes */
	release_domain(domid);
	xs_doms[domid].exists = false;
}

/* Consistency (CONTROL check) ----------------------------------------------------- */

static bool check_store(char *why, size_t n)
{
	struct xs_ctx global = { NULL, NULL };
	unsigned int *real;
	bool ok = true;

	if (!xs_table_get(&xs_nodes, "/")) {
		snprintf(why, n, "xenstore check: no root");
		return false;
	}
	real = calloc(DOMID_FIRST_RESERVED, sizeof(*real));
	if (!real) {
		snprintf(why, n, "xenstore check: out of memory");
		return false;
	}
	for (size_t i = 0; ok && i < xs_nodes.nr_buckets; i++)
		for (struct xs_hnode *h = xs_nodes.buckets[i]; ok && h; h = h->next) {
			struct xs_node *node = (struct xs_node *)h, *parent;
			const char *path = xs_node_path(node);
			char pp[XS_PATH_BUF], cp[XS_PATH_BUF];
			bool listed = false;

			if (!node->nr_perms || !valid_shape(path) ||
			    (node->childlen && node->children[node->childlen - 1])) {
				snprintf(why, n, "xenstore check: bad node %s", path);
				ok = false;
				break;
			}
			if (xs_domid_valid(node->perms[0].id))
				real[node->perms[0].id]++;
			for (unsigned int off = 0; off < node->childlen;) {
				const char *c = node->children + off;

				snprintf(cp, sizeof(cp), "%s/%s", strcmp(path, "/") ? path : "", c);
				if (!xs_table_get(&xs_nodes, cp)) {
					snprintf(why, n, "xenstore check: %s lists missing %s", path, c);
					ok = false;
				}
				off += (unsigned int)strlen(c) + 1;
			}
			if (!ok || !strcmp(path, "/"))
				continue;
			parent_of(path, pp);
			parent = (struct xs_node *)xs_table_get(&xs_nodes, pp);
			for (unsigned int off = 0; parent && off < parent->childlen;) {
				const char *c = parent->children + off;

				listed |= !strcmp(c, basename_of(path));
				off += (unsigned int)strlen(c) + 1;
			}
			if (!listed) {
				snprintf(why, n, "xenstore check: %s is not its parent's child", path);
				ok = false;
			}
		}
	/* the nodes quota counts what it should */
	for (unsigned int d = 0; ok && d < DOMID_FIRST_RESERVED; d++)
		if (real[d] != xs_owned(&global, (domid_t)d)) {
			snprintf(why, n, "xenstore check: domain %u owns %u nodes, counted %u",
				 d, real[d], xs_owned(&global, (domid_t)d));
			ok = false;
		}
	free(real);
	return ok;
}

/* Life of the store ------------------------------------------------------------------ */

int xenstore_init(void)
{
	static const struct xs_permissions dom0_only = { .id = 0, .perms = XS_PERM_NONE };
	static const char *const paths[] = { "/tool/xenstored", "/local/domain" };
	struct xs_ctx x = { NULL, NULL };
	struct xs_node *root;
	int err;

	xenstore_quota = default_quota;
	memset(xs_doms, 0, sizeof(xs_doms));
	for (unsigned int d = 0; d < DOMID_FIRST_RESERVED; d++)
		xs_doms[d].target = -1;
	for (int s = 0; s < 2; s++) {
		xs_special_perms[s] = malloc(sizeof(dom0_only));
		if (!xs_special_perms[s])
			return -ENOMEM;
		xs_special_perms[s][0] = dom0_only;
		xs_nr_special_perms[s] = 1;
	}
	root = xs_node_new("/", &dom0_only, 1, NULL, 0);
	if (!root || xs_view_reserve(&x, 1)) {
		xs_node_free(root);
		return -ENOMEM;
	}
	xs_view_insert(&x, root);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if ((err = create_node(&x, paths[i], NULL, 0)))
			return -err;
	return 0;
}

void xenstore_fini(void)
{
	while (xs_conns)
		xs_conn_free(xs_conns);
	xs_tree_reset();
	for (int s = 0; s < 2; s++) {
		free(xs_special_perms[s]);
		xs_special_perms[s] = NULL;
		xs_nr_special_perms[s] = 0;
	}
	memset(xs_doms, 0, sizeof(xs_doms));
}
