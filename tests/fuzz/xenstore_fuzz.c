// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzzer `xenstore`: xsd_sockmsg requests into the store
 * (hv-sim/xenstore*.c, as xenstore_server.c hands them over: a header and
 * its payload) on a few connections of Domain-0 and two domUs, with the
 * domains coming and going between requests.  The input chooses every
 * header field and payload byte, so transactions, watches, permissions,
 * quotas (CONTROL quota set ...) and RELEASE/INTRODUCE all run.
 *
 * What must hold, checked as it happens: every request a live connection
 * makes gets exactly one reply, with its req_id, of its own type or
 * XS_ERROR; no message a client is sent is longer than
 * XENSTORE_PAYLOAD_MAX (libxenstore drops a connection that gets one);
 * a watch event is two nul-terminated strings.  After each input the
 * tree passes CONTROL check, and the store is freed for LeakSanitizer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore.h"
#include "fuzz_input.h"

#define NR_CONNS 5

struct fconn {
	struct xs_conn *xs;      /* NULL once closed or dropped */
	domid_t domid;
	unsigned int replies;    /* to the request being handled */
	uint32_t req_id;
	uint32_t type;
	char last_reply[64];     /* of CONTROL check */
};

static struct fconn conns[NR_CONNS];
/* the domids of the connections: dom0 twice, dom1 twice, dom2 */
static const domid_t conn_domid[NR_CONNS] = { 0, 0, 1, 2, 1 };

static void fail(const char *what)
{
	fprintf(stderr, "xenstore fuzzer: %s\n", what);
	abort();
}

static void f_send(struct xs_conn *c, const struct xsd_sockmsg *hdr, const void *payload)
{
	struct fconn *fc = xs_conn_opaque(c);

	if (hdr->len > XENSTORE_PAYLOAD_MAX)
		fail("a message longer than XENSTORE_PAYLOAD_MAX (libxenstore drops the connection)");
	if (hdr->type == XS_WATCH_EVENT) {
		const char *p = payload, *nul = memchr(p, 0, hdr->len);

		if (!nul || !memchr(nul + 1, 0, hdr->len - (size_t)(nul + 1 - p)))
			fail("a watch event that is not two strings");
		return;
	}
	fc->replies++;
	if (hdr->req_id != fc->req_id)
		fail("a reply with another req_id");
	if (hdr->type != fc->type && hdr->type != XS_ERROR)
		fail("a reply of another type");
	size_t n = hdr->len < sizeof(fc->last_reply) - 1 ? hdr->len : sizeof(fc->last_reply) - 1;
	if (n)	/* (an empty reply may come without a payload) */
		memcpy(fc->last_reply, payload, n);
	fc->last_reply[n] = 0;
}

static void f_drop(struct xs_conn *c)
{
	struct fconn *fc = xs_conn_opaque(c);

	xs_conn_free(c);
	fc->xs = NULL;
}

static const struct xs_conn_ops ops = { f_send, f_drop };

static void open_conn(int i)
{
	/* a released domain's socket turns connections away (xenstore_server.c) */
	if (conns[i].xs || !xenstore_domain_introduced(conn_domid[i]))
		return;
	conns[i].domid = conn_domid[i];
	conns[i].xs = xs_conn_new(conn_domid[i], &ops, &conns[i]);
	if (!conns[i].xs)
		fail("xs_conn_new");
}

static void close_conn(int i)
{
	if (conns[i].xs)
		xs_conn_free(conns[i].xs);
	conns[i].xs = NULL;
}

static void request(int i, uint32_t type, uint32_t req_id, uint32_t tx_id,
		    const void *payload, uint32_t len)
{
	struct xsd_sockmsg hdr = { .type = type, .req_id = req_id, .tx_id = tx_id, .len = len };
	struct fconn *fc = &conns[i];

	if (!fc->xs)
		return;
	fc->replies = 0;
	fc->req_id = req_id;
	fc->type = type;
	xenstore_request(fc->xs, &hdr, payload);
	/* a connection its domain's death or release dropped gets none */
	if (fc->xs && fc->replies != 1) {
		fprintf(stderr, "request type %u on a connection of dom%u: %u replies\n",
			type, fc->domid, fc->replies);
		fail("not exactly one reply");
	}
}

static void domain_up(domid_t domid)
{
	static const char *const uuids[] = {
		"", "4a9c0d1e-5b2f-4c3d-8e7f-0a1b2c3d4e5f", "0f1e2d3c-4b5a-4697-8877-665544332211",
	};
	char name[16];

	snprintf(name, sizeof(name), "dom%u", domid);
	if (xenstore_domain_introduced(domid))
		return;
	/* either way a domain is made: as hvsimd makes it, or plainly */
	if (domid % 2)
		xenstore_toolstack_domain_created(domid, name, uuids[domid]);
	else
		xenstore_domain_created(domid, name);
}

static void run_action(struct fz *f)
{
	uint8_t a = fz_u8(f);
	int i = (a >> 4) % NR_CONNS;

	switch (a & 0xf) {
	default: {	/* a request */
		uint8_t tsel = fz_u8(f);
		uint32_t type = tsel < 0xf0 ? tsel % (XS_TYPE_COUNT + 1) : fz_u32(f);
		uint8_t tx = fz_u8(f);
		uint32_t tx_id = tx < 0xf0 ? tx % 4 : fz_u32(f);
		uint32_t req_id = fz_u8(f);
		uint16_t len = fz_u16(f) % (XENSTORE_PAYLOAD_MAX + 1);
		size_t got = len;
		const uint8_t *p = fz_take(f, &got);

		request(i, type, req_id, tx_id, p, (uint32_t)got);
		break;
	}
	case 12:
		open_conn(i);
		break;
	case 13:
		close_conn(i);
		break;
	case 14:	/* hvsimd destroys a domain: the store drops its connections */
		xenstore_domain_destroyed((domid_t)(1 + fz_u8(f) % 2));
		break;
	case 15:	/* and creates one again (hvsim never reuses a domid; INTRODUCE may) */
		domain_up((domid_t)(1 + fz_u8(f) % 2));
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	static const char check[] = "check";

	if (xenstore_init() < 0)
		fail("xenstore_init");
	xenstore_domain_created(0, "Domain-0");
	domain_up(1);
	domain_up(2);
	for (int i = 0; i < NR_CONNS; i++)
		open_conn(i);
	while (fz_left(&f))
		run_action(&f);

	/* whatever happened, the tree is whole (a fresh dom0 connection asks) */
	close_conn(0);
	open_conn(0);
	request(0, XS_CONTROL, 7, 0, check, sizeof(check));
	if (strcmp(conns[0].last_reply, "OK") != 0) {
		fprintf(stderr, "CONTROL check: %s\n", conns[0].last_reply);
		fail("the tree is inconsistent");
	}
	for (int i = 0; i < NR_CONNS; i++)
		close_conn(i);
	xenstore_fini();
	return 0;
}
