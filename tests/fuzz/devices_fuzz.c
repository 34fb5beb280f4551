// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzzer `devices`: device requests into a domain's kernel with the real
 * drivers, in process.  The fuzzer *is* Domain-0's guest kernel: it links
 * kmod's host side (all but main.c), the shim and Linux's gntdev.c,
 * gntalloc.c, evtchn.c, privcmd.c and the events core and grant table,
 * all built with the fuzzer's coverage and sanitizers, boots them as
 * hvsim-kernel's main() does, and attaches to a real hvsimd (a child
 * process, kernel-less, with a domU `peer` besides Domain-0).
 *
 * The device socket's decoder (kmod/host/devsock.c) runs as for any
 * program: the requests come from a second child, the program, which
 * relays what the input says onto its device connection, so
 * SCM_CREDENTIALS name it and every pointer in a request (ioctl
 * arguments, read and write buffers) is an address in its memory: wild
 * ones fault there, never in the fuzzer.  Its memory at SCRATCH_BASE is
 * shared with the fuzzer, which writes each call's structs there first.
 * The program keeps the descriptors OPEN returns (each one a file: its
 * last close is the file's release) and closes every other it gets
 * (mmap's memfds).  A call still blocked after 200 ms is interrupted as
 * a signal would (HVSIM_DEV_INTERRUPT); one that does not end then is a
 * hang, and a finding.
 *
 * Unlike the other targets, the kernel lives across inputs (booting it
 * takes a second): each input ends with the program closing every file
 * and saying EXEC (its mappings go), so the next starts from no file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdint.h>
#include <sys/ioctl.h>
#include "hvsim/xen.h"
/* the drivers' ioctl numbers, as programs have them (libxen-dev) */
#include <xen/sys/evtchn.h>
#include <xen/sys/gntalloc.h>
#include <xen/sys/gntdev.h>
#include <xen/sys/privcmd.h>

#include "hvsim/device_wire.h"
#include "hvsim/paths.h"
#include "hvsim/scm.h"
#include "hvsim_guest.h"
#include "hostif.h"
#include "host.h"
#include "fuzz_input.h"

/* FUZZ_HVSIMD: the hvsimd to run (tests/fuzz/build.mk) */
#include "fuzz_hvsimd.h"

#define SCRATCH_BASE 0x10000UL
#define SCRATCH_LEN  0x10000UL
/* Where the program's device mappings go (addresses the kernel keeps as VMAs). */
#define MAP_AREA     0x40000000UL
#define MAX_FILES    16
#define CALL_WAIT_MS 200
/* (one call may take seconds under ASan on a busy machine: privcmd mapping
 * 8M pages allocates and frees 128 MB; libFuzzer's -timeout=20 is the limit) */
#define HANG_MS      15000

/* Program <-> fuzzer messages (a SOCK_SEQPACKET socketpair). */
enum { P_CALL = 1, P_CLOSE = 2, P_RESET = 3 };
struct p_cmd {
	uint32_t what;
	int32_t slot;          /* P_CLOSE: which descriptor; P_CALL: -1 or one to pass */
	uint32_t len;          /* P_CALL: request bytes that follow */
	uint8_t req[sizeof(struct hvsim_dev_req) + HVSIM_DEV_PATH_MAX + 64] __attribute__((aligned(8)));
};
struct p_answer {
	int64_t ret;
	uint64_t file;
	int32_t slot;          /* OPEN: where the descriptor is kept, -1 none */
	uint32_t replied;      /* a reply came */
};

/* Pages of the program's mapping in each 1 MiB slot of MAP_AREA (0: none). */
#define MAP_SLOTS    64
static unsigned int map_pages[MAP_SLOTS];
/* ... and whether privcmd may have put its pages in it already (finding 6) */
static bool map_privcmd_used[MAP_SLOTS];

static char dir[64];
static pid_t hvsimd = -1, program = -1;
static int prog_sock = -1;
static uint8_t *scratch;
static uint64_t file_ids[MAX_FILES];
static uint32_t seq;

static void fail(const char *what)
{
	fprintf(stderr, "devices fuzzer: %s\n", what);
	abort();
}

/* The program ------------------------------------------------------------- */

/* Reads the reply of one call and everything it brought; -1 when none came in time. */
static int program_take_reply(int dev, struct p_answer *a, int *held, int timeout_ms)
{
	uint8_t buf[sizeof(struct hvsim_dev_reply) +
		    HVSIM_DEV_RUNS_PER_MSG * sizeof(struct hvsim_dev_run)];
	struct hvsim_dev_reply r;
	int fds[HVSIM_SCM_MAX_FDS];
	size_t nr_fds = 0;
	struct pollfd p = { .fd = dev, .events = POLLIN };
	ssize_t n;
	uint32_t runs_seen;

	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	n = hvsim_scm_recv(dev, buf, sizeof(buf), MSG_CMSG_CLOEXEC, fds, HVSIM_SCM_MAX_FDS,
			   &nr_fds, NULL);
	if (n < (ssize_t)sizeof(r)) {
		for (size_t i = 0; i < nr_fds; i++)
			close(fds[i]);
		a->replied = 1;
		a->ret = n < 0 ? n : -EPROTO;
		return 0;
	}
	memcpy(&r, buf, sizeof(r));
	a->replied = 1;
	a->ret = r.ret;
	a->file = r.file;
	/* an OPEN's descriptor is the file: kept; anything else is memfds */
	for (size_t i = 0; i < nr_fds; i++) {
		if (a->slot == -2 && nr_fds == 1) {
			for (int k = 0; k < MAX_FILES; k++)
				if (held[k] < 0) {
					held[k] = fds[i];
					a->slot = k;
					break;
				}
			if (a->slot >= 0)
				continue;
		}
		close(fds[i]);
	}
	/* the runs past the first message's */
	runs_seen = (uint32_t)((size_t)(n - (ssize_t)sizeof(r)) / sizeof(struct hvsim_dev_run));
	while (runs_seen < r.nr_runs) {
		if (poll(&p, 1, HANG_MS) <= 0)
			return 0;
		n = recv(dev, buf, sizeof(buf), 0);
		if (n <= 0)
			return 0;
		runs_seen += (uint32_t)((size_t)n / sizeof(struct hvsim_dev_run));
	}
	return 0;
}

static void program_main(int ctl, const char *devices)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int held[MAX_FILES], dev;
	struct p_cmd c;

	for (int i = 0; i < MAX_FILES; i++)
		held[i] = -1;
	signal(SIGIO, SIG_IGN);	/* evtchn's O_ASYNC owner may be us */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", devices);
	/* the kernel boots meanwhile: its socket comes when it serves */
	if (read(ctl, &c, sizeof(c)) <= 0)
		_exit(0);
	dev = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (dev < 0 || connect(dev, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		_exit(11);
	for (;;) {
		struct p_answer a = { .slot = -1 };
		ssize_t n = read(ctl, &c, sizeof(c));

		if (n <= 0)
			_exit(0);
		if (c.what == P_CLOSE || c.what == P_RESET) {
			for (int i = 0; i < MAX_FILES; i++)
				if (held[i] >= 0 && (c.what == P_RESET || i == c.slot)) {
					close(held[i]);
					held[i] = -1;
				}
			if (write(ctl, &a, sizeof(a)) < 0)
				_exit(0);
			continue;
		}
		struct hvsim_dev_req *req = (void *)c.req;
		struct iovec iov = { c.req, c.len };
		int pass = c.slot >= 0 && c.slot < MAX_FILES ? held[c.slot] : -1;

		if (req->op == HVSIM_DEV_OPEN)
			a.slot = -2;	/* keep the descriptor that comes */
		if (hvsim_scm_send(dev, &iov, 1, pass >= 0 ? &pass : NULL, pass >= 0, 0) < 0)
			_exit(12);	/* the kernel hung up on the program */
		if (program_take_reply(dev, &a, held, CALL_WAIT_MS) < 0) {
			/* blocked: interrupted as a signal would */
			struct hvsim_dev_req intr = { .op = HVSIM_DEV_INTERRUPT, .seq = req->seq };
			struct iovec iv = { &intr, sizeof(intr) };

			hvsim_scm_send(dev, &iv, 1, NULL, 0, 0);
			if (program_take_reply(dev, &a, held, HANG_MS) < 0)
				a.replied = 0;
		}
		if (a.slot == -2)
			a.slot = -1;
		if (write(ctl, &a, sizeof(a)) < 0)
			_exit(0);
	}
}

/* The fuzzer's side ------------------------------------------------------- */

/* A hang: where every thread of the kernel is (gdb's view, when it is there). */
static void dump_stacks(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "command -v gdb >/dev/null && gdb -p %d -batch -nx "
		 "-ex 'thread apply all bt' 1>&2 </dev/null", (int)getpid());
	if (system(cmd)) {
		/* no gdb: the report says no more than which call hung */
	}
}

/*
 * A read or write that a signal may interrupt: libFuzzer's SIGALRM (its
 * -timeout watchdog, every second, without SA_RESTART) ends the wait.
 */
static ssize_t xfer(bool out, void *buf, size_t len)
{
	ssize_t n;

	do
		n = out ? write(prog_sock, buf, len) : read(prog_sock, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

static struct p_answer program_do(struct p_cmd *c)
{
	struct p_answer a = { 0 };

	if (xfer(true, c, sizeof(*c)) != sizeof(*c) ||
	    xfer(false, &a, sizeof(a)) != sizeof(a)) {
		int status = 0;

		waitpid(program, &status, 0);
		fprintf(stderr, "the program's status: %#x\n", status);
		fail("the program is gone");
	}
	return a;
}

static struct p_answer call(struct hvsim_dev_req *req, const void *extra, size_t extra_len,
			    int pass_slot)
{
	struct p_cmd c = { .what = P_CALL, .slot = pass_slot };
	struct p_answer a;

	req->seq = ++seq;
	if (extra_len > sizeof(c.req) - sizeof(*req))
		extra_len = sizeof(c.req) - sizeof(*req);
	memcpy(c.req, req, sizeof(*req));
	if (extra_len)
		memcpy(c.req + sizeof(*req), extra, extra_len);
	c.len = (uint32_t)(sizeof(*req) + extra_len);
	a = program_do(&c);
	/* HVSIM_FUZZ_VERBOSE=1: what an input does, call by call */
	if (getenv("HVSIM_FUZZ_VERBOSE"))
		fprintf(stderr, "devices fuzzer: op %u file %llu cmd %#x arg %#llx: %lld\n",
			req->op, (unsigned long long)req->file, req->cmd,
			(unsigned long long)req->arg, (long long)a.ret);
	if (!a.replied) {
		fprintf(stderr, "device request op %u cmd %#x: no reply %d ms after its interrupt\n",
			req->op, req->cmd, HANG_MS);
		dump_stacks();
		fail("a device call that never returns");
	}
	return a;
}

static void hvsimd_start(void)
{
	int ready[2];
	char fdarg[16], ch;

	snprintf(dir, sizeof(dir), "/tmp/hvsim-fuzz-devices-XXXXXX");
	if (!mkdtemp(dir) || pipe2(ready, O_CLOEXEC) < 0)
		fail("mkdtemp");
	hvsimd = fork();
	if (hvsimd < 0)
		fail("fork");
	if (hvsimd == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(ready[1], 3);
		snprintf(fdarg, sizeof(fdarg), "3");
		setenv("HVSIM_KERNEL", "none", 1);
		/* its log: hvsimd.log in the directory */
		char log[128];
		snprintf(log, sizeof(log), "%s/hvsimd.log", dir);
		int lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (lfd >= 0)
			dup2(lfd, 2);
		execl(FUZZ_HVSIMD, "hvsimd", "--dir", dir, "--ready-fd", fdarg, (char *)NULL);
		_exit(127);
	}
	close(ready[1]);
	if (read(ready[0], &ch, 1) != 1 || ch != 'R')
		fail("hvsimd did not start (" FUZZ_HVSIMD ")");
	close(ready[0]);
}

/* A second domain, for grants and channels across domains. */
static void create_peer(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static const char req[] = "{\"cmd\":\"domain_create\",\"name\":\"peer\",\"mem_mib\":4}\n";
	char buf[256];
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control", dir);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(s, req, sizeof(req) - 1) != sizeof(req) - 1 || read(s, buf, sizeof(buf)) <= 0)
		fail("domain_create peer");
	close(s);
}

static void cleanup(void)
{
	if (program > 0)
		kill(program, SIGKILL);
	if (hvsimd > 0) {
		kill(hvsimd, SIGKILL);
		waitpid(hvsimd, NULL, 0);
	}
	if (dir[0]) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd)) {
			/* a scratch directory left in /tmp */
		}
	}
}

/* hvsim-kernel's main(), up to serving its devices (kmod/host/main.c). */
static void kernel_boot(char *devices, size_t len)
{
	struct hvsim_guest *g;
	int pipefd[2], err;

	host_ready_init(-1);
	host_log_init(dir, "Domain-0", 0);
	host_xenstore_init(dir, 0);
	host_cpus_init();
	err = hvsim_guest_attach(dir, 0, &g);
	if (err)
		fail("attach to Domain-0");
	hypercalls_set_guest(g);
	host_fault_init(g);
	if (kmod_boot())
		fail("kmod_boot");
	if (pipe2(pipefd, O_CLOEXEC) || procwatch_start() || hypercalls_start_vcpu(pipefd[1]))
		fail("the kernel's threads");
	if (hvsim_devices_socket(dir, 0, devices, len) || devsock_start(devices))
		fail("the device socket");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int sv[2], fd = memfd_create("fuzz-program", MFD_CLOEXEC);
	char devices[PATH_MAX];
	struct p_cmd go = { 0 };

	signal(SIGPIPE, SIG_IGN);
	atexit(cleanup);
	hvsimd_start();
	create_peer();
	if (fd < 0 || ftruncate(fd, SCRATCH_LEN) < 0)
		fail("memfd");
	scratch = mmap(NULL, SCRATCH_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (scratch == MAP_FAILED ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    hvsim_devices_socket(dir, 0, devices, sizeof(devices)))
		fail("the program's memory");
	/* the program first, while the fuzzer has no threads */
	program = fork();
	if (program < 0)
		fail("fork");
	if (program == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(sv[0]);
		if (mmap((void *)SCRATCH_BASE, SCRATCH_LEN, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0) == MAP_FAILED)
			_exit(13);
		program_main(sv[1], devices);
		_exit(0);
	}
	close(sv[1]);
	close(fd);
	prog_sock = sv[0];
	kernel_boot(devices, sizeof(devices));
	/* the program may connect now */
	if (xfer(true, &go, sizeof(go)) != sizeof(go))
		fail("the program");
	return 0;
}

/* The ioctls the drivers have, and a few they do not. */
static const uint32_t ioctls[] = {
	IOCTL_GNTDEV_MAP_GRANT_REF, IOCTL_GNTDEV_UNMAP_GRANT_REF,
	IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, IOCTL_GNTDEV_SET_MAX_GRANTS,
	IOCTL_GNTDEV_SET_UNMAP_NOTIFY, IOCTL_GNTDEV_GRANT_COPY,
	IOCTL_GNTALLOC_ALLOC_GREF, IOCTL_GNTALLOC_DEALLOC_GREF, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY,
	IOCTL_EVTCHN_BIND_VIRQ, IOCTL_EVTCHN_BIND_INTERDOMAIN, IOCTL_EVTCHN_BIND_UNBOUND_PORT,
	IOCTL_EVTCHN_UNBIND, IOCTL_EVTCHN_NOTIFY, IOCTL_EVTCHN_RESET, IOCTL_EVTCHN_RESTRICT_DOMID,
	IOCTL_PRIVCMD_HYPERCALL, IOCTL_PRIVCMD_MMAP, IOCTL_PRIVCMD_MMAPBATCH,
	IOCTL_PRIVCMD_MMAPBATCH_V2, IOCTL_PRIVCMD_DM_OP, IOCTL_PRIVCMD_RESTRICT,
	IOCTL_PRIVCMD_MMAP_RESOURCE, 0x4501, 0,
};
#define NR_IOCTLS (sizeof(ioctls) / sizeof(ioctls[0]))

static const char *const paths[] = {
	"/dev/xen/gntdev", "/dev/xen/gntalloc", "/dev/xen/evtchn", "/dev/xen/privcmd",
	"/dev/xen/hypercall", "/proc/xen/privcmd", "/dev/xen/nope",
};

/* Bytes of the input into the program's memory: at its base, or where the input says. */
static uint64_t scribble(struct fz *f)
{
	uint16_t off = fz_u16(f) % SCRATCH_LEN;
	size_t len = fz_u16(f) % 512;

	if (len > SCRATCH_LEN - off)
		len = SCRATCH_LEN - off;
	fz_bytes(f, scratch + off, len);
	return SCRATCH_BASE + off;
}

/*
 * Linux's own privcmd (6.1.192 and 6.12.118) maps a resource into the VMA
 * at `addr` without checking that `num` pages fill it, and its close then
 * unmaps and frees as many pages as the VMA has, reading past the array
 * it allocated for `num` (docs/fuzzing.md, finding 5).  Linux's code
 * compiles unmodified, so the harness asks for whole VMAs: the one
 * find_vma finds for `addr` (the first that ends above it).
 */
/* The slot of the mapping find_vma finds for addr (the first ending above it), or -1. */
static int map_slot_of(uint64_t addr)
{
	for (unsigned int i = 0; i < MAP_SLOTS; i++)
		if (map_pages[i] && MAP_AREA + (uint64_t)i * 0x100000 + map_pages[i] * 4096ULL > addr)
			return (int)i;
	return -1;
}

/*
 * And it BUGs (alloc_empty_pages: BUG_ON(vma->vm_private_data)) when
 * MMAP_RESOURCE finds a VMA that privcmd filled before, by MMAPBATCH or
 * MMAP_RESOURCE (finding 6): the harness asks for the size instead then.
 */
static void mmap_resource_whole_vma(uint64_t arg)
{
	privcmd_mmap_resource_t mr;
	uint64_t off = arg - SCRATCH_BASE;
	int i;

	if (arg < SCRATCH_BASE || off + sizeof(mr) > SCRATCH_LEN)
		return;
	memcpy(&mr, scratch + off, sizeof(mr));
	if (!mr.num && !mr.addr)
		return;
	i = map_slot_of(mr.addr);
	if (i < 0)
		return;
	if (map_privcmd_used[i]) {
		mr.addr = 0;
		mr.num = 0;
	} else {
		mr.addr = MAP_AREA + (uint64_t)i * 0x100000;
		mr.num = map_pages[i];
		map_privcmd_used[i] = true;
	}
	memcpy(scratch + off, &mr, sizeof(mr));
}

/*
 * An MMAPBATCH may fill the VMA at its addr (the struct's second field,
 * both versions).  Its count is kept to 1024: privcmd copies the gfns in
 * one element at a time (gather_array), each copy a process_vm_readv
 * here, and the program (a fork of the fuzzer) has gigabytes of
 * readable ASan shadow that a wild pointer finds: millions of copies,
 * seconds under ASan, before the VMA check refuses the count.
 */
static void mmap_batch_note(uint64_t arg)
{
	privcmd_mmapbatch_v2_t mb;
	uint64_t off = arg - SCRATCH_BASE;
	int i;

	if (arg < SCRATCH_BASE || off + sizeof(mb) > SCRATCH_LEN)
		return;
	memcpy(&mb, scratch + off, sizeof(mb));
	if ((int)mb.num > 1024) {	/* (v1's is an int: negative ones stay) */
		mb.num %= 1025;
		memcpy(scratch + off, &mb, sizeof(mb.num));
	}
	i = map_slot_of(mb.addr);
	if (i >= 0)
		map_privcmd_used[i] = true;
}

static void run_action(struct fz *f)
{
	uint8_t a = fz_u8(f);
	unsigned int k = (a >> 4) % MAX_FILES;
	struct hvsim_dev_req req = { .file = file_ids[k], .cpu = 1 };
	struct p_answer ans;

	switch (a & 0xf) {
	case 0: {	/* open */
		uint8_t p = fz_u8(f);
		const char *path = paths[(p & 0xf) % (sizeof(paths) / sizeof(paths[0]))];

		req.op = HVSIM_DEV_OPEN;
		req.flags = p & 0x80 ? fz_u32(f) : O_RDWR | (p & 0x40 ? O_NONBLOCK : 0);
		ans = call(&req, path, strlen(path), -1);
		if (ans.ret == 0 && ans.slot >= 0)
			file_ids[ans.slot] = ans.file;
		break;
	}
	case 1: case 2: case 3: case 4: {	/* ioctl */
		uint8_t c = fz_u8(f);

		req.op = HVSIM_DEV_IOCTL;
		req.cmd = c < 0xf0 ? ioctls[c % NR_IOCTLS] : fz_u32(f);
		req.arg = scribble(f);
		if (c & 1 && c >= 0xf0)
			req.arg = fz_u64(f);
		if (req.cmd == IOCTL_PRIVCMD_MMAP_RESOURCE)
			mmap_resource_whole_vma(req.arg);
		if (req.cmd == IOCTL_PRIVCMD_MMAPBATCH || req.cmd == IOCTL_PRIVCMD_MMAPBATCH_V2)
			mmap_batch_note(req.arg);
		call(&req, NULL, 0, -1);
		break;
	}
	case 5:	/* read */
		req.op = HVSIM_DEV_READ;
		req.arg = SCRATCH_BASE + fz_u16(f) % SCRATCH_LEN;
		req.len = fz_u16(f);
		call(&req, NULL, 0, -1);
		break;
	case 6:	/* write (evtchn: ports to unmask) */
		req.op = HVSIM_DEV_WRITE;
		req.arg = scribble(f);
		req.len = fz_u16(f) % 64;
		call(&req, NULL, 0, -1);
		break;
	case 7: {	/* mmap: the page offset names a gntdev map or gntalloc grant */
		uint8_t m = fz_u8(f);

		req.op = HVSIM_DEV_MMAP;
		req.arg = MAP_AREA + (uint64_t)(m & 0x3f) * 0x100000;
		req.len = (uint64_t)(1 + fz_u8(f) % 8) * 4096;
		req.cmd = m & 0x40 ? PROT_READ : PROT_READ | PROT_WRITE;
		req.flags = m & 0x80 ? MAP_PRIVATE : MAP_SHARED;
		req.offset = (uint64_t)fz_u16(f) * 4096;
		if (call(&req, NULL, 0, -1).ret == 0) {
			map_pages[m & 0x3f] = (unsigned int)(req.len / 4096);
			map_privcmd_used[m & 0x3f] = false;
		}
		break;
	}
	case 8: {	/* munmap */
		unsigned int slot = fz_u8(f) & 0x3f, first = fz_u8(f) % 8;

		req.op = HVSIM_DEV_MUNMAP;
		req.arg = MAP_AREA + (uint64_t)slot * 0x100000 + (uint64_t)first * 4096;
		req.len = (uint64_t)(1 + fz_u8(f) % 8) * 4096;
		call(&req, NULL, 0, -1);
		if (first == 0 && req.len / 4096 >= map_pages[slot]) {
			map_pages[slot] = 0;
			map_privcmd_used[slot] = false;
		}
		break;
	}
	case 9: {	/* fcntl: O_NONBLOCK, O_ASYNC to the program itself */
		uint8_t v = fz_u8(f);

		req.op = v & 1 ? HVSIM_DEV_SETOWN : HVSIM_DEV_SETFL;
		req.flags = (v & 2 ? O_NONBLOCK : 0) | (v & 4 ? O_ASYNC : 0);
		/* never another process: SIGIO would kill it */
		req.arg = (uint64_t)program;
		call(&req, NULL, 0, -1);
		break;
	}
	case 10: {	/* close: the program's last descriptor, then it says so */
		struct p_cmd c = { .what = P_CLOSE, .slot = (int32_t)k };

		program_do(&c);
		req.op = HVSIM_DEV_CLOSE;
		call(&req, NULL, 0, -1);
		file_ids[k] = 0;
		break;
	}
	case 11: {	/* fork: prepare, then commit or abort (or leave it) */
		uint8_t v = fz_u8(f);

		req.op = HVSIM_DEV_FORK_PREPARE;
		ans = call(&req, NULL, 0, -1);
		if (ans.ret != 0 || (v & 3) == 3)
			break;
		req.op = v & 1 ? HVSIM_DEV_FORK_ABORT : HVSIM_DEV_FORK_COMMIT;
		req.arg = v & 2 ? ans.file + 1 : ans.file;
		/* the child: the program itself (0), as its own fork would say */
		req.cmd = 0;
		call(&req, NULL, 0, -1);
		if (req.op == HVSIM_DEV_FORK_COMMIT && !(v & 2)) {
			req.op = HVSIM_DEV_FORK_ABORT;	/* the other side finds it gone */
			call(&req, NULL, 0, -1);
		}
		break;
	}
	case 12:	/* identify one of the program's descriptors */
		req.op = HVSIM_DEV_IDENTIFY;
		call(&req, NULL, 0, (int)(fz_u8(f) % MAX_FILES));
		break;
	case 13: {	/* any bytes as a request */
		struct p_cmd c = { .what = P_CALL, .slot = -1 };
		/* (not empty: a message of no bytes reads as the channel's end) */
		size_t len = 1 + fz_u8(f) % sizeof(c.req);

		struct hvsim_dev_req *r = (void *)c.req;

		fz_bytes(f, c.req, len);
		c.len = (uint32_t)len;
		/*
		 * Not INTERRUPT, which has no reply when whole (the program
		 * would take the next call's reply for it, and the kernel then
		 * sees a request in the middle of a call: the channel is the
		 * program's to break, not a finding), nor SETOWN (SIGIO: see
		 * above).  (The op is the first 4 bytes, zeros past the message.)
		 */
		if (r->op == HVSIM_DEV_INTERRUPT || r->op == HVSIM_DEV_SETOWN)
			r->op = 0;
		/* a mapping goes where mmap's do, so that MMAP_RESOURCE knows it (above) */
		if (r->op == HVSIM_DEV_MMAP && len >= sizeof(*r)) {
			r->arg = MAP_AREA + (r->arg % MAP_SLOTS) * 0x100000;
			r->len = (1 + r->len % 8) * 4096;
		}
		/* and privcmd's mapping ioctls keep to what Linux survives (above) */
		if (r->op == HVSIM_DEV_IOCTL && len >= sizeof(*r)) {
			if (r->cmd == IOCTL_PRIVCMD_MMAP_RESOURCE)
				mmap_resource_whole_vma(r->arg);
			if (r->cmd == IOCTL_PRIVCMD_MMAPBATCH || r->cmd == IOCTL_PRIVCMD_MMAPBATCH_V2)
				mmap_batch_note(r->arg);
		}
		ans = program_do(&c);
		if (r->op == HVSIM_DEV_MMAP && len >= sizeof(*r) && ans.ret == 0) {
			map_pages[(r->arg - MAP_AREA) / 0x100000] = (unsigned int)(r->len / 4096);
			map_privcmd_used[(r->arg - MAP_AREA) / 0x100000] = false;
		}
		if (!ans.replied) {
			dump_stacks();
			fail("a forged device request that never returns");
		}
		break;
	}
	case 14:	/* exec: the program's mappings go */
		req.op = HVSIM_DEV_EXEC;
		call(&req, NULL, 0, -1);
		memset(map_pages, 0, sizeof(map_pages));
		memset(map_privcmd_used, 0, sizeof(map_privcmd_used));
		break;
	default: {	/* mprotect over the mappings (and holes), or scribble */
		uint8_t m = fz_u8(f);

		if (!(m & 0x80)) {
			scribble(f);
			break;
		}
		req.op = HVSIM_DEV_MPROTECT;
		req.file = 0;
		req.arg = MAP_AREA + (uint64_t)(m & 0x3f) * 0x100000 +
			  (uint64_t)(fz_u8(f) % 8) * 4096;
		if (m & 0x40)
			req.arg += fz_u8(f);	/* unaligned, mostly */
		req.len = (uint64_t)(fz_u8(f) % 10) * 4096;
		req.cmd = fz_u8(f) & 0x0f;	/* PROT_READ/WRITE/EXEC/SEM */
		call(&req, NULL, 0, -1);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct p_cmd reset = { .what = P_RESET };
	struct hvsim_dev_req exec = { .op = HVSIM_DEV_EXEC };

	memset(scratch, 0, SCRATCH_LEN);
	while (fz_left(&f))
		run_action(&f);
	/* the next input starts from no file and no mapping */
	program_do(&reset);
	for (int i = 0; i < MAX_FILES; i++) {
		if (file_ids[i]) {
			struct hvsim_dev_req cl = { .op = HVSIM_DEV_CLOSE, .file = file_ids[i] };

			call(&cl, NULL, 0, -1);
		}
		file_ids[i] = 0;
	}
	call(&exec, NULL, 0, -1);
	memset(map_pages, 0, sizeof(map_pages));
	memset(map_privcmd_used, 0, sizeof(map_privcmd_used));
	return 0;
}
