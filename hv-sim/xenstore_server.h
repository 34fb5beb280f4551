/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xenstore transport: one AF_UNIX stream socket per domain at
 * $HVSIM_DIR/dom<DOMID>/xenstore (hvsim_xenstore_socket() in
 * include/hvsim/paths.h), speaking xenstored's xsd_sockmsg wire
 * protocol, so that Debian's libxenstore connects to it unmodified
 * (XENSTORED_PATH).  Every connection on a domain's socket is that domain.
 * It frames messages and queues output; the store is xenstore.c's.
 */
#ifndef HVSIM_XENSTORE_SERVER_H
#define HVSIM_XENSTORE_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "xenstore.h"

/* A connection's queued output: above the backlog its requests wait;
 * above the limit it is dropped, as a client that does not read. */
#define XS_OUT_BACKLOG   (64 * 1024)
#define XS_OUT_LIMIT     (1024 * 1024)
/* Connections one domain may hold at once. */
#define XS_CONNS_PER_DOMAIN 128

struct domain;
struct json_object;

/* Starts an empty store whose sockets go below `dir`. */
int xenstore_server_init(const char *dir);
/* Closes every connection and socket and frees the store. */
void xenstore_server_shutdown(void);

/* The domain hooks: a domain's socket and home come and go with it. */
int xenstore_server_domain_created(struct domain *d);
void xenstore_server_domain_destroyed(struct domain *d);

/*
 * One request as dom0 (the control socket's xenstore commands): the reply
 * header in *hdr and its payload in *reply (malloc'd, with a nul after
 * hdr->len bytes).  Returns 0 or -ENOMEM.
 */
int xenstore_server_dom0_request(uint32_t type, const void *payload, size_t len,
				 struct xsd_sockmsg *hdr, char **reply);

/*
 * The control socket's xenstore_* commands (xenstore_cmd.c): the reply
 * to `req`, acting as dom0.
 */
struct json_object *xenstore_control_command(const char *cmd, struct json_object *req);

#endif
