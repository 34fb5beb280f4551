/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * No bounce buffering: the kernel has no devices doing DMA.  Only the
 * types xen/swiotlb-xen.h declares with are here.
 */
#ifndef __LINUX_SWIOTLB_H
#define __LINUX_SWIOTLB_H
#include <linux/types.h>
#include <linux/device.h>
#include <linux/dma-direction.h>
struct dma_map_ops;
#endif
