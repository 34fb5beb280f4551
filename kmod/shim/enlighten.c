// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's view of the hypervisor: what kind of domain this is, its
 * feature flags, its shared_info page, and the hypercall entry points,
 * which hand Xen's ABI structs to the host transport unchanged.
 */
#include <linux/kernel.h>
#include <xen/xen.h>
#include <xen/features.h>
#include <xen/interface/xen.h>
#include <xen/interface/grant_table.h>
#include <xen/interface/event_channel.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>

#include "hostif.h"
#include "shim.h"

enum xen_domain_type xen_domain_type = XEN_NATIVE;
uint32_t xen_start_flags;
struct shared_info *HYPERVISOR_shared_info;
struct start_info *xen_start_info;
u8 xen_features[XENFEAT_NR_SUBMAPS * 32];

/*
 * An HVM/PVH-style guest: auto-translated physmap, so gntdev maps grants
 * into gfns and inserts pages, and never edits page tables.
 */
void xen_setup_features(void)
{
	xen_domain_type = XEN_HVM_DOMAIN;
	HYPERVISOR_shared_info = hostk_shared_info();
	xen_features[XENFEAT_writable_page_tables] = 1;
	xen_features[XENFEAT_writable_descriptor_tables] = 1;
	xen_features[XENFEAT_auto_translated_physmap] = 1;
	xen_features[XENFEAT_supervisor_mode_kernel] = 0;
	xen_features[XENFEAT_hvm_callback_vector] = 1;
	xen_features[XENFEAT_hvm_safe_pvclock] = 1;
	xen_features[XENFEAT_hvm_pirqs] = 0;
}

int HYPERVISOR_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
	unsigned long long *frames = NULL;

	if (cmd == GNTTABOP_setup_table) {
		struct gnttab_setup_table *setup = uop;

		BUILD_BUG_ON(sizeof(xen_pfn_t) != sizeof(unsigned long long));
		frames = (unsigned long long *)setup->frame_list;
	}
	return hostk_grant_table_op(cmd, uop, count, frames);
}

int HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return hostk_event_channel_op(cmd, arg);
}

/* PV only: an auto-translated guest has no machine addresses to give. */
xmaddr_t arbitrary_virt_to_machine(void *vaddr)
{
	return XMADDR(__pa(vaddr));
}

int set_foreign_p2m_mapping(struct gnttab_map_grant_ref *map_ops,
			    struct gnttab_map_grant_ref *kmap_ops,
			    struct page **pages, unsigned int count)
{
	/* The hypervisor keeps an auto-translated guest's p2m. */
	return 0;
}

int clear_foreign_p2m_mapping(struct gnttab_unmap_grant_ref *unmap_ops,
			      struct gnttab_unmap_grant_ref *kunmap_ops,
			      struct page **pages, unsigned int count)
{
	return 0;
}
