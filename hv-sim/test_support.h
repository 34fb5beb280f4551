/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the hv-sim unit tests (check). */
#ifndef HVSIM_TEST_SUPPORT_H
#define HVSIM_TEST_SUPPORT_H

#include <check.h>

#include "domain.h"

/* A fresh hypervisor state: no domains, tracing off.  Call in setup. */
void hvtest_reset(void);

/* Creates a running domain (4 MiB of RAM) or fails the test. */
struct domain *hvtest_domain(const char *name);

/* Grant entry `ref` of `d`, as the guest sees it in its shared frames. */
grant_entry_v1_t *hvtest_gnttab_entry(struct domain *d, grant_ref_t ref);

/* The guest side of granting: writes domid and frame, then flags (with a
 * barrier between, as Linux does). */
void hvtest_grant(struct domain *granter, grant_ref_t ref, domid_t to,
		  uint64_t frame, bool readonly);

/* How many kicks the domain's vCPU eventfd holds (and consumes them). */
uint64_t hvtest_take_kicks(struct domain *d);

/* Runs a check suite; the exit status for main(): 0 when every test passed. */
int hvtest_run(Suite *s);

#endif
