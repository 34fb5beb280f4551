/* SPDX-License-Identifier: GPL-2.0-only */
/* Work items run on the kernel's worker thread; delayed ones after a timer. */
#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/timer.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	unsigned long data;		/* pending bit */
	struct list_head entry;
	work_func_t func;
};

struct delayed_work {
	struct work_struct work;
	struct timer_list timer;
};

struct workqueue_struct;

void __init_work(struct work_struct *work, work_func_t func);
#define INIT_WORK(_work, _func) __init_work((_work), (_func))
void __init_delayed_work(struct delayed_work *dwork, work_func_t func);
#define INIT_DELAYED_WORK(_work, _func) __init_delayed_work((_work), (_func))
#define INIT_DEFERRABLE_WORK INIT_DELAYED_WORK

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return container_of(work, struct delayed_work, work);
}

/* Work that runs once an RCU grace period has passed (shim/rcu.c). */
struct rcu_work {
	struct work_struct work;
};
#define INIT_RCU_WORK(_work, _func) INIT_WORK(&(_work)->work, (_func))
static inline struct rcu_work *to_rcu_work(struct work_struct *work)
{
	return container_of(work, struct rcu_work, work);
}
extern struct workqueue_struct *system_wq;
bool queue_rcu_work(struct workqueue_struct *wq, struct rcu_work *rwork);
bool mod_delayed_work_on(int cpu, struct workqueue_struct *wq, struct delayed_work *dwork,
			 unsigned long delay);

bool schedule_work(struct work_struct *work);
bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay);
bool cancel_work_sync(struct work_struct *work);
bool cancel_delayed_work_sync(struct delayed_work *dwork);
bool cancel_delayed_work(struct delayed_work *dwork);
bool flush_work(struct work_struct *work);
void flush_scheduled_work(void);

#endif
