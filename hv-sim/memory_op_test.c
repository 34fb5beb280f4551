// SPDX-License-Identifier: GPL-2.0-only
/*
 * memory_op: foreign mappings by gfn (XENMEM_add_to_physmap_batch with
 * XENMAPSPACE_gmfn_foreign, XENMEM_remove_from_physmap) as the control
 * domain's kernel makes them for privcmd, and as a domU is refused them;
 * a guest's own grant frames placed in its p2m (XENMEM_add_to_physmap
 * with XENMAPSPACE_grant_table, Linux's gnttab_map);
 * the p2m overrides and updates they make, and the owner's memory they
 * keep after its death.  Every expectation cites Xen 4.17's code.
 *
 * The caller's memory is a guest_mem_buffer: the struct at G(0), idxs[]
 * at G(IDXS), gpfns[] at G(GPFNS), errs[] at G(ERRS).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grant_table.h"
#include "guest_mem.h"
#include "memory_op.h"
#include "test_support.h"
#include <xen/memory.h>

#define SCRATCH_BASE 0x7f0000100000ULL
#define SCRATCH_LEN  (16 * 1024)
#define WILD         0x7f0000800000ULL
#define G(off)       (SCRATCH_BASE + (off))
#define IDXS  0x1000
#define GPFNS 0x2000
#define ERRS  0x3000

static uint8_t scratch[SCRATCH_LEN] __attribute__((aligned(64)));
static struct guest_mem_buffer gm;
static struct domain *dom0, *alice, *bob;

static void setup(void)
{
	hvtest_reset();
	dom0 = hvtest_domain("Domain-0");
	alice = hvtest_domain("alice");
	bob = hvtest_domain("bob");
	memset(scratch, 0xaa, sizeof(scratch));
	guest_mem_buffer_init(&gm);
	ck_assert_int_eq(guest_mem_buffer_add(&gm, SCRATCH_BASE, scratch, SCRATCH_LEN, true), 0);
}

static void teardown(void)
{
	domain_destroy_all();
}

static int32_t *errs(void)
{
	return (int32_t *)(scratch + ERRS);
}

/* Writes a batch (as xlate_mmu.c's remap_pte_fn builds it) and calls it. */
static long add_batch(struct domain *cur, domid_t domid, unsigned int space, domid_t foreign,
		      const uint64_t *idx, const uint64_t *gpfn, uint16_t n, uint64_t extent)
{
	struct xen_add_to_physmap_batch b = {
		.domid = domid, .space = (uint16_t)space, .size = n,
	};

	b.u.foreign_domid = foreign;
	set_xen_guest_handle(b.idxs, (xen_ulong_t *)(uintptr_t)G(IDXS));
	set_xen_guest_handle(b.gpfns, (xen_pfn_t *)(uintptr_t)G(GPFNS));
	set_xen_guest_handle(b.errs, (int *)(uintptr_t)G(ERRS));
	memcpy(scratch, &b, sizeof(b));
	memcpy(scratch + IDXS, idx, n * sizeof(*idx));
	memcpy(scratch + GPFNS, gpfn, n * sizeof(*gpfn));
	return memory_op(cur, XENMEM_add_to_physmap_batch | (extent << 6), G(0), &gm.mem);
}

static long map_one(struct domain *cur, domid_t foreign, uint64_t fgfn, uint64_t gpfn)
{
	return add_batch(cur, DOMID_SELF, XENMAPSPACE_gmfn_foreign, foreign, &fgfn, &gpfn, 1, 0);
}

static long remove_one(struct domain *cur, domid_t domid, uint64_t gpfn, uint64_t extent)
{
	struct xen_remove_from_physmap r = { .domid = domid, .gpfn = gpfn };

	memcpy(scratch, &r, sizeof(r));
	return memory_op(cur, XENMEM_remove_from_physmap | (extent << 6), G(0), &gm.mem);
}

static void drop_updates(struct domain *d)
{
	struct hvsim_p2m_update *u;

	domain_p2m_take_updates(d, &u);
	free(u);
}

/* p2m.c p2m_add_foreign: dom0's gfn shows the domU's page, both ways. */
START_TEST(control_domain_maps_a_domu_page)
{
	struct hvsim_p2m_update *u;
	uint8_t *view, *page;

	ck_assert_int_eq(map_one(dom0, alice->domid, 5, 100), 0);
	ck_assert_int_eq(errs()[0], 0);
	view = domain_gfn_to_virt(dom0, 100, true);
	page = domain_frame_to_virt(alice, 5);
	ck_assert_ptr_eq(view, page);
	view[7] = 0x5a;
	ck_assert_int_eq(((uint8_t *)domain_gfn_to_virt(alice, 5, false))[7], 0x5a);
	ck_assert_uint_eq(alice->foreign_refs, 1);
	/* the kernel is told with the reply, to remap its view of gfn 100 */
	ck_assert_uint_eq(domain_p2m_take_updates(dom0, &u), 1);
	ck_assert_uint_eq(u[0].gfn, 100);
	ck_assert_uint_eq(u[0].domid, alice->domid);
	ck_assert_uint_eq(u[0].frame, 5);
	ck_assert_uint_eq(u[0].flags, 0);
	free(u);

	/* remove_from_physmap: the gfn shows dom0's own page again */
	ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 100, 0), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 100, true), domain_frame_to_virt(dom0, 100));
	ck_assert_uint_eq(alice->foreign_refs, 0);
	ck_assert_uint_eq(domain_p2m_take_updates(dom0, &u), 1);
	ck_assert_uint_eq(u[0].domid, dom0->domid);
	ck_assert_uint_eq(u[0].frame, 100);
	free(u);
}
END_TEST

/*
 * Per-entry results go to errs[] and the call is 0
 * (memory.c xenmem_add_to_physmap_batch); p2m_add_foreign's codes.
 */
START_TEST(per_entry_errors)
{
	uint64_t idx[] = { 1, 1024, 2, 3, 4, 5 };
	uint64_t gpfn[] = { 200, 201, 202, 203, 204, 205 };

	/* fgfn 1024 is beyond alice's 1024 pages: get_page_from_gfn fails, -EINVAL */
	ck_assert_int_eq(add_batch(dom0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, alice->domid,
				   idx, gpfn, 3, 0), 0);
	ck_assert_int_eq(errs()[0], 0);
	ck_assert_int_eq(errs()[1], -EINVAL);
	ck_assert_int_eq(errs()[2], 0);
	ck_assert_uint_eq(alice->foreign_refs, 2);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 201, false), domain_frame_to_virt(dom0, 201));

	/* rcu_lock_remote_domain_by_id: no such domain -ESRCH, the caller -EPERM */
	ck_assert_int_eq(map_one(dom0, 77, 1, 210), 0);
	ck_assert_int_eq(errs()[0], -ESRCH);
	ck_assert_int_eq(map_one(dom0, 0, 1, 210), 0);
	ck_assert_int_eq(errs()[0], -EPERM);
	/* DOMID_XEN: no Xen heap pages in hvsim, get_page_from_gfn fails */
	ck_assert_int_eq(map_one(dom0, DOMID_XEN, 1, 210), 0);
	ck_assert_int_eq(errs()[0], -EINVAL);

	/* an INVALID_GFN gpfn ends the call with -EINVAL, nothing written for it */
	errs()[0] = 0x1234;
	ck_assert_int_eq(map_one(dom0, alice->domid, 1, ~0ULL), -EINVAL);
	ck_assert_int_eq(errs()[0], 0x1234);

	/* mapping again over a foreign mapping replaces it ("Remove previously mapped page") */
	ck_assert_int_eq(map_one(dom0, bob->domid, 9, 200), 0);
	ck_assert_int_eq(errs()[0], 0);
	ck_assert_uint_eq(alice->foreign_refs, 1);
	ck_assert_uint_eq(bob->foreign_refs, 1);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 200, false), domain_frame_to_virt(bob, 9));
}
END_TEST

/*
 * do_memory_op's own checks for XENMEM_add_to_physmap_batch, in order,
 * and xenmem_add_to_physmap_batch's on the extent.
 */
START_TEST(batch_argument_checks)
{
	uint64_t idx[] = { 1, 2 }, gpfn[] = { 300, 301 };

	ck_assert_int_eq(add_batch(dom0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, alice->domid,
				   idx, gpfn, 1, 0x10000), -EDOM);
	ck_assert_int_eq(memory_op(dom0, XENMEM_add_to_physmap_batch, WILD, &gm.mem), -EFAULT);
	ck_assert_int_eq(add_batch(dom0, DOMID_SELF, XENMAPSPACE_gmfn_range, alice->domid,
				   idx, gpfn, 1, 0), -EOPNOTSUPP);
	ck_assert_int_eq(add_batch(dom0, 555, XENMAPSPACE_gmfn_foreign, alice->domid,
				   idx, gpfn, 1, 0), -ESRCH);
	/* dev_mmio: hardware domain into itself only (xatp_permission_check) */
	ck_assert_int_eq(add_batch(dom0, alice->domid, XENMAPSPACE_dev_mmio, 0,
				   idx, gpfn, 1, 0), -EACCES);
	/* size < extent, size == extent */
	ck_assert_int_eq(add_batch(dom0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, alice->domid,
				   idx, gpfn, 1, 2), -EILSEQ);
	ck_assert_int_eq(add_batch(dom0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, alice->domid,
				   idx, gpfn, 1, 1), -EILSEQ);
	ck_assert_int_eq(add_batch(dom0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, alice->domid,
				   idx, gpfn, 0, 0), 0);
	/* a continuation's extent: only the entries from it are done */
	errs()[0] = 0x77;
	ck_assert_int_eq(add_batch(dom0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, alice->domid,
				   idx, gpfn, 2, 1), 0);
	ck_assert_int_eq(errs()[0], 0x77);
	ck_assert_int_eq(errs()[1], 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 301, false), domain_frame_to_virt(alice, 2));
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 300, false), domain_frame_to_virt(dom0, 300));
	/* an unknown space: xenmem_add_to_physmap_one finds no mfn, -EINVAL */
	ck_assert_int_eq(add_batch(dom0, DOMID_SELF, 42, 0, idx, gpfn, 1, 0), 0);
	ck_assert_int_eq(errs()[0], -EINVAL);
	/* unknown sub-ops are not modelled */
	ck_assert_int_eq(memory_op(dom0, 63, G(0), &gm.mem), -ENOSYS);
}
END_TEST

/*
 * A domU: xsm_add_to_physmap(XSM_TARGET) refuses another domain's physmap
 * with -EPERM; into its own, p2m_add_foreign's arch_acquire_resource_check
 * refuses each entry with -EPERM (only the hardware domain maps foreign
 * pages), and nothing changes.
 */
START_TEST(domu_is_refused)
{
	uint64_t idx = 3, gpfn = 40;

	ck_assert_int_eq(add_batch(bob, alice->domid, XENMAPSPACE_gmfn_foreign, alice->domid,
				   &idx, &gpfn, 1, 0), -EPERM);
	ck_assert_int_eq(map_one(bob, alice->domid, 3, 40), 0);
	ck_assert_int_eq(errs()[0], -EPERM);
	ck_assert_int_eq(map_one(bob, 0, 3, 40), 0);
	ck_assert_int_eq(errs()[0], -EPERM);
	ck_assert_ptr_eq(domain_gfn_to_virt(bob, 40, false), domain_frame_to_virt(bob, 40));
	ck_assert_uint_eq(alice->foreign_refs, 0);
	ck_assert_uint_eq(bob->p2m.count, 0);
	/* xsm_remove_from_physmap(XSM_TARGET): not on another domain */
	ck_assert_int_eq(remove_one(bob, alice->domid, 3, 0), -EPERM);
}
END_TEST

/* do_memory_op's XENMEM_remove_from_physmap checks, in order. */
START_TEST(remove_checks)
{
	ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 100, 1), -EINVAL);
	ck_assert_int_eq(memory_op(dom0, XENMEM_remove_from_physmap, WILD, &gm.mem), -EFAULT);
	ck_assert_int_eq(remove_one(dom0, 555, 100, 0), -ESRCH);
	/* get_page_from_gfn finds nothing beyond RAM */
	ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 1024, 0), -ENOENT);
	/* the control domain may remove from another's physmap (XSM_TARGET) */
	ck_assert_int_eq(map_one(dom0, alice->domid, 1, 100), 0);
	ck_assert_int_eq(remove_one(dom0, dom0->domid, 100, 0), 0);
	ck_assert_uint_eq(alice->foreign_refs, 0);
	ck_assert_uint_eq(dom0->p2m.count, 0);
}
END_TEST

/*
 * The owner's death: its pages stay while mapped (p2m_add_foreign holds a
 * page reference until remove_from_physmap), the domain a zombie, then
 * gone.
 */
START_TEST(mapping_keeps_a_dead_owner)
{
	uint8_t *view;

	*(uint32_t *)domain_frame_to_virt(alice, 6) = 0xfeedf00d;
	ck_assert_int_eq(map_one(dom0, alice->domid, 6, 100), 0);
	ck_assert_int_eq(errs()[0], 0);
	drop_updates(dom0);
	ck_assert_int_eq(domain_destroy(alice), 0);
	ck_assert_int_eq(alice->state, DOMAIN_DYING);
	view = domain_gfn_to_virt(dom0, 100, false);
	ck_assert_ptr_nonnull(view);
	ck_assert_uint_eq(*(uint32_t *)view, 0xfeedf00d);
	/* a dying domain's pages are not mapped anew */
	ck_assert_int_eq(map_one(dom0, alice->domid, 7, 101), 0);
	ck_assert_int_eq(errs()[0], -EINVAL);
	ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 100, 0), 0);
	ck_assert_int_eq(alice->state, DOMAIN_DEAD);
}
END_TEST

/* dom0's kernel gone (domain_p2m_clear_all): its mappings' references go. */
START_TEST(clear_all_releases_references)
{
	ck_assert_int_eq(map_one(dom0, alice->domid, 6, 100), 0);
	ck_assert_int_eq(map_one(dom0, alice->domid, 7, 101), 0);
	ck_assert_int_eq(domain_destroy(alice), 0);
	ck_assert_int_eq(alice->state, DOMAIN_DYING);
	domain_p2m_clear_all(dom0);
	ck_assert_int_eq(alice->state, DOMAIN_DEAD);
	ck_assert_uint_eq(dom0->p2m.count, 0);
	ck_assert_uint_eq(dom0->foreign_gfns.count, 0);
	/* and mapping again still works */
	ck_assert_int_eq(map_one(dom0, bob->domid, 1, 100), 0);
	ck_assert_int_eq(errs()[0], 0);
}
END_TEST

/* XENMEM_acquire_resource ------------------------------------------------ */

/* The struct at G(0), its frame_list at G(GPFNS) (or NULL), then the call. */
static long acquire(struct domain *cur, domid_t domid, unsigned int type, unsigned int id,
		    uint64_t frame, uint32_t nr, bool list, uint64_t extent)
{
	struct xen_mem_acquire_resource x = {
		.domid = domid, .type = (uint16_t)type, .id = id, .nr_frames = nr,
		.frame = frame,
	};

	if (list)
		set_xen_guest_handle(x.frame_list, (xen_pfn_t *)(uintptr_t)G(GPFNS));
	memcpy(scratch, &x, sizeof(x));
	return memory_op(cur, XENMEM_acquire_resource | (extent << 6), G(0), &gm.mem);
}

static long acquire_table(struct domain *cur, domid_t domid, uint64_t frame, uint32_t nr)
{
	return acquire(cur, domid, XENMEM_resource_grant_table,
		       XENMEM_resource_grant_table_id_shared, frame, nr, true, 0);
}

/* The frame list: gfns[i] = first + i. */
static void set_gfns(uint64_t first, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		((uint64_t *)(scratch + GPFNS))[i] = first + i;
}

static uint32_t answered_nr_frames(void)
{
	return ((struct xen_mem_acquire_resource *)scratch)->nr_frames;
}

/*
 * memory.c acquire_resource: a NULL frame list asks the size
 * (gnttab_resource_max_frames: max_grant_frames); with one, the caller's
 * gfns show the grant frames themselves (gnttab_acquire_resource,
 * set_foreign_p2m_entry): what the owner's kernel writes is seen there.
 * The p2m update names the owner's shared fd.  remove_from_physmap undoes
 * it.
 */
START_TEST(acquire_maps_grant_frames)
{
	struct hvsim_p2m_update *u;
	grant_entry_v1_t *seen;

	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_grant_table,
				 XENMEM_resource_grant_table_id_shared, 0, 0, false, 0), 0);
	ck_assert_uint_eq(answered_nr_frames(), HVSIM_MAX_GRANT_FRAMES);
	ck_assert_uint_eq(dom0->p2m.count, 0);

	set_gfns(300, 2);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 2), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 300, true), domain_grant_frame(alice, 0));
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 301, true), domain_grant_frame(alice, 1));
	hvtest_gnttab_entry(alice, 8)->frame = 0x1234;
	hvtest_gnttab_entry(alice, 8)->domid = 0;
	hvtest_gnttab_entry(alice, 8)->flags = GTF_permit_access;
	seen = (grant_entry_v1_t *)domain_gfn_to_virt(dom0, 300, false) + 8;
	ck_assert_uint_eq(seen->flags, GTF_permit_access);
	ck_assert_uint_eq(seen->frame, 0x1234);
	ck_assert_uint_eq(alice->foreign_refs, 2);
	ck_assert_uint_eq(domain_p2m_take_updates(dom0, &u), 2);
	for (unsigned int i = 0; i < 2; i++) {
		ck_assert_uint_eq(u[i].gfn, 300 + i);
		ck_assert_uint_eq(u[i].domid, alice->domid);
		ck_assert_uint_eq(u[i].frame, HVSIM_GRANT_FRAME0_PAGE + i);
		ck_assert_uint_eq(u[i].flags, HVSIM_P2M_SHARED);
	}
	free(u);

	/* set_typed_p2m_entry: the same mapping again is 0, no new reference */
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 1), 0);
	ck_assert_uint_eq(alice->foreign_refs, 2);
	/* any other mapping over a foreign entry: -EPERM (Xen also crashes dom0) */
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 1, 1), -EPERM);
	ck_assert_int_eq(acquire_table(dom0, bob->domid, 0, 1), -EPERM);

	ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 300, 0), 0);
	ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 301, 0), 0);
	ck_assert_uint_eq(alice->foreign_refs, 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 300, true), domain_frame_to_virt(dom0, 300));
	ck_assert_uint_eq(domain_p2m_take_updates(dom0, &u), 2);
	ck_assert_uint_eq(u[0].flags, 0);
	ck_assert_uint_eq(u[0].domid, dom0->domid);
	ck_assert_uint_eq(u[0].frame, 300);
	free(u);
}
END_TEST

/* memory.c acquire_resource's checks, in Xen's order, with its codes. */
START_TEST(acquire_checks)
{
	/* arch_acquire_resource_check: a translated domU is not the hardware domain */
	ck_assert_int_eq(acquire(bob, alice->domid, XENMEM_resource_grant_table, 0, 0, 0,
				 false, 0), -EACCES);
	ck_assert_int_eq(memory_op(dom0, XENMEM_acquire_resource, WILD, &gm.mem), -EFAULT);
	/* pad, then frame and frame + nr_frames within 32 bits */
	acquire(dom0, alice->domid, XENMEM_resource_grant_table, 0, 0, 0, false, 0);
	((struct xen_mem_acquire_resource *)scratch)->pad = 1;
	ck_assert_int_eq(memory_op(dom0, XENMEM_acquire_resource, G(0), &gm.mem), -EINVAL);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 1ULL << 32, 1), -EINVAL);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0xffffffffULL, 1), -EINVAL);
	/* rcu_lock_remote_domain_by_id: none (DOMID_SELF is no domain's id), itself */
	ck_assert_int_eq(acquire_table(dom0, 555, 0, 1), -ESRCH);
	ck_assert_int_eq(acquire_table(dom0, DOMID_SELF, 0, 1), -ESRCH);
	ck_assert_int_eq(acquire_table(dom0, dom0->domid, 0, 1), -EPERM);
	/* resource_max_frames 0: -EINVAL (vmtrace_buf: no buffer; a bad grant id) */
	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_vmtrace_buf, 0, 0, 0,
				 false, 0), -EINVAL);
	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_grant_table, 7, 0, 0,
				 false, 0), -EINVAL);
	/* an unknown type: -EOPNOTSUPP taken for a size by the query */
	ck_assert_int_eq(acquire(dom0, alice->domid, 9, 0, 0, 0, false, 0), 0);
	ck_assert_uint_eq(answered_nr_frames(), (uint32_t)-EOPNOTSUPP);
	set_gfns(300, 1);
	ck_assert_int_eq(acquire(dom0, alice->domid, 9, 0, 0, 1, true, 0), -EOPNOTSUPP);
	/* status frames: sized for v2 (x86's GNTTAB_MAX_VERSION), absent in v1 */
	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_grant_table,
				 XENMEM_resource_grant_table_id_status, 0, 0, false, 0), 0);
	ck_assert_uint_eq(answered_nr_frames(), 8);
	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_grant_table,
				 XENMEM_resource_grant_table_id_status, 0, 1, true, 0), -EINVAL);
	/* ioreq_server: sized (ioreq_server_max_frames), but there is no server */
	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_ioreq_server, 0, 0, 0,
				 false, 0), 0);
	ck_assert_uint_eq(answered_nr_frames(), 2);
	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_ioreq_server, 0, 0, 1,
				 true, 0), -ENOENT);
	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_ioreq_server, 0x10000, 0,
				 1, true, 0), -EINVAL);
	/* the query: no nr_frames, no continuation */
	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_grant_table, 0, 0, 1,
				 false, 0), -EINVAL);
	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_grant_table, 0, 0, 0,
				 false, 1), -EINVAL);
	/* with a list: start_extent < nr_frames <= UINT_MAX >> MEMOP_EXTENT_SHIFT */
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 0), -EINVAL);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, (UINT32_MAX >> 6) + 1), -EINVAL);
	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_grant_table, 0, 0, 1,
				 true, 1), -EINVAL);
	/* gnttab_get_shared_frame_mfn: a last frame beyond max_grant_frames */
	set_gfns(300, 2);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, HVSIM_MAX_GRANT_FRAMES - 1, 2),
			 -EINVAL);
	/* copy_from_guest of the frame list */
	memcpy(scratch, &(struct xen_mem_acquire_resource){
		.domid = alice->domid, .type = XENMEM_resource_grant_table, .nr_frames = 1,
	}, sizeof(struct xen_mem_acquire_resource));
	set_xen_guest_handle(((struct xen_mem_acquire_resource *)scratch)->frame_list,
			     (xen_pfn_t *)(uintptr_t)WILD);
	ck_assert_int_eq(memory_op(dom0, XENMEM_acquire_resource, G(0), &gm.mem), -EFAULT);
	ck_assert_uint_eq(dom0->p2m.count, 0);
	ck_assert_uint_eq(alice->foreign_refs, 0);
}
END_TEST

/*
 * set_foreign_p2m_entry's failures: the first frame's code, -EIO for a
 * later one in the same chunk of 32; earlier chunks stay mapped.  A gfn
 * hvsim cannot place (beyond dom0's RAM) is -EINVAL; one showing a grant
 * or foreign mapping -EPERM (p2m_is_special).  A continuation's
 * start_extent skips frames and list entries alike.
 */
START_TEST(acquire_frame_errors)
{
	set_gfns(1024, 1);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 1), -EINVAL);
	set_gfns(1023, 2);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 2), -EIO);
	ck_assert_uint_eq(alice->foreign_refs, 1);
	ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 1023, 0), 0);
	drop_updates(dom0);

	ck_assert_int_eq(map_one(dom0, bob->domid, 2, 500), 0);
	set_gfns(500, 1);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 1), -EPERM);
	ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 500, 0), 0);

	/* 34 frames: the second chunk's first gfn is bad, the first chunk stays */
	set_gfns(600, 34);
	((uint64_t *)(scratch + GPFNS))[32] = 5000;
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 34), -EINVAL);
	ck_assert_uint_eq(alice->foreign_refs, 32);
	for (unsigned int i = 0; i < 32; i++)
		ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 600 + i, 0), 0);
	set_gfns(600, 34);
	((uint64_t *)(scratch + GPFNS))[33] = 5000;
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 34), -EIO);
	ck_assert_uint_eq(alice->foreign_refs, 33);
	for (unsigned int i = 0; i < 33; i++)
		ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 600 + i, 0), 0);

	/* start_extent 1 of 2: frame 4 at the list's second gfn */
	set_gfns(700, 2);
	ck_assert_int_eq(acquire(dom0, alice->domid, XENMEM_resource_grant_table,
				 XENMEM_resource_grant_table_id_shared, 3, 2, true, 1), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 701, false), domain_grant_frame(alice, 4));
	ck_assert_uint_eq(dom0->foreign_gfns.count, 1);
}
END_TEST

/*
 * The owner's death: its grant frames stay while mapped, the domain a
 * zombie, then gone.  A zombie's frames are not mapped anew:
 * p2m_entry_modify's page_get_owner_and_reference fails for the frames
 * domain_kill relinquished (-EBUSY).
 */
START_TEST(grant_frames_keep_a_dead_owner)
{
	set_gfns(300, 1);
	hvtest_gnttab_entry(alice, 3)->frame = 0xbeef;
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 1), 0);
	drop_updates(dom0);
	ck_assert_int_eq(domain_destroy(alice), 0);
	ck_assert_int_eq(alice->state, DOMAIN_DYING);
	ck_assert_uint_eq(((grant_entry_v1_t *)domain_gfn_to_virt(dom0, 300, false))[3].frame,
			  0xbeef);
	set_gfns(301, 1);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 1, 1), -EBUSY);
	ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 300, 0), 0);
	ck_assert_int_eq(alice->state, DOMAIN_DEAD);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 1), -ESRCH);
}
END_TEST


/* XENMAPSPACE_grant_table ------------------------------------------------ */

/* XENMEM_add_to_physmap (one entry) as Linux's gnttab_map makes it. */
static long add_one(struct domain *cur, domid_t domid, unsigned int space, uint64_t idx,
		    uint64_t gpfn, uint64_t extent)
{
	struct xen_add_to_physmap x = {
		.domid = domid, .space = space, .idx = idx, .gpfn = gpfn,
	};

	memcpy(scratch, &x, sizeof(x));
	return memory_op(cur, XENMEM_add_to_physmap | (extent << 6), G(0), &gm.mem);
}

static long place_frame(struct domain *cur, uint64_t idx, uint64_t gpfn)
{
	return add_one(cur, DOMID_SELF, XENMAPSPACE_grant_table, idx, gpfn, 0);
}

/* The table's size now, as GNTTABOP_query_size says it. */
static unsigned int nr_grant_frames(struct domain *d)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };

	ck_assert_int_eq(gnttab_query_size_op(d, &q), 0);
	ck_assert_int_eq(q.status, GNTST_okay);
	return q.nr_frames;
}

/* The one p2m update queued for d: its gfn shows `frame` of `domid` (flags). */
static void expect_update(struct domain *d, uint64_t gfn, domid_t domid, uint64_t frame,
			  uint16_t flags)
{
	struct hvsim_p2m_update *u;

	ck_assert_uint_eq(domain_p2m_take_updates(d, &u), 1);
	ck_assert_uint_eq(u[0].gfn, gfn);
	ck_assert_uint_eq(u[0].domid, domid);
	ck_assert_uint_eq(u[0].frame, frame);
	ck_assert_uint_eq(u[0].flags, flags);
	free(u);
}

/*
 * Linux's gnttab_map for an auto-translated guest: frames placed backwards
 * from the last, so the first call grows the table (gnttab_map_frame,
 * gnttab_get_shared_frame_mfn: to idx + 1 frames) and the others find
 * their frame.  The gfn then shows the frame itself, both ways, with no
 * reference (the domain's own memory) and an update for its kernel.
 */
START_TEST(grant_frames_placed_as_linux_does)
{
	grant_entry_v1_t *view;

	ck_assert_uint_eq(nr_grant_frames(alice), 1);
	ck_assert_int_eq(place_frame(alice, 2, 502), 0);
	ck_assert_uint_eq(nr_grant_frames(alice), 3);
	expect_update(alice, 502, alice->domid, HVSIM_GRANT_FRAME0_PAGE + 2, HVSIM_P2M_SHARED);
	ck_assert_int_eq(place_frame(alice, 1, 501), 0);
	ck_assert_int_eq(place_frame(alice, 0, 500), 0);
	ck_assert_uint_eq(nr_grant_frames(alice), 3);
	drop_updates(alice);
	for (unsigned int i = 0; i < 3; i++)
		ck_assert_ptr_eq(domain_gfn_to_virt(alice, 500 + i, true),
				 domain_grant_frame(alice, i));
	/* what the kernel writes there is the table hvsimd reads */
	view = domain_gfn_to_virt(alice, 501, true);
	view[3].frame = 0x4321;
	ck_assert_uint_eq(hvtest_gnttab_entry(alice, 512 + 3)->frame, 0x4321);
	ck_assert_uint_eq(alice->foreign_refs, 0);
	ck_assert_uint_eq(alice->foreign_gfns.count, 0);
	/* RAM underneath is kept (hvsim has no holes) */
	ck_assert_ptr_ne(domain_gfn_to_virt(alice, 500, false), domain_frame_to_virt(alice, 500));
}
END_TEST

/*
 * gnttab_get_shared_frame_mfn: up to max_grant_frames; one beyond is
 * -EINVAL and grows nothing.  The index is an unsigned int there: its
 * upper 32 bits are dropped.  A v1 table has no status frames, so
 * XENMAPIDX_grant_table_status is only a large index.
 */
START_TEST(grant_frame_limits)
{
	ck_assert_int_eq(place_frame(alice, HVSIM_MAX_GRANT_FRAMES, 500), -EINVAL);
	ck_assert_uint_eq(nr_grant_frames(alice), 1);
	ck_assert_int_eq(place_frame(alice, 0xffffffffULL, 500), -EINVAL);
	ck_assert_int_eq(place_frame(alice, XENMAPIDX_grant_table_status | 1, 500), -EINVAL);
	ck_assert_uint_eq(alice->p2m.count, 0);
	ck_assert_int_eq(place_frame(alice, (1ULL << 32) | 1, 500), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(alice, 500, false), domain_grant_frame(alice, 1));
	ck_assert_int_eq(place_frame(alice, HVSIM_MAX_GRANT_FRAMES - 1, 501), 0);
	ck_assert_uint_eq(nr_grant_frames(alice), HVSIM_MAX_GRANT_FRAMES);
	/* the same frame at the same gfn again: nothing changes */
	drop_updates(alice);
	ck_assert_int_eq(place_frame(alice, 1, 500), 0);
	ck_assert_uint_eq(domain_p2m_take_updates(alice, &(struct hvsim_p2m_update *){ NULL }), 0);
}
END_TEST

/*
 * xenmem_add_to_physmap_one: "Unmap from old location" (the frame's old
 * gfn is removed: RAM again, where Xen leaves a hole) and "Remove
 * previously mapped page" (another grant frame is unhooked: it is then
 * nowhere).
 */
START_TEST(grant_frame_moves_and_replaces)
{
	ck_assert_int_eq(place_frame(alice, 0, 500), 0);
	drop_updates(alice);
	ck_assert_int_eq(place_frame(alice, 0, 600), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(alice, 600, false), domain_grant_frame(alice, 0));
	ck_assert_ptr_eq(domain_gfn_to_virt(alice, 500, false), domain_frame_to_virt(alice, 500));
	{
		struct hvsim_p2m_update *u;

		ck_assert_uint_eq(domain_p2m_take_updates(alice, &u), 2);
		ck_assert_uint_eq(u[0].gfn, 600);
		ck_assert_uint_eq(u[0].flags, HVSIM_P2M_SHARED);
		ck_assert_uint_eq(u[1].gfn, 500);
		ck_assert_uint_eq(u[1].domid, alice->domid);
		ck_assert_uint_eq(u[1].frame, 500);
		ck_assert_uint_eq(u[1].flags, 0);
		free(u);
	}
	/* frame 1 over frame 0: frame 0 is nowhere now */
	ck_assert_int_eq(place_frame(alice, 1, 600), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(alice, 600, false), domain_grant_frame(alice, 1));
	ck_assert_uint_eq(alice->p2m.count, 1);
	drop_updates(alice);
	/* so placing frame 0 again takes nothing away */
	ck_assert_int_eq(place_frame(alice, 0, 700), 0);
	expect_update(alice, 700, alice->domid, HVSIM_GRANT_FRAME0_PAGE, HVSIM_P2M_SHARED);
	ck_assert_uint_eq(alice->p2m.count, 2);
}
END_TEST

/*
 * What the gfn showed decides (xenmem_add_to_physmap_one's removal): a
 * grant frame of another domain acquired there (a special page) is
 * unhooked, its reference dropped; a page the domain does not own (a
 * foreign RAM page, a grant mapping) fails guest_remove_page's get_page
 * with -ENXIO, after the table has grown.
 */
START_TEST(grant_frame_over_other_mappings)
{
	set_gfns(300, 1);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 1), 0);
	ck_assert_uint_eq(alice->foreign_refs, 1);
	drop_updates(dom0);
	ck_assert_int_eq(place_frame(dom0, 0, 300), 0);
	ck_assert_uint_eq(alice->foreign_refs, 0);
	ck_assert_uint_eq(dom0->foreign_gfns.count, 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 300, false), domain_grant_frame(dom0, 0));
	{
		struct hvsim_p2m_update *u;

		/* the acquired frame goes, then dom0's own shows */
		ck_assert_uint_eq(domain_p2m_take_updates(dom0, &u), 2);
		ck_assert_uint_eq(u[1].gfn, 300);
		ck_assert_uint_eq(u[1].domid, dom0->domid);
		ck_assert_uint_eq(u[1].frame, HVSIM_GRANT_FRAME0_PAGE);
		ck_assert_uint_eq(u[1].flags, HVSIM_P2M_SHARED);
		free(u);
	}

	ck_assert_int_eq(map_one(dom0, alice->domid, 5, 100), 0);
	drop_updates(dom0);
	ck_assert_int_eq(place_frame(dom0, 3, 100), -ENXIO);
	ck_assert_uint_eq(nr_grant_frames(dom0), 4);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 100, false), domain_frame_to_virt(alice, 5));
	ck_assert_uint_eq(alice->foreign_refs, 1);

	ck_assert_int_eq(domain_p2m_set_foreign(bob, 40, alice->domid, 6, false), 0);
	drop_updates(bob);
	ck_assert_int_eq(place_frame(bob, 0, 40), -ENXIO);
	ck_assert_ptr_eq(domain_gfn_to_virt(bob, 40, false), domain_frame_to_virt(alice, 6));
	ck_assert_uint_eq(domain_p2m_take_updates(bob, &(struct hvsim_p2m_update *){ NULL }), 0);
	/* and a grant unmap naming a placed frame's gfn finds no grant there */
	ck_assert_int_eq(place_frame(bob, 0, 41), 0);
	ck_assert_int_eq(domain_p2m_clear_foreign(bob, 41, bob->domid, HVSIM_GRANT_FRAME0_PAGE),
			 -EINVAL);
}
END_TEST

/*
 * do_memory_op's XENMEM_add_to_physmap checks, in order, then
 * xenmem_add_to_physmap's; the control domain may place another domain's
 * frames in that domain's p2m (XSM_TARGET), a domU may not.
 */
START_TEST(add_to_physmap_checks)
{
	ck_assert_int_eq(add_one(alice, DOMID_SELF, XENMAPSPACE_grant_table, 0, 500, 0x10000),
			 -EDOM);
	ck_assert_int_eq(memory_op(alice, XENMEM_add_to_physmap, WILD, &gm.mem), -EFAULT);
	/* "Foreign mapping is only possible via add_to_physmap_batch." */
	ck_assert_int_eq(add_one(dom0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, 500, 0), -ENOSYS);
	ck_assert_int_eq(add_one(alice, 555, XENMAPSPACE_grant_table, 0, 500, 0), -ESRCH);
	ck_assert_int_eq(add_one(alice, bob->domid, XENMAPSPACE_grant_table, 0, 500, 0), -EPERM);
	ck_assert_int_eq(add_one(alice, DOMID_SELF, XENMAPSPACE_dev_mmio, 0, 500, 0), -EACCES);
	ck_assert_int_eq(add_one(alice, DOMID_SELF, XENMAPSPACE_grant_table, 0, ~0ULL, 0), -EINVAL);
	/* hvsim's p2m ends with RAM */
	ck_assert_int_eq(place_frame(alice, 0, 1024), -EINVAL);
	/* not modelled: a guest moving its own pages, the shared_info page */
	ck_assert_int_eq(add_one(alice, DOMID_SELF, XENMAPSPACE_gmfn_range, 0, 500, 0),
			 -EOPNOTSUPP);
	ck_assert_int_eq(add_one(alice, DOMID_SELF, XENMAPSPACE_gmfn, 0, 500, 0), -EOPNOTSUPP);
	ck_assert_int_eq(add_one(alice, DOMID_SELF, XENMAPSPACE_shared_info, 0, 500, 0),
			 -EOPNOTSUPP);
	ck_assert_int_eq(add_one(alice, DOMID_SELF, 42, 0, 500, 0), -EINVAL);
	ck_assert_uint_eq(alice->p2m.count, 0);
	/* the control domain on alice's p2m: alice's kernel is told */
	ck_assert_int_eq(add_one(dom0, alice->domid, XENMAPSPACE_grant_table, 1, 500, 0), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(alice, 500, false), domain_grant_frame(alice, 1));
	expect_update(alice, 500, alice->domid, HVSIM_GRANT_FRAME0_PAGE + 1, HVSIM_P2M_SHARED);
	ck_assert_uint_eq(dom0->p2m.count, 0);
	/* the batch takes the same space, entry by entry */
	{
		uint64_t idx[] = { 2, 64 }, gpfn[] = { 502, 503 };

		ck_assert_int_eq(add_batch(alice, DOMID_SELF, XENMAPSPACE_grant_table, 0,
					   idx, gpfn, 2, 0), 0);
		ck_assert_int_eq(errs()[0], 0);
		ck_assert_int_eq(errs()[1], -EINVAL);
		ck_assert_ptr_eq(domain_gfn_to_virt(alice, 502, false), domain_grant_frame(alice, 2));
	}
}
END_TEST

/*
 * A dying domain: its frames are relinquished, gnttab_map_frame's get_page
 * fails (-EBUSY).
 */
START_TEST(grant_frame_of_a_dying_domain)
{
	*(uint32_t *)domain_frame_to_virt(alice, 6) = 1;
	ck_assert_int_eq(map_one(dom0, alice->domid, 6, 100), 0);
	ck_assert_int_eq(domain_destroy(alice), 0);
	ck_assert_int_eq(alice->state, DOMAIN_DYING);
	ck_assert_int_eq(add_one(dom0, alice->domid, XENMAPSPACE_grant_table, 0, 500, 0), -EBUSY);
	ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 100, 0), 0);
}
END_TEST

/*
 * A placed frame is RAM to the rest of the p2m: remove_from_physmap takes
 * it away (RAM again), the control domain foreign-maps it by the owner's
 * gfn (it sees the frame), acquire_resource over it replaces it, and the
 * kernel's end (domain_p2m_clear_all) forgets where every frame was.
 */
START_TEST(placed_frames_and_the_rest_of_the_p2m)
{
	struct hvsim_p2m_update *u;

	ck_assert_int_eq(place_frame(alice, 0, 500), 0);
	drop_updates(alice);
	ck_assert_int_eq(remove_one(alice, DOMID_SELF, 500, 0), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(alice, 500, false), domain_frame_to_virt(alice, 500));
	expect_update(alice, 500, alice->domid, 500, 0);
	ck_assert_int_eq(place_frame(alice, 0, 501), 0);
	expect_update(alice, 501, alice->domid, HVSIM_GRANT_FRAME0_PAGE, HVSIM_P2M_SHARED);

	/* p2m_add_foreign: get_page_from_gfn finds alice's frame, RAM to Xen */
	hvtest_gnttab_entry(alice, 9)->frame = 0x99;
	ck_assert_int_eq(map_one(dom0, alice->domid, 501, 100), 0);
	ck_assert_int_eq(errs()[0], 0);
	ck_assert_uint_eq(((grant_entry_v1_t *)domain_gfn_to_virt(dom0, 100, false))[9].frame,
			  0x99);
	expect_update(dom0, 100, alice->domid, HVSIM_GRANT_FRAME0_PAGE, HVSIM_P2M_SHARED);
	ck_assert_uint_eq(alice->foreign_refs, 1);
	ck_assert_int_eq(remove_one(dom0, DOMID_SELF, 100, 0), 0);
	ck_assert_uint_eq(alice->foreign_refs, 0);
	drop_updates(dom0);

	/* dom0's own frame at 300, then alice's frame acquired over it */
	ck_assert_int_eq(place_frame(dom0, 0, 300), 0);
	drop_updates(dom0);
	set_gfns(300, 1);
	ck_assert_int_eq(acquire_table(dom0, alice->domid, 0, 1), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 300, false), domain_grant_frame(alice, 0));
	ck_assert_uint_eq(domain_p2m_take_updates(dom0, &u), 2);
	ck_assert_uint_eq(u[1].gfn, 300);
	ck_assert_uint_eq(u[1].domid, alice->domid);
	free(u);
	/* and a foreign map over a placed frame unhooks it too */
	ck_assert_int_eq(place_frame(dom0, 1, 301), 0);
	ck_assert_int_eq(map_one(dom0, alice->domid, 7, 301), 0);
	ck_assert_int_eq(errs()[0], 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 301, false), domain_frame_to_virt(alice, 7));
	drop_updates(dom0);

	/* alice's kernel gone: where its frames were is forgotten */
	domain_p2m_clear_all(alice);
	ck_assert_int_eq(place_frame(alice, 0, 502), 0);
	expect_update(alice, 502, alice->domid, HVSIM_GRANT_FRAME0_PAGE, HVSIM_P2M_SHARED);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("memory_op");
	TCase *tc = tcase_create("foreign");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, control_domain_maps_a_domu_page);
	tcase_add_test(tc, per_entry_errors);
	tcase_add_test(tc, batch_argument_checks);
	tcase_add_test(tc, domu_is_refused);
	tcase_add_test(tc, remove_checks);
	tcase_add_test(tc, mapping_keeps_a_dead_owner);
	tcase_add_test(tc, clear_all_releases_references);
	tcase_add_test(tc, acquire_maps_grant_frames);
	tcase_add_test(tc, acquire_checks);
	tcase_add_test(tc, acquire_frame_errors);
	tcase_add_test(tc, grant_frames_keep_a_dead_owner);
	tcase_add_test(tc, grant_frames_placed_as_linux_does);
	tcase_add_test(tc, grant_frame_limits);
	tcase_add_test(tc, grant_frame_moves_and_replaces);
	tcase_add_test(tc, grant_frame_over_other_mappings);
	tcase_add_test(tc, add_to_physmap_checks);
	tcase_add_test(tc, grant_frame_of_a_dying_domain);
	tcase_add_test(tc, placed_frames_and_the_rest_of_the_p2m);
	suite_add_tcase(s, tc);
	return hvtest_run(s);
}
