/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_PGTABLE_H
#define _ASM_PGTABLE_H
#include <linux/types.h>
/* There are no page tables to edit: programs map the pages themselves. */
typedef struct { unsigned long pte; } pte_t;
typedef struct { unsigned long pgprot; } pgprot_t;
#endif
