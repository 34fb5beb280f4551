/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Linux 6.7's privcmd.c includes this for fdget() in its irqfd, compiled
 * only with CONFIG_XEN_PRIVCMD_EVENTFD (not configured: see
 * linux/eventfd.h).  Files here are the shim's (linux/fs.h, shim/fs.c).
 */
#ifndef _LINUX_FILE_H
#define _LINUX_FILE_H
#include <linux/fs.h>
#endif
