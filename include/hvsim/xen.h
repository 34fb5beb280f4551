/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Xen public ABI as the project sees it from glibc code: Xen 4.17's own
 * public headers from libxen-dev, with the tools' interface version.
 */
#ifndef HVSIM_XEN_H
#define HVSIM_XEN_H

#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif
#include <stdint.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/event_channel.h>

#define XEN_PAGE_SHIFT 12
#define XEN_PAGE_SIZE  (1UL << XEN_PAGE_SHIFT)

#endif
