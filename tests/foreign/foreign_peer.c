// SPDX-License-Identifier: GPL-2.0-only
/*
 * foreign-peer: runs in a simulated domain (`hvsim run DOMAIN -- ...`)
 * under the interposer, with Debian's libxenforeignmemory and libxengnttab.
 * It prints "pid N" first, then one line per result, and reads commands
 * on stdin:
 *
 *   share TEXT        share a page with dom0 (gntalloc), write TEXT in it,
 *                     print "gfn N": the gfn of the domain's RAM it is (the
 *                     page's offset in the RAM memfd, from /proc/self/maps);
 *                     then "read" prints "text ..." of what the page holds,
 *                     until EOF.
 *   map DOM GFN...    xenforeignmemory_map of those gfns of DOM with an err
 *                     array: "errs E..." then "text ..." of the first page;
 *                     then "read" prints it again, "write TEXT" writes it,
 *                     until EOF, then xenforeignmemory_unmap: "unmapped".
 *   map-noerr DOM GFN xenforeignmemory_map without an err array:
 *                     "mapped" or "refused ERRNO-NAME".
 *   grants            reads commands: "grant" shares one more page with
 *                     dom0 (gntalloc, writable) and prints "granted REF GFN";
 *                     the pages stay shared until EOF.
 *   table DOM         xenforeignmemory_resource_size of DOM's grant table
 *                     (XENMEM_resource_grant_table, id shared): "frames N"
 *                     or "size-refused ERRNO-NAME"; then
 *                     xenforeignmemory_map_resource of all of it, read-only:
 *                     "mapped" or "refused ERRNO-NAME"; then "entry REF"
 *                     prints "entry flags=0xF domid=D frame=N" of that v1
 *                     entry, until EOF, then unmaps: "unmapped".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xen/grant_table.h>
#include <xen/memory.h>

#include "peer_say.h"

#define PAGE_SIZE 4096
#define MAX_GFNS  16

/* The page's text, up to its first NUL or newline. */
static void say_text(const volatile char *p)
{
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(buf) - 1 && p[i] && p[i] != '\n'; i++)
		buf[i] = p[i];
	buf[i] = 0;
	say("text %s", buf);
}

/* Offset / 4096 of the file mapping at addr, from /proc/self/maps. */
static long long gfn_of(const void *addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	long long gfn = -1;

	if (!f)
		die_sys("/proc/self/maps");
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;
		unsigned long long off;

		if (sscanf(line, "%lx-%lx %*s %llx", &start, &end, &off) != 3)
			continue;
		if ((uintptr_t)addr >= start && (uintptr_t)addr < end) {
			gfn = (long long)((off + ((uintptr_t)addr - start)) / PAGE_SIZE);
			break;
		}
	}
	fclose(f);
	return gfn;
}

/* Commands on stdin until EOF: "read" and "write TEXT" on the page. */
static void serve(volatile char *page)
{
	char line[256];

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		if (strcmp(line, "read") == 0) {
			say_text(page);
		} else if (strncmp(line, "write ", 6) == 0) {
			size_t n = strlen(line + 6);

			for (size_t i = 0; i <= n; i++)
				page[i] = line[6 + i];
			say("written");
		}
	}
}

static int share_main(const char *text)
{
	xengntshr_handle *gs = xengntshr_open(NULL, 0);
	uint32_t ref;
	char *page;

	if (!gs)
		die_sys("xengntshr_open");
	page = xengntshr_share_pages(gs, 0, 1, &ref, 1);
	if (!page)
		die_sys("xengntshr_share_pages");
	strcpy(page, text);
	say("gfn %lld", gfn_of(page));
	serve(page);
	xengntshr_unshare(gs, page, 1);
	xengntshr_close(gs);
	return 0;
}

static int map_main(int argc, char **argv)
{
	xenforeignmemory_handle *fm = xenforeignmemory_open(NULL, 0);
	xen_pfn_t gfns[MAX_GFNS];
	int errs[MAX_GFNS];
	size_t n = 0;
	char line[256] = "errs";
	char *p;

	if (!fm)
		die_sys("xenforeignmemory_open");
	for (int i = 1; i < argc && n < MAX_GFNS; i++)
		gfns[n++] = strtoull(argv[i], NULL, 0);
	p = xenforeignmemory_map(fm, (uint32_t)strtoul(argv[0], NULL, 0),
				 PROT_READ | PROT_WRITE, n, gfns, errs);
	if (!p)
		die_sys("xenforeignmemory_map");
	for (size_t i = 0; i < n; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " %d", errs[i]);
	say("%s", line);
	say_text(p);
	serve(p);
	if (xenforeignmemory_unmap(fm, p, n))
		die_sys("xenforeignmemory_unmap");
	say("unmapped");
	xenforeignmemory_close(fm);
	return 0;
}

static const char *errno_name(int e)
{
	return e == EPERM ? "EPERM" : strerror(e);
}

static int map_noerr_main(const char *dom, const char *gfn)
{
	xenforeignmemory_handle *fm = xenforeignmemory_open(NULL, 0);
	xen_pfn_t g = strtoull(gfn, NULL, 0);
	void *p;

	if (!fm)
		die_sys("xenforeignmemory_open");
	p = xenforeignmemory_map(fm, (uint32_t)strtoul(dom, NULL, 0), PROT_READ, 1, &g, NULL);
	if (p) {
		say("mapped");
		xenforeignmemory_unmap(fm, p, 1);
	} else {
		say("refused %s", errno_name(errno));
	}
	xenforeignmemory_close(fm);
	return 0;
}

static int grants_main(void)
{
	xengntshr_handle *gs = xengntshr_open(NULL, 0);
	char line[256];

	if (!gs)
		die_sys("xengntshr_open");
	while (fgets(line, sizeof(line), stdin)) {
		uint32_t ref;
		char *page;

		if (strcmp(line, "grant\n") != 0)
			continue;
		page = xengntshr_share_pages(gs, 0, 1, &ref, 1);
		if (!page)
			die_sys("xengntshr_share_pages");
		say("granted %u %lld", ref, gfn_of(page));
	}
	/* the shares go with the handle */
	xengntshr_close(gs);
	return 0;
}

static int table_main(const char *dom)
{
	xenforeignmemory_handle *fm = xenforeignmemory_open(NULL, 0);
	domid_t domid = (domid_t)strtoul(dom, NULL, 0);
	xenforeignmemory_resource_handle *res;
	const volatile grant_entry_v1_t *table;
	void *addr = NULL;
	size_t size, nr;
	char line[256];

	if (!fm)
		die_sys("xenforeignmemory_open");
	if (xenforeignmemory_resource_size(fm, domid, XENMEM_resource_grant_table,
					   XENMEM_resource_grant_table_id_shared, &size)) {
		say("size-refused %s", errno_name(errno));
		size = PAGE_SIZE;
	} else {
		say("frames %zu", size / PAGE_SIZE);
	}
	nr = size / PAGE_SIZE;
	res = xenforeignmemory_map_resource(fm, domid, XENMEM_resource_grant_table,
					    XENMEM_resource_grant_table_id_shared, 0, nr,
					    &addr, PROT_READ, 0);
	if (!res) {
		say("refused %s", errno_name(errno));
		xenforeignmemory_close(fm);
		return 0;
	}
	say("mapped");
	table = addr;
	while (fgets(line, sizeof(line), stdin)) {
		unsigned long ref;

		if (sscanf(line, "entry %lu", &ref) != 1)
			continue;
		if (ref >= nr * (PAGE_SIZE / sizeof(grant_entry_v1_t)))
			die("entry %lu is beyond the %zu frames mapped", ref, nr);
		say("entry flags=%#x domid=%u frame=%u", table[ref].flags, table[ref].domid,
		    table[ref].frame);
	}
	if (xenforeignmemory_unmap_resource(fm, res))
		die_sys("xenforeignmemory_unmap_resource");
	say("unmapped");
	xenforeignmemory_close(fm);
	return 0;
}

int main(int argc, char **argv)
{
	say("pid %d", (int)getpid());
	if (argc == 3 && strcmp(argv[1], "share") == 0)
		return share_main(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "map") == 0)
		return map_main(argc - 2, argv + 2);
	if (argc == 4 && strcmp(argv[1], "map-noerr") == 0)
		return map_noerr_main(argv[2], argv[3]);
	if (argc == 2 && strcmp(argv[1], "grants") == 0)
		return grants_main();
	if (argc == 3 && strcmp(argv[1], "table") == 0)
		return table_main(argv[2]);
	fprintf(stderr, "usage: foreign-peer share TEXT | map DOM GFN... | map-noerr DOM GFN |"
		" grants | table DOM\n");
	return 2;
}
