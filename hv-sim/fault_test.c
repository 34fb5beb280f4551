// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection rules (fault.h): what a request may say and what it may
 * not (garbage gets EINVAL and a sentence), how a rule counts (the nth,
 * times, always), and the dispatch with rules applied on real grant
 * tables and event channels: the elements a status rule hits are not
 * performed, the others are; an errno rule fails the whole call.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "evtchn.h"
#include "fault.h"
#include "grant_table.h"
#include "test_support.h"

static struct domain *dom0, *A, *B;

static void setup(void)
{
	hvtest_reset();
	dom0 = hvtest_domain("Domain-0");
	A = hvtest_domain("granter");
	B = hvtest_domain("mapper");
}

static void teardown(void)
{
	domain_destroy_all();
}

/* Parses a JSON rule; returns fault_rule_parse's answer, `why` its sentence. */
static int parse(const char *json, struct fault_rule *r, char *why, size_t n)
{
	static const char *const ignore[] = { "cmd", "domain", NULL };
	struct json_object *o = json_tokener_parse(json);
	int rc;

	ck_assert_msg(o != NULL, "bad JSON in the test: %s", json);
	why[0] = 0;
	rc = fault_rule_parse(o, ignore, r, why, n);
	json_object_put(o);
	return rc;
}

static struct fault_rule rule(const char *json)
{
	struct fault_rule r;
	char why[1400];

	ck_assert_msg(parse(json, &r, why, sizeof(why)) == 0, "%s: %s", json, why);
	return r;
}

/* The request is refused with EINVAL and a sentence holding `words`. */
static void refused(const char *json, const char *words)
{
	struct fault_rule r;
	char why[1400];

	ck_assert_int_eq(parse(json, &r, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, words), "%s: said '%s', not '%s'", json, why, words);
}

START_TEST(rules_parse)
{
	struct fault_rule r;

	r = rule("{\"cmd\":\"fault_set\",\"domain\":\"x\",\"kind\":\"map_grant_ref\","
		 "\"status\":\"eagain\",\"times\":3}");
	ck_assert_str_eq(r.kind, "map_grant_ref");
	ck_assert_int_eq(r.op, __HYPERVISOR_grant_table_op);
	ck_assert_int_eq(r.cmd, GNTTABOP_map_grant_ref);
	ck_assert_int_eq(r.how, FAULT_STATUS);
	ck_assert_int_eq(r.status, GNTST_eagain);
	ck_assert_int_eq(r.nth, 1);
	ck_assert_int_eq(r.times, 3);

	r = rule("{\"kind\":\"map_grant_ref\",\"status\":\"GNTST_no_device_space\"}");
	ck_assert_int_eq(r.status, GNTST_no_device_space);
	ck_assert_int_eq(r.times, 1);

	r = rule("{\"kind\":\"alloc_unbound\",\"errno\":\"ENOSPC\",\"nth\":2,\"always\":true}");
	ck_assert_int_eq(r.how, FAULT_ERRNO);
	ck_assert_int_eq(r.err, ENOSPC);
	ck_assert_int_eq(r.nth, 2);
	ck_assert_int_eq(r.times, -1);

	r = rule("{\"kind\":\"memory_op\",\"errno\":12}");
	ck_assert_int_eq(r.err, ENOMEM);
	ck_assert_int_eq(r.cmd, HVSIM_FAULT_WHOLE_CALL);

	r = rule("{\"kind\":\"kmalloc\",\"nth\":2}");
	ck_assert_int_eq(r.how, FAULT_KERNEL_ALLOC);
	ck_assert_int_eq(r.kernel, HVSIM_KFAULT_KMALLOC);

	/* a slow vCPU stays slow until told otherwise */
	r = rule("{\"kind\":\"upcall_delay\",\"delay_ms\":50}");
	ck_assert_int_eq(r.how, FAULT_DELAY);
	ck_assert_int_eq(r.delay_ms, 50);
	ck_assert_int_eq(r.times, -1);
	r = rule("{\"kind\":\"upcall_delay\",\"delay_ms\":50,\"times\":2}");
	ck_assert_int_eq(r.times, 2);
}
END_TEST

START_TEST(garbage_is_refused)
{
	refused("[]", "JSON object");
	refused("{}", "missing \"kind\"");
	refused("{\"kind\":7}", "missing \"kind\"");
	refused("{\"kind\":\"map_grant\"}", "unknown fault kind 'map_grant'");
	refused("{\"kind\":\"\"}", "unknown fault kind");
	refused("{\"kind\":\"map_grant_ref\"}", "needs \"status\"");
	refused("{\"kind\":\"map_grant_ref\",\"status\":\"okay\"}", "no fault");
	refused("{\"kind\":\"map_grant_ref\",\"status\":\"sort_of\"}", "grant status");
	refused("{\"kind\":\"map_grant_ref\",\"status\":-12}", "grant status");
	refused("{\"kind\":\"map_grant_ref\",\"status\":\"eagain\",\"errno\":\"ENOMEM\"}",
		"not both");
	refused("{\"kind\":\"alloc_unbound\",\"status\":\"eagain\"}", "no grant status");
	refused("{\"kind\":\"alloc_unbound\",\"errno\":\"ENOTANERRNO\"}", "unknown errno");
	refused("{\"kind\":\"alloc_unbound\",\"errno\":0}", "no errno");
	refused("{\"kind\":\"alloc_unbound\",\"errno\":-12}", "no errno");
	refused("{\"kind\":\"alloc_unbound\",\"errno\":99999}", "no errno");
	refused("{\"kind\":\"alloc_unbound\",\"errno\":1.5}", "\"errno\" must be");
	refused("{\"kind\":\"alloc_unbound\",\"errno\":\"ENOSPC\",\"delay_ms\":5}",
		"only upcall_delay");
	refused("{\"kind\":\"kmalloc\",\"errno\":\"ENOMEM\"}", "no status or errno");
	refused("{\"kind\":\"upcall_delay\"}", "needs \"delay_ms\"");
	refused("{\"kind\":\"upcall_delay\",\"delay_ms\":0}", "\"delay_ms\" must be 1 to 60000");
	refused("{\"kind\":\"upcall_delay\",\"delay_ms\":60001}", "\"delay_ms\" must be");
	refused("{\"kind\":\"upcall_delay\",\"delay_ms\":\"50ms\"}", "whole number");
	/* absurd counts */
	refused("{\"kind\":\"kmalloc\",\"nth\":0}", "\"nth\" must be 1 to 1000000");
	refused("{\"kind\":\"kmalloc\",\"nth\":-1}", "\"nth\" must be");
	refused("{\"kind\":\"kmalloc\",\"times\":0}", "\"times\" must be 1 to 1000000");
	refused("{\"kind\":\"kmalloc\",\"times\":1000001}", "\"times\" must be");
	refused("{\"kind\":\"kmalloc\",\"times\":99999999999999999999}", "\"times\" must be");
	refused("{\"kind\":\"kmalloc\",\"times\":\"3\"}", "whole number");
	refused("{\"kind\":\"kmalloc\",\"times\":3.0}", "whole number");
	refused("{\"kind\":\"kmalloc\",\"times\":3,\"always\":true}", "not both");
	refused("{\"kind\":\"kmalloc\",\"always\":\"yes\"}", "true or false");
	refused("{\"kind\":\"kmalloc\",\"domid\":1}", "unknown member \"domid\"");
}
END_TEST

START_TEST(counting)
{
	struct fault_rule r = rule("{\"kind\":\"send\",\"errno\":\"EINVAL\",\"nth\":2,\"times\":3}");
	bool seen[7];

	for (int i = 0; i < 7; i++)
		seen[i] = fault_fire(&r);
	/* the 1st goes through, the 2nd to 4th fail, then it is spent */
	ck_assert(!seen[0] && seen[1] && seen[2] && seen[3] && !seen[4] && !seen[5] && !seen[6]);
	ck_assert_int_eq(r.injected, 3);
	ck_assert(fault_done(&r));

	r = rule("{\"kind\":\"send\",\"errno\":\"EINVAL\",\"nth\":3,\"always\":true}");
	ck_assert(!fault_fire(&r) && !fault_fire(&r));
	for (int i = 0; i < 1000; i++)
		ck_assert(fault_fire(&r));
	ck_assert(!fault_done(&r));
}
END_TEST

START_TEST(one_rule_per_kind)
{
	struct fault_rule r = rule("{\"kind\":\"send\",\"errno\":\"EINVAL\"}");
	struct json_object *list;

	ck_assert_int_eq(fault_set(B, &r), 0);
	r = rule("{\"kind\":\"send\",\"errno\":\"EPERM\",\"times\":2}");
	ck_assert_int_eq(fault_set(B, &r), 0);
	r = rule("{\"kind\":\"kmalloc\"}");
	ck_assert_int_eq(fault_set(B, &r), 0);
	ck_assert_int_eq(fault_find_kind(B, "send")->err, EPERM);
	ck_assert_ptr_null(fault_find_kind(A, "send"));

	list = fault_list_json(B);
	ck_assert_str_eq(json_object_to_json_string_ext(list, JSON_C_TO_STRING_PLAIN),
			 "[{\"kind\":\"send\",\"errno\":\"EPERM\",\"nth\":1,\"times\":2,"
			 "\"injected\":0,\"done\":false},{\"kind\":\"kmalloc\",\"nth\":1,"
			 "\"times\":1,\"injected\":0,\"done\":false}]");
	json_object_put(list);

	/* the kernel's news counts for its rule here */
	ck_assert_ptr_nonnull(fault_kernel_note(B, HVSIM_KFAULT_KMALLOC));
	ck_assert_int_eq(fault_find_kind(B, "kmalloc")->injected, 1);
	ck_assert(fault_done(fault_find_kind(B, "kmalloc")));
	ck_assert_ptr_null(fault_kernel_note(B, HVSIM_KFAULT_UPCALL_DELAY));

	ck_assert_int_eq(fault_clear(B, "nothing_set"), 0);
	ck_assert_int_eq(fault_clear(B, "send"), 1);
	ck_assert_ptr_null(fault_find_kind(B, "send"));
	ck_assert_int_eq(fault_clear(B, NULL), 1);
	ck_assert_ptr_null(B->faults);

	/* a destroyed domain's rules go with it (LeakSanitizer would say) */
	ck_assert_int_eq(fault_set(B, &r), 0);
	ck_assert_int_eq(domain_destroy(B), 0);
	ck_assert_ptr_null(B->faults);
}
END_TEST

/* A map op of B's for ref `ref` of A at gfn `gfn`. */
static struct gnttab_map_grant_ref map_of(grant_ref_t ref, uint64_t gfn)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = gfn << XEN_PAGE_SHIFT, .flags = GNTMAP_host_map, .ref = ref,
		.dom = A->domid, .status = 1, .handle = 0xdeadbeef,
	};

	return op;
}

START_TEST(status_rule_fails_the_elements_it_hits)
{
	struct fault_rule r = rule("{\"kind\":\"map_grant_ref\",\"status\":\"no_device_space\","
				   "\"nth\":2}");
	struct gnttab_map_grant_ref ops[3];
	uint8_t bits[FAULT_MAX_BATCH / 8] = { 0 };
	struct fault_injection inj = { .ops = bits };

	for (grant_ref_t ref = 8; ref < 11; ref++) {
		hvtest_grant(A, ref, B->domid, 0x100 + ref, false);
		ops[ref - 8] = map_of(ref, 0x200 + ref);
	}
	ck_assert_int_eq(fault_set(B, &r), 0);
	ck_assert_int_eq(fault_grant_table_op(B, GNTTABOP_map_grant_ref, ops, 3, NULL, &inj), 0);
	ck_assert_int_eq(ops[0].status, GNTST_okay);
	ck_assert_int_eq(ops[1].status, GNTST_no_device_space);
	ck_assert_int_eq(ops[2].status, GNTST_okay);
	/* the failed element is as the guest wrote it, with Xen's status */
	ck_assert_uint_eq(ops[1].handle, 0xdeadbeef);
	ck_assert(inj.any && !inj.rc);
	ck_assert_int_eq(bits[0], 1u << 1);
	ck_assert_int_eq(grant_table_mappings(B), 2);
	ck_assert_int_eq(grant_table_active_entries(A), 2);
	ck_assert_int_eq(hvtest_gnttab_entry(A, 9)->flags, GTF_permit_access);

	/* spent: the same element again goes through */
	memset(bits, 0, sizeof(bits));
	memset(&inj, 0, sizeof(inj));
	inj.ops = bits;
	ck_assert_int_eq(fault_grant_table_op(B, GNTTABOP_map_grant_ref, &ops[1], 1, NULL, &inj),
			 0);
	ck_assert_int_eq(ops[1].status, GNTST_okay);
	ck_assert(!inj.any);
	ck_assert_int_eq(grant_table_mappings(B), 3);
}
END_TEST

START_TEST(eagain_then_okay)
{
	struct fault_rule r = rule("{\"kind\":\"map_grant_ref\",\"status\":\"eagain\","
				   "\"times\":3}");
	struct gnttab_map_grant_ref op;
	struct fault_injection inj = { 0 };
	int tries = 0;

	hvtest_grant(A, 8, B->domid, 0x100, false);
	ck_assert_int_eq(fault_set(B, &r), 0);
	/* as Linux's gnttab_retry_eagain_gop: the same op again until it is not eagain */
	do {
		op = map_of(8, 0x300);
		ck_assert_int_eq(fault_grant_table_op(B, GNTTABOP_map_grant_ref, &op, 1, NULL,
						      &inj), 0);
		tries++;
	} while (op.status == GNTST_eagain && tries < 10);
	ck_assert_int_eq(tries, 4);
	ck_assert_int_eq(op.status, GNTST_okay);
	ck_assert_int_eq(fault_find_kind(B, "map_grant_ref")->injected, 3);
}
END_TEST

START_TEST(errno_rule_fails_the_whole_call)
{
	struct fault_rule r = rule("{\"kind\":\"map_grant_ref\",\"errno\":\"ENOMEM\"}");
	struct gnttab_map_grant_ref ops[2];
	struct fault_injection inj = { 0 };

	hvtest_grant(A, 8, B->domid, 0x100, false);
	hvtest_grant(A, 9, B->domid, 0x101, false);
	ops[0] = map_of(8, 0x300);
	ops[1] = map_of(9, 0x301);
	ck_assert_int_eq(fault_set(B, &r), 0);
	ck_assert_int_eq(fault_grant_table_op(B, GNTTABOP_map_grant_ref, ops, 2, NULL, &inj),
			 -ENOMEM);
	ck_assert(inj.any && inj.rc);
	/* nothing ran: the statuses are the guest's own */
	ck_assert_int_eq(ops[0].status, 1);
	ck_assert_int_eq(ops[1].status, 1);
	ck_assert_int_eq(grant_table_mappings(B), 0);
	/* what Xen refuses first is refused so still (no count, no injection) */
	r = rule("{\"kind\":\"map_grant_ref\",\"errno\":\"ENOMEM\",\"always\":true}");
	ck_assert_int_eq(fault_set(B, &r), 0);
	ck_assert_int_eq(fault_grant_table_op(B, GNTTABOP_map_grant_ref, ops, (unsigned int)-1,
					      NULL, &inj), -EINVAL);
	ck_assert_int_eq(fault_find_kind(B, "map_grant_ref")->injected, 0);
}
END_TEST

START_TEST(evtchn_and_raw_rules)
{
	struct fault_rule r = rule("{\"kind\":\"alloc_unbound\",\"errno\":\"ENOSPC\"}");
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = A->domid };
	struct fault_injection inj = { 0 };
	long rc;

	ck_assert_int_eq(fault_set(B, &r), 0);
	ck_assert_int_eq(fault_evtchn_op(B, EVTCHNOP_alloc_unbound, &au, &inj), -ENOSPC);
	ck_assert(inj.rc);
	/* other ops, and other domains, are untouched */
	memset(&inj, 0, sizeof(inj));
	ck_assert_int_eq(fault_evtchn_op(A, EVTCHNOP_alloc_unbound, &au, &inj), 0);
	ck_assert(!inj.any);
	ck_assert_int_eq(fault_evtchn_op(B, EVTCHNOP_alloc_unbound, &au, &inj), 0);
	ck_assert_int_eq(au.port, 1);

	r = rule("{\"kind\":\"memory_op\",\"errno\":\"ENOMEM\",\"nth\":2}");
	ck_assert_int_eq(fault_set(B, &r), 0);
	ck_assert(!fault_raw_hypercall(B, __HYPERVISOR_memory_op, &rc));
	ck_assert(!fault_raw_hypercall(B, __HYPERVISOR_domctl, &rc));
	ck_assert(fault_raw_hypercall(B, __HYPERVISOR_memory_op, &rc));
	ck_assert_int_eq(rc, -ENOMEM);
	ck_assert(!fault_raw_hypercall(B, __HYPERVISOR_memory_op, &rc));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fault");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rules_parse);
	tcase_add_test(tc, garbage_is_refused);
	tcase_add_test(tc, counting);
	tcase_add_test(tc, one_rule_per_kind);
	tcase_add_test(tc, status_rule_fails_the_elements_it_hits);
	tcase_add_test(tc, eagain_then_okay);
	tcase_add_test(tc, errno_rule_fails_the_whole_call);
	tcase_add_test(tc, evtchn_and_raw_rules);
	suite_add_tcase(s, tc);
	return hvtest_run(s);
}
