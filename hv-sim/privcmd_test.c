// SPDX-License-Identifier: GPL-2.0-only
/*
 * The toolstack hypercalls programs make through privcmd: xen_version,
 * domctl, sysctl, event-channel and grant-table ops, with Xen 4.17's
 * results, copies and status codes, as dom0 (the control domain) and as a
 * domU; and guest memory, a test buffer's and a real process's.
 *
 * The calling program's memory is a guest_mem_buffer: a writable scratch
 * region and a read-only one at fake addresses; WILD is mapped nowhere.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evtchn.h"
#include "grant_table.h"
#include "guest_mem.h"
#include "privcmd_hypercall.h"
#include "test_support.h"

#define SCRATCH_BASE 0x7f0000100000ULL
#define SCRATCH_LEN  (64 * 1024)
#define RO_BASE      0x7f0000400000ULL
#define RO_LEN       4096
#define WILD         0x7f0000800000ULL

#define G(off)  (SCRATCH_BASE + (off))
#define RO(off) (RO_BASE + (off))

static uint8_t scratch[SCRATCH_LEN] __attribute__((aligned(64)));
static uint8_t rodata[RO_LEN] __attribute__((aligned(64)));
static struct guest_mem_buffer gm;
static struct domain *dom0, *alice, *bob;

static void setup(void)
{
	hvtest_reset();
	dom0 = hvtest_domain("Domain-0");
	alice = hvtest_domain("alice");
	bob = hvtest_domain("bob");
	memset(scratch, 0xaa, sizeof(scratch));
	memset(rodata, 0, sizeof(rodata));
	guest_mem_buffer_init(&gm);
	ck_assert_int_eq(guest_mem_buffer_add(&gm, SCRATCH_BASE, scratch, SCRATCH_LEN, true), 0);
	ck_assert_int_eq(guest_mem_buffer_add(&gm, RO_BASE, rodata, RO_LEN, false), 0);
	xen_version_set_commandline("");
}

static void teardown(void)
{
	domain_destroy_all();
}

/* The test's view of a guest address (read-only ones too). */
static void *at(uint64_t addr)
{
	if (addr >= SCRATCH_BASE && addr < SCRATCH_BASE + SCRATCH_LEN)
		return scratch + (addr - SCRATCH_BASE);
	if (addr >= RO_BASE && addr < RO_BASE + RO_LEN)
		return rodata + (addr - RO_BASE);
	ck_abort_msg("address %#llx is not test memory", (unsigned long long)addr);
	return NULL;
}

static bool all_bytes(uint64_t addr, size_t len, uint8_t v)
{
	const uint8_t *p = at(addr);

	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

static long hc(struct domain *cur, unsigned int op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t args[5] = { a0, a1, a2, 0, 0 };

	return privcmd_hypercall(cur, &gm.mem, op, args);
}

static long xv(struct domain *cur, int cmd, uint64_t arg)
{
	return hc(cur, __HYPERVISOR_xen_version, (uint64_t)(int64_t)cmd, arg, 0);
}

/* Guest memory ----------------------------------------------------------- */

START_TEST(buffer_memory_faults_as_xen)
{
	uint8_t out[16];

	ck_assert_int_eq(guest_mem_read(&gm.mem, G(0), out, sizeof(out)), 0);
	ck_assert_int_eq(guest_mem_read(&gm.mem, 0, out, 1), -EFAULT);
	ck_assert_int_eq(guest_mem_read(&gm.mem, WILD, out, 1), -EFAULT);
	ck_assert_int_eq(guest_mem_read(&gm.mem, WILD, out, 0), 0);
	/* partial: the bytes inside are copied, the call fails */
	memset(out, 0, sizeof(out));
	ck_assert_int_eq(guest_mem_read(&gm.mem, G(SCRATCH_LEN - 4), out, 8), -EFAULT);
	ck_assert_uint_eq(out[3], 0xaa);
	ck_assert_uint_eq(out[4], 0);
	memset(out, 0x55, sizeof(out));
	ck_assert_int_eq(guest_mem_write(&gm.mem, G(SCRATCH_LEN - 4), out, 8), -EFAULT);
	ck_assert(all_bytes(G(SCRATCH_LEN - 4), 4, 0x55));
	/* read-only: readable, nothing written */
	ck_assert_int_eq(guest_mem_read(&gm.mem, RO(0), out, 8), 0);
	ck_assert_int_eq(guest_mem_write(&gm.mem, RO(0), out, 8), -EFAULT);
	ck_assert(all_bytes(RO(0), 8, 0));
}
END_TEST

START_TEST(process_memory_faults_as_xen)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct guest_mem self = guest_mem_of_pid(getpid());
	char in[8] = "hello", out[8] = { 0 };
	uint64_t addr;
	pid_t child;

	ck_assert_ptr_ne(two, MAP_FAILED);
	ck_assert_int_eq(mprotect(two + page, page, PROT_NONE), 0);
	addr = (uint64_t)(uintptr_t)two;
	ck_assert_int_eq(guest_mem_write(&self, addr, in, 6), 0);
	ck_assert_int_eq(guest_mem_read(&self, addr, out, 6), 0);
	ck_assert_str_eq(out, "hello");
	ck_assert_int_eq(guest_mem_read(&self, 0, out, 1), -EFAULT);
	/* straddling into the inaccessible page */
	ck_assert_int_eq(guest_mem_read(&self, addr + page - 4, out, 8), -EFAULT);
	ck_assert_int_eq(guest_mem_write(&self, addr + page - 4, in, 8), -EFAULT);
	ck_assert_int_eq(guest_mem_read(&self, UINT64_MAX - 2, out, 8), -EFAULT);

	/* a hypercall whose handle is a real address */
	{
		xen_extraversion_t extra;
		uint64_t args[5] = { XENVER_extraversion, (uint64_t)(uintptr_t)extra };

		memset(extra, 0x7f, sizeof(extra));
		ck_assert_int_eq(privcmd_hypercall(bob, &self, __HYPERVISOR_xen_version, args), 0);
		ck_assert_str_eq(extra, HVSIM_XEN_EXTRAVERSION);
	}

	/* another process: written there, seen there */
	{
		int go[2], done[2];
		char c = 0;
		int status;

		ck_assert_int_eq(pipe(go), 0);
		ck_assert_int_eq(pipe(done), 0);
		memset(two, 0, 8);
		child = fork();
		ck_assert_int_ge(child, 0);
		if (child == 0) {
			if (read(go[0], &c, 1) != 1)
				_exit(2);
			_exit(memcmp(two, "remote", 7) == 0 ? 0 : 1);
		}
		struct guest_mem other = guest_mem_of_pid(child);

		ck_assert_int_eq(guest_mem_write(&other, addr, "remote", 7), 0);
		ck_assert_int_eq(guest_mem_read(&other, addr, out, 7), 0);
		ck_assert_str_eq(out, "remote");
		ck_assert_str_ne((char *)two, "remote");     /* ours is untouched */
		ck_assert_int_eq(write(go[1], &c, 1), 1);
		ck_assert_int_eq(waitpid(child, &status, 0), child);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		/* a process that has gone */
		ck_assert_int_eq(guest_mem_read(&other, addr, out, 1), -EFAULT);
		close(go[0]);
		close(go[1]);
		close(done[0]);
		close(done[1]);
	}
	munmap(two, 2 * page);
}
END_TEST

/* xen_version -------------------------------------------------------------- */

START_TEST(xen_version_version_and_strings)
{
	struct domain *callers[] = { dom0, bob };

	for (unsigned int i = 0; i < 2; i++) {
		struct domain *d = callers[i];
		xen_compile_info_t *ci;

		ck_assert_int_eq(xv(d, XENVER_version, 0), (4 << 16) | 17);
		ck_assert_int_eq(xv(d, XENVER_version, WILD), (4 << 16) | 17);

		/* every guest may read these: the whole array is written */
		memset(scratch, 0xaa, 4096);
		ck_assert_int_eq(xv(d, XENVER_extraversion, G(0)), 0);
		ck_assert_str_eq((char *)at(G(0)), "-hvsim");
		ck_assert(all_bytes(G(6), sizeof(xen_extraversion_t) - 6, 0));
		ck_assert_uint_eq(scratch[sizeof(xen_extraversion_t)], 0xaa);

		memset(scratch, 0xaa, 4096);
		ck_assert_int_eq(xv(d, XENVER_compile_info, G(0)), 0);
		ci = at(G(0));
		ck_assert(!strncmp(ci->compiler, "gcc ", 4) || !strncmp(ci->compiler, "clang ", 6));
		ck_assert_str_eq(ci->compile_by, "hvsim");
		ck_assert_str_eq(ci->compile_domain, "");
		/* __DATE__ " " __TIME__: "Mmm dd yyyy hh:mm:ss" */
		ck_assert_uint_eq(strlen(ci->compile_date), 20);
		ck_assert_uint_eq(scratch[sizeof(*ci)], 0xaa);

		memset(scratch, 0xaa, 4096);
		ck_assert_int_eq(xv(d, XENVER_capabilities, G(0)), 0);
		ck_assert_str_eq((char *)at(G(0)), "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ");
		ck_assert(all_bytes(G(46), sizeof(xen_capabilities_info_t) - 46, 0));
		ck_assert_uint_eq(scratch[sizeof(xen_capabilities_info_t)], 0xaa);

		memset(scratch, 0xaa, 4096);
		ck_assert_int_eq(xv(d, XENVER_changeset, G(0)), 0);
		ck_assert(all_bytes(G(0), sizeof(xen_changeset_info_t), 0));
		ck_assert_uint_eq(scratch[sizeof(xen_changeset_info_t)], 0xaa);

		ck_assert_int_eq(xv(d, XENVER_platform_parameters, G(0)), 0);
		ck_assert_uint_eq(((xen_platform_parameters_t *)at(G(0)))->virt_start,
				  0xFFFF800000000000ULL);

		/* pagesize: a null handle only */
		ck_assert_int_eq(xv(d, XENVER_pagesize, 0), 4096);
		ck_assert_int_eq(xv(d, XENVER_pagesize, G(0)), -EINVAL);

		/* the caller's own handle: dom0's all zeros, bob's his random one */
		memset(scratch, 0xaa, 4096);
		ck_assert_int_eq(xv(d, XENVER_guest_handle, G(0)), 0);
		ck_assert_mem_eq(at(G(0)), d->handle, sizeof(xen_domain_handle_t));
		ck_assert_uint_eq(scratch[sizeof(xen_domain_handle_t)], 0xaa);

		/* every copy-out sub-op faults on a bad handle */
		static const int out_ops[] = {
			XENVER_extraversion, XENVER_compile_info, XENVER_capabilities,
			XENVER_changeset, XENVER_platform_parameters, XENVER_get_features,
			XENVER_guest_handle,
		};
		for (unsigned int j = 0; j < sizeof(out_ops) / sizeof(out_ops[0]); j++) {
			ck_assert_int_eq(xv(d, out_ops[j], 0), -EFAULT);
			ck_assert_int_eq(xv(d, out_ops[j], WILD), -EFAULT);
			ck_assert_int_eq(xv(d, out_ops[j], RO(0)), -EFAULT);
			/* running off the end of guest memory */
			ck_assert_int_eq(xv(d, out_ops[j], G(SCRATCH_LEN - 4)), -EFAULT);
		}

		/* unknown sub-ops */
		ck_assert_int_eq(xv(d, 11, G(0)), -ENOSYS);
		ck_assert_int_eq(xv(d, -1, G(0)), -ENOSYS);
		ck_assert_int_eq(xv(d, 0x1000, 0), -ENOSYS);
	}
}
END_TEST

START_TEST(xen_version_features)
{
	xen_feature_info_t *fi = at(G(0));
	uint32_t common = (1U << XENFEAT_memory_op_vnode_supported) |
		(1U << XENFEAT_writable_page_tables) |
		(1U << XENFEAT_auto_translated_physmap) |
		(1U << XENFEAT_hvm_safe_pvclock) |
		(1U << XENFEAT_hvm_callback_vector) |
		(1U << XENFEAT_not_direct_mapped);

	fi->submap_idx = 0;
	fi->submap = 0xdeadbeef;
	ck_assert_int_eq(xv(dom0, XENVER_get_features, G(0)), 0);
	ck_assert_uint_eq(fi->submap, common | (1U << XENFEAT_dom0));
	fi->submap = 0xdeadbeef;
	ck_assert_int_eq(xv(bob, XENVER_get_features, G(0)), 0);
	ck_assert_uint_eq(fi->submap, common);

	fi->submap_idx = 1;
	fi->submap = 0xdeadbeef;
	ck_assert_int_eq(xv(bob, XENVER_get_features, G(0)), -EINVAL);
	ck_assert_uint_eq(fi->submap, 0xdeadbeef);
	/* readable but not writable: the copy back faults */
	((xen_feature_info_t *)at(RO(0)))->submap_idx = 0;
	ck_assert_int_eq(xv(bob, XENVER_get_features, RO(0)), -EFAULT);
}
END_TEST

START_TEST(xen_version_privileged_sub_ops)
{
	xen_build_id_t *b = at(G(0));
	long sz;

	/* commandline: dom0 gets the whole array; a domU "<denied>" and its NUL */
	xen_version_set_commandline("console=hvsim");
	memset(scratch, 0xaa, 4096);
	ck_assert_int_eq(xv(dom0, XENVER_commandline, G(0)), 0);
	ck_assert_str_eq((char *)at(G(0)), "console=hvsim");
	ck_assert(all_bytes(G(13), sizeof(xen_commandline_t) - 13, 0));
	ck_assert_uint_eq(scratch[sizeof(xen_commandline_t)], 0xaa);
	memset(scratch, 0xaa, 4096);
	ck_assert_int_eq(xv(bob, XENVER_commandline, G(0)), 0);
	ck_assert_str_eq((char *)at(G(0)), "<denied>");
	ck_assert_uint_eq(scratch[9], 0xaa);
	ck_assert_int_eq(xv(bob, XENVER_commandline, WILD), -EFAULT);
	ck_assert_int_eq(xv(dom0, XENVER_commandline, G(SCRATCH_LEN - 100)), -EFAULT);

	/* build_id: dom0 only */
	ck_assert_int_eq(xv(bob, XENVER_build_id, 0), -EPERM);
	ck_assert_int_eq(xv(bob, XENVER_build_id, WILD), -EPERM);
	ck_assert_int_eq(xv(dom0, XENVER_build_id, WILD), -EFAULT);
	b->len = 0;
	ck_assert_int_eq(xv(dom0, XENVER_build_id, G(0)), -EINVAL);
	sz = xv(dom0, XENVER_build_id, 0);
	if (sz == -ENODATA) {
		/* a hypervisor binary built without a build-id */
		b->len = 64;
		ck_assert_int_eq(xv(dom0, XENVER_build_id, G(0)), -ENODATA);
		return;
	}
	ck_assert_int_gt(sz, 0);
	b->len = (uint32_t)sz - 1;
	ck_assert_int_eq(xv(dom0, XENVER_build_id, G(0)), -ENOBUFS);
	memset(scratch, 0xaa, 4096);
	b->len = (uint32_t)sz;
	ck_assert_int_eq(xv(dom0, XENVER_build_id, G(0)), sz);
	ck_assert_uint_eq(b->len, (uint32_t)sz);         /* the header is not written */
	ck_assert(!all_bytes(G(4), (size_t)sz, 0xaa));
	ck_assert_uint_eq(scratch[4 + sz], 0xaa);
	/* the id itself lands past guest memory */
	b = at(G(SCRATCH_LEN - 8));
	b->len = 64;
	ck_assert_int_eq(xv(dom0, XENVER_build_id, G(SCRATCH_LEN - 8)), -EFAULT);
}
END_TEST

/* domctl ----------------------------------------------------------------- */

static struct xen_domctl *domctl_at(uint64_t addr, uint32_t cmd, domid_t dom)
{
	struct xen_domctl *op = at(addr);

	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = dom;
	return op;
}

static long domctl(struct domain *cur, uint64_t addr)
{
	return hc(cur, __HYPERVISOR_domctl, addr, 0, 0);
}

/* Keeps `granter` alive as a zombie after its destruction: `mapper` maps one of its pages. */
static void map_one_page(struct domain *granter, struct domain *mapper)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = 100ULL << XEN_PAGE_SHIFT, .flags = GNTMAP_host_map,
		.ref = 10, .dom = granter->domid,
	};

	hvtest_grant(granter, 10, mapper->domid, 5, false);
	gnttab_map_grant_ref_op(mapper, &op);
	ck_assert_int_eq(op.status, GNTST_okay);
}

/*
 * Xen's shutdown code of a domain that never shut down, SHUTDOWN_CODE_INVALID
 * (~0u), ORed into the flags unmasked (xen/common/domctl.c: getdomaininfo).
 */
#define NEVER_SHUT_DOWN (~0U << XEN_DOMINF_shutdownshift)

START_TEST(domctl_getdomaininfo_as_dom0)
{
	struct xen_domctl *op = domctl_at(G(0), XEN_DOMCTL_getdomaininfo, alice->domid);
	struct xen_domctl_getdomaininfo *info = &op->u.getdomaininfo;

	ck_assert_int_eq(domctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->cmd, XEN_DOMCTL_getdomaininfo);
	ck_assert_uint_eq(op->interface_version, XEN_DOMCTL_INTERFACE_VERSION);
	ck_assert_uint_eq(op->domain, alice->domid);
	ck_assert_uint_eq(info->domain, alice->domid);
	ck_assert_uint_eq(info->flags, XEN_DOMINF_blocked | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap |
			  NEVER_SHUT_DOWN);
	ck_assert_uint_eq(info->tot_pages, 1024);
	ck_assert_uint_eq(info->max_pages, 1024);
	ck_assert_uint_eq(info->outstanding_pages, 0);
	ck_assert_uint_eq(info->shared_info_frame, ~0ULL);
	ck_assert_uint_eq(info->cpu_time, 0);
	ck_assert_uint_eq(info->nr_online_vcpus, 1);
	ck_assert_uint_eq(info->max_vcpu_id, 0);
	ck_assert_uint_eq(info->ssidref, 0);
	ck_assert_uint_eq(info->cpupool, 0);
	ck_assert_mem_eq(info->handle, alice->handle, 16);
	ck_assert_uint_ge(info->gpaddr_bits, 32);
	ck_assert_uint_le(info->gpaddr_bits, 52);
	ck_assert_uint_eq(info->arch_config.emulation_flags, 0);
	/* the whole struct went back, nothing past it */
	ck_assert_uint_eq(scratch[sizeof(*op)], 0xaa);

	/* the caller's own domain is the one running */
	op = domctl_at(G(0), XEN_DOMCTL_getdomaininfo, 0);
	ck_assert_int_eq(domctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->u.getdomaininfo.flags,
			  XEN_DOMINF_running | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap |
			  NEVER_SHUT_DOWN);
}
END_TEST

START_TEST(domctl_getdomaininfo_walks_to_the_next_domain)
{
	struct xen_domctl *op;
	domid_t a = alice->domid, b = bob->domid;

	/* alice goes altogether (nothing maps her): her domid names the next one */
	ck_assert_int_eq(domain_destroy(alice), 0);
	ck_assert_ptr_null(domain_by_id(a));
	op = domctl_at(G(0), XEN_DOMCTL_getdomaininfo, a);
	ck_assert_int_eq(domctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->domain, b);
	ck_assert_uint_eq(op->u.getdomaininfo.domain, b);

	/* none at or above: -ESRCH, nothing written */
	op = domctl_at(G(0), XEN_DOMCTL_getdomaininfo, b + 1);
	memset(&op->u, 0x55, sizeof(op->u));
	ck_assert_int_eq(domctl(dom0, G(0)), -ESRCH);
	ck_assert_uint_eq(op->domain, b + 1);
	ck_assert_uint_eq(op->u.getdomaininfo.domain, 0x5555);
	op = domctl_at(G(0), XEN_DOMCTL_getdomaininfo, DOMID_FIRST_RESERVED - 1);
	ck_assert_int_eq(domctl(dom0, G(0)), -ESRCH);

	/* reserved domids, DOMID_SELF among them: -EINVAL */
	domid_t reserved[] = { DOMID_FIRST_RESERVED, DOMID_SELF, DOMID_IO, DOMID_XEN,
			       DOMID_INVALID, 0xffff };
	for (unsigned int i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		domctl_at(G(0), XEN_DOMCTL_getdomaininfo, reserved[i]);
		ck_assert_int_eq(domctl(dom0, G(0)), -EINVAL);
	}
}
END_TEST

START_TEST(domctl_getdomaininfo_of_a_dying_domain)
{
	struct xen_domctl *op;

	map_one_page(alice, bob);
	ck_assert_int_eq(domain_destroy(alice), 0);
	ck_assert_int_eq(alice->state, DOMAIN_DYING);
	op = domctl_at(G(0), XEN_DOMCTL_getdomaininfo, alice->domid);
	ck_assert_int_eq(domctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->domain, alice->domid);
	ck_assert_uint_eq(op->u.getdomaininfo.flags,
			  XEN_DOMINF_dying | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap |
			  NEVER_SHUT_DOWN);
	ck_assert_uint_eq(op->u.getdomaininfo.tot_pages, 1024);
}
END_TEST

START_TEST(domctl_checks_in_xens_order)
{
	struct xen_domctl *op;

	/* bad handles */
	ck_assert_int_eq(domctl(dom0, 0), -EFAULT);
	ck_assert_int_eq(domctl(dom0, WILD), -EFAULT);
	ck_assert_int_eq(domctl(dom0, G(SCRATCH_LEN - 16)), -EFAULT);
	ck_assert_int_eq(domctl(bob, 0), -EFAULT);

	/* interface version, before anything else */
	op = domctl_at(G(0), XEN_DOMCTL_getdomaininfo, 0);
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
	ck_assert_int_eq(domctl(dom0, G(0)), -EACCES);
	ck_assert_int_eq(domctl(bob, G(0)), -EACCES);
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION + 1;
	ck_assert_int_eq(domctl(dom0, G(0)), -EACCES);
	op = domctl_at(G(0), 9999, 77);
	op->interface_version = 0;
	ck_assert_int_eq(domctl(dom0, G(0)), -EACCES);

	/* the copy back of getdomaininfo faults; errors copy nothing */
	domctl_at(RO(0), XEN_DOMCTL_getdomaininfo, 0);
	ck_assert_int_eq(domctl(dom0, RO(0)), -EFAULT);
	domctl_at(RO(0), XEN_DOMCTL_getdomaininfo, bob->domid + 1);
	ck_assert_int_eq(domctl(dom0, RO(0)), -ESRCH);
	domctl_at(RO(0), XEN_DOMCTL_pausedomain, bob->domid);
	ck_assert_int_eq(domctl(dom0, RO(0)), -EOPNOTSUPP);
}
END_TEST

START_TEST(domctl_domu_is_refused)
{
	struct xen_domctl *op;

	/* getdomaininfo: XSM_XS_PRIV, not even about itself */
	op = domctl_at(G(0), XEN_DOMCTL_getdomaininfo, bob->domid);
	ck_assert_int_eq(domctl(bob, G(0)), -EPERM);
	ck_assert_uint_eq(op->u.getdomaininfo.domain, 0);
	domctl_at(G(0), XEN_DOMCTL_getdomaininfo, 0);
	ck_assert_int_eq(domctl(bob, G(0)), -EPERM);
	/* a missing domain is no error for getdomaininfo's lookup: XSM decides */
	domctl_at(G(0), XEN_DOMCTL_getdomaininfo, 500);
	ck_assert_int_eq(domctl(bob, G(0)), -EPERM);
	domctl_at(G(0), XEN_DOMCTL_getdomaininfo, DOMID_SELF);
	ck_assert_int_eq(domctl(bob, G(0)), -EPERM);

	/* other commands: the domain is looked up first */
	domctl_at(G(0), XEN_DOMCTL_pausedomain, 500);
	ck_assert_int_eq(domctl(bob, G(0)), -ESRCH);
	domctl_at(G(0), XEN_DOMCTL_pausedomain, DOMID_SELF);
	ck_assert_int_eq(domctl(bob, G(0)), -ESRCH);
	domctl_at(G(0), XEN_DOMCTL_pausedomain, alice->domid);
	ck_assert_int_eq(domctl(bob, G(0)), -EPERM);
	domctl_at(G(0), XEN_DOMCTL_max_mem, bob->domid);
	ck_assert_int_eq(domctl(bob, G(0)), -EPERM);
	domctl_at(G(0), XEN_DOMCTL_memory_mapping, bob->domid);   /* XSM_DM_PRIV */
	ck_assert_int_eq(domctl(bob, G(0)), -EPERM);
	domctl_at(G(0), XEN_DOMCTL_createdomain, 0);
	ck_assert_int_eq(domctl(bob, G(0)), -EPERM);
	domctl_at(G(0), 9999, bob->domid);
	ck_assert_int_eq(domctl(bob, G(0)), -EPERM);
	domctl_at(G(0), 9999, 500);
	ck_assert_int_eq(domctl(bob, G(0)), -ESRCH);
}
END_TEST

START_TEST(domctl_unmodelled_and_unknown)
{
	/* known to Xen 4.17 x86, not modelled: -EOPNOTSUPP after the checks */
	domctl_at(G(0), XEN_DOMCTL_pausedomain, alice->domid);
	ck_assert_int_eq(domctl(dom0, G(0)), -EOPNOTSUPP);
	domctl_at(G(0), XEN_DOMCTL_pausedomain, 500);
	ck_assert_int_eq(domctl(dom0, G(0)), -ESRCH);
	domctl_at(G(0), XEN_DOMCTL_createdomain, 500);
	ck_assert_int_eq(domctl(dom0, G(0)), -EOPNOTSUPP);
	domctl_at(G(0), XEN_DOMCTL_destroydomain, bob->domid);
	ck_assert_int_eq(domctl(dom0, G(0)), -EOPNOTSUPP);
	domctl_at(G(0), XEN_DOMCTL_get_cpu_policy, 0);
	ck_assert_int_eq(domctl(dom0, G(0)), -EOPNOTSUPP);
	/* device assignment's own lookups */
	domctl_at(G(0), XEN_DOMCTL_assign_device, DOMID_IO);
	ck_assert_int_eq(domctl(dom0, G(0)), -EOPNOTSUPP);
	domctl_at(G(0), XEN_DOMCTL_assign_device, DOMID_IO);
	ck_assert_int_eq(domctl(bob, G(0)), -EPERM);
	domctl_at(G(0), XEN_DOMCTL_deassign_device, DOMID_INVALID);
	ck_assert_int_eq(domctl(dom0, G(0)), -ESRCH);
	domctl_at(G(0), XEN_DOMCTL_test_assign_device, DOMID_INVALID);
	ck_assert_int_eq(domctl(dom0, G(0)), -EOPNOTSUPP);
	domctl_at(G(0), XEN_DOMCTL_test_assign_device, DOMID_IO);
	ck_assert_int_eq(domctl(dom0, G(0)), -ESRCH);

	/* not in Xen's x86 build (Arm's cacheflush, debug-only gdbsx), or no such command */
	domctl_at(G(0), XEN_DOMCTL_cacheflush, alice->domid);
	ck_assert_int_eq(domctl(dom0, G(0)), -ENOSYS);
	domctl_at(G(0), XEN_DOMCTL_gdbsx_guestmemio, alice->domid);
	ck_assert_int_eq(domctl(dom0, G(0)), -ENOSYS);
	domctl_at(G(0), 0, alice->domid);
	ck_assert_int_eq(domctl(dom0, G(0)), -ENOSYS);
	domctl_at(G(0), 9999, alice->domid);
	ck_assert_int_eq(domctl(dom0, G(0)), -ENOSYS);
	domctl_at(G(0), 9999, 500);
	ck_assert_int_eq(domctl(dom0, G(0)), -ESRCH);
}
END_TEST

/* sysctl ------------------------------------------------------------------- */

static struct xen_sysctl *sysctl_at(uint64_t addr, uint32_t cmd)
{
	struct xen_sysctl *op = at(addr);

	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return op;
}

static long sysctl(struct domain *cur, uint64_t addr)
{
	return hc(cur, __HYPERVISOR_sysctl, addr, 0, 0);
}

static struct xen_sysctl *list_at(uint64_t addr, domid_t first, uint32_t max, uint64_t buffer)
{
	struct xen_sysctl *op = sysctl_at(addr, XEN_SYSCTL_getdomaininfolist);

	op->u.getdomaininfolist.first_domain = first;
	op->u.getdomaininfolist.max_domains = max;
	op->u.getdomaininfolist.buffer.p = (void *)(uintptr_t)buffer;
	op->u.getdomaininfolist.num_domains = 0xdead;
	return op;
}

START_TEST(sysctl_checks)
{
	struct xen_sysctl *op;

	ck_assert_int_eq(sysctl(dom0, 0), -EFAULT);
	ck_assert_int_eq(sysctl(dom0, WILD), -EFAULT);
	ck_assert_int_eq(sysctl(bob, WILD), -EFAULT);
	op = sysctl_at(G(0), XEN_SYSCTL_physinfo);
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION - 1;
	ck_assert_int_eq(sysctl(dom0, G(0)), -EACCES);
	ck_assert_int_eq(sysctl(bob, G(0)), -EACCES);
	/* XSM_PRIV: a domU gets -EPERM for every command, known or not */
	sysctl_at(G(0), XEN_SYSCTL_physinfo);
	ck_assert_int_eq(sysctl(bob, G(0)), -EPERM);
	list_at(G(0), 0, 10, G(1024));
	ck_assert_int_eq(sysctl(bob, G(0)), -EPERM);
	ck_assert(all_bytes(G(1024), 256, 0xaa));
	sysctl_at(G(0), 9999);
	ck_assert_int_eq(sysctl(bob, G(0)), -EPERM);
}
END_TEST

START_TEST(sysctl_getdomaininfolist)
{
	struct xen_domctl_getdomaininfo *info = at(G(1024));
	struct xen_sysctl *op;

	/* max_domains 0: nothing written, a null buffer is fine */
	op = list_at(G(0), 0, 0, 0);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->u.getdomaininfolist.num_domains, 0);

	/* one */
	op = list_at(G(0), 0, 1, G(1024));
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->u.getdomaininfolist.num_domains, 1);
	ck_assert_uint_eq(info[0].domain, 0);
	ck_assert(info[0].flags & XEN_DOMINF_running);
	ck_assert_uint_eq(scratch[1024 + sizeof(*info)], 0xaa);

	/* many: every domain, in domid order */
	memset(info, 0xaa, 8 * sizeof(*info));
	op = list_at(G(0), 0, 100, G(1024));
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->u.getdomaininfolist.num_domains, 3);
	ck_assert_uint_eq(info[0].domain, 0);
	ck_assert_uint_eq(info[1].domain, alice->domid);
	ck_assert_uint_eq(info[1].flags, XEN_DOMINF_blocked | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap |
			  NEVER_SHUT_DOWN);
	ck_assert_uint_eq(info[1].tot_pages, 1024);
	ck_assert_uint_eq(info[2].domain, bob->domid);
	ck_assert(all_bytes(G(1024 + 3 * sizeof(*info)), sizeof(*info), 0xaa));

	/* from first_domain on; past the last: none */
	op = list_at(G(0), bob->domid, 100, G(1024));
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->u.getdomaininfolist.num_domains, 1);
	ck_assert_uint_eq(info[0].domain, bob->domid);
	op = list_at(G(0), bob->domid + 1, 100, 0);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->u.getdomaininfolist.num_domains, 0);
	op = list_at(G(0), DOMID_SELF, 100, 0);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->u.getdomaininfolist.num_domains, 0);

	/* a dying domain is listed, a dead one is not */
	map_one_page(alice, bob);
	ck_assert_int_eq(domain_destroy(alice), 0);
	op = list_at(G(0), 1, 100, G(1024));
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->u.getdomaininfolist.num_domains, 2);
	ck_assert_uint_eq(info[0].domain, alice->domid);
	ck_assert(info[0].flags & XEN_DOMINF_dying);
	ck_assert_int_eq(domain_destroy(bob), 0);       /* bob's mapping goes: alice dies */
	op = list_at(G(0), 0, 100, G(1024));
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->u.getdomaininfolist.num_domains, 1);
}
END_TEST

START_TEST(sysctl_getdomaininfolist_faults)
{
	struct xen_sysctl *op;
	size_t one = sizeof(struct xen_domctl_getdomaininfo);

	/* a null or wild buffer faults at the first domain; num_domains stays */
	op = list_at(G(0), 0, 10, 0);
	ck_assert_int_eq(sysctl(dom0, G(0)), -EFAULT);
	ck_assert_uint_eq(op->u.getdomaininfolist.num_domains, 0xdead);
	op = list_at(G(0), 0, 10, WILD);
	ck_assert_int_eq(sysctl(dom0, G(0)), -EFAULT);
	op = list_at(G(0), 0, 10, RO(0));
	ck_assert_int_eq(sysctl(dom0, G(0)), -EFAULT);
	/* room for one: the first is written, then the fault */
	op = list_at(G(0), 0, 10, G(SCRATCH_LEN - one - 8));
	ck_assert_int_eq(sysctl(dom0, G(0)), -EFAULT);
	ck_assert_uint_eq(op->u.getdomaininfolist.num_domains, 0xdead);
	ck_assert_uint_eq(((struct xen_domctl_getdomaininfo *)
			   at(G(SCRATCH_LEN - one - 8)))->domain, 0);
	/* the struct's own copy back faults */
	list_at(RO(0), 0, 10, G(1024));
	ck_assert_int_eq(sysctl(dom0, RO(0)), -EFAULT);
}
END_TEST

START_TEST(sysctl_physinfo)
{
	struct xen_sysctl *op = sysctl_at(G(0), XEN_SYSCTL_physinfo);
	struct xen_sysctl_physinfo *pi = &op->u.physinfo;
	uint64_t total = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE) / 4096;

	memset(pi, 0x55, sizeof(*pi));
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->cmd, XEN_SYSCTL_physinfo);
	ck_assert_uint_eq(pi->nr_cpus, (uint32_t)sysconf(_SC_NPROCESSORS_ONLN));
	ck_assert_uint_ge(pi->max_cpu_id + 1, pi->nr_cpus);
	ck_assert_uint_ge(pi->threads_per_core, 1);
	ck_assert_uint_ge(pi->cores_per_socket, 1);
	ck_assert_uint_eq(pi->nr_nodes, 1);
	ck_assert_uint_eq(pi->max_node_id, 0);
	ck_assert_uint_eq(pi->total_pages, total);
	ck_assert_uint_eq(pi->free_pages, total - 3 * 1024);
	ck_assert_uint_eq(pi->scrub_pages, 0);
	ck_assert_uint_eq(pi->outstanding_pages, 0);
	ck_assert_uint_eq(pi->max_mfn, total - 1);
	ck_assert_uint_eq(pi->capabilities, XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
			  XEN_SYSCTL_PHYSCAP_gnttab_v1);
	ck_assert_uint_eq(pi->arch_capabilities, 0);
	ck_assert_uint_eq(pi->pad, 0);
#if defined(__x86_64__)
	ck_assert(pi->hw_cap[0] & 1);            /* FPU */
	ck_assert(pi->hw_cap[2] & (1U << 29));   /* LM */
#endif

	/* a domain's RAM is counted until it is gone */
	ck_assert_int_eq(domain_destroy(bob), 0);
	sysctl_at(G(0), XEN_SYSCTL_physinfo);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(pi->free_pages, total - 2 * 1024);

	sysctl_at(RO(0), XEN_SYSCTL_physinfo);
	ck_assert_int_eq(sysctl(dom0, RO(0)), -EFAULT);
}
END_TEST

START_TEST(sysctl_unmodelled_and_unknown)
{
	struct xen_sysctl *op;

	/* known, not modelled: -EOPNOTSUPP, nothing copied back */
	op = sysctl_at(G(0), XEN_SYSCTL_scheduler_op);
	op->u.scheduler_op.sched_id = 0xdead;
	ck_assert_int_eq(sysctl(dom0, G(0)), -EOPNOTSUPP);
	ck_assert_uint_eq(op->u.scheduler_op.sched_id, 0xdead);
	sysctl_at(RO(0), XEN_SYSCTL_numainfo);
	ck_assert_int_eq(sysctl(dom0, RO(0)), -EOPNOTSUPP);
	sysctl_at(G(0), XEN_SYSCTL_get_cpu_policy);
	ck_assert_int_eq(sysctl(dom0, G(0)), -EOPNOTSUPP);
	/* coverage_op copies back even when refused */
	sysctl_at(G(0), XEN_SYSCTL_coverage_op);
	ck_assert_int_eq(sysctl(dom0, G(0)), -EOPNOTSUPP);
	sysctl_at(RO(0), XEN_SYSCTL_coverage_op);
	ck_assert_int_eq(sysctl(dom0, RO(0)), -EFAULT);
	/* not built into Xen (perfc, lockprof), or no such command */
	static const uint32_t unknown[] = { 0, XEN_SYSCTL_perfc_op, 13, XEN_SYSCTL_lockprof_op,
					    24, 28, 30, 9999 };
	for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		sysctl_at(G(0), unknown[i]);
		ck_assert_int_eq(sysctl(dom0, G(0)), -ENOSYS);
	}
}
END_TEST

/* Event channels through privcmd ----------------------------------------- */

START_TEST(event_channel_ops)
{
	struct evtchn_alloc_unbound *a = at(G(0));
	struct evtchn_status *s = at(G(64));
	struct evtchn_close *c = at(RO(0));
	evtchn_port_t port;

	a->dom = DOMID_SELF;
	a->remote_dom = bob->domid;
	a->port = 0xdead;
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, G(0), 0), 0);
	port = a->port;
	ck_assert_uint_ne(port, 0xdead);
	ck_assert_uint_ne(port, 0);

	s->dom = DOMID_SELF;
	s->port = port;
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_status, G(64), 0), 0);
	ck_assert_int_eq(s->status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(s->u.unbound.dom, bob->domid);
	/* a domU asking about another domain: refused, nothing written */
	s->dom = alice->domid;
	s->status = 0x5555;
	ck_assert_int_eq(hc(bob, __HYPERVISOR_event_channel_op, EVTCHNOP_status, G(64), 0), -EPERM);
	ck_assert_uint_eq(s->status, 0x5555);

	/* a failed op copies nothing back (a missing remote_dom is no error) */
	a->dom = 500;
	a->port = 0xdead;
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, G(0), 0),
			 -ESRCH);
	ck_assert_uint_eq(a->port, 0xdead);
	a->dom = DOMID_SELF;
	a->remote_dom = 500;
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, G(0), 0), 0);
	ck_assert_uint_ne(a->port, 0xdead);

	/* bad handles; a read-only struct where one must go back */
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, 0, 0),
			 -EFAULT);
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_send, WILD, 0), -EFAULT);
	((struct evtchn_alloc_unbound *)at(RO(64)))->dom = DOMID_SELF;
	((struct evtchn_alloc_unbound *)at(RO(64)))->remote_dom = bob->domid;
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, RO(64), 0),
			 -EFAULT);
	/* close copies nothing back: a read-only struct is fine */
	c->port = port;
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_close, RO(0), 0), 0);
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_close, RO(0), 0), -EINVAL);

	/* unknown sub-ops: -ENOSYS before anything is read */
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, 99, 0, 0), -ENOSYS);
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, (uint64_t)-1, WILD, 0), -ENOSYS);
	/* the FIFO ABI: read first, checked, copied back only on success */
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, WILD, 0),
			 -EFAULT);
	struct evtchn_init_control *ic = at(G(128));

	*ic = (struct evtchn_init_control){ .control_gfn = 5, .vcpu = 1, .link_bits = 0x55 };
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, G(128), 0),
			 -ENOENT);
	ck_assert_uint_eq(ic->link_bits, 0x55);
	ic->vcpu = 0;
	ck_assert_int_eq(hc(alice, __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, G(128), 0),
			 0);
	ck_assert_uint_eq(ic->link_bits, EVTCHN_FIFO_LINK_BITS);
	ck_assert(evtchn_is_fifo(alice));
}
END_TEST

/* Grant tables through privcmd ------------------------------------------- */

static long gnttab(struct domain *cur, unsigned int cmd, uint64_t uop, unsigned int count)
{
	return hc(cur, __HYPERVISOR_grant_table_op, cmd, uop, count);
}

START_TEST(grant_table_query_and_version)
{
	struct gnttab_query_size *q = at(G(0));
	struct gnttab_get_version *gv = at(G(64));
	struct gnttab_set_version *sv = at(G(128));

	q->dom = DOMID_SELF;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_query_size, G(0), 1), 0);
	ck_assert_int_eq(q->status, GNTST_okay);
	ck_assert_uint_eq(q->max_nr_frames, HVSIM_MAX_GRANT_FRAMES);
	ck_assert_uint_ge(q->nr_frames, 1);
	q->dom = 500;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_query_size, G(0), 1), 0);
	ck_assert_int_eq(q->status, GNTST_bad_domain);
	q->dom = bob->domid;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_query_size, G(0), 1), 0);
	ck_assert_int_eq(q->status, GNTST_permission_denied);
	ck_assert_int_eq(gnttab(dom0, GNTTABOP_query_size, G(0), 1), 0);
	ck_assert_int_eq(q->status, GNTST_okay);
	ck_assert_int_eq(gnttab(alice, GNTTABOP_query_size, G(0), 0), -EINVAL);
	ck_assert_int_eq(gnttab(alice, GNTTABOP_query_size, G(0), 2), -EINVAL);
	ck_assert_int_eq(gnttab(alice, GNTTABOP_query_size, WILD, 1), -EFAULT);
	ck_assert_int_eq(gnttab(alice, GNTTABOP_query_size, RO(0), 1), -EFAULT);

	/* get_version: only the version goes back, on success */
	gv->dom = DOMID_SELF;
	gv->version = 0xdead;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_get_version, G(64), 0), 0);
	ck_assert_uint_eq(gv->version, 1);
	gv->dom = bob->domid;
	gv->version = 0xdead;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_get_version, G(64), 1), -EPERM);
	ck_assert_uint_eq(gv->version, 0xdead);
	gv->dom = 500;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_get_version, G(64), 1), -ESRCH);
	ck_assert_int_eq(gnttab(alice, GNTTABOP_get_version, 0, 1), -EFAULT);
	((struct gnttab_get_version *)at(RO(0)))->dom = DOMID_SELF;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_get_version, RO(0), 1), -EFAULT);

	/* set_version: the version in force goes back whatever the result */
	sv->version = 2;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_set_version, G(128), 1), -ENOSYS);
	ck_assert_uint_eq(sv->version, 1);
	sv->version = 3;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_set_version, G(128), 0), -EINVAL);
	ck_assert_uint_eq(sv->version, 1);
	ck_assert_int_eq(gnttab(alice, GNTTABOP_set_version, G(128), 1), 0);
	((struct gnttab_set_version *)at(RO(0)))->version = 1;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_set_version, RO(0), 1), -EFAULT);
	ck_assert_int_eq(gnttab(alice, GNTTABOP_set_version, WILD, 1), -EFAULT);
}
END_TEST

START_TEST(grant_table_setup_table)
{
	struct gnttab_setup_table *st = at(G(0));
	uint64_t *frames = at(G(256));

	st->dom = DOMID_SELF;
	st->nr_frames = 2;
	st->status = 99;
	st->frame_list.p = (void *)(uintptr_t)G(256);
	ck_assert_int_eq(gnttab(alice, GNTTABOP_setup_table, G(0), 1), 0);
	ck_assert_int_eq(st->status, GNTST_okay);
	ck_assert_uint_eq(frames[0], 0);
	ck_assert_uint_eq(frames[1], 1);
	ck_assert_uint_eq(frames[2], 0xaaaaaaaaaaaaaaaaULL);

	/* frames that cannot be written: a status, not an error */
	st->frame_list.p = (void *)(uintptr_t)WILD;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_setup_table, G(0), 1), 0);
	ck_assert_int_eq(st->status, GNTST_bad_virt_addr);
	st->frame_list.p = (void *)(uintptr_t)RO(0);
	ck_assert_int_eq(gnttab(alice, GNTTABOP_setup_table, G(0), 1), 0);
	ck_assert_int_eq(st->status, GNTST_bad_virt_addr);

	st->frame_list.p = (void *)(uintptr_t)G(256);
	st->nr_frames = HVSIM_MAX_GRANT_FRAMES + 1;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_setup_table, G(0), 1), 0);
	ck_assert_int_eq(st->status, GNTST_general_error);
	st->nr_frames = 1;
	st->dom = 500;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_setup_table, G(0), 1), 0);
	ck_assert_int_eq(st->status, GNTST_bad_domain);
	st->dom = bob->domid;
	ck_assert_int_eq(gnttab(alice, GNTTABOP_setup_table, G(0), 1), 0);
	ck_assert_int_eq(st->status, GNTST_permission_denied);

	ck_assert_int_eq(gnttab(alice, GNTTABOP_setup_table, G(0), 2), -EINVAL);
	ck_assert_int_eq(gnttab(alice, GNTTABOP_setup_table, WILD, 1), -EFAULT);
	*(struct gnttab_setup_table *)at(RO(0)) = (struct gnttab_setup_table){
		.dom = DOMID_SELF, .nr_frames = 1, .frame_list.p = (void *)(uintptr_t)G(256),
	};
	ck_assert_int_eq(gnttab(alice, GNTTABOP_setup_table, RO(0), 1), -EFAULT);
}
END_TEST

static struct gnttab_copy copy_from_gref(domid_t dom, grant_ref_t ref, uint64_t gfn,
					 uint16_t dest_offset, uint16_t len)
{
	return (struct gnttab_copy){
		.source = { .u.ref = ref, .domid = dom },
		.dest = { .u.gmfn = gfn, .domid = DOMID_SELF, .offset = dest_offset },
		.len = len, .flags = GNTCOPY_source_gref, .status = 99,
	};
}

START_TEST(grant_table_copy)
{
	struct gnttab_copy *ops = at(G(0));
	size_t one = sizeof(struct gnttab_copy);
	uint64_t tail = G(SCRATCH_LEN - 2 * one);
	struct gnttab_copy *tail_ops = at(tail);
	char *dest = domain_frame_to_virt(bob, 7);

	strcpy(domain_frame_to_virt(alice, 5), "hello");
	hvtest_grant(alice, 10, bob->domid, 5, true);

	ops[0] = copy_from_gref(alice->domid, 10, 7, 0, 6);
	ops[1] = copy_from_gref(alice->domid, 11, 7, 100, 6);     /* ref 11: not granted */
	ops[2] = copy_from_gref(alice->domid, 10, 7, 200, 6);
	ck_assert_int_eq(gnttab(bob, GNTTABOP_copy, G(0), 3), 0);
	ck_assert_int_eq(ops[0].status, GNTST_okay);
	ck_assert_int_ne(ops[1].status, GNTST_okay);
	ck_assert_int_ne(ops[1].status, 99);
	ck_assert_int_eq(ops[2].status, GNTST_okay);
	ck_assert_str_eq(dest, "hello");
	ck_assert_str_eq(dest + 200, "hello");
	ck_assert_int_eq(gnttab(bob, GNTTABOP_copy, G(0), 0), 0);

	/* the third element is past guest memory: two done, then -EFAULT */
	tail_ops[0] = copy_from_gref(alice->domid, 10, 7, 300, 6);
	tail_ops[1] = copy_from_gref(alice->domid, 10, 7, 400, 6);
	ck_assert_int_eq(gnttab(bob, GNTTABOP_copy, tail, 3), -EFAULT);
	ck_assert_int_eq(tail_ops[0].status, GNTST_okay);
	ck_assert_int_eq(tail_ops[1].status, GNTST_okay);
	ck_assert_str_eq(dest + 400, "hello");

	/* read-only: the copy is done, its status cannot go back */
	*(struct gnttab_copy *)at(RO(0)) = copy_from_gref(alice->domid, 10, 7, 500, 6);
	ck_assert_int_eq(gnttab(bob, GNTTABOP_copy, RO(0), 1), -EFAULT);
	ck_assert_str_eq(dest + 500, "hello");
	ck_assert_int_eq(gnttab(bob, GNTTABOP_copy, WILD, 1), -EFAULT);
}
END_TEST

START_TEST(grant_table_refusals)
{
	/* map/unmap through privcmd: not carried yet */
	ck_assert_int_eq(gnttab(bob, GNTTABOP_map_grant_ref, G(0), 1), -ENOSYS);
	ck_assert_int_eq(gnttab(bob, GNTTABOP_unmap_grant_ref, G(0), 1), -ENOSYS);
	ck_assert_int_eq(gnttab(bob, GNTTABOP_transfer, G(0), 1), -ENOSYS);
	ck_assert_int_eq(gnttab(bob, GNTTABOP_get_status_frames, G(0), 1), -ENOSYS);
	ck_assert_int_eq(gnttab(bob, GNTTABOP_swap_grant_ref, G(0), 1), -ENOSYS);
	ck_assert_int_eq(gnttab(bob, 99, G(0), 1), -ENOSYS);
	/* do_grant_table_op's own checks come first */
	ck_assert_int_eq(gnttab(bob, GNTTABOP_query_size, G(0), 0x80000000u), -EINVAL);
	ck_assert_int_eq(gnttab(bob, GNTTABOP_map_grant_ref, G(0), 0xffffffffu), -EINVAL);
	ck_assert_int_eq(gnttab(bob, GNTTABOP_query_size | (1u << 12), G(0), 1), -EINVAL);
	ck_assert_int_eq(gnttab(bob, 99 | (1u << 12), G(0), 1), -EINVAL);
	ck_assert_int_eq(gnttab(bob, GNTTABOP_cache_flush | (1u << 12), G(0), 1), -ENOSYS);
}
END_TEST

/* dm_op is answered (dm_op_test.c); memory_op's cmd 0 is not modelled */
START_TEST(unknown_hypercalls)
{
	static const unsigned int ops[] = {
		__HYPERVISOR_set_trap_table, __HYPERVISOR_memory_op, __HYPERVISOR_sched_op,
		__HYPERVISOR_hvm_op, __HYPERVISOR_physdev_op,
		__HYPERVISOR_hypfs_op, 63, 64, 1000, 0xffffffffu,
	};

	for (unsigned int i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		ck_assert_int_eq(hc(dom0, ops[i], 0, G(0), 0), -ENOSYS);
		ck_assert_int_eq(hc(bob, ops[i], 0, G(0), 0), -ENOSYS);
	}
	ck_assert(all_bytes(G(0), 256, 0xaa));
}
END_TEST

/* Domain handles, the scheduler and Pool-0 (xl info, xl list -v) ---------- */

START_TEST(domain_handles)
{
	static const uint8_t zero[16];
	struct xen_domctl *op;
	char uuid[DOMAIN_UUID_LEN];

	/* dom0's handle is all zeros, as on Xen; any other domain's is random */
	ck_assert_mem_eq(dom0->handle, zero, 16);
	ck_assert(memcmp(alice->handle, zero, 16) != 0);
	ck_assert(memcmp(alice->handle, bob->handle, 16) != 0);
	/* RFC 4122 version 4, as libuuid's random UUIDs that libxl uses */
	ck_assert_uint_eq(alice->handle[6] >> 4, 4);
	ck_assert_uint_eq(alice->handle[8] >> 6, 2);

	/* LIBXL_UUID_FMT: lower-case 8-4-4-4-12 */
	domain_uuid_string(dom0, uuid);
	ck_assert_str_eq(uuid, "00000000-0000-0000-0000-000000000000");
	domain_uuid_string(alice, uuid);
	ck_assert_uint_eq(strlen(uuid), 36);
	ck_assert(uuid[8] == '-' && uuid[13] == '-' && uuid[18] == '-' && uuid[23] == '-');
	ck_assert_uint_eq(uuid[14], '4');
	ck_assert_uint_eq(strspn(uuid, "0123456789abcdef-"), 36);

	/* the handle is what getdomaininfo and XENVER_guest_handle report */
	op = domctl_at(G(0), XEN_DOMCTL_getdomaininfo, bob->domid);
	ck_assert_int_eq(domctl(dom0, G(0)), 0);
	ck_assert_mem_eq(op->u.getdomaininfo.handle, bob->handle, 16);
	op = domctl_at(G(0), XEN_DOMCTL_getdomaininfo, 0);
	ck_assert_int_eq(domctl(dom0, G(0)), 0);
	ck_assert_mem_eq(op->u.getdomaininfo.handle, zero, 16);
	memset(scratch, 0xaa, 64);
	ck_assert_int_eq(xv(alice, XENVER_guest_handle, G(0)), 0);
	ck_assert_mem_eq(at(G(0)), alice->handle, 16);

	/* a domain made later gets a handle of its own */
	struct domain *carol = hvtest_domain("carol");

	ck_assert(memcmp(carol->handle, alice->handle, 16) != 0);
	ck_assert(memcmp(carol->handle, zero, 16) != 0);
}
END_TEST

START_TEST(sysctl_sched_id)
{
	struct xen_sysctl *op = sysctl_at(G(0), XEN_SYSCTL_sched_id);

	/* sysctl.c: Xen 4.17's default scheduler, credit2 (CONFIG_SCHED_DEFAULT) */
	op->u.sched_id.sched_id = 0xdead;
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(op->cmd, XEN_SYSCTL_sched_id);
	ck_assert_uint_eq(op->u.sched_id.sched_id, XEN_SCHEDULER_CREDIT2);
	ck_assert_uint_eq(scratch[sizeof(*op)], 0xaa);
	/* XSM_PRIV: a domU is refused before anything is copied back */
	op = sysctl_at(G(0), XEN_SYSCTL_sched_id);
	op->u.sched_id.sched_id = 0xdead;
	ck_assert_int_eq(sysctl(bob, G(0)), -EPERM);
	ck_assert_uint_eq(op->u.sched_id.sched_id, 0xdead);
	/* the copy back faults */
	sysctl_at(RO(0), XEN_SYSCTL_sched_id);
	ck_assert_int_eq(sysctl(dom0, RO(0)), -EFAULT);
}
END_TEST

static struct xen_sysctl_cpupool_op *cpupool_at(uint64_t addr, uint32_t which, uint32_t pool,
						 uint64_t map, uint32_t nr_bits)
{
	struct xen_sysctl *op = sysctl_at(addr, XEN_SYSCTL_cpupool_op);
	struct xen_sysctl_cpupool_op *c = &op->u.cpupool_op;

	c->op = which;
	c->cpupool_id = pool;
	c->sched_id = 0xdead;
	c->n_dom = 0xdead;
	c->cpumap.bitmap.p = (uint8_t *)(uintptr_t)map;
	c->cpumap.nr_bits = nr_bits;
	return c;
}

/* Xen's nr_cpu_ids, as physinfo tells it (max_cpu_id + 1). */
static uint32_t nr_cpu_ids(void)
{
	struct xen_sysctl *op = sysctl_at(G(0), XEN_SYSCTL_physinfo);

	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	return op->u.physinfo.max_cpu_id + 1;
}

static unsigned int bits_set(uint64_t addr, size_t bytes)
{
	const uint8_t *p = at(addr);
	unsigned int n = 0;

	for (size_t i = 0; i < bytes; i++)
		n += (unsigned int)__builtin_popcount(p[i]);
	return n;
}

START_TEST(sysctl_cpupool_info)
{
	uint32_t nr = nr_cpu_ids(), bytes = (nr + 7) / 8;
	unsigned int online = (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
	struct xen_sysctl_cpupool_op *c;

	/* Pool-0: credit2, every domain, every online CPU (as xl cpupool-list) */
	memset(scratch, 0xaa, 4096);
	c = cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 0, G(2048), nr);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(c->cpupool_id, 0);
	ck_assert_uint_eq(c->sched_id, XEN_SCHEDULER_CREDIT2);
	ck_assert_uint_eq(c->n_dom, 3);
	ck_assert_uint_eq(bits_set(G(2048), bytes), online);
	ck_assert_uint_eq(*(uint8_t *)at(G(2048)) & 1, 1);          /* CPU 0 */
	ck_assert_uint_eq(scratch[2048 + bytes], 0xaa);

	/* a larger guest map: zeros past Xen's bytes; a smaller one: its bytes only */
	memset(scratch, 0xaa, 4096);
	cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 0, G(2048), nr + 64);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(bits_set(G(2048), bytes), online);
	ck_assert(all_bytes(G(2048 + bytes), (nr + 64 + 7) / 8 - bytes, 0));
	ck_assert_uint_eq(scratch[2048 + (nr + 64 + 7) / 8], 0xaa);
	memset(scratch, 0xaa, 4096);
	cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 0, G(2048), 1);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(*(uint8_t *)at(G(2048)) & 1, 1);
	ck_assert_uint_eq(scratch[2049], 0xaa);
	/* no bits: nothing written, a null map is fine */
	c = cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, 0);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(c->n_dom, 3);

	/* cpupool_get_next_by_id: no pool at or above 1 */
	c = cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 1, G(2048), nr);
	ck_assert_int_eq(sysctl(dom0, G(0)), -ENOENT);
	ck_assert_uint_eq(c->n_dom, 0xdead);
	cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, XEN_SYSCTL_CPUPOOL_PAR_ANY, G(2048), nr);
	ck_assert_int_eq(sysctl(dom0, G(0)), -ENOENT);

	/* the map faults: -EFAULT, the struct is not copied back */
	c = cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, nr);
	ck_assert_int_eq(sysctl(dom0, G(0)), -EFAULT);
	ck_assert_uint_eq(c->n_dom, 0xdead);
	cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 0, RO(0), nr);
	ck_assert_int_eq(sysctl(dom0, G(0)), -EFAULT);
	cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 0, WILD, nr);
	ck_assert_int_eq(sysctl(dom0, G(0)), -EFAULT);
	/* the struct's own copy back faults */
	cpupool_at(RO(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 0, G(2048), nr);
	ck_assert_int_eq(sysctl(dom0, RO(0)), -EFAULT);

	/* a dying domain stays in the pool until it is freed */
	map_one_page(alice, bob);
	ck_assert_int_eq(domain_destroy(alice), 0);
	c = cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, 0);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(c->n_dom, 3);
	ck_assert_int_eq(domain_destroy(bob), 0);   /* alice's last page goes with bob */
	c = cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, 0);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert_uint_eq(c->n_dom, 1);
}
END_TEST

START_TEST(sysctl_cpupool_freeinfo)
{
	uint32_t nr = nr_cpu_ids();
	struct xen_sysctl_cpupool_op *c;

	/* every CPU is in Pool-0: an empty map of the guest's size (xl info: free_cpus 0) */
	memset(scratch, 0xaa, 4096);
	c = cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0, G(2048), nr + 8);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	ck_assert(all_bytes(G(2048), (nr + 8 + 7) / 8, 0));
	ck_assert_uint_eq(scratch[2048 + (nr + 8 + 7) / 8], 0xaa);
	ck_assert_uint_eq(c->op, XEN_SYSCTL_CPUPOOL_OP_FREEINFO);
	ck_assert_uint_eq(c->n_dom, 0xdead);          /* copied back as it was */
	cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0, RO(0), nr);
	ck_assert_int_eq(sysctl(dom0, G(0)), -EFAULT);
	cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0, 0, 0);
	ck_assert_int_eq(sysctl(dom0, G(0)), 0);
	/* XSM_PRIV before the command */
	cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0, G(2048), nr);
	ck_assert_int_eq(sysctl(bob, G(0)), -EPERM);
	cpupool_at(G(0), XEN_SYSCTL_CPUPOOL_OP_INFO, 0, G(2048), nr);
	ck_assert_int_eq(sysctl(alice, G(0)), -EPERM);
}
END_TEST

static long pool_op(uint32_t which, uint32_t pool, uint32_t cpu_or_sched, uint32_t domid)
{
	struct xen_sysctl_cpupool_op *c = cpupool_at(G(0), which, pool, 0, 0);

	c->cpu = cpu_or_sched;
	c->sched_id = cpu_or_sched;
	c->domid = domid;
	return sysctl(dom0, G(0));
}

START_TEST(sysctl_cpupool_changes)
{
	uint32_t nr = nr_cpu_ids(), any = XEN_SYSCTL_CPUPOOL_PAR_ANY;
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	/* cpupool_create: the id in use, then the scheduler; else hvsim's -EOPNOTSUPP */
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_CREATE, 0, XEN_SCHEDULER_CREDIT2, 0), -EEXIST);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_CREATE, any, 99, 0), -ENOENT);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_CREATE, 1, XEN_SCHEDULER_RTDS, 0), -ENOENT);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_CREATE, any, XEN_SCHEDULER_CREDIT, 0),
			 -EOPNOTSUPP);
	/* cpupool_destroy: Pool-0 holds domains */
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_DESTROY, 0, 0, 0), -EBUSY);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_DESTROY, 1, 0, 0), -ENOENT);
	/* ADDCPU: no pool 1; no free CPU; a CPU past nr_cpu_ids */
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 1, 0, 0), -ENOENT);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, any, 0), -ENODEV);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 0, 0), -ENODEV);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, nr, 0), -EINVAL);
	/* RMCPU: CPU 0 stays in Pool-0; past nr_cpu_ids; the last CPU (PAR_ANY) */
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_RMCPU, 1, 1, 0), -ENOENT);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, nr, 0), -EINVAL);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, any, 0),
			 online > 1 ? -EOPNOTSUPP : -EINVAL);
	/* MOVEDOMAIN: to the pool it is in; no such pool; itself; no such domain */
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, alice->domid), 0);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 1, 0, alice->domid), -ENOENT);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, 0), -EPERM);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, 77), -ESRCH);
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, DOMID_SELF), -ESRCH);
	/* the domid is a domid_t in Xen's lookup: the high bits go */
	ck_assert_int_eq(pool_op(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0,
				 0x10000u | alice->domid), 0);
	/* an unknown sub-op */
	ck_assert_int_eq(pool_op(0, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(pool_op(99, 0, 0, 0), -ENOSYS);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("privcmd");
	TCase *tc = tcase_create("privcmd");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, buffer_memory_faults_as_xen);
	tcase_add_test(tc, process_memory_faults_as_xen);
	tcase_add_test(tc, xen_version_version_and_strings);
	tcase_add_test(tc, xen_version_features);
	tcase_add_test(tc, xen_version_privileged_sub_ops);
	tcase_add_test(tc, domctl_getdomaininfo_as_dom0);
	tcase_add_test(tc, domctl_getdomaininfo_walks_to_the_next_domain);
	tcase_add_test(tc, domctl_getdomaininfo_of_a_dying_domain);
	tcase_add_test(tc, domctl_checks_in_xens_order);
	tcase_add_test(tc, domctl_domu_is_refused);
	tcase_add_test(tc, domctl_unmodelled_and_unknown);
	tcase_add_test(tc, sysctl_checks);
	tcase_add_test(tc, sysctl_getdomaininfolist);
	tcase_add_test(tc, sysctl_getdomaininfolist_faults);
	tcase_add_test(tc, sysctl_physinfo);
	tcase_add_test(tc, sysctl_unmodelled_and_unknown);
	tcase_add_test(tc, event_channel_ops);
	tcase_add_test(tc, grant_table_query_and_version);
	tcase_add_test(tc, grant_table_setup_table);
	tcase_add_test(tc, grant_table_copy);
	tcase_add_test(tc, grant_table_refusals);
	tcase_add_test(tc, unknown_hypercalls);
	tcase_add_test(tc, domain_handles);
	tcase_add_test(tc, sysctl_sched_id);
	tcase_add_test(tc, sysctl_cpupool_info);
	tcase_add_test(tc, sysctl_cpupool_freeinfo);
	tcase_add_test(tc, sysctl_cpupool_changes);
	suite_add_tcase(s, tc);
	return hvtest_run(s);
}
