/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_RCUPDATE_H
#define _LINUX_RCUPDATE_H
#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/barrier.h>
#define rcu_assign_pointer(p, v) smp_store_release(&(p), (v))
#define rcu_dereference(p) READ_ONCE(p)
#define rcu_dereference_raw(p) READ_ONCE(p)
#define RCU_INIT_POINTER(p, v) WRITE_ONCE(p, v)

/*
 * Read-side critical sections are counted (shim/rcu.c); a grace period
 * ends once every section that had begun when it started has ended.
 */
void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);
#endif
