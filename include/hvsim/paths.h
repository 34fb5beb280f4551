/* SPDX-License-Identifier: GPL-2.0-only */
/* Where a running system keeps its sockets and files. */
#ifndef HVSIM_PATHS_H
#define HVSIM_PATHS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The state directory: $HVSIM_DIR, else $XDG_RUNTIME_DIR/hvsim, else
 * /tmp/hvsim-$UID.  Writes it into buf (size n); returns buf.
 */
static inline const char *hvsim_state_dir(char *buf, size_t n)
{
	const char *e = getenv("HVSIM_DIR");

	if (e && *e)
		snprintf(buf, n, "%s", e);
	else if ((e = getenv("XDG_RUNTIME_DIR")) && *e)
		snprintf(buf, n, "%s/hvsim", e);
	else
		snprintf(buf, n, "/tmp/hvsim-%u", (unsigned int)getuid());
	return buf;
}

/*
 * A domain's directory, STATEDIR/dom<DOMID>: hvsimd makes it when the
 * domain is created and puts the domain's xenstore socket in it; the
 * domain's guest kernel puts its device socket beside that.  Each of these
 * writes its path for the state directory `state_dir` into buf (size n) and
 * returns 0, or -ENAMETOOLONG when it does not fit.
 */
static inline int hvsim_domain_dir(const char *state_dir, unsigned int domid,
				   char *buf, size_t n)
{
	int len = snprintf(buf, n, "%s/dom%u", state_dir, domid);

	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

/* A file in the domain's directory. */
static inline int hvsim_domain_file(const char *state_dir, unsigned int domid,
				    const char *name, char *buf, size_t n)
{
	int err = hvsim_domain_dir(state_dir, domid, buf, n), len;
	size_t used;

	if (err)
		return err;
	used = strlen(buf);
	len = snprintf(buf + used, n - used, "/%s", name);
	return len < 0 || (size_t)len >= n - used ? -ENAMETOOLONG : 0;
}

/* The domain's xenstore socket (hvsimd's): what its programs' XENSTORED_PATH is. */
static inline int hvsim_xenstore_socket(const char *state_dir, unsigned int domid,
					char *buf, size_t n)
{
	return hvsim_domain_file(state_dir, domid, "xenstore", buf, n);
}

/* The domain's device socket: its guest kernel serves /dev/xen/{gntdev,gntalloc,evtchn} there. */
static inline int hvsim_devices_socket(const char *state_dir, unsigned int domid,
				       char *buf, size_t n)
{
	return hvsim_domain_file(state_dir, domid, "devices", buf, n);
}

/*
 * The domain's kernel log: every line its guest kernel logs (printk), as
 * dmesg shows them; `hvsim log DOMAIN` prints it.  The kernel appends to
 * it (and logs to its stderr, hvsimd's log, too).  hvsimd removes a
 * previous run's logs when it starts and keeps a destroyed domain's while
 * it runs.
 */
static inline int hvsim_kernel_log(const char *state_dir, unsigned int domid,
				   char *buf, size_t n)
{
	return hvsim_domain_file(state_dir, domid, "kernel.log", buf, n);
}

/*
 * hvsimd's files in the state directory.  The control socket speaks one
 * JSON object per line each way (docs/control-protocol.md); the hypercall
 * socket speaks hvsim/hypercall_wire.h.
 */
#define HVSIM_CONTROL_SOCK   "control"
#define HVSIM_HYPERCALL_SOCK "hypercall"
#define HVSIM_TRACE_FILE     "trace.jsonl"
#define HVSIM_PID_FILE       "hvsimd.pid"
#define HVSIM_LOG_FILE       "hvsimd.log"

#endif
