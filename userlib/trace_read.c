// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "trace_read.h"

/* Reading lines ------------------------------------------------------------ */

int trace_reader_open(struct trace_reader *r, const char *path, long offset)
{
	*r = (struct trace_reader){ .offset = offset };
	if (!(r->f = fopen(path, "r")))
		return -errno;
	if (offset && fseek(r->f, offset, SEEK_SET) < 0) {
		int err = -errno;

		fclose(r->f);
		r->f = NULL;
		return err;
	}
	return 0;
}

const char *trace_reader_line(struct trace_reader *r)
{
	ssize_t n = getline(&r->line, &r->cap, r->f);

	if (n <= 0) {
		clearerr(r->f);		/* the next call sees what is appended */
		return NULL;
	}
	if (r->line[n - 1] != '\n') {
		/* half a record: the rest comes with a later read */
		fseek(r->f, r->offset, SEEK_SET);
		return NULL;
	}
	r->offset += n;
	return r->line;
}

void trace_reader_close(struct trace_reader *r)
{
	if (r->f)
		fclose(r->f);
	free(r->line);
	*r = (struct trace_reader){ 0 };
}

struct json_object *trace_record_parse(const char *line)
{
	struct json_object *rec = json_tokener_parse(line);

	if (rec && !json_object_object_get_ex(rec, "kind", NULL)) {
		json_object_put(rec);	/* JSON, but not a record */
		return NULL;
	}
	return rec;
}

struct json_object *trace_read_records(const char *path, long *offset)
{
	struct trace_reader r;
	struct json_object *records;
	const char *line;
	int err = trace_reader_open(&r, path, *offset);

	if (err) {
		errno = -err;
		return NULL;
	}
	records = json_object_new_array();
	while ((line = trace_reader_line(&r))) {
		struct json_object *rec = trace_record_parse(line);

		if (rec)
			json_object_array_add(records, rec);
	}
	*offset = r.offset;
	trace_reader_close(&r);
	return records;
}

/* Fields ------------------------------------------------------------------------ */

int64_t trace_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

const char *trace_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

struct json_object *trace_get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* Names ---------------------------------------------------------------------------- */

/* Indexed by -status: Xen's GNTST_* codes run from 0 down, without gaps. */
static const char *const gntst_names[] = {
	[-GNTST_okay] = "okay",
	[-GNTST_general_error] = "general_error",
	[-GNTST_bad_domain] = "bad_domain",
	[-GNTST_bad_gntref] = "bad_gntref",
	[-GNTST_bad_handle] = "bad_handle",
	[-GNTST_bad_virt_addr] = "bad_virt_addr",
	[-GNTST_bad_dev_addr] = "bad_dev_addr",
	[-GNTST_no_device_space] = "no_device_space",
	[-GNTST_permission_denied] = "permission_denied",
	[-GNTST_bad_page] = "bad_page",
	[-GNTST_bad_copy_arg] = "bad_copy_arg",
	[-GNTST_address_too_big] = "address_too_big",
	[-GNTST_eagain] = "eagain",
	[-GNTST_no_space] = "no_space",
};
#define NR_GNTST (sizeof(gntst_names) / sizeof(gntst_names[0]))

const char *trace_gntst_name(int64_t status)
{
	return status <= 0 && -status < (int64_t)NR_GNTST ? gntst_names[-status] : NULL;
}

int trace_gntst_value(const char *name, int *status)
{
	for (size_t i = 0; i < NR_GNTST; i++)
		if (!strcmp(gntst_names[i], name)) {
			*status = -(int)i;
			return 0;
		}
	return -1;
}

const char *trace_gntmap_flags(uint32_t flags, char *buf, size_t n)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ GNTMAP_device_map, "device_map" },
		{ GNTMAP_host_map, "host_map" },
		{ GNTMAP_readonly, "readonly" },
		{ GNTMAP_application_map, "application_map" },
		{ GNTMAP_contains_pte, "contains_pte" },
	};
	size_t len = 0;

	if (!n)
		return buf;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && len < n; i++)
		if (flags & names[i].bit) {
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? "|" : "",
						names[i].name);
			flags &= ~names[i].bit;
		}
	if ((flags || !len) && len < n)
		snprintf(buf + len, n - len, "%s%#x", len ? "|" : "", flags);
	return buf;
}

/* Effects ---------------------------------------------------------------------------- */

/* What a hypercall can cause: ports changing, a zombie's last page released. */
static bool effect_kind(struct json_object *rec)
{
	const char *what = trace_str(rec, "what");

	return !strcmp(trace_str(rec, "kind"), "event") &&
	       (!strncmp(what, "evtchn_", 7) || !strcmp(what, "domain_dead"));
}

static bool same_turn(struct json_object *ev, struct json_object *call)
{
	struct json_object *t1, *t2;

	return json_object_object_get_ex(ev, "t", &t1) &&
	       json_object_object_get_ex(call, "t", &t2) &&
	       json_object_get_double(t2) - json_object_get_double(t1) < 0.002;
}

/* hvsimd marks the events a hypercall made while it ran (hv-sim/trace.h) */
static bool made_by_a_call(struct json_object *ev)
{
	struct json_object *v;

	return json_object_object_get_ex(ev, "call", &v) && json_object_get_boolean(v);
}

void trace_effects(struct json_object *recs, long *effect_of)
{
	size_t n = json_object_array_length(recs);

	for (size_t i = 0; i < n; i++)
		effect_of[i] = -1;
	for (size_t j = 0; j < n; j++) {
		struct json_object *call = json_object_array_get_idx(recs, j);

		if (strcmp(trace_str(call, "kind"), "hypercall"))
			continue;
		for (size_t k = j; k-- > 0;) {
			struct json_object *ev = json_object_array_get_idx(recs, k);

			if (!effect_kind(ev) || !(made_by_a_call(ev) || same_turn(ev, call)))
				break;
			effect_of[k] = (long)j;
		}
	}
}
