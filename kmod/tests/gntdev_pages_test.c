// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pages a gntdev map borrows (gnttab_alloc_pages) go back on a list
 * when it is unmapped and serve the next map: whatever the sizes and the
 * order of maps and unmaps, every mapped page must show its own grant
 * (never the page a previous grant showed there), writes must reach the
 * granter, no pin or mapping may stay behind, and the hypervisor's trace
 * must still have every map and unmap, op by op.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <sys/ioctl.h>

#include "hvsim/xen.h"
#include <xen/gntdev.h>
#include <xen/gntalloc.h>

#include "harness.h"
#include "devclient.h"
#include "hvsim/paths.h"

#define NR_SHARED 16
#define PAGE 4096

static char sock0[PATH_MAX], sock1[PATH_MAX];
static uint16_t dom1;

static void setup(void)
{
	harness_up(1);
	dom1 = harness_domain("mapper");
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), 0, sock0, sizeof(sock0)), 0);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), dom1, sock1, sizeof(sock1)), 0);
}

static void teardown(void)
{
	harness_down();
}

static struct hvsim_dev *dev_open(const char *sock, const char *path)
{
	struct hvsim_dev *d = NULL;
	int rc = hvsim_dev_open(sock, path, O_RDWR, &d);

	ck_assert_msg(rc == 0, "open %s on %s: %s", path, sock, strerror(-rc));
	return d;
}

/* dom0's NR_SHARED pages, granted writable to dom1, mapped here too. */
static struct hvsim_dev *alloc_dev;
static uint64_t alloc_index;
static uint32_t refs[NR_SHARED];
static volatile uint8_t *shared;

static void share(void)
{
	size_t size = sizeof(struct ioctl_gntalloc_alloc_gref) + NR_SHARED * sizeof(uint32_t);
	struct ioctl_gntalloc_alloc_gref *a = calloc(1, size);
	void *p;

	ck_assert_ptr_nonnull(a);
	a->domid = dom1;
	a->flags = GNTALLOC_FLAG_WRITABLE;
	a->count = NR_SHARED;
	alloc_dev = dev_open(sock0, "/dev/xen/gntalloc");
	ck_assert_int_eq(hvsim_dev_ioctl(alloc_dev, IOCTL_GNTALLOC_ALLOC_GREF, a), 0);
	alloc_index = a->index;
	/* (the uapi's one-element arrays run on past the struct) */
	memcpy(refs, (char *)a + offsetof(struct ioctl_gntalloc_alloc_gref, gref_ids),
	       sizeof(refs));
	free(a);
	ck_assert_int_eq(hvsim_dev_mmap(alloc_dev, NULL, NR_SHARED * PAGE, PROT_READ | PROT_WRITE,
					MAP_SHARED, (off_t)alloc_index, &p), 0);
	shared = p;
	for (unsigned int i = 0; i < NR_SHARED; i++) {
		shared[(size_t)i * PAGE] = (uint8_t)(0xa0 + i);
		shared[(size_t)i * PAGE + PAGE - 1] = (uint8_t)(0x50 + i);
	}
}

struct gmap {
	uint64_t index;
	uint32_t first, count;   /* shared pages [first, first + count) */
	volatile uint8_t *addr;
};

/* Maps shared pages [first, first + count) in dom1, in reverse when asked. */
static void map(struct hvsim_dev *gntdev, struct gmap *m, uint32_t first, uint32_t count)
{
	size_t size = sizeof(struct ioctl_gntdev_map_grant_ref) +
		      count * sizeof(struct ioctl_gntdev_grant_ref);
	struct ioctl_gntdev_map_grant_ref *a = calloc(1, size);
	struct ioctl_gntdev_grant_ref *r;
	void *p;

	ck_assert_ptr_nonnull(a);
	a->count = count;
	r = (void *)((char *)a + offsetof(struct ioctl_gntdev_map_grant_ref, refs));
	for (uint32_t i = 0; i < count; i++) {
		r[i].domid = 0;
		r[i].ref = refs[first + i];
	}
	ck_assert_int_eq(hvsim_dev_ioctl(gntdev, IOCTL_GNTDEV_MAP_GRANT_REF, a), 0);
	m->index = a->index;
	m->first = first;
	m->count = count;
	free(a);
	ck_assert_int_eq(hvsim_dev_mmap(gntdev, NULL, count * PAGE, PROT_READ | PROT_WRITE,
					MAP_SHARED, (off_t)m->index, &p), 0);
	m->addr = p;
}

/* Every page shows its own grant, both ends of it; a write reaches dom0. */
static void check(const struct gmap *m, uint8_t stamp)
{
	for (uint32_t i = 0; i < m->count; i++) {
		volatile uint8_t *page = m->addr + (size_t)i * PAGE;
		uint32_t s = m->first + i;

		ck_assert_msg(page[0] == (uint8_t)(0xa0 + s) && page[PAGE - 1] == (uint8_t)(0x50 + s),
			      "page %u of a map of shared page %u shows 0x%02x/0x%02x", i, m->first,
			      page[0], page[PAGE - 1]);
		page[1] = stamp;
		ck_assert_uint_eq(shared[(size_t)s * PAGE + 1], stamp);
	}
}

static void unmap(struct hvsim_dev *gntdev, struct gmap *m)
{
	ck_assert_int_eq(hvsim_dev_munmap((void *)m->addr, m->count * PAGE), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(gntdev, IOCTL_GNTDEV_UNMAP_GRANT_REF,
		&(struct ioctl_gntdev_unmap_grant_ref){ .index = m->index, .count = m->count }),
		0);
}

/* A number of dom1's from `hvsim` `domid` (mappings, grants_in_use). */
static int64_t domain_field(const char *name, const char *field)
{
	struct json_object *req = json_object_new_object(), *reply = NULL, *d, *v;
	int64_t n;

	/* (hvsim_ctl_call consumes req) */
	json_object_object_add(req, "cmd", json_object_new_string("domid"));
	json_object_object_add(req, "domain", json_object_new_string(name));
	ck_assert_int_eq(hvsim_ctl_call(harness_ctl(), req, &reply), 0);
	ck_assert(json_object_object_get_ex(reply, "domain", &d));
	ck_assert(json_object_object_get_ex(d, field, &v));
	n = json_object_get_int64(v);
	json_object_put(reply);
	return n;
}

/* dom1's grant map and unmap records in the trace: their count, their ops. */
static void count_trace(unsigned int *maps, unsigned int *unmaps, unsigned int *ops)
{
	struct json_object *req = json_object_new_object(), *reply = NULL;
	char path[PATH_MAX];
	char *line = NULL;
	size_t size = 0;
	FILE *f;

	/* every record emitted so far is in the file once sync answers */
	json_object_object_add(req, "cmd", json_object_new_string("sync"));
	ck_assert_int_eq(hvsim_ctl_call(harness_ctl(), req, &reply), 0);
	json_object_put(reply);
	snprintf(path, sizeof(path), "%s/%s", harness_dir(), HVSIM_TRACE_FILE);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	*maps = *unmaps = *ops = 0;
	while (getline(&line, &size, f) > 0) {
		struct json_object *rec = json_tokener_parse(line), *v, *list;
		const char *cmd;

		ck_assert_msg(rec != NULL, "not JSON: %s", line);
		/* dom1's grant-table calls (its kernel also asks xen_version) */
		if (json_object_object_get_ex(rec, "cmd", &v) &&
		    json_object_object_get_ex(rec, "op", &list) &&
		    !strcmp(json_object_get_string(list), "grant_table_op") &&
		    json_object_object_get_ex(rec, "dom", &list) &&
		    json_object_get_int(list) == dom1) {
			cmd = json_object_get_string(v);
			ck_assert(json_object_object_get_ex(rec, "ops", &list));
			if (!strcmp(cmd, "map_grant_ref"))
				(*maps)++;
			else if (!strcmp(cmd, "unmap_grant_ref"))
				(*unmaps)++;
			else
				goto next;
			for (size_t i = 0; i < json_object_array_length(list); i++) {
				struct json_object *op = json_object_array_get_idx(list, i), *st;

				ck_assert(json_object_object_get_ex(op, "status", &st));
				ck_assert_int_eq(json_object_get_int(st), GNTST_okay);
				(*ops)++;
			}
		}
next:
		json_object_put(rec);
	}
	free(line);
	fclose(f);
}

START_TEST(reused_pages_show_their_own_grants)
{
	struct hvsim_dev *gntdev;
	struct gmap a, b, c;
	unsigned int maps = 0, unmaps = 0, ops = 0, want_ops = 0;
	uint8_t stamp = 1;

	share();
	gntdev = dev_open(sock1, "/dev/xen/gntdev");
	for (unsigned int round = 0; round < 24; round++) {
		/* sizes and places that differ from round to round */
		uint32_t n = 1 + round % NR_SHARED, first = (round * 5) % (NR_SHARED - n + 1);

		map(gntdev, &a, first, n);
		check(&a, stamp++);
		unmap(gntdev, &a);
		want_ops += 2 * n;
	}
	/* two maps at once, freed in the other order, then one over all */
	map(gntdev, &a, 0, 3);
	map(gntdev, &b, 3, NR_SHARED - 3);
	check(&a, stamp++);
	check(&b, stamp++);
	unmap(gntdev, &a);
	check(&b, stamp++);
	unmap(gntdev, &b);
	map(gntdev, &c, 0, NR_SHARED);
	check(&c, stamp++);
	ck_assert_int_eq(domain_field("mapper", "mappings"), NR_SHARED);
	unmap(gntdev, &c);
	want_ops += 2 * NR_SHARED * 2;

	/* nothing stays mapped or pinned */
	ck_assert_int_eq(domain_field("mapper", "mappings"), 0);
	ck_assert_int_eq(domain_field("Domain-0", "grants_in_use"), 0);
	count_trace(&maps, &unmaps, &ops);
	ck_assert_uint_eq(maps, 24 + 3);
	ck_assert_uint_eq(unmaps, 24 + 3);
	ck_assert_uint_eq(ops, want_ops);

	hvsim_dev_close(gntdev);
	ck_assert_int_eq(hvsim_dev_munmap((void *)shared, NR_SHARED * PAGE), 0);
	ck_assert_int_eq(hvsim_dev_ioctl(alloc_dev, IOCTL_GNTALLOC_DEALLOC_GREF,
		&(struct ioctl_gntalloc_dealloc_gref){ .index = alloc_index, .count = NR_SHARED }),
		0);
	hvsim_dev_close(alloc_dev);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gntdev pages");
	TCase *tc = tcase_create("reuse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, reused_pages_show_their_own_grants);
	suite_add_tcase(s, tc);
	return harness_run(s);
}
