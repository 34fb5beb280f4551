/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bit operations on memory shared with the hypervisor (the event bitmaps
 * and words): always atomic, since hvsimd changes them from another process.
 */
#ifndef _ASM_X86_SYNC_BITOPS_H
#define _ASM_X86_SYNC_BITOPS_H

#include <linux/bitops.h>

#define sync_set_bit(nr, addr)		set_bit((nr), (addr))
#define sync_clear_bit(nr, addr)	clear_bit((nr), (addr))
#define sync_test_and_set_bit(nr, addr)	test_and_set_bit((nr), (addr))
#define sync_test_and_clear_bit(nr, addr) test_and_clear_bit((nr), (addr))
#define sync_test_bit(nr, addr)		test_bit((nr), (addr))

#endif
