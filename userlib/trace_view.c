// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include <time.h>

#include "trace_read.h"
#include "trace_view.h"

static void print_value(const char *cmd, const char *key, struct json_object *v, FILE *out)
{
	if (json_object_is_type(v, json_type_object)) {
		const char *sep = "";

		fputc('{', out);
		json_object_object_foreach(v, k, sub) {
			fprintf(out, "%s%s=", sep, k);
			print_value(cmd, k, sub, out);
			sep = " ";
		}
		fputc('}', out);
		return;
	}
	if (!strcmp(key, "status") && cmd && strcmp(cmd, "status") != 0) {
		const char *n = trace_gntst_name(json_object_get_int(v));

		if (n) {
			fputs(n, out);
			return;
		}
	}
	if (!strcmp(key, "flags") && cmd && !strcmp(cmd, "map_grant_ref")) {
		char flags[TRACE_GNTMAP_FLAGS_LEN];

		fputs(trace_gntmap_flags((uint32_t)json_object_get_int(v), flags, sizeof(flags)), out);
		return;
	}
	if (!strcmp(key, "host_addr") || !strcmp(key, "dev_bus_addr")) {
		fprintf(out, "%#llx", (unsigned long long)json_object_get_uint64(v));
		return;
	}
	fputs(json_object_get_string(v), out);
}

/* A snapshot of the state (kind "state"): what it holds, counted, not the
 * whole of it (hvsim grants and hvsim evtchn show a domain's). */
static void view_state(struct json_object *rec, FILE *out)
{
	struct json_object *doms = trace_get(rec, "domains");
	size_t n = doms ? json_object_array_length(doms) : 0, entries = 0, handles = 0, p2m = 0;
	size_t ports = 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(doms, i), *a;
		struct json_object *gt = trace_get(d, "grant_table");

		entries += (a = trace_get(gt, "entries")) ? json_object_array_length(a) : 0;
		handles += (a = trace_get(gt, "maptrack")) ? json_object_array_length(a) : 0;
		p2m += (a = trace_get(d, "p2m")) ? json_object_array_length(a) : 0;
		ports += (a = trace_get(trace_get(d, "evtchn"), "ports")) ? json_object_array_length(a) : 0;
	}
	fprintf(out, "state snapshot (%s): %zu domains; %zu grant entries in use, %zu maptrack "
		"handles, %zu p2m overrides, %zu ports; %d xenstore nodes\n", trace_str(rec, "why"),
		n, entries, handles, p2m, ports,
		trace_get(rec, "xenstore") ? json_object_object_length(trace_get(rec, "xenstore")) : 0);
}

int trace_view_record(struct json_object *rec, FILE *out)
{
	struct json_object *v, *ops;
	const char *kind, *cmd;

	if (!json_object_object_get_ex(rec, "kind", &v))
		return -1;
	kind = json_object_get_string(v);
	json_object_object_get_ex(rec, "seq", &v);
	fprintf(out, "#%-6s", json_object_get_string(v));
	if (json_object_object_get_ex(rec, "t", &v))
		fprintf(out, " %9.6f", json_object_get_double(v));
	if (!strcmp(kind, "state")) {
		fprintf(out, "  %-7s", "");
		view_state(rec, out);
		return 0;
	}
	json_object_object_get_ex(rec, "dom", &v);
	fprintf(out, "  dom%-3s ", json_object_get_string(v));

	if (!strcmp(kind, "hypercall")) {
		json_object_object_get_ex(rec, "cmd", &v);
		cmd = json_object_get_string(v);
		json_object_object_get_ex(rec, "op", &v);
		fprintf(out, "%s.%s", json_object_get_string(v), cmd);
		json_object_object_get_ex(rec, "rc", &v);
		int rc = json_object_get_int(v);

		if (rc < 0)
			fprintf(out, " -> %d (%s)", rc, strerror(-rc));
		else
			fprintf(out, " -> %d", rc);
		/* fault injection was at work (hvsim fault): the call, or elements of it */
		if (json_object_object_get_ex(rec, "injected", NULL))
			fputs(" [injected]", out);
		fputc('\n', out);
		if (json_object_object_get_ex(rec, "ops", &ops))
			for (size_t i = 0; i < json_object_array_length(ops); i++) {
				const char *sep = "";

				fprintf(out, "%25s", "");
				json_object_object_foreach(json_object_array_get_idx(ops, i), k, val) {
					fprintf(out, "%s%s=", sep, k);
					print_value(cmd, k, val, out);
					sep = " ";
				}
				fputc('\n', out);
			}
		return 0;
	}
	json_object_object_get_ex(rec, "what", &v);
	fprintf(out, "%s", json_object_get_string(v));
	json_object_object_foreach(rec, k, val) {
		if (!strcmp(k, "seq") || !strcmp(k, "t") || !strcmp(k, "dom") ||
		    !strcmp(k, "kind") || !strcmp(k, "what"))
			continue;
		fprintf(out, " %s=", k);
		print_value(NULL, k, val, out);
	}
	fputc('\n', out);
	return 0;
}

int trace_view(const char *path, bool follow, bool raw, FILE *out)
{
	struct trace_reader r;
	const char *line;
	int err = trace_reader_open(&r, path, 0);

	if (err) {
		fprintf(stderr, "hvsim: no trace at %s: %s\n", path, strerror(-err));
		return -1;
	}
	for (;;) {
		while ((line = trace_reader_line(&r))) {
			struct json_object *rec;

			if (raw) {
				fputs(line, out);
				continue;
			}
			rec = trace_record_parse(line);
			if (!rec || trace_view_record(rec, out) < 0)
				fprintf(out, "(unreadable record) %s", line);
			json_object_put(rec);
		}
		fflush(out);
		if (!follow)
			break;
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	trace_reader_close(&r);
	return 0;
}
