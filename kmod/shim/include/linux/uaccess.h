/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User memory is the calling program's (current->mm), reached across
 * processes; a pointer it cannot reach copies nothing (EFAULT to callers).
 */
#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/sched.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/minmax.h>
#include <asm/page.h>

unsigned long _copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long _copy_to_user(void __user *to, const void *from, unsigned long n);

static inline __must_check unsigned long
copy_from_user(void *to, const void __user *from, unsigned long n)
{
	return _copy_from_user(to, from, n);
}

static inline __must_check unsigned long
copy_to_user(void __user *to, const void *from, unsigned long n)
{
	return _copy_to_user(to, from, n);
}

/* Zeroes n bytes of the program's memory; returns the bytes NOT zeroed. */
unsigned long clear_user(void __user *to, unsigned long n);

/*
 * x86-64's user address space with 4-level paging: a range that reaches
 * past it is refused before any copy, as Linux's access_ok refuses it
 * (the program's own mappings are checked when the copy runs).
 */
#define TASK_SIZE_MAX	((_AC(1, UL) << 47) - PAGE_SIZE)

static inline bool __access_ok(const void __user *ptr, unsigned long size)
{
	unsigned long addr = (unsigned long)ptr;

	return size <= TASK_SIZE_MAX && addr <= TASK_SIZE_MAX - size;
}
#define access_ok(addr, size) __access_ok((const void __user *)(addr), (size))

#define get_user(x, ptr) ({						\
	typeof(*(ptr)) __gu_val;					\
	int __gu_err = copy_from_user(&__gu_val, (ptr), sizeof(*(ptr))) ? -EFAULT : 0; \
	(x) = __gu_err ? (typeof(*(ptr)))0 : __gu_val;			\
	__gu_err; })

#define put_user(x, ptr) ({						\
	typeof(*(ptr)) __pu_val = (x);					\
	copy_to_user((ptr), &__pu_val, sizeof(*(ptr))) ? -EFAULT : 0; })

#define __get_user(x, ptr) get_user(x, ptr)
#define __put_user(x, ptr) put_user(x, ptr)

#endif
