/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <linux/types.h>
#include <linux/limits.h>

#define HZ CONFIG_HZ

/* The host's monotonic clock, in ticks of 1/HZ s. */
u64 get_jiffies_64(void);
#define jiffies ((unsigned long)get_jiffies_64())

unsigned long msecs_to_jiffies(const unsigned int m);
unsigned int jiffies_to_msecs(const unsigned long j);
unsigned long usecs_to_jiffies(const unsigned int u);

#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)

#endif
