/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_DELAY_H
#define _LINUX_DELAY_H
void msleep(unsigned int msecs);
unsigned long msleep_interruptible(unsigned int msecs);
void usleep_range(unsigned long min, unsigned long max);
#define udelay(n) usleep_range(n, n)
#define mdelay(n) msleep(n)
#endif
