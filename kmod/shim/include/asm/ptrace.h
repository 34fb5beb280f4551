/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_X86_PTRACE_H
#define _ASM_X86_PTRACE_H
/* An interrupted context; the vCPU thread's upcall has none to give. */
struct pt_regs;
#endif
