/* SPDX-License-Identifier: GPL-2.0-only */
/* CPUs (one, see linux/cpumask.h); page allocation comes with it, as in Linux. */
#ifndef _LINUX_CPU_H
#define _LINUX_CPU_H
#include <linux/cpumask.h>
#include <linux/smp.h>
#include <linux/gfp.h>
#include <asm/page.h>
#endif
