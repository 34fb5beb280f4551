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
	/*
	 * `frame` is a page of the owner's shared fd (shared_info and the
	 * grant frames, HVSIM_GRANT_FRAME0_PAGE + i), not of its RAM: a grant
	 * frame acquired with XENMEM_acquire_resource.  gfn_map_set clears it;
	 * the caller sets it after.
	 */
	bool shared;
};

struct gfn_map {
	struct gfn_entry **chunks;
	size_t nr_chunks;
	size_t count;         /* entries in use */
};

#define GFN_MAP_CHUNK_SHIFT 9
#define GFN_MAP_CHUNK_SIZE  (1u << GFN_MAP_CHUNK_SHIFT)

int gfn_map_init(struct gfn_map *m, uint64_t nr_gfns);
void gfn_map_fini(struct gfn_map *m);
/* gfn_map_set when gfn's chunk is not there yet (or gfn is out of range). */
int gfn_map_set_new_chunk(struct gfn_map *m, uint64_t gfn, uint16_t domid, uint64_t frame,
			  bool readonly);
void gfn_map_clear_all(struct gfn_map *m);

/*
 * The lookups are inline: a 1024-grant batch makes several per grant on
 * each side of the hypercall socket.
 */

/* The entry for gfn, or NULL when gfn shows its own page (or is out of range). */
static inline struct gfn_entry *gfn_map_get(const struct gfn_map *m, uint64_t gfn)
{
	uint64_t c = gfn >> GFN_MAP_CHUNK_SHIFT;
	struct gfn_entry *e;

	if (c >= m->nr_chunks || !m->chunks[c])
		return NULL;
	e = &m->chunks[c][gfn & (GFN_MAP_CHUNK_SIZE - 1)];
	return e->used ? e : NULL;
}

/* Sets gfn's entry: 0, -EINVAL out of range, -ENOMEM. */
static inline int gfn_map_set(struct gfn_map *m, uint64_t gfn, uint16_t domid, uint64_t frame,
			      bool readonly)
{
	uint64_t c = gfn >> GFN_MAP_CHUNK_SHIFT;
	struct gfn_entry *e;

	if (c >= m->nr_chunks || !m->chunks[c])
		return gfn_map_set_new_chunk(m, gfn, domid, frame, readonly);
	e = &m->chunks[c][gfn & (GFN_MAP_CHUNK_SIZE - 1)];
	if (!e->used)
		m->count++;
	*e = (struct gfn_entry){ frame, domid, true, readonly, false };
	return 0;
}

static inline void gfn_map_clear(struct gfn_map *m, uint64_t gfn)
{
	struct gfn_entry *e = gfn_map_get(m, gfn);

	if (e) {
		e->used = false;
		m->count--;
	}
}

#endif
