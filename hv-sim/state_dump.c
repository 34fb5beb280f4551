// SPDX-License-Identifier: GPL-2.0-only
#include "evtchn.h"
#include "grant_table.h"
#include "state_dump.h"

struct json_object *state_dump_p2m(const struct domain *d)
{
	struct json_object *arr = json_object_new_array();
	const struct gfn_map *m = &d->p2m;

	for (size_t c = 0; m->count && c < m->nr_chunks; c++) {
		if (!m->chunks[c])
			continue;
		for (size_t i = 0; i < GFN_MAP_CHUNK_SIZE; i++) {
			const struct gfn_entry *e = &m->chunks[c][i];
			uint64_t gfn = ((uint64_t)c << GFN_MAP_CHUNK_SHIFT) | i;
			struct json_object *o;
			const char *kind = "grant";

			if (!e->used)
				continue;
			if (e->shared)
				kind = "shared";
			else if (domain_p2m_is_foreign_map(d, gfn))
				kind = "foreign";
			o = json_object_new_object();
			json_object_object_add(o, "gfn", json_object_new_uint64(gfn));
			json_object_object_add(o, "dom", json_object_new_int(e->domid));
			json_object_object_add(o, "frame", json_object_new_uint64(e->frame));
			json_object_object_add(o, "readonly", json_object_new_boolean(e->readonly));
			json_object_object_add(o, "kind", json_object_new_string(kind));
			if (e->shared && e->frame >= HVSIM_GRANT_FRAME0_PAGE)
				json_object_object_add(o, "grant_frame", json_object_new_uint64(
					e->frame - HVSIM_GRANT_FRAME0_PAGE));
			json_object_array_add(arr, o);
		}
	}
	return arr;
}

struct json_object *state_dump_domains(void)
{
	struct json_object *arr = json_object_new_array();

	for (struct domain *d = domain_first(); d; d = domain_next(d)) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "domid", json_object_new_int(d->domid));
		json_object_object_add(o, "name", json_object_new_string(d->name));
		json_object_object_add(o, "state", json_object_new_string(domain_state_name(d->state)));
		if (d->state != DOMAIN_DEAD) {
			json_object_object_add(o, "grant_table", grant_table_dump(d));
			json_object_object_add(o, "evtchn", evtchn_dump(d));
			json_object_object_add(o, "p2m", state_dump_p2m(d));
		}
		json_object_array_add(arr, o);
	}
	return arr;
}
