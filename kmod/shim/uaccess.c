// SPDX-License-Identifier: GPL-2.0-only
/*
 * copy_{from,to}_user reach the calling program's memory with
 * process_vm_readv/writev.  A pointer the program cannot use (NULL, wild,
 * unmapped, read-only for a write) copies short, and the drivers turn that
 * into EFAULT exactly as they do on Linux.
 */
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <linux/sched.h>
#include <linux/mm_types.h>

#include "hostif.h"

unsigned long _copy_from_user(void *to, const void __user *from, unsigned long n)
{
	struct task_struct *t = current;

	if (!n)
		return 0;
	if (!t->mm)
		return n;
	return hostk_copy_from_user(t->pid, to, (unsigned long)from, n);
}

unsigned long _copy_to_user(void __user *to, const void *from, unsigned long n)
{
	struct task_struct *t = current;

	if (!n)
		return 0;
	if (!t->mm)
		return n;
	return hostk_copy_to_user(t->pid, (unsigned long)to, from, n);
}

unsigned long clear_user(void __user *to, unsigned long n)
{
	static const char zeroes[256];
	unsigned long done = 0;

	while (done < n) {
		unsigned long chunk = min_t(unsigned long, n - done, sizeof(zeroes));
		unsigned long left = _copy_to_user((char __user *)to + done, zeroes, chunk);

		done += chunk - left;
		if (left)
			break;
	}
	return n - done;
}
