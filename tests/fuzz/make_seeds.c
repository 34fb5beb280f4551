// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes the binary seed corpora of the fuzzers `hypercall`, `xenstore`
 * and `devices` (tests/fuzz/<target>/): each seed is a short, real
 * conversation in the harness's input format (hypercall_fuzz.c's
 * run_action, xenstore_fuzz.c's, devices_fuzz.c's), as a guest kernel, a
 * libxenstore client or a program on the devices would have it.  `make fuzz-seeds` runs it; the seeds are
 * committed, so the fuzzers never need it.
 *
 *   make_seeds DIR      writes DIR/hypercall/..., DIR/xenstore/..., DIR/devices/...
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hvsim/hypercall_wire.h"
#include "hvsim/xen.h"
#include <xen/io/xs_wire.h>
#include <xen/version.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/memory.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntalloc.h>
#include <xen/sys/gntdev.h>
#include <xen/sys/privcmd.h>

/* hypercall_fuzz.c's actions (low nibble) and slots (high nibble) */
enum { A_HYPERCALL = 0, A_RAW = 4, A_GRANT = 6, A_SCRIBBLE = 8, A_GARBAGE = 9,
       A_FAULT = 10, A_HANG_UP = 11, A_DESTROY = 12 };
enum { DOM0 = 0, ALICE = 1, BOB = 2 };
#define SCRATCH_BASE 0x10000u

struct out {
	uint8_t b[8192];
	size_t n;
};

static void put(struct out *o, const void *p, size_t len)
{
	if (o->n + len > sizeof(o->b)) {
		fprintf(stderr, "make_seeds: a seed too long\n");
		exit(1);
	}
	memcpy(o->b + o->n, p, len);
	o->n += len;
}

static void u8(struct out *o, uint8_t v) { put(o, &v, 1); }
static void u16(struct out *o, uint16_t v) { u8(o, (uint8_t)v); u8(o, (uint8_t)(v >> 8)); }
static void u32(struct out *o, uint32_t v) { u16(o, (uint16_t)v); u16(o, (uint16_t)(v >> 16)); }

static const char *dir;

static void save(const char *target, const char *name, const struct out *o)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(o->b, 1, o->n, f) != o->n || fclose(f)) {
		fprintf(stderr, "make_seeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* hypercall ------------------------------------------------------------------ */

static void gnttab(struct out *o, int slot, unsigned int cmd, const void *ops,
		   unsigned int count, size_t size)
{
	u8(o, (uint8_t)(A_HYPERCALL | slot << 4));
	u8(o, 0);                   /* grant_table_op */
	u8(o, (uint8_t)cmd);
	u8(o, (uint8_t)(count - 1));
	u8(o, 0);                   /* cpu */
	put(o, ops, size * count);
}

static void evtchn(struct out *o, int slot, unsigned int cmd, const void *op, size_t size)
{
	u8(o, (uint8_t)(A_HYPERCALL | slot << 4));
	u8(o, 1);                   /* event_channel_op */
	u8(o, (uint8_t)cmd);
	u8(o, 0);                   /* cpu */
	put(o, op, size);
}

/* The guest writes grant entry `ref`: frame, domid, then flags. */
static void grant(struct out *o, int slot, uint16_t ref, uint16_t flags, uint16_t domid,
		  uint32_t frame)
{
	u8(o, (uint8_t)(A_GRANT | slot << 4));
	u16(o, ref);
	u16(o, flags);
	u16(o, domid);
	u32(o, frame);
	u8(o, 0);
}

/* A raw hypercall of the table's op `sel`, args 32-bit, with `blob` at SCRATCH_BASE. */
static void raw(struct out *o, int slot, uint8_t sel, const uint32_t args[5],
		const void *blob, uint16_t len)
{
	u8(o, (uint8_t)(A_RAW | slot << 4));
	u8(o, sel);
	u8(o, 0);                   /* every arg 32-bit, the child's pid, nothing inline */
	for (int i = 0; i < 5; i++)
		u32(o, args[i]);
	u16(o, 0);                  /* at SCRATCH_BASE + 0 */
	u16(o, len);
	put(o, blob, len);
}
enum { RAW_XEN_VERSION, RAW_DOMCTL, RAW_SYSCTL, RAW_MEMORY_OP, RAW_DM_OP,
       RAW_EVTCHN, RAW_GNTTAB };

static void map_unmap(struct out *o, int mapper, int granter, uint16_t ref, uint32_t gfn,
		      uint32_t flags)
{
	struct gnttab_map_grant_ref m = { .host_addr = (uint64_t)gfn << 12, .flags = flags,
					  .ref = ref, .dom = (domid_t)granter };
	struct gnttab_unmap_grant_ref u = { .host_addr = (uint64_t)gfn << 12, .handle = 0 };

	gnttab(o, mapper, GNTTABOP_map_grant_ref, &m, 1, sizeof(m));
	gnttab(o, mapper, GNTTABOP_unmap_grant_ref, &u, 1, sizeof(u));
}

static void hypercall_seeds(void)
{
	struct out o;

	/* alice grants a page to Domain-0, which maps it, unmaps it; alice ends it */
	o.n = 0;
	u8(&o, 0);
	grant(&o, ALICE, 8, GTF_permit_access, 0, 5);
	map_unmap(&o, DOM0, ALICE, 8, 10, GNTMAP_host_map);
	grant(&o, ALICE, 8, 0, 0, 5);
	save("hypercall", "grant-map-unmap", &o);

	/* read-only, a batch of two, one of them refused; then alice dies mapped */
	o.n = 0;
	u8(&o, 0);
	grant(&o, ALICE, 8, GTF_permit_access | GTF_readonly, 2, 5);
	grant(&o, ALICE, 9, GTF_permit_access, 2, 6);
	{
		struct gnttab_map_grant_ref m[2] = {
			{ .host_addr = 3 << 12, .flags = GNTMAP_host_map | GNTMAP_readonly,
			  .ref = 8, .dom = ALICE },
			{ .host_addr = 4 << 12, .flags = GNTMAP_host_map, .ref = 8, .dom = ALICE },
		};
		gnttab(&o, BOB, GNTTABOP_map_grant_ref, m, 2, sizeof(m[0]));
	}
	u8(&o, A_HANG_UP | ALICE << 4);
	save("hypercall", "map-batch-then-granter-dies", &o);

	/* grant copy from alice's grant into bob's own frame, and back */
	o.n = 0;
	u8(&o, 0);
	grant(&o, ALICE, 10, GTF_permit_access, 2, 7);
	{
		struct gnttab_copy c[2] = {
			{ .source = { .u.ref = 10, .domid = ALICE, .offset = 16 },
			  .dest = { .u.gmfn = 3, .domid = DOMID_SELF, .offset = 0 },
			  .len = 100, .flags = GNTCOPY_source_gref },
			{ .source = { .u.gmfn = 3, .domid = DOMID_SELF },
			  .dest = { .u.ref = 10, .domid = ALICE, .offset = 4000 },
			  .len = 96, .flags = GNTCOPY_dest_gref },
		};
		gnttab(&o, BOB, GNTTABOP_copy, c, 2, sizeof(c[0]));
	}
	save("hypercall", "grant-copy", &o);

	/* the table's own ops */
	o.n = 0;
	u8(&o, 0);
	{
		struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 4 };
		struct gnttab_query_size qs = { .dom = DOMID_SELF };
		struct gnttab_get_version gv = { .dom = DOMID_SELF };
		struct gnttab_set_version sv = { .version = 2 };

		gnttab(&o, ALICE, GNTTABOP_setup_table, &st, 1, sizeof(st));
		gnttab(&o, ALICE, GNTTABOP_query_size, &qs, 1, sizeof(qs));
		gnttab(&o, ALICE, GNTTABOP_get_version, &gv, 1, sizeof(gv));
		gnttab(&o, ALICE, GNTTABOP_set_version, &sv, 1, sizeof(sv));
		qs.dom = BOB;
		gnttab(&o, DOM0, GNTTABOP_query_size, &qs, 1, sizeof(qs));
	}
	save("hypercall", "table-ops", &o);

	/* an interdomain channel under 2-level: alloc, bind, send both ways, close */
	o.n = 0;
	u8(&o, 0);
	{
		struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = BOB };
		struct evtchn_bind_interdomain bi = { .remote_dom = ALICE, .remote_port = 1 };
		struct evtchn_send s = { .port = 1 };
		struct evtchn_status st = { .dom = DOMID_SELF, .port = 1 };
		struct evtchn_unmask um = { .port = 1 };
		struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
		struct evtchn_close cl = { .port = 1 };

		evtchn(&o, ALICE, EVTCHNOP_alloc_unbound, &au, sizeof(au));
		evtchn(&o, BOB, EVTCHNOP_bind_interdomain, &bi, sizeof(bi));
		evtchn(&o, BOB, EVTCHNOP_send, &s, sizeof(s));
		evtchn(&o, ALICE, EVTCHNOP_send, &s, sizeof(s));
		evtchn(&o, ALICE, EVTCHNOP_status, &st, sizeof(st));
		evtchn(&o, ALICE, EVTCHNOP_unmask, &um, sizeof(um));
		evtchn(&o, DOM0, EVTCHNOP_bind_virq, &bv, sizeof(bv));
		evtchn(&o, BOB, EVTCHNOP_close, &cl, sizeof(cl));
		u8(&o, A_HANG_UP | BOB << 4);
	}
	save("hypercall", "evtchn-2level", &o);

	/* the same under FIFO: the control block and event array in RAM */
	o.n = 0;
	u8(&o, 0);
	{
		struct evtchn_init_control ic = { .control_gfn = 20, .offset = 0, .vcpu = 0 };
		struct evtchn_expand_array ea = { .array_gfn = 21 };
		struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = BOB };
		struct evtchn_bind_interdomain bi = { .remote_dom = ALICE, .remote_port = 1 };
		struct evtchn_set_priority sp = { .port = 1, .priority = 3 };
		struct evtchn_send s = { .port = 1 };
		struct evtchn_bind_ipi ipi = { .vcpu = 0 };
		struct evtchn_reset r = { .dom = DOMID_SELF };

		evtchn(&o, ALICE, EVTCHNOP_init_control, &ic, sizeof(ic));
		evtchn(&o, ALICE, EVTCHNOP_expand_array, &ea, sizeof(ea));
		ic.control_gfn = 30;
		evtchn(&o, BOB, EVTCHNOP_init_control, &ic, sizeof(ic));
		evtchn(&o, ALICE, EVTCHNOP_alloc_unbound, &au, sizeof(au));
		evtchn(&o, BOB, EVTCHNOP_bind_interdomain, &bi, sizeof(bi));
		evtchn(&o, ALICE, EVTCHNOP_set_priority, &sp, sizeof(sp));
		evtchn(&o, BOB, EVTCHNOP_send, &s, sizeof(s));
		evtchn(&o, ALICE, EVTCHNOP_bind_ipi, &ipi, sizeof(ipi));
		/* alice's kernel writes its event words */
		u8(&o, A_SCRIBBLE | ALICE << 4);
		u8(&o, 0);
		u16(&o, 21);
		u16(&o, 4);
		u8(&o, 4);
		u32(&o, 0xc0000002);
		evtchn(&o, BOB, EVTCHNOP_send, &s, sizeof(s));
		evtchn(&o, ALICE, EVTCHNOP_reset, &r, sizeof(r));
	}
	save("hypercall", "evtchn-fifo", &o);

	/* the toolstack's hypercalls through privcmd, from Domain-0 */
	o.n = 0;
	u8(&o, 0);
	{
		uint32_t a[5] = { XENVER_version, 0 };
		struct xen_domctl dc = { .cmd = XEN_DOMCTL_getdomaininfo,
					 .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
					 .domain = ALICE };
		struct xen_sysctl sc = { .cmd = XEN_SYSCTL_physinfo,
					 .interface_version = XEN_SYSCTL_INTERFACE_VERSION };
		struct xen_add_to_physmap ap = { .domid = DOMID_SELF, .size = 1,
						 .space = XENMAPSPACE_grant_table, .idx = 0,
						 .gpfn = 40 };
		struct gnttab_query_size qs = { .dom = ALICE };

		raw(&o, DOM0, RAW_XEN_VERSION, a, NULL, 0);
		a[0] = XENVER_extraversion;
		a[1] = SCRATCH_BASE;
		raw(&o, DOM0, RAW_XEN_VERSION, a, NULL, 0);
		a[0] = SCRATCH_BASE;
		raw(&o, DOM0, RAW_DOMCTL, a, &dc, sizeof(dc));
		raw(&o, DOM0, RAW_SYSCTL, a, &sc, sizeof(sc));
		raw(&o, ALICE, RAW_DOMCTL, a, &dc, sizeof(dc));
		a[0] = XENMEM_add_to_physmap;
		a[1] = SCRATCH_BASE;
		raw(&o, ALICE, RAW_MEMORY_OP, a, &ap, sizeof(ap));
		a[0] = GNTTABOP_query_size;
		a[1] = SCRATCH_BASE;
		a[2] = 1;
		raw(&o, DOM0, RAW_GNTTAB, a, &qs, sizeof(qs));
	}
	save("hypercall", "privcmd", &o);

	/* fault injection: Domain-0's next map fails with GNTST_eagain, once */
	o.n = 0;
	u8(&o, 0);
	u8(&o, A_FAULT | DOM0 << 4);
	u8(&o, 0);      /* map_grant_ref */
	u8(&o, 1);      /* a status */
	u8(&o, 12);     /* -12: GNTST_eagain */
	u8(&o, 0);      /* the 1st */
	u8(&o, 0);      /* once */
	grant(&o, ALICE, 8, GTF_permit_access, 0, 5);
	map_unmap(&o, DOM0, ALICE, 8, 10, GNTMAP_host_map);
	map_unmap(&o, DOM0, ALICE, 8, 10, GNTMAP_host_map);
	save("hypercall", "fault-eagain", &o);

	/* a hostile kernel: lying counts and a domain destroyed under its kernel */
	o.n = 0;
	u8(&o, 0);
	{
		struct hvsim_msg_hdr h = { .type = HVSIM_MSG_HYPERCALL, .op = 20, .cmd = 0,
					   .count = 3 };

		u8(&o, A_GARBAGE | BOB << 4);
		u16(&o, sizeof(h));
		put(&o, &h, sizeof(h));
		u8(&o, A_DESTROY | BOB << 4);
		u8(&o, A_HANG_UP | DOM0 << 4);
	}
	save("hypercall", "garbage-and-destroy", &o);
}

/* xenstore ----------------------------------------------------------------- */

/* xenstore_fuzz.c's connections: dom0, dom0, dom1, dom2, dom1 */
static void xs(struct out *o, int conn, uint32_t type, uint8_t tx, const char *payload,
	       size_t len)
{
	u8(o, (uint8_t)(conn << 4));    /* a request */
	u8(o, (uint8_t)type);
	u8(o, tx);
	u8(o, 1);                       /* req_id */
	u16(o, (uint16_t)len);
	put(o, payload, len);
}
#define XS(o, conn, type, tx, lit) xs(o, conn, type, tx, lit, sizeof(lit))
/* payloads of several strings: each with its nul, the last one too or not */
#define XS2(o, conn, type, tx, lit) xs(o, conn, type, tx, lit, sizeof(lit) - 1)

static void xenstore_seeds(void)
{
	struct out o;

	o.n = 0;
	XS2(&o, 2, XS_WRITE, 0, "data/vchan/0/ring-ref\0" "8");
	XS(&o, 2, XS_READ, 0, "data/vchan/0/ring-ref");
	XS(&o, 2, XS_DIRECTORY, 0, "data");
	XS(&o, 0, XS_READ, 0, "/local/domain/1/data/vchan/0/ring-ref");
	XS(&o, 3, XS_READ, 0, "/local/domain/1/data/vchan/0/ring-ref");
	XS(&o, 2, XS_GET_PERMS, 0, "data/vchan/0");
	XS2(&o, 2, XS_SET_PERMS, 0, "data/vchan/0\0" "n1\0" "r2\0");
	XS(&o, 3, XS_READ, 0, "/local/domain/1/data/vchan/0/ring-ref");
	XS(&o, 2, XS_RM, 0, "data");
	save("xenstore", "read-write-perms", &o);

	o.n = 0;
	XS2(&o, 3, XS_WATCH, 0, "/local/domain/1/backend\0" "tok\0");
	XS2(&o, 0, XS_SET_PERMS, 0, "@introduceDomain\0" "n0\0" "r2\0");
	XS2(&o, 3, XS_WATCH, 0, "@releaseDomain\0" "rel\0");
	XS2(&o, 2, XS_WRITE, 0, "backend/x\0" "1");
	XS(&o, 2, XS_MKDIR, 0, "backend/y");
	XS2(&o, 3, XS_UNWATCH, 0, "/local/domain/1/backend\0" "tok\0");
	u8(&o, 14);      /* dom1 is destroyed */
	u8(&o, 0);
	XS(&o, 3, XS_RESET_WATCHES, 0, "");
	save("xenstore", "watches", &o);

	o.n = 0;
	XS(&o, 2, XS_TRANSACTION_START, 0, "");
	XS2(&o, 2, XS_WRITE, 1, "t/a\0" "1");
	XS2(&o, 4, XS_WRITE, 0, "t/a\0" "2");
	XS(&o, 2, XS_TRANSACTION_END, 1, "T");
	XS(&o, 2, XS_TRANSACTION_START, 0, "");
	XS2(&o, 2, XS_WRITE, 2, "t/b\0" "3");
	XS(&o, 2, XS_DIRECTORY_PART, 2, "t\0" "0");
	XS(&o, 2, XS_TRANSACTION_END, 2, "F");
	save("xenstore", "transactions", &o);

	o.n = 0;
	XS(&o, 0, XS_CONTROL, 0, "quota");
	XS2(&o, 0, XS_CONTROL, 0, "quota\0" "set\0" "nodes\0" "3\0");
	XS2(&o, 2, XS_WRITE, 0, "q/a\0" "1");
	XS2(&o, 2, XS_WRITE, 0, "q/b/c\0" "1");
	XS2(&o, 0, XS_CONTROL, 0, "quota\0" "1\0");
	XS(&o, 0, XS_GET_DOMAIN_PATH, 0, "2");
	XS(&o, 0, XS_IS_DOMAIN_INTRODUCED, 0, "2");
	XS(&o, 0, XS_RELEASE, 0, "2");
	XS2(&o, 0, XS_INTRODUCE, 0, "2\0" "0\0" "3\0");
	XS2(&o, 0, XS_SET_TARGET, 0, "2\0" "1\0");
	XS(&o, 0, XS_RESUME, 0, "1");
	XS(&o, 0, XS_CONTROL, 0, "help");
	save("xenstore", "control-quota-domains", &o);
}

/* devices ------------------------------------------------------------------ */

/* devices_fuzz.c's actions, paths and ioctl table (by index) */
enum { D_OPEN = 0, D_IOCTL = 1, D_READ = 5, D_WRITE = 6, D_MMAP = 7, D_MUNMAP = 8,
       D_FCNTL = 9, D_CLOSE = 10, D_FORK = 11, D_IDENTIFY = 12, D_EXEC = 14 };
enum { P_GNTDEV, P_GNTALLOC, P_EVTCHN, P_PRIVCMD, P_HYPERCALL, P_PROC_PRIVCMD };
enum { I_GNTDEV_MAP, I_GNTDEV_UNMAP, I_GNTDEV_OFFSET, I_GNTDEV_MAX, I_GNTDEV_NOTIFY,
       I_GNTDEV_COPY, I_GNTALLOC_ALLOC, I_GNTALLOC_DEALLOC, I_GNTALLOC_NOTIFY,
       I_EVTCHN_VIRQ, I_EVTCHN_INTERDOMAIN, I_EVTCHN_UNBOUND, I_EVTCHN_UNBIND,
       I_EVTCHN_NOTIFY, I_EVTCHN_RESET, I_EVTCHN_RESTRICT, I_PRIVCMD_HYPERCALL,
       I_PRIVCMD_MMAP, I_PRIVCMD_MMAPBATCH, I_PRIVCMD_MMAPBATCH_V2, I_PRIVCMD_DM_OP,
       I_PRIVCMD_RESTRICT, I_PRIVCMD_MMAP_RESOURCE };
#define MAP_AREA 0x40000000u

static void d_open(struct out *o, int path, bool nonblock)
{
	u8(o, D_OPEN);
	u8(o, (uint8_t)(path | (nonblock ? 0x40 : 0)));
}

/* An ioctl on file slot k with `arg` at the program's SCRATCH_BASE + off. */
static void d_ioctl(struct out *o, int k, int which, uint16_t off, const void *arg, size_t len)
{
	u8(o, (uint8_t)(D_IOCTL | k << 4));
	u8(o, (uint8_t)which);
	u16(o, off);
	u16(o, (uint16_t)len);
	put(o, arg, len);
}

/* Bytes into the program's memory at SCRATCH_BASE + off (the harness's default action). */
static void d_memory(struct out *o, uint16_t off, const void *p, size_t len)
{
	u8(o, 15);
	u16(o, off);
	u16(o, (uint16_t)len);
	put(o, p, len);
}

static void d_simple(struct out *o, int op, int k)
{
	u8(o, (uint8_t)(op | k << 4));
}

static void devices_seeds(void)
{
	struct out o;

	/* Domain-0 shares a page with itself through gntalloc, maps it with gntdev */
	o.n = 0;
	d_open(&o, P_GNTALLOC, false);
	{
		struct { struct ioctl_gntalloc_alloc_gref a; uint32_t more[1]; } ag = {
			.a = { .domid = 0, .flags = GNTALLOC_FLAG_WRITABLE, .count = 1 } };
		struct ioctl_gntalloc_unmap_notify un = { .index = 0, .action = UNMAP_NOTIFY_CLEAR_BYTE };

		d_ioctl(&o, 0, I_GNTALLOC_ALLOC, 0, &ag, sizeof(ag));
		d_ioctl(&o, 0, I_GNTALLOC_NOTIFY, 0, &un, sizeof(un));
	}
	u8(&o, D_MMAP);
	u8(&o, 0);     /* MAP_AREA, shared, read-write */
	u8(&o, 0);     /* one page */
	u16(&o, 0);    /* offset: the grant's index */
	d_open(&o, P_GNTDEV, false);
	{
		struct ioctl_gntdev_map_grant_ref m = { .count = 1, .refs = { { .domid = 0, .ref = 8 } } };
		struct ioctl_gntdev_unmap_grant_ref um = { .index = 0, .count = 1 };

		d_ioctl(&o, 1, I_GNTDEV_MAP, 0, &m, sizeof(m));
		u8(&o, D_MMAP | 1 << 4);
		u8(&o, 1);     /* MAP_AREA + 1 MiB */
		u8(&o, 0);
		u16(&o, 0);
		d_ioctl(&o, 1, I_GNTDEV_UNMAP, 0, &um, sizeof(um));
	}
	u8(&o, D_MUNMAP);
	u8(&o, 1);
	u8(&o, 0);
	u8(&o, 0);
	d_simple(&o, D_CLOSE, 1);
	d_simple(&o, D_CLOSE, 0);
	save("devices", "gntalloc-gntdev-self", &o);

	/* grant copy between two of the program's buffers through a grant */
	o.n = 0;
	d_open(&o, P_GNTDEV, false);
	{
		struct ioctl_gntdev_grant_copy_segment seg = {
			.source.foreign = { .ref = 8, .offset = 0, .domid = 0 },
			.dest.virt = (void *)(uintptr_t)(SCRATCH_BASE + 0x1000),
			.len = 64, .flags = GNTCOPY_source_gref,
		};
		struct ioctl_gntdev_grant_copy gc = {
			.count = 1,
			.segments = (void *)(uintptr_t)(SCRATCH_BASE + 0x800),
		};

		/* the segment first, where gc points, then gc itself */
		d_memory(&o, 0x800, &seg, sizeof(seg));
		d_ioctl(&o, 0, I_GNTDEV_COPY, 0, &gc, sizeof(gc));
	}
	save("devices", "gntdev-grant-copy", &o);

	/* event channels: a port for the peer, a virq, notify, read, unmask */
	o.n = 0;
	d_open(&o, P_EVTCHN, true);
	{
		struct ioctl_evtchn_bind_unbound_port bu = { .remote_domain = 1 };
		struct ioctl_evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC };
		struct ioctl_evtchn_notify n = { .port = 1 };
		struct ioctl_evtchn_bind_interdomain bi = { .remote_domain = 0, .remote_port = 1 };
		uint32_t port = 1;

		d_ioctl(&o, 0, I_EVTCHN_UNBOUND, 0, &bu, sizeof(bu));
		d_ioctl(&o, 0, I_EVTCHN_VIRQ, 0, &bv, sizeof(bv));
		d_ioctl(&o, 0, I_EVTCHN_INTERDOMAIN, 0, &bi, sizeof(bi));
		d_ioctl(&o, 0, I_EVTCHN_NOTIFY, 0, &n, sizeof(n));
		u8(&o, D_READ);
		u16(&o, 0);
		u16(&o, 16);
		u8(&o, D_WRITE);
		u16(&o, 0);
		u16(&o, 4);
		put(&o, &port, 4);
		u16(&o, 4);    /* 4 bytes written */
		d_ioctl(&o, 0, I_EVTCHN_RESET, 0, NULL, 0);
	}
	d_open(&o, P_EVTCHN, false);
	u8(&o, D_FCNTL | 1 << 4);
	u8(&o, 6);     /* O_NONBLOCK | O_ASYNC */
	u8(&o, D_READ | 1 << 4);
	u16(&o, 0);
	u16(&o, 4);    /* blocks: interrupted */
	save("devices", "evtchn", &o);

	/* privcmd: a hypercall, then foreign pages of the peer mapped by gfn */
	o.n = 0;
	d_open(&o, P_PRIVCMD, false);
	{
		privcmd_hypercall_t hc = { .op = __HYPERVISOR_xen_version,
					   .arg = { XENVER_version } };
		xen_pfn_t gfns[2] = { 1, 2 };
		privcmd_mmapbatch_v2_t mb = { .num = 2, .dom = 1, .addr = MAP_AREA,
					      .arr = (void *)(uintptr_t)(SCRATCH_BASE + 0x100),
					      .err = (void *)(uintptr_t)(SCRATCH_BASE + 0x200) };
		privcmd_mmap_resource_t mr = { .dom = 1, .type = XENMEM_resource_grant_table,
					       .id = 0, .idx = 0, .num = 1,
					       .addr = MAP_AREA + 0x100000 };

		d_ioctl(&o, 0, I_PRIVCMD_HYPERCALL, 0, &hc, sizeof(hc));
		u8(&o, D_MMAP);
		u8(&o, 0);
		u8(&o, 1);     /* two pages */
		u16(&o, 0);
		d_memory(&o, 0x100, gfns, sizeof(gfns));
		d_ioctl(&o, 0, I_PRIVCMD_MMAPBATCH_V2, 0, &mb, sizeof(mb));
		u8(&o, D_MMAP);
		u8(&o, 1);
		u8(&o, 0);
		u16(&o, 0);
		d_ioctl(&o, 0, I_PRIVCMD_MMAP_RESOURCE, 0, &mr, sizeof(mr));
	}
	d_open(&o, P_PROC_PRIVCMD, false);
	save("devices", "privcmd", &o);

	/* fork and exec with open files; a descriptor identified */
	o.n = 0;
	d_open(&o, P_GNTALLOC, false);
	d_open(&o, P_HYPERCALL, false);
	u8(&o, D_FORK);
	u8(&o, 0);     /* commit */
	u8(&o, D_FORK);
	u8(&o, 1);     /* abort */
	u8(&o, D_IDENTIFY);
	u8(&o, 0);
	u8(&o, D_EXEC);
	save("devices", "fork-exec-identify", &o);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: make_seeds DIR\n");
		return 2;
	}
	dir = argv[1];
	hypercall_seeds();
	xenstore_seeds();
	devices_seeds();
	return 0;
}
