// SPDX-License-Identifier: GPL-2.0-only
/*
 * Misc devices: what the drivers register is what the device socket
 * serves, found by the name under /dev ("xen/gntdev").  Dynamic minors are
 * given from 127 down, as drivers/char/misc.c gives them.
 */
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/string.h>

#include "shim.h"

#define DYNAMIC_MINORS 128

static LIST_HEAD(misc_list);
static DEFINE_MUTEX(misc_mtx);
static unsigned long misc_minors[DYNAMIC_MINORS / 64];

int misc_register(struct miscdevice *misc)
{
	struct miscdevice *c;
	int err = 0;

	INIT_LIST_HEAD(&misc->list);
	mutex_lock(&misc_mtx);
	if (misc->minor == MISC_DYNAMIC_MINOR) {
		int i;

		for (i = 0; i < DYNAMIC_MINORS; i++)
			if (!(misc_minors[i / 64] & (1UL << (i % 64))))
				break;
		if (i >= DYNAMIC_MINORS) {
			err = -EBUSY;
			goto out;
		}
		misc->minor = DYNAMIC_MINORS - i - 1;
		misc_minors[i / 64] |= 1UL << (i % 64);
	} else {
		list_for_each_entry(c, &misc_list, list) {
			if (c->minor == misc->minor) {
				err = -EBUSY;
				goto out;
			}
		}
	}
	list_for_each_entry(c, &misc_list, list) {
		if (!strcmp(c->name, misc->name)) {
			err = -EEXIST;
			goto out;
		}
	}
	list_add(&misc->list, &misc_list);
out:
	mutex_unlock(&misc_mtx);
	return err;
}

void misc_deregister(struct miscdevice *misc)
{
	int i = DYNAMIC_MINORS - misc->minor - 1;

	if (WARN_ON(list_empty(&misc->list)))
		return;
	mutex_lock(&misc_mtx);
	list_del(&misc->list);
	if (i < DYNAMIC_MINORS && i >= 0)
		misc_minors[i / 64] &= ~(1UL << (i % 64));
	mutex_unlock(&misc_mtx);
}

struct miscdevice *misc_find(const char *name)
{
	struct miscdevice *c, *found = NULL;

	mutex_lock(&misc_mtx);
	list_for_each_entry(c, &misc_list, list) {
		if (!strcmp(c->name, name)) {
			found = c;
			break;
		}
	}
	mutex_unlock(&misc_mtx);
	return found;
}
