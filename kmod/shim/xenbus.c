// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's xenstore client, as far as the drivers here use it:
 * privcmd reads its domain's "target" node once the store is up.
 *
 * Linux talks to xenstored over a shared ring and an event channel
 * (drivers/xen/xenbus/); hvsimd serves each domain's store on a unix
 * socket instead, so the host side speaks the same wire protocol there
 * (hostk_xenstore_read).  Linux's xenbus files replace this once hvsimd
 * serves the ring (docs/kmod.md).
 */
#include <linux/kernel.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/notifier.h>
#include <xen/xenbus.h>

#include "hostif.h"

/*
 * hvsimd serves the store before it starts a domain's kernel, so the
 * store is always up: a notifier runs at once, as Linux runs one that
 * registers after xenstored is ready.
 */
int register_xenstore_notifier(struct notifier_block *nb)
{
	return nb->notifier_call(nb, 0, NULL);
}

void unregister_xenstore_notifier(struct notifier_block *nb)
{
}

/* dir/node, or dir alone for an empty node; relative paths stay relative. */
static char *xs_path(const char *dir, const char *node)
{
	size_t dlen = strlen(dir), nlen = strlen(node);
	char *path = kmalloc(dlen + nlen + 2, GFP_KERNEL);

	if (!path)
		return ERR_PTR(-ENOMEM);
	memcpy(path, dir, dlen);
	if (nlen) {
		path[dlen++] = '/';
		memcpy(path + dlen, node, nlen);
	}
	path[dlen + nlen] = '\0';
	return path;
}

void *xenbus_read(struct xenbus_transaction t, const char *dir,
		  const char *node, unsigned int *len)
{
	char *path, *val;
	long n;

	if (t.id)
		return ERR_PTR(-EINVAL);	/* no transactions from the kernel yet */
	path = xs_path(dir, node);
	if (IS_ERR(path))
		return path;
	/* a value is at most one payload; the reader NUL-terminates it */
	val = kmalloc(XENSTORE_PAYLOAD_MAX + 1, GFP_KERNEL);
	if (!val) {
		kfree(path);
		return ERR_PTR(-ENOMEM);
	}
	n = hostk_xenstore_read(path, val, XENSTORE_PAYLOAD_MAX + 1);
	kfree(path);
	if (n < 0) {
		kfree(val);
		return ERR_PTR(n);
	}
	if (len)
		*len = n;
	return val;
}
