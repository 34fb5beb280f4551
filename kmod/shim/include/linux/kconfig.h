/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel configuration the drivers are built with (force-included in
 * every kernel translation unit, as Kbuild force-includes its kconfig.h).
 * A Xen guest, 64-bit x86, auto-translated; dma-buf and grant DMA are
 * configured out, so the drivers compile without their dma paths.
 */
#ifndef _LINUX_KCONFIG_H
#define _LINUX_KCONFIG_H

#define CONFIG_XEN 1
#define CONFIG_X86 1
#define CONFIG_X86_64 1
#define CONFIG_64BIT 1
#define CONFIG_MMU 1
#define CONFIG_XEN_DEV_EVTCHN 1
#define CONFIG_XEN_GNTDEV 1
#define CONFIG_XEN_GRANT_DEV_ALLOC 1
#define CONFIG_XEN_PRIVCMD 1
/* dom0 is the initial domain (xen_initial_domain()); guests are
 * auto-translated, so privcmd maps foreign pages through xlate_mmu.c. */
#define CONFIG_XEN_DOM0 1
#define CONFIG_XEN_AUTO_XLATE 1
/* An HVM-style guest: Linux's events core takes its HVM paths. */
#define CONFIG_XEN_PVHVM 1
/* A PVH guest (xen_pvh): the grant table's frames are ballooned pages
 * placed with XENMEM_add_to_physmap (arch/x86/xen/grant-table.c). */
#define CONFIG_XEN_PVH 1
#define CONFIG_HZ 100
#define CONFIG_PAGE_OFFSET 0
/* Not set: CONFIG_XEN_GNTDEV_DMABUF, CONFIG_XEN_GRANT_DMA_ALLOC,
 * CONFIG_XEN_PV, CONFIG_XEN_UNPOPULATED_ALLOC (grant pages are ballooned
 * ones, shim/balloon.c); from Linux 6.7 CONFIG_XEN_PRIVCMD_EVENTFD
 * (privcmd's irqfd/ioeventfd for virtio backends: needs CONFIG_XEN_VIRTIO)
 * and CONFIG_XEN_ACPI (privcmd's PCIDEV_GET_GSI, 6.12), so those ioctls
 * answer EOPNOTSUPP and EINVAL, as on a kernel built without them. */

#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x)			___is_defined(x)
#define ___is_defined(val)		____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk)	__take_second_arg(arg1_or_junk 1, 0)
#define IS_BUILTIN(option) __is_defined(option)
#define IS_MODULE(option) __is_defined(option##_MODULE)
#define IS_ENABLED(option) (IS_BUILTIN(option) || IS_MODULE(option))
#define IS_REACHABLE(option) IS_ENABLED(option)

#endif
