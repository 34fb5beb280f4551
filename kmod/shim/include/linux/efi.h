/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-ops.h includes it for the EFI calls, which a guest here never makes;
 * it also leans on it for the mm types (pgprot_t, vm_area_struct), which Linux's
 * efi.h brings in.
 */
#ifndef _LINUX_EFI_H
#define _LINUX_EFI_H
#include <linux/mm_types.h>
#endif
