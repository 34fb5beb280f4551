/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_PREEMPT_H
#define _LINUX_PREEMPT_H
#define preempt_disable()	do { } while (0)
#define preempt_enable()	do { } while (0)
#define in_interrupt()		0
#define in_atomic()		0
#endif
