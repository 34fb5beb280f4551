// SPDX-License-Identifier: GPL-2.0-only
/*
 * privcmd-xc raw: bad input straight at /dev/xen/privcmd, no library in
 * between: IOCTL_PRIVCMD_HYPERCALL with wild, unmapped, read-only and
 * straddling guest handles, huge and negative counts, unknown hypercalls
 * and sub-ops, wrong interface versions; the other ioctls with what their
 * checks refuse.  One line per case, "NAME -> RESULT [detail]"; what Xen
 * 4.17 and Linux 6.1 answer is in privcmd_test.c, with its sources.
 *
 *   privcmd-xc raw [--self DOM] [--peer DOM] all | CASE...
 *
 * --self is the caller's own domid, --peer another live domain (both 0
 * unless given); domain 4000 is taken to exist nowhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xen/sys/privcmd.h>

#include "privcmd_xc.h"

#define NO_SUCH_DOMAIN 4000
#define PAGE 4096UL
/* an x86-64 kernel address, and one that is not canonical */
#define KERNEL_ADDR 0xffffffff81000000ULL
#define NONCANONICAL_ADDR 0x0000800000000000ULL

static int fd = -1;
static uint32_t self_dom, peer_dom;
/*
 * Three pages, the middle one inaccessible (PROT_NONE, so that no later
 * mapping can land there): a hole with readable and writable memory on
 * both sides.  Its page-table entries are never present, as for memory
 * that is not mapped at all.
 */
static uint8_t *area, *hole;
static uint8_t *readonly_page;

static void report(const char *name, long rc)
{
	say("%s -> %s", name, result(rc, errno));
}

static long hypercall(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct privcmd_hypercall h = { .op = op, .arg = { a0, a1, a2 } };

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
}

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void setup_memory(void)
{
	area = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die_sys("mmap");
	hole = area + PAGE;
	if (mprotect(hole, PAGE, PROT_NONE))
		die_sys("mprotect");
	readonly_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (readonly_page == MAP_FAILED)
		die_sys("mmap");
}

/* `size` bytes that end where the hole begins, `in_hole` of them past it */
static void *straddling(size_t size, size_t in_hole)
{
	return hole - (size - in_hole);
}

/* The ioctl's own argument ----------------------------------------------- */

static void case_ioctl_arg(void)
{
	report("ioctl-arg-null", ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, NULL));
	report("ioctl-arg-unmapped", ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, hole));
	report("ioctl-arg-kernel", ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, (void *)KERNEL_ADDR));
}

/* Guest handles --------------------------------------------------------- */

static void case_handles(void)
{
	static xen_extraversion_t extra;

	report("version", hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0));
	report("extraversion-ok", hypercall(__HYPERVISOR_xen_version, XENVER_extraversion,
					    addr(extra), 0));
	report("extraversion-null", hypercall(__HYPERVISOR_xen_version, XENVER_extraversion,
					      0, 0));
	report("extraversion-wild", hypercall(__HYPERVISOR_xen_version, XENVER_extraversion,
					      0x10, 0));
	report("extraversion-unmapped", hypercall(__HYPERVISOR_xen_version,
						  XENVER_extraversion, addr(hole), 0));
	report("extraversion-kernel", hypercall(__HYPERVISOR_xen_version, XENVER_extraversion,
						KERNEL_ADDR, 0));
	report("extraversion-noncanonical", hypercall(__HYPERVISOR_xen_version,
						      XENVER_extraversion, NONCANONICAL_ADDR, 0));
	report("extraversion-readonly", hypercall(__HYPERVISOR_xen_version,
						  XENVER_extraversion, addr(readonly_page), 0));
	report("extraversion-straddle", hypercall(__HYPERVISOR_xen_version, XENVER_extraversion,
						  addr(straddling(sizeof(extra), 1)), 0));
	report("get_features-unmapped", hypercall(__HYPERVISOR_xen_version,
						  XENVER_get_features, addr(hole), 0));
	report("domctl-unmapped", hypercall(__HYPERVISOR_domctl, addr(hole), 0, 0));
	report("domctl-straddle", hypercall(__HYPERVISOR_domctl,
					    addr(straddling(sizeof(struct xen_domctl), 8)), 0, 0));
	report("sysctl-unmapped", hypercall(__HYPERVISOR_sysctl, addr(hole), 0, 0));
	report("evtchn-status-unmapped", hypercall(__HYPERVISOR_event_channel_op,
						   EVTCHNOP_status, addr(hole), 0));
}

/* Versions, commands and numbers ------------------------------------------ */

static long domctl(uint32_t cmd, uint32_t version, uint32_t domain, struct xen_domctl *op)
{
	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->interface_version = version;
	op->domain = (domid_t)domain;
	return hypercall(__HYPERVISOR_domctl, addr(op), 0, 0);
}

static long sysctl(uint32_t cmd, uint32_t version, struct xen_sysctl *op)
{
	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->interface_version = version;
	return hypercall(__HYPERVISOR_sysctl, addr(op), 0, 0);
}

static void case_versions(void)
{
	struct xen_domctl d;
	struct xen_sysctl s;

	report("domctl-version-old", domctl(XEN_DOMCTL_getdomaininfo,
					    XEN_DOMCTL_INTERFACE_VERSION - 1, 0, &d));
	report("domctl-version-new", domctl(XEN_DOMCTL_getdomaininfo,
					    XEN_DOMCTL_INTERFACE_VERSION + 1, 0, &d));
	report("domctl-version-zero", domctl(XEN_DOMCTL_getdomaininfo, 0, 0, &d));
	report("sysctl-version-old", sysctl(XEN_SYSCTL_physinfo,
					    XEN_SYSCTL_INTERFACE_VERSION - 1, &s));
	report("sysctl-version-zero", sysctl(XEN_SYSCTL_getdomaininfolist, 0, &s));
}

static void case_unknown(void)
{
	static const unsigned int numbers[] = { 0, 11, 38, 43, 50, 63, 127 };
	struct xen_domctl d;
	struct xen_sysctl s;
	uint8_t buf[64] = { 0 };
	char name[32];

	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		snprintf(name, sizeof(name), "hypercall-%u", numbers[i]);
		report(name, hypercall(numbers[i], addr(buf), addr(buf), 0));
	}
	report("xen_version-unknown", hypercall(__HYPERVISOR_xen_version, 99, addr(buf), 0));
	report("domctl-unknown", domctl(9999, XEN_DOMCTL_INTERFACE_VERSION, self_dom, &d));
	report("domctl-unknown-no-domain", domctl(9999, XEN_DOMCTL_INTERFACE_VERSION,
						  NO_SUCH_DOMAIN, &d));
	report("sysctl-unknown", sysctl(9999, XEN_SYSCTL_INTERFACE_VERSION, &s));
	report("evtchn-unknown", hypercall(__HYPERVISOR_event_channel_op, 99, addr(buf), 0));
	report("gnttab-unknown", hypercall(__HYPERVISOR_grant_table_op, 99, addr(buf), 1));
}

/* getdomaininfo and getdomaininfolist at their edges ------------------------ */

static void case_getdomaininfo(void)
{
	struct xen_domctl d;
	long rc;

	rc = domctl(XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_INTERFACE_VERSION, 0, &d);
	say("getdomaininfo-0 -> %s domain=%u", result(rc, errno), d.domain);
	rc = domctl(XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_INTERFACE_VERSION, DOMID_SELF, &d);
	report("getdomaininfo-domid-self", rc);
	rc = domctl(XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_INTERFACE_VERSION, 0xffff, &d);
	report("getdomaininfo-domid-ffff", rc);
	rc = domctl(XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_INTERFACE_VERSION,
		    DOMID_FIRST_RESERVED - 1, &d);
	report("getdomaininfo-past-last", rc);
}

static long getinfolist(uint32_t first, uint32_t max, void *buffer, struct xen_sysctl *s)
{
	memset(s, 0, sizeof(*s));
	s->cmd = XEN_SYSCTL_getdomaininfolist;
	s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	s->u.getdomaininfolist.first_domain = (domid_t)first;
	s->u.getdomaininfolist.max_domains = max;
	s->u.getdomaininfolist.buffer.p = buffer;  /* xenctrl.h's macro wants a hypercall buffer */
	s->u.getdomaininfolist.num_domains = 0xdead;
	return hypercall(__HYPERVISOR_sysctl, addr(s), 0, 0);
}

static void case_getinfolist(void)
{
	static xen_domctl_getdomaininfo_t info[64];
	xen_domctl_getdomaininfo_t *last;
	struct xen_sysctl s;
	long rc;

	rc = getinfolist(0, UINT32_MAX, info, &s);
	say("getinfolist-max-huge -> %s num=%u", result(rc, errno),
	    s.u.getdomaininfolist.num_domains);
	rc = getinfolist(0, 0x80000000u, info, &s);
	say("getinfolist-max-negative -> %s num=%u", result(rc, errno),
	    s.u.getdomaininfolist.num_domains);
	rc = getinfolist(0, 0, NULL, &s);
	say("getinfolist-max-zero -> %s num=%u", result(rc, errno),
	    s.u.getdomaininfolist.num_domains);
	rc = getinfolist(DOMID_SELF, 64, info, &s);
	say("getinfolist-first-self -> %s num=%u", result(rc, errno),
	    s.u.getdomaininfolist.num_domains);
	rc = getinfolist(0xffff, 64, info, &s);
	say("getinfolist-first-ffff -> %s num=%u", result(rc, errno),
	    s.u.getdomaininfolist.num_domains);
	rc = getinfolist(0, 1, NULL, &s);
	report("getinfolist-buffer-null", rc);
	/* room for one before the hole, and more domains than that */
	last = straddling(sizeof(*last), 0);
	memset(last, 0xee, sizeof(*last));
	rc = getinfolist(0, UINT32_MAX, last, &s);
	say("getinfolist-overflow -> %s first=%u", result(rc, errno), last->domain);
}

/* Grant-table counts ------------------------------------------------------- */

static void case_gnttab_counts(void)
{
	struct gnttab_copy *one = straddling(sizeof(*one), 0);

	memset(one, 0, sizeof(*one));
	one->status = 0x1234;
	report("gnttab-copy-negative-count", hypercall(__HYPERVISOR_grant_table_op,
						       GNTTABOP_copy, addr(one), 0x80000000u));
	/* the element before the hole is done, the next one faults */
	one->status = 0x1234;
	report("gnttab-copy-huge-count", hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_copy,
						   addr(one), 0x7fffffffu));
	say("gnttab-copy-huge-count-first-status -> %d", one->status);
}

/* The other ioctls ----------------------------------------------------------- */

static void case_ioctls(void)
{
	report("unimplemented", ioctl(fd, IOCTL_PRIVCMD_UNIMPLEMENTED, NULL));
	report("unknown-privcmd-ioctl", ioctl(fd, _IOC(_IOC_NONE, 'P', 0x42, 0), NULL));
	report("tty-ioctl", ioctl(fd, TCGETS, area));
}

static long dm_op(domid_t dom, uint16_t num, const privcmd_dm_op_buf_t *bufs)
{
	privcmd_dm_op_t op = { .dom = dom, .num = num, .ubufs = bufs };

	return ioctl(fd, IOCTL_PRIVCMD_DM_OP, &op);
}

static void case_dm_op(void)
{
	static struct xen_dm_op op;
	static privcmd_dm_op_buf_t bufs[17];

	/* libxendevicemodel's probe (devicemodel/common.c) */
	report("dm-op-num0", dm_op(DOMID_INVALID, 0, NULL));
	report("dm-op-num0-idle", dm_op(DOMID_IDLE, 0, NULL));
	for (int i = 0; i < 17; i++)
		bufs[i] = (privcmd_dm_op_buf_t){ .uptr = &op, .size = sizeof(op) };
	report("dm-op-too-many", dm_op((domid_t)peer_dom, 17, bufs));
	report("dm-op-ubufs-wild", dm_op((domid_t)peer_dom, 1, (void *)0x10));
	report("dm-op-ubufs-unmapped", dm_op((domid_t)peer_dom, 1, (void *)hole));
	bufs[0] = (privcmd_dm_op_buf_t){ .uptr = (void *)0x10, .size = sizeof(op) };
	report("dm-op-uptr-wild", dm_op((domid_t)peer_dom, 1, bufs));
	bufs[0] = (privcmd_dm_op_buf_t){ .uptr = &op, .size = sizeof(op) };
	op.op = XEN_DMOP_nr_vcpus;
	report("dm-op-no-domain", dm_op(NO_SUCH_DOMAIN, 1, bufs));
	report("dm-op-domid-self", dm_op(DOMID_SELF, 1, bufs));
	report("dm-op-own-domain", dm_op((domid_t)self_dom, 1, bufs));
	bufs[0].size = 4;
	report("dm-op-short-buffer", dm_op((domid_t)peer_dom, 1, bufs));
	bufs[0].size = sizeof(op);
	op.op = 99;
	report("dm-op-unknown-op", dm_op((domid_t)peer_dom, 1, bufs));
}

static void case_restrict(void)
{
	int rfd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	struct privcmd_hypercall h = { .op = __HYPERVISOR_xen_version, .arg = { XENVER_version } };
	domid_t dom = (domid_t)peer_dom, other = (domid_t)(peer_dom + 1);

	if (rfd < 0)
		die_sys("open /dev/xen/privcmd");
	report("restrict", ioctl(rfd, IOCTL_PRIVCMD_RESTRICT, &dom));
	report("restrict-then-hypercall", ioctl(rfd, IOCTL_PRIVCMD_HYPERCALL, &h));
	report("restrict-other", ioctl(rfd, IOCTL_PRIVCMD_RESTRICT, &other));
	report("restrict-same", ioctl(rfd, IOCTL_PRIVCMD_RESTRICT, &dom));
	close(rfd);
}

/*
 * Foreign mappings (MMAPBATCH_V2, MMAP_RESOURCE): the checks Linux makes
 * before it asks Xen, and then one real request, whose answer the test
 * only requires to be clean (hvsim's foreign memory may not answer yet).
 */
static void case_foreign(void)
{
	static xen_pfn_t gfns[2];
	static int errs[2];
	privcmd_mmapbatch_v2_t b = { .num = 1, .dom = (domid_t)peer_dom, .arr = gfns, .err = errs };
	privcmd_mmap_resource_t r = { .dom = (domid_t)peer_dom,
				      .type = XENMEM_resource_grant_table, .id = 0 };
	void *map;
	long rc;

	b.addr = addr(area);
	report("mmapbatch-not-privcmd-vma", ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b));
	b.num = 0;
	report("mmapbatch-num0", ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b));
	b.num = 1;
	b.err = (int *)KERNEL_ADDR;
	report("mmapbatch-err-kernel", ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b));
	b.err = errs;
	b.arr = (xen_pfn_t *)hole;
	report("mmapbatch-arr-unmapped", ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b));
	b.arr = gfns;

	map = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		report("mmapbatch-peer-mmap", -1);
	} else {
		b.addr = addr(map);
		errs[0] = 0x5555;
		rc = ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b);
		say("mmapbatch-peer -> %s err0=%d", result(rc, errno), errs[0]);
		munmap(map, PAGE);
	}

	r.addr = addr(area);
	r.num = 0;
	report("mmap-resource-half", ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r));
	r.num = 1;
	report("mmap-resource-not-privcmd-vma", ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r));
	r.addr = 0;
	r.num = 0;
	r.dom = NO_SUCH_DOMAIN;
	report("mmap-resource-size-no-domain", ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r));
	r.dom = (domid_t)peer_dom;
	rc = ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r);
	say("mmap-resource-size -> %s num=%llu", result(rc, errno), (unsigned long long)r.num);
}

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "ioctl-arg", case_ioctl_arg },
	{ "handles", case_handles },
	{ "versions", case_versions },
	{ "unknown", case_unknown },
	{ "getdomaininfo", case_getdomaininfo },
	{ "getinfolist", case_getinfolist },
	{ "gnttab-counts", case_gnttab_counts },
	{ "ioctls", case_ioctls },
	{ "dm-op", case_dm_op },
	{ "restrict", case_restrict },
	{ "foreign", case_foreign },
};

int raw_main(int argc, char **argv)
{
	int i = 0;

	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--self"))
			self_dom = parse_u32(argv[i + 1], "domid");
		else if (!strcmp(argv[i], "--peer"))
			peer_dom = parse_u32(argv[i + 1], "domid");
		else
			die("unknown option %s", argv[i]);
	}
	if (i == argc)
		die("raw: which cases? (all, or some of them)");
	fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die_sys("open /dev/xen/privcmd");
	setup_memory();
	for (; i < argc; i++) {
		bool all = !strcmp(argv[i], "all"), found = false;

		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
			if (all || !strcmp(argv[i], cases[c].name)) {
				cases[c].run();
				found = true;
			}
		if (!found)
			die("unknown case '%s'", argv[i]);
	}
	close(fd);
	say("done");
	return 0;
}
