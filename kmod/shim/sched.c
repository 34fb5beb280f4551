// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tasks and sleeping.  Each host thread that runs kernel code is a task;
 * its struct task_struct lives in thread-local storage.  A task sleeps in
 * schedule() until its state is set back to TASK_RUNNING by a waker (the
 * host side makes the wakeup sticky, so none is lost between the state
 * change and the sleep).  An interruptible sleep also ends when the host
 * reports a "signal": the program the task is serving asked to interrupt
 * the call, or went away.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/delay.h>
#include <linux/string.h>

#include "hostif.h"
#include "shim.h"

#define NSEC_PER_JIFFY (1000000000ULL / HZ)

static __thread struct task_struct current_task;
static __thread bool current_ready;

struct task_struct *get_current(void)
{
	struct task_struct *t = &current_task;

	if (unlikely(!current_ready)) {
		t->__state = TASK_RUNNING;
		t->waker = hostk_current_waker();
		strscpy(t->comm, "kworker", sizeof(t->comm));
		current_ready = true;
	}
	return t;
}

void task_enter_call(int pid, struct mm_struct *mm, const char *comm)
{
	struct task_struct *t = current;

	t->pid = pid;
	t->mm = mm;
	t->sigpending = 0;
	if (comm)
		strscpy(t->comm, comm, sizeof(t->comm));
}

void task_leave_call(void)
{
	struct task_struct *t = current;

	t->pid = 0;
	t->mm = NULL;
	t->sigpending = 0;
}

/*
 * Wake-ups held back while this thread holds a spinlock or runs the
 * upcall, where Linux has preemption off: a woken task runs only once the
 * waker leaves that section.  Waking at once let the host run the woken
 * thread on the waker's CPU (calls follow their caller's CPU,
 * hvsim/cpu.h) while the waker still held the wait queue's lock: the woken
 * thread found it taken, slept on its futex and had to be woken again
 * (docs/performance.md, session 8).  The task's state
 * is RUNNING at once; only the host's wake-up waits.  A thread about to
 * block sends what it holds first (shim_wakes_flush), so a wait never
 * depends on a wake-up it holds.
 */
#define HELD_WAKES_MAX 8

static __thread unsigned int nonpreempt_depth;
static __thread void *held_wakes[HELD_WAKES_MAX];
static __thread unsigned int nr_held_wakes;

void shim_nonpreempt_enter(void)
{
	nonpreempt_depth++;
}

void shim_wakes_flush(void)
{
	unsigned int n = nr_held_wakes;

	nr_held_wakes = 0;
	for (unsigned int i = 0; i < n; i++)
		hostk_wake(held_wakes[i]);
}

void shim_nonpreempt_exit(void)
{
	/* (a lock released by another thread than took it leaves none held) */
	if (nonpreempt_depth)
		nonpreempt_depth--;
	if (!nonpreempt_depth && nr_held_wakes)
		shim_wakes_flush();
}

static void wake_host_thread(void *waker)
{
	if (!nonpreempt_depth) {
		hostk_wake(waker);
		return;
	}
	for (unsigned int i = 0; i < nr_held_wakes; i++)
		if (held_wakes[i] == waker)
			return;
	if (nr_held_wakes == HELD_WAKES_MAX)
		shim_wakes_flush();
	held_wakes[nr_held_wakes++] = waker;
}

int wake_up_state(struct task_struct *p, unsigned int state)
{
	unsigned int cur = __atomic_load_n(&p->__state, __ATOMIC_SEQ_CST);

	do {
		if (!(cur & state))
			return 0;
	} while (!__atomic_compare_exchange_n(&p->__state, &cur, TASK_RUNNING,
					      false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	wake_host_thread(p->waker);
	return 1;
}

int wake_up_process(struct task_struct *p)
{
	return wake_up_state(p, TASK_NORMAL);
}

/* Sleeps until woken, a signal (for interruptible states) or the deadline
 * (ns, or -1); returns the ns left, 0 on timeout. */
static long long schedule_until(long long deadline)
{
	struct task_struct *t = current;

	for (;;) {
		unsigned int state = __atomic_load_n(&t->__state, __ATOMIC_SEQ_CST);
		long long left = -1;
		int r;

		if (state == TASK_RUNNING)
			break;
		if (deadline >= 0) {
			left = deadline - (long long)hostk_clock_ns();
			if (left <= 0) {
				__set_current_state(TASK_RUNNING);
				return 0;
			}
		}
		shim_wakes_flush();
		r = hostk_sleep(left);
		if (r == HOSTK_SIGNAL) {
			WRITE_ONCE(t->sigpending, 1);
			if (state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL))
				__set_current_state(TASK_RUNNING);
		}
	}
	if (deadline < 0)
		return 1;
	return max_t(long long, deadline - (long long)hostk_clock_ns(), 1);
}

void schedule(void)
{
	schedule_until(-1);
}

long schedule_timeout(long timeout)
{
	long long deadline, left;

	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return timeout;
	}
	if (timeout < 0)
		timeout = 0;
	deadline = hostk_clock_ns() + (unsigned long long)timeout * NSEC_PER_JIFFY;
	left = schedule_until(deadline);
	return left ? DIV_ROUND_UP(left, NSEC_PER_JIFFY) : 0;
}

long schedule_timeout_interruptible(long timeout)
{
	__set_current_state(TASK_INTERRUPTIBLE);
	return schedule_timeout(timeout);
}

long schedule_timeout_uninterruptible(long timeout)
{
	__set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

ktime_t ktime_get(void)
{
	return hostk_clock_ns();
}

u64 get_jiffies_64(void)
{
	return hostk_clock_ns() / NSEC_PER_JIFFY;
}

unsigned long msecs_to_jiffies(const unsigned int m)
{
	return DIV_ROUND_UP((unsigned long)m, 1000 / HZ);
}

unsigned long usecs_to_jiffies(const unsigned int u)
{
	return DIV_ROUND_UP((unsigned long)u, 1000000 / HZ);
}

unsigned int jiffies_to_msecs(const unsigned long j)
{
	return j * (1000 / HZ);
}

void msleep(unsigned int msecs)
{
	unsigned long long deadline = hostk_clock_ns() + msecs * 1000000ULL;

	while (hostk_clock_ns() < deadline) {
		__set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_until(deadline);
	}
}

unsigned long msleep_interruptible(unsigned int msecs)
{
	unsigned long long deadline = hostk_clock_ns() + msecs * 1000000ULL;
	long long left = 1;

	while (left > 0 && !signal_pending(current)) {
		__set_current_state(TASK_INTERRUPTIBLE);
		left = schedule_until(deadline);
	}
	return left > 0 ? DIV_ROUND_UP(left, 1000000) : 0;
}

void usleep_range(unsigned long min, unsigned long max)
{
	unsigned long long deadline = hostk_clock_ns() + min * 1000ULL;

	while (hostk_clock_ns() < deadline) {
		__set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_until(deadline);
	}
}
