/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_DEVICE_H
#define _LINUX_DEVICE_H
#include <linux/types.h>
#include <linux/kernel.h>
struct device {
	const char *init_name;
	dev_t devt;
};
struct attribute_group;
#endif
