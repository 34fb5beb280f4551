// SPDX-License-Identifier: GPL-2.0-only
/*
 * The state beside the trace: a grant the guest wrote (no hypercall), the
 * pins and flags a map adds, the mapper's maptrack handle and p2m override,
 * and what an unmap takes back; a dead domain keeps only its name.
 */
#include <check.h>
#include <string.h>

#include "grant_table.h"
#include "state_dump.h"
#include "test_support.h"

static struct domain *A, *B;

static void setup(void)
{
	hvtest_reset();
	hvtest_domain("Domain-0");	/* domid 0, which cannot be destroyed */
	A = hvtest_domain("granter");
	B = hvtest_domain("mapper");
}

static void teardown(void)
{
	domain_destroy_all();
}

static struct json_object *field(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no \"%s\" in %s", key,
		      json_object_to_json_string(o));
	return v;
}

static int64_t num(struct json_object *o, const char *key)
{
	return json_object_get_int64(field(o, key));
}

/* The domain with `domid` in a state_dump_domains() array. */
static struct json_object *dom(struct json_object *doms, int domid)
{
	for (size_t i = 0; i < json_object_array_length(doms); i++)
		if (num(json_object_array_get_idx(doms, i), "domid") == domid)
			return json_object_array_get_idx(doms, i);
	ck_abort_msg("domain %d is not in %s", domid, json_object_to_json_string(doms));
	return NULL;
}

static struct json_object *entries(struct json_object *doms, struct domain *d)
{
	return field(field(dom(doms, d->domid), "grant_table"), "entries");
}

START_TEST(grant_written_mapped_unmapped)
{
	struct json_object *doms, *e, *m, *p;
	struct gnttab_map_grant_ref map = {
		.host_addr = 100ull << XEN_PAGE_SHIFT, .flags = GNTMAP_host_map, .ref = 10,
		.dom = A->domid,
	};

	/* written by the guest: only the snapshot can see it */
	hvtest_grant(A, 10, B->domid, 5, false);
	doms = state_dump_domains();
	ck_assert_uint_eq(json_object_array_length(entries(doms, A)), 1);
	e = json_object_array_get_idx(entries(doms, A), 0);
	ck_assert_int_eq(num(e, "ref"), 10);
	ck_assert_int_eq(num(e, "domid"), B->domid);
	ck_assert_int_eq(num(e, "frame"), 5);
	ck_assert_str_eq(json_object_get_string(field(e, "flags_decoded")), "permit_access");
	ck_assert_int_eq(num(field(e, "pin"), "host_rw"), 0);
	ck_assert_uint_eq(json_object_array_length(field(dom(doms, B->domid), "p2m")), 0);
	json_object_put(doms);

	gnttab_map_grant_ref_op(B, &map);
	ck_assert_int_eq(map.status, GNTST_okay);
	doms = state_dump_domains();
	e = json_object_array_get_idx(entries(doms, A), 0);
	ck_assert_str_eq(json_object_get_string(field(e, "flags_decoded")),
			 "permit_access|reading|writing");
	ck_assert_int_eq(num(field(e, "pin"), "host_rw"), 1);
	m = json_object_array_get_idx(field(field(dom(doms, B->domid), "grant_table"), "maptrack"), 0);
	ck_assert_int_eq(num(m, "handle"), map.handle);
	ck_assert_int_eq(num(m, "ref"), 10);
	ck_assert_int_eq(num(m, "dom"), A->domid);
	p = field(dom(doms, B->domid), "p2m");
	ck_assert_uint_eq(json_object_array_length(p), 1);
	p = json_object_array_get_idx(p, 0);
	ck_assert_int_eq(num(p, "gfn"), 100);
	ck_assert_int_eq(num(p, "dom"), A->domid);
	ck_assert_int_eq(num(p, "frame"), 5);
	ck_assert_str_eq(json_object_get_string(field(p, "kind")), "grant");
	ck_assert(!json_object_get_boolean(field(p, "readonly")));
	ck_assert_ptr_nonnull(field(dom(doms, B->domid), "evtchn"));
	json_object_put(doms);

	struct gnttab_unmap_grant_ref unmap = {
		.host_addr = 100ull << XEN_PAGE_SHIFT, .handle = map.handle,
	};

	gnttab_unmap_grant_ref_op(B, &unmap);
	ck_assert_int_eq(unmap.status, GNTST_okay);
	doms = state_dump_domains();
	e = json_object_array_get_idx(entries(doms, A), 0);
	ck_assert_str_eq(json_object_get_string(field(e, "flags_decoded")), "permit_access");
	ck_assert_int_eq(num(field(e, "pin"), "host_rw"), 0);
	ck_assert_uint_eq(json_object_array_length(
		field(field(dom(doms, B->domid), "grant_table"), "maptrack")), 0);
	ck_assert_uint_eq(json_object_array_length(field(dom(doms, B->domid), "p2m")), 0);
	json_object_put(doms);
}
END_TEST

START_TEST(dead_domain_keeps_its_name_only)
{
	struct json_object *doms, *d;

	ck_assert_int_eq(domain_destroy(A), 0);
	doms = state_dump_domains();
	d = dom(doms, A->domid);
	ck_assert_str_eq(json_object_get_string(field(d, "name")), "granter");
	ck_assert_str_eq(json_object_get_string(field(d, "state")), "dead");
	ck_assert(!json_object_object_get_ex(d, "grant_table", NULL));
	ck_assert(json_object_object_get_ex(dom(doms, B->domid), "grant_table", NULL));
	json_object_put(doms);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("state_dump");
	TCase *tc = tcase_create("state");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, grant_written_mapped_unmapped);
	tcase_add_test(tc, dead_domain_keeps_its_name_only);
	suite_add_tcase(s, tc);
	return hvtest_run(s);
}
