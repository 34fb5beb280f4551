// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf-privcmd: /dev/xen/privcmd, the toolstack's door to the hypervisor.
 * Raw ioctls, as libxencall makes them: IOCTL_PRIVCMD_HYPERCALL with the
 * xen_version sub-ops, the domctl and sysctl operations `xl list` and
 * `xl info` need, unknown numbers and sub-ops, wrong interface versions,
 * bad guest handles; the ioctls Linux's driver answers itself
 * (UNIMPLEMENTED, DM_OP, RESTRICT); and foreign memory, as
 * libxenforeignmemory maps it (MMAPBATCH_V2, MMAP_RESOURCE of a grant
 * table): in two-domain mode a page its agent shares, found through the
 * agent's grant table.
 *
 * Each line is the answer of one call: "ok" or the errno, and for a call
 * that succeeded what it returned, reduced to what does not depend on the
 * run or the machine (lengths of the build strings, not the strings;
 * "nr_cpus>=1", not the count).  Feature and capability bits are printed
 * one by one: the reference's dom0 is a PV domain and hvsim's domains are
 * auto-translated, and Xen answers the two differently (reference/
 * known-differences says which bit and why).
 *
 * Every buffer Xen reads or writes is written by this program just before
 * the call: a PV guest's pages are Xen's to copy only when present and,
 * for Xen's writes, writable in the guest's own page tables (Xen does not
 * fault pages in: an untouched page is -EFAULT on a PV dom0).
 *
 * In a domU, Linux's privcmd finds no "target" in xenstore and refuses
 * every IOCTL_PRIVCMD_HYPERCALL itself (privcmd.c: init_restrict,
 * privcmd_ioctl_hypercall: -EPERM before the argument is read).  In
 * two-domain mode (--remote) the cases run again in the peer domain
 * (peer_cases.h) and print there as privcmd.peer.*: on the reference VM
 * that peer is a real PV domU.
 */
#define __XEN_TOOLS__ 1		/* domctl.h and sysctl.h are for tools */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conformance.h"
#include "devices.h"
#include "peer_cases.h"

#include <xen/version.h>
#include <xen/features.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/sys/privcmd.h>
#include <xen/memory.h>
#include <xen/grant_table.h>

#define PTR(p) ((uint64_t)(uintptr_t)(p))

/* Numbers no Xen 4.17 has (xen/include/public/xen.h, version.h, domctl.h). */
#define UNKNOWN_HYPERCALL 60
#define UNKNOWN_XENVER 99
#define UNKNOWN_DOMCTL 999
#define UNKNOWN_SYSCTL 999
/* A domain id above every real one, below the reserved ones. */
#define LAST_DOMID ((domid_t)(DOMID_FIRST_RESERVED - 1))
/* Neither user nor kernel: not canonical on x86-64. */
#define NONCANONICAL 0x8000000000000000ULL
/* The most domains the list asks for. */
#define LIST_MAX 64
/*
 * A "gfn" far beyond any domain's memory: 2^30 pages, 4 TiB (hvsim's RAM
 * page indexes and the reference VM's 2 GiB of machine frames end long
 * before).
 */
#define FAR_GFN (1ULL << 30)
/* Some small frame number, for the cases refused before it matters. */
#define SMALL_GFN 1
/* What the peer writes in the page it shares, and what this side writes. */
#define PEER_TEXT "peer-wrote-this"
#define HERE_TEXT "dom0-wrote-this"
#define HERE_OFFSET 2048
/* An agent's answer to peer_cases_ask. */
#define WIRE_ANSWER_MAX 128

static int fd = -1;
/*
 * Three adjacent pages, set up once: read-only, read-write, no access (so
 * that the end of the read-write page runs into the no-access one).
 */
static uint8_t *ro_page, *rw_page, *none_page;

static long hypercall(int file, unsigned int op, uint64_t a0, uint64_t a1,
		      uint64_t a2)
{
	privcmd_hypercall_t h = { .op = op, .arg = { a0, a1, a2 } };

	return ioctl(file, IOCTL_PRIVCMD_HYPERCALL, &h);
}

static long xen_version(int cmd, uint64_t arg)
{
	return hypercall(fd, __HYPERVISOR_xen_version, (uint64_t)cmd, arg, 0);
}

static void setup_pages(void)
{
	uint8_t *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fatal("mmap");
	memset(p, 0x5a, 3 * PAGE);
	ro_page = p;
	rw_page = p + PAGE;
	none_page = p + 2 * PAGE;
	/* present in the page tables, but read-only / absent to the program */
	if (mprotect(ro_page, PAGE, PROT_READ) < 0 ||
	    mprotect(none_page, PAGE, PROT_NONE) < 0)
		fatal("mprotect");
}

/* Puts LEN bytes at the start of the read-only page, which stays so. */
static void ro_write(const void *src, size_t len)
{
	if (mprotect(ro_page, PAGE, PROT_READ | PROT_WRITE) < 0)
		fatal("mprotect");
	memset(ro_page, 0, PAGE);
	memcpy(ro_page, src, len);
	if (mprotect(ro_page, PAGE, PROT_READ) < 0)
		fatal("mprotect");
}

/* The devices ------------------------------------------------------------ */

static bool open_devices(void)
{
	int hc;

	fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	say_rc("privcmd.open", fd);
	if (fd < 0)
		return false;
	/* privcmd-buf.c: libxencall's hypercall buffers */
	hc = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
	say_rc("privcmd.hypercall_device.open", hc);
	if (hc >= 0)
		close(hc);
	return true;
}

/* xen_version (xen/common/kernel.c: do_xen_version) ---------------------- */

static void say_string_op(const char *key, int cmd, char *buf, size_t size)
{
	char lkey[96];
	long rc;

	memset(buf, 0x5a, size);
	rc = xen_version(cmd, PTR(buf));
	say_rc(key, rc);
	if (rc < 0)
		return;
	snprintf(lkey, sizeof(lkey), "%s.length", key);
	/* safe_strcpy into a zeroed array: always terminated */
	say(lkey, "%zu", strnlen(buf, size));
}

static const char *const feature_names[] = {
	[XENFEAT_writable_page_tables] = "writable_page_tables",
	[XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
	[XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
	[XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
	[XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
	[XENFEAT_mmu_pt_update_preserve_ad] = "mmu_pt_update_preserve_ad",
	[XENFEAT_highmem_assist] = "highmem_assist",
	[XENFEAT_gnttab_map_avail_bits] = "gnttab_map_avail_bits",
	[XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
	[XENFEAT_hvm_safe_pvclock] = "hvm_safe_pvclock",
	[XENFEAT_hvm_pirqs] = "hvm_pirqs",
	[XENFEAT_dom0] = "dom0",
	[12] = "grant_map_identity",	/* deprecated: no longer defined */
	[XENFEAT_memory_op_vnode_supported] = "memory_op_vnode_supported",
	[XENFEAT_ARM_SMCCC_supported] = "ARM_SMCCC_supported",
	[XENFEAT_linux_rsdp_unrestricted] = "linux_rsdp_unrestricted",
	[XENFEAT_not_direct_mapped] = "not_direct_mapped",
	[XENFEAT_direct_mapped] = "direct_mapped",
};
#define NFEATURES (sizeof(feature_names) / sizeof(feature_names[0]))

/*
 * Submap 0, bit by bit: which bits a domain gets depends on what it is
 * (PV or translated, hardware domain or not), so each is its own line.
 */
static void features_case(void)
{
	xen_feature_info_t fi = { .submap_idx = 0, .submap = 0xa5a5a5a5 };
	uint32_t known = 0;
	char key[96];
	long rc;

	rc = xen_version(XENVER_get_features, PTR(&fi));
	say_rc("privcmd.xen_version.get_features", rc);
	if (rc >= 0) {
		for (unsigned int bit = 0; bit < NFEATURES; bit++) {
			snprintf(key, sizeof(key),
				 "privcmd.xen_version.get_features.%s",
				 feature_names[bit]);
			say(key, "%s", yes_no(fi.submap & (1U << bit)));
			known |= 1U << bit;
		}
		say("privcmd.xen_version.get_features.other_bits", "0x%x",
		    fi.submap & ~known);
	}
	/* only submap 0 exists (XENFEAT_NR_SUBMAPS) */
	memset(&fi, 0, sizeof(fi));
	fi.submap_idx = 1;
	say_rc("privcmd.xen_version.get_features.submap_1",
	       xen_version(XENVER_get_features, PTR(&fi)));
}

/* XENVER_build_id: a null handle asks for the size only. */
static void build_id_case(void)
{
	union {
		xen_build_id_t id;
		uint8_t bytes[sizeof(xen_build_id_t) + 256];
	} b;
	long size, rc;

	size = xen_version(XENVER_build_id, 0);
	if (size < 0)
		say_rc("privcmd.xen_version.build_id.null_handle", size);
	else
		say("privcmd.xen_version.build_id.null_handle", "size=%ld",
		    size);

	memset(&b, 0, sizeof(b));
	b.id.len = 0;
	say_rc("privcmd.xen_version.build_id.len_0",
	       xen_version(XENVER_build_id, PTR(&b)));

	memset(&b, 0, sizeof(b));
	b.id.len = 1;
	say_rc("privcmd.xen_version.build_id.len_1",
	       xen_version(XENVER_build_id, PTR(&b)));

	memset(&b, 0, sizeof(b));
	b.id.len = 256;
	rc = xen_version(XENVER_build_id, PTR(&b));
	if (rc < 0)
		say_rc("privcmd.xen_version.build_id.len_256", rc);
	else
		say("privcmd.xen_version.build_id.len_256",
		    "ok same_size_as_null_handle=%s", yes_no(rc == size));
}

static void xen_version_cases(void)
{
	union {
		xen_extraversion_t extra;
		xen_compile_info_t info;
		xen_capabilities_info_t caps;
		xen_changeset_info_t changeset;
		xen_platform_parameters_t params;
		xen_domain_handle_t handle;
		xen_commandline_t cmdline;
	} u;
	char text[sizeof(u.caps) + 1];
	size_t n;
	long rc;

	rc = xen_version(XENVER_version, 0);
	if (rc < 0)
		say_rc("privcmd.xen_version.version", rc);
	else
		say("privcmd.xen_version.version", "major=%ld minor=%ld",
		    rc >> 16, rc & 0xffff);

	/* The build's strings: their lengths, not their text. */
	say_string_op("privcmd.xen_version.extraversion", XENVER_extraversion,
		      u.extra, sizeof(u.extra));
	say_string_op("privcmd.xen_version.changeset", XENVER_changeset,
		      u.changeset, sizeof(u.changeset));
	memset(&u.info, 0x5a, sizeof(u.info));
	rc = xen_version(XENVER_compile_info, PTR(&u.info));
	say_rc("privcmd.xen_version.compile_info", rc);
	if (rc >= 0)
		say("privcmd.xen_version.compile_info.lengths",
		    "compiler=%zu compile_by=%zu compile_domain=%zu compile_date=%zu",
		    strnlen(u.info.compiler, sizeof(u.info.compiler)),
		    strnlen(u.info.compile_by, sizeof(u.info.compile_by)),
		    strnlen(u.info.compile_domain,
			    sizeof(u.info.compile_domain)),
		    strnlen(u.info.compile_date, sizeof(u.info.compile_date)));

	/* What guests this Xen runs: a fact of the hypervisor, as text. */
	memset(u.caps, 0x5a, sizeof(u.caps));
	rc = xen_version(XENVER_capabilities, PTR(u.caps));
	say_rc("privcmd.xen_version.capabilities", rc);
	if (rc >= 0) {
		n = strnlen(u.caps, sizeof(u.caps));
		memcpy(text, u.caps, n);
		while (n && text[n - 1] == ' ')
			n--;
		text[n] = '\0';
		say("privcmd.xen_version.capabilities.text", "%s",
		    n ? text : "(empty)");
	}

	memset(&u.params, 0x5a, sizeof(u.params));
	rc = xen_version(XENVER_platform_parameters, PTR(&u.params));
	if (rc < 0)
		say_rc("privcmd.xen_version.platform_parameters", rc);
	else
		say("privcmd.xen_version.platform_parameters",
		    "virt_start=0x%llx",
		    (unsigned long long)u.params.virt_start);

	rc = xen_version(XENVER_pagesize, 0);
	if (rc < 0)
		say_rc("privcmd.xen_version.pagesize", rc);
	else
		say("privcmd.xen_version.pagesize", "%ld", rc);
	/* kernel.c: a handle with pagesize is -EINVAL */
	say_rc("privcmd.xen_version.pagesize.with_handle",
	       xen_version(XENVER_pagesize, PTR(rw_page)));

	features_case();

	memset(u.handle, 0x5a, sizeof(u.handle));
	rc = xen_version(XENVER_guest_handle, PTR(u.handle));
	say_rc("privcmd.xen_version.guest_handle", rc);
	if (rc >= 0) {
		bool zero = true;

		for (n = 0; n < sizeof(u.handle); n++)
			zero = zero && u.handle[n] == 0;
		say("privcmd.xen_version.guest_handle.value", "%s",
		    zero ? "zero" : "nonzero");
	}

	/* Xen's boot line: its text is the run's, only the answer counts. */
	memset(u.cmdline, 0x5a, sizeof(u.cmdline));
	say_rc("privcmd.xen_version.commandline",
	       xen_version(XENVER_commandline, PTR(u.cmdline)));

	build_id_case();

	say_rc("privcmd.xen_version.unknown_subop",
	       xen_version(UNKNOWN_XENVER, PTR(rw_page)));
}

/* Bad guest handles: Xen's copy_{from,to}_guest fail with -EFAULT. */
static void xen_version_bad_handle_cases(void)
{
	xen_feature_info_t fi = { .submap_idx = 0 };

	ro_write(&fi, 0);	/* a zeroed page, read-only */
	say_rc("privcmd.xen_version.bad_handle.extraversion_null",
	       xen_version(XENVER_extraversion, 0));
	say_rc("privcmd.xen_version.bad_handle.extraversion_read_only",
	       xen_version(XENVER_extraversion, PTR(ro_page)));
	say_rc("privcmd.xen_version.bad_handle.extraversion_no_access",
	       xen_version(XENVER_extraversion, PTR(none_page)));
	/* the first 8 bytes writable, the other 8 on the no-access page */
	memset(rw_page, 0x5a, PAGE);
	say_rc("privcmd.xen_version.bad_handle.extraversion_crossing",
	       xen_version(XENVER_extraversion, PTR(none_page - 8)));
	say_rc("privcmd.xen_version.bad_handle.extraversion_noncanonical",
	       xen_version(XENVER_extraversion, NONCANONICAL));
	say_rc("privcmd.xen_version.bad_handle.get_features_null",
	       xen_version(XENVER_get_features, 0));
	/* read in, answered, and the copy back fails */
	ro_write(&fi, sizeof(fi));
	say_rc("privcmd.xen_version.bad_handle.get_features_read_only",
	       xen_version(XENVER_get_features, PTR(ro_page)));
	/* read in and refused: nothing to copy back */
	fi.submap_idx = 1;
	ro_write(&fi, sizeof(fi));
	say_rc("privcmd.xen_version.bad_handle.get_features_read_only_submap_1",
	       xen_version(XENVER_get_features, PTR(ro_page)));
	say_rc("privcmd.xen_version.bad_handle.compile_info_no_access",
	       xen_version(XENVER_compile_info, PTR(none_page)));
}

/* Hypercall numbers and the ioctls the driver answers ------------------- */

static void ioctl_cases(domid_t self)
{
	privcmd_dm_op_buf_t bufs[3];
	privcmd_dm_op_t dm;
	domid_t dom;
	int other;

	say_rc("privcmd.hypercall.unknown_number",
	       hypercall(fd, UNKNOWN_HYPERCALL, 0, 0, 0));
	/* privcmd.c: privcmd_ioctl_hypercall copies the struct in first */
	say_rc("privcmd.ioctl.hypercall_null_argument",
	       ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, NULL));
	/* the number libxencall probes with, which must fail */
	say_rc("privcmd.ioctl.unimplemented",
	       ioctl(fd, IOCTL_PRIVCMD_UNIMPLEMENTED, NULL));

	/*
	 * DM_OP: no buffers returns 0 in the driver, more than 16 is -E2BIG
	 * there (privcmd.c: privcmd_ioctl_dm_op); Xen's do_dm_op
	 * (xen/common/dm.c) takes at most 2 buffers (-E2BIG), then dm_op
	 * (xen/arch/x86/hvm/dm.c) wants a domain other than the caller's
	 * (rcu_lock_remote_domain_by_id: -ESRCH, -EPERM).
	 */
	memset(&dm, 0, sizeof(dm));
	dm.dom = self;
	say_rc("privcmd.ioctl.dm_op.num_0", ioctl(fd, IOCTL_PRIVCMD_DM_OP, &dm));
	dm.num = 17;		/* privcmd.c's dm_op_max_nr_bufs is 16 */
	say_rc("privcmd.ioctl.dm_op.num_17", ioctl(fd, IOCTL_PRIVCMD_DM_OP, &dm));
	dm.num = 1;
	dm.ubufs = NULL;
	say_rc("privcmd.ioctl.dm_op.null_buffers",
	       ioctl(fd, IOCTL_PRIVCMD_DM_OP, &dm));
	memset(rw_page, 0, PAGE);
	for (int i = 0; i < 3; i++) {
		bufs[i].uptr = rw_page + 64 * i;
		bufs[i].size = 64;
	}
	dm.ubufs = bufs;
	say_rc("privcmd.ioctl.dm_op.self", ioctl(fd, IOCTL_PRIVCMD_DM_OP, &dm));
	dm.dom = ABSENT_DOMID;
	say_rc("privcmd.ioctl.dm_op.missing_domain",
	       ioctl(fd, IOCTL_PRIVCMD_DM_OP, &dm));
	dm.num = 3;
	say_rc("privcmd.ioctl.dm_op.three_buffers_missing_domain",
	       ioctl(fd, IOCTL_PRIVCMD_DM_OP, &dm));
	/* the driver pins the buffers for writing (lock_pages: FOLL_WRITE) */
	dm.num = 1;
	bufs[0].uptr = ro_page;
	say_rc("privcmd.ioctl.dm_op.read_only_buffer",
	       ioctl(fd, IOCTL_PRIVCMD_DM_OP, &dm));

	/*
	 * RESTRICT on a file of its own: an unrestricted file takes any
	 * domain, then only that one; a restricted file makes no hypercalls.
	 */
	other = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (other < 0)
		fatal("open /dev/xen/privcmd again");
	dom = self;
	say_rc("privcmd.ioctl.restrict.self",
	       ioctl(other, IOCTL_PRIVCMD_RESTRICT, &dom));
	say_rc("privcmd.ioctl.restrict.self_again",
	       ioctl(other, IOCTL_PRIVCMD_RESTRICT, &dom));
	dom = ABSENT_DOMID;
	say_rc("privcmd.ioctl.restrict.another_domain",
	       ioctl(other, IOCTL_PRIVCMD_RESTRICT, &dom));
	say_rc("privcmd.ioctl.restrict.then_hypercall",
	       hypercall(other, __HYPERVISOR_xen_version, XENVER_version, 0,
			 0));
	memset(&dm, 0, sizeof(dm));
	dm.dom = ABSENT_DOMID;
	say_rc("privcmd.ioctl.restrict.then_dm_op_other_domain",
	       ioctl(other, IOCTL_PRIVCMD_DM_OP, &dm));
	close(other);
}

/* domctl (xen/common/domctl.c: do_domctl) --------------------------------- */

static long domctl(struct xen_domctl *op)
{
	return hypercall(fd, __HYPERVISOR_domctl, PTR(op), 0, 0);
}

static void getdomaininfo_op(struct xen_domctl *op, domid_t domid)
{
	memset(op, 0, sizeof(*op));
	op->cmd = XEN_DOMCTL_getdomaininfo;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = domid;
}

/* The scheduling-independent state flags, by name. */
static void say_state_flags(const char *key, uint32_t flags, bool scheduling)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ XEN_DOMINF_dying, "dying" },
		{ XEN_DOMINF_shutdown, "shutdown" },
		{ XEN_DOMINF_paused, "paused" },
		{ XEN_DOMINF_blocked, "blocked" },
		{ XEN_DOMINF_running, "running" },
		{ XEN_DOMINF_debugged, "debugged" },
		{ XEN_DOMINF_xs_domain, "xs_domain" },
	};
	char text[128] = "";

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!scheduling && (names[i].bit == XEN_DOMINF_blocked ||
				    names[i].bit == XEN_DOMINF_running))
			continue;
		if (flags & names[i].bit) {
			if (text[0])
				strcat(text, ",");
			strcat(text, names[i].name);
		}
	}
	say(key, "%s", text[0] ? text : "none");
}

/*
 * What getdomaininfo says of a domain, beyond "ok".  SCHEDULING: whether
 * running/blocked are stable enough to print (they are for the caller's
 * own domain, whose vCPU is the one making the call; another domain's
 * vCPU may or may not be runnable at that moment).
 */
static void say_dominfo(const char *key, const struct xen_domctl *op,
			domid_t asked, bool scheduling)
{
	const struct xen_domctl_getdomaininfo *in = &op->u.getdomaininfo;
	char k[128];
	bool zero = true;

	snprintf(k, sizeof(k), "%s.domain", key);
	say(k, "info=%s reply=%s", in->domain == asked ? "asked" : "other",
	    op->domain == asked ? "asked" : "other");
	snprintf(k, sizeof(k), "%s.flags", key);
	say_state_flags(k, in->flags, scheduling);
	/*
	 * The shutdown code and every bit above it: Xen ORs in the domain's
	 * code unmasked, SHUTDOWN_CODE_INVALID (~0u) until it shuts down.
	 */
	snprintf(k, sizeof(k), "%s.shutdown_bits", key);
	say(k, "0x%x", in->flags >> XEN_DOMINF_shutdownshift);
	/* how Xen runs it: PV, or HVM (PVH too) with or without HAP */
	snprintf(k, sizeof(k), "%s.hvm_guest", key);
	say(k, "%s", yes_no(in->flags & XEN_DOMINF_hvm_guest));
	snprintf(k, sizeof(k), "%s.hap", key);
	say(k, "%s", yes_no(in->flags & XEN_DOMINF_hap));
	snprintf(k, sizeof(k), "%s.vcpus", key);
	say(k, "max_vcpu_id=%u online=%u", in->max_vcpu_id,
	    in->nr_online_vcpus);
	snprintf(k, sizeof(k), "%s.pages", key);
	say(k, "tot_pages>0=%s max_pages>=tot_pages=%s outstanding=%llu",
	    yes_no(in->tot_pages > 0),
	    yes_no(in->max_pages >= in->tot_pages),
	    (unsigned long long)in->outstanding_pages);
	snprintf(k, sizeof(k), "%s.pool", key);
	say(k, "cpupool=%u ssidref=%u", in->cpupool, in->ssidref);
	for (size_t i = 0; i < sizeof(in->handle); i++)
		zero = zero && in->handle[i] == 0;
	snprintf(k, sizeof(k), "%s.handle", key);
	say(k, "%s", zero ? "zero" : "nonzero");
}

static void getdomaininfo_case(const char *key, domid_t domid, bool details,
			       bool scheduling)
{
	struct xen_domctl op;
	long rc;

	getdomaininfo_op(&op, domid);
	rc = domctl(&op);
	say_rc(key, rc);
	if (rc >= 0 && details)
		say_dominfo(key, &op, domid, scheduling);
}

static void domctl_cases(domid_t self, domid_t peer)
{
	struct xen_domctl op;

	getdomaininfo_case("privcmd.domctl.getdomaininfo.self", self, true,
			   true);
	getdomaininfo_case("privcmd.domctl.getdomaininfo.dom0", 0, false,
			   false);
	if (peer != DOMID_INVALID)
		getdomaininfo_case("privcmd.domctl.getdomaininfo.peer", peer,
				   true, false);
	/* no domain at or above it: domctl.c's search finds none */
	getdomaininfo_case("privcmd.domctl.getdomaininfo.missing_domain",
			   ABSENT_DOMID, false, false);
	getdomaininfo_case("privcmd.domctl.getdomaininfo.last_domid",
			   LAST_DOMID, false, false);
	/* a reserved id is -EINVAL: getdomaininfo takes no DOMID_SELF */
	getdomaininfo_case("privcmd.domctl.getdomaininfo.domid_self",
			   DOMID_SELF, false, false);

	getdomaininfo_op(&op, self);
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
	say_rc("privcmd.domctl.getdomaininfo.old_interface_version",
	       domctl(&op));
	getdomaininfo_op(&op, self);
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION + 1;
	say_rc("privcmd.domctl.getdomaininfo.new_interface_version",
	       domctl(&op));

	/* every other command needs its domain to exist (-ESRCH first) */
	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_getvcpuinfo;
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op.domain = ABSENT_DOMID;
	say_rc("privcmd.domctl.getvcpuinfo.missing_domain", domctl(&op));
	memset(&op, 0, sizeof(op));
	op.cmd = UNKNOWN_DOMCTL;
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op.domain = self;
	say_rc("privcmd.domctl.unknown_cmd", domctl(&op));

	/* bad handles: the copy in, or only the copy back, fails */
	say_rc("privcmd.domctl.bad_handle.null",
	       hypercall(fd, __HYPERVISOR_domctl, 0, 0, 0));
	say_rc("privcmd.domctl.bad_handle.no_access",
	       hypercall(fd, __HYPERVISOR_domctl, PTR(none_page), 0, 0));
	getdomaininfo_op(&op, self);
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
	ro_write(&op, sizeof(op));
	/* refused before anything is written */
	say_rc("privcmd.domctl.bad_handle.read_only_old_interface_version",
	       hypercall(fd, __HYPERVISOR_domctl, PTR(ro_page), 0, 0));
	getdomaininfo_op(&op, self);
	ro_write(&op, sizeof(op));
	/* done, then the copy back fails */
	say_rc("privcmd.domctl.bad_handle.read_only_getdomaininfo",
	       hypercall(fd, __HYPERVISOR_domctl, PTR(ro_page), 0, 0));
}

/* sysctl (xen/common/sysctl.c: do_sysctl) --------------------------------- */

static long sysctl(struct xen_sysctl *op)
{
	return hypercall(fd, __HYPERVISOR_sysctl, PTR(op), 0, 0);
}

static void list_op(struct xen_sysctl *op, domid_t first, uint32_t max,
		    struct xen_domctl_getdomaininfo *buffer)
{
	memset(op, 0, sizeof(*op));
	op->cmd = XEN_SYSCTL_getdomaininfolist;
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	op->u.getdomaininfolist.first_domain = first;
	op->u.getdomaininfolist.max_domains = max;
	set_xen_guest_handle(op->u.getdomaininfolist.buffer, buffer);
}

static void getdomaininfolist_cases(domid_t peer)
{
	static struct xen_domctl_getdomaininfo list[LIST_MAX];
	struct xen_sysctl op;
	bool has_peer = false;
	uint32_t n;
	long rc;

	memset(list, 0x5a, sizeof(list));
	list_op(&op, 0, LIST_MAX, list);
	rc = sysctl(&op);
	say_rc("privcmd.sysctl.getdomaininfolist", rc);
	if (rc >= 0) {
		n = op.u.getdomaininfolist.num_domains;
		say("privcmd.sysctl.getdomaininfolist.shape",
		    "num_domains>=1=%s first_is_dom0=%s",
		    yes_no(n >= 1), yes_no(n >= 1 && list[0].domain == 0));
		for (uint32_t i = 0; i < n && i < LIST_MAX; i++)
			has_peer = has_peer || list[i].domain == peer;
		if (peer != DOMID_INVALID)
			say("privcmd.sysctl.getdomaininfolist.has_peer", "%s",
			    yes_no(has_peer));
	}

	memset(list, 0x5a, sizeof(list));
	list_op(&op, 0, 0, list);
	rc = sysctl(&op);
	if (rc < 0)
		say_rc("privcmd.sysctl.getdomaininfolist.max_0", rc);
	else
		say("privcmd.sysctl.getdomaininfolist.max_0",
		    "ok num_domains=%u", op.u.getdomaininfolist.num_domains);
	list_op(&op, ABSENT_DOMID, LIST_MAX, list);
	rc = sysctl(&op);
	if (rc < 0)
		say_rc("privcmd.sysctl.getdomaininfolist.from_missing_domain",
		       rc);
	else
		say("privcmd.sysctl.getdomaininfolist.from_missing_domain",
		    "ok num_domains=%u", op.u.getdomaininfolist.num_domains);
	list_op(&op, 0, LIST_MAX, NULL);
	say_rc("privcmd.sysctl.getdomaininfolist.null_buffer", sysctl(&op));
	list_op(&op, 0, LIST_MAX, (void *)ro_page);
	say_rc("privcmd.sysctl.getdomaininfolist.read_only_buffer",
	       sysctl(&op));
}

static void physinfo_case(void)
{
	static const struct { uint32_t bit; const char *name; } caps[] = {
		{ XEN_SYSCTL_PHYSCAP_hvm, "hvm" },
		{ XEN_SYSCTL_PHYSCAP_pv, "pv" },
		{ XEN_SYSCTL_PHYSCAP_directio, "directio" },
		{ XEN_SYSCTL_PHYSCAP_hap, "hap" },
		{ XEN_SYSCTL_PHYSCAP_shadow, "shadow" },
		{ XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share, "iommu_hap_pt_share" },
		{ XEN_SYSCTL_PHYSCAP_vmtrace, "vmtrace" },
		{ XEN_SYSCTL_PHYSCAP_vpmu, "vpmu" },
		{ XEN_SYSCTL_PHYSCAP_gnttab_v1, "gnttab_v1" },
		{ XEN_SYSCTL_PHYSCAP_gnttab_v2, "gnttab_v2" },
	};
	struct xen_sysctl op;
	struct xen_sysctl_physinfo *pi = &op.u.physinfo;
	char key[96];
	long rc;

	memset(&op, 0x5a, sizeof(op));
	op.cmd = XEN_SYSCTL_physinfo;
	op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	rc = sysctl(&op);
	say_rc("privcmd.sysctl.physinfo", rc);
	if (rc < 0)
		return;
	/* the machine's figures are the machine's: only their shape */
	say("privcmd.sysctl.physinfo.shape",
	    "nr_cpus>=1=%s max_cpu_id>=nr_cpus-1=%s threads_per_core>=1=%s "
	    "cores_per_socket>=1=%s nr_nodes>=1=%s",
	    yes_no(pi->nr_cpus >= 1), yes_no(pi->max_cpu_id + 1 >= pi->nr_cpus),
	    yes_no(pi->threads_per_core >= 1),
	    yes_no(pi->cores_per_socket >= 1), yes_no(pi->nr_nodes >= 1));
	say("privcmd.sysctl.physinfo.memory",
	    "total_pages>0=%s free_pages<=total_pages=%s",
	    yes_no(pi->total_pages > 0),
	    yes_no(pi->free_pages <= pi->total_pages));
	/* what guests the hypervisor runs, bit by bit */
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		snprintf(key, sizeof(key), "privcmd.sysctl.physinfo.cap.%s",
			 caps[i].name);
		say(key, "%s", yes_no(pi->capabilities & caps[i].bit));
	}
}

static void sysctl_cases(domid_t peer)
{
	struct xen_sysctl op;

	getdomaininfolist_cases(peer);
	physinfo_case();

	memset(&op, 0, sizeof(op));
	op.cmd = XEN_SYSCTL_physinfo;
	op.interface_version = XEN_SYSCTL_INTERFACE_VERSION - 1;
	say_rc("privcmd.sysctl.physinfo.old_interface_version", sysctl(&op));
	memset(&op, 0, sizeof(op));
	op.cmd = UNKNOWN_SYSCTL;
	op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	say_rc("privcmd.sysctl.unknown_cmd", sysctl(&op));
	say_rc("privcmd.sysctl.bad_handle.null",
	       hypercall(fd, __HYPERVISOR_sysctl, 0, 0, 0));
	say_rc("privcmd.sysctl.bad_handle.no_access",
	       hypercall(fd, __HYPERVISOR_sysctl, PTR(none_page), 0, 0));
}

/* ------------------------------------------------------------------------ */

/* Foreign memory (privcmd.c: privcmd_ioctl_mmap_batch, _mmap_resource) -- */

/*
 * MMAPBATCH_V2 of N gfns of DOM into a fresh mmap of the privcmd file (the
 * driver wants the whole VMA, privcmd.c: privcmd_ioctl_mmap_batch).
 * Returns the ioctl's result (errno set); *ADDR is the mapping, to munmap.
 */
static long mmapbatch(int file, domid_t dom, const xen_pfn_t *gfns,
		      unsigned int n, int *errs, uint8_t **addr, int prot)
{
	privcmd_mmapbatch_v2_t m = { .num = n, .dom = dom, .arr = gfns,
				     .err = errs };
	void *p = mmap(NULL, n * PAGE, prot, MAP_SHARED, file, 0);

	if (p == MAP_FAILED)
		fatal("mmap /dev/xen/privcmd");
	*addr = p;
	m.addr = PTR(p);
	for (unsigned int i = 0; i < n; i++)
		errs[i] = 1;	/* not written: printed as "unset" */
	return ioctl(file, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
}

/* KEY "errno=X" or "ok errs=E,E...": the ioctl, then each page's error. */
static void say_mmapbatch(const char *key, long rc, const int *errs,
			  unsigned int n)
{
	char buf[160] = "";
	size_t len = 0;

	if (rc < 0) {
		say_rc(key, rc);
		return;
	}
	for (unsigned int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					i ? "," : "",
					errs[i] == 1 ? "unset" :
					errs[i] == 0 ? "0" :
					errno_name(-errs[i]));
	say(key, "ok errs=%s", buf);
}

/* One MMAPBATCH_V2 case of a single gfn, its mapping undone. */
static void mmapbatch_case(const char *key, domid_t dom, xen_pfn_t gfn)
{
	uint8_t *addr;
	int err;
	/* read-only: on a real PV dom0 DOMID_SELF's frame is machine memory */
	long rc = mmapbatch(fd, dom, &gfn, 1, &err, &addr, PROT_READ);

	say_mmapbatch(key, rc, &err, 1);
	munmap(addr, PAGE);
}

/*
 * MMAP_RESOURCE's size query (addr 0, num 0) of DOM's grant table: the
 * driver asks Xen with a null frame list and copies nr_frames back
 * (privcmd.c: privcmd_ioctl_mmap_resource; xen/common/memory.c:
 * acquire_resource).  Prints the frame count only when WITH_NUM.
 */
static void resource_size_case(const char *key, domid_t dom, bool with_num)
{
	privcmd_mmap_resource_t r = {
		.dom = dom, .type = XENMEM_resource_grant_table,
		.id = XENMEM_resource_grant_table_id_shared,
	};
	long rc = ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r);

	if (rc < 0 || !with_num)
		say_rc(key, rc);
	else
		say(key, "ok num=%llu", (unsigned long long)r.num);
}

/*
 * The cases every domain runs on its own: its own domain, DOMID_SELF and
 * a missing one.  Linux checks the file's restriction first (a domU's is
 * DOMID_IDLE: EPERM, privcmd.c: init_restrict); then Xen answers per page
 * for MMAPBATCH (the ioctl itself is 0, privcmd.c: mmap_return_errors)
 * and for the whole call for MMAP_RESOURCE.  The per-page answers of a PV
 * caller (mmu_update: get_pg_owner, get_page_from_l1e, xen/arch/x86/mm.c)
 * and a translated one (p2m_add_foreign, xen/arch/x86/mm/p2m.c) differ:
 * reference/known-differences.
 */
static void foreign_own_cases(domid_t self)
{
	mmapbatch_case("privcmd.foreign.mmapbatch.own_domain", self,
		       SMALL_GFN);
	mmapbatch_case("privcmd.foreign.mmapbatch.domid_self", DOMID_SELF,
		       SMALL_GFN);
	mmapbatch_case("privcmd.foreign.mmapbatch.missing_domain",
		       ABSENT_DOMID, SMALL_GFN);
	resource_size_case("privcmd.foreign.mmap_resource.size.own_domain",
			   self, true);
	resource_size_case("privcmd.foreign.mmap_resource.size.domid_self",
			   DOMID_SELF, true);
	resource_size_case("privcmd.foreign.mmap_resource.size.missing_domain",
			   ABSENT_DOMID, true);
}

/*
 * Every case, in domain SELF; PEER is the other domain of a two-domain
 * run (DOMID_INVALID: none), whose info the caller may ask for.
 */
static void all_cases(domid_t self, domid_t peer)
{
	setup_pages();
	if (!open_devices())
		return;
	xen_version_cases();
	xen_version_bad_handle_cases();
	ioctl_cases(self);
	domctl_cases(self, peer);
	sysctl_cases(peer);
	foreign_own_cases(self);
	close(fd);
}

/* The peer's page ---------------------------------------------------------- */

/*
 * The agent's requests besides "cases" (peer_cases.h), kept in the agent
 * itself so that the page stays shared until the stream ends:
 *   share DOMID   grants one page to DOMID, writable (gntalloc), with
 *                 PEER_TEXT at its start; answers its grant ref
 *   read          answers the text at HERE_OFFSET of that page
 */
static struct share peer_page;

static bool peer_request(const char *request, char *answer, size_t size)
{
	unsigned int to;

	if (sscanf(request, "share %u", &to) == 1 && to <= 0xffff &&
	    !peer_page.addr) {
		if (share_alloc(&peer_page, dev_open("gntalloc"), (domid_t)to,
				1, true) < 0 ||
		    share_mmap(&peer_page) < 0) {
			snprintf(answer, size, "%s", errno_name(errno));
			return false;
		}
		memset(peer_page.addr, 0, PAGE);
		strcpy((char *)peer_page.addr, PEER_TEXT);
		snprintf(answer, size, "%u", peer_page.refs[0]);
		return true;
	}
	if (strcmp(request, "read") == 0 && peer_page.addr) {
		snprintf(answer, size, "%.63s",
			 (const char *)peer_page.addr + HERE_OFFSET);
		return true;
	}
	snprintf(answer, size, "unknown request '%s'", request);
	return false;
}

/*
 * Maps the grant-table frame that holds REF of PEER, read-only
 * (MMAP_RESOURCE of one frame: Xen's acquire_resource gives the frame
 * itself, gnttab_acquire_resource), and prints that entry's flags and
 * whether its domid is SELF's; the frame field is the page's gfn to the granting kernel (a PV
 * one's machine frame), which the caller gets in *FRAME.  Returns false
 * when the frame could not be mapped.
 */
static bool grant_entry_case(domid_t self, domid_t peer, uint32_t ref,
			     uint64_t *frame)
{
	const uint32_t per_frame = PAGE / sizeof(grant_entry_v1_t);
	privcmd_mmap_resource_t r = {
		.dom = peer, .type = XENMEM_resource_grant_table,
		.id = XENMEM_resource_grant_table_id_shared,
		.idx = ref / per_frame, .num = 1,
	};
	const volatile grant_entry_v1_t *e;
	void *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	long rc;

	if (p == MAP_FAILED)
		fatal("mmap /dev/xen/privcmd");
	r.addr = PTR(p);
	rc = ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r);
	say_rc("privcmd.foreign.of_peer.mmap_resource.map_frame", rc);
	if (rc == 0) {
		e = (const volatile grant_entry_v1_t *)p + ref % per_frame;
		/*
		 * gntalloc's add_grefs: gnttab_grant_foreign_access(to,
		 * pfn_to_gfn, writable) writes GTF_permit_access and our
		 * domain (gnttab_update_entry_v1).
		 */
		say("privcmd.foreign.of_peer.mmap_resource.entry",
		    "flags=%#x domid=%s", e->flags,
		    e->domid == self ? "ours" : "other");
		*frame = e->frame;
	}
	munmap(p, PAGE);
	return rc == 0;
}

/*
 * Two-domain mode, in the program's domain SELF: its agent in PEER shares
 * a page with it, and this side maps it by the frame the peer's kernel
 * wrote in its grant entry: the gfn of an auto-translated granter (hvsim)
 * and the machine frame of a PV one (the reference domU), which is what
 * MMAPBATCH takes for a PV foreign domain (mmu_update of a foreign
 * frame).  A second gfn far beyond the peer's memory fails alone.
 */
static void foreign_peer_cases(domid_t self, domid_t peer, const char *fds)
{
	char req[64], answer[WIRE_ANSWER_MAX];
	xen_pfn_t gfns[2];
	uint64_t frame = FAR_GFN;
	uint8_t *addr;
	uint32_t ref;
	bool mapped;
	int errs[2];
	long rc;

	fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fatal("open /dev/xen/privcmd");
	snprintf(req, sizeof(req), "share %u", self);
	if (!peer_cases_ask(fds, req, answer, sizeof(answer))) {
		fprintf(stderr, "conf-privcmd: the peer could not share: %s\n",
			answer);
		exit(2);
	}
	ref = (uint32_t)strtoul(answer, NULL, 10);
	resource_size_case("privcmd.foreign.of_peer.mmap_resource.size", peer,
			   true);
	mapped = grant_entry_case(self, peer, ref, &frame);

	gfns[0] = frame;
	gfns[1] = FAR_GFN;
	rc = mmapbatch(fd, peer, gfns, 2, errs, &addr, PROT_READ | PROT_WRITE);
	say_mmapbatch("privcmd.foreign.of_peer.mmapbatch.granted_and_far", rc,
		      errs, 2);
	if (mapped && rc == 0 && errs[0] == 0) {
		say("privcmd.foreign.of_peer.mmapbatch.reads_peer_text", "%s",
		    strcmp((const char *)addr, PEER_TEXT) == 0 ? "yes" : "no");
		strcpy((char *)addr + HERE_OFFSET, HERE_TEXT);
		if (!peer_cases_ask(fds, "read", answer, sizeof(answer)))
			fatal("the peer's read");
		say("privcmd.foreign.of_peer.mmapbatch.peer_reads_our_text",
		    "%s", strcmp(answer, HERE_TEXT) == 0 ? "yes" : "no");
	}
	munmap(addr, 2 * PAGE);

	/*
	 * The same frame into a mapping with no access: Linux puts it in with
	 * the VMA's protection (xen_remap_domain_gfn_array, vm_page_prot), so
	 * the batch succeeds and a read faults.
	 */
	rc = mmapbatch(fd, peer, gfns, 1, errs, &addr, PROT_NONE);
	say_mmapbatch("privcmd.foreign.of_peer.mmapbatch.prot_none", rc, errs, 1);
	if (mapped && rc == 0 && errs[0] == 0)
		say_read("privcmd.foreign.of_peer.mmapbatch.prot_none_read", addr);
	munmap(addr, PAGE);
	close(fd);
	fd = -1;
}

/* The cases as the peer runs them (peer_cases.h). */
static void peer_side_cases(domid_t self)
{
	all_cases(self, DOMID_INVALID);
}

int main(int argc, char **argv)
{
	const char *agent_fds = NULL, *remote_fds = NULL;
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int nrest = 0;
	domid_t self;

	if (!rest)
		fatal("calloc");
	/*
	 * --agent and --remote carry peer_cases.h's requests, not agent.h's:
	 * conf_init sees only the other options.
	 */
	rest[nrest++] = argv[0];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--agent") == 0 && i + 1 < argc)
			agent_fds = argv[++i];
		else if (strcmp(argv[i], "--remote") == 0 && i + 1 < argc)
			remote_fds = argv[++i];
		else
			rest[nrest++] = argv[i];
	}
	if (agent_fds)
		peer_cases_serve(agent_fds, peer_side_cases, peer_request);
	conf_init(nrest, rest);
	free(rest);
	if (!remote_fds) {
		all_cases(conf_self(), DOMID_INVALID);
		return 0;
	}
	/* As remote_connect takes it: --self or $HVSIM_DOMID, else a real dom0. */
	self = conf_self_known();
	if (self == DOMID_INVALID)
		self = 0;
	all_cases(self, conf_peer());
	if (conf_peer() != self)
		foreign_peer_cases(self, conf_peer(), remote_fds);
	peer_cases_request(remote_fds, conf_peer(), "privcmd.",
			   "privcmd.peer.");
	return 0;
}
