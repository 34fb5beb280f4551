// SPDX-License-Identifier: GPL-2.0-only
/*
 * The words of fault injection (fault_spec.h) into a control request,
 * checked as hvsimd checks it (hvsim/fault_kinds.h is the one list of
 * kinds), so that a wrong word stops before anything connects.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsim/fault_kinds.h"
#include "fault_spec.h"
#include "trace_read.h"

const char hvsim_fault_spec_usage[] =
	"DOMAIN [clear [KIND]]\n"
	"DOMAIN KIND [HOW] [--nth N] [--times N | --always]\n"
	"  alone: the domain's rules; clear: take them back (or one KIND's)\n"
	"  KIND  map-grant, unmap-grant, copy, setup-table, query-size (HOW: a grant\n"
	"        status such as eagain, no-device-space, general-error; or an errno);\n"
	"        alloc-unbound, bind-interdomain, bind-virq, send, close, unmask, ...\n"
	"        (HOW: an errno such as -ENOSPC, -ENOMEM); memory-op, domctl, sysctl,\n"
	"        xen-version, dm-op (an errno); kmalloc, alloc-page (no HOW: the\n"
	"        allocation returns NULL); upcall-delay (HOW: a time such as 50ms)\n"
	"  --nth N    the Nth such operation from now is the first to fail (1)\n"
	"  --times N  N of them fail (1; upcall-delay: --always), then it is spent\n"
	"  --always   every one from the Nth on fails, until cleared";

__attribute__((format(printf, 3, 4)))
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* "GNTTABOP_Map-Grant" -> "map_grant": lower case, '_' for '-', no prefix. */
static void normalize(const char *w, char *out, size_t size)
{
	static const char *const prefixes[] = { "gnttabop_", "evtchnop_", "gntst_" };
	size_t i;

	for (i = 0; w[i] && i + 1 < size; i++)
		out[i] = w[i] == '-' ? '_' : (char)tolower((unsigned char)w[i]);
	out[i] = 0;
	for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
		size_t len = strlen(prefixes[p]);

		if (!strncmp(out, prefixes[p], len)) {
			memmove(out, out + len, strlen(out + len) + 1);
			break;
		}
	}
}

static const struct hvsim_fault_kind *find_kind(const char *word)
{
	static const struct { const char *alias, *name; } aliases[] = {
		{ "map_grant", "map_grant_ref" }, { "unmap_grant", "unmap_grant_ref" },
		{ "grant_copy", "copy" }, { "alloc_pages", "alloc_page" },
	};
	char n[64];

	normalize(word, n, sizeof(n));
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(n, aliases[i].alias))
			return hvsim_fault_kind(aliases[i].name);
	return hvsim_fault_kind(n);
}

/* A kind's name as people write it: map-grant-ref. */
static void dashed(const char *name, char *out, size_t size)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < size; i++)
		out[i] = name[i] == '_' ? '-' : name[i];
	out[i] = 0;
}

static int unknown_kind(const char *word, char *err, size_t errlen)
{
	char list[1024], name[64];
	size_t len = 0;

	list[0] = 0;
	for (size_t i = 0; i < HVSIM_NR_FAULT_KINDS && len < sizeof(list); i++) {
		int n;

		dashed(hvsim_fault_kinds[i].name, name, sizeof(name));
		n = snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", name);
		len += n > 0 ? (size_t)n : 0;
	}
	return bad(err, errlen, "unknown fault kind '%s' (one of %s)", word, list);
}

/* An option's name without its dashes, or NULL if `w` is none. */
static const char *option(const char *w)
{
	while (*w == '-')
		w++;
	return !strcmp(w, "nth") || !strcmp(w, "times") || !strcmp(w, "always") ? w : NULL;
}

static int count(const char *opt, const char *w, unsigned int flags, long *v,
		 char *err, size_t errlen)
{
	char *end;

	if (!w)
		return bad(err, errlen, "--%s needs a number", opt);
	if ((flags & HVSIM_FAULT_SPEC_VARS) && w[0] == '$') {
		*v = 1;
		return 0;
	}
	errno = 0;
	*v = strtol(w, &end, 10);
	if (errno || end == w || *end || *v < 1 || *v > HVSIM_FAULT_MAX_COUNT)
		return bad(err, errlen, "--%s takes a number from 1 to %d, not '%s'", opt,
			   HVSIM_FAULT_MAX_COUNT, w);
	return 0;
}

/* "50ms", "2s", "1.5s": milliseconds, or -1. */
static long delay_ms(const char *w)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(w, &end);
	if (errno || end == w || v <= 0)
		return -1;
	if (!strcmp(end, "ms"))
		;
	else if (!strcmp(end, "s"))
		v *= 1000;
	else
		return -1;
	if (v < 1 || v > HVSIM_FAULT_MAX_DELAY_MS || v != (double)(long)v)
		return -1;
	return (long)v;
}

static int errno_value(const char *w)
{
	if (*w == '-')
		w++;
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, w))
			return e;
	}
	return -1;
}

/* The HOW word of `k`; *used is whether it took one. */
static int parse_how(const struct hvsim_fault_kind *k, const char *w, unsigned int flags,
		     struct json_object *req, bool *used, char *err, size_t errlen)
{
	char name[64];

	*used = false;
	dashed(k->name, name, sizeof(name));
	if (!w || option(w)) {
		if (k->kernel == HVSIM_KFAULT_UPCALL_DELAY)
			return bad(err, errlen, "upcall-delay needs a time (50ms, 1s: at most "
				   "%d s)", HVSIM_FAULT_MAX_DELAY_MS / 1000);
		if (!k->kernel)
			return bad(err, errlen, "%s needs %s", name, k->has_status ?
				   "a grant status (eagain, no-device-space, general-error, "
				   "...) or an errno (-ENOMEM, ...)" :
				   "an errno (-ENOSPC, -ENOMEM, ...)");
		return 0;
	}
	*used = true;
	if (k->kernel == HVSIM_KFAULT_UPCALL_DELAY) {
		long ms = (flags & HVSIM_FAULT_SPEC_VARS) && w[0] == '$' ? 1 : delay_ms(w);

		if (ms < 0)
			return bad(err, errlen, "upcall-delay takes a time from 1ms to %ds "
				   "(50ms, 1.5s), not '%s'", HVSIM_FAULT_MAX_DELAY_MS / 1000, w);
		if (req)
			json_object_object_add(req, "delay_ms", json_object_new_int((int)ms));
		return 0;
	}
	if (k->kernel)
		return bad(err, errlen, "%s takes no status or errno (the allocation returns "
			   "NULL, as when memory runs out), not '%s'", name, w);
	if (w[0] == 'E' || (w[0] == '-' && w[1] == 'E')) {
		int e = errno_value(w);

		if (e < 0)
			return bad(err, errlen, "unknown errno '%s' (write -ENOMEM, -ENOSPC, ...)",
				   w);
		if (req)
			json_object_object_add(req, "errno",
					       json_object_new_string(strerrorname_np(e)));
		return 0;
	} else {
		char st_name[64];
		int st;

		normalize(w, st_name, sizeof(st_name));
		if (trace_gntst_value(st_name, &st) < 0)
			return bad(err, errlen, "'%s' is neither a grant status (eagain, "
				   "no-device-space, general-error, bad-page, ...) nor an errno "
				   "(-ENOMEM)", w);
		if (!k->has_status)
			return bad(err, errlen, "%s has no grant status: give an errno "
				   "(-ENOSPC, -ENOMEM, ...)", name);
		if (st == 0)
			return bad(err, errlen, "status okay is no fault");
		if (req)
			json_object_object_add(req, "status", json_object_new_string(st_name));
	}
	return 0;
}

static int parse_rule(int n, char *const *w, unsigned int flags, struct json_object *req,
		      char *err, size_t errlen)
{
	const struct hvsim_fault_kind *k = find_kind(w[0]);
	bool used, seen_nth = false, seen_times = false, always = false;
	int i = 1, rc;
	long v = 0;

	if (!k)
		return unknown_kind(w[0], err, errlen);
	if (req)
		json_object_object_add(req, "kind", json_object_new_string(k->name));
	rc = parse_how(k, n > 1 ? w[1] : NULL, flags, req, &used, err, errlen);
	if (rc)
		return rc;
	i += used;
	for (; i < n; i++) {
		const char *opt = option(w[i]);

		if (!opt)
			return bad(err, errlen, "unexpected '%s' (options: --nth N, --times N, "
				   "--always)", w[i]);
		if (!strcmp(opt, "always")) {
			if (always || seen_times)
				return bad(err, errlen, "give --times or --always, once");
			always = true;
			if (req)
				json_object_object_add(req, "always", json_object_new_boolean(1));
			continue;
		}
		if (count(opt, i + 1 < n ? w[i + 1] : NULL, flags, &v, err, errlen))
			return -EINVAL;
		i++;
		if (!strcmp(opt, "nth")) {
			if (seen_nth)
				return bad(err, errlen, "--nth given twice");
			seen_nth = true;
		} else {
			if (seen_times || always)
				return bad(err, errlen, "give --times or --always, once");
			seen_times = true;
		}
		if (req)
			json_object_object_add(req, opt, json_object_new_int((int)v));
	}
	return 0;
}

int hvsim_fault_spec(int nwords, char *const *words, unsigned int flags,
		     struct json_object **req, char *err, size_t errlen)
{
	struct json_object *r = req ? json_object_new_object() : NULL;
	const char *cmd = "fault_set";
	int rc = 0;

	if (nwords == 0) {
		cmd = "fault_list";
	} else if (!strcmp(words[0], "clear")) {
		cmd = "fault_clear";
		if (nwords > 2) {
			rc = bad(err, errlen, "clear takes at most one kind, not '%s'", words[2]);
		} else if (nwords == 2) {
			const struct hvsim_fault_kind *k = find_kind(words[1]);

			if (!k)
				rc = unknown_kind(words[1], err, errlen);
			else if (r)
				json_object_object_add(r, "kind", json_object_new_string(k->name));
		}
	} else {
		rc = parse_rule(nwords, words, flags, r, err, errlen);
	}
	if (rc) {
		json_object_put(r);
		return rc;
	}
	if (r) {
		json_object_object_add(r, "cmd", json_object_new_string(cmd));
		*req = r;
	}
	return 0;
}

static const char *member(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static const char *ordinal(long n)
{
	return n % 100 >= 11 && n % 100 <= 13 ? "th" : n % 10 == 1 ? "st" :
	       n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

void hvsim_fault_describe(struct json_object *rule, char *buf, size_t size)
{
	const char *kind = member(rule, "kind"), *status = member(rule, "status");
	const char *err = member(rule, "errno"), *delay = member(rule, "delay_ms");
	const char *nth = member(rule, "nth"), *times = member(rule, "times");
	const char *injected = member(rule, "injected"), *done = member(rule, "done");
	char name[64], how[80] = "", when[80];
	long n = nth ? atol(nth) : 1;

	dashed(kind ? kind : "?", name, sizeof(name));
	if (status) {
		snprintf(how, sizeof(how), " %s", status);
		for (char *c = how; *c; c++)
			if (*c == '_')
				*c = '-';
	} else if (err) {
		snprintf(how, sizeof(how), " -%s", err);
	} else if (delay) {
		snprintf(how, sizeof(how), " %sms", delay);
	}
	if (times)
		snprintf(when, sizeof(when), "%s %s from the %ld%s on", times,
			 atol(times) == 1 ? "time" : "times", n, ordinal(n));
	else
		snprintf(when, sizeof(when), "every time from the %ld%s on", n, ordinal(n));
	snprintf(buf, size, "%s%s: %s; injected %s%s", name, how, when, injected ? injected : "0",
		 done && !strcmp(done, "true") ? " (spent)" : "");
}
