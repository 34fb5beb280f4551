/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_COMPLETION_H
#define _LINUX_COMPLETION_H

#include <linux/wait.h>

/*
 * A count of completions and the tasks waiting for one, as
 * kernel/sched/completion.c keeps them (grant-table.c's
 * gnttab_unmap_refs_sync waits for its unmap work this way).
 */
struct completion {
	unsigned int done;
	wait_queue_head_t wait;
};

static inline void init_completion(struct completion *x)
{
	x->done = 0;
	init_waitqueue_head(&x->wait);
}

/*
 * Wakes under the lock, as Linux does: the waiter takes the completion
 * under it too, so it cannot return (and free a completion on its stack)
 * while this still touches it.
 */
static inline void complete(struct completion *x)
{
	spin_lock(&x->wait.lock);
	x->done++;
	__wake_up_locked(&x->wait, TASK_NORMAL, 1);
	spin_unlock(&x->wait.lock);
}

/* Takes one completion under the lock: 1 if there was one. */
static inline int __completion_take(struct completion *x)
{
	int took = 0;

	spin_lock(&x->wait.lock);
	if (x->done) {
		x->done--;
		took = 1;
	}
	spin_unlock(&x->wait.lock);
	return took;
}

static inline void wait_for_completion(struct completion *x)
{
	wait_event(x->wait, __completion_take(x));
}

#endif
