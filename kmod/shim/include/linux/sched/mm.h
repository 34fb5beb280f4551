/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_SCHED_MM_H
#define _LINUX_SCHED_MM_H
#include <linux/sched.h>
#include <linux/mm_types.h>
void mmgrab(struct mm_struct *mm);
void mmdrop(struct mm_struct *mm);
#endif
