// SPDX-License-Identifier: GPL-2.0-only
/*
 * The store's nodes, and the view every operation works through: the
 * store itself, or a transaction.
 *
 * Nodes live in one table keyed by their full path, as xenstored keeps
 * them in its TDB: a node holds its value, its permissions and the names
 * of its children.
 *
 * A transaction sees the store as it was when it started (xenstore.txt:
 * "when transaction is started whole db is copied"), without copying it:
 * the first time a transaction touches a node it takes a private copy and
 * remembers the node's generation, and later operations in the
 * transaction work on the copies; and before the store changes a node
 * that an open transaction has not touched, that transaction is given the
 * node as it was (or "absent"), copy-on-write.  At commit, a transaction
 * that touched a node the store has changed since is answered EAGAIN and
 * nothing of it is applied (oxenstored and cxenstored both answer
 * conflicts this way); otherwise its changed copies replace the store's
 * nodes, and the watches it queued fire.  A path that does not exist is
 * guarded by its nearest existing ancestor, which every failed lookup
 * reads: its child list changes when the path is created or removed.
 */
#include <stdlib.h>
#include <string.h>

#include "xenstore_int.h"

struct xs_table xs_nodes;
uint64_t xs_generation;
/* nodes each domain owns, in the store */
static unsigned int owned[DOMID_FIRST_RESERVED];

struct xs_tx_entry {
	struct xs_hnode h;              /* h.key: the path */
	struct xs_tx_entry *next;       /* in order of first access */
	struct xs_node *node;           /* the transaction's copy; NULL: absent */
	uint64_t seen;                  /* the store's generation at first access */
	struct xs_permissions *old_perms;   /* the store's, at first access */
	unsigned int nr_old_perms;
	bool accessed;                  /* else only kept for the snapshot */
	bool modified;
	bool fire, fire_exact;
};

struct xs_tx {
	struct xs_tx *next;
	uint32_t id;
	uint64_t start;
	struct xs_table entries;
	struct xs_tx_entry *first, **tail;
	unsigned int nr_accessed;       /* for the transaction-nodes quota */
	bool stale;                     /* touched a node changed after start */
	bool failed;                    /* ran out of memory: the commit fails */
};

/* open transactions, of every connection: most changes need not look */
static unsigned int nr_open_txs;

/* Table ------------------------------------------------------------------ */

static uint32_t hash_path(const char *s)
{
	uint32_t h = 2166136261u;       /* FNV-1a */

	while (*s) {
		h ^= (uint8_t)*s++;
		h *= 16777619u;
	}
	return h;
}

int xs_table_reserve(struct xs_table *t, size_t extra)
{
	size_t want = t->count + extra, nb;
	struct xs_hnode **b;

	if (want <= t->nr_buckets)
		return 0;
	nb = t->nr_buckets ? t->nr_buckets : 64;
	while (nb < want)
		nb *= 2;
	b = calloc(nb, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < t->nr_buckets; i++) {
		struct xs_hnode *h = t->buckets[i], *next;

		for (; h; h = next) {
			next = h->next;
			h->next = b[h->hash & (nb - 1)];
			b[h->hash & (nb - 1)] = h;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nr_buckets = nb;
	return 0;
}

struct xs_hnode *xs_table_get(const struct xs_table *t, const char *key)
{
	uint32_t hash;

	if (!t->nr_buckets)
		return NULL;
	hash = hash_path(key);
	for (struct xs_hnode *h = t->buckets[hash & (t->nr_buckets - 1)]; h; h = h->next)
		if (h->hash == hash && !strcmp(h->key, key))
			return h;
	return NULL;
}

void xs_table_insert(struct xs_table *t, struct xs_hnode *h)
{
	struct xs_hnode **b;

	h->hash = hash_path(h->key);
	b = &t->buckets[h->hash & (t->nr_buckets - 1)];
	h->next = *b;
	*b = h;
	t->count++;
}

void xs_table_remove(struct xs_table *t, struct xs_hnode *h)
{
	struct xs_hnode **p = &t->buckets[h->hash & (t->nr_buckets - 1)];

	for (; *p; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			t->count--;
			return;
		}
}

void xs_table_fini(struct xs_table *t)
{
	free(t->buckets);
	t->buckets = NULL;
	t->nr_buckets = t->count = 0;
}

/* Nodes ------------------------------------------------------------------ */

static void *memdup(const void *p, size_t n)
{
	void *q;

	if (!n)
		return NULL;
	q = malloc(n);
	if (q)
		memcpy(q, p, n);
	return q;
}

struct xs_node *xs_node_new(const char *path, const struct xs_permissions *perms,
			    unsigned int nr_perms, const void *data, unsigned int datalen)
{
	struct xs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->h.key = strdup(path);
	n->perms = memdup(perms, nr_perms * sizeof(*perms));
	n->nr_perms = nr_perms;
	n->data = memdup(data, datalen);
	n->datalen = datalen;
	if (!n->h.key || !n->perms || (datalen && !n->data)) {
		xs_node_free(n);
		return NULL;
	}
	return n;
}

struct xs_node *xs_node_copy(const struct xs_node *o)
{
	struct xs_node *n = xs_node_new(xs_node_path(o), o->perms, o->nr_perms,
					o->data, o->datalen);

	if (!n)
		return NULL;
	n->generation = o->generation;
	n->children = memdup(o->children, o->childlen);
	n->childlen = o->childlen;
	if (o->childlen && !n->children) {
		xs_node_free(n);
		return NULL;
	}
	return n;
}

void xs_node_free(struct xs_node *n)
{
	if (!n)
		return;
	free(n->h.key);
	free(n->perms);
	free(n->data);
	free(n->children);
	free(n);
}

/* Permissions -------------------------------------------------------------- */

unsigned int xs_perm_for(const struct xs_conn *c, const struct xs_permissions *p,
			 unsigned int nr)
{
	const unsigned int all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
	const unsigned int mask = XS_PERM_READ | XS_PERM_WRITE;
	int target = -1;

	if (xs_privileged(c))
		return all;
	if (xs_domid_valid(c->domid))
		target = xs_doms[c->domid].target;
	/* the owner, and a domain acting for the owner, may do anything */
	if (p[0].id == c->domid || (target >= 0 && p[0].id == (unsigned int)target))
		return all;
	/* the first entry naming the domain (or its target) decides... */
	for (unsigned int i = 1; i < nr; i++)
		if (!(p[i].perms & XS_PERM_IGNORE) &&
		    (p[i].id == c->domid || (target >= 0 && p[i].id == (unsigned int)target)))
			return p[i].perms & mask;
	/* ...else the owner's entry is everyone else's */
	return p[0].perms & mask;
}

/* The view --------------------------------------------------------------- */

static unsigned int owner(const struct xs_node *n)
{
	return n->perms[0].id;
}

static void count_owner(unsigned int domid, int delta)
{
	if (xs_domid_valid(domid))
		owned[domid] += (unsigned int)delta;
}

static struct xs_tx_entry *tx_entry(struct xs_tx *tx, const char *path)
{
	return (struct xs_tx_entry *)xs_table_get(&tx->entries, path);
}

static void tx_entry_free(struct xs_tx_entry *e)
{
	free(e->h.key);
	xs_node_free(e->node);
	free(e->old_perms);
	free(e);
}

/* A new entry of `tx` for `path`, holding the store's node `cur` as it is. */
static struct xs_tx_entry *tx_entry_new(struct xs_tx *tx, const char *path,
					const struct xs_node *cur)
{
	struct xs_tx_entry *e = calloc(1, sizeof(*e));

	if (!e || !(e->h.key = strdup(path)) || xs_table_reserve(&tx->entries, 1))
		goto nomem;
	e->seen = XS_NO_GENERATION;
	if (cur) {
		e->seen = cur->generation;
		e->node = xs_node_copy(cur);
		e->old_perms = memdup(cur->perms, cur->nr_perms * sizeof(*cur->perms));
		e->nr_old_perms = cur->nr_perms;
		if (!e->node || !e->old_perms)
			goto nomem;
	}
	xs_table_insert(&tx->entries, &e->h);
	*tx->tail = e;
	tx->tail = &e->next;
	return e;
nomem:
	if (e)
		tx_entry_free(e);
	return NULL;
}

/*
 * The store is about to change the node at `path` (`cur`, or NULL when it
 * is about to be created): every open transaction that has not touched it
 * keeps it as it is, so that it goes on seeing its snapshot.
 */
static void preserve(const char *path, const struct xs_node *cur)
{
	if (!nr_open_txs)
		return;
	for (struct xs_conn *c = xs_conns; c; c = c->next)
		for (struct xs_tx *tx = c->txs; tx; tx = tx->next)
			if (!tx_entry(tx, path) && !tx_entry_new(tx, path, cur))
				tx->failed = true;
}

/* The first access of `x`'s transaction to `path`. */
static struct xs_tx_entry *tx_access(struct xs_ctx *x, const char *path, int *err)
{
	struct xs_tx *tx = x->tx;
	struct xs_tx_entry *e = tx_entry(tx, path);
	struct xs_node *cur;

	if (!xs_privileged(x->conn) && tx->nr_accessed >= xenstore_quota.transaction_nodes) {
		*err = ENOSPC;
		return NULL;
	}
	if (!e) {
		cur = (struct xs_node *)xs_table_get(&xs_nodes, path);
		e = tx_entry_new(tx, path, cur);
		if (!e) {
			*err = ENOMEM;
			return NULL;
		}
		/* changed since the start and not preserved: cannot happen */
		if (cur && cur->generation > tx->start)
			tx->stale = true;
	}
	e->accessed = true;
	tx->nr_accessed++;
	return e;
}

struct xs_node *xs_view_get(struct xs_ctx *x, const char *path, int *err)
{
	struct xs_tx_entry *e;
	struct xs_node *n;

	if (!x->tx) {
		n = (struct xs_node *)xs_table_get(&xs_nodes, path);
		if (!n)
			*err = ENOENT;
		return n;
	}
	e = tx_entry(x->tx, path);
	if ((!e || !e->accessed) && !(e = tx_access(x, path, err)))
		return NULL;
	if (!e->node)
		*err = ENOENT;
	return e->node;
}

int xs_view_reserve(struct xs_ctx *x, size_t n)
{
	/* a transaction made its entries when it looked the paths up */
	return x->tx ? 0 : xs_table_reserve(&xs_nodes, n);
}

void xs_view_insert(struct xs_ctx *x, struct xs_node *n)
{
	struct xs_tx_entry *e;

	n->generation = ++xs_generation;
	if (!x->tx) {
		preserve(xs_node_path(n), NULL);
		xs_table_insert(&xs_nodes, &n->h);
		count_owner(owner(n), 1);
		return;
	}
	e = tx_entry(x->tx, xs_node_path(n));
	if (!e || e->node) {
		/* the caller did not look the path up first: cannot happen */
		x->tx->failed = true;
		xs_node_free(n);
		return;
	}
	e->node = n;
	e->modified = true;
}

void xs_view_remove(struct xs_ctx *x, struct xs_node *n)
{
	struct xs_tx_entry *e;

	xs_generation++;
	if (!x->tx) {
		preserve(xs_node_path(n), n);
		xs_table_remove(&xs_nodes, &n->h);
		count_owner(owner(n), -1);
		xs_node_free(n);
		return;
	}
	e = tx_entry(x->tx, xs_node_path(n));
	if (!e || e->node != n) {
		x->tx->failed = true;
		return;
	}
	xs_node_free(n);
	e->node = NULL;
	e->modified = true;
}

void xs_view_will_change(struct xs_ctx *x, struct xs_node *n)
{
	if (!x->tx)
		preserve(xs_node_path(n), n);
}

void xs_view_changed(struct xs_ctx *x, struct xs_node *n, unsigned int old_owner)
{
	struct xs_tx_entry *e;

	n->generation = ++xs_generation;
	if (!x->tx) {
		if (old_owner != owner(n)) {
			count_owner(old_owner, -1);
			count_owner(owner(n), 1);
		}
		return;
	}
	e = tx_entry(x->tx, xs_node_path(n));
	if (e)
		e->modified = true;
	else
		x->tx->failed = true;
}

void xs_view_fire(struct xs_ctx *x, const char *path, const struct xs_permissions *perms,
		  unsigned int nr_perms, bool exact)
{
	struct xs_tx_entry *e;

	if (!x->tx) {
		xs_fire_watches(path, perms, nr_perms, exact);
		return;
	}
	/* a transaction's events wait for its commit (and die with an abort) */
	e = tx_entry(x->tx, path);
	if (!e) {
		x->tx->failed = true;
		return;
	}
	if (!e->fire) {
		e->fire = true;
		e->fire_exact = exact;
	} else if (!exact) {
		e->fire_exact = false;
	}
}

/* What a transaction changes in the number of nodes `domid` owns. */
static int tx_owned_delta(const struct xs_tx *tx, domid_t domid)
{
	int delta = 0;

	for (const struct xs_tx_entry *e = tx->first; e; e = e->next) {
		if (!e->modified)
			continue;
		if (e->node && owner(e->node) == domid)
			delta++;
		if (e->old_perms && e->old_perms[0].id == domid)
			delta--;
	}
	return delta;
}

unsigned int xs_owned(const struct xs_ctx *x, domid_t domid)
{
	int n;

	if (!xs_domid_valid(domid))
		return 0;
	n = (int)owned[domid] + (x->tx ? tx_owned_delta(x->tx, domid) : 0);
	return n > 0 ? (unsigned int)n : 0;
}

/* Transactions ------------------------------------------------------------- */

struct xs_tx *xs_tx_find(struct xs_conn *c, uint32_t id)
{
	for (struct xs_tx *tx = c->txs; tx; tx = tx->next)
		if (tx->id == id)
			return tx;
	return NULL;
}

int xs_tx_start(struct xs_conn *c, uint32_t *id)
{
	struct xs_tx *tx;
	unsigned int watches, txs;

	/* a domU's quota is its ring's: all its connections' (xs_dom_use) */
	xs_dom_use(c->domid, &watches, &txs);
	if (!xs_privileged(c) && txs >= xenstore_quota.transactions)
		return ENOSPC;
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return ENOMEM;
	/* ids are the connection's own; 0 means "no transaction" */
	do {
		tx->id = c->next_tx_id++;
	} while (tx->id == 0 || xs_tx_find(c, tx->id));
	tx->start = ++xs_generation;
	tx->tail = &tx->first;
	tx->next = c->txs;
	c->txs = tx;
	c->nr_txs++;
	nr_open_txs++;
	*id = tx->id;
	return 0;
}

static void tx_free(struct xs_tx *tx)
{
	struct xs_tx_entry *e, *next;

	for (e = tx->first; e; e = next) {
		next = e->next;
		tx_entry_free(e);
	}
	xs_table_fini(&tx->entries);
	free(tx);
}

static void tx_unlink(struct xs_conn *c, struct xs_tx *tx)
{
	for (struct xs_tx **p = &c->txs; *p; p = &(*p)->next)
		if (*p == tx) {
			*p = tx->next;
			c->nr_txs--;
			nr_open_txs--;
			return;
		}
}

static int tx_check(struct xs_conn *c, struct xs_tx *tx, size_t *new_nodes)
{
	*new_nodes = 0;
	if (tx->failed)
		return ENOMEM;
	if (tx->stale)
		return EAGAIN;
	for (struct xs_tx_entry *e = tx->first; e; e = e->next) {
		struct xs_node *cur = (struct xs_node *)xs_table_get(&xs_nodes, e->h.key);

		if (e->accessed && (cur ? cur->generation : XS_NO_GENERATION) != e->seen)
			return EAGAIN;
		if (e->modified && e->node && !cur)
			(*new_nodes)++;
	}
	if (!xs_privileged(c)) {
		int delta = tx_owned_delta(tx, c->domid);

		if (delta > 0 && owned[c->domid] + (unsigned int)delta > xenstore_quota.nodes)
			return ENOSPC;
	}
	return 0;
}

int xs_tx_end(struct xs_conn *c, struct xs_tx *tx, bool commit)
{
	size_t new_nodes;
	int err = 0;

	tx_unlink(c, tx);
	if (!commit)
		goto out;
	err = tx_check(c, tx, &new_nodes);
	if (!err && xs_table_reserve(&xs_nodes, new_nodes))
		err = ENOMEM;
	if (err)
		goto out;

	/* nothing below can fail: the commit is all or nothing */
	for (struct xs_tx_entry *e = tx->first; e; e = e->next) {
		struct xs_node *cur = (struct xs_node *)xs_table_get(&xs_nodes, e->h.key);

		if (!e->modified)
			continue;
		preserve(e->h.key, cur);
		if (cur) {
			xs_table_remove(&xs_nodes, &cur->h);
			count_owner(owner(cur), -1);
			xs_node_free(cur);
		}
		if (e->node) {
			e->node->generation = ++xs_generation;
			xs_table_insert(&xs_nodes, &e->node->h);
			count_owner(owner(e->node), 1);
			e->node = NULL;
		}
	}
	for (struct xs_tx_entry *e = tx->first; e; e = e->next)
		if (e->fire)
			xs_fire_watches(e->h.key, e->old_perms, e->nr_old_perms, e->fire_exact);
out:
	tx_free(tx);
	return err;
}

void xs_tx_free_all(struct xs_conn *c)
{
	while (c->txs) {
		struct xs_tx *tx = c->txs;

		c->txs = tx->next;
		tx_free(tx);
		nr_open_txs--;
	}
	c->nr_txs = 0;
}

void xs_tree_reset(void)
{
	for (size_t i = 0; i < xs_nodes.nr_buckets; i++) {
		struct xs_hnode *h = xs_nodes.buckets[i], *next;

		for (; h; h = next) {
			next = h->next;
			xs_node_free((struct xs_node *)h);
		}
	}
	xs_table_fini(&xs_nodes);
	memset(owned, 0, sizeof(owned));
	xs_generation = 0;
	nr_open_txs = 0;
}
