// SPDX-License-Identifier: GPL-2.0-only
/*
 * privcmd-xc query: the libxenctrl calls a vchan user makes, the way
 * Qubes' libvchan-xen makes them (vchan/init.c and vchan/io.c in
 * QubesOS/qubes-core-vchan-xen, read for what it calls, not copied):
 * xc_interface_open(NULL, NULL, 0); xc_domain_getinfo(xch, dom, 1, &info)
 * to tell whether the peer is still there; xc_evtchn_status() with port -1
 * when that is refused (ESRCH says the domain is gone), and on its own
 * port (DOMID_SELF) to see whether the channel is still interdomain.  And
 * xc_version's sub-ops and xc_domain_getinfolist, which the toolstack uses
 * beside them.
 *
 * One line per call: "QUERY ARGS -> RESULT", and for getinfo/getinfolist
 * one "  dom ..." line per domain returned (dominfo_line's format).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

#include "privcmd_xc.h"

#define MAX_DOMS 64

/* "self" is DOMID_SELF; anything else a number. */
static uint32_t parse_dom(const char *s)
{
	return strcmp(s, "self") ? parse_u32(s, "domid") : DOMID_SELF;
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/*
 * "  dom D state=rb--d hvm=1 hap=1 pages=N max_kb=K vcpus=1 max_vcpu=0
 * cpupool=0 handle=HEX": state letters as xl list shows them (running,
 * blocked, paused, shutdown, crashed, dying; '-' when not).
 */
static void dominfo_line(uint32_t domid, bool r, bool b, bool p, bool s, bool c, bool d,
			 bool hvm, bool hap, uint64_t pages, uint64_t max_kb, unsigned int vcpus,
			 unsigned int max_vcpu, unsigned int cpupool, const uint8_t handle[16])
{
	char h[33];

	hex(h, handle, 16);
	say("  dom %u state=%c%c%c%c%c%c hvm=%d hap=%d pages=%llu max_kb=%llu vcpus=%u "
	    "max_vcpu=%u cpupool=%u handle=%s", domid, r ? 'r' : '-', b ? 'b' : '-',
	    p ? 'p' : '-', s ? 's' : '-', c ? 'c' : '-', d ? 'd' : '-', hvm, hap,
	    (unsigned long long)pages, (unsigned long long)max_kb, vcpus, max_vcpu, cpupool, h);
}

/* xc_version's sub-ops, each with the buffer libxenctrl expects. */
static void query_version(xc_interface *xch)
{
	xen_extraversion_t extra;
	xen_capabilities_info_t caps;
	xen_feature_info_t fi = { .submap_idx = 0 };
	xen_domain_handle_t handle;
	xen_commandline_t cmdline;
	struct {
		xen_build_id_t hdr;
		unsigned char buf[64];
	} bid;
	char h[2 * sizeof(bid.buf) + 1];
	int rc;

	rc = xc_version(xch, XENVER_version, NULL);
	if (rc < 0)
		say("version -> %s", result(rc, errno));
	else
		say("version -> %d.%d", rc >> 16, rc & 0xffff);

	memset(extra, 0, sizeof(extra));
	rc = xc_version(xch, XENVER_extraversion, extra);
	say("extraversion -> %s \"%.*s\"", result(rc, errno), (int)sizeof(extra), extra);

	memset(caps, 0, sizeof(caps));
	rc = xc_version(xch, XENVER_capabilities, caps);
	say("capabilities -> %s \"%.*s\"", result(rc, errno), (int)sizeof(caps), caps);

	rc = xc_version(xch, XENVER_get_features, &fi);
	say("get_features -> %s submap=%#x", result(rc, errno), rc < 0 ? 0 : fi.submap);

	rc = xc_version(xch, XENVER_pagesize, NULL);
	say("pagesize -> %s", result(rc, errno));

	memset(handle, 0xee, sizeof(handle));
	rc = xc_version(xch, XENVER_guest_handle, handle);
	hex(h, handle, sizeof(handle));
	say("guest_handle -> %s %s", result(rc, errno), rc < 0 ? "-" : h);

	memset(cmdline, 0, sizeof(cmdline));
	rc = xc_version(xch, XENVER_commandline, cmdline);
	say("commandline -> %s \"%.*s\"", result(rc, errno), (int)sizeof(cmdline), cmdline);

	/* the header says how much room follows it; the answer is the id's length */
	memset(&bid, 0, sizeof(bid));
	bid.hdr.len = sizeof(bid.buf);
	rc = xc_version(xch, XENVER_build_id, &bid);
	if (rc > 0 && (size_t)rc <= sizeof(bid.buf))
		hex(h, bid.hdr.buf, (size_t)rc);
	else
		strcpy(h, "-");
	say("build_id -> %s %s", result(rc, errno), h);
}

/* xc_domain_getinfo(FIRST, MAX): as many domains from FIRST on as exist, up to MAX. */
static void query_getinfo(xc_interface *xch, uint32_t first, uint32_t max)
{
	static xc_dominfo_t info[MAX_DOMS];
	int n;

	if (max > MAX_DOMS)
		die("getinfo: at most %d", MAX_DOMS);
	n = xc_domain_getinfo(xch, first, max, info);
	say("getinfo %u %u -> %s", first, max, result(n, errno));
	for (int i = 0; i < n; i++)
		dominfo_line(info[i].domid, info[i].running, info[i].blocked, info[i].paused,
			     info[i].shutdown, info[i].crashed, info[i].dying, info[i].hvm,
			     info[i].hap, info[i].nr_pages, info[i].max_memkb,
			     info[i].nr_online_vcpus, info[i].max_vcpu_id, info[i].cpupool,
			     info[i].handle);
}

static void query_getinfolist(xc_interface *xch, uint32_t first, uint32_t max)
{
	static xc_domaininfo_t info[MAX_DOMS];
	int n;

	if (max > MAX_DOMS)
		die("getinfolist: at most %d", MAX_DOMS);
	n = xc_domain_getinfolist(xch, first, max, info);
	say("getinfolist %u %u -> %s", first, max, result(n, errno));
	for (int i = 0; i < n; i++) {
		uint32_t f = info[i].flags;

		dominfo_line(info[i].domain, f & XEN_DOMINF_running, f & XEN_DOMINF_blocked,
			     f & XEN_DOMINF_paused, f & XEN_DOMINF_shutdown, false,
			     f & XEN_DOMINF_dying, f & XEN_DOMINF_hvm_guest, f & XEN_DOMINF_hap,
			     info[i].tot_pages, info[i].max_pages << 2, info[i].nr_online_vcpus,
			     info[i].max_vcpu_id, info[i].cpupool, info[i].handle);
	}
}

/* "status DOM PORT -> 0 unbound dom=R" / "interdomain dom=R port=P" / "closed" / error */
static void query_status(xc_interface *xch, const char *dom, uint32_t port)
{
	xc_evtchn_status_t st = { .dom = (domid_t)parse_dom(dom), .port = port };
	int rc = xc_evtchn_status(xch, &st);

	if (rc < 0) {
		say("status %s %d -> %s", dom, (int)port, result(rc, errno));
		return;
	}
	switch (st.status) {
	case EVTCHNSTAT_closed:
		say("status %s %d -> %d closed", dom, (int)port, rc);
		break;
	case EVTCHNSTAT_unbound:
		say("status %s %d -> %d unbound dom=%u", dom, (int)port, rc, st.u.unbound.dom);
		break;
	case EVTCHNSTAT_interdomain:
		say("status %s %d -> %d interdomain dom=%u port=%u", dom, (int)port, rc,
		    st.u.interdomain.dom, st.u.interdomain.port);
		break;
	default:
		say("status %s %d -> %d status=%u", dom, (int)port, rc, st.status);
	}
}

/*
 * libvchan-xen's "is the peer domain still alive" (io.c,
 * libvchan__check_domain_alive, as built against Xen 4.17, which has no
 * xc_domain_getinfo_single): getinfo of one domain from `dom` on; if that
 * domain is not the one asked for, or is dying, it is gone; getinfo failing
 * with ESRCH means gone; any other failure (a domU's EPERM) falls back to
 * EVTCHNOP_status on port -1 of that domain, where only ESRCH means gone.
 * The line says which call decided.
 */
static void query_alive(xc_interface *xch, uint32_t dom)
{
	xc_evtchn_status_t st = { .dom = (domid_t)dom, .port = (evtchn_port_t)-1 };
	xc_dominfo_t info;
	int n = xc_domain_getinfo(xch, dom, 1, &info);
	int err = errno;

	if (n == 1) {
		say("alive %u -> %d by getinfo (dom %u%s)", dom,
		    info.domid == dom && !info.dying, info.domid, info.dying ? ", dying" : "");
		return;
	}
	if (n == -1 && err == ESRCH) {
		say("alive %u -> 0 by getinfo ESRCH", dom);
		return;
	}
	if (xc_evtchn_status(xch, &st) == -1 && errno == ESRCH) {
		say("alive %u -> 0 by status ESRCH (getinfo %s)", dom, errno_name(err));
		return;
	}
	say("alive %u -> 1 by status %s (getinfo %s)", dom, errno_name(errno), errno_name(err));
}

int query_main(int argc, char **argv)
{
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);

	if (!xch) {
		say("open -> -1 %s", errno_name(errno));
		return 1;
	}
	say("open -> ok");
	for (int i = 0; i < argc;) {
		const char *q = argv[i];
		int need = !strcmp(q, "version") ? 0 : !strcmp(q, "alive") ? 1 : 2;

		if (i + need >= argc)
			die("%s needs %d arguments", q, need);
		if (!strcmp(q, "version"))
			query_version(xch);
		else if (!strcmp(q, "getinfo"))
			query_getinfo(xch, parse_u32(argv[i + 1], "domid"),
				      parse_u32(argv[i + 2], "count"));
		else if (!strcmp(q, "getinfolist"))
			query_getinfolist(xch, parse_u32(argv[i + 1], "domid"),
					  parse_u32(argv[i + 2], "count"));
		else if (!strcmp(q, "status"))
			query_status(xch, argv[i + 1], (uint32_t)strtol(argv[i + 2], NULL, 0));
		else if (!strcmp(q, "alive"))
			query_alive(xch, parse_u32(argv[i + 1], "domid"));
		else
			die("unknown query '%s'", q);
		i += 1 + need;
	}
	xc_interface_close(xch);
	say("done");
	return 0;
}
