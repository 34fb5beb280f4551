/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU variables.  The guest kernel has one vCPU (cpu 0), so a per-CPU
 * variable is one ordinary variable and every CPU's copy is that one.
 */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H

#include <linux/types.h>

#define DECLARE_PER_CPU(type, name)	extern __typeof__(type) name
#define DEFINE_PER_CPU(type, name)	__typeof__(type) name
#define per_cpu(var, cpu)		(*((void)(cpu), &(var)))
#define this_cpu_read(var)		(var)
#define this_cpu_write(var, val)	((var) = (val))
#define __this_cpu_read(var)		(var)
#define __this_cpu_write(var, val)	((var) = (val))
#define __this_cpu_inc(var)		((var)++)
#define this_cpu_inc(var)		((var)++)

#endif
