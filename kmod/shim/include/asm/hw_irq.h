/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_X86_HW_IRQ_H
#define _ASM_X86_HW_IRQ_H
/* The vector Xen's upcall would arrive on, were there an IDT. */
#define HYPERVISOR_CALLBACK_VECTOR 0xf3
#endif
