// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <unistd.h>

#include <check.h>

#include "test_support.h"
#include "trace.h"

void hvtest_reset(void)
{
	domain_destroy_all();
	trace_open(NULL);
}

struct domain *hvtest_domain(const char *name)
{
	struct domain *d = NULL;
	int err = domain_create(name, 1024, &d);

	ck_assert_msg(err == 0, "domain_create(%s) = %d", name, err);
	return d;
}

grant_entry_v1_t *hvtest_gnttab_entry(struct domain *d, grant_ref_t ref)
{
	grant_entry_v1_t *frame0 = domain_grant_frame(d, 0);

	return &frame0[ref];
}

void hvtest_grant(struct domain *granter, grant_ref_t ref, domid_t to,
		  uint64_t frame, bool readonly)
{
	grant_entry_v1_t *e = hvtest_gnttab_entry(granter, ref);

	e->domid = to;
	e->frame = (uint32_t)frame;
	__atomic_store_n(&e->flags,
			 (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
			 __ATOMIC_RELEASE);
}

int hvtest_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

uint64_t hvtest_take_kicks(struct domain *d)
{
	uint64_t n = 0;

	if (read(d->upcall_fd, &n, sizeof(n)) != sizeof(n)) {
		ck_assert_int_eq(errno, EAGAIN);
		return 0;
	}
	return n;
}
