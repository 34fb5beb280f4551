/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore: the tree, its permissions, watches, transactions and quotas,
 * with the semantics of Xen 4.17's C xenstored (docs/xenstore.md).
 *
 * No sockets here.  A connection is an object with a send callback; a
 * request is an xsd_sockmsg header and its payload handed to
 * xenstore_request(), which answers it (exactly one reply, through the
 * callback) and sends the watch events it causes to every connection
 * concerned.  The transport (xenstore_server.c) only frames messages.
 *
 * Each connection belongs to one domain and acts as that domain: dom0 is
 * privileged, a domU sees what the permissions allow.
 */
#ifndef HVSIM_XENSTORE_H
#define HVSIM_XENSTORE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "hvsim/xen.h"

/*
 * Quotas, with xenstored's defaults.  They bind unprivileged domains only
 * (dom0 is never limited), and are changed with CONTROL "quota set".
 */
struct xenstore_quota {
	unsigned int nodes;             /* nodes a domain owns: 1000 (ENOSPC) */
	unsigned int node_size;         /* a node's record: under 2048 bytes (ENOSPC) */
	unsigned int watches;           /* per connection: 128 (E2BIG) */
	unsigned int transactions;      /* open at once, per connection: 10 (ENOSPC) */
	unsigned int transaction_nodes; /* nodes one transaction touches: 1024 (ENOSPC) */
	unsigned int permissions;       /* entries of a SET_PERMS: 5 (ENOSPC) */
	unsigned int path_max;          /* a path, below /local/domain/N/: 2048 (EINVAL) */
};
extern struct xenstore_quota xenstore_quota;

struct xs_conn;

struct xs_conn_ops {
	/* Queues one message (a reply or a watch event) for the client. */
	void (*send)(struct xs_conn *c, const struct xsd_sockmsg *hdr, const void *payload);
	/*
	 * The store stops serving `c` because its domain went away or was
	 * released: the transport closes it and calls xs_conn_free() (it may
	 * do so from inside this call).
	 */
	void (*drop)(struct xs_conn *c);
};

/*
 * A fresh store: "/", "/tool/xenstored", "/local/domain", every node owned
 * by dom0 and closed to others.  Returns 0 or -ENOMEM.
 */
int xenstore_init(void);
/* Frees every node, connection record and domain record. */
void xenstore_fini(void);

/*
 * A domain came to life: the store knows it exists and is introduced, and
 * makes its home, /local/domain/<domid>, owned by the domain (so it may
 * write anything below it), with "domid" and "name" that dom0 owns and the
 * domain may read.  Every domain but dom0 fires @introduceDomain.
 * Returns 0, -EEXIST if the domid is known already, or -ENOMEM.
 */
int xenstore_domain_created(domid_t domid, const char *name);
/*
 * The same, with what a toolstack writes for a domain it made, so that xl
 * and libxl find what they read (docs/xenstore.md): for dom0 the one
 * cpupool's name, /local/pool/0/name (xen-init-dom0); for any other
 * domain <home>/vm naming /vm/<uuid>, with the domain's uuid, name and
 * start_time there (libxl).  `uuid` is the domain's handle as libxl
 * spells it (36 characters, domain_uuid_string), unused for dom0.  hvsimd
 * creates its domains with this; the unit tests use either.  -EINVAL for
 * a malformed uuid.
 */
int xenstore_toolstack_domain_created(domid_t domid, const char *name, const char *uuid);
/*
 * A domain died: its connections are dropped, its home (and the /vm/<uuid>
 * its "vm" node names) and every node it owns are removed (watches fire),
 * permission entries naming it stop counting, and @releaseDomain fires if
 * it was introduced.
 */
void xenstore_domain_destroyed(domid_t domid);
/* Whether the store talks to the domain (created and not released). */
bool xenstore_domain_introduced(domid_t domid);

/* A connection of domain `domid`; NULL when out of memory. */
struct xs_conn *xs_conn_new(domid_t domid, const struct xs_conn_ops *ops, void *opaque);
/* Ends a connection: its watches go, its open transactions are discarded. */
void xs_conn_free(struct xs_conn *c);
void *xs_conn_opaque(const struct xs_conn *c);
domid_t xs_conn_domid(const struct xs_conn *c);

/*
 * Handles one request.  `payload` holds hdr->len bytes (the transport
 * enforces XENSTORE_PAYLOAD_MAX and closes a connection that exceeds it,
 * as xenstored does).  Bad input gets an XS_ERROR reply with xenstored's
 * error string; the store is never left half-changed.
 */
void xenstore_request(struct xs_conn *c, const struct xsd_sockmsg *hdr, const void *payload);

/* The xsd_errors name of an errno ("EACCES"); EINVAL's for unknown ones. */
const char *xenstore_error_name(int err);
/* The errno of an xsd_errors name, or 0 if it is none of them. */
int xenstore_error_errno(const char *name);

/* Called for CONTROL "print": where the text goes (hvsimd's log). */
void xenstore_set_log(void (*log)(const char *msg));

#endif
