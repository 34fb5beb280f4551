// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzzer `hypercall`: hypercall-wire messages into hvsimd's transport
 * (hv-sim/hypercall.c, linked unmodified: decode, dispatch, fault rules,
 * encode, trace) on real domain state: Domain-0 and two domUs, each with
 * its kernel's connection a socketpair this harness holds the guest end
 * of.  Between the calls the input writes the guests' shared pages
 * (forged grant entries, shared_info, FIFO control blocks and event words
 * in RAM) as a hostile guest kernel would.  Raw hypercalls (privcmd's:
 * domctl, sysctl, dm_op, memory_op, xen_version, and the grant-table and
 * event-channel ops through guest handles) point into the memory of a
 * child process that stands for the calling program, so wild handles
 * fault there and never touch the fuzzer.
 *
 * Each input starts from fresh domains and ends by hanging up every
 * kernel, which must leave nothing behind: every domU dead, Domain-0 with
 * no mapping, pin or p2m override, no watch left in the loop; then every
 * domain is freed and LeakSanitizer sees what remains, and the process
 * has as many descriptors open as after an empty input.
 *
 * The input is a list of actions (fz_u8 picks one, see run_action).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hvsim/hypercall_ops.h"
#include "hvsim/hypercall_wire.h"
#include "domain.h"
#include "evtchn.h"
#include "fault.h"
#include "grant_table.h"
#include "hooks.h"
#include "hypercall.h"
#include "log.h"
#include "loop.h"
#include "trace.h"
#include "fuzz_input.h"
#include "fuzz_fds.h"
#include "fuzz_loop.h"

/* The calling program's memory, in the child: seen at this address there. */
#define SCRATCH_BASE 0x10000UL
#define SCRATCH_LEN  0x10000UL
/* Domain RAM: small, so that random gfns land inside it. */
#define FUZZ_RAM_PAGES 64
/* Domains one input may create after the first three. */
#define MAX_NEW_DOMAINS 6
#define NR_SLOTS 3

struct slot {
	int fd;             /* the guest kernel's end, -1 when hung up */
	struct domain *d;
};

static struct slot slots[NR_SLOTS];
static uint8_t *scratch;    /* our mapping of the child's memory */
static pid_t program = -1;  /* the child: the program whose memory raw calls use */
static unsigned int new_domains;
/* descriptors open after an empty input (LLVMFuzzerInitialize runs one) */
static int fds_baseline = -1;
static uint32_t next_seq;

void hv_log(const char *fmt, ...)
{
	/* hvsimd's log: nobody reads it here */
}

static void die(const char *what)
{
	fprintf(stderr, "hypercall fuzzer: %s\n", what);
	abort();
}

static void on_destroy(struct domain *d)
{
	hypercall_domain_destroyed(d);
}

/* Reads and throws away whatever hvsimd sent the guest, closing fds it passed. */
static void drain(int fd)
{
	static uint8_t buf[HVSIM_MSG_MAX + 64];

	for (;;) {
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(64 * sizeof(int))];
		} cm;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cm.b, .msg_controllen = sizeof(cm.b) };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n <= 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			int *fds = (int *)CMSG_DATA(c);
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < k; i++)
				close(fds[i]);
		}
		if (n >= (ssize_t)sizeof(struct hvsim_msg_hdr)) {
			struct hvsim_msg_hdr h;

			memcpy(&h, buf, sizeof(h));
			/* a reply never claims more than it carries */
			if (h.type == HVSIM_MSG_HYPERCALL &&
			    sizeof(h) + (size_t)h.nr_p2m * sizeof(struct hvsim_p2m_update) >
			    (size_t)n)
				die("a reply announces more p2m updates than it carries");
		}
	}
}

static void send_raw(struct slot *s, const void *msg, size_t len)
{
	if (s->fd < 0)
		return;
	if (send(s->fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		/* too big for the socket, or hvsimd hung up: fine either way */
	}
	fuzz_loop_settle(1000);
	drain(s->fd);
}

static void attach(struct slot *s)
{
	struct {
		struct hvsim_msg_hdr h;
		struct hvsim_attach_req a;
	} m = { { .type = HVSIM_MSG_ATTACH, .seq = ++next_seq, .count = 1 },
		{ .version = HVSIM_WIRE_VERSION, .domid = s->d->domid } };

	send_raw(s, &m, sizeof(m));
}

/* A kernel for slot s's domain: a socketpair hvsimd adopts, then ATTACH. */
static void connect_slot(struct slot *s)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		die("socketpair");
	if (hypercall_adopt(sv[1], s->d->domid) < 0)
		die("hypercall_adopt");
	s->fd = sv[0];
	attach(s);
}

static struct domain *make_domain(const char *name)
{
	struct domain *d = NULL;

	if (domain_create(name, FUZZ_RAM_PAGES, &d) < 0)
		die("domain_create");
	return d;
}

/* The kernel hangs up: a domU dies, Domain-0's kernel may attach again. */
static void hang_up(struct slot *s)
{
	if (s->fd < 0)
		return;
	close(s->fd);
	s->fd = -1;
	fuzz_loop_settle(1000);
}

/* Action: a hypercall of a kind hvsim carries, with a well-formed header. */
static void act_hypercall(struct fz *f, struct slot *s)
{
	static uint8_t msg[HVSIM_MSG_MAX];
	struct hvsim_msg_hdr *h = (void *)msg;
	uint8_t sel = fz_u8(f);
	uint32_t op = sel & 1 ? __HYPERVISOR_event_channel_op : __HYPERVISOR_grant_table_op;
	uint32_t cmd = fz_u8(f) & 0x1f;
	size_t size = hvsim_hypercall_op_size(op, cmd), room;
	uint32_t count = op == __HYPERVISOR_event_channel_op ? 1 : 1 + fz_u8(f) % 16;

	if (sel & 0x80)	/* a preempted op's continuation bits, or a sub-op no one has */
		cmd |= (uint32_t)fz_u16(f) << 12;
	memset(h, 0, sizeof(*h));
	h->type = HVSIM_MSG_HYPERCALL;
	h->seq = ++next_seq;
	h->op = op;
	h->cmd = cmd;
	h->count = count;
	h->cpu = fz_u8(f) & 3;
	room = size * count;
	if (room > sizeof(msg) - sizeof(*h))
		room = sizeof(msg) - sizeof(*h);
	fz_bytes(f, msg + sizeof(*h), room);
	send_raw(s, msg, sizeof(*h) + room);
}

/*
 * Action: any bytes as a message: lying counts, unknown types, short
 * headers; with descriptors besides (guests send none: hvsimd closes them).
 */
static void act_garbage(struct fz *f, struct slot *s)
{
	size_t len = fz_u16(f) % 1024, nr_fds = fz_u8(f) % 4;
	uint8_t buf[1024];
	int fds[3];

	fz_bytes(f, buf, len);
	if (!nr_fds || s->fd < 0) {
		send_raw(s, buf, len);
		return;
	}
	nr_fds--;
	for (size_t i = 0; i < nr_fds; i++)
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	{
		struct iovec iov = { buf, len };
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(3 * sizeof(int))];
		} cm;
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

		if (nr_fds) {
			mh.msg_control = cm.b;
			mh.msg_controllen = CMSG_SPACE(nr_fds * sizeof(int));
			cm.h.cmsg_level = SOL_SOCKET;
			cm.h.cmsg_type = SCM_RIGHTS;
			cm.h.cmsg_len = CMSG_LEN(nr_fds * sizeof(int));
			memcpy(CMSG_DATA(&cm.h), fds, nr_fds * sizeof(int));
		}
		if (sendmsg(s->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			/* an empty message with no fds, or a full socket */
		}
	}
	for (size_t i = 0; i < nr_fds; i++)
		close(fds[i]);
	fuzz_loop_settle(1000);
	drain(s->fd);
}

/* Action: a raw hypercall (a program's, through privcmd) into the child's memory. */
static void act_raw(struct fz *f, struct slot *s)
{
	static const uint32_t ops[] = {
		__HYPERVISOR_xen_version, __HYPERVISOR_domctl, __HYPERVISOR_sysctl,
		__HYPERVISOR_memory_op, __HYPERVISOR_dm_op, __HYPERVISOR_event_channel_op,
		__HYPERVISOR_grant_table_op, __HYPERVISOR_sched_op, __HYPERVISOR_hvm_op,
	};
	struct {
		struct hvsim_msg_hdr h;
		struct hvsim_raw_hypercall r;
		uint8_t inline_bytes[HVSIM_RAW_INLINE_MAX];
	} m;
	uint8_t sel = fz_u8(f), wide = fz_u8(f);
	size_t off, len, inl;

	memset(&m, 0, sizeof(m.h) + sizeof(m.r));
	m.h.type = HVSIM_MSG_RAW_HYPERCALL;
	m.h.seq = ++next_seq;
	m.h.op = sel < 0xf0 ? ops[sel % (sizeof(ops) / sizeof(ops[0]))] : sel & 0x3f;
	m.h.count = 1;
	for (int i = 0; i < 5; i++)
		m.r.arg[i] = wide & (1u << i) ? fz_u64(f) : fz_u32(f);
	/* the program: the child, or one that has gone (every copy faults) */
	m.r.pid = wide & 0x80 ? 0x7ffffff0u : (uint32_t)program;
	/* what the program's memory holds for this call */
	off = fz_u16(f) % SCRATCH_LEN;
	len = fz_u16(f) % (SCRATCH_LEN - off + 1);
	fz_bytes(f, scratch + off, len);
	/* the bytes the kernel passes by value (dm_op's buffer array) */
	inl = wide & 0x40 ? fz_u16(f) % (HVSIM_RAW_INLINE_MAX + 1) : 0;
	fz_bytes(f, m.inline_bytes, inl);
	m.h.inline_len = (uint32_t)inl;
	send_raw(s, &m, sizeof(m.h) + sizeof(m.r) + inl);
}

/* Action: the guest writes one of its grant entries, as a hostile kernel may. */
static void act_grant_entry(struct fz *f, struct slot *s)
{
	grant_entry_v1_t *frame0;
	uint32_t ref = fz_u16(f) % 64;	/* the first few, which maps name */
	uint16_t flags = fz_u16(f), domid = fz_u16(f) % 4;
	uint32_t frame = fz_u32(f);

	if (!s->d || s->d->state != DOMAIN_RUNNING)
		return;
	if (fz_u8(f) & 1)
		ref = fz_u16(f) % (HVSIM_MAX_GRANT_FRAMES * (XEN_PAGE_SIZE / sizeof(*frame0)));
	frame0 = domain_grant_frame(s->d, 0);
	frame0[ref].domid = domid;
	frame0[ref].frame = frame % (FUZZ_RAM_PAGES + 4);
	if (flags & 0x8000)
		frame0[ref].frame = frame;
	__atomic_store_n(&frame0[ref].flags, flags, __ATOMIC_RELEASE);
}

/* Action: the guest writes bytes of its RAM (FIFO control block, event words) or shared pages. */
static void act_scribble(struct fz *f, struct slot *s)
{
	uint8_t where = fz_u8(f);
	uint32_t page = fz_u16(f), off = fz_u16(f) % XEN_PAGE_SIZE;
	size_t len = fz_u8(f);
	uint8_t *base;

	if (!s->d || s->d->state != DOMAIN_RUNNING)
		return;
	if (where & 1)
		base = (uint8_t *)s->d->shared +
		       (size_t)(page % (HVSIM_GRANT_FRAME0_PAGE + s->d->max_grant_frames)) *
		       XEN_PAGE_SIZE;
	else
		base = s->d->ram + (size_t)(page % s->d->ram_pages) * XEN_PAGE_SIZE;
	if (len > XEN_PAGE_SIZE - off)
		len = XEN_PAGE_SIZE - off;
	fz_bytes(f, base + off, len);
}

/* Action: a fault rule on the domain (hvsim fault), as the control socket sets one. */
static void act_fault(struct fz *f, struct slot *s)
{
	uint8_t k = fz_u8(f), how = fz_u8(f), v = fz_u8(f), nth = fz_u8(f), times = fz_u8(f);
	const struct hvsim_fault_kind *kind = &hvsim_fault_kinds[k % HVSIM_NR_FAULT_KINDS];
	struct json_object *req;
	struct fault_rule r;
	char why[256];

	if (!s->d || s->d->state != DOMAIN_RUNNING || kind->kernel)
		return;
	req = json_object_new_object();
	json_object_object_add(req, "kind", json_object_new_string(kind->name));
	if (how & 1) {
		const char *st = fault_gntst_name((int16_t)-(v % 16));

		json_object_object_add(req, "status", json_object_new_string(st ? st : "bogus"));
	} else {
		json_object_object_add(req, "errno", json_object_new_int(v % 134));
	}
	json_object_object_add(req, "nth", json_object_new_int(1 + nth % 4));
	if (how & 2)
		json_object_object_add(req, "always", json_object_new_boolean(1));
	else
		json_object_object_add(req, "times", json_object_new_int(1 + times % 4));
	if (fault_rule_parse(req, NULL, &r, why, sizeof(why)) == 0)
		fault_set(s->d, &r);
	json_object_put(req);
}

/* Action: the kernel hangs up; a new kernel (Domain-0) or domain (domU) takes the slot. */
static void act_hang_up(struct fz *f, struct slot *s, int i)
{
	char name[16];

	hang_up(s);
	if (i == 0) {
		connect_slot(s);
		return;
	}
	if (new_domains >= MAX_NEW_DOMAINS)
		return;
	snprintf(name, sizeof(name), "new%u", new_domains++);
	s->d = make_domain(name);
	connect_slot(s);
}

static void run_action(struct fz *f)
{
	uint8_t a = fz_u8(f);
	int i = (a >> 4) % NR_SLOTS;
	struct slot *s = &slots[i];

	switch (a & 0xf) {
	case 0: case 1: case 2: case 3:
		act_hypercall(f, s);
		break;
	case 4: case 5:
		act_raw(f, s);
		break;
	case 6: case 7:
		act_grant_entry(f, s);
		break;
	case 8:
		act_scribble(f, s);
		break;
	case 9:
		act_garbage(f, s);
		break;
	case 10:
		act_fault(f, s);
		break;
	case 11:
		act_hang_up(f, s, i);
		break;
	case 12:	/* the domain is destroyed under its kernel (hvsim domain destroy) */
		if (s->d && i != 0)
			domain_destroy(s->d);
		break;
	default:
		act_hypercall(f, s);
	}
}

/* Nothing may outlive the kernels: hvsim's promise of no leak after death. */
static void check_all_released(void)
{
	for (struct domain *d = domain_first(); d; d = domain_next(d)) {
		if (d->domid != 0 && d->state != DOMAIN_DEAD) {
			fprintf(stderr, "domain %u (%s) is %s with no one left mapping it\n",
				d->domid, d->name, domain_state_name(d->state));
			abort();
		}
		if (d->domid == 0 && (grant_table_mappings(d) || grant_table_active_entries(d) ||
				       d->p2m.count || d->foreign_refs || d->kernel_attached)) {
			fprintf(stderr, "Domain-0 keeps mappings %u, pins %u, overrides %zu, "
				"refs %llu, attached %d after its kernel and every domU went\n",
				grant_table_mappings(d), grant_table_active_entries(d),
				(size_t)d->p2m.count, (unsigned long long)d->foreign_refs,
				d->kernel_attached);
			abort();
		}
	}
	if (fuzz_loop_watches() != 0)
		die("a watch outlived its connection");
}

static void program_exit(void)
{
	if (program > 0) {
		kill(program, SIGKILL);
		waitpid(program, NULL, 0);
		program = -1;
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd = memfd_create("fuzz-program", MFD_CLOEXEC);
	pid_t parent = getpid();

	signal(SIGPIPE, SIG_IGN);
	if (fd < 0 || ftruncate(fd, SCRATCH_LEN) < 0)
		die("memfd");
	scratch = mmap(NULL, SCRATCH_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (scratch == MAP_FAILED)
		die("mmap");
	program = fork();
	if (program < 0)
		die("fork");
	if (program == 0) {
		/* the program: its memory at SCRATCH_BASE, and nothing to do */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		if (mmap((void *)SCRATCH_BASE, SCRATCH_LEN, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0) == MAP_FAILED)
			_exit(1);
		for (;;)
			pause();
	}
	close(fd);
	atexit(program_exit);
	loop_init();
	domain_set_destroy_hook(on_destroy);
	/* the trace's formatting runs too, on its writer thread; the trace
	 * itself goes where HVSIM_FUZZ_TRACE says (to see what an input does) */
	if (trace_open(getenv("HVSIM_FUZZ_TRACE") ? getenv("HVSIM_FUZZ_TRACE") : "/dev/null") < 0)
		die("trace_open");
	/* the descriptors' baseline, so that one input replayed alone shows a leak */
	static const uint8_t nothing[1];

	LLVMFuzzerTestOneInput(nothing, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	static const char *const names[NR_SLOTS] = { "Domain-0", "alice", "bob" };

	new_domains = 0;
	memset(scratch, 0, SCRATCH_LEN);
	for (int i = 0; i < NR_SLOTS; i++) {
		slots[i].d = make_domain(names[i]);
		connect_slot(&slots[i]);
	}
	/* the first byte: how many ports a domU may have (xl's event_channels) */
	if (fz_u8(&f) & 1)
		for (int i = 1; i < NR_SLOTS; i++)
			evtchn_set_max_port(slots[i].d, fz_u8(&f) * 16u);
	while (fz_left(&f))
		run_action(&f);

	/* every kernel hangs up, the domUs' first */
	for (int i = NR_SLOTS - 1; i >= 0; i--)
		hang_up(&slots[i]);
	check_all_released();
	hypercall_shutdown();
	trace_sync();
	domain_destroy_all();
	/* as many descriptors as after an empty input: none kept, none lost */
	int fds = fuzz_open_fds();

	if (fds_baseline < 0)
		fds_baseline = fds;
	else if (fds != fds_baseline) {
		fprintf(stderr, "%d descriptors open, %d after an empty input\n", fds,
			fds_baseline);
		die("a descriptor leaked (a domain's memfd, a passed fd, a socket)");
	}
	return 0;
}
