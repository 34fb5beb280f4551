// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gfn_map.h"

#define CHUNK_SHIFT GFN_MAP_CHUNK_SHIFT
#define CHUNK_SIZE  GFN_MAP_CHUNK_SIZE

int gfn_map_init(struct gfn_map *m, uint64_t nr_gfns)
{
	m->nr_chunks = (size_t)((nr_gfns + CHUNK_SIZE - 1) >> CHUNK_SHIFT);
	m->count = 0;
	m->chunks = calloc(m->nr_chunks ? m->nr_chunks : 1, sizeof(*m->chunks));
	return m->chunks ? 0 : -ENOMEM;
}

void gfn_map_fini(struct gfn_map *m)
{
	for (size_t i = 0; m->chunks && i < m->nr_chunks; i++)
		free(m->chunks[i]);
	free(m->chunks);
	m->chunks = NULL;
	m->nr_chunks = m->count = 0;
}

int gfn_map_set_new_chunk(struct gfn_map *m, uint64_t gfn, uint16_t domid, uint64_t frame,
			  bool readonly)
{
	uint64_t c = gfn >> CHUNK_SHIFT;

	if (c >= m->nr_chunks)
		return -EINVAL;
	if (!m->chunks[c]) {
		m->chunks[c] = calloc(CHUNK_SIZE, sizeof(struct gfn_entry));
		if (!m->chunks[c])
			return -ENOMEM;
	}
	return gfn_map_set(m, gfn, domid, frame, readonly);
}

void gfn_map_clear_all(struct gfn_map *m)
{
	for (size_t i = 0; i < m->nr_chunks; i++) {
		free(m->chunks[i]);
		m->chunks[i] = NULL;
	}
	m->count = 0;
}
