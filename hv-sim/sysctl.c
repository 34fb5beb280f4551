// SPDX-License-Identifier: GPL-2.0-only
/*
 * __HYPERVISOR_sysctl, as Xen 4.17's do_sysctl (xen/common/sysctl.c) with
 * x86's arch_do_sysctl (xen/arch/x86/sysctl.c), in Xen's order: copy the
 * struct xen_sysctl in (-EFAULT); interface_version must be
 * XEN_SYSCTL_INTERFACE_VERSION (-EACCES); XSM (dummy.h: xsm_sysctl is
 * XSM_PRIV: the control domain, dom0, else -EPERM); the command.
 *
 * Modelled: XEN_SYSCTL_getdomaininfolist, XEN_SYSCTL_physinfo,
 * XEN_SYSCTL_sched_id and XEN_SYSCTL_cpupool_op (what `xl info`, `xl list`,
 * `xl cpupool-list` ask).  Every other command Xen 4.17's x86 build has (as
 * Debian builds it: no PERF_COUNTERS, no lock profiling) gets -EOPNOTSUPP,
 * and nothing is copied back (do_sysctl copies back only on success by
 * default); an unknown one gets Xen's -ENOSYS (arch_do_sysctl's default).
 *
 * Scheduling: hvsim's vCPUs are threads of the host, which the host's own
 * scheduler runs on the host's CPUs; no Xen scheduler is involved.  What a
 * toolstack is told is what Xen 4.17 as Debian builds it has
 * (CONFIG_SCHED_DEFAULT="credit2"; `xl info` on the reference's real Xen
 * says "xen_scheduler : credit2"), with one cpupool, Pool-0, holding every
 * online CPU and every domain, and no CPU outside it, as Xen boots
 * without cpupool options (xen/common/sched/cpupool.c).
 *
 * The "machine" physinfo describes is the host hvsim runs on: its CPUs and
 * memory, read from sysconf, sysfs, /proc/cpuinfo and CPUID; what is
 * hvsim's own (its capabilities, the memory its domains hold) is hvsim's:
 *  - nr_cpus: online CPUs; max_cpu_id: the last possible CPU
 *    (/sys/devices/system/cpu/possible); threads_per_core and
 *    cores_per_socket from CPU 0's siblings, as Xen computes them;
 *  - nr_nodes 1, max_node_id 0: hvsim models one NUMA node (Xen reports
 *    its compile-time MAX_NUMNODES - 1 as max_node_id; hvsim has no such
 *    limit beyond its one node);
 *  - cpu_khz: CPU 0's "cpu MHz" in /proc/cpuinfo (0 if absent);
 *  - total_pages: the host's RAM in 4 KiB pages; free_pages: that less the
 *    RAM of every live domain (counted whole, as Xen counts a domain's
 *    allocation, though hvsim's memfds fill lazily), never below 0;
 *    scrub_pages and outstanding_pages 0 (no scrubbing, no claims);
 *    max_mfn: total_pages - 1 (hvsim has no machine frames of its own);
 *  - capabilities: hvm, hap and gnttab_v1 (auto-translated guests only,
 *    grant tables v1 only; no PV, shadow, IOMMU, vmtrace or vPMU);
 *    arch_capabilities 0 (Xen 4.17 x86 sets none);
 *  - hw_cap: the host's CPUID feature words in Xen's featureset order
 *    (1.edx, 1.ecx, e1.edx, e1.ecx, Da1.eax, 7:0.ebx, 7:0.ecx, e7.edx).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "privcmd_hypercall.h"

/* The host ---------------------------------------------------------- */

/*
 * A sysfs CPU list ("0-3,8-11"): how many CPUs it names and the highest,
 * and with `bits` (nbits of them, zeroed by the caller) those CPUs set in
 * it, byte i bit j being CPU 8i+j as in a xenctl_bitmap; -1 if unreadable.
 */
static int read_cpu_set(const char *path, unsigned int *count, unsigned int *last,
			uint8_t *bits, unsigned int nbits)
{
	char buf[4096], *p, *end;
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	*count = 0;
	*last = 0;
	for (p = buf; *p && *p != '\n';) {
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p)
			return -1;
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			if (end == p + 1 || b < a)
				return -1;
			p = end;
		}
		*count += (unsigned int)(b - a + 1);
		if (b > *last)
			*last = (unsigned int)b;
		for (unsigned long cpu = a; bits && cpu <= b && cpu < nbits; cpu++)
			bits[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
		if (*p == ',')
			p++;
	}
	return *count ? 0 : -1;
}

static int read_cpu_list(const char *path, unsigned int *count, unsigned int *last)
{
	return read_cpu_set(path, count, last, NULL, 0);
}

/*
 * Xen's nr_cpu_ids: one more than the last possible CPU, which is also
 * what physinfo's max_cpu_id reports (nr_cpu_ids - 1).
 */
static unsigned int host_nr_cpu_ids(void)
{
	unsigned int count, last;
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (!read_cpu_list("/sys/devices/system/cpu/possible", &count, &last))
		return last + 1;
	return online > 0 ? (unsigned int)online : 1;
}

static uint32_t host_cpu_khz(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[256];
	double mhz = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "cpu MHz", 7)) {
			const char *colon = strchr(line, ':');

			if (colon)
				mhz = strtod(colon + 1, NULL);
			break;
		}
	}
	fclose(f);
	return mhz > 0 && mhz < 4e6 ? (uint32_t)(mhz * 1000 + 0.5) : 0;
}

static void host_hw_cap(uint32_t hw_cap[8])
{
	memset(hw_cap, 0, 8 * sizeof(uint32_t));
#if defined(__x86_64__) || defined(__i386__)
	unsigned int eax, ebx, ecx, edx;
	unsigned int max = __get_cpuid_max(0, NULL);
	unsigned int max_ext = __get_cpuid_max(0x80000000, NULL);

	if (max >= 1 && __get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
		hw_cap[0] = edx;
		hw_cap[1] = ecx;
	}
	if (max_ext >= 0x80000001 && __get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx)) {
		hw_cap[2] = edx;
		hw_cap[3] = ecx;
	}
	if (max >= 0xd) {
		__cpuid_count(0xd, 1, eax, ebx, ecx, edx);
		hw_cap[4] = eax;
	}
	if (max >= 7) {
		__cpuid_count(7, 0, eax, ebx, ecx, edx);
		hw_cap[5] = ebx;
		hw_cap[6] = ecx;
	}
	if (max_ext >= 0x80000007 && __get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx))
		hw_cap[7] = edx;
#endif
}

static void physinfo(struct xen_sysctl_physinfo *pi)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	long phys = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	unsigned int count, last, threads = 0, package = 0;
	uint64_t used = 0;

	memset(pi, 0, sizeof(*pi));

	/* cpu_sibling_mask and cpu_core_mask of CPU 0 */
	if (!read_cpu_list("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list",
			   &count, &last))
		threads = count;
	if (!read_cpu_list("/sys/devices/system/cpu/cpu0/topology/core_siblings_list",
			   &count, &last))
		package = count;
	if (online < 1)
		online = 1;
	if (!threads)
		threads = 1;
	if (!package || package < threads)
		package = (unsigned int)online;
	pi->threads_per_core = threads;
	pi->cores_per_socket = package / threads;
	pi->nr_cpus = (uint32_t)online;
	pi->max_cpu_id = host_nr_cpu_ids() - 1;
	pi->nr_nodes = 1;
	pi->max_node_id = 0;
	pi->cpu_khz = host_cpu_khz();

	if (phys > 0 && psize > 0)
		pi->total_pages = (uint64_t)phys * (uint64_t)psize / XEN_PAGE_SIZE;
	for (unsigned int id = 0; id < DOMID_FIRST_RESERVED; id++) {
		struct domain *d = domain_by_id((domid_t)id);

		if (d)
			used += d->ram_pages;
	}
	pi->free_pages = used < pi->total_pages ? pi->total_pages - used : 0;
	pi->scrub_pages = 0;
	pi->outstanding_pages = 0;
	pi->max_mfn = pi->total_pages ? pi->total_pages - 1 : 0;
	host_hw_cap(pi->hw_cap);
	pi->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
			   XEN_SYSCTL_PHYSCAP_gnttab_v1;
	pi->arch_capabilities = 0;
}

/* Pool-0 ------------------------------------------------------------ */

/* The built-in schedulers (scheduler_alloc finds a pool's among these). */
static bool scheduler_built_in(uint32_t sched_id)
{
	return sched_id == XEN_SCHEDULER_CREDIT || sched_id == XEN_SCHEDULER_CREDIT2;
}

/* Every live domain is in Pool-0: its n_dom (a dying one until it is freed). */
static uint32_t pool0_domains(void)
{
	uint32_t n = 0;

	for (unsigned int id = 0; id < DOMID_FIRST_RESERVED; id++)
		if (domain_by_id((domid_t)id))
			n++;
	return n;
}

/*
 * Pool-0's CPUs (its cpu_valid): the host's online CPUs, as a bitmap of
 * *nbits = nr_cpu_ids bits; with `free_cpus` instead the CPUs in no pool
 * (cpupool_free_cpus), none.  NULL when out of memory.
 */
static uint8_t *pool0_cpus(bool free_cpus, unsigned int *nbits, unsigned int *nr_online)
{
	unsigned int n = host_nr_cpu_ids(), count = 0, last;
	uint8_t *bits = calloc((n + 7) / 8, 1);

	if (!bits)
		return NULL;
	if (!free_cpus &&
	    read_cpu_set("/sys/devices/system/cpu/online", &count, &last, bits, n)) {
		/* no sysfs: CPUs 0..online-1 */
		long online = sysconf(_SC_NPROCESSORS_ONLN);

		count = 0;
		for (unsigned int cpu = 0; cpu < n && (long)cpu < (online > 0 ? online : 1); cpu++) {
			bits[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
			count++;
		}
	}
	*nbits = n;
	if (nr_online)
		*nr_online = count;
	return bits;
}

static bool cpu_in(const uint8_t *bits, unsigned int nbits, uint32_t cpu)
{
	return cpu < nbits && (bits[cpu / 8] >> (cpu % 8)) & 1;
}

/* cpumask_last: the highest CPU in the set, nbits if none */
static uint32_t last_cpu(const uint8_t *bits, unsigned int nbits)
{
	for (uint32_t cpu = nbits; cpu > 0; cpu--)
		if (cpu_in(bits, nbits, cpu - 1))
			return cpu - 1;
	return nbits;
}

/*
 * bitmap_to_xenctl_bitmap (xen/common/bitmap.c): the first
 * min(guest bytes, Xen's bytes) bytes of the map, bits past nbits clear,
 * then zeros up to the guest's nr_bits; -EFAULT if a copy faults.  Xen
 * writes the zeros a byte at a time; hvsim a page at a time, so a fault
 * part-way may leave a different number of them written.
 */
static int bitmap_to_guest(const struct guest_mem *m, const struct xenctl_bitmap *map,
			   uint8_t *bits, unsigned int nbits)
{
	uint64_t addr = (uint64_t)(uintptr_t)map->bitmap.p;
	size_t guest_bytes = ((size_t)map->nr_bits + 7) / 8;
	size_t xen_bytes = ((size_t)nbits + 7) / 8;
	size_t copy = guest_bytes < xen_bytes ? guest_bytes : xen_bytes;
	static const uint8_t zeros[4096];

	if (nbits % 8)
		bits[xen_bytes - 1] &= (uint8_t)((1u << (nbits % 8)) - 1);
	if (copy && guest_mem_write(m, addr, bits, copy))
		return -EFAULT;
	for (size_t i = copy; i < guest_bytes;) {
		size_t n = guest_bytes - i < sizeof(zeros) ? guest_bytes - i : sizeof(zeros);

		if (guest_mem_write(m, addr + i, zeros, n))
			return -EFAULT;
		i += n;
	}
	return 0;
}

/*
 * XEN_SYSCTL_cpupool_op, as cpupool_do_sysctl (xen/common/sched/cpupool.c)
 * answers it on a host with one pool, Pool-0 (id 0, credit2, every online
 * CPU, every domain), and no free CPU.  INFO, FREEINFO and MOVEDOMAIN are
 * answered whole; so is every refusal Xen would give from that state.
 * What would change the pools on Xen (creating or destroying a pool,
 * removing a CPU from Pool-0) gets hvsim's -EOPNOTSUPP after Xen's checks.
 */
static long cpupool_op(struct domain *cur, struct xen_sysctl_cpupool_op *op,
		       const struct guest_mem *m)
{
	unsigned int nbits, nr_online;
	uint8_t *cpus;
	long ret;

	switch (op->op) {
	case XEN_SYSCTL_CPUPOOL_OP_CREATE:
		/* cpupool_create: an id in use, then the scheduler */
		if (op->cpupool_id == 0)
			return -EEXIST;
		if (!scheduler_built_in(op->sched_id))
			return -ENOENT;
		return -EOPNOTSUPP;

	case XEN_SYSCTL_CPUPOOL_OP_DESTROY:
		/* cpupool_destroy: a pool with domains is busy */
		return op->cpupool_id == 0 ? -EBUSY : -ENOENT;

	case XEN_SYSCTL_CPUPOOL_OP_INFO:
		/* cpupool_get_next_by_id: the first pool at or above the id */
		if (op->cpupool_id != 0)
			return -ENOENT;
		cpus = pool0_cpus(false, &nbits, NULL);
		if (!cpus)
			return -ENOMEM;
		op->cpupool_id = 0;
		op->sched_id = XEN_SCHEDULER_CREDIT2;
		op->n_dom = pool0_domains();
		ret = bitmap_to_guest(m, &op->cpumap, cpus, nbits);
		free(cpus);
		return ret;

	case XEN_SYSCTL_CPUPOOL_OP_ADDCPU:
		/* every online CPU is in Pool-0 already: none is free */
		if (op->cpupool_id != 0)
			return -ENOENT;
		if (op->cpu == XEN_SYSCTL_CPUPOOL_PAR_ANY)
			return -ENODEV;
		if (op->cpu >= host_nr_cpu_ids())
			return -EINVAL;
		return -ENODEV;

	case XEN_SYSCTL_CPUPOOL_OP_RMCPU: {
		uint32_t cpu = op->cpu;

		if (op->cpupool_id != 0)
			return -ENOENT;
		cpus = pool0_cpus(false, &nbits, &nr_online);
		if (!cpus)
			return -ENOMEM;
		if (cpu == XEN_SYSCTL_CPUPOOL_PAR_ANY)
			cpu = last_cpu(cpus, nbits);
		if (cpu >= nbits)
			ret = -EINVAL;
		/* cpupool_unassign_cpu: CPU 0 stays in Pool-0; an online CPU */
		else if (cpu == 0 || !cpu_in(cpus, nbits, cpu))
			ret = -EINVAL;
		/* cpupool_unassign_cpu_start: the last CPU of a pool with live domains */
		else if (nr_online == 1)
			ret = -EBUSY;
		else
			ret = -EOPNOTSUPP;
		free(cpus);
		return ret;
	}

	case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN: {
		/* rcu_lock_remote_domain_by_id takes a domid_t: the id is truncated */
		struct domain *d = domain_by_id((domid_t)op->domid);

		if (!d)
			return -ESRCH;
		if (d == cur)
			return -EPERM;
		/* already there; any other pool does not exist */
		return op->cpupool_id == 0 ? 0 : -ENOENT;
	}

	case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
		cpus = pool0_cpus(true, &nbits, NULL);
		if (!cpus)
			return -ENOMEM;
		ret = bitmap_to_guest(m, &op->cpumap, cpus, nbits);
		free(cpus);
		return ret;
	}
	return -ENOSYS;
}

/* The commands ------------------------------------------------------ */

/* The commands Xen 4.17's x86 build dispatches, other than those modelled. */
static bool sysctl_known(uint32_t cmd)
{
	switch (cmd) {
	/* xen/common/sysctl.c */
	case XEN_SYSCTL_readconsole:
	case XEN_SYSCTL_tbuf_op:
	case XEN_SYSCTL_debug_keys:
	case XEN_SYSCTL_getcpuinfo:
	case XEN_SYSCTL_availheap:
	case XEN_SYSCTL_get_pmstat:        /* CONFIG_ACPI && CONFIG_HAS_CPUFREQ */
	case XEN_SYSCTL_pm_op:
	case XEN_SYSCTL_page_offline_op:
	case XEN_SYSCTL_scheduler_op:
	case XEN_SYSCTL_numainfo:
	case XEN_SYSCTL_cputopoinfo:
	case XEN_SYSCTL_pcitopoinfo:       /* CONFIG_HAS_PCI */
	case XEN_SYSCTL_livepatch_op:      /* CONFIG_LIVEPATCH (Debian: y) */
	/* xen/arch/x86/sysctl.c */
	case XEN_SYSCTL_cpu_hotplug:
	case XEN_SYSCTL_psr_cmt_op:
	case XEN_SYSCTL_psr_alloc:
	case XEN_SYSCTL_get_cpu_levelling_caps:
	case XEN_SYSCTL_get_cpu_featureset:
	case XEN_SYSCTL_get_cpu_policy:
		return true;
	/*
	 * Not built into Debian's Xen, so -ENOSYS: perfc_op
	 * (CONFIG_PERF_COUNTERS), lockprof_op (CONFIG_DEBUG_LOCK_PROFILE).
	 * coverage_op is handled by the caller.
	 */
	}
	return false;
}

long sysctl_op(struct domain *cur, uint64_t arg, const struct guest_mem *m)
{
	struct xen_sysctl op;

	if (guest_mem_read(m, arg, &op, sizeof(op)))
		return -EFAULT;
	if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
		return -EACCES;
	/* xsm_sysctl: XSM_PRIV */
	if (!hvsim_is_control_domain(cur))
		return -EPERM;

	switch (op.cmd) {
	case XEN_SYSCTL_getdomaininfolist: {
		/*
		 * Xen 4.17: every domain in domid order (dying ones too) from
		 * first_domain on, at most max_domains of them, each written
		 * as the next element of buffer; a fault there is -EFAULT with
		 * the elements before it written and num_domains not.  On
		 * success num_domains says how many, and the whole struct
		 * xen_sysctl is copied back.
		 */
		struct xen_sysctl_getdomaininfolist *l = &op.u.getdomaininfolist;
		uint64_t buffer = (uint64_t)(uintptr_t)l->buffer.p;
		uint32_t num_domains = 0;

		for (unsigned int id = l->first_domain; id < DOMID_FIRST_RESERVED; id++) {
			struct domain *d = domain_by_id((domid_t)id);
			struct xen_domctl_getdomaininfo info;

			if (!d)
				continue;
			if (num_domains == l->max_domains)
				break;
			/* xsm_getdomaininfo: XSM_HOOK, always allowed */
			hvsim_getdomaininfo(cur, d, &info);
			if (guest_mem_write(m, buffer + (uint64_t)num_domains * sizeof(info),
					    &info, sizeof(info)))
				return -EFAULT;
			num_domains++;
		}
		l->num_domains = num_domains;
		break;
	}

	case XEN_SYSCTL_physinfo:
		physinfo(&op.u.physinfo);
		/* Xen copies back here, then again at the end: one is enough */
		break;

	case XEN_SYSCTL_sched_id:
		/* sched_id(): the default scheduler's (see the top of this file) */
		op.u.sched_id.sched_id = XEN_SCHEDULER_CREDIT2;
		break;

	case XEN_SYSCTL_cpupool_op: {
		/* copied back on success only (do_sysctl's default) */
		long ret = cpupool_op(cur, &op.u.cpupool_op, m);

		if (ret)
			return ret;
		break;
	}

	case XEN_SYSCTL_coverage_op:
		/*
		 * Compiled in every build, answered by the !CONFIG_COVERAGE stub
		 * with -EOPNOTSUPP; its copyback = 1 copies the struct back even
		 * so (a fault there is -EFAULT).
		 */
		if (guest_mem_write(m, arg, &op, sizeof(op)))
			return -EFAULT;
		return -EOPNOTSUPP;

	default:
		return sysctl_known(op.cmd) ? -EOPNOTSUPP : -ENOSYS;
	}

	if (guest_mem_write(m, arg, &op, sizeof(op)))
		return -EFAULT;
	return 0;
}
