/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_PANIC_H
#define _LINUX_PANIC_H

#include <linux/compiler.h>

/* The kernel process stops, saying why (hostk_panic). */
__printf(1, 2) __attribute__((__noreturn__)) void panic(const char *fmt, ...);

#endif
