/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_PGTABLE_H
#define _ASM_PGTABLE_H
#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/page.h>

/*
 * There are no hardware page tables: a program maps a device's pages
 * itself, from the frames the kernel recorded for each page of the VMA.
 * A pte is such a record: a frame number and a present bit, which is
 * what apply_to_page_range() hands its callback (xlate_mmu.c, privcmd.c).
 */
typedef struct { unsigned long pte; } pte_t;
typedef struct { unsigned long pgprot; } pgprot_t;

#define _PAGE_PRESENT	0x001UL
#define PAGE_KERNEL	((pgprot_t){ 0 })
#define __pgprot(x)	((pgprot_t){ (x) })
#define pgprot_val(x)	((x).pgprot)
#define __pte(x)	((pte_t){ (x) })

static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return (pte_t){ (pfn << PAGE_SHIFT) | _PAGE_PRESENT };
}

static inline unsigned long pte_pfn(pte_t pte)
{
	return pte.pte >> PAGE_SHIFT;
}

/* A pte read once (another thread may be setting it). */
static inline pte_t ptep_get(pte_t *ptep)
{
	return READ_ONCE(*ptep);
}

static inline int pte_none(pte_t pte)
{
	return !pte.pte;
}

/* Every device mapping is special (VM_PFNMAP): no struct page refcounts. */
static inline pte_t pte_mkspecial(pte_t pte)
{
	return pte;
}

struct mm_struct;
void set_pte_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t pte);
#endif
