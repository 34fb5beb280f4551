/* SPDX-License-Identifier: GPL-2.0-only */
/* Every kernel thread runs on the one vCPU, cpu 0. */
#ifndef _LINUX_SMP_H
#define _LINUX_SMP_H

#include <linux/cpumask.h>
#include <linux/preempt.h>

#define smp_processor_id()	0U
#define raw_smp_processor_id()	0U
#define get_cpu()		({ preempt_disable(); smp_processor_id(); })
#define put_cpu()		preempt_enable()

#endif
