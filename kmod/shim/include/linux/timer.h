/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_TIMER_H
#define _LINUX_TIMER_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/jiffies.h>
#include <linux/container_of.h>

struct timer_list {
	struct list_head entry;		/* on the pending list when armed */
	unsigned long expires;
	void (*function)(struct timer_list *);
	u32 flags;
};

void timer_setup(struct timer_list *timer, void (*func)(struct timer_list *),
		 unsigned int flags);
int mod_timer(struct timer_list *timer, unsigned long expires);
void add_timer(struct timer_list *timer);
int del_timer(struct timer_list *timer);
int del_timer_sync(struct timer_list *timer);
int timer_pending(const struct timer_list *timer);

/* A timer defined armed-ready (unarmed, its function set), as timer_setup makes it. */
#define DEFINE_TIMER(_name, _function)					\
	struct timer_list _name = {					\
		.entry = LIST_HEAD_INIT(_name.entry),			\
		.function = (_function),				\
	}

#define from_timer(var, callback_timer, timer_fieldname) \
	container_of(callback_timer, typeof(*var), timer_fieldname)

#endif
