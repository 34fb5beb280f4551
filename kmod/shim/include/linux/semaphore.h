/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_SEMAPHORE_H
#define _LINUX_SEMAPHORE_H

#include <linux/spinlock.h>
#include <linux/list.h>

/* The type, for headers that embed one (xenbus.h); nothing here takes one. */
struct semaphore {
	raw_spinlock_t lock;
	unsigned int count;
	struct list_head wait_list;
};

#endif
