/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H
#include <linux/compiler.h>
/* Nothing is discarded after boot in a user-space kernel. */
#define __init
#define __exit
#define __initdata
#define __initconst
#define __exitdata
#define __init_or_module
#define __ref
#include <linux/module.h>
#endif
