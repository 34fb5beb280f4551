/* SPDX-License-Identifier: GPL-2.0-only */
/* The pr_*_ratelimited helpers are printk.h's (every message is logged). */
#ifndef _LINUX_RATELIMIT_H
#define _LINUX_RATELIMIT_H
#include <linux/printk.h>
#endif
