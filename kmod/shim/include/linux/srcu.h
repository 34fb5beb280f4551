/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Linux 6.7's privcmd.c includes this for the SRCU of its irqfd list,
 * compiled only with CONFIG_XEN_PRIVCMD_EVENTFD (not configured: see
 * linux/eventfd.h).  RCU itself is linux/rcupdate.h (shim/rcu.c).
 */
#ifndef _LINUX_SRCU_H
#define _LINUX_SRCU_H
#include <linux/rcupdate.h>
#endif
