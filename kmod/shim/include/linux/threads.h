/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_THREADS_H
#define _LINUX_THREADS_H
/* One vCPU (see linux/percpu.h). */
#define NR_CPUS 1
#endif
