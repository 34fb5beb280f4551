/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * __HYPERVISOR_memory_op (xen/common/memory.c: do_memory_op), the part a
 * control domain's kernel uses to map another domain's pages by gfn:
 * Linux's xlate_mmu.c, under privcmd's IOCTL_PRIVCMD_MMAPBATCH(_V2), asks
 * XENMEM_add_to_physmap_batch (Linux: XENMEM_add_to_physmap_range) with
 * XENMAPSPACE_gmfn_foreign to show a foreign gfn at a gfn of its own, and
 * XENMEM_remove_from_physmap to take it away again.  Under
 * IOCTL_PRIVCMD_MMAP_RESOURCE it asks XENMEM_acquire_resource for another
 * domain's grant-table frames (XENMEM_resource_grant_table, id shared),
 * which shows them at gfns of its own: pages of the owner's shared fd.
 *
 * A mapping is a p2m override of the caller's gfn (domain.h
 * domain_p2m_map_foreign): the caller's kernel is sent the p2m update with
 * the reply and remaps its view of that gfn, and the owner's memory stays
 * while the mapping does, even after the owner's death.
 *
 * Every other sub-op, modelled nowhere in hvsim, is -ENOSYS.
 */
#ifndef HVSIM_MEMORY_OP_H
#define HVSIM_MEMORY_OP_H

#include <stdint.h>

#include "domain.h"
#include "guest_mem.h"

/*
 * `cmd` is the hypercall's first argument: the sub-op in its low bits, a
 * continuation's start extent above (Xen's MEMOP_EXTENT_SHIFT).  Returns
 * what the hypercall returns.
 */
long memory_op(struct domain *cur, uint64_t cmd, uint64_t arg, const struct guest_mem *m);

#endif
