/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Linux 6.7's privcmd.c includes this for its irqfd and ioeventfd, which
 * are compiled only with CONFIG_XEN_PRIVCMD_EVENTFD (virtio backends,
 * CONFIG_XEN_VIRTIO): not configured here (linux/kconfig.h), so privcmd
 * answers those ioctls EOPNOTSUPP and nothing of eventfd is needed.
 */
#ifndef _LINUX_EVENTFD_H
#define _LINUX_EVENTFD_H
#endif
