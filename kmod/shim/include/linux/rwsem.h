/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_RWSEM_H
#define _LINUX_RWSEM_H

#include <linux/types.h>
#include <linux/spinlock_types.h>
#include <linux/list.h>

/* Readers share, writers exclude; waiters sleep on `wait_list`. */
struct rw_semaphore {
	spinlock_t wait_lock;
	int count;		/* > 0 readers, -1 a writer */
	struct list_head wait_list;
};

#define __RWSEM_INITIALIZER(name) { { 0 }, 0, LIST_HEAD_INIT((name).wait_list) }
#define DECLARE_RWSEM(name) struct rw_semaphore name = __RWSEM_INITIALIZER(name)

void init_rwsem(struct rw_semaphore *sem);
void down_read(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);

#endif
