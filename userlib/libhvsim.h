/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libhvsim: the client side of hvsimd's control socket, for the hvsim CLI,
 * the scenario runner and tests.  Requests and replies are JSON objects
 * (docs/control-protocol.md).  Functions return 0 or a negative errno;
 * when hvsimd refused a request, hvsim_ctl_error() says why.
 */
#ifndef LIBHVSIM_H
#define LIBHVSIM_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

struct hvsim_ctl;

/* The state directory in effect (see include/hvsim/paths.h). */
const char *hvsim_dir(void);

/* Connects to the hvsimd of `dir` (NULL: hvsim_dir()); -ECONNREFUSED or
 * -ENOENT when none runs there. */
int hvsim_ctl_open(const char *dir, struct hvsim_ctl **out);
void hvsim_ctl_close(struct hvsim_ctl *c);

/*
 * Sends `req` (consumed) and waits for the reply.  Returns 0 with *reply
 * set when hvsimd said ok; -errno with the message in hvsim_ctl_error()
 * when it refused (then *reply is NULL); -EPIPE/-EPROTO when the
 * connection failed.
 */
int hvsim_ctl_call(struct hvsim_ctl *c, struct json_object *req,
		   struct json_object **reply);
const char *hvsim_ctl_error(const struct hvsim_ctl *c);

/* Shorthands for the commands the CLI and tests use most. */
int hvsim_domain_create(struct hvsim_ctl *c, const char *name, unsigned int mem_mib,
			const char *const *params, size_t nr_params, uint16_t *domid);
int hvsim_domain_destroy(struct hvsim_ctl *c, const char *domain);
int hvsim_domid(struct hvsim_ctl *c, const char *domain, uint16_t *domid);

/*
 * xenstore, acting as dom0.  Paths are absolute, or relative to dom0's
 * home (/local/domain/0).  hvsim_xenstore_read() gives a malloc'd value
 * with a nul after its `len` bytes.  Refusals are xenstore's errnos
 * (ENOENT, EINVAL, E2BIG, ...).
 */
int hvsim_xenstore_read(struct hvsim_ctl *c, const char *path, char **value, size_t *len);
int hvsim_xenstore_write(struct hvsim_ctl *c, const char *path, const void *value, size_t len);
int hvsim_xenstore_rm(struct hvsim_ctl *c, const char *path);
/*
 * Where a domain's programs find xenstore (what XENSTORED_PATH is set to):
 * DIR/dom<DOMID>/xenstore.  `dir` NULL: hvsim_dir().  0 or -ENAMETOOLONG.
 */
int hvsim_xenstore_socket(const char *dir, unsigned int domid, char *buf, size_t n);

/*
 * Starts hvsimd for `dir` (NULL: hvsim_dir()) in the background and waits
 * until it serves; its log goes to dir/hvsimd.log.  -EALREADY if one runs
 * there already.  `err` (may be NULL) receives a message for people.
 */
int hvsim_up(const char *dir, char *err, size_t errlen);
/* Asks it to stop and waits until it has. -ESRCH if none runs. */
int hvsim_down(const char *dir);

/*
 * Finds an executable of the project (hvsimd, hvsim-kernel, ...):
 * $HVSIM_LIBEXEC, then beside the running executable, then ../bin and
 * ../lib/hvsim from there.  Returns 0 and the path in buf.
 */
int hvsim_find_exe(const char *name, char *buf, size_t n);

#endif
