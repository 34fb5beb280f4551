// SPDX-License-Identifier: GPL-2.0-only
/*
 * Spinlocks and mutexes are futex locks (Drepper's "Futexes Are Tricky",
 * mutex 2): 0 free, 1 held, 2 held and maybe waited for.  Mutex sleeps are
 * uninterruptible, as mutex_lock's are.  Read-write semaphores are built on
 * a spinlock and the tasks' own sleep.
 */
#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include "hostif.h"
#include "shim.h"

static inline int futex_cmpxchg(int *word, int old, int new)
{
	__atomic_compare_exchange_n(word, &old, new, false, __ATOMIC_ACQUIRE,
				    __ATOMIC_RELAXED);
	return old;
}

static void futex_lock(int *word)
{
	int c = futex_cmpxchg(word, 0, 1);

	if (likely(c == 0))
		return;
	if (c != 2)
		c = __atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		shim_wakes_flush();	/* about to block: what it holds goes first */
		hostk_futex_wait(word, 2);
		c = __atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE);
	}
}

static void futex_unlock(int *word)
{
	if (__atomic_exchange_n(word, 0, __ATOMIC_RELEASE) == 2)
		hostk_futex_wake(word, 1);
}

void spin_lock_init(spinlock_t *lock)
{
	lock->futex = 0;
}

/* Held, a spinlock holds back the wake-ups its holder makes (sched.c). */
void spin_lock(spinlock_t *lock)
{
	futex_lock(&lock->futex);
	shim_nonpreempt_enter();
}

void spin_unlock(spinlock_t *lock)
{
	futex_unlock(&lock->futex);
	shim_nonpreempt_exit();
}

int spin_trylock(spinlock_t *lock)
{
	if (futex_cmpxchg(&lock->futex, 0, 1) != 0)
		return 0;
	shim_nonpreempt_enter();
	return 1;
}

int spin_is_locked(spinlock_t *lock)
{
	return READ_ONCE(lock->futex) != 0;
}

void mutex_init(struct mutex *lock)
{
	lock->futex = 0;
	lock->owner = NULL;
}

void mutex_lock(struct mutex *lock)
{
	if (WARN(READ_ONCE(lock->owner) == current, "mutex: recursive locking"))
		hostk_panic("deadlock: a task locks a mutex it holds");
	futex_lock(&lock->futex);
	lock->owner = current;
}

int mutex_lock_interruptible(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

int mutex_lock_killable(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

int mutex_trylock(struct mutex *lock)
{
	if (futex_cmpxchg(&lock->futex, 0, 1) != 0)
		return 0;
	lock->owner = current;
	return 1;
}

void mutex_unlock(struct mutex *lock)
{
	WARN(lock->owner != current, "mutex: unlock by a task that does not hold it");
	lock->owner = NULL;
	futex_unlock(&lock->futex);
}

bool mutex_is_locked(struct mutex *lock)
{
	return READ_ONCE(lock->futex) != 0;
}

/* ---- read-write semaphores ---- */

struct rwsem_waiter {
	struct list_head list;
	struct task_struct *task;
	bool writer;
};

void init_rwsem(struct rw_semaphore *sem)
{
	spin_lock_init(&sem->wait_lock);
	sem->count = 0;
	INIT_LIST_HEAD(&sem->wait_list);
}

/* Statically zeroed semaphores have an unset list head. */
static void rwsem_lazy_init(struct rw_semaphore *sem)
{
	if (!sem->wait_list.next)
		INIT_LIST_HEAD(&sem->wait_list);
}

/* Readers wait while a writer holds or waits; everyone re-checks on wake. */
static bool rwsem_writer_waiting(struct rw_semaphore *sem)
{
	struct rwsem_waiter *w;

	list_for_each_entry(w, &sem->wait_list, list)
		if (w->writer)
			return true;
	return false;
}

static void rwsem_down(struct rw_semaphore *sem, bool writer)
{
	struct rwsem_waiter w = { .task = current, .writer = writer };
	bool queued = false;

	spin_lock(&sem->wait_lock);
	rwsem_lazy_init(sem);
	for (;;) {
		if (queued)
			list_del(&w.list);
		if (writer ? sem->count == 0 :
		    sem->count >= 0 && !rwsem_writer_waiting(sem))
			break;
		list_add_tail(&w.list, &sem->wait_list);
		queued = true;
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock(&sem->wait_lock);
		schedule();
		spin_lock(&sem->wait_lock);
	}
	sem->count = writer ? -1 : sem->count + 1;
	spin_unlock(&sem->wait_lock);
	__set_current_state(TASK_RUNNING);
}

static void rwsem_wake(struct rw_semaphore *sem)
{
	struct rwsem_waiter *w;

	list_for_each_entry(w, &sem->wait_list, list)
		wake_up_process(w->task);
}

void down_read(struct rw_semaphore *sem)
{
	rwsem_down(sem, false);
}

void down_write(struct rw_semaphore *sem)
{
	rwsem_down(sem, true);
}

void up_read(struct rw_semaphore *sem)
{
	spin_lock(&sem->wait_lock);
	WARN_ON(sem->count <= 0);
	if (--sem->count == 0)
		rwsem_wake(sem);
	spin_unlock(&sem->wait_lock);
}

void up_write(struct rw_semaphore *sem)
{
	spin_lock(&sem->wait_lock);
	WARN_ON(sem->count != -1);
	sem->count = 0;
	rwsem_wake(sem);
	spin_unlock(&sem->wait_lock);
}
