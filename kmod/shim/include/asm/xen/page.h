/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An auto-translated guest has no p2m of its own to keep: a pfn is its
 * gfn, and the hypervisor tracks which gfns show foreign grants.
 */
#ifndef _ASM_X86_XEN_PAGE_H
#define _ASM_X86_XEN_PAGE_H

#include <linux/init.h>
#include <linux/types.h>
#include <asm/page.h>
#include <linux/mm_types.h>
#include <asm/pgtable.h>
#include <xen/interface/xen.h>

typedef struct xmaddr {
	phys_addr_t maddr;
} xmaddr_t;

typedef struct xpaddr {
	phys_addr_t paddr;
} xpaddr_t;

#define XMADDR(x)	((xmaddr_t) { .maddr = (x) })
#define XPADDR(x)	((xpaddr_t) { .paddr = (x) })

#define INVALID_P2M_ENTRY	(~0UL)
#define FOREIGN_FRAME_BIT	(1UL << 62)
#define FOREIGN_FRAME(m)	((m) | FOREIGN_FRAME_BIT)

static inline unsigned long pfn_to_gfn(unsigned long pfn) { return pfn; }
static inline unsigned long gfn_to_pfn(unsigned long gfn) { return gfn; }
#define pfn_to_bfn pfn_to_gfn
#define bfn_to_pfn gfn_to_pfn
#define virt_to_gfn(v)	(pfn_to_gfn(virt_to_pfn(v)))
#define gfn_to_virt(g)	(__va(gfn_to_pfn(g) << XEN_PAGE_SHIFT))
/* A pte for a machine frame: a gfn, the guest being auto-translated. */
static inline pte_t mfn_pte(unsigned long mfn, pgprot_t prot)
{
	return pfn_pte(mfn, prot);
}

xmaddr_t arbitrary_virt_to_machine(void *address);

struct gnttab_map_grant_ref;
struct gnttab_unmap_grant_ref;
struct page;
int set_foreign_p2m_mapping(struct gnttab_map_grant_ref *map_ops,
			    struct gnttab_map_grant_ref *kmap_ops,
			    struct page **pages, unsigned int count);
int clear_foreign_p2m_mapping(struct gnttab_unmap_grant_ref *unmap_ops,
			      struct gnttab_unmap_grant_ref *kunmap_ops,
			      struct page **pages, unsigned int count);

#endif
