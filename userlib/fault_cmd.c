// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim fault DOMAIN ...: fault injection from the command line.  The
 * words are fault_spec.h's; they are checked before anything connects
 * (a usage error exits 2), then hvsimd gets the request (a refusal exits
 * 1 with hvsimd's reason).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "hvsim/state_dir_check.h"
#include "fault_cmd.h"
#include "fault_spec.h"
#include "libhvsim.h"

static void usage(FILE *f)
{
	const char *p = hvsim_fault_spec_usage;

	/* the usage lines (those that start with DOMAIN) as commands */
	for (const char *nl; p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		fprintf(f, "%s%.*s\n", !strncmp(p, "DOMAIN", 6) ?
			(p == hvsim_fault_spec_usage ? "usage: hvsim fault [--json] " :
			 "       hvsim fault [--json] ") : "",
			nl ? (int)(nl - p) : (int)strlen(p), p);
	}
	fputs("Makes a domain's hypercalls of a kind fail on purpose, or its kernel's\n"
	      "allocations, or delays its upcalls; the trace marks each fault injected\n"
	      "(\"injected\":true).  See docs/scenarios.md.\n", f);
}

static void print_rules(struct json_object *reply)
{
	struct json_object *faults, *dom;
	const char *name = json_object_object_get_ex(reply, "domain", &dom) ?
			   json_object_get_string(dom) : "?";
	size_t n = json_object_object_get_ex(reply, "faults", &faults) ?
		   json_object_array_length(faults) : 0;
	char line[256];

	if (!n)
		printf("%s: no fault rules\n", name);
	for (size_t i = 0; i < n; i++) {
		hvsim_fault_describe(json_object_array_get_idx(faults, i), line, sizeof(line));
		printf("%s: %s\n", name, line);
	}
}

int hvsim_fault_command(int argc, char **argv)
{
	char *words[64], err[1400], why[PATH_MAX + 256];
	struct json_object *req = NULL, *reply = NULL;
	struct hvsim_ctl *c;
	bool json = false;
	int n = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--json")) {
			json = true;
			continue;
		}
		if (n == (int)(sizeof(words) / sizeof(words[0]))) {
			fputs("hvsim fault: too many words\n", stderr);
			return 2;
		}
		words[n++] = argv[i];
	}
	if (n < 1) {
		usage(stderr);
		return 2;
	}
	if (hvsim_fault_spec(n - 1, words + 1, 0, &req, err, sizeof(err))) {
		fprintf(stderr, "hvsim fault: %s\n", err);
		fputs("('hvsim fault --help' says how)\n", stderr);
		return 2;
	}
	json_object_object_add(req, "domain", json_object_new_string(words[0]));

	rc = hvsim_state_dir_check(hvsim_dir(), why, sizeof(why));
	if (rc && rc != -ENOENT) {
		fprintf(stderr, "hvsim: %s\n", why);
		json_object_put(req);
		return 1;
	}
	rc = hvsim_ctl_open(NULL, &c);
	if (rc) {
		fprintf(stderr, "hvsim: no hvsimd runs in %s (%s); start it with 'hvsim up'\n",
			hvsim_dir(), strerror(-rc));
		json_object_put(req);
		return 1;
	}
	rc = hvsim_ctl_call(c, req, &reply);
	if (rc) {
		fprintf(stderr, "hvsim: %s\n", *hvsim_ctl_error(c) ? hvsim_ctl_error(c) :
			strerror(-rc));
		hvsim_ctl_close(c);
		return 1;
	}
	if (json)
		puts(json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (json_object_object_get_ex(reply, "faults", NULL))
		print_rules(reply);
	else {
		struct json_object *v;
		int cleared = json_object_object_get_ex(reply, "cleared", &v) ?
			      json_object_get_int(v) : 0;

		printf("%s: %d fault rule%s cleared\n", words[0], cleared, cleared == 1 ? "" : "s");
	}
	json_object_put(reply);
	hvsim_ctl_close(c);
	return 0;
}
