/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libhvsim: the client side of hvsimd's control socket, for the hvsim CLI,
 * the scenario runner and tests.  Requests and replies are JSON objects
 * (docs/control-protocol.md).  Functions return 0 or a negative errno;
 * when hvsimd refused a request, hvsim_ctl_error() says why.
 *
 * libhvsim.a also holds, each behind its own header: starting and
 * stopping hvsimd (daemon.h), finding the project's executables and
 * libraries (project_files.h), checking that the interposer reaches a
 * program (program_check.h), a program's environment in a domain
 * (domain_env.h) and a domain's kernel log for people (log_view.h).  Where a domain's sockets are is include/hvsim/paths.h.
 */
#ifndef LIBHVSIM_H
#define LIBHVSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

struct hvsim_ctl;

/* The state directory in effect (see include/hvsim/paths.h). */
const char *hvsim_dir(void);

/* Connects to the hvsimd of `dir` (NULL: hvsim_dir()); -ECONNREFUSED or
 * -ENOENT when none runs there, -EPERM when the directory is not safe to
 * use (hvsim/state_dir_check.h says why). */
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

/* A domain as `hvsim domain create` describes it; zero fields take hvsimd's defaults. */
struct hvsim_domain_cfg {
	const char *name;
	unsigned int mem_mib;             /* 0: 64 MiB */
	const char *const *params;        /* the kernel's MODULE.PARAM=VALUE */
	size_t nr_params;
	bool set_event_channels;          /* false: 1023, libxl's default */
	uint32_t event_channels;          /* xl.cfg's: the highest port */
};
int hvsim_domain_create_cfg(struct hvsim_ctl *c, const struct hvsim_domain_cfg *cfg,
			    uint16_t *domid);
int hvsim_domain_destroy(struct hvsim_ctl *c, const char *domain);
int hvsim_domid(struct hvsim_ctl *c, const char *domain, uint16_t *domid);
/* Whether hvsimd serves; and asking it to stop (it answers, then stops). */
int hvsim_ping(struct hvsim_ctl *c);
int hvsim_shutdown(struct hvsim_ctl *c);

/*
 * xenstore, acting as dom0.  Paths are absolute, or relative to dom0's
 * home (/local/domain/0).  hvsim_xenstore_read() gives a malloc'd value
 * with a nul after its `len` bytes.  Refusals are xenstore's errnos
 * (ENOENT, EINVAL, E2BIG, ...).
 */
int hvsim_xenstore_read(struct hvsim_ctl *c, const char *path, char **value, size_t *len);
int hvsim_xenstore_write(struct hvsim_ctl *c, const char *path, const void *value, size_t len);
int hvsim_xenstore_rm(struct hvsim_ctl *c, const char *path);

#endif
