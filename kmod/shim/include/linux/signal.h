/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_SIGNAL_H
#define _LINUX_SIGNAL_H
#define SIGIO		29
#define POLL_IN		1
#define POLL_OUT	2
#define POLL_MSG	3
#define POLL_ERR	4
#define POLL_PRI	5
#define POLL_HUP	6
#endif
