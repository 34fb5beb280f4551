// SPDX-License-Identifier: GPL-2.0-only
/*
 * Watches: a connection asks to hear of changes at a path and below it;
 * each change is matched against every watch of every connection, as
 * xenstored does, and sent as an XS_WATCH_EVENT to those that may read
 * the node (or its parent: a watcher learns that a node it could see was
 * removed).  @introduceDomain and @releaseDomain are not nodes: their
 * events go to the connections their permissions let read them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore_int.h"

int xs_home(domid_t domid, char *buf, size_t n)
{
	return snprintf(buf, n, "/local/domain/%u", (unsigned int)domid);
}

/* Is `child` `parent` or below it? */
static bool is_child(const char *child, const char *parent)
{
	size_t len = strlen(parent);

	if (!strcmp(parent, "/"))
		return true;
	return !strncmp(child, parent, len) && (child[len] == '/' || child[len] == 0);
}

static bool special_readable(const struct xs_conn *c, const char *name)
{
	int i = xs_special_index(name);

	return i >= 0 && (xs_perm_for(c, xs_special_perms[i], xs_nr_special_perms[i]) &
			  XS_PERM_READ);
}

static bool readable(const struct xs_conn *c, const char *path)
{
	const struct xs_node *n = (const struct xs_node *)xs_table_get(&xs_nodes, path);

	return n && (xs_perm_for(c, n->perms, n->nr_perms) & XS_PERM_READ);
}

/*
 * A watcher hears of a change if it could read the node before (`old`),
 * or can read it now, or, the node being there, can read its parent.
 */
static bool watch_permitted(const struct xs_conn *c, const char *path,
			    const struct xs_permissions *old, unsigned int nr_old)
{
	char parent[XS_PATH_BUF];
	const char *slash;

	if (old && (xs_perm_for(c, old, nr_old) & XS_PERM_READ))
		return true;
	if (!xs_table_get(&xs_nodes, path))
		return false;
	if (readable(c, path))
		return true;
	slash = strrchr(path, '/');
	if (!slash || slash == path)
		return readable(c, "/");
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path), path);
	return readable(c, parent);
}

void xs_watch_event(struct xs_conn *c, const struct xs_watch *w, const char *path)
{
	struct xsd_sockmsg hdr = { .type = XS_WATCH_EVENT };
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t plen, tlen;

	if (w->relative) {
		char home[32];
		size_t hlen = (size_t)xs_home(c->domid, home, sizeof(home));

		path += hlen;
		if (*path == '/')
			path++;
	}
	plen = strlen(path) + 1;
	tlen = strlen(w->token) + 1;
	/* xenstored drops an event that would not fit in a message */
	if (plen + tlen > XENSTORE_PAYLOAD_MAX)
		return;
	memcpy(buf, path, plen);
	memcpy(buf + plen, w->token, tlen);
	hdr.len = (uint32_t)(plen + tlen);
	c->ops->send(c, &hdr, buf);
}

void xs_fire_watches(const char *path, const struct xs_permissions *old,
		     unsigned int nr_old, bool exact)
{
	bool special = path[0] == '@';

	for (struct xs_conn *c = xs_conns; c; c = c->next) {
		if (c->dropped || !c->watches)
			continue;
		if (special ? !special_readable(c, path) : !watch_permitted(c, path, old, nr_old))
			continue;
		for (struct xs_watch *w = c->watches; w; w = w->next)
			if (exact ? !strcmp(path, w->path) : is_child(path, w->path))
				xs_watch_event(c, w, path);
	}
}

int xs_watch_add(struct xs_conn *c, const char *path, const char *token, bool relative,
		 struct xs_watch **out)
{
	struct xs_watch *w, **tail = &c->watches;
	unsigned int watches, txs;

	for (w = c->watches; w; tail = &w->next, w = w->next)
		if (!strcmp(w->path, path) && !strcmp(w->token, token))
			return EEXIST;
	/* a domU's quota is its ring's: all its connections' (xs_dom_use) */
	xs_dom_use(c->domid, &watches, &txs);
	if (!xs_privileged(c) && watches >= xenstore_quota.watches)
		return E2BIG;
	w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path)) || !(w->token = strdup(token))) {
		if (w)
			free(w->path);
		free(w);
		return ENOMEM;
	}
	w->relative = relative;
	*tail = w;
	c->nr_watches++;
	*out = w;
	return 0;
}

static void watch_free(struct xs_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

int xs_watch_remove(struct xs_conn *c, const char *path, const char *token)
{
	for (struct xs_watch **p = &c->watches; *p; p = &(*p)->next) {
		struct xs_watch *w = *p;

		if (!strcmp(w->path, path) && !strcmp(w->token, token)) {
			*p = w->next;
			watch_free(w);
			c->nr_watches--;
			return 0;
		}
	}
	return ENOENT;
}

void xs_watch_free_all(struct xs_conn *c)
{
	while (c->watches) {
		struct xs_watch *w = c->watches;

		c->watches = w->next;
		watch_free(w);
	}
	c->nr_watches = 0;
}
