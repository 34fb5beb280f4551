/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_MATH_H
#define _LINUX_MATH_H
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define round_up(x, y) ((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y) ((x) & ~((__typeof__(x))((y) - 1)))
/* Type-generic, evaluating x once (math64.h uses it on s64 and s32). */
#define abs(x) ({ __typeof__(x) __abs_x = (x); __abs_x < 0 ? -__abs_x : __abs_x; })
#endif
