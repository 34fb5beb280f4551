// SPDX-License-Identifier: GPL-2.0-only
/*
 * foreign-test: foreign memory for the control domain.  A Domain-0
 * program maps a domU's page by gfn with Debian's libxenforeignmemory
 * (privcmd's IOCTL_PRIVCMD_MMAPBATCH_V2, then xlate_mmu.c's
 * XENMEM_add_to_physmap_range with XENMAPSPACE_gmfn_foreign), and both
 * see each other's writes; a gfn beyond the domU's RAM is a per-page
 * error; a domU is refused; killing the mapper or destroying the domU
 * leaves everything else working.
 *
 * The gfn: the domU program shares a page with gntalloc (any page of the
 * domU's RAM would do) and reports which gfn it is (foreign_peer.c).
 *
 * And the domU's grant table: Domain-0 maps its grant frames with
 * xenforeignmemory_map_resource (privcmd's IOCTL_PRIVCMD_MMAP_RESOURCE,
 * XENMEM_acquire_resource with XENMEM_resource_grant_table) and reads the
 * entries the domU's kernel writes as its programs grant pages.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "hvsim/xen.h"
#include "libxen/peer_fixture.h"

static void setup(void)
{
	peer_fixture_up(1, "foreign-peer");
}

static void expect_line(struct domproc *p, const char *key, const char *want)
{
	char *got = peer_expect(p, key);

	ck_assert_msg(strcmp(got, want) == 0, "%s: '%s %s', expected '%s %s'", p->name, key,
		      got, key, want);
	free(got);
}

static void tell(struct domproc *p, const char *line)
{
	size_t n = strlen(line);

	ck_assert_int_eq(write(p->in, line, n), (ssize_t)n);
	ck_assert_int_eq(write(p->in, "\n", 1), 1);
}

/* The state `hvsim list --all` shows for domain `name` (dead ones too). */
static char *domain_state(const char *name)
{
	char *out, *line, *save = NULL, *state = NULL;

	ck_assert_int_eq(harness_sh(&out, "%s list --all", harness_exe("hvsim")), 0);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char n[64], st[16];
		int id;

		if (sscanf(line, "%63s %d %15s", n, &id, st) == 3 && strcmp(n, name) == 0)
			state = strdup(st);
	}
	free(out);
	ck_assert_msg(state, "no domain %s in hvsim list", name);
	return state;
}

static void expect_state(const char *name, const char *want)
{
	char *st = domain_state(name);

	ck_assert_msg(strcmp(st, want) == 0, "%s is %s, expected %s", name, st, want);
	free(st);
}

/* A domU program sharing a page that reads "TEXT"; returns its gfn. */
static struct domproc *share(unsigned int domid, const char *text, char **gfn)
{
	struct domproc *s = peer_start(domid, "share %s", text);

	*gfn = peer_expect(s, "gfn");
	ck_assert_msg(atoll(*gfn) > 0, "gfn %s", *gfn);
	return s;
}

/*
 * Linux privcmd.c privcmd_ioctl_mmap_batch: per-page errors go to the V2
 * err array, the ioctl itself is 0 unless one is -ENOENT; Xen's
 * p2m_add_foreign: a gfn beyond the domU's RAM is -EINVAL (get_page_from_gfn
 * fails).  Dom0 and the domU then see each other's writes.
 */
START_TEST(dom0_maps_domu_page_by_gfn)
{
	unsigned int guest = harness_domain("guest");
	char *gfn, errs[64];
	struct domproc *s = share(guest, "from-domU", &gfn);
	struct domproc *m = peer_start(0, "map %u %s %u", guest, gfn, 1u << 30);

	snprintf(errs, sizeof(errs), "0 %d", -EINVAL);
	expect_line(m, "errs", errs);
	expect_line(m, "text", "from-domU");
	tell(m, "write from-dom0");
	expect_line(m, "written", "");
	tell(s, "read");
	expect_line(s, "text", "from-dom0");
	tell(s, "read");
	expect_line(s, "text", "from-dom0");
	domproc_close_stdin(m);
	expect_line(m, "unmapped", "");
	peer_expect_exit(m, 0);
	/* the domU's page is its own again, untouched by the unmap */
	tell(s, "read");
	expect_line(s, "text", "from-dom0");
	peer_expect_exit(s, 0);
	free(gfn);
}
END_TEST

/*
 * A domU: Linux's privcmd restricts itself to the target domain xenstore
 * names (none: DOMID_IDLE, privcmd.c init_restrict), so the ioctl is
 * -EPERM before Xen is asked (Xen would refuse each page with -EPERM too:
 * p2m.c p2m_add_foreign, arch_acquire_resource_check).  Without an err
 * array libxenforeignmemory reports that as errno.
 */
START_TEST(domu_is_refused)
{
	unsigned int a = harness_domain("guest-a"), b = harness_domain("guest-b");
	char *gfn;
	struct domproc *s = share(a, "secret", &gfn);
	struct domproc *m = peer_start(b, "map-noerr %u %s", a, gfn);

	expect_line(m, "refused", "EPERM");
	peer_expect_exit(m, 0);
	m = peer_start(b, "map-noerr 0 1");
	expect_line(m, "refused", "EPERM");
	peer_expect_exit(m, 0);
	/*
	 * The grant table too: privcmd_ioctl_mmap_resource checks the
	 * restriction first, for the size query and the map alike (-EPERM;
	 * Xen would say -EACCES, memory.c acquire_resource's
	 * arch_acquire_resource_check, had it been asked).
	 */
	m = peer_start(b, "table %u", a);
	expect_line(m, "size-refused", "EPERM");
	expect_line(m, "refused", "EPERM");
	peer_expect_exit(m, 0);
	tell(s, "read");
	expect_line(s, "text", "secret");
	peer_expect_exit(s, 0);
	free(gfn);
}
END_TEST

/*
 * SIGKILL of the mapper: its exit unmaps the VMA, privcmd_close gives the
 * gfns back (xlate_mmu.c xen_xlate_unmap_gfn_range,
 * XENMEM_remove_from_physmap), so the domU, once destroyed, dies at once
 * instead of staying a zombie for a mapping nobody holds.
 */
START_TEST(mapper_killed)
{
	unsigned int guest = harness_domain("guest");
	char *gfn, *pid;
	struct domproc *s = share(guest, "still-here", &gfn);
	struct domproc *m = peer_start(0, "map %u %s", guest, gfn);

	expect_line(m, "errs", "0");
	expect_line(m, "text", "still-here");
	ck_assert_int_eq(domproc_kill(m, SIGKILL), 0);
	peer_expect_exit(m, 128 + SIGKILL);
	tell(s, "read");
	expect_line(s, "text", "still-here");
	/* mapping again works: the gfns and the kernel's pages came back */
	m = peer_start(0, "map %u %s", guest, gfn);
	expect_line(m, "errs", "0");
	domproc_close_stdin(m);
	expect_line(m, "unmapped", "");
	peer_expect_exit(m, 0);
	peer_expect_exit(s, 0);
	ck_assert_int_eq(harness_sh(&pid, "%s domain destroy guest", harness_exe("hvsim")), 0);
	free(pid);
	expect_state("guest", "dead");
	free(gfn);
}
END_TEST

/*
 * The domU destroyed while dom0 maps its page: dom0 keeps reading it (Xen
 * holds a page reference per foreign mapping until remove_from_physmap,
 * p2m.c p2m_add_foreign), the domain stays a zombie ("dying") until the
 * mapping goes, then is dead.
 */
START_TEST(domu_destroyed_while_mapped)
{
	unsigned int guest = harness_domain("guest");
	char *gfn, *out;
	struct domproc *s = share(guest, "last-words", &gfn);
	struct domproc *m = peer_start(0, "map %u %s", guest, gfn);

	expect_line(m, "errs", "0");
	expect_line(m, "text", "last-words");
	ck_assert_int_eq(harness_sh(&out, "%s domain destroy guest", harness_exe("hvsim")), 0);
	free(out);
	peer_expect_exit(s, 128 + SIGKILL);
	expect_state("guest", "dying");
	tell(m, "read");
	expect_line(m, "text", "last-words");
	tell(m, "write after-death");
	expect_line(m, "written", "");
	tell(m, "read");
	expect_line(m, "text", "after-death");
	domproc_close_stdin(m);
	expect_line(m, "unmapped", "");
	peer_expect_exit(m, 0);
	expect_state("guest", "dead");
	free(gfn);
}
END_TEST

/* "REF GFN" of the page a `grants` program just granted to dom0. */
static void grant_one(struct domproc *g, unsigned long *ref, unsigned long *gfn)
{
	char *got;

	tell(g, "grant");
	got = peer_expect(g, "granted");
	ck_assert_msg(sscanf(got, "%lu %lu", ref, gfn) == 2 && *gfn > 0, "granted %s", got);
	free(got);
}

/* The entry line dom0's table program prints for `ref`. */
static void expect_entry(struct domproc *t, unsigned long ref, unsigned int flags,
			 unsigned long gfn)
{
	char cmd[64], want[96];

	snprintf(cmd, sizeof(cmd), "entry %lu", ref);
	tell(t, cmd);
	snprintf(want, sizeof(want), "flags=%#x domid=0 frame=%lu", flags, gfn);
	expect_line(t, "entry", want);
}

/*
 * The same, for an entry the granter's kernel ends when its program exits:
 * that release runs once the kernel hears of the exit (its pidfd), a little
 * after the exit itself (docs/kmod.md, Known limits), so this asks again
 * until it has (at most 5 s).
 */
static void expect_entry_ended(struct domproc *t, unsigned long ref, unsigned long gfn)
{
	char cmd[64], want[96], *got = NULL;

	snprintf(cmd, sizeof(cmd), "entry %lu", ref);
	snprintf(want, sizeof(want), "flags=0 domid=0 frame=%lu", gfn);
	for (int i = 0; i < 100; i++) {
		free(got);
		tell(t, cmd);
		got = peer_expect(t, "entry");
		if (!strcmp(got, want))
			break;
		usleep(50 * 1000);
	}
	ck_assert_msg(strcmp(got, want) == 0, "entry %lu: '%s', expected '%s'", ref, got, want);
	free(got);
}

/*
 * Dom0 maps the domU's whole grant table and reads the v1 entries the
 * domU's kernel writes.  Xen: memory.c acquire_resource, a NULL frame list
 * answers nr_frames = gnttab_resource_max_frames (max_grant_frames, 64 by
 * default: gnttab_max_frames); the map shows the grant frames themselves
 * (gnttab_acquire_resource), so a later grant is seen at once.  Linux:
 * gntalloc's add_grefs writes GTF_permit_access, domid 0 and the page's
 * gfn (gnttab_grant_foreign_access, writable); closing the gntalloc handle
 * ends the access, clearing the flags only
 * (gnttab_end_foreign_access_ref_v1).
 */
START_TEST(dom0_reads_domu_grant_table)
{
	unsigned int guest = harness_domain("guest");
	struct domproc *g = peer_start(guest, "grants");
	unsigned long ref1, gfn1, ref2, gfn2;
	struct domproc *t;

	grant_one(g, &ref1, &gfn1);
	t = peer_start(0, "table %u", guest);
	expect_line(t, "frames", "64");
	expect_line(t, "mapped", "");
	expect_entry(t, ref1, GTF_permit_access, gfn1);
	grant_one(g, &ref2, &gfn2);
	ck_assert_uint_ne(ref1, ref2);
	expect_entry(t, ref2, GTF_permit_access, gfn2);
	expect_entry(t, ref1, GTF_permit_access, gfn1);
	peer_expect_exit(g, 0);
	expect_entry_ended(t, ref1, gfn1);
	expect_entry_ended(t, ref2, gfn2);
	domproc_close_stdin(t);
	expect_line(t, "unmapped", "");
	peer_expect_exit(t, 0);
}
END_TEST

/*
 * The domU destroyed while dom0 maps its grant table: the frames stay,
 * with the entries as its kernel left them (nothing ends a dead kernel's
 * grants), and the domain is a zombie until dom0 unmaps (Xen: the foreign
 * p2m entry holds a page reference, p2m_entry_modify; privcmd_close gives
 * the gfns back with XENMEM_remove_from_physmap).
 */
START_TEST(domu_destroyed_while_table_mapped)
{
	unsigned int guest = harness_domain("guest");
	struct domproc *g = peer_start(guest, "grants");
	unsigned long ref, gfn;
	struct domproc *t;
	char *out;

	grant_one(g, &ref, &gfn);
	t = peer_start(0, "table %u", guest);
	expect_line(t, "mapped", "");
	expect_entry(t, ref, GTF_permit_access, gfn);
	ck_assert_int_eq(harness_sh(&out, "%s domain destroy guest", harness_exe("hvsim")), 0);
	free(out);
	peer_expect_exit(g, 128 + SIGKILL);
	expect_state("guest", "dying");
	expect_entry(t, ref, GTF_permit_access, gfn);
	domproc_close_stdin(t);
	expect_line(t, "unmapped", "");
	peer_expect_exit(t, 0);
	expect_state("guest", "dead");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("foreign");
	TCase *tc = tcase_create("foreign");

	tcase_add_checked_fixture(tc, setup, peer_fixture_down);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, dom0_maps_domu_page_by_gfn);
	tcase_add_test(tc, domu_is_refused);
	tcase_add_test(tc, mapper_killed);
	tcase_add_test(tc, domu_destroyed_while_mapped);
	tcase_add_test(tc, dom0_reads_domu_grant_table);
	tcase_add_test(tc, domu_destroyed_while_table_mapped);
	suite_add_tcase(s, tc);
	return harness_run(s);
}
