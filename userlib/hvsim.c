// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the command line of the emulator.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvsim/kernel_params.h"
#include "hvsim/paths.h"
#include "hvsim/state_dir_check.h"
#include "hvsim/version.h"
#include "daemon.h"
#include "domain_env.h"
#include "fault_cmd.h"
#include "libhvsim.h"
#include "log_view.h"
#include "program_check.h"
#include "project_files.h"
#include "trace_html.h"
#include "trace_view.h"
#include "trace_svg.h"

static const char usage_text[] =
	"usage: hvsim COMMAND [ARGS]\n"
	"\n"
	"  up [--param M.P=V]...       start the hypervisor (hvsimd) with Domain-0\n"
	"  down                        stop it and every domain\n"
	"  domain create NAME [--mem MIB] [--event-channels N]\n"
	"                     [--param MODULE.PARAM=VALUE]...\n"
	"                              create a domain; prints its domid\n"
	"  domain destroy DOMAIN       destroy a domain\n"
	"  domid DOMAIN                print a domain's domid\n"
	"  list [--all] [--json]       domains: id, name, state, pages, grants, uuid\n"
	"  log DOMAIN [-f]             a domain's kernel messages, like dmesg (-f: follow)\n"
	"  grants DOMAIN [--json]      a domain's grant table with active pins\n"
	"  evtchn DOMAIN [--json]      a domain's event channels\n"
	"  trace [-f] [--json] [--svg FILE] [--html FILE]\n"
	"                              the hypercall trace (-f: follow; --svg: a diagram;\n"
	"                              --html: a page to step through, with the state)\n"
	"  xenstore ls|read|write|rm   xenstore, as Domain-0\n"
	"  run DOMAIN [--] PROGRAM [ARGS...]\n"
	"                              run a program in a domain: its /dev/xen devices\n"
	"                              and xenstore are the domain's\n"
	"  fault DOMAIN [KIND [HOW] [--nth N] [--times N|--always] | clear [KIND]]\n"
	"                              make a domain's hypercalls, kernel allocations\n"
	"                              or upcalls fail or wait on purpose (--help)\n"
	"  scenario ARGS...            run a scenario script (hvsim scenario --help)\n"
	"  --version                   hvsim's version, and the Linux tree its\n"
	"                              guest kernel was built from\n"
	"\n"
	"DOMAIN is a name or a domid; dom0 is 'Domain-0'.  The state directory is\n"
	"$HVSIM_DIR, else $XDG_RUNTIME_DIR/hvsim, else /tmp/hvsim-$UID; it must be\n"
	"yours and not writable by group or others.\n"
	"'hvsim COMMAND --help' describes one command.\n";

static int usage(int status)
{
	fputs(usage_text, status ? stderr : stdout);
	return status;
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

/*
 * The state directory must be the user's and closed to others (as ssh
 * wants ~/.ssh): else says why and how to fix it, and exits 1.  A missing
 * one is fine here (no hvsimd runs there; `up` makes it).
 */
static void state_dir_or_die(void)
{
	char why[PATH_MAX + 256];
	int err = hvsim_state_dir_check(hvsim_dir(), why, sizeof(why));

	if (err && err != -ENOENT) {
		fprintf(stderr, "hvsim: %s\n", why);
		exit(1);
	}
}

static struct hvsim_ctl *connect_or_die(void)
{
	struct hvsim_ctl *c;
	int err;

	state_dir_or_die();
	err = hvsim_ctl_open(NULL, &c);

	if (err) {
		fprintf(stderr, "hvsim: no hvsimd runs in %s (%s); start it with 'hvsim up'\n",
			hvsim_dir(), strerror(-err));
		exit(1);
	}
	return c;
}

/* Calls hvsimd; on refusal prints its reason and exits 1. */
static struct json_object *call_or_die(struct hvsim_ctl *c, struct json_object *req)
{
	struct json_object *reply;
	int err = hvsim_ctl_call(c, req, &reply);

	if (err) {
		fprintf(stderr, "hvsim: %s\n", *hvsim_ctl_error(c) ? hvsim_ctl_error(c) :
			strerror(-err));
		hvsim_ctl_close(c);
		exit(1);
	}
	return reply;
}

static struct json_object *request(const char *cmd, const char *domain)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "cmd", json_object_new_string(cmd));
	if (domain)
		json_object_object_add(r, "domain", json_object_new_string(domain));
	return r;
}

static int get_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int(v) : 0;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

/* A --param must read MODULE.PARAM=VALUE (what hvsimd and the kernel take). */
static bool param_ok(const char *spec)
{
	const char *dot = strchr(spec, '.'), *eq = strchr(spec, '=');

	if (dot && eq && dot < eq && dot > spec && eq > dot + 1)
		return true;
	fprintf(stderr, "hvsim: bad --param '%s' (want MODULE.PARAM=VALUE, e.g. "
		"gntalloc.limit=16)\n", spec);
	return false;
}

static void print_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int cmd_up(int argc, char **argv)
{
	const char *params[HVSIM_MAX_KERNEL_PARAMS];
	size_t nr_params = 0;
	char err[512] = "";
	int rc;

	if (wants_help(argc, argv)) {
		printf("usage: hvsim up [--param MODULE.PARAM=VALUE]...\n"
		       "Starts hvsimd with Domain-0 in the state directory (%s)\n"
		       "and returns once it serves.  --param sets a parameter of Domain-0's\n"
		       "kernel, e.g. xen.fifo_events=0 (the 2-level event ABI).\n", hvsim_dir());
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--param") || i + 1 == argc) {
			fputs("usage: hvsim up [--param MODULE.PARAM=VALUE]...\n", stderr);
			return 2;
		}
		if (nr_params == HVSIM_MAX_KERNEL_PARAMS) {
			fprintf(stderr, "hvsim: at most %d --param\n", HVSIM_MAX_KERNEL_PARAMS);
			return 2;
		}
		if (!param_ok(argv[i + 1]))
			return 2;
		params[nr_params++] = argv[++i];
	}
	rc = hvsim_up_params(NULL, params, nr_params, err, sizeof(err));
	if (rc == -EALREADY) {
		printf("hvsimd already runs in %s\n", hvsim_dir());
		return 0;
	}
	if (rc) {
		fprintf(stderr, "hvsim: %s\n", *err ? err : strerror(-rc));
		return 1;
	}
	printf("hvsimd runs in %s\n", hvsim_dir());
	return 0;
}

/*
 * The live domains of the running hvsimd, "Domain-0, web" (empty when none
 * answers): what `hvsim down` is about to stop.
 */
static void live_domain_names(char *buf, size_t size)
{
	struct json_object *r = NULL, *doms;
	struct hvsim_ctl *c;
	size_t len = 0;

	buf[0] = '\0';
	if (hvsim_ctl_open(NULL, &c))
		return;
	if (hvsim_ctl_call(c, request("list", NULL), &r) == 0 &&
	    json_object_object_get_ex(r, "domains", &doms)) {
		for (size_t i = 0; i < json_object_array_length(doms); i++) {
			struct json_object *d = json_object_array_get_idx(doms, i);
			int n;

			if (!strcmp(get_str(d, "state"), "dead") || len >= size)
				continue;
			n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
				     get_str(d, "name"));
			len += n > 0 ? (size_t)n : 0;
		}
	}
	json_object_put(r);
	hvsim_ctl_close(c);
}

static int cmd_down(int argc, char **argv)
{
	char names[1024];
	int rc;

	if (wants_help(argc, argv)) {
		printf("usage: hvsim down\nStops hvsimd and every domain, and says which.\n");
		return 0;
	}
	if (argc > 1) {
		fputs("usage: hvsim down\n", stderr);
		return 2;
	}
	state_dir_or_die();
	live_domain_names(names, sizeof(names));
	rc = hvsim_down(NULL);
	if (rc == -ESRCH) {
		printf("no hvsimd runs in %s\n", hvsim_dir());
		return 0;
	}
	if (rc) {
		fprintf(stderr, "hvsim: stopping hvsimd: %s\n", strerror(-rc));
		return 1;
	}
	printf("hvsimd in %s stopped%s%s\n", hvsim_dir(),
	       *names ? ", with its domains " : "", names);
	return 0;
}

#define DOMAIN_CREATE_USAGE \
	"usage: hvsim domain create NAME [--mem MIB] [--event-channels N] [--param M.P=V]...\n"

static int cmd_domain_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "param", required_argument, NULL, 'p' },
		{ "event-channels", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *params[HVSIM_MAX_KERNEL_PARAMS];
	struct hvsim_domain_cfg cfg = { .params = params };
	unsigned long mem = 0, ports;
	struct hvsim_ctl *c;
	uint16_t domid;
	char *end;
	int opt, err;

	optind = 1;
	argv[0] = (char *)"hvsim domain create";	/* what getopt's messages name */
	while ((opt = getopt_long(argc, argv, "m:p:e:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			errno = 0;
			mem = strtoul(optarg, &end, 10);
			if (errno || *end || mem == 0 || mem > 65536) {
				fprintf(stderr, "hvsim: --mem takes MiB, 1 to 65536\n");
				return 2;
			}
			break;
		case 'p':
			if (cfg.nr_params == sizeof(params) / sizeof(params[0])) {
				fprintf(stderr, "hvsim: too many --param\n");
				return 2;
			}
			if (!param_ok(optarg))
				return 2;
			params[cfg.nr_params++] = optarg;
			break;
		case 'e':
			errno = 0;
			ports = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || ports > UINT32_MAX) {
				fprintf(stderr, "hvsim: --event-channels takes the highest "
					"port, 0 to %u\n", UINT32_MAX);
				return 2;
			}
			cfg.set_event_channels = true;
			cfg.event_channels = (uint32_t)ports;
			break;
		case 'h':
			printf("usage: hvsim domain create NAME [--mem MIB] "
			       "[--event-channels N] [--param MODULE.PARAM=VALUE]...\n"
			       "Creates a domain with MIB of RAM (default %d) and prints its "
			       "domid.\n--event-channels is the highest event channel port "
			       "it may use (xl.cfg's\nevent_channels; default 1023).\n"
			       "--param sets a driver module parameter, e.g. "
			       "gntalloc.limit=16.\n", 64);
			return 0;
		default:
			fprintf(stderr, DOMAIN_CREATE_USAGE);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, DOMAIN_CREATE_USAGE);
		return 2;
	}
	c = connect_or_die();
	cfg.name = argv[optind];
	cfg.mem_mib = (unsigned int)mem;
	err = hvsim_domain_create_cfg(c, &cfg, &domid);
	if (err) {
		fprintf(stderr, "hvsim: %s\n", hvsim_ctl_error(c));
		hvsim_ctl_close(c);
		return 1;
	}
	printf("%u\n", domid);
	hvsim_ctl_close(c);
	return 0;
}

static int cmd_domain(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf(DOMAIN_CREATE_USAGE "       hvsim domain destroy DOMAIN\n");
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "create"))
		return cmd_domain_create(argc - 1, argv + 1);
	if (!strcmp(argv[1], "destroy")) {
		if (wants_help(argc - 1, argv + 1)) {
			printf("usage: hvsim domain destroy DOMAIN\nDestroys a domain: its "
			       "mappings go, its event channels close, dom0 gets VIRQ_DOM_EXC.\n"
			       "Pages others still map stay until they unmap (state 'dying').\n"
			       "Returns once the domain's kernel has stopped and killed the programs\n"
			       "that used its devices.\n");
			return 0;
		}
		if (argc != 3) {
			fprintf(stderr, "usage: hvsim domain destroy DOMAIN\n");
			return 2;
		}
		struct hvsim_ctl *c = connect_or_die();

		json_object_put(call_or_die(c, request("domain_destroy", argv[2])));
		hvsim_ctl_close(c);
		return 0;
	}
	fprintf(stderr, "hvsim: unknown 'domain %s' (create or destroy)\n", argv[1]);
	return 2;
}

static int cmd_domid(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: hvsim domid DOMAIN\nPrints the domid of a domain named by name "
		       "or domid.\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: hvsim domid DOMAIN\n");
		return 2;
	}
	struct hvsim_ctl *c = connect_or_die();
	struct json_object *r = call_or_die(c, request("domid", argv[1])), *d;

	json_object_object_get_ex(r, "domain", &d);
	printf("%d\n", get_int(d, "domid"));
	json_object_put(r);
	hvsim_ctl_close(c);
	return 0;
}

static const char list_usage[] = "usage: hvsim list [--all] [--json]\n";

static int cmd_list(int argc, char **argv)
{
	bool json = false, all = false;

	if (wants_help(argc, argv)) {
		printf("%s"
		       "The domains: name, domid, state, pages of RAM, grant entries of its\n"
		       "own in use by mappings, mappings it holds of others' grants, whether\n"
		       "a guest kernel serves it, its UUID (the handle Xen's toolstack sees).\n"
		       "States:\n"
		       "  running  created and not destroyed\n"
		       "  dying    destroyed, but other domains still map its pages (a zombie):\n"
		       "           its memory lives until they unmap; listed until then\n"
		       "  dead     destroyed and released: only its name, domid and kernel log\n"
		       "           remain; listed with --all only\n"
		       "A domain whose kernel did not start is not listed at all.  --json\n"
		       "prints the same domains as JSON.\n", list_usage);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--all")) {
			all = true;
		} else {
			fputs(list_usage, stderr);
			return 2;
		}
	}
	struct hvsim_ctl *c = connect_or_die();
	struct json_object *r = call_or_die(c, request("list", NULL)), *doms;
	struct json_object *shown = json_object_new_array();

	json_object_object_get_ex(r, "domains", &doms);
	for (size_t i = 0; i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);

		if (all || strcmp(get_str(d, "state"), "dead"))
			json_object_array_add(shown, json_object_get(d));
	}
	if (json) {
		print_json(shown);
	} else {
		printf("%-20s %5s %-8s %8s %7s %5s %-6s %s\n", "Name", "ID", "State", "Pages",
		       "Grants", "Maps", "Kernel", "UUID");
		for (size_t i = 0; i < json_object_array_length(shown); i++) {
			struct json_object *d = json_object_array_get_idx(shown, i);
			struct json_object *k;

			json_object_object_get_ex(d, "kernel", &k);
			printf("%-20s %5d %-8s %8d %7d %5d %-6s %s\n", get_str(d, "name"),
			       get_int(d, "domid"), get_str(d, "state"), get_int(d, "pages"),
			       get_int(d, "grants_in_use"), get_int(d, "mappings"),
			       json_object_get_boolean(k) ? "yes" : "no", get_str(d, "uuid"));
		}
	}
	json_object_put(shown);
	json_object_put(r);
	hvsim_ctl_close(c);
	return 0;
}

static void print_grants(struct json_object *r)
{
	struct json_object *dom, *gt, *entries, *maptrack;

	json_object_object_get_ex(r, "domain", &dom);
	json_object_object_get_ex(r, "grant_table", &gt);
	printf("grant table of %s (domain %d): v1, %d of %d frames in use\n",
	       get_str(dom, "name"), get_int(dom, "domid"), get_int(gt, "nr_frames"),
	       get_int(gt, "max_frames"));
	if (json_object_object_get_ex(gt, "entries", &entries) &&
	    json_object_array_length(entries)) {
		printf("%7s  %-38s %5s %10s  %7s %7s %6s %6s\n", "ref", "flags", "domid",
		       "frame", "host_ro", "host_rw", "dev_ro", "dev_rw");
		for (size_t i = 0; i < json_object_array_length(entries); i++) {
			struct json_object *e = json_object_array_get_idx(entries, i), *pin;

			json_object_object_get_ex(e, "pin", &pin);
			printf("%7d  %-38s %5d %10d  %7d %7d %6d %6d\n", get_int(e, "ref"),
			       get_str(e, "flags_decoded"), get_int(e, "domid"),
			       get_int(e, "frame"), get_int(pin, "host_ro"),
			       get_int(pin, "host_rw"), get_int(pin, "dev_ro"),
			       get_int(pin, "dev_rw"));
		}
	} else {
		printf("  no entries in use\n");
	}
	if (json_object_object_get_ex(gt, "maptrack", &maptrack) &&
	    json_object_array_length(maptrack)) {
		printf("mappings held by %s (maptrack):\n%7s %6s %7s %6s\n",
		       get_str(dom, "name"), "handle", "dom", "ref", "flags");
		for (size_t i = 0; i < json_object_array_length(maptrack); i++) {
			struct json_object *m = json_object_array_get_idx(maptrack, i);

			printf("%7d %6d %7d %6d\n", get_int(m, "handle"), get_int(m, "dom"),
			       get_int(m, "ref"), get_int(m, "flags"));
		}
	}
}

static void print_evtchn(struct json_object *r)
{
	struct json_object *dom, *ev, *ports, *v;

	json_object_object_get_ex(r, "domain", &dom);
	json_object_object_get_ex(r, "evtchn", &ev);
	bool fifo = !strcmp(get_str(ev, "abi"), "fifo");

	printf("event channels of %s (domain %d), %s ABI, upcall %s\n", get_str(dom, "name"),
	       get_int(dom, "domid"), fifo ? "FIFO" : "2-level",
	       json_object_object_get_ex(ev, "upcall_pending", &v) &&
	       json_object_get_boolean(v) ? "pending" : "idle");
	if (fifo) {
		struct json_object *pages = NULL;

		size_t n = json_object_object_get_ex(ev, "event_array", &pages) ?
			   json_object_array_length(pages) : 0;

		printf("  control block at gfn %#x + %d, READY %#x; %zu event array page%s "
		       "(ports below %d)\n", get_int(ev, "control_gfn"), get_int(ev, "control_offset"),
		       get_int(ev, "ready"), n, n == 1 ? "" : "s", get_int(ev, "nr_words"));
	}
	if (!json_object_object_get_ex(ev, "ports", &ports) ||
	    !json_object_array_length(ports)) {
		printf("  no ports in use\n");
		return;
	}
	printf("%6s  %-12s %-18s %-8s %s%s\n", "port", "state", "remote", "pending", "masked",
	       fifo ? "  priority linked" : "");
	for (size_t i = 0; i < json_object_array_length(ports); i++) {
		struct json_object *p = json_object_array_get_idx(ports, i), *b;
		const char *st = get_str(p, "state");
		char remote[32] = "";

		if (!strcmp(st, "interdomain"))
			snprintf(remote, sizeof(remote), "dom%d port %d", get_int(p, "remote_dom"),
				 get_int(p, "remote_port"));
		else if (!strcmp(st, "unbound"))
			snprintf(remote, sizeof(remote), "for dom%d", get_int(p, "remote_dom"));
		else if (!strcmp(st, "virq"))
			snprintf(remote, sizeof(remote), "virq %d", get_int(p, "virq"));
		printf("%6d  %-12s %-18s ", get_int(p, "port"), st, remote);
		printf("%-8s ", json_object_object_get_ex(p, "pending", &b) &&
		       json_object_get_boolean(b) ? "yes" : "no");
		printf(fifo ? "%-6s" : "%s", json_object_object_get_ex(p, "masked", &b) &&
		       json_object_get_boolean(b) ? "yes" : "no");
		if (fifo && json_object_object_get_ex(p, "linked", &b) && json_object_get_boolean(b))
			printf("  %8d yes, next %d", get_int(p, "priority"), get_int(p, "link"));
		else if (fifo)
			printf("  %8d no", get_int(p, "priority"));
		putchar('\n');
	}
}

static int cmd_dump(int argc, char **argv, bool grants)
{
	bool json = argc == 3 && !strcmp(argv[2], "--json");

	if (wants_help(argc, argv)) {
		if (grants)
			printf("usage: hvsim grants DOMAIN [--json]\nThe domain's grant entries "
			       "in use, decoded, with their active pins\n(host/device, "
			       "read-only/read-write), and the mappings it holds.\n");
		else
			printf("usage: hvsim evtchn DOMAIN [--json]\nThe domain's event channel "
			       "ABI (2-level or FIFO) and ports: state, peer, pending,\n"
			       "masked; under FIFO also each port's priority and whether it is\n"
			       "linked on a queue, and the control block and event array.\n");
		return 0;
	}
	if (argc < 2 || argc > 3 || (argc == 3 && !json)) {
		fprintf(stderr, "usage: hvsim %s DOMAIN [--json]\n", argv[0]);
		return 2;
	}
	struct hvsim_ctl *c = connect_or_die();
	struct json_object *r = call_or_die(c, request(grants ? "grants" : "evtchn", argv[1]));

	if (json)
		print_json(r);
	else if (grants)
		print_grants(r);
	else
		print_evtchn(r);
	json_object_put(r);
	hvsim_ctl_close(c);
	return 0;
}

static const char log_usage[] = "usage: hvsim log DOMAIN [-f]\n";

/* hvsim log -f: the domain whose kernel may still write, while it runs. */
struct log_follow {
	struct hvsim_ctl *c;
	char domid[8];
};

static bool domain_running(void *arg)
{
	struct log_follow *f = arg;
	struct json_object *r = NULL, *d;
	bool running = hvsim_ctl_call(f->c, request("domid", f->domid), &r) == 0 &&
		       json_object_object_get_ex(r, "domain", &d) &&
		       !strcmp(get_str(d, "state"), "running");

	json_object_put(r);
	return running;
}

static int cmd_log(int argc, char **argv)
{
	struct json_object *r = NULL, *d;
	struct log_follow f;
	const char *domain = NULL;
	char path[PATH_MAX];
	bool follow = false;
	uint16_t domid;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("%s"
			       "The messages of DOMAIN's guest kernel, as dmesg shows them: what\n"
			       "the Linux drivers print (pr_info, pr_warn, WARN) and the kernel's\n"
			       "own, each stamped with the host's monotonic clock.  -f (--follow)\n"
			       "keeps printing new messages until interrupted or until the domain\n"
			       "is destroyed.  The log is STATEDIR/dom<DOMID>/kernel.log; a destroyed\n"
			       "domain's stays (hvsim list --all) until hvsimd starts again.\n"
			       "hvsimd.log has every kernel's messages too.  HVSIM_KERNEL_DEBUG=1 in\n"
			       "hvsimd's environment adds the drivers' pr_debug.\n", log_usage);
			return 0;
		}
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow")) {
			follow = true;
		} else if (argv[i][0] == '-' || domain) {
			fputs(log_usage, stderr);
			return 2;
		} else {
			domain = argv[i];
		}
	}
	if (!domain) {
		fputs(log_usage, stderr);
		return 2;
	}
	f.c = connect_or_die();
	err = hvsim_ctl_call(f.c, request("domid", domain), &r);
	if (err == -ESRCH) {
		fprintf(stderr, "hvsim: no domain '%s' in %s (see 'hvsim list --all')\n",
			domain, hvsim_dir());
		return 1;
	}
	if (err || !json_object_object_get_ex(r, "domain", &d)) {
		fprintf(stderr, "hvsim: %s\n", *hvsim_ctl_error(f.c) ? hvsim_ctl_error(f.c) :
			strerror(-err));
		return 1;
	}
	domid = (uint16_t)get_int(d, "domid");
	follow = follow && !strcmp(get_str(d, "state"), "running");
	json_object_put(r);
	snprintf(f.domid, sizeof(f.domid), "%u", domid);
	err = hvsim_kernel_log(hvsim_dir(), domid, path, sizeof(path));
	if (!err)
		err = log_view(path, follow, domain_running, &f, stdout);
	if (err == -ENOENT)
		fprintf(stderr, "hvsim: domain '%s' (domid %u) has no kernel log: %s is missing "
			"(hvsimd runs domains kernel-less when started with HVSIM_KERNEL=none)\n",
			domain, domid, path);
	else if (err)
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(-err));
	hvsim_ctl_close(f.c);
	return err ? 1 : 0;
}

static int cmd_trace(int argc, char **argv)
{
	bool follow = false, json = false;
	const char *svg = NULL, *html = NULL;
	char path[PATH_MAX];
	int err = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow")) {
			follow = true;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--svg") && i + 1 < argc) {
			svg = argv[++i];
		} else if (!strcmp(argv[i], "--html") && i + 1 < argc) {
			html = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: hvsim trace [-f] [--json] [--svg FILE] [--html FILE]\nEvery hypercall with "
			       "its arguments and outcome, and the hypervisor's own\nevents, in "
			       "order. -f (--follow) keeps following; --json prints the raw records;\n--svg "
			       "FILE draws them as a sequence diagram (FILE.html: a web page);\n"
			       "--html FILE writes a page to step through them: each step's hypercalls\n"
			       "and every domain's grant table, pins, maptrack, p2m overrides and\n"
			       "event channels, from the snapshots of the state in the trace.  With\n"
			       "--svg or --html a running hvsimd adds a snapshot first; started with\n"
			       "HVSIM_TRACE_STATE=1, it took one after each burst of activity.\n");
			return 0;
		} else {
			fprintf(stderr, "usage: hvsim trace [-f] [--json] [--svg FILE] [--html FILE]\n");
			return 2;
		}
	}
	state_dir_or_die();
	/* a running hvsimd writes its trace on a thread of its own: catch up */
	struct hvsim_ctl *c;

	if (hvsim_ctl_open(NULL, &c) == 0) {
		struct json_object *req = json_object_new_object(), *reply = NULL;

		if (svg || html) {
			/* the state now, for what the guests wrote since the last snapshot */
			json_object_object_add(req, "cmd", json_object_new_string("state"));
			json_object_object_add(req, "trace", json_object_new_boolean(1));
			json_object_object_add(req, "why", json_object_new_string("hvsim trace"));
			hvsim_ctl_call(c, req, &reply);
			json_object_put(reply);
			reply = NULL;
			req = json_object_new_object();
		}
		json_object_object_add(req, "cmd", json_object_new_string("sync"));
		hvsim_ctl_call(c, req, &reply);
		json_object_put(reply);
		hvsim_ctl_close(c);
	}
	snprintf(path, sizeof(path), "%s/%s", hvsim_dir(), HVSIM_TRACE_FILE);
	if (svg && (err = trace_svg_file(path, svg, NULL)))
		fprintf(stderr, "hvsim trace: %s -> %s: %s\n", path, svg, strerror(-err));
	if (html && !err) {
		char title[PATH_MAX + 16];

		snprintf(title, sizeof(title), "hvsim trace of %s", hvsim_dir());
		err = trace_html_file(path, html, &(struct trace_html_options){ .title = title });
		if (err)
			fprintf(stderr, "hvsim trace: %s -> %s: %s\n", path, html, strerror(-err));
	}
	if (svg || html)
		return err ? 1 : 0;
	return trace_view(path, follow, json, stdout) < 0 ? 1 : 0;
}

static const char xenstore_usage[] =
	"usage: hvsim xenstore ls [PATH] [--json]    every node below PATH (default /):\n"
	"                                            value and permissions\n"
	"       hvsim xenstore read PATH             print a node's value\n"
	"       hvsim xenstore write PATH VALUE      set it (missing parents are made)\n"
	"       hvsim xenstore rm PATH               remove it and everything below\n"
	"Acts as Domain-0, which may do anything.  A PATH not starting with '/' is\n"
	"below /local/domain/0.  Each domain's programs reach xenstore through the\n"
	"socket $HVSIM_DIR/dom<DOMID>/xenstore (set XENSTORED_PATH to it).\n";

/* A value as xenstore-ls shows it: printable, with escapes for the rest. */
static void print_value(const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (ch == '\\' || ch == '"')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			printf("\\x%02x", ch);
		else
			putchar(ch);
	}
}

static int path_depth(const char *p)
{
	int n = 0;

	if (!strcmp(p, "/"))
		return 0;
	for (; *p; p++)
		n += *p == '/';
	return n;
}

static int xenstore_ls(const char *path, bool json)
{
	struct hvsim_ctl *c = connect_or_die();
	struct json_object *req = request("xenstore_ls", NULL), *r, *nodes;
	int base;

	json_object_object_add(req, "path", json_object_new_string(path));
	r = call_or_die(c, req);
	json_object_object_get_ex(r, "nodes", &nodes);
	if (json) {
		print_json(nodes);
		goto out;
	}
	base = path_depth(path);
	for (size_t i = 0; i < json_object_array_length(nodes); i++) {
		struct json_object *n = json_object_array_get_idx(nodes, i), *v, *perms;
		const char *p = get_str(n, "path");

		printf("%*s%s = \"", path_depth(p) - base - 1, "", strrchr(p, '/') + 1);
		if (json_object_object_get_ex(n, "value", &v))
			print_value(json_object_get_string(v), (size_t)json_object_get_string_len(v));
		printf("\"  (");
		json_object_object_get_ex(n, "perms", &perms);
		for (size_t j = 0; j < json_object_array_length(perms); j++)
			printf("%s%s", j ? "," : "",
			       json_object_get_string(json_object_array_get_idx(perms, j)));
		printf(")\n");
	}
out:
	json_object_put(r);
	hvsim_ctl_close(c);
	return 0;
}

static int cmd_xenstore(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : NULL;
	struct hvsim_ctl *c;
	int err = 0, want;

	if (!op || !strcmp(op, "--help") || !strcmp(op, "-h") || wants_help(argc - 1, argv + 1)) {
		fputs(xenstore_usage, op ? stdout : stderr);
		return op ? 0 : 2;
	}
	if (!strcmp(op, "ls")) {
		bool json = false;
		const char *path = NULL;

		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--json"))
				json = true;
			else if (!path)
				path = argv[i];
			else
				goto usage;
		}
		return xenstore_ls(path ? path : "/", json);
	}
	want = !strcmp(op, "write") ? 4 : 3;
	if (strcmp(op, "read") && strcmp(op, "write") && strcmp(op, "rm")) {
		fprintf(stderr, "hvsim: unknown 'xenstore %s' (ls, read, write or rm)\n", op);
		return 2;
	}
	if (argc != want)
		goto usage;
	c = connect_or_die();
	if (!strcmp(op, "read")) {
		char *v;
		size_t len;

		err = hvsim_xenstore_read(c, argv[2], &v, &len);
		if (!err) {
			fwrite(v, 1, len, stdout);
			putchar('\n');
			free(v);
		}
	} else if (!strcmp(op, "write")) {
		err = hvsim_xenstore_write(c, argv[2], argv[3], strlen(argv[3]));
	} else {
		err = hvsim_xenstore_rm(c, argv[2]);
	}
	if (err)
		fprintf(stderr, "hvsim: %s\n", *hvsim_ctl_error(c) ? hvsim_ctl_error(c) :
			strerror(-err));
	hvsim_ctl_close(c);
	return err ? 1 : 0;
usage:
	fputs(xenstore_usage, stderr);
	return 2;
}

static const char run_usage[] =
	"usage: hvsim run DOMAIN [--] PROGRAM [ARGS...]\n"
	"Runs PROGRAM in DOMAIN (a name or a domid): the interposer\n"
	HVSIM_PRELOAD_LIB " sends its /dev/xen/gntdev, gntalloc, evtchn and\n"
	"privcmd to the domain's guest kernel, and Xen's libxenstore reaches the\n"
	"domain's xenstore.\n"
	"PROGRAM is looked up along $PATH and replaces hvsim, so the exit status is\n"
	"its own (127: not found, 126: cannot be run).  It must be dynamically\n"
	"linked: the interposer cannot reach a static program.  #! scripts are fine\n"
	"when their interpreter is dynamically linked.\n"
	"Sets LD_PRELOAD (the interposer first, earlier entries kept), HVSIM_DIR,\n"
	"HVSIM_DOMID and XENSTORED_PATH ($HVSIM_DIR/dom<DOMID>/xenstore).\n";

/* The domid of `domain`, which must have a guest kernel serving its devices. */
static uint16_t domain_with_kernel_or_die(const char *domain)
{
	struct hvsim_ctl *c = connect_or_die();
	char devices[PATH_MAX];
	uint16_t domid = 0;
	struct stat st;
	int err = hvsim_domid(c, domain, &domid);

	if (err == -ESRCH)
		fprintf(stderr, "hvsim: no domain '%s' in %s (see 'hvsim list')\n", domain,
			hvsim_dir());
	else if (err)
		fprintf(stderr, "hvsim: %s\n", *hvsim_ctl_error(c) ? hvsim_ctl_error(c) :
			strerror(-err));
	hvsim_ctl_close(c);
	if (err)
		exit(1);
	if (hvsim_devices_socket(hvsim_dir(), domid, devices, sizeof(devices)) ||
	    stat(devices, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "hvsim: domain '%s' (domid %u) has no guest kernel: %s is "
			"missing (hvsimd runs domains kernel-less when started with "
			"HVSIM_KERNEL=none)\n", domain, domid, devices);
		exit(1);
	}
	return domid;
}

static int cmd_run(int argc, char **argv)
{
	char preload[PATH_MAX], searched[4 * PATH_MAX], prog[PATH_MAX], why[2048];
	const char *domain = argc > 1 ? argv[1] : NULL;
	char **env, **args;
	uint16_t domid;
	int first, rc;

	if (domain && (!strcmp(domain, "--help") || !strcmp(domain, "-h"))) {
		fputs(run_usage, stdout);
		return 0;
	}
	first = 2 + (argc > 2 && !strcmp(argv[2], "--"));
	if (!domain || !strcmp(domain, "--") || first >= argc) {
		fputs(run_usage, stderr);
		return 2;
	}
	domid = domain_with_kernel_or_die(domain);
	if (hvsim_find_lib(HVSIM_PRELOAD_LIB, preload, sizeof(preload), searched,
			   sizeof(searched))) {
		fprintf(stderr, "hvsim: cannot find the interposer %s (looked in %s); build "
			"it with 'make', or set HVSIM_LIBEXEC to its directory\n",
			HVSIM_PRELOAD_LIB, searched);
		return 1;
	}
	args = argv + first;
	rc = hvsim_check_program(args[0], preload, prog, sizeof(prog), why, sizeof(why));
	if (rc) {
		fprintf(stderr, "hvsim: %s\n", why);
		return rc == -ENOENT ? 127 : 126;
	}
	env = hvsim_domain_env(NULL, NULL, domid, preload);
	if (!env) {
		fprintf(stderr, "hvsim: the environment of %s: %s\n", prog, strerror(errno));
		return 1;
	}
	execve(prog, args, env);
	if (errno == ENOEXEC) {
		/* as execvp(): a file without #! or ELF header is a shell script */
		static char sh[] = "/bin/sh";

		args[-1] = sh;
		args[0] = prog;
		execve(sh, args - 1, env);
	}
	rc = errno;
	fprintf(stderr, "hvsim: cannot run %s: %s\n", prog, strerror(rc));
	hvsim_env_free(env);
	return rc == ENOENT ? 127 : 126;
}

/*
 * The kernel hvsimd would start (kernel_configure: $HVSIM_KERNEL, else
 * hvsim-kernel beside hvsimd), or -ENOENT.
 */
static int kernel_exe(char *buf, size_t n)
{
	const char *env = getenv("HVSIM_KERNEL");
	char *slash;

	if (env && *env) {
		snprintf(buf, n, "%s", env);
		return 0;
	}
	if (hvsim_find_exe("hvsimd", buf, n) || !(slash = strrchr(buf, '/')) ||
	    (size_t)(slash - buf) + sizeof("/hvsim-kernel") > n)
		return -ENOENT;
	strcpy(slash, "/hvsim-kernel");
	return access(buf, X_OK) ? -ENOENT : 0;
}

/*
 * hvsim's version, and which Linux tree the kernel was built from: only
 * the kernel binary knows (each build may take another tree), so it is
 * asked (hvsim-kernel --version).
 */
static int cmd_version(void)
{
	const char *env = getenv("HVSIM_KERNEL");
	char exe[PATH_MAX], line[512];
	int pfd[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	printf("hvsim %s\n", HVSIM_VERSION);
	if (env && !strcmp(env, "none")) {
		printf("kernel: none (HVSIM_KERNEL=none)\n");
		return 0;
	}
	if (kernel_exe(exe, sizeof(exe))) {
		printf("kernel: none (no hvsim-kernel beside hvsimd: domains run kernel-less)\n");
		return 0;
	}
	fflush(stdout);
	if (pipe2(pfd, O_CLOEXEC))
		return 1;
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		execl(exe, "hvsim-kernel", "--version", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (pid > 0 && len < sizeof(line) - 1 &&
	       (n = read(pfd[0], line + len, sizeof(line) - 1 - len)) > 0)
		len += (size_t)n;
	close(pfd[0]);
	line[len] = 0;
	line[strcspn(line, "\n")] = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || strncmp(line, "hvsim-kernel: ", 14)) {
		fprintf(stderr, "hvsim: %s --version did not answer\n", exe);
		return 1;
	}
	printf("kernel %s: %s\n", exe, line + 14);
	return 0;
}

/* The scenario runner is a program of its own; `hvsim scenario` hands over. */
static int cmd_scenario(int argc, char **argv)
{
	static char name[] = "hvsim-scenario";
	char exe[PATH_MAX];

	if (hvsim_find_exe(name, exe, sizeof(exe))) {
		fprintf(stderr, "hvsim: the scenario runner %s is not built (run 'make') or "
			"not installed beside hvsim\n", name);
		return 1;
	}
	argv[0] = name;
	execv(exe, argv);
	fprintf(stderr, "hvsim: cannot run %s: %s\n", exe, strerror(errno));
	return 126;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(2);
	const char *cmd = argv[1];

	argc--;
	argv++;
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		return usage(0);
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version"))
		return cmd_version();
	if (!strcmp(cmd, "up"))
		return cmd_up(argc, argv);
	if (!strcmp(cmd, "down"))
		return cmd_down(argc, argv);
	if (!strcmp(cmd, "domain"))
		return cmd_domain(argc, argv);
	if (!strcmp(cmd, "domid"))
		return cmd_domid(argc, argv);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc, argv);
	if (!strcmp(cmd, "grants"))
		return cmd_dump(argc, argv, true);
	if (!strcmp(cmd, "evtchn"))
		return cmd_dump(argc, argv, false);
	if (!strcmp(cmd, "log"))
		return cmd_log(argc, argv);
	if (!strcmp(cmd, "trace"))
		return cmd_trace(argc, argv);
	if (!strcmp(cmd, "xenstore"))
		return cmd_xenstore(argc, argv);
	if (!strcmp(cmd, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(cmd, "fault"))
		return hvsim_fault_command(argc, argv);
	if (!strcmp(cmd, "scenario"))
		return cmd_scenario(argc, argv);
	fprintf(stderr, "hvsim: unknown command '%s'\n\n", cmd);
	return usage(2);
}
