/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 interrupt plumbing (IDT, I/O APIC) that Linux's Xen core includes.
 * The vCPU thread is this kernel's only interrupt entry, so there is none.
 */
#ifndef _ASM_X86_IDTENTRY_H
#define _ASM_X86_IDTENTRY_H

#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
/*
 * Linux 6.9 (FRED) installs a system vector's handler with
 * sysvec_install() instead of asm/desc.h's alloc_intr_gate().  Never
 * reached here (xen_have_vector_callback is false), and the handler's
 * name is dropped unseen, as alloc_intr_gate drops its entry point.
 */
#define sysvec_install(vector, function)	do { (void)(vector); } while (0)
#endif

#endif
