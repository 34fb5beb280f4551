/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the xenstore library: nodes and the table that holds them
 * (xenstore_tree.c), the view an operation works on (the store itself or
 * a transaction's copy of it), watches (xenstore_watch.c), and the
 * requests (xenstore.c).  Nothing outside xenstore*.c includes this.
 */
#ifndef HVSIM_XENSTORE_INT_H
#define HVSIM_XENSTORE_INT_H

#include <stddef.h>
#include <xenstore_lib.h>     /* struct xs_permissions, XS_PERM_* */

#include "xenstore.h"

#define XS_NO_GENERATION UINT64_MAX
/* The largest canonical path: a relative path below /local/domain/N/. */
#define XS_PATH_BUF (32 + XENSTORE_PAYLOAD_MAX)

/* A table keyed by path, chained, intrusive: inserting never allocates
 * once xs_table_reserve() made room. */
struct xs_hnode {
	struct xs_hnode *next;
	char *key;
	uint32_t hash;
};

struct xs_table {
	struct xs_hnode **buckets;
	size_t nr_buckets, count;
};

int xs_table_reserve(struct xs_table *t, size_t extra);
struct xs_hnode *xs_table_get(const struct xs_table *t, const char *key);
void xs_table_insert(struct xs_table *t, struct xs_hnode *h);
void xs_table_remove(struct xs_table *t, struct xs_hnode *h);
void xs_table_fini(struct xs_table *t);

struct xs_node {
	struct xs_hnode h;              /* h.key: the full path */
	uint64_t generation;            /* bumped by every change */
	struct xs_permissions *perms;   /* [0]: the owner and everyone's default */
	unsigned int nr_perms;
	char *data;
	unsigned int datalen;
	char *children;                 /* leaf names, each nul-terminated, oldest first */
	unsigned int childlen;
};

static inline const char *xs_node_path(const struct xs_node *n)
{
	return n->h.key;
}

/* The record size xenstored's node-size quota counts. */
static inline size_t xs_node_record_size(unsigned int nr_perms, unsigned int datalen,
					 unsigned int childlen)
{
	return 24 + 8 * (size_t)nr_perms + datalen + childlen;
}

struct xs_node *xs_node_new(const char *path, const struct xs_permissions *perms,
			    unsigned int nr_perms, const void *data, unsigned int datalen);
struct xs_node *xs_node_copy(const struct xs_node *n);
void xs_node_free(struct xs_node *n);

struct xs_watch {
	struct xs_watch *next;
	char *path;                     /* canonical, or @special */
	char *token;
	bool relative;                  /* events drop the domain's home prefix */
};

struct xs_tx;

struct xs_conn {
	struct xs_conn *next;           /* every connection, oldest first */
	domid_t domid;
	const struct xs_conn_ops *ops;
	void *opaque;
	bool dropped;                   /* the transport is closing it */
	struct xs_watch *watches;
	unsigned int nr_watches;
	struct xs_tx *txs;
	unsigned int nr_txs;
	uint32_t next_tx_id;
};

/* Who acts and where: a connection (NULL: the hypervisor itself, e.g.
 * making a domain's home), in a transaction or on the store itself. */
struct xs_ctx {
	struct xs_conn *conn;
	struct xs_tx *tx;
};

/* The store's state, shared by xenstore*.c. */
struct xs_dom {
	bool exists;                    /* created and not destroyed */
	bool introduced;
	int target;                     /* SET_TARGET: acts for this domid, or -1 */
};

extern struct xs_table xs_nodes;
extern struct xs_dom xs_doms[DOMID_FIRST_RESERVED];
extern struct xs_conn *xs_conns;
extern uint64_t xs_generation;
/* @introduceDomain and @releaseDomain have permissions but no node. */
extern struct xs_permissions *xs_special_perms[2];
extern unsigned int xs_nr_special_perms[2];
/* The index of special path `name` in those arrays, or -1 for none. */
int xs_special_index(const char *name);

static inline bool xs_domid_valid(unsigned int domid)
{
	return domid < DOMID_FIRST_RESERVED;
}

/*
 * What the connections of domain `domid` hold together.  A domU reaches
 * xenstored through its one xenbus ring, a single connection however many
 * of its programs use it, so its quotas of watches and transactions are
 * the domain's (hvsim's socket per program stands for that ring).
 */
void xs_dom_use(unsigned int domid, unsigned int *watches, unsigned int *txs);

/* Privileged: dom0 and the hypervisor itself. */
static inline bool xs_privileged(const struct xs_conn *c)
{
	return !c || c->domid == 0;
}

/* XS_PERM_READ|WRITE|OWNER that `c` has under `perms`. */
unsigned int xs_perm_for(const struct xs_conn *c, const struct xs_permissions *perms,
			 unsigned int nr);

/* Nodes a domain owns, for the nodes quota. */
unsigned int xs_owned(const struct xs_ctx *x, domid_t domid);

/*
 * The view: the store, or the transaction's snapshot of it.
 *
 * xs_view_get() returns the node at `path` as this view sees it, or NULL
 * with *err = ENOENT (or ENOSPC/ENOMEM inside a transaction).  The node
 * may be changed in place between xs_view_will_change() and
 * xs_view_changed().
 */
struct xs_node *xs_view_get(struct xs_ctx *x, const char *path, int *err);
/* Room for `n` new nodes, so that xs_view_insert() cannot fail. */
int xs_view_reserve(struct xs_ctx *x, size_t n);
/* Adds a new node whose path was looked up (and found absent) before. */
void xs_view_insert(struct xs_ctx *x, struct xs_node *n);
/* Removes and frees a node. */
void xs_view_remove(struct xs_ctx *x, struct xs_node *n);
/* Say so before changing a node in place (its data, children or permissions)... */
void xs_view_will_change(struct xs_ctx *x, struct xs_node *n);
/* ...and after (old_owner: its owner before). */
void xs_view_changed(struct xs_ctx *x, struct xs_node *n, unsigned int old_owner);
/*
 * A change at `path` that watches see: fired at once, or when the
 * transaction commits.  `perms` are the node's permissions before the
 * change (NULL: take the node's current ones).
 */
void xs_view_fire(struct xs_ctx *x, const char *path, const struct xs_permissions *perms,
		  unsigned int nr_perms, bool exact);

/* Transactions (xenstore_tree.c). */
int xs_tx_start(struct xs_conn *c, uint32_t *id);
struct xs_tx *xs_tx_find(struct xs_conn *c, uint32_t id);
/* Ends `tx`, committing it if `commit`: 0, EAGAIN (conflict), ENOSPC, ENOMEM. */
int xs_tx_end(struct xs_conn *c, struct xs_tx *tx, bool commit);
void xs_tx_free_all(struct xs_conn *c);
/* Frees every node (xenstore_fini). */
void xs_tree_reset(void);

/* Watches (xenstore_watch.c). */
int xs_watch_add(struct xs_conn *c, const char *path, const char *token, bool relative,
		 struct xs_watch **out);
/* Sends `c` the event of watch `w` for a change at (canonical) `path`. */
void xs_watch_event(struct xs_conn *c, const struct xs_watch *w, const char *path);
int xs_watch_remove(struct xs_conn *c, const char *path, const char *token);
void xs_watch_free_all(struct xs_conn *c);
/*
 * Sends a watch event to every connection with a matching watch that may
 * see the change: `path` matches a watch on itself or an ancestor, or with
 * `exact` only a watch on itself.  `node_perms` are the permissions before
 * the change (may be NULL).
 */
void xs_fire_watches(const char *path, const struct xs_permissions *node_perms,
		     unsigned int nr_perms, bool exact);
/* The home of a domain: "/local/domain/<domid>". */
int xs_home(domid_t domid, char *buf, size_t n);

#endif
