/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A sparse map from gfn to the foreign page it shows: a two-level table of
 * 512-entry chunks allocated on first use.  Lookups, inserts and removals
 * are O(1), so a 1024-grant batch costs 1024 steps on either side of the
 * hypercall socket (hvsimd's p2m and the guest's view of it).
 */
#ifndef HVSIM_GFN_MAP_H
#define HVSIM_GFN_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gfn_entry {
	uint64_t frame;       /* the owner's page */
	uint16_t domid;       /* the owner */
	bool used;
	bool readonly;
};

struct gfn_map {
	struct gfn_entry **chunks;
	size_t nr_chunks;
	size_t count;         /* entries in use */
};

int gfn_map_init(struct gfn_map *m, uint64_t nr_gfns);
void gfn_map_fini(struct gfn_map *m);
/* The entry for gfn, or NULL when gfn shows its own page (or is out of range). */
struct gfn_entry *gfn_map_get(const struct gfn_map *m, uint64_t gfn);
/* Sets gfn's entry: 0, -EINVAL out of range, -ENOMEM. */
int gfn_map_set(struct gfn_map *m, uint64_t gfn, uint16_t domid, uint64_t frame,
		bool readonly);
void gfn_map_clear(struct gfn_map *m, uint64_t gfn);
void gfn_map_clear_all(struct gfn_map *m);

#endif
