/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#include <linux/compiler_types.h>
#include <linux/version.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define barrier()	__asm__ __volatile__("" : : : "memory")
#define unreachable()	__builtin_unreachable()

/*
 * The shim runs on real threads of a real SMP host, so the kernel's
 * once-accessors must be real volatile accesses.
 */
#define __READ_ONCE(x)	(*(const volatile typeof(x) *)&(x))
#define READ_ONCE(x)	__READ_ONCE(x)
#define WRITE_ONCE(x, val) \
	do { *(volatile typeof(x) *)&(x) = (val); } while (0)

#define OPTIMIZER_HIDE_VAR(var) __asm__ ("" : "=r" (var) : "0" (var))

#define data_race(expr) (expr)

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
/*
 * Linux 6.7 moved __is_constexpr() from linux/const.h (staged from the
 * tree) to compiler.h, which the shim supplies.  1 if x is an integer
 * constant expression: only then is the void * operand below a null
 * pointer constant, which makes the conditional's type int *.
 */
#define __is_constexpr(x) \
	__builtin_types_compatible_p(typeof(1 ? (void *)((long)(x) * 0L) : (int *)1), int *)
#endif

#endif
