// SPDX-License-Identifier: GPL-2.0-only
/*
 * privcmd-test: privcmd-xc (a program on Debian's libxenctrl and raw
 * /dev/xen/privcmd ioctls) in Domain-0 and in a domU of a real hvsimd with
 * guest kernels, each required to get what Xen 4.17.5 and Linux 6.1 give:
 *  - the libxenctrl calls of Qubes' libvchan-xen and the toolstack
 *    (xc_interface_open, xc_version, xc_domain_getinfo,
 *    xc_domain_getinfolist, xc_evtchn_status), agreeing with `hvsim list`;
 *  - bad input, and programs SIGKILLed in the middle of hypercalls, after
 *    which hvsimd and the kernels still serve everyone else.
 * Each expectation names the source it comes from (file: function);
 * "privcmd.c" is Linux's drivers/xen/privcmd.c, the others Xen's.
 */
#include <check.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/features.h>

#include "vchan/domain_proc.h"
#include "harness.h"
#include "hvsim/xen.h"
#include "vchan/stream.h"

/* a hang's bound, not a speed: generous for ASan on a loaded machine */
#define WAIT_MS 60000
/* privcmd-xc's stand-in for a domain that exists nowhere (raw.c) */
#define NO_SUCH_DOMAIN 4000

static uint16_t dom_a, dom_b;

static void setup(void)
{
	harness_up(1);
	dom_a = harness_domain("alpha");
	dom_b = harness_domain("beta");
}

static void teardown(void)
{
	harness_down();
}

/* Starts `exe` (a project program) in `domid` with the words of fmt as its arguments. */
static void start(struct dproc *p, uint16_t domid, const char *exe, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void start(struct dproc *p, uint16_t domid, const char *exe, const char *fmt, ...)
{
	char path[PATH_MAX], *words, *argv[128], *save = NULL;
	va_list ap;
	int n = 0, rc;

	snprintf(path, sizeof(path), "%s", harness_exe(exe));
	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&words, fmt, ap), 0);
	va_end(ap);
	argv[n++] = path;
	for (char *w = strtok_r(words, " ", &save); w && n < 127; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	rc = dproc_start(p, harness_dir(), domid, argv);
	free(words);
	ck_assert_msg(rc == 0, "start %s in dom%u: %s", exe, domid, strerror(-rc));
}

static void expect_exit(struct dproc *p, const char *who, int status)
{
	int got = dproc_wait(p, WAIT_MS);

	ck_assert_msg(got == status, "%s: status %d, wanted %d; it said:\n%s\nstderr:\n%s", who,
		      got, status, p->text, p->errtext);
}

/* Runs privcmd-xc with those arguments in `domid` to its end (status 0). */
static void run_xc(struct dproc *p, uint16_t domid, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void run_xc(struct dproc *p, uint16_t domid, const char *fmt, ...)
{
	char *args;
	va_list ap;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&args, fmt, ap), 0);
	va_end(ap);
	start(p, domid, "privcmd-xc", "%s", args);
	free(args);
	expect_exit(p, "privcmd-xc", 0);
}

/* The line of `text` that begins with `prefix`, up to its end (static), or NULL. */
static const char *line_of(const char *text, const char *prefix)
{
	static char line[512];
	size_t n = strlen(prefix);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, prefix, n)) {
			size_t len = strcspn(l, "\n");

			snprintf(line, sizeof(line), "%.*s", (int)len, l);
			return line;
		}
	return NULL;
}

/* The program said exactly the line "WHAT -> RESULT". */
static void expect_result(const struct dproc *p, const char *what, const char *want)
{
	char prefix[128];
	const char *got;

	snprintf(prefix, sizeof(prefix), "%s -> ", what);
	got = line_of(p->text, prefix);
	ck_assert_msg(got, "no \"%s\" in:\n%s\nstderr:\n%s", prefix, p->text, p->errtext);
	ck_assert_msg(!strcmp(got + strlen(prefix), want), "%s%s, wanted %s", prefix,
		      got + strlen(prefix), want);
}

/* The result of "WHAT -> ..." begins with `want`. */
static void expect_result_prefix(const struct dproc *p, const char *what, const char *want)
{
	char prefix[128];
	const char *got;

	snprintf(prefix, sizeof(prefix), "%s -> ", what);
	got = line_of(p->text, prefix);
	ck_assert_msg(got, "no \"%s\" in:\n%s", prefix, p->text);
	ck_assert_msg(!strncmp(got + strlen(prefix), want, strlen(want)), "%s, wanted %s...",
		      got, want);
}

/* `hvsim list`, one row per domain Xen would know ----------------------------------------------- */

struct listed {
	unsigned int domid;
	unsigned long pages;
	bool dying;
	char uuid[40];
};

static int hvsim_list(struct listed *rows, int max)
{
	char *out, *save = NULL;
	int n = 0, rc = harness_sh(&out, "%s list", harness_exe("hvsim"));

	ck_assert_msg(rc == 0, "hvsim list: status %d", rc);
	for (char *l = strtok_r(out, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save)) {
		char name[64], state[32];

		/* a dead domain is remembered by hvsim alone: Xen has forgotten it */
		if (sscanf(l, "%63s %u %31s %lu %*u %*u %*s %39s", name, &rows[n].domid, state,
			   &rows[n].pages, rows[n].uuid) == 5 && strcmp(state, "dead")) {
			rows[n].dying = !strcmp(state, "dying");
			n++;
		}
	}
	free(out);
	return n;
}

/* The UUID as the 32 hex digits of the handle. */
static void uuid_hex(const char *uuid, char out[33])
{
	int n = 0;

	for (const char *c = uuid; *c && n < 32; c++)
		if (*c != '-')
			out[n++] = *c;
	out[n] = 0;
}

/*
 * The "  dom D ..." lines after the line of `what` describe exactly the
 * domains `hvsim list` shows from domid `first` on (at most `max`), with
 * its pages and UUID; the caller's own domain `self` running, the others
 * blocked, a dying one neither but dying (hvsim's domains never pause,
 * shut down or crash).
 */
static void expect_domains(const struct dproc *p, const char *what, unsigned int first,
			   unsigned int max, unsigned int self)
{
	struct listed rows[16];
	int nrows = hvsim_list(rows, 16), nwant = 0;
	char prefix[128];
	const char *at;

	snprintf(prefix, sizeof(prefix), "%s -> ", what);
	at = strstr(p->text, prefix);
	ck_assert_msg(at, "no \"%s\" in:\n%s", prefix, p->text);
	at = strchr(at, '\n') + 1;
	for (int i = 0; i < nrows; i++) {
		char want[512], hex[33];

		if (rows[i].domid < first || (unsigned int)nwant == max)
			continue;
		uuid_hex(rows[i].uuid, hex);
		/*
		 * xc_domain_getinfo / xc_domain_getinfolist (tools/libs/ctrl/
		 * xc_domain.c) from getdomaininfo (domctl.c): state flags,
		 * tot_pages, max_pages in KiB, one vCPU, Pool-0, the handle
		 */
		snprintf(want, sizeof(want), "  dom %u state=%s hvm=1 hap=1 pages=%lu max_kb=%lu "
			 "vcpus=1 max_vcpu=0 cpupool=0 handle=%s\n", rows[i].domid,
			 rows[i].dying ? "-----d" : rows[i].domid == self ? "r-----" : "-b----",
			 rows[i].pages,
			 rows[i].pages * 4, hex);
		ck_assert_msg(!strncmp(at, want, strlen(want)), "%s: wanted\n%sgot\n%s", what, want,
			      at);
		at += strlen(want);
		nwant++;
	}
	ck_assert_msg(strncmp(at, "  dom ", 6), "%s: more domains than hvsim lists:\n%s", what,
		      p->text);
	/* and the call's result is how many */
	snprintf(prefix, sizeof(prefix), "%d", nwant);
	expect_result(p, what, nwant ? prefix : "-1 ESRCH");
}

/* libxenctrl in Domain-0 ------------------------------------------------------------ */

/*
 * xc_version's sub-ops as Domain-0 gets them: do_xen_version (common/
 * kernel.c), whose XSM check (xsm/dummy.h: xsm_xen_version) lets the
 * control domain have every one.
 */
START_TEST(xc_version_in_dom0)
{
	struct dproc p;
	const char *features, *bid;
	unsigned int submap;

	run_xc(&p, 0, "query version");
	expect_result(&p, "open", "ok");
	/* XENVER_version: major << 16 | minor */
	expect_result(&p, "version", "4.17");
	expect_result_prefix(&p, "extraversion", "0 \"");
	/* arch_get_xen_caps (arch/x86/setup.c), for an x86 Xen without PV */
	expect_result(&p, "capabilities", "0 \"hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 \"");
	/* XENVER_get_features submap 0 of a translated, non-PV hardware domain */
	features = line_of(p.text, "get_features -> 0 submap=");
	ck_assert_msg(features, "%s", p.text);
	submap = (unsigned int)strtoul(strchr(features, '=') + 1, NULL, 0);
	ck_assert_msg(submap & (1u << XENFEAT_dom0), "%s", features);
	ck_assert_msg(submap & (1u << XENFEAT_auto_translated_physmap), "%s", features);
	ck_assert_msg(submap & (1u << XENFEAT_hvm_callback_vector), "%s", features);
	ck_assert_msg(!(submap & (1u << XENFEAT_direct_mapped)), "%s", features);
	/* XENVER_pagesize with a null handle: PAGE_SIZE */
	expect_result(&p, "pagesize", "4096");
	/* XENVER_guest_handle: dom0's handle, all zeros (it is made with none) */
	expect_result(&p, "guest_handle", "0 00000000000000000000000000000000");
	expect_result_prefix(&p, "commandline", "0 \"");
	/* XENVER_build_id: the id's length, and the id */
	bid = line_of(p.text, "build_id -> ");
	ck_assert_msg(bid && atoi(bid + 12) > 0 && strlen(strchr(bid + 12, ' ') + 1) ==
		      2 * (size_t)atoi(bid + 12), "%s", p.text);
	dproc_release(&p);
}
END_TEST

/*
 * xc_domain_getinfo with Xen 4.17's semantics (domctl.c do_domctl,
 * XEN_DOMCTL_getdomaininfo: the first domain whose id is >= the one asked;
 * xc_domain.c xc_domain_getinfo: on from the next id, until MAX or the
 * first failure), and xc_domain_getinfolist (sysctl.c
 * XEN_SYSCTL_getdomaininfolist), with a hole in the domids.
 */
START_TEST(xc_getinfo_in_dom0_agrees_with_hvsim_list)
{
	uint16_t dom_c = harness_domain("gamma");
	char what[64];
	struct dproc p;

	/* a hole: b's domid names no domain, c's does */
	ck_assert_int_eq(hvsim_domain_destroy(harness_ctl(), "beta"), 0);
	run_xc(&p, 0, "query getinfo 0 1 getinfo 0 2 getinfo 0 16 getinfo %u 1 getinfo %u 16 "
	       "getinfo %u 1 getinfolist 0 16 getinfolist %u 1 getinfolist %u 16",
	       dom_b, dom_c + 1, DOMID_FIRST_RESERVED - 1, dom_b, dom_c + 1);
	expect_domains(&p, "getinfo 0 1", 0, 1, 0);
	expect_domains(&p, "getinfo 0 2", 0, 2, 0);
	expect_domains(&p, "getinfo 0 16", 0, 16, 0);
	/* asked for b, told about c */
	snprintf(what, sizeof(what), "getinfo %u 1", dom_b);
	expect_domains(&p, what, dom_b, 1, 0);
	/* none from there on: the first call's -ESRCH is xc_domain_getinfo's answer */
	snprintf(what, sizeof(what), "getinfo %u 16", dom_c + 1);
	expect_result(&p, what, "-1 ESRCH");
	snprintf(what, sizeof(what), "getinfo %u 1", DOMID_FIRST_RESERVED - 1);
	expect_result(&p, what, "-1 ESRCH");
	expect_domains(&p, "getinfolist 0 16", 0, 16, 0);
	snprintf(what, sizeof(what), "getinfolist %u 1", dom_b);
	expect_domains(&p, what, dom_b, 1, 0);
	/* getdomaininfolist finds none and says so with success: 0 domains */
	snprintf(what, sizeof(what), "getinfolist %u 16", dom_c + 1);
	expect_result(&p, what, "0");
	dproc_release(&p);
}
END_TEST

/* What libvchan-xen's liveness check concludes (query.c query_alive). */
START_TEST(libvchan_alive_check_in_dom0_and_domU)
{
	uint16_t dom_c = harness_domain("gamma");
	char what[32], want[64];
	struct dproc p;

	ck_assert_int_eq(hvsim_domain_destroy(harness_ctl(), "beta"), 0);
	run_xc(&p, 0, "query alive %u alive %u alive %u", dom_a, dom_b, NO_SUCH_DOMAIN);
	snprintf(what, sizeof(what), "alive %u", dom_a);
	snprintf(want, sizeof(want), "1 by getinfo (dom %u)", dom_a);
	expect_result(&p, what, want);
	/* getinfo of b answers with c, which is not b: b is gone */
	snprintf(what, sizeof(what), "alive %u", dom_b);
	snprintf(want, sizeof(want), "0 by getinfo (dom %u)", dom_c);
	expect_result(&p, what, want);
	snprintf(what, sizeof(what), "alive %u", NO_SUCH_DOMAIN);
	expect_result(&p, what, "0 by getinfo ESRCH");
	dproc_release(&p);

	/*
	 * A domU's privcmd refuses every hypercall (privcmd.c: init_restrict
	 * finds no "target", so privcmd_ioctl_hypercall gives -EPERM), so
	 * the check falls back to EVTCHNOP_status, refused too: it can never
	 * tell that a domain is gone.
	 */
	run_xc(&p, dom_a, "query alive %u alive 0", dom_b);
	snprintf(what, sizeof(what), "alive %u", dom_b);
	expect_result(&p, what, "1 by status EPERM (getinfo EPERM)");
	expect_result(&p, "alive 0", "1 by status EPERM (getinfo EPERM)");
	dproc_release(&p);
}
END_TEST

/* libxenctrl in a domU ------------------------------------------------------------- */

/*
 * xc_interface_open works in a domU: libxencall, libxenforeignmemory and
 * libxendevicemodel only open /dev/xen/privcmd and probe it
 * (foreignmemory/linux.c: IOCTL_PRIVCMD_UNIMPLEMENTED must fail;
 * devicemodel/common.c: a refused IOCTL_PRIVCMD_DM_OP makes it fall back
 * to libxencall); then every hypercall is refused by the domU's driver
 * (privcmd.c privcmd_ioctl_hypercall: restricted to DOMID_IDLE, -EPERM).
 */
START_TEST(xc_in_domU_opens_then_every_call_is_refused)
{
	static const char *const refused[] = {
		"version", "pagesize", "getinfo 0 1", "getinfo 0 16", "getinfolist 0 16",
		"status self 1", "status 0 1",
	};
	struct dproc p;

	run_xc(&p, dom_a, "query version getinfo 0 1 getinfo 0 16 getinfolist 0 16 "
	       "status self 1 status 0 1");
	expect_result(&p, "open", "ok");
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		expect_result(&p, refused[i], "-1 EPERM");
	expect_result(&p, "extraversion", "-1 EPERM \"\"");
	expect_result(&p, "capabilities", "-1 EPERM \"\"");
	expect_result(&p, "get_features", "-1 EPERM submap=0");
	expect_result(&p, "guest_handle", "-1 EPERM -");
	expect_result(&p, "commandline", "-1 EPERM \"\"");
	expect_result(&p, "build_id", "-1 EPERM -");
	dproc_release(&p);
}
END_TEST

/* Event-channel status ------------------------------------------------------------- */

/*
 * Sends a command line to a ports holder (privcmd-xc ports) and returns
 * the port of its answer ("port P" or "closed P").
 */
static unsigned int port_cmd(struct dproc *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static unsigned int port_cmd(struct dproc *p, const char *fmt, ...)
{
	size_t said = p->len;
	unsigned int port;
	char cmd[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert_int_eq(write(p->in, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	/* until a whole new line follows what it had said */
	for (int ms = 0; p->len == said || p->text[p->len - 1] != '\n'; ms += 20) {
		ck_assert_msg(ms < WAIT_MS, "no answer to %s%s", cmd, p->errtext);
		dproc_expect(p, "\n\n", 20);
	}
	ck_assert_msg(sscanf(p->text + said, "port %u", &port) == 1 ||
		      sscanf(p->text + said, "closed %u", &port) == 1,
		      "%s -> %s", cmd, p->text + said);
	return port;
}

/*
 * Ports set up by programs in three domains through libxenevtchn, asked
 * about by Domain-0 with xc_evtchn_status (event_channel.c evtchn_status:
 * rcu_lock_domain_by_any_id, then port_is_valid, then the state; dom0
 * passes XSM_TARGET for any domain).
 */
START_TEST(xc_evtchn_status_of_ports_domains_set_up)
{
	struct dproc pa, pb, p0, q;
	unsigned int pa_b, pb_a, pa_0, p0_a, pa_closed;
	char what[64], want[64];

	start(&pa, dom_a, "privcmd-xc", "ports");
	start(&pb, dom_b, "privcmd-xc", "ports");
	start(&p0, 0, "privcmd-xc", "ports");
	ck_assert(dproc_expect(&pa, "ready\n", WAIT_MS) && dproc_expect(&pb, "ready\n", WAIT_MS) &&
		  dproc_expect(&p0, "ready\n", WAIT_MS));
	/* a <-> b interdomain; a offers one to dom0, which binds it; one closed */
	pa_b = port_cmd(&pa, "unbound %u\n", dom_b);
	pb_a = port_cmd(&pb, "bind %u %u\n", dom_a, pa_b);
	pa_0 = port_cmd(&pa, "unbound 0\n");
	pa_closed = port_cmd(&pa, "unbound %u\n", dom_b);
	ck_assert_uint_eq(port_cmd(&pa, "close %u\n", pa_closed), pa_closed);
	run_xc(&q, 0, "query status %u %u status %u %u status %u %u status %u %u status %u 0 "
	       "status %u 4095 status %u 1", dom_a, pa_b, dom_b, pb_a, dom_a, pa_0, dom_a,
	       pa_closed, dom_a, dom_a, NO_SUCH_DOMAIN);
	snprintf(what, sizeof(what), "status %u %u", dom_a, pa_b);
	snprintf(want, sizeof(want), "0 interdomain dom=%u port=%u", dom_b, pb_a);
	expect_result(&q, what, want);
	snprintf(what, sizeof(what), "status %u %u", dom_b, pb_a);
	snprintf(want, sizeof(want), "0 interdomain dom=%u port=%u", dom_a, pa_b);
	expect_result(&q, what, want);
	/* ECS_UNBOUND: who may bind it */
	snprintf(what, sizeof(what), "status %u %u", dom_a, pa_0);
	expect_result(&q, what, "0 unbound dom=0");
	/* ECS_FREE after evtchn_close, and port 0 (ECS_RESERVED): closed */
	snprintf(what, sizeof(what), "status %u %u", dom_a, pa_closed);
	expect_result(&q, what, "0 closed");
	snprintf(what, sizeof(what), "status %u 0", dom_a);
	expect_result(&q, what, "0 closed");
	/* beyond the buckets allocated so far (port_is_valid): -EINVAL */
	snprintf(what, sizeof(what), "status %u 4095", dom_a);
	expect_result(&q, what, "-1 EINVAL");
	snprintf(what, sizeof(what), "status %u 1", NO_SUCH_DOMAIN);
	expect_result(&q, what, "-1 ESRCH");
	dproc_release(&q);

	/* dom0 binds a's offer; libvchan-xen asks about its own end as DOMID_SELF */
	p0_a = port_cmd(&p0, "bind %u %u\n", dom_a, pa_0);
	run_xc(&q, 0, "query status self %u status %u %u", p0_a, dom_a, pa_0);
	snprintf(what, sizeof(what), "status self %u", p0_a);
	snprintf(want, sizeof(want), "0 interdomain dom=%u port=%u", dom_a, pa_0);
	expect_result(&q, what, want);
	snprintf(what, sizeof(what), "status %u %u", dom_a, pa_0);
	snprintf(want, sizeof(want), "0 interdomain dom=0 port=%u", p0_a);
	expect_result(&q, what, want);
	dproc_release(&q);

	/* the same questions from a domU: its driver refuses them (privcmd.c) */
	run_xc(&q, dom_a, "query status self %u status %u %u", pa_b, dom_b, pb_a);
	snprintf(what, sizeof(what), "status self %u", pa_b);
	expect_result(&q, what, "-1 EPERM");
	dproc_release(&q);

	dproc_close_stdin(&pa);
	dproc_close_stdin(&pb);
	dproc_close_stdin(&p0);
	expect_exit(&pa, "ports in a", 0);
	expect_exit(&pb, "ports in b", 0);
	expect_exit(&p0, "ports in dom0", 0);
	dproc_release(&pa);
	dproc_release(&pb);
	dproc_release(&p0);
}
END_TEST

/* Bad input ------------------------------------------------------------------------ */

/*
 * What each case of `privcmd-xc raw` (raw.c) gets in Domain-0 and in a
 * domU; NULL: only that it ends cleanly (a line with a result).  "%N" in
 * an answer stands for the number of live domains.
 */
struct raw_case {
	const char *name, *dom0, *domU;
};

/* A domU's driver refuses every IOCTL_PRIVCMD_HYPERCALL first (privcmd_ioctl_hypercall). */
#define DOMU_REFUSED "-1 EPERM"

static const struct raw_case raw_cases[] = {
	/* privcmd_ioctl_hypercall: copy_from_user of the ioctl's argument */
	{ "ioctl-arg-null", "-1 EFAULT", DOMU_REFUSED },
	{ "ioctl-arg-unmapped", "-1 EFAULT", DOMU_REFUSED },
	{ "ioctl-arg-kernel", "-1 EFAULT", DOMU_REFUSED },
	/* kernel.c do_xen_version: XENVER_version is (4 << 16) | 17 */
	{ "version", "262161", DOMU_REFUSED },
	{ "extraversion-ok", "0", DOMU_REFUSED },
	/*
	 * XENVER_extraversion's copy_to_guest through the caller's page
	 * tables (hvm_copy_to_guest_linear): nothing there, a kernel or
	 * non-canonical address, a read-only page, or one that runs into
	 * an unmapped page: -EFAULT
	 */
	{ "extraversion-null", "-1 EFAULT", DOMU_REFUSED },
	{ "extraversion-wild", "-1 EFAULT", DOMU_REFUSED },
	{ "extraversion-unmapped", "-1 EFAULT", DOMU_REFUSED },
	{ "extraversion-kernel", "-1 EFAULT", DOMU_REFUSED },
	{ "extraversion-noncanonical", "-1 EFAULT", DOMU_REFUSED },
	{ "extraversion-readonly", "-1 EFAULT", DOMU_REFUSED },
	{ "extraversion-straddle", "-1 EFAULT", DOMU_REFUSED },
	/* copy_from_guest first: do_xen_version get_features, do_domctl, do_sysctl,
	 * do_event_channel_op EVTCHNOP_status */
	{ "get_features-unmapped", "-1 EFAULT", DOMU_REFUSED },
	{ "domctl-unmapped", "-1 EFAULT", DOMU_REFUSED },
	{ "domctl-straddle", "-1 EFAULT", DOMU_REFUSED },
	{ "sysctl-unmapped", "-1 EFAULT", DOMU_REFUSED },
	{ "evtchn-status-unmapped", "-1 EFAULT", DOMU_REFUSED },
	/* do_domctl, do_sysctl: interface_version != the build's: -EACCES */
	{ "domctl-version-old", "-1 EACCES", DOMU_REFUSED },
	{ "domctl-version-new", "-1 EACCES", DOMU_REFUSED },
	{ "domctl-version-zero", "-1 EACCES", DOMU_REFUSED },
	{ "sysctl-version-old", "-1 EACCES", DOMU_REFUSED },
	{ "sysctl-version-zero", "-1 EACCES", DOMU_REFUSED },
	/*
	 * hypercall-defs.c: no hvm64 handler for 0 (set_trap_table), 38
	 * (tmem_op), or 11, 43, 50, 63, 127 (none at all):
	 * call_handlers_hvm64's default, -ENOSYS (hvm/hypercall.c)
	 */
	{ "hypercall-0", "-1 ENOSYS", DOMU_REFUSED },
	{ "hypercall-11", "-1 ENOSYS", DOMU_REFUSED },
	{ "hypercall-38", "-1 ENOSYS", DOMU_REFUSED },
	{ "hypercall-43", "-1 ENOSYS", DOMU_REFUSED },
	{ "hypercall-50", "-1 ENOSYS", DOMU_REFUSED },
	{ "hypercall-63", "-1 ENOSYS", DOMU_REFUSED },
	{ "hypercall-127", "-1 ENOSYS", DOMU_REFUSED },
	/* unknown sub-ops: do_xen_version's end, arch_do_domctl's and
	 * arch_do_sysctl's default, do_event_channel_op's, do_grant_table_op's */
	{ "xen_version-unknown", "-1 ENOSYS", DOMU_REFUSED },
	{ "domctl-unknown", "-1 ENOSYS", DOMU_REFUSED },
	/* do_domctl looks the domain up before XSM and the command */
	{ "domctl-unknown-no-domain", "-1 ESRCH", DOMU_REFUSED },
	{ "sysctl-unknown", "-1 ENOSYS", DOMU_REFUSED },
	{ "evtchn-unknown", "-1 ENOSYS", DOMU_REFUSED },
	{ "gnttab-unknown", "-1 ENOSYS", DOMU_REFUSED },
	/* do_domctl XEN_DOMCTL_getdomaininfo: reserved ids -EINVAL, none at or
	 * above the id -ESRCH */
	{ "getdomaininfo-0", "0 domain=0", DOMU_REFUSED " domain=0" },
	{ "getdomaininfo-domid-self", "-1 EINVAL", DOMU_REFUSED },
	{ "getdomaininfo-domid-ffff", "-1 EINVAL", DOMU_REFUSED },
	{ "getdomaininfo-past-last", "-1 ESRCH", DOMU_REFUSED },
	/*
	 * sysctl.c XEN_SYSCTL_getdomaininfolist: max_domains only bounds the
	 * walk (a "negative" one is just large), first_domain is any domid
	 * (no check for reserved ones); an element that cannot be written is
	 * -EFAULT, those before it written; nothing copied back on failure
	 */
	{ "getinfolist-max-huge", "0 num=%N", DOMU_REFUSED " num=57005" },
	{ "getinfolist-max-negative", "0 num=%N", DOMU_REFUSED " num=57005" },
	{ "getinfolist-max-zero", "0 num=0", DOMU_REFUSED " num=57005" },
	{ "getinfolist-first-self", "0 num=0", DOMU_REFUSED " num=57005" },
	{ "getinfolist-first-ffff", "0 num=0", DOMU_REFUSED " num=57005" },
	{ "getinfolist-buffer-null", "-1 EFAULT", DOMU_REFUSED },
	{ "getinfolist-overflow", "-1 EFAULT first=0", DOMU_REFUSED " first=61166" },
	/*
	 * grant_table.c do_grant_table_op: (int)count < 0 is -EINVAL; copy
	 * goes element by element (guest_handle_okay passes for a translated
	 * guest): the first is done (gnttab_copy_lock_domain: a frame of a
	 * domain named other than DOMID_SELF is GNTST_permission_denied, -8),
	 * the second faults
	 */
	{ "gnttab-copy-negative-count", "-1 EINVAL", DOMU_REFUSED },
	{ "gnttab-copy-huge-count", "-1 EFAULT", DOMU_REFUSED },
	{ "gnttab-copy-huge-count-first-status", "-8", "4660" },
	/* privcmd_ioctl: anything else is -ENOTTY */
	{ "unimplemented", "-1 ENOTTY", "-1 ENOTTY" },
	{ "unknown-privcmd-ioctl", "-1 ENOTTY", "-1 ENOTTY" },
	{ "tty-ioctl", "-1 ENOTTY", "-1 ENOTTY" },
	/*
	 * privcmd_ioctl_dm_op: restricted to another domain -EPERM (a domU's
	 * target is DOMID_IDLE, so only that passes); no buffers: 0 without
	 * a hypercall; more than 16: -E2BIG; the buffer array or a buffer
	 * unreadable: -EFAULT.  Then Xen (common/dm.c do_dm_op, hvm/dm.c
	 * dm_op): rcu_lock_remote_domain_by_id (none: -ESRCH, DOMID_SELF is
	 * none, the caller's own: -EPERM), a buffer shorter than the op's
	 * header -EFAULT, an op beyond the table -EOPNOTSUPP
	 */
	{ "dm-op-num0", "0", "-1 EPERM" },
	{ "dm-op-num0-idle", "0", "0" },
	{ "dm-op-too-many", "-1 E2BIG", "-1 EPERM" },
	{ "dm-op-ubufs-wild", "-1 EFAULT", "-1 EPERM" },
	{ "dm-op-ubufs-unmapped", "-1 EFAULT", "-1 EPERM" },
	{ "dm-op-uptr-wild", "-1 EFAULT", "-1 EPERM" },
	{ "dm-op-no-domain", "-1 ESRCH", "-1 EPERM" },
	{ "dm-op-domid-self", "-1 ESRCH", "-1 EPERM" },
	{ "dm-op-own-domain", "-1 EPERM", "-1 EPERM" },
	{ "dm-op-short-buffer", "-1 EFAULT", "-1 EPERM" },
	{ "dm-op-unknown-op", "-1 EOPNOTSUPP", "-1 EPERM" },
	/* privcmd_ioctl_restrict: once restricted, only to the same domain;
	 * a domU's files start restricted to DOMID_IDLE */
	{ "restrict", "0", "-1 EINVAL" },
	{ "restrict-then-hypercall", "-1 EPERM", "-1 EPERM" },
	{ "restrict-other", "-1 EINVAL", "-1 EINVAL" },
	{ "restrict-same", "0", "-1 EINVAL" },
	/*
	 * privcmd_ioctl_mmap_batch: access_ok of the error array, then the
	 * restriction, then num, the page list (gather_array), the vma
	 */
	{ "mmapbatch-not-privcmd-vma", "-1 EINVAL", "-1 EPERM" },
	{ "mmapbatch-num0", "-1 EINVAL", "-1 EPERM" },
	/*
	 * Linux refuses a kernel address for the error array in access_ok,
	 * before the restriction: EFAULT in a domU too (the shim's access_ok
	 * accepted every address once, and a domU saw EPERM)
	 */
	{ "mmapbatch-err-kernel", "-1 EFAULT", "-1 EFAULT" },
	{ "mmapbatch-arr-unmapped", "-1 EFAULT", "-1 EPERM" },
	{ "mmapbatch-peer", NULL, "-1 EPERM err0=21845" },
	/* privcmd_ioctl_mmap_resource: addr and num both or neither, the vma */
	{ "mmap-resource-half", "-1 EINVAL", "-1 EPERM" },
	{ "mmap-resource-not-privcmd-vma", "-1 EINVAL", "-1 EPERM" },
	{ "mmap-resource-size-no-domain", NULL, "-1 EPERM" },
	{ "mmap-resource-size", NULL, "-1 EPERM num=0" },
};

/* The number of live domains, as `hvsim list` counts them. */
static int live_domains(void)
{
	struct listed rows[16];

	return hvsim_list(rows, 16);
}

static void expect_raw(const struct dproc *p, bool dom0)
{
	char want[64], n[12];

	snprintf(n, sizeof(n), "%d", live_domains());
	for (size_t i = 0; i < sizeof(raw_cases) / sizeof(raw_cases[0]); i++) {
		const char *w = dom0 ? raw_cases[i].dom0 : raw_cases[i].domU;
		const char *at;

		if (!w) {
			expect_result_prefix(p, raw_cases[i].name, "");
			continue;
		}
		at = strstr(w, "%N");
		if (at)
			snprintf(want, sizeof(want), "%.*s%s%s", (int)(at - w), w, n, at + 2);
		else
			snprintf(want, sizeof(want), "%s", w);
		expect_result(p, raw_cases[i].name, want);
	}
	ck_assert_msg(strstr(p->text, "\ndone\n"), "%s", p->text);
}

START_TEST(raw_bad_input_in_dom0)
{
	struct dproc p;

	run_xc(&p, 0, "raw --self 0 --peer %u all", dom_a);
	expect_raw(&p, true);
	dproc_release(&p);
}
END_TEST

START_TEST(raw_bad_input_in_domU)
{
	struct dproc p;

	run_xc(&p, dom_a, "raw --self %u --peer 0 all", dom_a);
	expect_raw(&p, false);
	dproc_release(&p);
}
END_TEST

/* Killed in the middle --------------------------------------------------------------- */

/*
 * While vchan traffic runs between two domUs (their grants and events),
 * programs looping on hypercalls in Domain-0 and in a domU are SIGKILLed
 * again and again, and the bad-input cases run in both: afterwards the
 * traffic has arrived intact, `hvsim list` answers, Domain-0's privcmd
 * still answers getinfo, and the domUs' kernels still set up ports.
 */
START_TEST(sigkill_mid_hypercall_and_bad_input_hurt_no_one)
{
	const uint64_t bytes = 8 << 20, seed = 11;
	struct dproc srv, cli, loop, raw0, rawu, q, pa;
	char path[128], *out;
	uint16_t where[2] = { 0, dom_a };

	snprintf(path, sizeof(path), "/local/domain/%u/data/vchan/busy", dom_a);
	start(&srv, dom_a, "vchan-server", "--nonblock --ring 0 --seed %" PRIu64 " --send %"
	      PRIu64 " --recv %" PRIu64 " %u data/vchan/busy", seed, bytes, bytes, dom_b);
	start(&cli, dom_b, "vchan-client", "--nonblock --seed %" PRIu64 " --send %" PRIu64
	      " --recv %" PRIu64 " %u %s", seed, bytes, bytes, dom_a, path);
	start(&raw0, 0, "privcmd-xc", "raw --self 0 --peer %u all", dom_a);
	start(&rawu, dom_b, "privcmd-xc", "raw --self %u --peer 0 all", dom_b);
	for (int i = 0; i < 16; i++) {
		start(&loop, where[i % 2], "privcmd-xc", "loop");
		ck_assert_msg(dproc_expect(&loop, "looping\n", WAIT_MS), "%s", loop.errtext);
		/* 0 to 15 ms into its calls */
		usleep((useconds_t)(i * 1000));
		dproc_kill(&loop, SIGKILL);
		expect_exit(&loop, "loop", 128 + SIGKILL);
		dproc_release(&loop);
	}
	expect_exit(&raw0, "raw in dom0", 0);
	expect_exit(&rawu, "raw in a domU", 0);
	dproc_release(&raw0);
	dproc_release(&rawu);

	expect_exit(&cli, "vchan-client", 0);
	expect_exit(&srv, "vchan-server", 0);
	{
		char line[128];

		snprintf(line, sizeof(line), "received %" PRIu64 " sum %016" PRIx64, bytes,
			 vstream_expected_sum(seed * 2 + 1, bytes));
		ck_assert_msg(strstr(srv.text, line), "server: %s", srv.text);
		snprintf(line, sizeof(line), "received %" PRIu64 " sum %016" PRIx64, bytes,
			 vstream_expected_sum(seed * 2 + 2, bytes));
		ck_assert_msg(strstr(cli.text, line), "client: %s", cli.text);
	}
	dproc_release(&srv);
	dproc_release(&cli);

	ck_assert_int_eq(harness_sh(&out, "%s list", harness_exe("hvsim")), 0);
	ck_assert_msg(strstr(out, "alpha") && strstr(out, "beta"), "%s", out);
	free(out);
	run_xc(&q, 0, "query getinfo 0 16");
	expect_domains(&q, "getinfo 0 16", 0, 16, 0);
	dproc_release(&q);
	start(&pa, dom_a, "privcmd-xc", "ports");
	ck_assert_msg(dproc_expect(&pa, "ready\n", WAIT_MS), "%s", pa.errtext);
	ck_assert_uint_gt(port_cmd(&pa, "unbound %u\n", dom_b), 0);
	dproc_close_stdin(&pa);
	expect_exit(&pa, "ports", 0);
	dproc_release(&pa);
}
END_TEST

static Suite *privcmd_suite(void)
{
	Suite *s = suite_create("privcmd");
	TCase *xc = tcase_create("libxenctrl"), *bad = tcase_create("bad-input");

	tcase_add_checked_fixture(xc, setup, teardown);
	tcase_set_timeout(xc, 150);
	tcase_add_test(xc, xc_version_in_dom0);
	tcase_add_test(xc, xc_getinfo_in_dom0_agrees_with_hvsim_list);
	tcase_add_test(xc, libvchan_alive_check_in_dom0_and_domU);
	tcase_add_test(xc, xc_in_domU_opens_then_every_call_is_refused);
	tcase_add_test(xc, xc_evtchn_status_of_ports_domains_set_up);
	suite_add_tcase(s, xc);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_set_timeout(bad, 150);
	tcase_add_test(bad, raw_bad_input_in_dom0);
	tcase_add_test(bad, raw_bad_input_in_domU);
	tcase_add_test(bad, sigkill_mid_hypercall_and_bad_input_hurt_no_one);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return harness_run(privcmd_suite());
}
