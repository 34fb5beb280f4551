// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant tables: every status code, the check order, pin accounting (the
 * XSA-224 / XSA-234 scenarios), the guest's view of the shared flags, and
 * domain death.  The guest side is played by writing the shared entries
 * directly, as the guest kernel does from its own process.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>

#include "grant_table.h"
#include "hvsim/hypercall_ops.h"
#include "test_support.h"

#define PAGE XEN_PAGE_SIZE
#define ENTRIES_PER_FRAME_TEST 512

static struct domain *dom0, *A, *B;

static void setup(void)
{
	hvtest_reset();
	dom0 = hvtest_domain("dom0");
	A = hvtest_domain("granter");
	B = hvtest_domain("mapper");
}

static void teardown(void)
{
	domain_destroy_all();
}

/* Helpers ---------------------------------------------------------------- */

static struct gnttab_map_grant_ref map_op(struct domain *ld, domid_t dom,
					  grant_ref_t ref, uint64_t gfn, uint32_t flags)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = gfn << XEN_PAGE_SHIFT, .flags = flags, .ref = ref,
		.dom = dom, .status = 99, .handle = 0xdeadbeef,
	};

	gnttab_map_grant_ref_op(ld, &op);
	return op;
}

static int16_t map_status(struct domain *ld, domid_t dom, grant_ref_t ref,
			  uint64_t gfn, uint32_t flags)
{
	return map_op(ld, dom, ref, gfn, flags).status;
}

/* Maps and insists on success; returns the handle. */
static grant_handle_t map_ok(struct domain *ld, domid_t dom, grant_ref_t ref,
			     uint64_t gfn, uint32_t flags)
{
	struct gnttab_map_grant_ref op = map_op(ld, dom, ref, gfn, flags);

	ck_assert_msg(op.status == GNTST_okay, "map d%u ref %u at gfn %lu flags %#x: status %d",
		      dom, ref, (unsigned long)gfn, flags, op.status);
	return op.handle;
}

static int16_t unmap(struct domain *ld, grant_handle_t handle, uint64_t gfn)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = gfn << XEN_PAGE_SHIFT, .handle = handle, .status = 99,
	};

	gnttab_unmap_grant_ref_op(ld, &op);
	return op.status;
}

static int16_t copy(struct domain *ld, struct gnttab_copy op)
{
	op.status = 99;
	gnttab_copy_op(ld, &op);
	return op.status;
}

static uint16_t gflags(struct domain *d, grant_ref_t ref)
{
	return __atomic_load_n(&hvtest_gnttab_entry(d, ref)->flags, __ATOMIC_SEQ_CST);
}

/* The guest clears bits of an entry's flags, as an atomic and. */
static void guest_clear_flags(struct domain *d, grant_ref_t ref, uint16_t bits)
{
	__atomic_fetch_and(&hvtest_gnttab_entry(d, ref)->flags, (uint16_t)~bits,
			   __ATOMIC_SEQ_CST);
}

/*
 * Linux's gnttab_end_foreign_access_ref_v1: give up the grant only if the
 * hypervisor has no pin on it, with one cmpxchg to zero.
 */
static bool guest_end_foreign_access(struct domain *d, grant_ref_t ref)
{
	uint16_t *pflags = &hvtest_gnttab_entry(d, ref)->flags;
	uint16_t flags = __atomic_load_n(pflags, __ATOMIC_SEQ_CST);

	do {
		if (flags & (GTF_reading | GTF_writing))
			return false;
	} while (!__atomic_compare_exchange_n(pflags, &flags, 0, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	return true;
}

/* One field of entry `ref` in grant_table_dump; -1 if the entry is not listed. */
static long dump_entry_field(struct domain *d, grant_ref_t ref, const char *obj,
			     const char *field)
{
	struct json_object *dump = grant_table_dump(d), *entries, *e, *o, *v;
	long result = -1;

	ck_assert(json_object_object_get_ex(dump, "entries", &entries));
	for (size_t i = 0; i < json_object_array_length(entries); i++) {
		e = json_object_array_get_idx(entries, i);
		ck_assert(json_object_object_get_ex(e, "ref", &v));
		if (json_object_get_int64(v) != ref)
			continue;
		o = e;
		if (obj)
			ck_assert(json_object_object_get_ex(e, obj, &o));
		ck_assert(json_object_object_get_ex(o, field, &v));
		result = json_object_get_int64(v);
	}
	json_object_put(dump);
	return result;
}

static long pin(struct domain *d, grant_ref_t ref, const char *kind)
{
	long n = dump_entry_field(d, ref, "pin", kind);

	return n < 0 ? 0 : n;
}

static void assert_pins(struct domain *d, grant_ref_t ref, long host_ro, long host_rw)
{
	ck_assert_int_eq(pin(d, ref, "host_ro"), host_ro);
	ck_assert_int_eq(pin(d, ref, "host_rw"), host_rw);
	ck_assert_int_eq(pin(d, ref, "dev_ro"), 0);
	ck_assert_int_eq(pin(d, ref, "dev_rw"), 0);
}

static char *frame_text(struct domain *d, uint64_t frame)
{
	return domain_frame_to_virt(d, frame);
}

static void setup_frames(struct domain *d, uint32_t nr)
{
	struct gnttab_setup_table op = { .dom = DOMID_SELF, .nr_frames = nr };
	xen_pfn_t frames[HVSIM_MAX_GRANT_FRAMES];

	ck_assert_int_eq(gnttab_setup_table_op(d, &op, frames), 0);
	ck_assert_int_eq(op.status, GNTST_okay);
}

#define RW GNTMAP_host_map
#define RO (GNTMAP_host_map | GNTMAP_readonly)

/* Map and unmap ---------------------------------------------------------- */

START_TEST(test_map_shows_granted_page)
{
	struct gnttab_map_grant_ref op;
	char *seen;

	strcpy(frame_text(A, 5), "written by the granter");
	hvtest_grant(A, 10, B->domid, 5, false);
	op = map_op(B, A->domid, 10, 100, RW);
	ck_assert_int_eq(op.status, GNTST_okay);
	ck_assert_uint_eq(op.dev_bus_addr, 5ull << XEN_PAGE_SHIFT);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_reading | GTF_writing);
	assert_pins(A, 10, 0, 1);
	ck_assert_uint_eq(grant_table_active_entries(A), 1);
	ck_assert_uint_eq(grant_table_mappings(B), 1);

	seen = domain_gfn_to_virt(B, 100, true);
	ck_assert_ptr_nonnull(seen);
	ck_assert_str_eq(seen, "written by the granter");
	strcpy(seen, "written by the mapper");
	ck_assert_str_eq(frame_text(A, 5), "written by the mapper");

	ck_assert_int_eq(unmap(B, op.handle, 100), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 100, true), frame_text(B, 100));
	ck_assert_uint_eq(grant_table_active_entries(A), 0);
	ck_assert_uint_eq(grant_table_mappings(B), 0);
	ck_assert(guest_end_foreign_access(A, 10));
	ck_assert_uint_eq(gflags(A, 10), 0);
}
END_TEST

START_TEST(test_map_readonly)
{
	grant_handle_t h;

	strcpy(frame_text(A, 6), "read me");
	hvtest_grant(A, 11, B->domid, 6, false);
	h = map_ok(B, A->domid, 11, 100, RO);
	ck_assert_uint_eq(gflags(A, 11), GTF_permit_access | GTF_reading);
	assert_pins(A, 11, 1, 0);
	ck_assert_str_eq(domain_gfn_to_virt(B, 100, false), "read me");
	ck_assert_ptr_null(domain_gfn_to_virt(B, 100, true));
	ck_assert_int_eq(unmap(B, h, 100), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 11), GTF_permit_access);
}
END_TEST

START_TEST(test_readonly_grant_refused_for_writable_map)
{
	grant_handle_t h;

	hvtest_grant(A, 12, B->domid, 7, true);
	ck_assert_int_eq(map_status(B, A->domid, 12, 100, RW), GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 12), GTF_permit_access | GTF_readonly);
	ck_assert_uint_eq(grant_table_mappings(B), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 100, true), frame_text(B, 100));

	/* pinned read-only, a writable map still rechecks GTF_readonly */
	h = map_ok(B, A->domid, 12, 100, RO);
	ck_assert_int_eq(map_status(B, A->domid, 12, 101, RW), GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 12), GTF_permit_access | GTF_readonly | GTF_reading);
	assert_pins(A, 12, 1, 0);
	ck_assert_int_eq(unmap(B, h, 100), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 12), GTF_permit_access | GTF_readonly);
}
END_TEST

START_TEST(test_map_flag_checks_come_first)
{
	hvtest_grant(A, 10, B->domid, 5, false);
	/* neither host_map nor device_map: bad_gntref, before anything else */
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, 0), GNTST_bad_gntref);
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, GNTMAP_readonly), GNTST_bad_gntref);
	ck_assert_int_eq(map_status(B, 777, 99999, 100, 0), GNTST_bad_gntref);
	/* an auto-translated caller gets no device, application or PTE mapping */
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, GNTMAP_device_map),
			 GNTST_general_error);
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, GNTMAP_device_map | RO),
			 GNTST_general_error);
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, RW | GNTMAP_application_map),
			 GNTST_general_error);
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, RW | GNTMAP_contains_pte),
			 GNTST_general_error);
	ck_assert_int_eq(map_status(B, 777, 10, 100, GNTMAP_device_map), GNTST_general_error);
	/* nothing was pinned or mapped by any of them */
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(grant_table_mappings(B), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 100, false), frame_text(B, 100));
}
END_TEST

START_TEST(test_map_extra_flag_bits_undone)
{
	/* create_grant_p2m_mapping takes exactly host_map[|readonly] */
	hvtest_grant(A, 10, B->domid, 5, false);
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, RW | (1u << _GNTMAP_guest_avail0)),
			 GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	assert_pins(A, 10, 0, 0);
	ck_assert_uint_eq(grant_table_active_entries(A), 0);
	ck_assert_uint_eq(grant_table_mappings(B), 0);
}
END_TEST

START_TEST(test_map_bad_domain)
{
	ck_assert_int_eq(map_status(B, 777, 10, 100, RW), GNTST_bad_domain);
	ck_assert_int_eq(map_status(B, DOMID_FIRST_RESERVED, 10, 100, RW), GNTST_bad_domain);
	/* map takes a numeric domid: DOMID_SELF names no domain */
	hvtest_grant(B, 10, B->domid, 5, false);
	ck_assert_int_eq(map_status(B, DOMID_SELF, 10, 100, RW), GNTST_bad_domain);
	ck_assert_uint_eq(grant_table_mappings(B), 0);
}
END_TEST

START_TEST(test_map_of_destroyed_domain)
{
	domid_t a = A->domid;

	hvtest_grant(A, 10, B->domid, 5, false);
	ck_assert_int_eq(domain_destroy(A), 0);
	ck_assert_int_eq(A->state, DOMAIN_DEAD);
	ck_assert_int_eq(map_status(B, a, 10, 100, RW), GNTST_bad_domain);
}
END_TEST

START_TEST(test_map_bad_gntref)
{
	ck_assert_int_eq(map_status(B, A->domid, ENTRIES_PER_FRAME_TEST, 100, RW), GNTST_bad_gntref);
	ck_assert_int_eq(map_status(B, A->domid, UINT32_MAX, 100, RW), GNTST_bad_gntref);
	ck_assert_uint_eq(grant_table_mappings(B), 0);
	/* grown, the same ref is in range: now its (empty) entry is what is wrong */
	setup_frames(A, 2);
	ck_assert_int_eq(map_status(B, A->domid, ENTRIES_PER_FRAME_TEST, 100, RW),
			 GNTST_general_error);
	hvtest_grant(A, ENTRIES_PER_FRAME_TEST, B->domid, 5, false);
	ck_assert_int_eq(unmap(B, map_ok(B, A->domid, ENTRIES_PER_FRAME_TEST, 100, RW), 100),
			 GNTST_okay);
}
END_TEST

START_TEST(test_map_entry_checks)
{
	grant_entry_v1_t *e;

	/* granted to someone else */
	hvtest_grant(A, 10, dom0->domid, 5, false);
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, RW), GNTST_general_error);
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, RO), GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	/* never granted */
	ck_assert_int_eq(map_status(B, A->domid, 11, 100, RW), GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 11), 0);
	/* other entry types, and a sub-page grant, cannot be mapped */
	e = hvtest_gnttab_entry(A, 12);
	e->domid = B->domid;
	e->frame = 5;
	e->flags = GTF_accept_transfer;
	ck_assert_int_eq(map_status(B, A->domid, 12, 100, RW), GNTST_general_error);
	e->flags = GTF_transitive;
	ck_assert_int_eq(map_status(B, A->domid, 12, 100, RW), GNTST_general_error);
	e->flags = GTF_permit_access | GTF_sub_page;
	ck_assert_int_eq(map_status(B, A->domid, 12, 100, RW), GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 12), GTF_permit_access | GTF_sub_page);
	ck_assert_uint_eq(grant_table_mappings(B), 0);
	ck_assert_uint_eq(grant_table_active_entries(A), 0);
}
END_TEST

START_TEST(test_map_bad_page)
{
	uint64_t beyond = A->ram_pages;

	hvtest_grant(A, 10, B->domid, beyond, false);
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, RW), GNTST_bad_page);
	/* GTF_reading / GTF_writing were set for the check and are cleared again */
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(grant_table_active_entries(A), 0);
	ck_assert_uint_eq(grant_table_mappings(B), 0);
}
END_TEST

START_TEST(test_regrant_of_mapped_page_refused)
{
	grant_handle_t h;

	/* B maps A's page at its gfn 100, then grants its gfn 100 to dom0 */
	hvtest_grant(A, 10, B->domid, 5, false);
	h = map_ok(B, A->domid, 10, 100, RW);
	hvtest_grant(B, 20, dom0->domid, 100, false);
	ck_assert_int_eq(map_status(dom0, B->domid, 20, 100, RW), GNTST_general_error);
	ck_assert_uint_eq(gflags(B, 20), GTF_permit_access);
	ck_assert_int_eq(unmap(B, h, 100), GNTST_okay);
	/* once it is B's own page again, it can be mapped */
	ck_assert_int_eq(unmap(dom0, map_ok(dom0, B->domid, 20, 100, RW), 100), GNTST_okay);
}
END_TEST

START_TEST(test_map_host_addr_errors)
{
	grant_handle_t h;

	hvtest_grant(A, 10, B->domid, 5, false);
	hvtest_grant(A, 11, B->domid, 6, false);
	/* outside the caller's RAM */
	ck_assert_int_eq(map_status(B, A->domid, 10, B->ram_pages, RW), GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(grant_table_mappings(B), 0);
	/* onto a gfn that already shows a grant */
	h = map_ok(B, A->domid, 10, 100, RW);
	ck_assert_int_eq(map_status(B, A->domid, 11, 100, RW), GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 11), GTF_permit_access);
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 100, true), frame_text(A, 5));
	ck_assert_uint_eq(grant_table_mappings(B), 1);
	ck_assert_int_eq(unmap(B, h, 100), GNTST_okay);
}
END_TEST

START_TEST(test_self_grant)
{
	grant_handle_t h;

	strcpy(frame_text(A, 5), "mine");
	hvtest_grant(A, 10, A->domid, 5, false);
	h = map_ok(A, A->domid, 10, 200, RW);
	ck_assert_ptr_eq(domain_gfn_to_virt(A, 200, true), frame_text(A, 5));
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_reading | GTF_writing);
	/* the page's own gfn is not the mapping */
	ck_assert_int_eq(unmap(A, h, 5), GNTST_general_error);
	ck_assert_int_eq(unmap(A, h, 200), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);

	/* a domain that dies mapping its own grant goes at once */
	map_ok(A, A->domid, 10, 200, RW);
	ck_assert_int_eq(domain_destroy(A), 0);
	ck_assert_int_eq(A->state, DOMAIN_DEAD);
}
END_TEST

START_TEST(test_revocation_does_not_unmap)
{
	grant_handle_t h, h2;

	strcpy(frame_text(A, 5), "still here");
	hvtest_grant(A, 10, B->domid, 5, false);
	h = map_ok(B, A->domid, 10, 100, RW);

	/* the granter withdraws the grant while it is mapped */
	guest_clear_flags(A, 10, GTF_permit_access);
	ck_assert_uint_eq(gflags(A, 10), GTF_reading | GTF_writing);
	ck_assert_str_eq(domain_gfn_to_virt(B, 100, true), "still here");
	ck_assert(!guest_end_foreign_access(A, 10));

	/* a pinned entry is not rechecked: the same mapper maps it again */
	h2 = map_ok(B, A->domid, 10, 101, RO);
	assert_pins(A, 10, 1, 1);
	/* but nobody else may */
	ck_assert_int_eq(map_status(dom0, A->domid, 10, 100, RO), GNTST_general_error);

	ck_assert_int_eq(unmap(B, h, 100), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_reading);
	ck_assert(!guest_end_foreign_access(A, 10));
	ck_assert_int_eq(unmap(B, h2, 101), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), 0);
	ck_assert(guest_end_foreign_access(A, 10));
	/* unpinned, the withdrawn grant is checked again */
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, RW), GNTST_general_error);
}
END_TEST

START_TEST(test_dump_format)
{
	struct json_object *dump, *v, *arr, *e;
	grant_handle_t h;

	hvtest_grant(A, 10, B->domid, 5, true);
	h = map_ok(B, A->domid, 10, 100, RO);

	dump = grant_table_dump(A);
	ck_assert(json_object_object_get_ex(dump, "nr_frames", &v));
	ck_assert_int_eq(json_object_get_int(v), 1);
	ck_assert(json_object_object_get_ex(dump, "max_frames", &v));
	ck_assert_int_eq(json_object_get_int(v), HVSIM_MAX_GRANT_FRAMES);
	ck_assert(json_object_object_get_ex(dump, "entries", &arr));
	ck_assert_uint_eq(json_object_array_length(arr), 1);
	e = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_object_get_ex(e, "flags_decoded", &v));
	ck_assert_str_eq(json_object_get_string(v), "permit_access|readonly|reading");
	ck_assert(json_object_object_get_ex(e, "domid", &v));
	ck_assert_int_eq(json_object_get_int(v), B->domid);
	ck_assert(json_object_object_get_ex(e, "frame", &v));
	ck_assert_int_eq(json_object_get_int(v), 5);
	ck_assert(json_object_object_get_ex(e, "pinned_by", &v));
	ck_assert_int_eq(json_object_get_int(v), B->domid);
	json_object_put(dump);

	dump = grant_table_dump(B);
	ck_assert(json_object_object_get_ex(dump, "maptrack", &arr));
	ck_assert_uint_eq(json_object_array_length(arr), 1);
	e = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_object_get_ex(e, "handle", &v));
	ck_assert_uint_eq(json_object_get_int64(v), h);
	ck_assert(json_object_object_get_ex(e, "dom", &v));
	ck_assert_int_eq(json_object_get_int(v), A->domid);
	ck_assert(json_object_object_get_ex(e, "ref", &v));
	ck_assert_int_eq(json_object_get_int(v), 10);
	ck_assert(json_object_object_get_ex(e, "flags", &v));
	ck_assert_int_eq(json_object_get_int(v), RO);
	json_object_put(dump);

	/* withdrawn but pinned: listed with the hypervisor's bits only */
	guest_clear_flags(A, 10, GTF_permit_access | GTF_readonly);
	ck_assert_int_eq(dump_entry_field(A, 10, NULL, "flags"), GTF_reading);
	ck_assert_int_eq(unmap(B, h, 100), GNTST_okay);
	ck_assert_int_eq(dump_entry_field(A, 10, NULL, "flags"), -1);
}
END_TEST

/* Pin accounting: XSA-224 and XSA-234 ------------------------------------ */

START_TEST(test_ro_and_rw_pins_drop_separately)
{
	grant_handle_t ro, rw;

	hvtest_grant(A, 10, B->domid, 5, false);
	ro = map_ok(B, A->domid, 10, 100, RO);
	rw = map_ok(B, A->domid, 10, 101, RW);
	assert_pins(A, 10, 1, 1);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_reading | GTF_writing);
	ck_assert_uint_eq(grant_table_active_entries(A), 1);
	ck_assert_uint_eq(grant_table_mappings(B), 2);

	/* the last writer goes: GTF_writing goes, GTF_reading stays */
	ck_assert_int_eq(unmap(B, rw, 101), GNTST_okay);
	assert_pins(A, 10, 1, 0);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_reading);
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 100, false), frame_text(A, 5));
	ck_assert_int_eq(unmap(B, ro, 100), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);

	/* the other way round: the reader goes first, both bits stay */
	rw = map_ok(B, A->domid, 10, 101, RW);
	ro = map_ok(B, A->domid, 10, 100, RO);
	ck_assert_int_eq(unmap(B, ro, 100), GNTST_okay);
	assert_pins(A, 10, 0, 1);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_reading | GTF_writing);
	ck_assert_int_eq(unmap(B, rw, 101), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(grant_table_active_entries(A), 0);
}
END_TEST

START_TEST(test_two_writers)
{
	grant_handle_t h1, h2;

	hvtest_grant(A, 10, B->domid, 5, false);
	h1 = map_ok(B, A->domid, 10, 100, RW);
	h2 = map_ok(B, A->domid, 10, 101, RW);
	assert_pins(A, 10, 0, 2);
	ck_assert_int_eq(unmap(B, h1, 100), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_reading | GTF_writing);
	ck_assert_int_eq(unmap(B, h2, 101), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
}
END_TEST

/* XSA-224: an unmap naming no host address leaves the host mapping alone. */
START_TEST(test_xsa224_unmap_without_address_drops_nothing)
{
	grant_handle_t h;

	hvtest_grant(A, 10, B->domid, 5, false);
	h = map_ok(B, A->domid, 10, 100, RW);
	for (int i = 0; i < 3; i++) {
		struct gnttab_unmap_grant_ref op = { .handle = h, .dev_bus_addr = 5 << 12 };

		gnttab_unmap_grant_ref_op(B, &op);
		ck_assert_int_eq(op.status, GNTST_okay);
	}
	assert_pins(A, 10, 0, 1);
	ck_assert_uint_eq(grant_table_mappings(B), 1);
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 100, true), frame_text(A, 5));
	ck_assert_int_eq(unmap(B, h, 100), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);

	/* so a mapping at gfn 0 cannot be unmapped on Xen either; death frees it */
	h = map_ok(B, A->domid, 10, 0, RW);
	ck_assert_int_eq(unmap(B, h, 0), GNTST_okay);
	ck_assert_uint_eq(grant_table_mappings(B), 1);
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 0, true), frame_text(A, 5));
	ck_assert_int_eq(domain_destroy(B), 0);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(grant_table_active_entries(A), 0);
}
END_TEST

/* XSA-224: a failing unmap changes nothing (all-or-nothing). */
START_TEST(test_xsa224_failed_unmap_changes_nothing)
{
	grant_handle_t h;

	hvtest_grant(A, 10, B->domid, 5, false);
	h = map_ok(B, A->domid, 10, 100, RW);
	ck_assert_int_eq(unmap(B, h, 101), GNTST_general_error);
	ck_assert_int_eq(unmap(B, h, B->ram_pages + 5), GNTST_general_error);
	assert_pins(A, 10, 0, 1);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_reading | GTF_writing);
	ck_assert_uint_eq(grant_table_mappings(B), 1);
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 100, true), frame_text(A, 5));
	ck_assert_int_eq(unmap(B, h, 100), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
}
END_TEST

/* XSA-224: host+device in one map cannot happen here, and leaves no trace. */
START_TEST(test_xsa224_host_and_device_map_refused)
{
	hvtest_grant(A, 10, B->domid, 5, false);
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, RW | GNTMAP_device_map),
			 GNTST_general_error);
	ck_assert_int_eq(map_status(B, A->domid, 10, 100, RO | GNTMAP_device_map),
			 GNTST_general_error);
	assert_pins(A, 10, 0, 0);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(grant_table_mappings(B), 0);
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 100, false), frame_text(B, 100));
}
END_TEST

/*
 * XSA-234: the mapping named by an unmap must be present and have the
 * handle's writability, or a writable view would outlive GTF_writing.
 */
START_TEST(test_xsa234_unmap_with_other_mappings_address)
{
	grant_handle_t rw, ro, other;

	hvtest_grant(A, 10, B->domid, 5, false);
	hvtest_grant(A, 11, B->domid, 6, false);
	rw = map_ok(B, A->domid, 10, 100, RW);
	ro = map_ok(B, A->domid, 10, 101, RO);
	other = map_ok(B, A->domid, 11, 102, RW);

	ck_assert_int_eq(unmap(B, rw, 101), GNTST_general_error);
	ck_assert_int_eq(unmap(B, ro, 100), GNTST_general_error);
	ck_assert_int_eq(unmap(B, rw, 102), GNTST_general_error);
	ck_assert_int_eq(unmap(B, other, 100), GNTST_general_error);
	assert_pins(A, 10, 1, 1);
	assert_pins(A, 11, 0, 1);
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 100, true), frame_text(A, 5));
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 101, false), frame_text(A, 5));
	ck_assert_ptr_null(domain_gfn_to_virt(B, 101, true));

	ck_assert_int_eq(unmap(B, rw, 100), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_reading);
	ck_assert_int_eq(unmap(B, ro, 101), GNTST_okay);
	ck_assert_int_eq(unmap(B, other, 102), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(gflags(A, 11), GTF_permit_access);
}
END_TEST

START_TEST(test_unmap_bad_handle)
{
	grant_handle_t h;

	ck_assert_int_eq(unmap(B, 0, 100), GNTST_bad_handle);
	ck_assert_int_eq(unmap(B, UINT32_MAX, 100), GNTST_bad_handle);
	hvtest_grant(A, 10, B->domid, 5, false);
	h = map_ok(B, A->domid, 10, 100, RW);
	ck_assert_int_eq(unmap(B, h + 1, 100), GNTST_bad_handle);  /* allocated, free */
	/* handles are per mapping domain */
	ck_assert_int_eq(unmap(dom0, h, 100), GNTST_bad_handle);
	ck_assert_int_eq(unmap(B, h, 100), GNTST_okay);
	ck_assert_int_eq(unmap(B, h, 100), GNTST_bad_handle);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
}
END_TEST

START_TEST(test_pin_counter_limit)
{
	grant_handle_t h[129];

	/* each 8-bit counter stops at 128, as GNTPIN_incr2oflow_mask makes it */
	hvtest_grant(A, 10, B->domid, 5, false);
	for (int i = 0; i < 128; i++)
		h[i] = map_ok(B, A->domid, 10, 100 + i, RW);
	ck_assert_int_eq(map_status(B, A->domid, 10, 400, RW), GNTST_general_error);
	assert_pins(A, 10, 0, 128);
	ck_assert_uint_eq(grant_table_mappings(B), 128);
	/* the read-only counter is another one */
	h[128] = map_ok(B, A->domid, 10, 400, RO);
	for (int i = 0; i < 128; i++)
		ck_assert_int_eq(unmap(B, h[i], 100 + i), GNTST_okay);
	ck_assert_int_eq(unmap(B, h[128], 400), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
}
END_TEST

START_TEST(test_maptrack_exhaustion)
{
	/* 1024 maptrack frames of 256 handles, one always kept on the free list */
	const unsigned int usable = 1024 * 256 - 1;
	struct domain *big;
	grant_handle_t first = 0;

	ck_assert_int_eq(domain_create("big", usable + 2048, &big), 0);
	setup_frames(A, 4);
	for (grant_ref_t ref = 0; ref < 2048; ref++)
		hvtest_grant(A, ref, big->domid, 1, false);
	for (unsigned int i = 0; i < usable; i++) {
		struct gnttab_map_grant_ref op = map_op(big, A->domid, i / 128, 1024 + i, RW);

		ck_assert_msg(op.status == GNTST_okay, "map %u: %d", i, op.status);
		if (i == 5)
			first = op.handle;
	}
	ck_assert_uint_eq(grant_table_mappings(big), usable);
	ck_assert_int_eq(map_status(big, A->domid, 2047, 100, RW), GNTST_no_space);
	/* the order: flags, then domain, then the handle, then the ref */
	ck_assert_int_eq(map_status(big, A->domid, 2047, 100, 0), GNTST_bad_gntref);
	ck_assert_int_eq(map_status(big, 777, 2047, 100, RW), GNTST_bad_domain);
	ck_assert_int_eq(map_status(big, A->domid, 99999, 100, RW), GNTST_no_space);
	ck_assert_uint_eq(gflags(A, 2047), GTF_permit_access | GTF_reading | GTF_writing);

	/* one unmapped, one more fits */
	ck_assert_int_eq(unmap(big, first, 1024 + 5), GNTST_okay);
	map_ok(big, A->domid, 2047, 100, RW);
	ck_assert_int_eq(map_status(big, A->domid, 2047, 101, RW), GNTST_no_space);

	/* its death releases them all */
	ck_assert_int_eq(domain_destroy(big), 0);
	ck_assert_uint_eq(grant_table_active_entries(A), 0);
	ck_assert_uint_eq(gflags(A, 0), GTF_permit_access);
	ck_assert_uint_eq(gflags(A, 2047), GTF_permit_access);
}
END_TEST

/* Death -------------------------------------------------------------------- */

START_TEST(test_zombie_granter)
{
	domid_t a = A->domid;
	grant_handle_t h;

	strcpy(frame_text(A, 5), "from beyond");
	hvtest_grant(A, 10, B->domid, 5, false);
	hvtest_grant(A, 11, B->domid, 6, false);
	h = map_ok(B, a, 10, 100, RW);
	ck_assert_int_eq(domain_destroy(A), 0);
	ck_assert_int_eq(A->state, DOMAIN_DYING);
	ck_assert_ptr_eq(domain_by_id(a), A);
	ck_assert_str_eq(domain_gfn_to_virt(B, 100, true), "from beyond");
	ck_assert_int_eq(pin(A, 10, "host_rw"), 1);
	/* no new pins on a dying domain's pages */
	ck_assert_int_eq(map_status(B, a, 11, 101, RW), GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 11), GTF_permit_access);

	ck_assert_int_eq(unmap(B, h, 100), GNTST_okay);
	ck_assert_int_eq(A->state, DOMAIN_DEAD);
	ck_assert_ptr_null(domain_by_id(a));
	ck_assert_ptr_eq(domain_gfn_to_virt(B, 100, true), frame_text(B, 100));
	ck_assert_int_eq(map_status(B, a, 10, 100, RW), GNTST_bad_domain);
}
END_TEST

START_TEST(test_mapper_death_releases_pins)
{
	hvtest_grant(A, 10, B->domid, 5, false);
	hvtest_grant(A, 11, B->domid, 6, true);
	map_ok(B, A->domid, 10, 100, RW);
	map_ok(B, A->domid, 10, 101, RO);
	map_ok(B, A->domid, 11, 102, RO);
	ck_assert_uint_eq(grant_table_active_entries(A), 2);
	ck_assert_int_eq(domain_destroy(B), 0);
	ck_assert_int_eq(B->state, DOMAIN_DEAD);
	ck_assert_uint_eq(grant_table_active_entries(A), 0);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(gflags(A, 11), GTF_permit_access | GTF_readonly);
	ck_assert(guest_end_foreign_access(A, 10));
}
END_TEST

START_TEST(test_mapper_death_reaps_zombie)
{
	hvtest_grant(A, 10, B->domid, 5, false);
	map_ok(B, A->domid, 10, 100, RW);
	ck_assert_int_eq(domain_destroy(A), 0);
	ck_assert_int_eq(A->state, DOMAIN_DYING);
	ck_assert_int_eq(domain_destroy(B), 0);
	ck_assert_int_eq(B->state, DOMAIN_DEAD);
	ck_assert_int_eq(A->state, DOMAIN_DEAD);
}
END_TEST

START_TEST(test_release_mappings_of_running_domain)
{
	grant_handle_t h;

	/* dom0's kernel goes away and comes back: dom0 lives on */
	hvtest_grant(A, 10, dom0->domid, 5, false);
	hvtest_grant(dom0, 10, dom0->domid, 7, false);
	map_ok(dom0, A->domid, 10, 100, RW);
	map_ok(dom0, dom0->domid, 10, 101, RO);
	grant_table_release_mappings(dom0);
	ck_assert_uint_eq(grant_table_mappings(dom0), 0);
	ck_assert_uint_eq(grant_table_active_entries(A), 0);
	ck_assert_uint_eq(grant_table_active_entries(dom0), 0);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(gflags(dom0, 10), GTF_permit_access);
	ck_assert_ptr_eq(domain_gfn_to_virt(dom0, 100, true), frame_text(dom0, 100));
	h = map_ok(dom0, A->domid, 10, 100, RW);
	ck_assert_int_eq(unmap(dom0, h, 100), GNTST_okay);
}
END_TEST

/* Copy --------------------------------------------------------------------- */

static struct gnttab_copy copy_from_gref(domid_t dom, grant_ref_t ref, uint64_t gfn,
					 uint16_t len)
{
	return (struct gnttab_copy){
		.source = { .u.ref = ref, .domid = dom },
		.dest = { .u.gmfn = gfn, .domid = DOMID_SELF },
		.len = len, .flags = GNTCOPY_source_gref,
	};
}

static struct gnttab_copy copy_to_gref(uint64_t gfn, domid_t dom, grant_ref_t ref,
				       uint16_t len)
{
	return (struct gnttab_copy){
		.source = { .u.gmfn = gfn, .domid = DOMID_SELF },
		.dest = { .u.ref = ref, .domid = dom },
		.len = len, .flags = GNTCOPY_dest_gref,
	};
}

START_TEST(test_copy_both_directions)
{
	struct gnttab_copy op;

	strcpy(frame_text(A, 5) + 100, "granter's data");
	hvtest_grant(A, 10, B->domid, 5, false);
	op = copy_from_gref(A->domid, 10, 200, 15);
	op.source.offset = 100;
	op.dest.offset = 7;
	ck_assert_int_eq(copy(B, op), GNTST_okay);
	ck_assert_str_eq(frame_text(B, 200) + 7, "granter's data");
	/* the pin was transient */
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(grant_table_active_entries(A), 0);

	strcpy(frame_text(B, 201), "mapper's data");
	op = copy_to_gref(201, A->domid, 10, 14);
	op.dest.offset = PAGE - 14;
	ck_assert_int_eq(copy(B, op), GNTST_okay);
	ck_assert_str_eq(frame_text(A, 5) + PAGE - 14, "mapper's data");
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);

	/* gref to gref, and a whole page */
	hvtest_grant(A, 11, B->domid, 6, false);
	op = (struct gnttab_copy){
		.source = { .u.ref = 10, .domid = A->domid },
		.dest = { .u.ref = 11, .domid = A->domid },
		.len = PAGE, .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref,
	};
	ck_assert_int_eq(copy(B, op), GNTST_okay);
	ck_assert_mem_eq(frame_text(A, 6), frame_text(A, 5), PAGE);
	/* within one granted page */
	op.dest.u.ref = 10;
	op.source.offset = 100;
	op.len = 15;
	ck_assert_int_eq(copy(B, op), GNTST_okay);
	ck_assert_str_eq(frame_text(A, 5), "granter's data");
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(gflags(A, 11), GTF_permit_access);

	/* between two of one's own frames */
	strcpy(frame_text(B, 300), "local");
	op = (struct gnttab_copy){
		.source = { .u.gmfn = 300, .domid = DOMID_SELF },
		.dest = { .u.gmfn = 301, .domid = DOMID_SELF }, .len = 6,
	};
	ck_assert_int_eq(copy(B, op), GNTST_okay);
	ck_assert_str_eq(frame_text(B, 301), "local");
}
END_TEST

START_TEST(test_copy_through_mapping)
{
	grant_handle_t rw, ro;
	struct gnttab_copy op;

	/* a gmfn that shows a grant mapping is copied through */
	hvtest_grant(A, 10, B->domid, 5, false);
	rw = map_ok(B, A->domid, 10, 100, RW);
	strcpy(frame_text(B, 300), "via the p2m");
	op = (struct gnttab_copy){
		.source = { .u.gmfn = 300, .domid = DOMID_SELF },
		.dest = { .u.gmfn = 100, .domid = DOMID_SELF }, .len = 12,
	};
	ck_assert_int_eq(copy(B, op), GNTST_okay);
	ck_assert_str_eq(frame_text(A, 5), "via the p2m");
	/* a copy by the mapper leaves its own pins as they were */
	ck_assert_int_eq(copy(B, copy_from_gref(A->domid, 10, 301, 12)), GNTST_okay);
	assert_pins(A, 10, 0, 1);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_reading | GTF_writing);
	ck_assert_int_eq(unmap(B, rw, 100), GNTST_okay);

	/* a read-only mapping cannot be written through */
	ro = map_ok(B, A->domid, 10, 100, RO);
	ck_assert_int_eq(copy(B, op), GNTST_general_error);
	op.source.u.gmfn = 100;
	op.dest.u.gmfn = 302;
	ck_assert_int_eq(copy(B, op), GNTST_okay);
	ck_assert_str_eq(frame_text(B, 302), "via the p2m");
	/* a writable copy pin next to a read-only map, dropped again */
	ck_assert_int_eq(copy(B, copy_to_gref(300, A->domid, 10, 4)), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_reading);
	ck_assert_int_eq(unmap(B, ro, 100), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
}
END_TEST

START_TEST(test_copy_frame_needs_domid_self)
{
	strcpy(frame_text(B, 300), "x");
	/* only DOMID_SELF may name a frame, not even one's own numeric domid */
	struct gnttab_copy op = {
		.source = { .u.gmfn = 300, .domid = B->domid },
		.dest = { .u.gmfn = 301, .domid = DOMID_SELF }, .len = 2,
	};
	ck_assert_int_eq(copy(B, op), GNTST_permission_denied);
	op.source.domid = DOMID_SELF;
	op.dest.domid = A->domid;
	ck_assert_int_eq(copy(B, op), GNTST_permission_denied);
	op.dest.domid = 777;
	ck_assert_int_eq(copy(B, op), GNTST_permission_denied);
	ck_assert_str_eq(frame_text(B, 301), "");
}
END_TEST

START_TEST(test_copy_check_order)
{
	struct gnttab_copy op;

	hvtest_grant(A, 10, B->domid, 5, false);
	/* source before dest; domain checks before grant checks */
	op = (struct gnttab_copy){
		.source = { .u.ref = 10, .domid = 777 },
		.dest = { .u.gmfn = 300, .domid = A->domid }, .len = 8,
		.flags = GNTCOPY_source_gref,
	};
	ck_assert_int_eq(copy(B, op), GNTST_bad_domain);
	op.source.domid = A->domid;
	ck_assert_int_eq(copy(B, op), GNTST_permission_denied);
	op = copy_from_gref(A->domid, 10, 300, 8);
	op.dest.domid = 777;
	op.flags |= GNTCOPY_dest_gref;
	ck_assert_int_eq(copy(B, op), GNTST_bad_domain);

	/* the range is checked last, once both pages are in hand */
	op = copy_from_gref(A->domid, 9999, 300, 8);
	op.source.offset = PAGE - 4;
	ck_assert_int_eq(copy(B, op), GNTST_bad_gntref);
	op.source.u.ref = 10;
	op.dest.u.gmfn = B->ram_pages;
	ck_assert_int_eq(copy(B, op), GNTST_bad_page);
	op.dest.u.gmfn = 300;
	ck_assert_int_eq(copy(B, op), GNTST_bad_copy_arg);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
}
END_TEST

START_TEST(test_copy_bad_args)
{
	struct gnttab_copy op;

	strcpy(frame_text(A, 5), "untouched");
	hvtest_grant(A, 10, B->domid, 5, false);
	hvtest_grant(A, 11, B->domid, 6, true);
	hvtest_grant(A, 12, dom0->domid, 7, false);
	hvtest_grant(A, 13, B->domid, A->ram_pages, false);

	/* offset + len beyond the page, on either side */
	op = copy_from_gref(A->domid, 10, 300, 200);
	op.source.offset = PAGE - 100;
	ck_assert_int_eq(copy(B, op), GNTST_bad_copy_arg);
	op = copy_to_gref(300, A->domid, 10, 2);
	op.dest.offset = PAGE - 1;
	ck_assert_int_eq(copy(B, op), GNTST_bad_copy_arg);
	op.dest.offset = 0;
	op.len = UINT16_MAX;
	ck_assert_int_eq(copy(B, op), GNTST_bad_copy_arg);
	ck_assert_str_eq(frame_text(A, 5), "untouched");
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);

	/* a read-only grant is a source only */
	ck_assert_int_eq(copy(B, copy_to_gref(300, A->domid, 11, 4)), GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 11), GTF_permit_access | GTF_readonly);
	ck_assert_int_eq(copy(B, copy_from_gref(A->domid, 11, 300, 4)), GNTST_okay);
	/* granted to someone else, never granted, out of range, beyond RAM */
	ck_assert_int_eq(copy(B, copy_from_gref(A->domid, 12, 300, 4)), GNTST_general_error);
	ck_assert_int_eq(copy(B, copy_from_gref(A->domid, 14, 300, 4)), GNTST_general_error);
	ck_assert_int_eq(copy(B, copy_from_gref(A->domid, 512, 300, 4)), GNTST_bad_gntref);
	ck_assert_int_eq(copy(B, copy_from_gref(A->domid, 13, 300, 4)), GNTST_bad_page);
	ck_assert_uint_eq(gflags(A, 13), GTF_permit_access);
	ck_assert_int_eq(copy(B, copy_to_gref(B->ram_pages, A->domid, 10, 4)), GNTST_bad_page);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
	ck_assert_uint_eq(grant_table_active_entries(A), 0);
}
END_TEST

START_TEST(test_copy_from_zombie)
{
	hvtest_grant(A, 10, B->domid, 5, false);
	map_ok(B, A->domid, 10, 100, RW);
	ck_assert_int_eq(domain_destroy(A), 0);
	ck_assert_int_eq(copy(B, copy_from_gref(A->domid, 10, 300, 4)), GNTST_bad_domain);
	ck_assert_int_eq(pin(A, 10, "host_rw"), 1);
	ck_assert_int_eq(pin(A, 10, "host_ro"), 0);
}
END_TEST

START_TEST(test_copy_batch_statuses)
{
	struct gnttab_copy ops[3];

	strcpy(frame_text(A, 5), "batch");
	hvtest_grant(A, 10, B->domid, 5, false);
	ops[0] = copy_from_gref(A->domid, 10, 300, 6);
	ops[1] = copy_from_gref(A->domid, 9999, 301, 6);
	ops[2] = copy_from_gref(A->domid, 10, 302, 6);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_copy, ops, 3, NULL), 0);
	ck_assert_int_eq(ops[0].status, GNTST_okay);
	ck_assert_int_eq(ops[1].status, GNTST_bad_gntref);
	ck_assert_int_eq(ops[2].status, GNTST_okay);
	ck_assert_str_eq(frame_text(B, 302), "batch");
}
END_TEST

/* Table size and version --------------------------------------------------- */

START_TEST(test_setup_table)
{
	struct gnttab_setup_table op = { .dom = DOMID_SELF, .nr_frames = 4 };
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	xen_pfn_t frames[HVSIM_MAX_GRANT_FRAMES];

	/* the guest's stray writes beyond the table do not survive its growth */
	memset(domain_grant_frame(A, 2), 0xff, PAGE);
	ck_assert_int_eq(grant_table_op(A, GNTTABOP_setup_table, &op, 1, frames), 0);
	ck_assert_int_eq(op.status, GNTST_okay);
	for (unsigned int i = 0; i < 4; i++)
		ck_assert_uint_eq(frames[i], i);
	ck_assert_uint_eq(gflags(A, 2 * 512), 0);
	ck_assert_int_eq(grant_table_op(A, GNTTABOP_query_size, &q, 1, NULL), 0);
	ck_assert_int_eq(q.status, GNTST_okay);
	ck_assert_uint_eq(q.nr_frames, 4);
	ck_assert_uint_eq(q.max_nr_frames, HVSIM_MAX_GRANT_FRAMES);
	hvtest_grant(A, 2047, B->domid, 5, false);
	ck_assert_int_eq(unmap(B, map_ok(B, A->domid, 2047, 100, RW), 100), GNTST_okay);
	ck_assert_int_eq(map_status(B, A->domid, 2048, 100, RW), GNTST_bad_gntref);

	/* the table never shrinks; only nr_frames are reported */
	op.nr_frames = 2;
	frames[2] = 12345;
	ck_assert_int_eq(grant_table_op(A, GNTTABOP_setup_table, &op, 1, frames), 0);
	ck_assert_int_eq(op.status, GNTST_okay);
	ck_assert_uint_eq(frames[2], 12345);
	ck_assert_int_eq(grant_table_op(A, GNTTABOP_query_size, &q, 1, NULL), 0);
	ck_assert_uint_eq(q.nr_frames, 4);

	op.nr_frames = HVSIM_MAX_GRANT_FRAMES;
	ck_assert_int_eq(grant_table_op(A, GNTTABOP_setup_table, &op, 1, frames), 0);
	ck_assert_int_eq(op.status, GNTST_okay);
	op.nr_frames = HVSIM_MAX_GRANT_FRAMES + 1;
	ck_assert_int_eq(grant_table_op(A, GNTTABOP_setup_table, &op, 1, frames), 0);
	ck_assert_int_eq(op.status, GNTST_general_error);
	ck_assert_int_eq(gnttab_query_size_op(A, &q), 0);
	ck_assert_uint_eq(q.nr_frames, HVSIM_MAX_GRANT_FRAMES);
}
END_TEST

START_TEST(test_setup_table_errors)
{
	struct gnttab_setup_table op[2] = { { .dom = DOMID_SELF, .nr_frames = 1 } };
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	xen_pfn_t frames[HVSIM_MAX_GRANT_FRAMES];

	ck_assert_int_eq(grant_table_op(B, GNTTABOP_setup_table, op, 2, frames), -EINVAL);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_setup_table, op, 0, frames), -EINVAL);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_setup_table, op, 1, NULL), -EFAULT);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_setup_table, NULL, 1, frames), -EFAULT);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_setup_table, NULL, 2, frames), -EINVAL);

	op[0].dom = 777;
	op[0].status = 99;
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_setup_table, op, 1, frames), 0);
	ck_assert_int_eq(op[0].status, GNTST_bad_domain);
	/* another domain's table: the control domain only */
	op[0].dom = A->domid;
	op[0].nr_frames = 3;
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_setup_table, op, 1, frames), 0);
	ck_assert_int_eq(op[0].status, GNTST_permission_denied);
	ck_assert_int_eq(grant_table_op(dom0, GNTTABOP_setup_table, op, 1, frames), 0);
	ck_assert_int_eq(op[0].status, GNTST_okay);
	ck_assert_int_eq(gnttab_query_size_op(A, &q), 0);
	ck_assert_uint_eq(q.nr_frames, 3);
}
END_TEST

START_TEST(test_query_size_errors)
{
	struct gnttab_query_size q[2] = { { .dom = DOMID_SELF } };

	ck_assert_int_eq(grant_table_op(B, GNTTABOP_query_size, q, 2, NULL), -EINVAL);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_query_size, q, 0, NULL), -EINVAL);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_query_size, NULL, 1, NULL), -EFAULT);
	q[0].dom = 777;
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_query_size, q, 1, NULL), 0);
	ck_assert_int_eq(q[0].status, GNTST_bad_domain);
	q[0].dom = A->domid;
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_query_size, q, 1, NULL), 0);
	ck_assert_int_eq(q[0].status, GNTST_permission_denied);
	ck_assert_int_eq(grant_table_op(dom0, GNTTABOP_query_size, q, 1, NULL), 0);
	ck_assert_int_eq(q[0].status, GNTST_okay);
	ck_assert_uint_eq(q[0].nr_frames, 1);
	q[0].dom = B->domid;
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_query_size, q, 1, NULL), 0);
	ck_assert_int_eq(q[0].status, GNTST_okay);
}
END_TEST

START_TEST(test_versions)
{
	struct gnttab_get_version g = { .dom = DOMID_SELF };
	struct gnttab_set_version s = { .version = 1 };

	ck_assert_int_eq(grant_table_op(B, GNTTABOP_get_version, &g, 1, NULL), 0);
	ck_assert_uint_eq(g.version, 1);
	g.dom = 777;
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_get_version, &g, 1, NULL), -ESRCH);
	g.dom = A->domid;
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_get_version, &g, 1, NULL), -EPERM);
	g.version = 0;
	ck_assert_int_eq(grant_table_op(dom0, GNTTABOP_get_version, &g, 1, NULL), 0);
	ck_assert_uint_eq(g.version, 1);

	ck_assert_int_eq(grant_table_op(B, GNTTABOP_set_version, &s, 1, NULL), 0);
	ck_assert_uint_eq(s.version, 1);
	/* v2 is not built: Xen with max version 1 answers -ENOSYS */
	s.version = 2;
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_set_version, &s, 1, NULL), -ENOSYS);
	ck_assert_uint_eq(s.version, 1);
	s.version = 0;
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_set_version, &s, 1, NULL), -EINVAL);
	ck_assert_uint_eq(s.version, 1);
	s.version = 3;
	ck_assert_int_eq(gnttab_set_version_op(B, &s), -EINVAL);
	/* count is not looked at, but there must be a struct to read */
	s.version = 1;
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_set_version, &s, 7, NULL), 0);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_set_version, NULL, 1, NULL), -EFAULT);
}
END_TEST

/* The hypercall ------------------------------------------------------------ */

START_TEST(test_hypercall_errors)
{
	static const unsigned int unsupported[] = {
		GNTTABOP_dump_table, GNTTABOP_transfer, GNTTABOP_unmap_and_replace,
		GNTTABOP_get_status_frames, GNTTABOP_swap_grant_ref,
		GNTTABOP_cache_flush, 13, 4095,
	};
	struct gnttab_map_grant_ref m = { 0 };

	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		ck_assert_uint_eq(hvsim_hypercall_op_size(__HYPERVISOR_grant_table_op, unsupported[i]), 0);
		ck_assert_int_eq(grant_table_op(B, unsupported[i], &m, 1, NULL), -ENOSYS);
	}
	ck_assert_uint_eq(hvsim_hypercall_op_size(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref), sizeof(m));
	ck_assert_uint_eq(hvsim_hypercall_op_size(__HYPERVISOR_grant_table_op, GNTTABOP_copy),
			  sizeof(struct gnttab_copy));
	/* continuation bits on an op that takes none */
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_map_grant_ref | (1 << 12), &m, 1, NULL),
			 -EINVAL);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_cache_flush | (1 << 12), &m, 1, NULL),
			 -ENOSYS);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_map_grant_ref, &m, (unsigned int)-1, NULL),
			 -EINVAL);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_map_grant_ref, NULL, 1, NULL), -EFAULT);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_unmap_grant_ref, NULL, 1, NULL), -EFAULT);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_copy, NULL, 1, NULL), -EFAULT);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_map_grant_ref, NULL, 0, NULL), 0);
	/* a dead domain makes no hypercalls */
	ck_assert_int_eq(domain_destroy(B), 0);
	ck_assert_int_eq(grant_table_op(B, GNTTABOP_map_grant_ref, &m, 1, NULL), -ESRCH);
}
END_TEST

START_TEST(test_batch_map_unmap_is_cheap)
{
	enum { N = 1024, ROUNDS = 50 };
	static struct gnttab_map_grant_ref maps[N];
	static struct gnttab_unmap_grant_ref unmaps[N];
	struct domain *big;
	struct timespec t0, t1;
	double secs;

	ck_assert_int_eq(domain_create("big", 4 * N, &big), 0);
	setup_frames(A, 3);
	for (grant_ref_t ref = 0; ref < N; ref++)
		hvtest_grant(A, ref, big->domid, ref, false);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int round = 0; round < ROUNDS; round++) {
		for (unsigned int i = 0; i < N; i++)
			maps[i] = (struct gnttab_map_grant_ref){
				.host_addr = (uint64_t)(N + i) << XEN_PAGE_SHIFT,
				.flags = RW, .ref = i, .dom = A->domid,
			};
		ck_assert_int_eq(grant_table_op(big, GNTTABOP_map_grant_ref, maps, N, NULL), 0);
		for (unsigned int i = 0; i < N; i++) {
			ck_assert_int_eq(maps[i].status, GNTST_okay);
			unmaps[i] = (struct gnttab_unmap_grant_ref){
				.host_addr = maps[i].host_addr, .handle = maps[i].handle,
			};
		}
		ck_assert_int_eq(grant_table_op(big, GNTTABOP_unmap_grant_ref, unmaps, N, NULL), 0);
		for (unsigned int i = 0; i < N; i++)
			ck_assert_int_eq(unmaps[i].status, GNTST_okay);
		/* what the transport would send the guest kernel */
		struct hvsim_p2m_update *updates;

		domain_p2m_take_updates(big, &updates);
		free(updates);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("grant_table: %d x (%d maps + %d unmaps) in %.3f s (%.0f ns per op)\n",
	       ROUNDS, N, N, secs, secs * 1e9 / (2.0 * N * ROUNDS));
	ck_assert_uint_eq(grant_table_active_entries(A), 0);
	/* generous: a quadratic walk would take far longer even unsanitized */
	ck_assert_msg(secs < 5.0, "%d batches of %d took %.3f s", ROUNDS, N, secs);
}
END_TEST

/* The unstable entry ------------------------------------------------------- */

#if defined(__x86_64__)
/*
 * A guest that rewrites its entry between every read and every cmpxchg of
 * the hypervisor.  The grant frame is made read-only in hvsimd; each write
 * fault flips an innocuous bit (GTF_PWT) the way a racing guest would,
 * then lets the faulting cmpxchg run once (trap flag) and protects the
 * page again: deterministic, and through the real cmpxchg loop.
 */
static uint8_t *racy_page;
static grant_entry_v1_t *racy_entry;
static volatile sig_atomic_t races_left, races_done;
static struct sigaction old_segv, old_trap;

#define EFLAGS_TF 0x100

static void on_write_fault(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uint8_t *addr = si->si_addr;

	if (addr < racy_page || addr >= racy_page + PAGE) {
		sigaction(SIGSEGV, &old_segv, NULL);
		return;   /* not ours: fault again, with the old handler */
	}
	mprotect(racy_page, PAGE, PROT_READ | PROT_WRITE);
	if (races_left > 0) {
		races_left--;
		races_done++;
		__atomic_fetch_xor(&racy_entry->flags, (uint16_t)GTF_PWT, __ATOMIC_SEQ_CST);
	}
	uc->uc_mcontext.gregs[REG_EFL] |= EFLAGS_TF;
}

static void on_single_step(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	uc->uc_mcontext.gregs[REG_EFL] &= ~EFLAGS_TF;
	mprotect(racy_page, PAGE, PROT_READ);
}

static void race_entry(struct domain *d, grant_ref_t ref, int races)
{
	struct sigaction sa = { .sa_flags = SA_SIGINFO };

	racy_entry = hvtest_gnttab_entry(d, ref);
	racy_page = (uint8_t *)((uintptr_t)racy_entry & ~(uintptr_t)(PAGE - 1));
	races_left = races;
	races_done = 0;
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_write_fault;
	ck_assert_int_eq(sigaction(SIGSEGV, &sa, &old_segv), 0);
	sa.sa_sigaction = on_single_step;
	ck_assert_int_eq(sigaction(SIGTRAP, &sa, &old_trap), 0);
	ck_assert_int_eq(mprotect(racy_page, PAGE, PROT_READ), 0);
}

static void end_race(void)
{
	mprotect(racy_page, PAGE, PROT_READ | PROT_WRITE);
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGTRAP, &old_trap, NULL);
}

START_TEST(test_unstable_entry)
{
	struct gnttab_map_grant_ref op;
	int16_t status;

	hvtest_grant(A, 10, B->domid, 5, false);

	/* four changes under its feet are tolerated */
	race_entry(A, 10, 4);
	op = map_op(B, A->domid, 10, 100, RW);
	end_race();
	ck_assert_int_eq(races_done, 4);
	ck_assert_int_eq(op.status, GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_reading | GTF_writing);
	ck_assert_int_eq(unmap(B, op.handle, 100), GNTST_okay);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);

	/* a fifth makes the entry unstable */
	race_entry(A, 10, 5);
	status = map_status(B, A->domid, 10, 100, RW);
	end_race();
	ck_assert_int_eq(races_done, 5);
	ck_assert_int_eq(status, GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access | GTF_PWT);
	ck_assert_uint_eq(grant_table_mappings(B), 0);
	ck_assert_uint_eq(grant_table_active_entries(A), 0);

	/* copy goes through the same loop */
	race_entry(A, 10, 5);
	status = copy(B, copy_from_gref(A->domid, 10, 300, 4));
	end_race();
	ck_assert_int_eq(status, GNTST_general_error);
	ck_assert_uint_eq(gflags(A, 10), GTF_permit_access);
}
END_TEST
#endif

static Suite *grant_table_suite(void)
{
	Suite *s = suite_create("grant_table");
	TCase *tc;

	tc = tcase_create("map");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_map_shows_granted_page);
	tcase_add_test(tc, test_map_readonly);
	tcase_add_test(tc, test_readonly_grant_refused_for_writable_map);
	tcase_add_test(tc, test_map_flag_checks_come_first);
	tcase_add_test(tc, test_map_extra_flag_bits_undone);
	tcase_add_test(tc, test_map_bad_domain);
	tcase_add_test(tc, test_map_of_destroyed_domain);
	tcase_add_test(tc, test_map_bad_gntref);
	tcase_add_test(tc, test_map_entry_checks);
	tcase_add_test(tc, test_map_bad_page);
	tcase_add_test(tc, test_regrant_of_mapped_page_refused);
	tcase_add_test(tc, test_map_host_addr_errors);
	tcase_add_test(tc, test_self_grant);
	tcase_add_test(tc, test_revocation_does_not_unmap);
	tcase_add_test(tc, test_dump_format);
	tcase_add_test(tc, test_unmap_bad_handle);
#if defined(__x86_64__)
	tcase_add_test(tc, test_unstable_entry);
#endif
	suite_add_tcase(s, tc);

	tc = tcase_create("pins");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ro_and_rw_pins_drop_separately);
	tcase_add_test(tc, test_two_writers);
	tcase_add_test(tc, test_xsa224_unmap_without_address_drops_nothing);
	tcase_add_test(tc, test_xsa224_failed_unmap_changes_nothing);
	tcase_add_test(tc, test_xsa224_host_and_device_map_refused);
	tcase_add_test(tc, test_xsa234_unmap_with_other_mappings_address);
	tcase_add_test(tc, test_pin_counter_limit);
	tcase_add_test(tc, test_maptrack_exhaustion);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("death");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_zombie_granter);
	tcase_add_test(tc, test_mapper_death_releases_pins);
	tcase_add_test(tc, test_mapper_death_reaps_zombie);
	tcase_add_test(tc, test_release_mappings_of_running_domain);
	suite_add_tcase(s, tc);

	tc = tcase_create("copy");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_copy_both_directions);
	tcase_add_test(tc, test_copy_through_mapping);
	tcase_add_test(tc, test_copy_frame_needs_domid_self);
	tcase_add_test(tc, test_copy_check_order);
	tcase_add_test(tc, test_copy_bad_args);
	tcase_add_test(tc, test_copy_from_zombie);
	tcase_add_test(tc, test_copy_batch_statuses);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_setup_table);
	tcase_add_test(tc, test_setup_table_errors);
	tcase_add_test(tc, test_query_size_errors);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_hypercall_errors);
	tcase_add_test(tc, test_batch_map_unmap_is_cheap);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hvtest_run(grant_table_suite());
}
