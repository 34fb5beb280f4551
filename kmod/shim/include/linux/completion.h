/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_COMPLETION_H
#define _LINUX_COMPLETION_H

#include <linux/wait.h>

/* The type, for headers that embed one (xenbus.h); no driver here waits. */
struct completion {
	unsigned int done;
	wait_queue_head_t wait;
};

#endif
