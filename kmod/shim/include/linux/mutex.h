/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_MUTEX_H
#define _LINUX_MUTEX_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/bug.h>

struct task_struct;

/* A futex word (0 free, 1 locked, 2 locked with waiters) and its owner. */
struct mutex {
	int futex;
	struct task_struct *owner;
};

#define __MUTEX_INITIALIZER(name) { 0, NULL }
#define DEFINE_MUTEX(name) struct mutex name = __MUTEX_INITIALIZER(name)

void mutex_init(struct mutex *lock);
void mutex_lock(struct mutex *lock);
int __must_check mutex_lock_interruptible(struct mutex *lock);
int __must_check mutex_lock_killable(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
bool mutex_is_locked(struct mutex *lock);
#define mutex_destroy(lock) do { } while (0)
#define mutex_lock_nested(lock, sub) mutex_lock(lock)
#define lockdep_assert_held(lock) WARN_ON(!mutex_is_locked(lock))

#endif
