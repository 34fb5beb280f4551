/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_X86_DESC_H
#define _ASM_X86_DESC_H
/*
 * No IDT: upcalls come to the vCPU thread (asm/xen/events.h), so an
 * interrupt gate is never installed and its entry point never named.
 */
#define alloc_intr_gate(vector, addr)	do { (void)(vector); } while (0)
#endif
