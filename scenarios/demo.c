// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim-demo: the default job until the scenario runner exists.  Two
 * processes, each the kernel of its domain through libhvsim-guest: the
 * guest grants a page to Domain-0, Domain-0 maps it, both see each other's
 * writes, an event goes each way, the grant is revoked.
 *
 *   hvsim-demo GUEST_DOMID      (with hvsimd running, domains kernel-less)
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hvsim_guest.h"

#define REF        8      /* the first ref that is not reserved */
#define GUEST_GFN  0x100
#define DOM0_GFN   0x200

static int to_guest[2], to_dom0[2];

__attribute__((format(printf, 2, 3)))
static void say(const char *who, const char *fmt, ...)
{
	va_list ap;

	printf("[%-8s] ", who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void die(const char *who, const char *what, int err)
{
	say(who, "FAILED: %s: %s", what, err < 0 ? strerror(-err) : "unexpected result");
	exit(1);
}

static void put(int fd, uint32_t v)
{
	if (write(fd, &v, sizeof(v)) != sizeof(v))
		exit(1);
}

static uint32_t get(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint32_t v;

	if (poll(&p, 1, 10000) != 1 || read(fd, &v, sizeof(v)) != sizeof(v)) {
		fprintf(stderr, "hvsim-demo: the other side went quiet\n");
		exit(1);
	}
	return v;
}

static char *page(struct hvsim_guest *g, uint64_t gfn)
{
	return (char *)hvsim_guest_ram(g) + gfn * XEN_PAGE_SIZE;
}

static int guest(domid_t domid)
{
	const char *me = "guest";
	struct hvsim_guest *g;
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 0 };
	struct evtchn_send send;
	int err;

	if ((err = hvsim_guest_attach(NULL, domid, &g)))
		die(me, "attach", err);
	say(me, "attached as the kernel of domain %u (%s)", domid, hvsim_guest_name(g));
	strcpy(page(g, GUEST_GFN), "Hello from the guest");
	hvsim_guest_grant_access(g, REF, 0, GUEST_GFN, 0);
	say(me, "wrote \"%s\" in its page gfn %#x and granted it to dom0 as ref %d",
	    page(g, GUEST_GFN), GUEST_GFN, REF);
	if ((err = hvsim_guest_event_channel_op(g, EVTCHNOP_alloc_unbound, &au)))
		die(me, "alloc_unbound", err);
	say(me, "allocated event channel port %u, offered to dom0", au.port);
	put(to_dom0[1], au.port);

	if (hvsim_guest_wait_event(g, 10000) != au.port)
		die(me, "waiting for dom0's event", 0);
	say(me, "event on port %u; the page now reads \"%s\"", au.port, page(g, GUEST_GFN));
	if (hvsim_guest_end_access(g, REF))
		die(me, "revoking a mapped grant should fail", 0);
	say(me, "tried to revoke ref %d: refused, dom0 still maps it "
	    "(the hypervisor set GTF_reading|GTF_writing)", REF);
	send.port = au.port;
	if ((err = hvsim_guest_event_channel_op(g, EVTCHNOP_send, &send)))
		die(me, "send", err);
	say(me, "sent an event to dom0");
	get(to_guest[0]);
	if (!hvsim_guest_end_access(g, REF))
		die(me, "revoking after the unmap", 0);
	say(me, "dom0 unmapped: revoked ref %d", REF);
	hvsim_guest_detach(g);
	return 0;
}

static int dom0(domid_t guest_domid)
{
	const char *me = "Domain-0";
	struct hvsim_guest *g;
	evtchn_port_t remote;
	int err;

	if ((err = hvsim_guest_attach(NULL, 0, &g)))
		die(me, "attach", err);
	remote = get(to_dom0[0]);

	struct gnttab_map_grant_ref map = {
		.host_addr = (uint64_t)DOM0_GFN << XEN_PAGE_SHIFT,
		.flags = GNTMAP_host_map, .ref = REF, .dom = guest_domid,
	};
	if ((err = hvsim_guest_grant_table_op(g, GNTTABOP_map_grant_ref, &map, 1, NULL)) ||
	    map.status != GNTST_okay)
		die(me, "map_grant_ref", err ? err : map.status);
	say(me, "mapped the guest's ref %d at its gfn %#x: status okay, handle %u",
	    REF, DOM0_GFN, map.handle);
	say(me, "reads \"%s\"", page(g, DOM0_GFN));
	strcpy(page(g, DOM0_GFN), "Hello back from Domain-0");
	say(me, "wrote \"%s\"", page(g, DOM0_GFN));

	struct evtchn_bind_interdomain bind = { .remote_dom = guest_domid, .remote_port = remote };

	if ((err = hvsim_guest_event_channel_op(g, EVTCHNOP_bind_interdomain, &bind)))
		die(me, "bind_interdomain", err);
	/* Xen sets a freshly bound port pending */
	hvsim_guest_wait_event(g, 1000);
	say(me, "bound local port %u to the guest's port %u", bind.local_port, remote);
	struct evtchn_send send = { .port = bind.local_port };

	if ((err = hvsim_guest_event_channel_op(g, EVTCHNOP_send, &send)))
		die(me, "send", err);
	say(me, "sent an event to the guest");
	if (hvsim_guest_wait_event(g, 10000) != bind.local_port)
		die(me, "waiting for the guest's event", 0);
	say(me, "event on port %u from the guest", bind.local_port);

	struct gnttab_unmap_grant_ref unmap = { .host_addr = map.host_addr, .handle = map.handle };

	if ((err = hvsim_guest_grant_table_op(g, GNTTABOP_unmap_grant_ref, &unmap, 1, NULL)) ||
	    unmap.status != GNTST_okay)
		die(me, "unmap_grant_ref", err ? err : unmap.status);
	say(me, "unmapped handle %u", map.handle);
	put(to_guest[1], 1);
	hvsim_guest_detach(g);
	return 0;
}

int main(int argc, char **argv)
{
	int status, rc;
	pid_t pid;

	if (argc != 2) {
		fprintf(stderr, "usage: hvsim-demo GUEST_DOMID\n");
		return 2;
	}
	if (pipe(to_guest) || pipe(to_dom0))
		return 1;
	pid = fork();
	if (pid == 0)
		return guest((domid_t)atoi(argv[1]));
	rc = dom0((domid_t)atoi(argv[1]));
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		rc = 1;
	return rc;
}
