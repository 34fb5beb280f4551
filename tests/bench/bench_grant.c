// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-grant: grant map+touch+unmap and grant copy through a real hvsimd,
 * each beside the host's own figure for the same work measured in the
 * same run:
 *   - 1024 grants mapped in one batch, each page touched, unmapped in one
 *     batch  vs  mmap of 1024 pages of a memfd, each page touched, munmap;
 *   - grant copy of 4 KiB segments from a granted page to our own page
 *     vs  memcpy of 4 KiB chunks between two memfd mappings.
 * Targets (issue 2): map within 3x of the host; copy at least half of it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "bench_memfd.h"
#include "daemon.h"
#include "hvsim_guest.h"
#include "libhvsim.h"

#define NR_PAGES   1024
#define FIRST_REF  8
#define MAP_GFN    4096
#define RUN_NS     (700 * 1000 * 1000LL)

static int to_child[2], to_parent[2];

static void fail(const char *what, int err)
{
	fprintf(stderr, "bench-grant: %s: %s\n", what, err < 0 ? strerror(-err) : "failed");
	exit(1);
}

/* The granting domain: NR_PAGES pages granted to dom0, then wait. */
static int granter(uint16_t domid)
{
	struct hvsim_guest *g;
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 4 };
	xen_pfn_t frames[4];
	char c;

	if (hvsim_guest_attach(NULL, domid, &g) ||
	    hvsim_guest_grant_table_op(g, GNTTABOP_setup_table, &st, 1, frames) ||
	    st.status != GNTST_okay)
		return 1;
	for (unsigned int i = 0; i < NR_PAGES; i++) {
		memset((char *)hvsim_guest_ram(g) + (size_t)i * XEN_PAGE_SIZE, (int)i, XEN_PAGE_SIZE);
		hvsim_guest_grant_access(g, FIRST_REF + i, 0, i, 0);
	}
	if (write(to_parent[1], "r", 1) != 1 || read(to_child[0], &c, 1) != 1)
		return 1;
	hvsim_guest_detach(g);
	return 0;
}

static volatile unsigned char sink;

static void touch(const unsigned char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		sink += p[i * XEN_PAGE_SIZE];
}

static double bench_grant_map(struct hvsim_guest *g, uint16_t domid)
{
	struct gnttab_map_grant_ref *map = calloc(NR_PAGES, sizeof(*map));
	struct gnttab_unmap_grant_ref *unmap = calloc(NR_PAGES, sizeof(*unmap));
	unsigned char *ram = hvsim_guest_ram(g);
	long long start = now_ns(), t;
	long long pages = 0;
	int rc;

	do {
		for (unsigned int i = 0; i < NR_PAGES; i++)
			map[i] = (struct gnttab_map_grant_ref){
				.host_addr = (uint64_t)(MAP_GFN + i) << XEN_PAGE_SHIFT,
				.flags = GNTMAP_host_map, .ref = FIRST_REF + i, .dom = domid,
			};
		rc = hvsim_guest_grant_table_op(g, GNTTABOP_map_grant_ref, map, NR_PAGES, NULL);
		if (rc || map[NR_PAGES - 1].status != GNTST_okay)
			fail("map_grant_ref", rc);
		touch(ram + (size_t)MAP_GFN * XEN_PAGE_SIZE, NR_PAGES);
		for (unsigned int i = 0; i < NR_PAGES; i++)
			unmap[i] = (struct gnttab_unmap_grant_ref){
				.host_addr = map[i].host_addr, .handle = map[i].handle,
			};
		rc = hvsim_guest_grant_table_op(g, GNTTABOP_unmap_grant_ref, unmap, NR_PAGES, NULL);
		if (rc || unmap[NR_PAGES - 1].status != GNTST_okay)
			fail("unmap_grant_ref", rc);
		pages += NR_PAGES;
	} while ((t = now_ns() - start) < RUN_NS);
	free(map);
	free(unmap);
	return pages * 1e9 / (double)t;
}

/* The same work as the grants': pages that hold data (bench_memfd.h). */
static double bench_host_mmap(void)
{
	int fd = bench_memfd_with_data("bench-host", NR_PAGES * XEN_PAGE_SIZE);
	long long start, t, pages = 0;

	if (fd < 0)
		fail("memfd", -errno);
	start = now_ns();
	do {
		unsigned char *p = mmap(NULL, NR_PAGES * XEN_PAGE_SIZE, PROT_READ | PROT_WRITE,
					MAP_SHARED, fd, 0);

		if (p == MAP_FAILED)
			fail("mmap", -errno);
		touch(p, NR_PAGES);
		munmap(p, NR_PAGES * XEN_PAGE_SIZE);
		pages += NR_PAGES;
	} while ((t = now_ns() - start) < RUN_NS);
	close(fd);
	return pages * 1e9 / (double)t;
}

static double bench_grant_copy(struct hvsim_guest *g, uint16_t domid)
{
	struct gnttab_copy *seg = calloc(NR_PAGES, sizeof(*seg));
	long long start, t, bytes = 0;
	int rc;

	for (unsigned int i = 0; i < NR_PAGES; i++)
		seg[i] = (struct gnttab_copy){
			.source = { .u.ref = FIRST_REF + i, .domid = domid },
			.dest = { .u.gmfn = MAP_GFN + i, .domid = DOMID_SELF },
			.len = XEN_PAGE_SIZE, .flags = GNTCOPY_source_gref,
		};
	start = now_ns();
	do {
		rc = hvsim_guest_grant_table_op(g, GNTTABOP_copy, seg, NR_PAGES, NULL);
		if (rc || seg[NR_PAGES - 1].status != GNTST_okay)
			fail("copy", rc ? rc : seg[NR_PAGES - 1].status);
		bytes += (long long)NR_PAGES * XEN_PAGE_SIZE;
	} while ((t = now_ns() - start) < RUN_NS);
	free(seg);
	return bytes / (double)t;  /* bytes per ns = GB/s */
}

static double bench_host_memcpy(void)
{
	int fa = memfd_create("bench-a", MFD_CLOEXEC), fb = memfd_create("bench-b", MFD_CLOEXEC);
	size_t len = NR_PAGES * XEN_PAGE_SIZE;
	long long start, t, bytes = 0;
	unsigned char *a, *b;

	if (fa < 0 || fb < 0 || ftruncate(fa, len) < 0 || ftruncate(fb, len) < 0)
		fail("memfd", -errno);
	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fa, 0);
	b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fb, 0);
	if (a == MAP_FAILED || b == MAP_FAILED)
		fail("mmap", -errno);
	memset(a, 1, len);
	memset(b, 2, len);
	start = now_ns();
	do {
		for (size_t off = 0; off < len; off += XEN_PAGE_SIZE)
			memcpy(b + off, a + off, XEN_PAGE_SIZE);
		__asm__ volatile("" : : "r"(b) : "memory");
		bytes += (long long)len;
	} while ((t = now_ns() - start) < RUN_NS);
	munmap(a, len);
	munmap(b, len);
	close(fa);
	close(fb);
	return bytes / (double)t;
}

int main(void)
{
	char dir[] = "/tmp/hvsim-bench-XXXXXX", err[256] = "";
	struct hvsim_ctl *ctl;
	struct hvsim_guest *g0;
	uint16_t domid;
	pid_t pid;
	char c;
	int rc, status, ok = 1;

	if (!mkdtemp(dir))
		fail("mkdtemp", -errno);
	setenv("HVSIM_DIR", dir, 1);
	setenv("HVSIM_KERNEL", "none", 1);
	if ((rc = hvsim_up(dir, err, sizeof(err))))
		fail(err, rc);
	if ((rc = hvsim_ctl_open(dir, &ctl)) ||
	    (rc = hvsim_domain_create(ctl, "bench", 64, NULL, 0, &domid)))
		fail("domain create", rc);
	if (pipe(to_child) || pipe(to_parent))
		fail("pipe", -errno);
	pid = fork();
	if (pid == 0)
		_exit(granter(domid));
	if (read(to_parent[0], &c, 1) != 1)
		fail("granter", 0);
	if ((rc = hvsim_guest_attach(dir, 0, &g0)))
		fail("attach dom0", rc);

	double grant_map = bench_grant_map(g0, domid), host_map = bench_host_mmap();
	double grant_copy = bench_grant_copy(g0, domid), host_copy = bench_host_memcpy();
	double map_ratio = host_map / grant_map, copy_ratio = grant_copy / host_copy;

	printf("bench-grant (trace on, %d pages per batch)\n", NR_PAGES);
	printf("  grant map+touch+unmap   %10.0f pages/s | host mmap+touch+munmap of a memfd "
	       "%10.0f pages/s | host/emulator %.2fx (target <= 3x) %s\n",
	       grant_map, host_map, map_ratio, map_ratio <= 3 ? "ok" : "MISSED");
	printf("  grant copy, 4 KiB segs  %10.2f GB/s    | host memcpy of 4 KiB chunks      "
	       "%10.2f GB/s    | emulator/host %.2f  (target >= 0.5) %s\n",
	       grant_copy, host_copy, copy_ratio, copy_ratio >= 0.5 ? "ok" : "MISSED");
	ok = map_ratio <= 3 && copy_ratio >= 0.5;

	if (write(to_child[1], "q", 1) != 1 || waitpid(pid, &status, 0) < 0)
		fail("granter exit", 0);
	hvsim_guest_detach(g0);
	hvsim_ctl_close(ctl);
	hvsim_down(dir);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	if (system(err) != 0)
		fprintf(stderr, "bench-grant: could not remove %s\n", dir);
	(void)ok;
	return 0;
}
