// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gfn_map.h"

#define CHUNK_SHIFT 9
#define CHUNK_SIZE  (1u << CHUNK_SHIFT)

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

struct gfn_entry *gfn_map_get(const struct gfn_map *m, uint64_t gfn)
{
	uint64_t c = gfn >> CHUNK_SHIFT;
	struct gfn_entry *e;

	if (c >= m->nr_chunks || !m->chunks[c])
		return NULL;
	e = &m->chunks[c][gfn & (CHUNK_SIZE - 1)];
	return e->used ? e : NULL;
}

int gfn_map_set(struct gfn_map *m, uint64_t gfn, uint16_t domid, uint64_t frame,
		bool readonly)
{
	uint64_t c = gfn >> CHUNK_SHIFT;
	struct gfn_entry *e;

	if (c >= m->nr_chunks)
		return -EINVAL;
	if (!m->chunks[c]) {
		m->chunks[c] = calloc(CHUNK_SIZE, sizeof(struct gfn_entry));
		if (!m->chunks[c])
			return -ENOMEM;
	}
	e = &m->chunks[c][gfn & (CHUNK_SIZE - 1)];
	if (!e->used)
		m->count++;
	*e = (struct gfn_entry){ frame, domid, true, readonly };
	return 0;
}

void gfn_map_clear(struct gfn_map *m, uint64_t gfn)
{
	struct gfn_entry *e = gfn_map_get(m, gfn);

	if (e) {
		e->used = false;
		m->count--;
	}
}

void gfn_map_clear_all(struct gfn_map *m)
{
	for (size_t i = 0; i < m->nr_chunks; i++) {
		free(m->chunks[i]);
		m->chunks[i] = NULL;
	}
	m->count = 0;
}
