// SPDX-License-Identifier: GPL-2.0-only
/*
 * Timers and the system workqueue, on one kernel thread ("kworker"):
 * expired timers run first (their softirq), then queued work items, in
 * order.  Delayed work is a timer that queues its work item.
 */
#include <linux/kernel.h>
#include <linux/workqueue.h>
#include <linux/timer.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "hostif.h"
#include "shim.h"

#define WORK_PENDING 1UL
#define WORK_AFTER_GP 2UL	/* queue_rcu_work: run after an RCU grace period */

static DEFINE_SPINLOCK(wq_lock);
static LIST_HEAD(timer_list_head);	/* armed timers, by expiry */
static LIST_HEAD(work_list_head);	/* queued work */
static struct task_struct *kworker;
static struct work_struct *running_work;
static struct timer_list *running_timer;
static DECLARE_WAIT_QUEUE_HEAD(work_done_wq);
static bool kworker_stop;

static void kworker_kick(void)
{
	if (kworker)
		wake_up_process(kworker);
}

void timer_setup(struct timer_list *timer, void (*func)(struct timer_list *),
		 unsigned int flags)
{
	INIT_LIST_HEAD(&timer->entry);
	timer->function = func;
	timer->flags = flags;
	timer->expires = 0;
}

static void timer_enqueue(struct timer_list *timer)
{
	struct timer_list *t;

	list_for_each_entry(t, &timer_list_head, entry) {
		if (time_before(timer->expires, t->expires)) {
			list_add_tail(&timer->entry, &t->entry);
			return;
		}
	}
	list_add_tail(&timer->entry, &timer_list_head);
}

int mod_timer(struct timer_list *timer, unsigned long expires)
{
	int was_pending;

	spin_lock(&wq_lock);
	was_pending = !list_empty(&timer->entry);
	if (was_pending)
		list_del_init(&timer->entry);
	timer->expires = expires;
	timer_enqueue(timer);
	spin_unlock(&wq_lock);
	kworker_kick();
	return was_pending;
}

void add_timer(struct timer_list *timer)
{
	mod_timer(timer, timer->expires);
}

int del_timer(struct timer_list *timer)
{
	int was_pending;

	spin_lock(&wq_lock);
	was_pending = !list_empty(&timer->entry);
	list_del_init(&timer->entry);
	spin_unlock(&wq_lock);
	return was_pending;
}

int del_timer_sync(struct timer_list *timer)
{
	int ret = del_timer(timer);

	wait_event(work_done_wq, READ_ONCE(running_timer) != timer);
	return ret;
}

int timer_pending(const struct timer_list *timer)
{
	return !list_empty(&timer->entry);
}

void __init_work(struct work_struct *work, work_func_t func)
{
	work->data = 0;
	INIT_LIST_HEAD(&work->entry);
	work->func = func;
}

static void delayed_work_timer_fn(struct timer_list *t)
{
	struct delayed_work *dwork = from_timer(dwork, t, timer);

	spin_lock(&wq_lock);
	list_add_tail(&dwork->work.entry, &work_list_head);
	spin_unlock(&wq_lock);
}

void __init_delayed_work(struct delayed_work *dwork, work_func_t func)
{
	__init_work(&dwork->work, func);
	timer_setup(&dwork->timer, delayed_work_timer_fn, 0);
}

bool schedule_work(struct work_struct *work)
{
	spin_lock(&wq_lock);
	if (work->data & WORK_PENDING) {
		spin_unlock(&wq_lock);
		return false;
	}
	work->data |= WORK_PENDING;
	list_add_tail(&work->entry, &work_list_head);
	spin_unlock(&wq_lock);
	kworker_kick();
	return true;
}

/* One worker serves every queue: system_wq is a name for it. */
struct workqueue_struct {
	const char *name;
};
static struct workqueue_struct system_workqueue = { "events" };
struct workqueue_struct *system_wq = &system_workqueue;

bool queue_rcu_work(struct workqueue_struct *wq, struct rcu_work *rwork)
{
	struct work_struct *work = &rwork->work;

	(void)wq;
	spin_lock(&wq_lock);
	if (work->data & WORK_PENDING) {
		spin_unlock(&wq_lock);
		return false;
	}
	work->data |= WORK_PENDING | WORK_AFTER_GP;
	list_add_tail(&work->entry, &work_list_head);
	spin_unlock(&wq_lock);
	kworker_kick();
	return true;
}

/* Queued or not, the work now runs `delay` jiffies from now. */
bool mod_delayed_work_on(int cpu, struct workqueue_struct *wq, struct delayed_work *dwork,
			 unsigned long delay)
{
	struct work_struct *work = &dwork->work;
	bool was_pending;

	(void)cpu;
	(void)wq;
	spin_lock(&wq_lock);
	was_pending = work->data & WORK_PENDING;
	list_del_init(&dwork->timer.entry);
	list_del_init(&work->entry);
	work->data |= WORK_PENDING;
	if (delay) {
		dwork->timer.expires = jiffies + delay;
		timer_enqueue(&dwork->timer);
	} else {
		list_add_tail(&work->entry, &work_list_head);
	}
	spin_unlock(&wq_lock);
	kworker_kick();
	return was_pending;
}

bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay)
{
	struct work_struct *work = &dwork->work;

	if (!delay)
		return schedule_work(work);
	spin_lock(&wq_lock);
	if (work->data & WORK_PENDING) {
		spin_unlock(&wq_lock);
		return false;
	}
	work->data |= WORK_PENDING;
	dwork->timer.expires = jiffies + delay;
	timer_enqueue(&dwork->timer);
	spin_unlock(&wq_lock);
	kworker_kick();
	return true;
}

static bool __cancel_work(struct work_struct *work, struct timer_list *timer)
{
	bool was_pending;

	spin_lock(&wq_lock);
	was_pending = work->data & WORK_PENDING;
	if (timer)
		list_del_init(&timer->entry);
	list_del_init(&work->entry);
	work->data &= ~WORK_PENDING;
	spin_unlock(&wq_lock);
	return was_pending;
}

bool cancel_work_sync(struct work_struct *work)
{
	bool ret = __cancel_work(work, NULL);

	wait_event(work_done_wq, READ_ONCE(running_work) != work);
	return ret;
}

bool cancel_delayed_work(struct delayed_work *dwork)
{
	return __cancel_work(&dwork->work, &dwork->timer);
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	bool ret = __cancel_work(&dwork->work, &dwork->timer);

	wait_event(work_done_wq, READ_ONCE(running_work) != &dwork->work);
	return ret;
}

bool flush_work(struct work_struct *work)
{
	wait_event(work_done_wq, !(READ_ONCE(work->data) & WORK_PENDING) &&
		   READ_ONCE(running_work) != work);
	return true;
}

void flush_scheduled_work(void)
{
	wait_event(work_done_wq, list_empty_careful(&work_list_head) &&
		   !READ_ONCE(running_work));
}

/* Runs the timers that are due, then the queued work. */
static void kworker_run(void)
{
	struct timer_list *timer;
	struct work_struct *work;
	bool after_gp;

	spin_lock(&wq_lock);
	while (!list_empty(&timer_list_head)) {
		timer = list_first_entry(&timer_list_head, struct timer_list, entry);
		if (time_before(jiffies, timer->expires))
			break;
		list_del_init(&timer->entry);
		running_timer = timer;
		spin_unlock(&wq_lock);
		timer->function(timer);
		spin_lock(&wq_lock);
		running_timer = NULL;
		wake_up_all(&work_done_wq);
	}
	while (!list_empty(&work_list_head)) {
		work = list_first_entry(&work_list_head, struct work_struct, entry);
		list_del_init(&work->entry);
		after_gp = work->data & WORK_AFTER_GP;
		work->data &= ~(WORK_PENDING | WORK_AFTER_GP);
		running_work = work;
		spin_unlock(&wq_lock);
		if (after_gp)
			synchronize_rcu();
		work->func(work);
		spin_lock(&wq_lock);
		running_work = NULL;
		wake_up_all(&work_done_wq);
	}
	spin_unlock(&wq_lock);
}

/* How long the worker may sleep: 0 if something is due now. */
static long kworker_idle_jiffies(void)
{
	struct timer_list *timer;
	long idle = MAX_SCHEDULE_TIMEOUT;

	spin_lock(&wq_lock);
	if (!list_empty(&work_list_head)) {
		idle = 0;
	} else {
		timer = list_first_entry_or_null(&timer_list_head,
						 struct timer_list, entry);
		if (timer)
			idle = max_t(long, (long)(timer->expires - jiffies), 0);
	}
	spin_unlock(&wq_lock);
	return idle;
}

static void kworker_thread(void *arg)
{
	strscpy(current->comm, "kworker/0", sizeof(current->comm));
	WRITE_ONCE(kworker, current);
	while (!READ_ONCE(kworker_stop)) {
		long idle;

		kworker_run();
		/* State first, then look: a kick after this is not lost. */
		set_current_state(TASK_UNINTERRUPTIBLE);
		idle = kworker_idle_jiffies();
		if (idle && !READ_ONCE(kworker_stop))
			schedule_timeout(idle);
		__set_current_state(TASK_RUNNING);
	}
	WRITE_ONCE(kworker, NULL);
}

void workqueue_stop(void)
{
	WRITE_ONCE(kworker_stop, true);
	kworker_kick();
}

int workqueue_init(void)
{
	return hostk_thread_create(kworker_thread, NULL, "kworker");
}
