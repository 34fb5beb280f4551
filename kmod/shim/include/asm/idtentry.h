/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 interrupt plumbing (IDT, I/O APIC) that Linux's Xen core includes.
 * The vCPU thread is this kernel's only interrupt entry, so there is none.
 */
