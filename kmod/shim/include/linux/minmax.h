/* SPDX-License-Identifier: GPL-2.0-only */
/* The kernel's type-checking min/max: comparing distinct types warns. */
#ifndef _LINUX_MINMAX_H
#define _LINUX_MINMAX_H

#include <linux/compiler_types.h>

#define __typecheck(x, y) \
	(!!(sizeof((typeof(x) *)1 == (typeof(y) *)1)))
#define __cmp(x, y, op)	((x) op (y) ? (x) : (y))
#define __cmp_once(x, y, unique_x, unique_y, op) ({	\
		typeof(x) unique_x = (x);		\
		typeof(y) unique_y = (y);		\
		(void)__typecheck(unique_x, unique_y);	\
		__cmp(unique_x, unique_y, op); })
#define __careful_cmp(x, y, op) \
	__cmp_once(x, y, __UNIQUE_ID(__x), __UNIQUE_ID(__y), op)

#define min(x, y)	__careful_cmp(x, y, <)
#define max(x, y)	__careful_cmp(x, y, >)
#define min_t(type, x, y)	__careful_cmp((type)(x), (type)(y), <)
#define max_t(type, x, y)	__careful_cmp((type)(x), (type)(y), >)
#define clamp(val, lo, hi)	min((typeof(val))max(val, lo), hi)
#define swap(a, b) \
	do { typeof(a) __tmp = (a); (a) = (b); (b) = __tmp; } while (0)

#endif
