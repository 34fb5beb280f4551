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
struct kobj_uevent_env;

/* The driver model's types, for the headers that embed them (xenbus.h). */
struct device_driver {
	const char *name;
	const char *mod_name;
};
#endif
