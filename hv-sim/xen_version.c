// SPDX-License-Identifier: GPL-2.0-only
/*
 * __HYPERVISOR_xen_version: every XENVER_* sub-op of Xen 4.17
 * (xen/common/kernel.c: do_xen_version), with the default XSM policy's
 * answer for each (xen/include/xsm/dummy.h: xsm_xen_version): version,
 * platform_parameters and get_features ignore permissions; extraversion,
 * compile_info, capabilities, changeset, pagesize and guest_handle are open
 * to every guest; commandline, build_id and anything unknown need the
 * control domain.  A denied string sub-op still succeeds, with "<denied>"
 * (or zeros) in place of the data, exactly as Xen.
 *
 * What hvsim reports, and why (each is what is true of hvsim, in Xen's
 * format):
 *  - version 4.17, extraversion "-hvsim" (privcmd_hypercall.h).  Debian's
 *    Xen 4.17.7 reports ".7" (its changeset ""); hvsim implements no point
 *    release, and a program that looks should see it is not real Xen.
 *  - compile_info: the compiler that built hvsimd (`gcc VERSION`, as Xen's
 *    `$(CC) --version` line names it), compile_by "hvsim", compile_domain
 *    "" (what Xen's build records when dnsdomainname prints nothing), and
 *    the date hvsimd was compiled (honours SOURCE_DATE_EPOCH).
 *  - changeset "": hvsim's build records none (Debian's Xen reports "" too).
 *  - capabilities: what arch_get_xen_caps (xen/arch/x86/setup.c) writes for
 *    an x86 Xen with HVM and without PV (CONFIG_PV=n), trailing space
 *    included: hvsim runs auto-translated guests only, never PV ones.
 *  - get_features: the submap of an auto-translated (HVM/PVH) x86 domain
 *    without PIRQs, plus XENFEAT_dom0 for dom0 (the hardware domain).
 *  - guest_handle: the domain's handle (hvsim_domain_handle: all zeros).
 *  - commandline: "" unless hvsimd sets one (hvsim has no boot line).
 *  - build_id: the GNU build-id of the running hypervisor binary (hvsimd's
 *    own ELF note); -ENODATA, as Xen without one, if it has none.
 */
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdbool.h>
#include <string.h>

#include "privcmd_hypercall.h"

#if defined(__clang__)
#define HVSIM_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define HVSIM_COMPILER "gcc " __VERSION__
#else
#define HVSIM_COMPILER ""
#endif
#define HVSIM_COMPILE_BY     "hvsim"
#define HVSIM_COMPILE_DOMAIN ""
#define HVSIM_COMPILE_DATE   __DATE__ " " __TIME__
#define HVSIM_CHANGESET      ""
#define HVSIM_XEN_CAPS       "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 "

/* xen_deny() */
#define XEN_DENY "<denied>"

/* x86-64's HYPERVISOR_VIRT_START: PML4 slot 256 (xen/arch/x86/include/asm/config.h) */
#define HVSIM_HYPERVISOR_VIRT_START 0xFFFF800000000000ULL

static xen_commandline_t commandline;

void xen_version_set_commandline(const char *cmdline)
{
	size_t n = strnlen(cmdline, sizeof(commandline) - 1);

	memset(commandline, 0, sizeof(commandline));
	memcpy(commandline, cmdline, n);
}

/* Xen's safe_strcpy into a zeroed array: truncated, always terminated. */
static void strcpy_trunc(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n > size - 1)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* xsm_xen_version (dummy.h): nonzero when the sub-op's data is denied. */
static bool xen_version_denied(const struct domain *cur, int cmd)
{
	switch (cmd) {
	case XENVER_version:
	case XENVER_platform_parameters:
	case XENVER_get_features:
		return false;              /* these ignore the permission checks */
	case XENVER_extraversion:
	case XENVER_compile_info:
	case XENVER_capabilities:
	case XENVER_changeset:
	case XENVER_pagesize:
	case XENVER_guest_handle:
		return false;              /* XSM_HOOK: every guest */
	default:
		return !hvsim_is_control_domain(cur);   /* XSM_PRIV */
	}
}

/* Build id ------------------------------------------------------------ */

struct build_id {
	bool looked;
	unsigned int len;
	unsigned char id[64];
};

static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	struct build_id *b = data;

	(void)size;
	/* the first object is the program itself */
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const unsigned char *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const void *)p;
			size_t name = (n->n_namesz + 3) & ~(size_t)3;
			size_t desc = (n->n_descsz + 3) & ~(size_t)3;
			const unsigned char *nm = p + sizeof(*n);

			if (nm + name + desc > end)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    !memcmp(nm, "GNU", 4) && n->n_descsz <= sizeof(b->id) &&
			    n->n_descsz > 0) {
				memcpy(b->id, nm + name, n->n_descsz);
				b->len = n->n_descsz;
				return 1;
			}
			p = nm + name + desc;
		}
	}
	return 1;
}

/* xen_build_id(): 0 with the id, or -ENODATA (xen/common/version.c). */
static int hypervisor_build_id(const unsigned char **p, unsigned int *len)
{
	static struct build_id b;

	if (!b.looked) {
		dl_iterate_phdr(find_build_id, &b);
		b.looked = true;
	}
	if (!b.len)
		return -ENODATA;
	*p = b.id;
	*len = b.len;
	return 0;
}

/* The sub-ops ---------------------------------------------------------- */

/* XENVER_get_features, submap 0, for domain d (kernel.c). */
static uint32_t features_submap0(const struct domain *d)
{
	uint32_t submap = 1U << XENFEAT_memory_op_vnode_supported;

	/* paging_mode_translate: hvsim's guests are auto-translated */
	submap |= (1U << XENFEAT_writable_page_tables) |
		  (1U << XENFEAT_auto_translated_physmap);
	if (hvsim_is_control_domain(d))           /* is_hardware_domain */
		submap |= 1U << XENFEAT_dom0;
	/* !is_pv_domain; has_pirq is false (PVH emulates no PIRQs) */
	submap |= (1U << XENFEAT_hvm_safe_pvclock) |
		  (1U << XENFEAT_hvm_callback_vector);
	/* translated and not direct-mapped (x86 never is) */
	submap |= 1U << XENFEAT_not_direct_mapped;
	return submap;
}

static long put(const struct guest_mem *m, uint64_t arg, const void *p, size_t len)
{
	return guest_mem_write(m, arg, p, len) ? -EFAULT : 0;
}

long xen_version_op(struct domain *cur, int cmd, uint64_t arg, const struct guest_mem *m)
{
	bool deny = xen_version_denied(cur, cmd);

	switch (cmd) {
	case XENVER_version:
		return (HVSIM_XEN_MAJOR << 16) | HVSIM_XEN_MINOR;

	case XENVER_extraversion: {
		xen_extraversion_t s;

		memset(s, 0, sizeof(s));
		strcpy_trunc(s, sizeof(s), deny ? XEN_DENY : HVSIM_XEN_EXTRAVERSION);
		return put(m, arg, s, sizeof(s));
	}

	case XENVER_compile_info: {
		xen_compile_info_t info;

		memset(&info, 0, sizeof(info));
		strcpy_trunc(info.compiler, sizeof(info.compiler),
			     deny ? XEN_DENY : HVSIM_COMPILER);
		strcpy_trunc(info.compile_by, sizeof(info.compile_by),
			     deny ? XEN_DENY : HVSIM_COMPILE_BY);
		strcpy_trunc(info.compile_domain, sizeof(info.compile_domain),
			     deny ? XEN_DENY : HVSIM_COMPILE_DOMAIN);
		strcpy_trunc(info.compile_date, sizeof(info.compile_date),
			     deny ? XEN_DENY : HVSIM_COMPILE_DATE);
		return put(m, arg, &info, sizeof(info));
	}

	case XENVER_capabilities: {
		xen_capabilities_info_t s;

		/* a denied caller gets zeros, not "<denied>" */
		memset(s, 0, sizeof(s));
		if (!deny)
			strcpy_trunc(s, sizeof(s), HVSIM_XEN_CAPS);
		return put(m, arg, s, sizeof(s));
	}

	case XENVER_platform_parameters: {
		xen_platform_parameters_t params = {
			.virt_start = HVSIM_HYPERVISOR_VIRT_START,
		};

		return put(m, arg, &params, sizeof(params));
	}

	case XENVER_changeset: {
		xen_changeset_info_t s;

		memset(s, 0, sizeof(s));
		strcpy_trunc(s, sizeof(s), deny ? XEN_DENY : HVSIM_CHANGESET);
		return put(m, arg, s, sizeof(s));
	}

	case XENVER_get_features: {
		xen_feature_info_t fi;

		if (guest_mem_read(m, arg, &fi, sizeof(fi)))
			return -EFAULT;
		switch (fi.submap_idx) {
		case 0:
			fi.submap = features_submap0(cur);
			break;
		default:
			return -EINVAL;
		}
		return put(m, arg, &fi, sizeof(fi));
	}

	case XENVER_pagesize:
		if (deny)
			return 0;
		return !guest_handle_is_null(arg) ? -EINVAL : (long)XEN_PAGE_SIZE;

	case XENVER_guest_handle: {
		xen_domain_handle_t hdl;

		if (deny)
			memset(hdl, 0, sizeof(hdl));
		else
			hvsim_domain_handle(cur, hdl);
		return put(m, arg, hdl, sizeof(hdl));
	}

	case XENVER_commandline:
		/* the whole array, or "<denied>" with its NUL */
		if (deny)
			return put(m, arg, XEN_DENY, sizeof(XEN_DENY));
		return put(m, arg, commandline, sizeof(commandline));

	case XENVER_build_id: {
		xen_build_id_t build_id = { .len = 0 };
		const unsigned char *p;
		unsigned int sz;
		int rc;

		if (deny)
			return -EPERM;
		/* a null handle asks for the size only */
		if (!guest_handle_is_null(arg)) {
			/* the header: sizeof(xen_build_id_t), len alone */
			if (guest_mem_read(m, arg, &build_id, sizeof(build_id)))
				return -EFAULT;
			if (build_id.len == 0)
				return -EINVAL;
		}
		rc = hypervisor_build_id(&p, &sz);
		if (rc)
			return rc;
		if (guest_handle_is_null(arg))
			return sz;
		if (sz > build_id.len)
			return -ENOBUFS;
		if (guest_mem_write(m, arg + offsetof(xen_build_id_t, buf), p, sz))
			return -EFAULT;
		return sz;
	}
	}

	return -ENOSYS;
}
