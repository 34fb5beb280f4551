/* SPDX-License-Identifier: GPL-2.0-only */
/* Nanoseconds of the host's monotonic clock. */
#ifndef _LINUX_KTIME_H
#define _LINUX_KTIME_H

#include <linux/types.h>
#include <linux/jiffies.h>

typedef s64 ktime_t;

ktime_t ktime_get(void);
#define ktime_add_ms(kt, ms)	((kt) + (ktime_t)(ms) * 1000000)
#define ktime_add_ns(kt, ns)	((kt) + (ktime_t)(ns))

#endif
