// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's own reads of its domain's xenstore (kmod/shim/xenbus.c),
 * through Debian's libxenstore on the domain's xenstore socket in the
 * state directory: hvsimd's store knows this connection's domain, and a
 * relative path is under /local/domain/<domid>/, as for a kernel on Xen's
 * ring.  One connection for each read: the kernel reads rarely
 * (privcmd's "target", once).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "hvsim/paths.h"
#include "hostif.h"
#include "host.h"

static bool have_store;

/* Once, at start, before the kernel's threads: setenv is not thread-safe. */
void host_xenstore_init(const char *dir, unsigned int domid)
{
	char path[PATH_MAX];

	/* libxenstore finds its daemon at $XENSTORED_PATH */
	have_store = !hvsim_xenstore_socket(dir, domid, path, sizeof(path)) &&
		     !setenv("XENSTORED_PATH", path, 1);
}

long hostk_xenstore_read(const char *path, char *buf, unsigned long size)
{
	struct xs_handle *xs;
	unsigned int len;
	char *val;
	long rc;

	if (!have_store)
		return -ENAMETOOLONG;
	xs = xs_open(0);
	if (!xs)
		return errno ? -errno : -EIO;
	val = xs_read(xs, XBT_NULL, path, &len);
	if (!val) {
		rc = errno ? -errno : -EIO;
	} else {
		rc = len;
		if (size) {
			size_t n = len < size - 1 ? len : size - 1;

			memcpy(buf, val, n);
			buf[n] = '\0';
		}
		free(val);
	}
	xs_close(xs);
	return rc;
}
