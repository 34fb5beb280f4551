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

/* Running a program in a domain (`hvsim run`) ------------------------- */

/* The interposer every program of a domain runs with (LD_PRELOAD). */
#define HVSIM_PRELOAD_LIB "libhvsim-preload.so"

/*
 * Where a domain's guest kernel serves the /dev/xen devices (the
 * interposer connects there): DIR/dom<DOMID>/devices.  `dir` NULL:
 * hvsim_dir().  0 or -ENAMETOOLONG.
 */
int hvsim_devices_socket(const char *dir, unsigned int domid, char *buf, size_t n);

/*
 * Finds a shared library of the project (HVSIM_PRELOAD_LIB): in
 * $HVSIM_LIBEXEC, beside the running executable, then ../lib and
 * ../lib/hvsim from there.  Returns 0 with its absolute path in buf, or
 * -ENOENT; `searched` (may be NULL) then lists the directories tried,
 * for the message.
 */
int hvsim_find_lib(const char *name, char *buf, size_t n, char *searched, size_t searched_len);

/*
 * Resolves `prog` as execvp() would (along $PATH unless it holds a '/')
 * and checks that the interposer `preload` can reach it: a dynamically
 * linked ELF of the interposer's class and machine, not set-id; a `#!`
 * script, or a file execvp() would hand to /bin/sh, whose interpreter
 * passes the same check.  Returns 0 with the program's path in buf.
 * Otherwise a message for people in `why`, and -ENOENT (not found: a
 * shell's 127), -EACCES/-EISDIR/-ELOOP (found, not executable: 126) or
 * -ENOEXEC (executable, but out of the interposer's reach: static,
 * another ELF class or machine, set-id).
 */
int hvsim_check_program(const char *prog, const char *preload, char *buf, size_t n,
			char *why, size_t whylen);

/*
 * The environment of a program of domain `domid` of the hvsimd in `dir`
 * (NULL: hvsim_dir()): `envp` (NULL: environ) with `preload` prepended to
 * LD_PRELOAD (earlier entries kept), HVSIM_DIR (absolute), HVSIM_DOMID
 * and XENSTORED_PATH set.  A malloc'd NULL-terminated array for
 * hvsim_env_free(), or NULL with errno set.
 */
char **hvsim_domain_env(char *const *envp, const char *dir, unsigned int domid,
			const char *preload);
void hvsim_env_free(char **env);

#endif
