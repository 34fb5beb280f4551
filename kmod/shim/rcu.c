// SPDX-License-Identifier: GPL-2.0-only
/*
 * RCU, reduced to what Linux's Xen core asks of it: readers (the upcall,
 * xen_irq_lateeoi) mark their sections, and an irq's info is freed only
 * after a grace period (queue_rcu_work).  Readers are counted in one of two
 * phases; a grace period flips the phase and waits until the old one has
 * no readers left, which is every section that had begun before it.
 */
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "shim.h"

static DEFINE_SPINLOCK(rcu_lock);
static DEFINE_MUTEX(rcu_gp_lock);
static DECLARE_WAIT_QUEUE_HEAD(rcu_gp_wq);
static unsigned int rcu_readers[2];
static unsigned int rcu_phase;

static __thread unsigned int rcu_nesting;
static __thread unsigned int rcu_my_phase;

void rcu_read_lock(void)
{
	if (rcu_nesting++)
		return;
	spin_lock(&rcu_lock);
	rcu_my_phase = rcu_phase;
	rcu_readers[rcu_my_phase]++;
	spin_unlock(&rcu_lock);
}

void rcu_read_unlock(void)
{
	bool last;

	if (WARN_ON(!rcu_nesting) || --rcu_nesting)
		return;
	spin_lock(&rcu_lock);
	last = !--rcu_readers[rcu_my_phase];
	spin_unlock(&rcu_lock);
	if (last)
		wake_up_all(&rcu_gp_wq);
}

static bool phase_done(unsigned int phase)
{
	bool done;

	spin_lock(&rcu_lock);
	done = !rcu_readers[phase];
	spin_unlock(&rcu_lock);
	return done;
}

void synchronize_rcu(void)
{
	unsigned int old;

	WARN_ON(rcu_nesting);
	mutex_lock(&rcu_gp_lock);
	spin_lock(&rcu_lock);
	old = rcu_phase;
	rcu_phase ^= 1;
	spin_unlock(&rcu_lock);
	wait_event(rcu_gp_wq, phase_done(old));
	mutex_unlock(&rcu_gp_lock);
}
