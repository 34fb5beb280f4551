// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of domains, the p2m and the gfn map. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "gfn_map.h"
#include "test_support.h"

static void setup(void)
{
	hvtest_reset();
}

START_TEST(names_and_sizes_are_checked)
{
	struct domain *d;

	ck_assert_int_eq(domain_create("", 16, &d), -EINVAL);
	ck_assert_int_eq(domain_create("123", 16, &d), -EINVAL);
	ck_assert_int_eq(domain_create("has space", 16, &d), -EINVAL);
	ck_assert_int_eq(domain_create("x/y", 16, &d), -EINVAL);
	ck_assert_int_eq(domain_create("ok", 0, &d), -EINVAL);
	ck_assert_int_eq(domain_create("ok", (uint64_t)HVSIM_MAX_MEM_MIB * 256 + 1, &d), -EINVAL);
	char longname[HVSIM_NAME_MAX + 1];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[HVSIM_NAME_MAX] = 0;
	ck_assert_int_eq(domain_create(longname, 16, &d), -EINVAL);
	ck_assert_int_eq(domain_create("Domain-0", 16, &d), 0);
	ck_assert_int_eq(d->domid, 0);
	ck_assert_int_eq(domain_create("Domain-0", 16, &d), -EEXIST);
}
END_TEST

START_TEST(domids_are_not_reused)
{
	struct domain *dom0 = hvtest_domain("Domain-0"), *a = hvtest_domain("a"), *b;

	ck_assert_int_eq(a->domid, 1);
	ck_assert_int_eq(domain_destroy(a), 0);
	ck_assert_int_eq(a->state, DOMAIN_DEAD);
	ck_assert_ptr_null(domain_by_id(1));
	/* the name is free again, the domid is not */
	b = hvtest_domain("a");
	ck_assert_int_eq(b->domid, 2);
	ck_assert_ptr_eq(domain_by_name("a"), b);
	ck_assert_ptr_eq(domain_by_name("1"), a);
	ck_assert_ptr_eq(domain_by_name("2"), b);
	ck_assert_ptr_null(domain_by_name("77"));
	ck_assert_int_eq(domain_destroy(a), -ESRCH);
	ck_assert_int_eq(domain_destroy(dom0), -EPERM);
	ck_assert_str_eq(domain_state_name(b->state), "running");
}
END_TEST

static bool remembered(const struct domain *d)
{
	for (struct domain *x = domain_first(); x; x = domain_next(x))
		if (x == d)
			return true;
	return false;
}

/*
 * A domain whose kernel did not start is forgotten once dead: not listed,
 * not found by name or domid; a zombie (its pages mapped) stays until its
 * last page goes.  Its domid is not reused.
 */
START_TEST(forgotten_domain_goes_once_dead)
{
	struct domain *dom0 = hvtest_domain("Domain-0"), *a = hvtest_domain("a");
	struct domain *z = hvtest_domain("z"), *b;

	ck_assert_int_eq(domain_destroy(a), 0);
	domain_forget(a);
	ck_assert(!remembered(a));
	ck_assert_ptr_null(domain_by_name("a"));
	ck_assert_ptr_null(domain_by_name("1"));

	/* dom0 maps a page of z: destroyed, z is a zombie, and remembered */
	ck_assert_int_eq(domain_p2m_map_foreign(dom0, 5, z, 3), 0);
	ck_assert_int_eq(domain_destroy(z), 0);
	domain_forget(z);
	ck_assert_int_eq(z->state, DOMAIN_DYING);
	ck_assert(remembered(z));
	ck_assert_ptr_eq(domain_by_name("z"), z);
	ck_assert_int_eq(domain_p2m_unmap_foreign(dom0, 5), 0);
	ck_assert_int_eq(z->state, DOMAIN_DEAD);
	ck_assert(!remembered(z));
	ck_assert_ptr_null(domain_by_name("z"));

	b = hvtest_domain("a");
	ck_assert_int_eq(b->domid, 3);
	ck_assert(remembered(dom0) && remembered(b));
}
END_TEST

START_TEST(p2m_override_and_restore)
{
	struct domain *dom0 = hvtest_domain("Domain-0"), *g = hvtest_domain("g");
	struct hvsim_p2m_update *u;
	char *own, *foreign;

	strcpy(domain_frame_to_virt(g, 7), "granted page");
	own = domain_gfn_to_virt(dom0, 300, true);
	strcpy(own, "dom0's own");
	ck_assert_int_eq(domain_p2m_set_foreign(dom0, 300, g->domid, 7, true), 0);
	ck_assert_int_eq(domain_p2m_set_foreign(dom0, 300, g->domid, 8, false), -EBUSY);
	ck_assert_int_eq(domain_p2m_set_foreign(dom0, dom0->ram_pages, g->domid, 8, false), -EINVAL);
	foreign = domain_gfn_to_virt(dom0, 300, false);
	ck_assert_str_eq(foreign, "granted page");
	/* read-only override: no writable view */
	ck_assert_ptr_null(domain_gfn_to_virt(dom0, 300, true));
	ck_assert_int_eq(domain_p2m_clear_foreign(dom0, 300, g->domid, 8), -EINVAL);
	ck_assert_int_eq(domain_p2m_clear_foreign(dom0, 301, g->domid, 7), -EINVAL);
	ck_assert_int_eq(domain_p2m_clear_foreign(dom0, 300, g->domid, 7), 0);
	ck_assert_str_eq((char *)domain_gfn_to_virt(dom0, 300, true), "dom0's own");

	ck_assert_uint_eq(domain_p2m_take_updates(dom0, &u), 2);
	ck_assert_uint_eq(u[0].gfn, 300);
	ck_assert_uint_eq(u[0].domid, g->domid);
	ck_assert_uint_eq(u[0].frame, 7);
	ck_assert_uint_eq(u[0].flags, HVSIM_P2M_READONLY);
	ck_assert_uint_eq(u[1].domid, dom0->domid);
	ck_assert_uint_eq(u[1].frame, 300);
	free(u);
	ck_assert_uint_eq(domain_p2m_take_updates(dom0, &u), 0);
	free(u);
	ck_assert_ptr_null(domain_gfn_to_virt(dom0, dom0->ram_pages, false));
	ck_assert_ptr_null(domain_frame_to_virt(g, g->ram_pages));
}
END_TEST

START_TEST(gfn_map_is_sparse_and_exact)
{
	struct gfn_map m;

	ck_assert_int_eq(gfn_map_init(&m, 100000), 0);
	ck_assert_ptr_null(gfn_map_get(&m, 5));
	ck_assert_int_eq(gfn_map_set(&m, 5, 3, 77, true), 0);
	ck_assert_int_eq(gfn_map_set(&m, 99999, 4, 1, false), 0);
	ck_assert_int_eq(gfn_map_set(&m, 100000 + 512, 4, 1, false), -EINVAL);
	ck_assert_uint_eq(m.count, 2);
	ck_assert_uint_eq(gfn_map_get(&m, 5)->frame, 77);
	ck_assert(gfn_map_get(&m, 5)->readonly);
	ck_assert_ptr_null(gfn_map_get(&m, 6));
	gfn_map_clear(&m, 5);
	gfn_map_clear(&m, 5);
	ck_assert_uint_eq(m.count, 1);
	ck_assert_ptr_null(gfn_map_get(&m, 5));
	gfn_map_clear_all(&m);
	ck_assert_uint_eq(m.count, 0);
	ck_assert_ptr_null(gfn_map_get(&m, 99999));
	gfn_map_fini(&m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("domain");
	TCase *tc = tcase_create("domain");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, names_and_sizes_are_checked);
	tcase_add_test(tc, domids_are_not_reused);
	tcase_add_test(tc, forgotten_domain_goes_once_dead);
	tcase_add_test(tc, p2m_override_and_restore);
	tcase_add_test(tc, gfn_map_is_sparse_and_exact);
	suite_add_tcase(s, tc);
	return hvtest_run(s);
}
