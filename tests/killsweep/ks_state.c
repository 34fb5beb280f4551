// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kill -9 sweep's view of hvsimd (ks_state.h): its control socket's
 * answers, what is left over compared with a clean system, its
 * descriptors, mappings and memory, and its kernels' processes.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ks_state.h"

static const struct ks_world *world;

void ks_state_init(const struct ks_world *w)
{
	world = w;
}

struct json_object *ks_call(const char *cmd, const char *domain)
{
	struct json_object *req_o = json_object_new_object(), *reply = NULL;

	json_object_object_add(req_o, "cmd", json_object_new_string(cmd));
	if (domain)
		json_object_object_add(req_o, "domain", json_object_new_string(domain));
	if (hvsim_ctl_call(harness_ctl(), req_o, &reply))
		return NULL;
	return reply;
}

struct json_object *ks_get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

const char *ks_domain_state(uint16_t domid)
{
	static char state[32];
	char id[16];
	struct json_object *r;

	snprintf(id, sizeof(id), "%u", domid);
	r = ks_call("domid", id);
	snprintf(state, sizeof(state), "%s",
		 r ? json_object_get_string(ks_get(ks_get(r, "domain"), "state")) : "gone");
	json_object_put(r);
	return state;
}

/* The state of port `port` of domid ("free" if it is not listed). */
void ks_port_state(uint16_t domid, int port, char *buf, size_t n)
{
	char id[16];
	struct json_object *r, *ports;

	snprintf(id, sizeof(id), "%u", domid);
	r = ks_call("evtchn", id);
	ports = ks_get(ks_get(r, "evtchn"), "ports");
	snprintf(buf, n, "free");
	for (size_t i = 0; ports && i < json_object_array_length(ports); i++) {
		struct json_object *p = json_object_array_get_idx(ports, i);

		if (json_object_get_int(ks_get(p, "port")) == port)
			snprintf(buf, n, "%s", json_object_get_string(ks_get(p, "state")));
	}
	json_object_put(r);
}

/* Whether grant `ref` of domid is pinned by a mapping (reading or writing). */
bool ks_grant_pinned(uint16_t domid, int ref)
{
	char id[16];
	struct json_object *r, *entries;
	bool pinned = false;

	snprintf(id, sizeof(id), "%u", domid);
	r = ks_call("grants", id);
	entries = ks_get(ks_get(r, "grant_table"), "entries");
	for (size_t i = 0; entries && i < json_object_array_length(entries); i++) {
		struct json_object *e = json_object_array_get_idx(entries, i);
		struct json_object *pin = ks_get(e, "pin");

		if (json_object_get_int(ks_get(e, "ref")) == ref &&
		    (json_object_get_int(ks_get(pin, "host_ro")) || json_object_get_int(ks_get(pin, "host_rw")) ||
		     json_object_get_int(ks_get(pin, "dev_ro")) || json_object_get_int(ks_get(pin, "dev_rw"))))
			pinned = true;
	}
	json_object_put(r);
	return pinned;
}

static int side_of(uint16_t domid)
{
	for (int i = 0; i < 2; i++)
		if (world->domid[i] == domid && domid)
			return i;
	return -1;
}

/* "A" and "B" for the current alice and bob, "0" for Domain-0, else the domid. */
static void role_of(unsigned int domid, char *buf, size_t n)
{
	int i = side_of((uint16_t)domid);

	if (domid == 0)
		snprintf(buf, n, "0");
	else if (i >= 0)
		snprintf(buf, n, "%c", "AB"[i]);
	else
		snprintf(buf, n, "%u", domid);
}

/* A domain's ports as "port:state[:remote role]", one a line. */
static char *ports_text(struct json_object *evtchn)
{
	struct json_object *ports = ks_get(evtchn, "ports");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	for (size_t i = 0; ports && i < json_object_array_length(ports); i++) {
		struct json_object *p = json_object_array_get_idx(ports, i);
		const char *state = json_object_get_string(ks_get(p, "state"));
		char remote[16] = "";

		if (!strcmp(state, "free"))
			continue;
		if (!strcmp(state, "interdomain") || !strcmp(state, "unbound"))
			role_of((unsigned int)json_object_get_int(ks_get(p, "remote_dom")),
				remote, sizeof(remote));
		fprintf(f, " %d:%s%s%s", json_object_get_int(ks_get(p, "port")), state,
			remote[0] ? ":" : "", remote);
	}
	fclose(f);
	return text;
}

/*
 * xenstore's paths, one a line, with /local/domain/<domid> written by
 * role (a domU's domid changes when it is replaced, its nodes do not).
 */
static char *store_text(struct json_object *store)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	json_object_object_foreach(store, path, v) {
		unsigned int domid;
		int at = 0;
		char role[16];

		(void)v;
		if (sscanf(path, "/local/domain/%u%n", &domid, &at) == 1) {
			role_of(domid, role, sizeof(role));
			fprintf(f, "/local/domain/%s%s\n", role, path + at);
		} else if (!strncmp(path, "/vm/", 4)) {
			/* /vm/<uuid>, by the role of the domain whose "vm" names it */
			size_t ulen = strcspn(path + 4, "/");

			snprintf(role, sizeof(role), "?");
			json_object_object_foreach(store, p2, v2) {
				const char *val = json_object_get_string(ks_get(v2, "value"));
				unsigned int owner;
				int end = 0;

				if (sscanf(p2, "/local/domain/%u/vm%n", &owner, &end) == 1 && !p2[end] &&
				    val && !strncmp(val, path, 4 + ulen) && !val[4 + ulen])
					role_of(owner, role, sizeof(role));
			}
			if (!strcmp(role, "?"))
				fprintf(f, "%s\n", path);    /* nobody's: a leftover */
			else
				fprintf(f, "/vm/%s%s\n", role, path + 4 + ulen);
		} else {
			fprintf(f, "%s\n", path);
		}
	}
	fclose(f);
	return text;
}

/* Lines of `now` not in `base` (both sorted the same way: by hvsimd). */
static void text_diff(const char *base, const char *now, const char *what, FILE *out)
{
	char *copy = strdup(now), *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char key[600];

		snprintf(key, sizeof(key), "\n%s\n", l);
		if (!strstr(base, key) && strncmp(base, key + 1, strlen(key + 1)))
			fprintf(out, "%s %s; ", what, l);
	}
	free(copy);
}

static int count_fds(char *memfds, size_t n, const char *const *live, size_t nr_live)
{
	char path[64], target[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int count = 0;
	size_t used = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)world->hvsimd);
	d = opendir(path);
	if (memfds && n)
		memfds[0] = 0;
	while (d && (e = readdir(d))) {
		ssize_t len;
		bool ok = false;
		char link[PATH_MAX];

		if (e->d_name[0] == '.')
			continue;
		count++;
		snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = 0;
		if (!strstr(target, "memfd:hvsim-"))
			continue;
		for (size_t i = 0; i < nr_live; i++) {
			char ram[128], shared[128];

			snprintf(ram, sizeof(ram), "memfd:hvsim-ram-%s ", live[i]);
			snprintf(shared, sizeof(shared), "memfd:hvsim-shared-%s ", live[i]);
			ok |= strstr(target, ram) || strstr(target, shared);
		}
		if (!ok && memfds && used < n)
			used += (size_t)snprintf(memfds + used, n - used, "fd %s -> %s; ",
						 e->d_name, target);
	}
	if (d)
		closedir(d);
	return count;
}

/* hvsimd's mappings of memfds that belong to none of the live domains. */
static void stale_maps(char *out, size_t n, const char *const *live, size_t nr_live)
{
	char path[64], *line = NULL;
	size_t cap = 0, used = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)world->hvsimd);
	f = fopen(path, "r");
	out[0] = 0;
	while (f && getline(&line, &cap, f) > 0) {
		bool ok = false;

		if (!strstr(line, "memfd:hvsim-"))
			continue;
		for (size_t i = 0; i < nr_live; i++) {
			char ram[128], shared[128];

			snprintf(ram, sizeof(ram), "memfd:hvsim-ram-%s ", live[i]);
			snprintf(shared, sizeof(shared), "memfd:hvsim-shared-%s ", live[i]);
			ok |= strstr(line, ram) || strstr(line, shared);
		}
		if (!ok && used < n)
			used += (size_t)snprintf(out + used, n - used, "mapped %s", strchr(line, '/') ?
						 strchr(line, '/') : line);
	}
	free(line);
	if (f)
		fclose(f);
}

long ks_rss_anon_kib(void)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)world->hvsimd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %ld", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/*
 * What is left over that a clean system does not have, in words (empty
 * when clean).  `dead` is a domain that must be dead by now (-1: none).
 */
void ks_leftovers(const struct ks_baseline *b, char *out, size_t n, int dead)
{
	struct json_object *st = ks_call("state", NULL), *domains = ks_get(st, "domains");
	const char *live[3] = { "Domain-0", world->name[0], world->name[1] };
	char fdtext[1024];
	FILE *f;
	int fds;

	out[0] = 0;     /* fmemopen writes no terminator if nothing is written */
	f = fmemopen(out, n, "w");

	if (!st) {
		fprintf(f, "hvsimd does not answer 'state': %s", hvsim_ctl_error(harness_ctl()));
		fclose(f);
		return;
	}
	for (size_t i = 0; i < json_object_array_length(domains); i++) {
		struct json_object *d = json_object_array_get_idx(domains, i);
		int domid = json_object_get_int(ks_get(d, "domid"));
		const char *name = json_object_get_string(ks_get(d, "name"));
		const char *state = json_object_get_string(ks_get(d, "state"));
		struct json_object *gt = ks_get(d, "grant_table"), *p2m = ks_get(d, "p2m");
		struct json_object *entries = ks_get(gt, "entries"), *maptrack = ks_get(gt, "maptrack");
		int role = domid == 0 ? 0 : side_of((uint16_t)domid) >= 0 ? 1 : -1;
		char *ports;

		if (domid == dead && strcmp(state, "dead")) {
			fprintf(f, "%s (dom%d) is %s, not dead; ", name, domid, state);
			continue;
		}
		if (!strcmp(state, "dead"))
			continue;
		if (role < 0) {
			fprintf(f, "%s (dom%d) is %s; ", name, domid, state);
			continue;
		}
		for (size_t j = 0; entries && j < json_object_array_length(entries); j++) {
			struct json_object *e = json_object_array_get_idx(entries, j);

			fprintf(f, "%s's grant %d in use (%s); ", name,
				json_object_get_int(ks_get(e, "ref")),
				json_object_get_string(ks_get(e, "flags_decoded")));
		}
		if (maptrack && json_object_array_length(maptrack))
			fprintf(f, "%s holds %zu maptrack handles; ", name,
				json_object_array_length(maptrack));
		for (size_t j = 0; p2m && j < json_object_array_length(p2m); j++) {
			struct json_object *o = json_object_array_get_idx(p2m, j);

			if (strcmp(json_object_get_string(ks_get(o, "kind")), "shared"))
				fprintf(f, "%s's gfn %#lx shows dom%d's frame %#lx (%s); ", name,
					(unsigned long)json_object_get_uint64(ks_get(o, "gfn")),
					json_object_get_int(ks_get(o, "dom")),
					(unsigned long)json_object_get_uint64(ks_get(o, "frame")),
					json_object_get_string(ks_get(o, "kind")));
		}
		ports = ports_text(ks_get(d, "evtchn"));
		if (b->ports[role] && strcmp(ports, b->ports[role]))
			fprintf(f, "%s's ports are [%s ], its kernel's own [%s ]; ", name, ports,
				b->ports[role]);
		free(ports);
	}
	if (b->store) {
		char *store = store_text(ks_get(st, "xenstore"));

		text_diff(b->store, store, "xenstore has", f);
		text_diff(store, b->store, "xenstore lost", f);
		free(store);
	}
	json_object_put(st);
	fds = count_fds(fdtext, sizeof(fdtext), live, 3);
	if (fdtext[0])
		fprintf(f, "hvsimd keeps a dead domain's memfd: %s", fdtext);
	if (b->fds && fds != b->fds)
		fprintf(f, "hvsimd has %d descriptors, %d before; ", fds, b->fds);
	stale_maps(fdtext, sizeof(fdtext), live, 3);
	if (fdtext[0])
		fprintf(f, "hvsimd still maps a dead domain's memory: %s", fdtext);
	fclose(f);
}

/* hvsimd's child that runs domid's kernel ("--domid N " in its command line). */
pid_t ks_kernel_pid(uint16_t domid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = -1;

	while (d && found < 0 && (e = readdir(d))) {
		char path[300], buf[4096], want[32], *p;
		int ppid = 0;
		size_t n;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = 0;
		p = strrchr(buf, ')');
		if (!p || sscanf(p, ") %*c %d", &ppid) != 1 || ppid != world->hvsimd)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (size_t i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[n] = 0;
		snprintf(want, sizeof(want), "--domid %u ", domid);
		if (strstr(buf, want))
			found = atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

void ks_baseline_take(struct ks_baseline *b)
{
	struct json_object *st = ks_call("state", NULL), *domains = ks_get(st, "domains");

	ck_assert_msg(st != NULL, "state: %s", hvsim_ctl_error(harness_ctl()));
	for (size_t i = 0; i < json_object_array_length(domains); i++) {
		struct json_object *d = json_object_array_get_idx(domains, i);
		int domid = json_object_get_int(ks_get(d, "domid"));
		int role = domid == 0 ? 0 : domid == world->domid[0] ? 1 : -1;

		if (role >= 0 && !b->ports[role])
			b->ports[role] = ports_text(ks_get(d, "evtchn"));
	}
	free(b->store);
	b->store = store_text(ks_get(st, "xenstore"));
	json_object_put(st);
	{
		const char *live[3] = { "Domain-0", world->name[0], world->name[1] };

		b->fds = count_fds(NULL, 0, live, 3);
	}
}
