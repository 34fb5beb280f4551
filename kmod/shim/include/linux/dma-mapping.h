/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_DMA_MAPPING_H
#define _LINUX_DMA_MAPPING_H
/* Grant DMA allocation is configured out; gntdev includes this only. */
#include <linux/types.h>
#include <linux/device.h>
#define DMA_BIT_MASK(n)	(((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))
#endif
