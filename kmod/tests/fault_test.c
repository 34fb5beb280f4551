// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection end to end (hvsim fault, docs/scenarios.md): a real
 * hvsimd, a guest kernel per domain with the real Linux drivers, and test
 * programs driving the devices through the device socket.  Each injected
 * fault takes the path Linux takes when Xen or the allocator says so:
 * gntdev's map retries GNTST_eagain (gnttab_retry_eagain_gop: again after
 * 1, 2, ... 255 ms) and gives up with GNTST_bad_page, a failed map is
 * mmap's EINVAL, a failed map hypercall is its errno, gntalloc's ENOMEM
 * undoes what it granted, evtchn's bind is ENOSPC, libxenvchan's server
 * gives NULL and leaves nothing granted or bound.  The control message
 * refuses garbage.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>

#include "hvsim/xen.h"
#include <xen/gntdev.h>
#include <xen/gntalloc.h>
#include <xen/evtchn.h>

#include "devclient.h"
#include "harness.h"
#include "hvsim/paths.h"

static char sock_a[PATH_MAX], sock_b[PATH_MAX];
static uint16_t dom_a, dom_b;

static void setup(void)
{
	harness_up(1);
	dom_a = harness_domain("granter");
	dom_b = harness_domain("mapper");
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), dom_a, sock_a, sizeof(sock_a)), 0);
	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), dom_b, sock_b, sizeof(sock_b)), 0);
}

static void teardown(void)
{
	if (getenv("KMOD_TEST_KEEP"))
		harness_keep();
	else
		harness_down();
}

/* ---- hvsimd ------------------------------------------------------------------- */

/* Sends a request written as JSON: 0 and the reply, or -errno (its message: why). */
static int ctl(const char *json, struct json_object **reply, const char **why)
{
	struct json_object *req = json_tokener_parse(json), *r = NULL;
	int rc;

	ck_assert_msg(req != NULL, "bad JSON in the test: %s", json);
	rc = hvsim_ctl_call(harness_ctl(), req, &r);
	if (why)
		*why = hvsim_ctl_error(harness_ctl());
	if (reply)
		*reply = r;
	else
		json_object_put(r);
	return rc;
}

__attribute__((format(printf, 1, 2)))
static void fault(const char *fmt, ...)
{
	char json[512];
	const char *why;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(json, sizeof(json), fmt, ap);
	va_end(ap);
	rc = ctl(json, NULL, &why);
	ck_assert_msg(rc == 0, "%s: %s", json, why);
}

/* The request is refused with errno `err`, its sentence holding `words`. */
static void refused(const char *json, int err, const char *words)
{
	const char *why;
	int rc = ctl(json, NULL, &why);

	ck_assert_msg(rc == -err, "%s: %d (%s), not -%d", json, rc, why, err);
	ck_assert_msg(strstr(why, words), "%s: said '%s', not '%s'", json, why, words);
}

static int64_t member(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : -1;
}

/* How many entries of d's grant table are granted (any flags) or pinned. */
static int granted_entries(uint16_t d)
{
	struct json_object *r, *gt, *entries;
	char json[96];
	int n = 0;

	snprintf(json, sizeof(json), "{\"cmd\":\"grants\",\"domain\":\"%u\"}", d);
	ck_assert_int_eq(ctl(json, &r, NULL), 0);
	ck_assert(json_object_object_get_ex(r, "grant_table", &gt));
	ck_assert(json_object_object_get_ex(gt, "entries", &entries));
	for (size_t i = 0; i < json_object_array_length(entries); i++)
		if (member(json_object_array_get_idx(entries, i), "flags") != 0)
			n++;
	json_object_put(r);
	return n;
}

/* How many of d's ports are not free. */
static int bound_ports(uint16_t d)
{
	struct json_object *r, *ev, *ports, *st;
	char json[96];
	int n = 0;

	snprintf(json, sizeof(json), "{\"cmd\":\"evtchn\",\"domain\":\"%u\"}", d);
	ck_assert_int_eq(ctl(json, &r, NULL), 0);
	ck_assert(json_object_object_get_ex(r, "evtchn", &ev));
	ck_assert(json_object_object_get_ex(ev, "ports", &ports));
	for (size_t i = 0; i < json_object_array_length(ports); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(ports, i), "state", &st) &&
		    strcmp(json_object_get_string(st), "free"))
			n++;
	json_object_put(r);
	return n;
}

static int mappings(uint16_t d)
{
	struct json_object *r, *dom;
	char json[96];
	int n;

	snprintf(json, sizeof(json), "{\"cmd\":\"domid\",\"domain\":\"%u\"}", d);
	ck_assert_int_eq(ctl(json, &r, NULL), 0);
	ck_assert(json_object_object_get_ex(r, "domain", &dom));
	n = (int)member(dom, "mappings");
	json_object_put(r);
	return n;
}

/* The `injected` count of d's rule of `kind` (-1: none). */
static int64_t injected(const char *domain, const char *kind)
{
	struct json_object *r, *faults, *k;
	char json[128];
	int64_t n = -1;

	snprintf(json, sizeof(json), "{\"cmd\":\"fault_list\",\"domain\":\"%s\"}", domain);
	ck_assert_int_eq(ctl(json, &r, NULL), 0);
	ck_assert(json_object_object_get_ex(r, "faults", &faults));
	for (size_t i = 0; i < json_object_array_length(faults); i++) {
		struct json_object *f = json_object_array_get_idx(faults, i);

		if (json_object_object_get_ex(f, "kind", &k) &&
		    !strcmp(json_object_get_string(k), kind))
			n = member(f, "injected");
	}
	json_object_put(r);
	return n;
}

/* Lines of the trace (after a sync) holding every one of the words. */
static int trace_lines(const char *w1, const char *w2, const char *w3)
{
	char *out;
	int n;

	ck_assert_int_eq(ctl("{\"cmd\":\"sync\"}", NULL, NULL), 0);
	harness_sh(&out, "grep -F -- '%s' %s/trace.jsonl | grep -F -- '%s' | grep -F -c -- '%s'",
		   w1, harness_dir(), w2 ? w2 : w1, w3 ? w3 : w1);
	n = atoi(out);
	free(out);
	return n;
}

/* Lines of domain d's kernel log that hold `words`. */
static int kernel_log_lines(uint16_t d, const char *words)
{
	char path[PATH_MAX], *out;
	int n;

	ck_assert_int_eq(hvsim_kernel_log(harness_dir(), d, path, sizeof(path)), 0);
	harness_sh(&out, "grep -F -c -- '%s' %s", words, path);
	n = atoi(out);
	free(out);
	return n;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- devices ------------------------------------------------------------------ */

static struct hvsim_dev *dev_open(const char *sock, const char *path)
{
	struct hvsim_dev *d = NULL;
	int rc = hvsim_dev_open(sock, path, O_RDWR, &d);

	ck_assert_msg(rc == 0, "open %s on %s: %s", path, sock, strerror(-rc));
	return d;
}

/* IOCTL_GNTALLOC_ALLOC_GREF of `count` pages for `to`: its return value. */
static long gntalloc(struct hvsim_dev *g, uint16_t to, uint32_t count, uint32_t *refs)
{
	struct {
		struct ioctl_gntalloc_alloc_gref op;
		uint32_t more[7];
	} a = { .op = { .domid = to, .flags = GNTALLOC_FLAG_WRITABLE, .count = count } };
	long rc;

	ck_assert_uint_le(count, 8);
	rc = hvsim_dev_ioctl(g, IOCTL_GNTALLOC_ALLOC_GREF, &a);
	if (rc == 0 && refs)
		memcpy(refs, (char *)&a + offsetof(struct ioctl_gntalloc_alloc_gref, gref_ids),
		       count * sizeof(uint32_t));
	return rc;
}

/* A page of A's, granted to B, with `text` in it: its ref. */
static uint32_t share_page(struct hvsim_dev **g, const char *text)
{
	uint32_t ref;
	void *p;

	*g = dev_open(sock_a, "/dev/xen/gntalloc");
	ck_assert_int_eq(gntalloc(*g, dom_b, 1, &ref), 0);
	ck_assert_int_eq(hvsim_dev_mmap(*g, NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, 0, &p),
			 0);
	strcpy(p, text);
	return ref;
}

/* B maps ref of A through gntdev: mmap's answer (0 or -errno), the mapping in *addr. */
static int map_ref(struct hvsim_dev *gd, uint32_t ref, void **addr)
{
	struct ioctl_gntdev_map_grant_ref a = { .count = 1 };

	a.refs[0].domid = dom_a;
	a.refs[0].ref = ref;
	ck_assert_int_eq(hvsim_dev_ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &a), 0);
	/* the map hypercall is made here, in gntdev's mmap */
	return hvsim_dev_mmap(gd, NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			      (off_t)a.index, addr);
}

/* ---- grant maps --------------------------------------------------------------- */

START_TEST(map_eagain_three_times_then_mapped)
{
	struct hvsim_dev *g, *gd;
	uint32_t ref = share_page(&g, "paged back in");
	void *p;

	fault("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"map_grant_ref\","
	      "\"status\":\"eagain\",\"times\":3}");
	gd = dev_open(sock_b, "/dev/xen/gntdev");
	ck_assert_int_eq(map_ref(gd, ref, &p), 0);
	ck_assert_str_eq(p, "paged back in");
	ck_assert_int_eq(mappings(dom_b), 1);
	/* the batch's element and Linux's two retries of it, then the one that maps */
	ck_assert_int_eq(injected("mapper", "map_grant_ref"), 3);
	ck_assert_int_eq(trace_lines("\"cmd\":\"map_grant_ref\"", "\"status\":-12,",
				     "\"injected\":true}"), 3);
	ck_assert_int_eq(trace_lines("\"cmd\":\"map_grant_ref\"", "\"status\":0,",
				     "\"rc\":0,\"ops\""), 1);
	ck_assert_int_eq(kernel_log_lines(dom_b, "eagain grant"), 0);
	hvsim_dev_close(gd);
	hvsim_dev_close(g);
}
END_TEST

/*
 * Linux tries an eagain entry 255 more times, sleeping 1, 2, ... 255 ms
 * between (32.6 s), then calls it GNTST_bad_page and logs it; gntdev's
 * mmap fails with EINVAL.
 */
START_TEST(map_eagain_for_ever_gives_up)
{
	struct hvsim_dev *g, *gd;
	uint32_t ref = share_page(&g, "never");
	double start;
	void *p;

	fault("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"map_grant_ref\","
	      "\"status\":\"eagain\",\"always\":true}");
	gd = dev_open(sock_b, "/dev/xen/gntdev");
	start = now_ms();
	ck_assert_int_eq(map_ref(gd, ref, &p), -EINVAL);
	ck_assert_msg(now_ms() - start > 32000, "gave up after %.0f ms", now_ms() - start);
	ck_assert_int_eq(injected("mapper", "map_grant_ref"), 256);
	ck_assert_int_eq(kernel_log_lines(dom_b, "gnttab_map_refs: "), 1);
	ck_assert_int_eq(kernel_log_lines(dom_b, " eagain grant"), 1);
	ck_assert_int_eq(mappings(dom_b), 0);
	/* nothing stays pinned on A's side: only A's own grant */
	ck_assert_int_eq(granted_entries(dom_a), 1);
	fault("{\"cmd\":\"fault_clear\",\"domain\":\"mapper\"}");
	ck_assert_int_eq(map_ref(gd, ref, &p), 0);
	ck_assert_str_eq(p, "never");
	hvsim_dev_close(gd);
	hvsim_dev_close(g);
}
END_TEST

START_TEST(map_no_device_space_is_einval)
{
	struct hvsim_dev *g, *gd;
	uint32_t ref = share_page(&g, "x");
	void *p;

	fault("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"map_grant_ref\","
	      "\"status\":\"no_device_space\"}");
	gd = dev_open(sock_b, "/dev/xen/gntdev");
	ck_assert_int_eq(map_ref(gd, ref, &p), -EINVAL);
	/* gnttab_map_refs says so for this status */
	ck_assert_int_eq(kernel_log_lines(dom_b, "maptrack limit reached"), 1);
	ck_assert_int_eq(mappings(dom_b), 0);
	ck_assert_int_eq(trace_lines("\"status\":-7,", "\"injected\":true}", NULL), 1);
	/* spent: the next map works */
	ck_assert_int_eq(map_ref(gd, ref, &p), 0);
	hvsim_dev_close(gd);
	hvsim_dev_close(g);
}
END_TEST

/* A hypercall-level errno: gnttab_map_refs returns it, and so does mmap. */
START_TEST(map_hypercall_enomem)
{
	struct hvsim_dev *g, *gd;
	uint32_t ref = share_page(&g, "x");
	void *p;

	fault("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"map_grant_ref\","
	      "\"errno\":\"ENOMEM\"}");
	gd = dev_open(sock_b, "/dev/xen/gntdev");
	ck_assert_int_eq(map_ref(gd, ref, &p), -ENOMEM);
	ck_assert_int_eq(mappings(dom_b), 0);
	ck_assert_int_eq(trace_lines("\"cmd\":\"map_grant_ref\"", "\"rc\":-12,\"injected\":true",
				     NULL), 1);
	hvsim_dev_close(gd);
	hvsim_dev_close(g);
}
END_TEST

/* ---- the kernel's allocations ---------------------------------------------------- */

START_TEST(gntalloc_enomem)
{
	struct hvsim_dev *g = dev_open(sock_a, "/dev/xen/gntalloc");
	int before = granted_entries(dom_a);
	uint32_t refs[2];

	/* gntalloc_ioctl_alloc's first allocation: its kcalloc of the refs */
	fault("{\"cmd\":\"fault_set\",\"domain\":\"granter\",\"kind\":\"kmalloc\"}");
	ck_assert_int_eq(gntalloc(g, dom_b, 1, refs), -ENOMEM);
	ck_assert_int_eq(injected("granter", "kmalloc"), 1);
	ck_assert_int_eq(kernel_log_lines(dom_a, "FAULT_INJECTION: forcing a failure: kmalloc at "
					  "drivers/xen/gntalloc.c:"), 1);
	ck_assert_int_eq(trace_lines("\"what\":\"fault_injected\"", "\"fault\":\"kmalloc\"",
				     "gntalloc.c"), 1);
	ck_assert_int_eq(granted_entries(dom_a), before);

	/* the second gref of two (kcalloc, gref, its page, gref): the first page
	 * was granted, add_grefs' undo takes it back */
	fault("{\"cmd\":\"fault_set\",\"domain\":\"granter\",\"kind\":\"kmalloc\",\"nth\":3}");
	ck_assert_int_eq(gntalloc(g, dom_b, 2, refs), -ENOMEM);
	ck_assert_int_eq(granted_entries(dom_a), before);
	/* spent, and gntalloc counts right: it works again */
	ck_assert_int_eq(gntalloc(g, dom_b, 2, refs), 0);
	ck_assert_int_eq(granted_entries(dom_a), before + 2);
	hvsim_dev_close(g);
}
END_TEST

/*
 * A failed alloc_page in gntalloc's add_grefs (Linux 6.1 and 6.12 alike):
 * the undo takes the gref whose page failed off gref_size twice (once in
 * "gref_size -= op->count - i", once in its __del_gref), so gref_size
 * ends at -1, which the next ioctl compares unsigned with the limit:
 * every later IOCTL_GNTALLOC_ALLOC_GREF of this kernel is ENOSPC.  What
 * was granted is taken back all the same.  (This is the driver's own
 * accounting, run as it is; the test pins it down.)
 */
START_TEST(gntalloc_page_failure_leaves_enospc)
{
	struct hvsim_dev *g = dev_open(sock_a, "/dev/xen/gntalloc");
	int before = granted_entries(dom_a);
	uint32_t refs[2];

	fault("{\"cmd\":\"fault_set\",\"domain\":\"granter\",\"kind\":\"alloc_page\",\"nth\":2}");
	ck_assert_int_eq(gntalloc(g, dom_b, 2, refs), -ENOMEM);
	ck_assert_int_eq(kernel_log_lines(dom_a, "alloc_page at drivers/xen/gntalloc.c:"), 1);
	ck_assert_int_eq(granted_entries(dom_a), before);
	ck_assert_int_eq(gntalloc(g, dom_b, 1, refs), -ENOSPC);
	ck_assert_int_eq(gntalloc(g, dom_b, 1, refs), -ENOSPC);
	ck_assert_int_eq(injected("granter", "alloc_page"), 1);
	ck_assert_int_eq(granted_entries(dom_a), before);
	hvsim_dev_close(g);
}
END_TEST

/* The counters are the named domain's: B's allocations fail, A's do not. */
START_TEST(kernel_faults_are_the_domains_own)
{
	struct hvsim_dev *ga = dev_open(sock_a, "/dev/xen/gntalloc");
	struct hvsim_dev *gb = dev_open(sock_b, "/dev/xen/gntalloc");

	fault("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"kmalloc\","
	      "\"always\":true}");
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(gntalloc(ga, dom_b, 1, NULL), 0);
		ck_assert_int_eq(gntalloc(gb, dom_a, 1, NULL), -ENOMEM);
	}
	fault("{\"cmd\":\"fault_clear\",\"domain\":\"mapper\",\"kind\":\"kmalloc\"}");
	ck_assert_int_eq(gntalloc(gb, dom_a, 1, NULL), 0);
	ck_assert_int_eq(injected("mapper", "kmalloc"), -1);
	hvsim_dev_close(ga);
	hvsim_dev_close(gb);
}
END_TEST

/* ---- event channels ------------------------------------------------------------ */

START_TEST(alloc_unbound_enospc)
{
	struct hvsim_dev *e = dev_open(sock_b, "/dev/xen/evtchn");
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = dom_a };
	int before = bound_ports(dom_b);

	fault("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"alloc_unbound\","
	      "\"errno\":\"ENOSPC\",\"times\":2}");
	ck_assert_int_eq(hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b), -ENOSPC);
	ck_assert_int_eq(hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b), -ENOSPC);
	ck_assert_int_eq(bound_ports(dom_b), before);
	ck_assert_int_gt(hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b), 0);
	ck_assert_int_eq(bound_ports(dom_b), before + 1);
	ck_assert_int_eq(trace_lines("\"cmd\":\"alloc_unbound\"", "\"rc\":-28,\"injected\":true",
				     NULL), 2);
	hvsim_dev_close(e);
}
END_TEST

/* An event sent to B reaches its program only after B's vCPU waited. */
START_TEST(upcall_delay)
{
	struct hvsim_dev *ea = dev_open(sock_a, "/dev/xen/evtchn");
	struct hvsim_dev *eb = dev_open(sock_b, "/dev/xen/evtchn");
	struct ioctl_evtchn_bind_unbound_port u = { .remote_domain = dom_b };
	struct ioctl_evtchn_bind_interdomain bi = { .remote_domain = dom_a };
	struct ioctl_evtchn_notify n;
	uint32_t port;
	double start;
	long pa, pb;

	pa = hvsim_dev_ioctl(ea, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &u);
	ck_assert_int_gt(pa, 0);
	bi.remote_port = (uint32_t)pa;
	pb = hvsim_dev_ioctl(eb, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bi);
	ck_assert_int_gt(pb, 0);
	/* the bind's own event first (Xen makes the new port pending) */
	ck_assert_int_eq(hvsim_dev_poll(eb, POLLIN, 3000), 1);
	ck_assert_int_eq(hvsim_dev_read(eb, &port, sizeof(port)), sizeof(port));
	ck_assert_int_eq(hvsim_dev_write(eb, &port, sizeof(port)), sizeof(port));

	fault("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"upcall_delay\","
	      "\"delay_ms\":400}");
	n.port = (uint32_t)pa;
	start = now_ms();
	ck_assert_int_eq(hvsim_dev_ioctl(ea, IOCTL_EVTCHN_NOTIFY, &n), 0);
	ck_assert_int_eq(hvsim_dev_poll(eb, POLLIN, 5000), 1);
	ck_assert_msg(now_ms() - start >= 380, "the event came after %.0f ms", now_ms() - start);
	ck_assert_int_eq(hvsim_dev_read(eb, &port, sizeof(port)), sizeof(port));
	ck_assert_uint_eq(port, (uint32_t)pb);
	ck_assert_int_eq(trace_lines("\"what\":\"fault_injected\"", "\"fault\":\"upcall_delay\"",
				     "\"delay_ms\":400"), 1);
	ck_assert_int_eq(injected("mapper", "upcall_delay"), 1);
	fault("{\"cmd\":\"fault_clear\",\"domain\":\"mapper\"}");
	hvsim_dev_close(ea);
	hvsim_dev_close(eb);
}
END_TEST

/* ---- libxenvchan ------------------------------------------------------------------ */

/*
 * libxenvchan_server_init binds a port, then shares the control page, then
 * each ring.  Whichever step fails, it returns NULL and takes back what
 * the steps before it made (libxenvchan_close): nothing stays granted or
 * bound.  Each case runs in a domain of its own, whose event array
 * already has its page (a port bound and closed first), so that the
 * server's page allocations are: evtchn's page for the port it unmasks
 * (evtchn.c's write), then gntalloc's, the control page and two pages for
 * each ring (--ring 8192).  `fault_json` names the domain "%s".
 */
static void vchan_fails_cleanly(const char *name, const char *fault_json, const char *kind,
				const char *site, const char *says)
{
	char hvsim[PATH_MAX], server[PATH_MAX], sock[PATH_MAX], json[512], *out;
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = dom_b };
	uint16_t d = harness_domain(name);
	struct hvsim_dev *e;
	int grants, ports, status;
	struct ioctl_evtchn_unbind u;

	ck_assert_int_eq(hvsim_devices_socket(harness_dir(), d, sock, sizeof(sock)), 0);
	e = dev_open(sock, "/dev/xen/evtchn");
	u.port = (uint32_t)hvsim_dev_ioctl(e, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
	ck_assert_int_gt((int)u.port, 0);
	ck_assert_int_eq(hvsim_dev_ioctl(e, IOCTL_EVTCHN_UNBIND, &u), 0);
	hvsim_dev_close(e);
	grants = granted_entries(d);
	ports = bound_ports(d);

	snprintf(json, sizeof(json), fault_json, name);
	fault("%s", json);
	snprintf(hvsim, sizeof(hvsim), "%s", harness_exe("hvsim"));
	snprintf(server, sizeof(server), "%s", harness_exe("vchan-server"));
	status = harness_sh(&out, "%s run %u -- %s --ring 8192 --timeout 10 %u data/vchan 2>&1",
			    hvsim, d, server, dom_b);
	ck_assert_msg(status == 2 && strstr(out, "libxenvchan_server_init") && strstr(out, says),
		      "exit %d, it said: %s", status, out);
	free(out);
	ck_assert_int_eq(injected(name, kind), 1);
	if (site)
		ck_assert_int_eq(kernel_log_lines(d, site), 1);
	ck_assert_int_eq(granted_entries(d), grants);
	ck_assert_int_eq(bound_ports(d), ports);
}

START_TEST(vchan_server_without_a_port)
{
	vchan_fails_cleanly("vchan-port", "{\"cmd\":\"fault_set\",\"domain\":\"%s\","
			    "\"kind\":\"alloc_unbound\",\"errno\":\"ENOSPC\"}", "alloc_unbound", NULL,
			    "No space left on device");
}
END_TEST

START_TEST(vchan_server_without_a_ring)
{
	/* the port is bound and the control page shared: the first ring page fails */
	vchan_fails_cleanly("vchan-ring", "{\"cmd\":\"fault_set\",\"domain\":\"%s\","
			    "\"kind\":\"alloc_page\",\"nth\":3}", "alloc_page",
			    "alloc_page at drivers/xen/gntalloc.c:",
			    "Cannot allocate memory");
}
END_TEST

START_TEST(vchan_server_without_its_last_page)
{
	/* control page and the first ring granted, the second ring half */
	vchan_fails_cleanly("vchan-last", "{\"cmd\":\"fault_set\",\"domain\":\"%s\","
			    "\"kind\":\"alloc_page\",\"nth\":6}", "alloc_page",
			    "alloc_page at drivers/xen/gntalloc.c:",
			    "Cannot allocate memory");
}
END_TEST

/* ---- the control message ------------------------------------------------------------- */

START_TEST(control_refuses_garbage)
{
	struct json_object *r;

	refused("{\"cmd\":\"fault_bogus\",\"domain\":\"mapper\"}", EINVAL, "unknown command");
	refused("{\"cmd\":\"fault_set\"}", EINVAL, "missing \"domain\"");
	refused("{\"cmd\":\"fault_set\",\"domain\":7,\"kind\":\"kmalloc\"}", EINVAL,
		"missing \"domain\"");
	refused("{\"cmd\":\"fault_set\",\"domain\":\"99999\",\"kind\":\"kmalloc\"}", ESRCH,
		"no domain '99999'");
	refused("{\"cmd\":\"fault_set\",\"domain\":\"-1\",\"kind\":\"kmalloc\"}", ESRCH,
		"no domain");
	refused("{\"cmd\":\"fault_set\",\"domain\":\"mapper\"}", EINVAL, "missing \"kind\"");
	refused("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"teleport\"}", EINVAL,
		"unknown fault kind 'teleport'");
	refused("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"alloc_unbound\","
		"\"status\":\"eagain\"}", EINVAL, "no grant status");
	refused("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"map_grant_ref\","
		"\"status\":\"eagain\",\"times\":0}", EINVAL, "\"times\" must be 1 to 1000000");
	refused("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"map_grant_ref\","
		"\"status\":\"eagain\",\"nth\":4294967297}", EINVAL, "\"nth\" must be");
	refused("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"upcall_delay\","
		"\"delay_ms\":3600000}", EINVAL, "\"delay_ms\" must be");
	refused("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"kmalloc\","
		"\"status\":null}", EINVAL, "no status or errno");
	refused("{\"cmd\":\"fault_clear\",\"domain\":\"mapper\",\"kind\":\"teleport\"}", EINVAL,
		"unknown fault kind");
	refused("{\"cmd\":\"fault_clear\",\"domain\":\"mapper\",\"times\":3}", EINVAL,
		"unknown member \"times\"");
	refused("{\"cmd\":\"fault_list\",\"domain\":\"nobody\"}", ESRCH, "no domain");
	/* Domain-0 takes rules too; a destroyed domain none, and its rules are gone */
	fault("{\"cmd\":\"fault_set\",\"domain\":\"Domain-0\",\"kind\":\"send\","
	      "\"errno\":\"EINVAL\",\"nth\":1000000}");
	fault("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"kmalloc\",\"nth\":1000}");
	ck_assert_int_eq(hvsim_domain_destroy(harness_ctl(), "mapper"), 0);
	refused("{\"cmd\":\"fault_set\",\"domain\":\"mapper\",\"kind\":\"kmalloc\"}", ESRCH,
		"is dead");
	ck_assert_int_eq(ctl("{\"cmd\":\"fault_list\",\"domain\":\"2\"}", &r, NULL), 0);
	ck_assert_str_eq(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN),
			 "{\"ok\":true,\"domain\":\"mapper\",\"faults\":[]}");
	json_object_put(r);
	/* and hvsimd still serves */
	ck_assert_int_eq(hvsim_ping(harness_ctl()), 0);
}
END_TEST

/* ---- the command ----------------------------------------------------------------- */

/* `hvsim fault ARGS`: its exit status, and its output (both streams) in *out. */
static int hvsim_fault(char **out, const char *args)
{
	char hvsim[PATH_MAX];

	snprintf(hvsim, sizeof(hvsim), "%s", harness_exe("hvsim"));
	return harness_sh(out, "HVSIM_DIR='%s' '%s' fault %s 2>&1", harness_dir(), hvsim, args);
}

START_TEST(command_line)
{
	char *out;

	ck_assert_int_eq(hvsim_fault(&out, "mapper map-grant eagain --times 3"), 0);
	ck_assert_str_eq(out, "mapper: map-grant-ref eagain: 3 times from the 1st on; injected 0\n");
	free(out);
	ck_assert_int_eq(hvsim_fault(&out, "2 upcall-delay 1.5s"), 0);
	free(out);
	ck_assert_int_eq(hvsim_fault(&out, "mapper kmalloc --nth 2 --always"), 0);
	free(out);
	ck_assert_int_eq(hvsim_fault(&out, "mapper"), 0);
	ck_assert_str_eq(out, "mapper: map-grant-ref eagain: 3 times from the 1st on; injected 0\n"
			 "mapper: upcall-delay 1500ms: every time from the 1st on; injected 0\n"
			 "mapper: kmalloc: every time from the 2nd on; injected 0\n");
	free(out);
	ck_assert_int_eq(hvsim_fault(&out, "--json mapper"), 0);
	ck_assert_msg(strstr(out, "\"delay_ms\":1500") && strstr(out, "\"always\":true"), "%s",
		      out);
	free(out);
	ck_assert_int_eq(hvsim_fault(&out, "granter alloc-unbound -ENOSPC"), 0);
	free(out);
	ck_assert_int_eq(injected("granter", "alloc_unbound"), 0);
	/* hvsimd's refusals: exit 1 with its reason */
	ck_assert_int_eq(hvsim_fault(&out, "nobody kmalloc"), 1);
	ck_assert_msg(strstr(out, "no domain 'nobody'"), "%s", out);
	free(out);
	ck_assert_int_eq(hvsim_fault(&out, "mapper clear kmalloc"), 0);
	ck_assert_str_eq(out, "mapper: 1 fault rule cleared\n");
	free(out);
	ck_assert_int_eq(hvsim_fault(&out, "mapper clear"), 0);
	ck_assert_str_eq(out, "mapper: 2 fault rules cleared\n");
	free(out);
	ck_assert_int_eq(hvsim_fault(&out, "mapper"), 0);
	ck_assert_str_eq(out, "mapper: no fault rules\n");
	free(out);
	/* the kernel took them back too */
	ck_assert_int_eq(kernel_log_lines(dom_b, "fault injection: upcall delay cleared"), 1);
	ck_assert_int_eq(kernel_log_lines(dom_b, "fault injection: kmalloc cleared"), 1);
}
END_TEST

/* make test-2level: every kernel on the 2-level ABI (docs/evtchn.md) */
static bool two_level_run(void)
{
	const char *p = getenv("HVSIM_KERNEL_PARAMS");

	return p && strstr(p, "xen.fifo_events=0");
}

static bool address_sanitized(void)
{
#ifdef __SANITIZE_ADDRESS__
	return true;
#else
	return false;
#endif
}

static Suite *fault_suite(void)
{
	Suite *s = suite_create("fault");
	TCase *tc = tcase_create("fault");
	TCase *slow;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, map_eagain_three_times_then_mapped);
	tcase_add_test(tc, map_no_device_space_is_einval);
	tcase_add_test(tc, map_hypercall_enomem);
	tcase_add_test(tc, gntalloc_enomem);
	tcase_add_test(tc, gntalloc_page_failure_leaves_enospc);
	tcase_add_test(tc, kernel_faults_are_the_domains_own);
	tcase_add_test(tc, alloc_unbound_enospc);
	tcase_add_test(tc, upcall_delay);
	tcase_add_test(tc, vchan_server_without_a_port);
	tcase_add_test(tc, vchan_server_without_a_ring);
	tcase_add_test(tc, vchan_server_without_its_last_page);
	tcase_add_test(tc, control_refuses_garbage);
	tcase_add_test(tc, command_line);
	suite_add_tcase(s, tc);
	/*
	 * Linux's own patience: 32.6 s of retries, mostly asleep.  The path
	 * has nothing to do with the event ABI, and it sleeps the same under
	 * ASan: make check's plain and UBSan runs cover it, and the 2-level
	 * and ASan runs save their half minute each.
	 */
	if (two_level_run() || address_sanitized())
		return s;
	slow = tcase_create("eagain-for-ever");
	tcase_add_checked_fixture(slow, setup, teardown);
	tcase_set_timeout(slow, 120);
	tcase_add_test(slow, map_eagain_for_ever_gives_up);
	suite_add_tcase(s, slow);
	return s;
}

int main(void)
{
	return harness_run(fault_suite());
}
