/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_MAJOR_H
#define _LINUX_MAJOR_H
#define MISC_MAJOR 10
#endif
