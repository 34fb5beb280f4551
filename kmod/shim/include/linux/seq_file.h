/* SPDX-License-Identifier: GPL-2.0-only */
/* privcmd.c includes it; nothing of it is used. */
#ifndef _LINUX_SEQ_FILE_H
#define _LINUX_SEQ_FILE_H
#include <linux/mm.h>
#endif
