/* SPDX-License-Identifier: GPL-2.0-only */
/* xen-ops.h includes it; grant DMA for virtio is configured out. */
#ifndef _LINUX_VIRTIO_ANCHOR_H
#define _LINUX_VIRTIO_ANCHOR_H
struct virtio_device;
#endif
