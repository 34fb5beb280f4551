/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/signal.h>

#define TASK_RUNNING		0x0000
#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002
#define TASK_WAKEKILL		0x0100
#define TASK_KILLABLE		(TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)
#define TASK_NORMAL		(TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define TASK_COMM_LEN		16

#define MAX_SCHEDULE_TIMEOUT	LONG_MAX

struct mm_struct;

/*
 * A kernel thread of the guest: the vCPU, a worker, or the thread serving
 * one open file, which runs each call in the calling program's context
 * (mm, pid, comm).  A "signal" is the program asking to interrupt a
 * blocking call, or going away.
 */
struct task_struct {
	unsigned int		__state;
	int			sigpending;
	pid_t			pid;		/* the program's, or 0 */
	struct mm_struct	*mm;		/* the program's, or NULL */
	char			comm[TASK_COMM_LEN];
	void			*waker;		/* host's wakeup handle */
};

struct task_struct *get_current(void);
#define current get_current()

#define __set_current_state(state_value) \
	WRITE_ONCE(current->__state, (state_value))
#define set_current_state(state_value) \
	__atomic_store_n(&current->__state, (state_value), __ATOMIC_SEQ_CST)

void schedule(void);
long schedule_timeout(long timeout);
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_uninterruptible(long timeout);
int wake_up_process(struct task_struct *tsk);
int wake_up_state(struct task_struct *tsk, unsigned int state);

static inline int signal_pending(struct task_struct *p)
{
	return READ_ONCE(p->sigpending);
}
static inline int fatal_signal_pending(struct task_struct *p)
{
	return signal_pending(p);
}
static inline int signal_pending_state(unsigned int state, struct task_struct *p)
{
	if (!(state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL)))
		return 0;
	return signal_pending(p);
}

static inline int cond_resched(void) { return 0; }
#define need_resched() 0

static inline pid_t task_pid_nr(struct task_struct *tsk) { return tsk->pid; }
#define task_tgid_nr task_pid_nr

#endif
