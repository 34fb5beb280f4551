// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define __XEN_TOOLS__ 1
#include "hvsim/xen.h"
#include "trace_view.h"

static const char *const gntst_names[] = {
	"okay", "general_error", "bad_domain", "bad_gntref", "bad_handle",
	"bad_virt_addr", "bad_dev_addr", "no_device_space", "permission_denied",
	"bad_page", "bad_copy_arg", "address_too_big", "eagain", "no_space",
};

static const char *gntst_name(int st)
{
	if (st <= 0 && -st < (int)(sizeof(gntst_names) / sizeof(gntst_names[0])))
		return gntst_names[-st];
	return NULL;
}

static void print_gntmap_flags(unsigned int f, FILE *out)
{
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ GNTMAP_device_map, "device_map" }, { GNTMAP_host_map, "host_map" },
		{ GNTMAP_readonly, "readonly" }, { GNTMAP_application_map, "application_map" },
		{ GNTMAP_contains_pte, "contains_pte" },
	};
	const char *sep = "";

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit) {
			fprintf(out, "%s%s", sep, names[i].name);
			sep = "|";
			f &= ~names[i].bit;
		}
	if (f || !*sep)
		fprintf(out, "%s%#x", sep, f);
}

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
		const char *n = gntst_name(json_object_get_int(v));

		if (n) {
			fputs(n, out);
			return;
		}
	}
	if (!strcmp(key, "flags") && cmd && !strcmp(cmd, "map_grant_ref")) {
		print_gntmap_flags((unsigned int)json_object_get_int(v), out);
		return;
	}
	if (!strcmp(key, "host_addr") || !strcmp(key, "dev_bus_addr")) {
		fprintf(out, "%#llx", (unsigned long long)json_object_get_uint64(v));
		return;
	}
	fputs(json_object_get_string(v), out);
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
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f) {
		fprintf(stderr, "hvsim: no trace at %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		while ((n = getline(&line, &cap, f)) > 0) {
			struct json_object *rec;

			if (line[n - 1] != '\n') {
				/* half a record: the rest comes with the next read */
				fseek(f, -n, SEEK_CUR);
				break;
			}
			if (raw) {
				fputs(line, out);
				continue;
			}
			rec = json_tokener_parse(line);
			if (!rec || trace_view_record(rec, out) < 0)
				fprintf(out, "(unreadable record) %s", line);
			json_object_put(rec);
		}
		fflush(out);
		if (!follow)
			break;
		clearerr(f);
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	free(line);
	fclose(f);
	return 0;
}
