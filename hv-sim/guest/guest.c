// SPDX-License-Identifier: GPL-2.0-only
/*
 * libhvsim-guest: attach, map, hypercall, upcall.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../gfn_map.h"
#include "hvsim/cpu.h"
#include "hvsim/hypercall_ops.h"
#include "hvsim/hypercall_wire.h"
#include "hvsim/paths.h"
#include "hvsim/scm.h"
#include "hvsim_guest.h"

#define BITS_PER_XEN_ULONG (sizeof(xen_ulong_t) * 8)

/* Another domain's memfd, passed by hvsimd: its RAM or its shared pages. */
struct ram_fd {
	domid_t domid;
	uint16_t kind;              /* HVSIM_FD_RAM or HVSIM_FD_SHARED */
	int fd;
};

struct hvsim_guest {
	int sock;
	domid_t domid;
	char name[HVSIM_NAME_MAX];
	bool dead;
	bool destroyed;		/* hvsimd said HVSIM_MSG_SHUTDOWN */

	int ram_fd;
	uint8_t *ram;
	uint64_t ram_pages;
	int shared_fd;
	uint8_t *shared;
	unsigned int max_grant_frames;
	int upcall_fd;

	pthread_mutex_t lock;       /* one hypercall at a time */
	uint32_t seq;
	uint8_t *msg;               /* HVSIM_MSG_MAX bytes */

	struct ram_fd *ram_fds;     /* other domains' RAM and shared fds, passed by hvsimd */
	size_t nr_ram_fds, ram_fds_cap;
	struct gfn_map foreign;     /* our gfns that show another page */

	/* takes the fault rules hvsimd sends (HVSIM_MSG_KERNEL_FAULT) */
	int (*fault_handler)(const struct hvsim_kernel_fault *f, void *arg);
	void *fault_arg;
};

/* Messages ---------------------------------------------------------------- */

/* One message from hvsimd, and the fds it passed; a message cut short is -EPROTO. */
static ssize_t recv_msg(int sock, void *buf, size_t cap, int *fds, size_t *nr_fds)
{
	ssize_t n;

	do
		n = hvsim_scm_recv(sock, buf, cap, MSG_CMSG_CLOEXEC, fds, HVSIM_SCM_MAX_FDS,
				   nr_fds, NULL);
	while (n == -EINTR);
	return n == -EMSGSIZE || n == -ETOOMANYREFS ? -EPROTO : n;
}

static int send_all(int sock, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(sock, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

static void close_fds(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

/* Foreign RAM fds and the local p2m view ---------------------------------- */

/* The fd of `kind` (HVSIM_FD_RAM or HVSIM_FD_SHARED) of domain `domid`, or -1. */
static int fd_of(struct hvsim_guest *g, uint16_t kind, domid_t domid)
{
	if (domid == g->domid)
		return kind == HVSIM_FD_SHARED ? g->shared_fd : g->ram_fd;
	for (size_t i = 0; i < g->nr_ram_fds; i++)
		if (g->ram_fds[i].domid == domid && g->ram_fds[i].kind == kind)
			return g->ram_fds[i].fd;
	return -1;
}

/* The fd a p2m override or update shows its frame from. */
static int backing_fd_of(struct hvsim_guest *g, domid_t domid, bool shared)
{
	return fd_of(g, shared ? HVSIM_FD_SHARED : HVSIM_FD_RAM, domid);
}

static void add_ram_fd(struct hvsim_guest *g, uint16_t kind, domid_t domid, int fd)
{
	if (fd_of(g, kind, domid) >= 0 || domid == g->domid) {
		close(fd);
		return;
	}
	if (g->nr_ram_fds == g->ram_fds_cap) {
		size_t cap = g->ram_fds_cap ? 2 * g->ram_fds_cap : 8;
		struct ram_fd *n = realloc(g->ram_fds, cap * sizeof(*n));

		if (!n) {
			close(fd);
			return;
		}
		g->ram_fds = n;
		g->ram_fds_cap = cap;
	}
	g->ram_fds[g->nr_ram_fds++] = (struct ram_fd){ domid, kind, fd };
}

static void record_p2m(struct hvsim_guest *g, const struct hvsim_p2m_update *u)
{
	struct gfn_entry *e;

	if (u->domid == g->domid && u->frame == u->gfn && !(u->flags & HVSIM_P2M_SHARED)) {
		gfn_map_clear(&g->foreign, u->gfn);
		return;
	}
	gfn_map_set(&g->foreign, u->gfn, u->domid, u->frame, u->flags & HVSIM_P2M_READONLY);
	e = gfn_map_get(&g->foreign, u->gfn);
	if (e)
		e->shared = u->flags & HVSIM_P2M_SHARED;
}

/*
 * Applies the hypervisor's p2m updates to our view of RAM, one mmap per
 * run of consecutive gfns showing consecutive frames of one domain.
 */
static int apply_p2m(struct hvsim_guest *g, const struct hvsim_p2m_update *u, size_t n)
{
	int err = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i + 1;

		while (j < n && u[j].domid == u[i].domid && u[j].flags == u[i].flags &&
		       u[j].gfn == u[i].gfn + (j - i) && u[j].frame == u[i].frame + (j - i))
			j++;
		int fd = backing_fd_of(g, u[i].domid, u[i].flags & HVSIM_P2M_SHARED);
		int prot = PROT_READ | (u[i].flags & HVSIM_P2M_READONLY ? 0 : PROT_WRITE);

		if (fd < 0 || u[i].gfn + (j - i) > g->ram_pages ||
		    mmap(g->ram + u[i].gfn * XEN_PAGE_SIZE, (j - i) * XEN_PAGE_SIZE, prot,
			 MAP_SHARED | MAP_FIXED, fd, (off_t)(u[i].frame * XEN_PAGE_SIZE)) ==
		    MAP_FAILED)
			err = -EIO;
		for (size_t k = i; k < j; k++)
			record_p2m(g, &u[k]);
		i = j;
	}
	return err;
}

int hvsim_guest_gfn_backing(struct hvsim_guest *g, uint64_t gfn, int *fd,
			    off_t *offset, int *readonly)
{
	struct gfn_entry *f;
	int err = 0;

	if (gfn >= g->ram_pages)
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	f = gfn_map_get(&g->foreign, gfn);
	if (f) {
		*fd = backing_fd_of(g, f->domid, f->shared);
		*offset = (off_t)(f->frame * XEN_PAGE_SIZE);
		*readonly = f->readonly;
		if (*fd < 0)
			err = -EIO;
	} else {
		*fd = g->ram_fd;
		*offset = (off_t)(gfn * XEN_PAGE_SIZE);
		*readonly = 0;
	}
	pthread_mutex_unlock(&g->lock);
	return err;
}

/* Hypercalls ---------------------------------------------------------------- */

/*
 * hvsimd hung up: it sent HVSIM_MSG_SHUTDOWN first if it destroyed the
 * domain, and that message may still be queued unread: a call sent after
 * the hang-up fails with EPIPE, and when hvsimd closed with a request of
 * ours unread the socket's ECONNRESET comes before the queued message
 * (to a send or a recv, once; this peek then sees the message).
 */
static void note_shutdown(struct hvsim_guest *g)
{
	struct hvsim_msg_hdr h;

	if (recv(g->sock, &h, sizeof(h), MSG_PEEK | MSG_DONTWAIT) == (ssize_t)sizeof(h) &&
	    h.type == HVSIM_MSG_SHUTDOWN)
		g->destroyed = true;
}

/*
 * hvsimd's fault rule for this kernel (HVSIM_MSG_KERNEL_FAULT, `len` bytes
 * at msg, which may be g->msg): the handler takes it, and its answer goes
 * back with the same seq.  Called with g->lock held.
 */
static void answer_fault(struct hvsim_guest *g, const void *msg, size_t len)
{
	struct hvsim_msg_hdr h, answer;
	struct hvsim_kernel_fault f;

	memcpy(&h, msg, sizeof(h));
	memset(&answer, 0, sizeof(answer));
	answer.type = HVSIM_MSG_KERNEL_FAULT;
	answer.seq = h.seq;
	if (h.count != 1 || len != sizeof(h) + sizeof(f)) {
		answer.rc = -EINVAL;
	} else {
		memcpy(&f, (const uint8_t *)msg + sizeof(h), sizeof(f));
		answer.rc = g->fault_handler ? g->fault_handler(&f, g->fault_arg) : -ENOSYS;
	}
	send_all(g->sock, &answer, sizeof(answer));
}

/*
 * One round trip: sends the request in g->msg (hdr + len bytes of structs)
 * and waits for its reply in g->msg, taking HVSIM_MSG_FDS messages on the
 * way.  Returns the reply's length or -errno.  Called with g->lock held.
 */
static ssize_t round_trip(struct hvsim_guest *g, size_t len)
{
	struct hvsim_msg_hdr *h = (void *)g->msg;
	uint32_t seq = ++g->seq;
	int fds[HVSIM_SCM_MAX_FDS];
	size_t nr_fds;
	ssize_t n;
	int err;

	if (g->dead)
		return -ENOTCONN;
	h->seq = seq;
	err = send_all(g->sock, g->msg, len);
	if (err) {
		note_shutdown(g);
		goto dead;
	}
	for (;;) {
		n = recv_msg(g->sock, g->msg, HVSIM_MSG_MAX, fds, &nr_fds);
		if (n <= 0) {
			err = n == 0 ? -ENOTCONN : (int)n;
			if (n < 0)
				note_shutdown(g);
			goto dead;
		}
		if ((size_t)n < sizeof(*h)) {
			close_fds(fds, nr_fds);
			return -EPROTO;
		}
		if (h->type == HVSIM_MSG_SHUTDOWN) {
			close_fds(fds, nr_fds);
			g->destroyed = true;
			err = -ENOTCONN;
			goto dead;
		}
		if (h->type == HVSIM_MSG_FDS) {
			const struct hvsim_fd_desc *d = (const void *)(h + 1);

			for (size_t i = 0; i < nr_fds; i++) {
				if (i < h->nr_fds &&
				    (size_t)n >= sizeof(*h) + (i + 1) * sizeof(*d) &&
				    (d[i].kind == HVSIM_FD_RAM || d[i].kind == HVSIM_FD_SHARED))
					add_ram_fd(g, d[i].kind, d[i].domid, fds[i]);
				else
					close(fds[i]);
			}
			continue;
		}
		close_fds(fds, nr_fds);
		if (h->type == HVSIM_MSG_KERNEL_FAULT) {
			answer_fault(g, g->msg, (size_t)n);
			continue;
		}
		if (h->seq == seq)
			return n;
	}
dead:
	g->dead = true;
	return err;
}

/* Whether this thread keeps to its CPU (hvsim_guest_set_cpu_held). */
static __thread bool cpu_held;

void hvsim_guest_set_cpu_held(bool held)
{
	cpu_held = held;
}

static uint32_t caller_cpu(void)
{
	uint32_t cpu = hvsim_caller_cpu();

	return cpu && cpu_held ? cpu | HVSIM_CPU_HELD : cpu;
}

/* One message's worth of a batch.  Called with g->lock held. */
static int hypercall_chunk(struct hvsim_guest *g, unsigned int op, unsigned int cmd,
			   void *ops, size_t size, unsigned int count, void *inline_out,
			   size_t inline_cap)
{
	struct hvsim_msg_hdr *h = (void *)g->msg;
	size_t body = (size_t)count * size;
	ssize_t n;
	int err;

	memset(h, 0, sizeof(*h));
	h->type = HVSIM_MSG_HYPERCALL;
	h->op = op;
	h->cmd = cmd;
	h->count = count;
	h->cpu = caller_cpu();
	if (body)
		memcpy(h + 1, ops, body);
	n = round_trip(g, sizeof(*h) + body);
	if (n < 0)
		return (int)n;
	if (h->rc < 0 && h->count == 0)
		return h->rc;
	if (h->count != count ||
	    (size_t)n != sizeof(*h) + body + h->inline_len + h->nr_p2m *
			sizeof(struct hvsim_p2m_update))
		return -EPROTO;
	if (body)
		memcpy(ops, h + 1, body);
	if (h->inline_len && inline_out)
		memcpy(inline_out, (uint8_t *)(h + 1) + body,
		       h->inline_len < inline_cap ? h->inline_len : inline_cap);
	if (h->nr_p2m) {
		err = apply_p2m(g, (const void *)((uint8_t *)(h + 1) + body + h->inline_len),
				h->nr_p2m);
		if (err)
			return err;
	}
	return h->rc;
}

int hvsim_guest_grant_table_op(struct hvsim_guest *g, unsigned int cmd,
			       void *ops, unsigned int count, xen_pfn_t *frames)
{
	size_t size = hvsim_hypercall_op_size(__HYPERVISOR_grant_table_op, cmd);
	unsigned int max;
	int rc = 0;

	if (!size) {
		/* let the hypervisor answer an op we do not know */
		pthread_mutex_lock(&g->lock);
		rc = hypercall_chunk(g, __HYPERVISOR_grant_table_op, cmd, NULL, 0, 0, NULL, 0);
		pthread_mutex_unlock(&g->lock);
		return rc;
	}
	max = hvsim_max_batch((uint32_t)size);
	pthread_mutex_lock(&g->lock);
	for (unsigned int done = 0; done < count || (count == 0 && done == 0);) {
		unsigned int n = count - done < max ? count - done : max;
		size_t cap = 0;

		if (cmd == GNTTABOP_setup_table && frames && count >= 1)
			cap = ((struct gnttab_setup_table *)ops)->nr_frames * sizeof(xen_pfn_t);
		rc = hypercall_chunk(g, __HYPERVISOR_grant_table_op, cmd,
				     (uint8_t *)ops + done * size, size, n, frames, cap);
		if (rc < 0 || n == 0)
			break;
		done += n;
	}
	pthread_mutex_unlock(&g->lock);
	return rc;
}

int hvsim_guest_event_channel_op(struct hvsim_guest *g, unsigned int cmd, void *arg)
{
	size_t size = hvsim_hypercall_op_size(__HYPERVISOR_event_channel_op, cmd);
	int rc;

	pthread_mutex_lock(&g->lock);
	rc = hypercall_chunk(g, __HYPERVISOR_event_channel_op, cmd, arg, size,
			     size ? 1 : 0, NULL, 0);
	pthread_mutex_unlock(&g->lock);
	return rc;
}

long hvsim_guest_raw_hypercall(struct hvsim_guest *g, unsigned int op,
			       const uint64_t args[5], int pid,
			       const void *by_value, size_t len)
{
	struct hvsim_msg_hdr *h = (void *)g->msg;
	struct hvsim_raw_hypercall *raw = (void *)(h + 1);
	size_t sent = sizeof(*h) + sizeof(*raw) + len;
	ssize_t n;
	long rc;

	if (len > HVSIM_RAW_INLINE_MAX || pid <= 0)
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	memset(h, 0, sizeof(*h) + sizeof(*raw));
	h->type = HVSIM_MSG_RAW_HYPERCALL;
	h->op = op;
	h->count = 1;
	h->inline_len = (uint32_t)len;
	h->cpu = caller_cpu();
	memcpy(raw->arg, args, sizeof(raw->arg));
	raw->pid = (uint32_t)pid;
	if (len)
		memcpy(raw + 1, by_value, len);
	n = round_trip(g, sent);
	if (n < 0) {
		rc = n;
	} else if ((size_t)n < sizeof(*h) ||
		   (size_t)n != sizeof(*h) + h->count * sizeof(*raw) +
				h->nr_p2m * sizeof(struct hvsim_p2m_update)) {
		rc = -EPROTO;
	} else {
		rc = h->rc;
		/* foreign pages it placed in our gfns (XENMEM_add_to_physmap_range) */
		if (h->nr_p2m) {
			int err = apply_p2m(g, (const void *)((uint8_t *)(h + 1) +
					    h->count * sizeof(*raw)), h->nr_p2m);
			if (err)
				rc = err;
		}
	}
	pthread_mutex_unlock(&g->lock);
	return rc;
}

/* Attach ---------------------------------------------------------------- */

static int do_attach(struct hvsim_guest *g)
{
	struct hvsim_msg_hdr *h = (void *)g->msg;
	struct hvsim_attach_req *ar = (void *)(h + 1);
	const struct hvsim_attach_info *info = (const void *)(h + 1);
	const struct hvsim_fd_desc *desc = (const void *)(info + 1);
	int fds[HVSIM_SCM_MAX_FDS];
	size_t nr_fds;
	ssize_t n;

	memset(h, 0, sizeof(*h) + sizeof(*ar));
	h->type = HVSIM_MSG_ATTACH;
	h->seq = ++g->seq;
	ar->version = HVSIM_WIRE_VERSION;
	ar->domid = g->domid;
	n = send_all(g->sock, g->msg, sizeof(*h) + sizeof(*ar));
	if (n < 0)
		return (int)n;
	n = recv_msg(g->sock, g->msg, HVSIM_MSG_MAX, fds, &nr_fds);
	if (n < 0)
		return (int)n;
	if (n == 0 || (size_t)n < sizeof(*h)) {
		close_fds(fds, nr_fds);
		return -EPROTO;
	}
	if (h->rc < 0) {
		close_fds(fds, nr_fds);
		return h->rc;
	}
	if (h->type != HVSIM_MSG_ATTACH || nr_fds != 3 || h->nr_fds != 3 ||
	    (size_t)n < sizeof(*h) + sizeof(*info) + 3 * sizeof(*desc) ||
	    info->version != HVSIM_WIRE_VERSION) {
		close_fds(fds, nr_fds);
		return -EPROTO;
	}
	for (int i = 0; i < 3; i++) {
		switch (desc[i].kind) {
		case HVSIM_FD_RAM: g->ram_fd = fds[i]; break;
		case HVSIM_FD_SHARED: g->shared_fd = fds[i]; break;
		case HVSIM_FD_UPCALL: g->upcall_fd = fds[i]; break;
		default: close(fds[i]);
		}
	}
	if (g->ram_fd < 0 || g->shared_fd < 0 || g->upcall_fd < 0)
		return -EPROTO;
	g->ram_pages = info->ram_pages;
	g->max_grant_frames = info->max_grant_frames;
	memcpy(g->name, info->name, sizeof(g->name));
	g->name[sizeof(g->name) - 1] = 0;

	g->ram = mmap(NULL, g->ram_pages * XEN_PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED, g->ram_fd, 0);
	if (g->ram == MAP_FAILED) {
		g->ram = NULL;
		return -errno;
	}
	if (gfn_map_init(&g->foreign, g->ram_pages))
		return -ENOMEM;
	g->shared = mmap(NULL, (HVSIM_GRANT_FRAME0_PAGE + g->max_grant_frames) * XEN_PAGE_SIZE,
			 PROT_READ | PROT_WRITE, MAP_SHARED, g->shared_fd, 0);
	if (g->shared == MAP_FAILED) {
		g->shared = NULL;
		return -errno;
	}
	return 0;
}

int hvsim_guest_attach_fd(int sock, domid_t domid, struct hvsim_guest **out)
{
	struct hvsim_guest *g = calloc(1, sizeof(*g));
	int err;

	if (!g) {
		close(sock);
		return -ENOMEM;
	}
	g->sock = sock;
	g->domid = domid;
	g->ram_fd = g->shared_fd = g->upcall_fd = -1;
	pthread_mutex_init(&g->lock, NULL);
	g->msg = malloc(HVSIM_MSG_MAX);
	err = g->msg ? do_attach(g) : -ENOMEM;
	if (err) {
		hvsim_guest_detach(g);
		return err;
	}
	*out = g;
	return 0;
}

int hvsim_guest_attach(const char *dir, domid_t domid, struct hvsim_guest **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[PATH_MAX];
	int sock, n, err;

	if (!dir)
		dir = hvsim_state_dir(buf, sizeof(buf));
	n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, HVSIM_HYPERCALL_SOCK);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -errno;
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(sock);
		return err;
	}
	return hvsim_guest_attach_fd(sock, domid, out);
}

void hvsim_guest_detach(struct hvsim_guest *g)
{
	if (!g)
		return;
	if (g->ram)
		munmap(g->ram, g->ram_pages * XEN_PAGE_SIZE);
	if (g->shared)
		munmap(g->shared, (HVSIM_GRANT_FRAME0_PAGE + g->max_grant_frames) *
		       XEN_PAGE_SIZE);
	for (size_t i = 0; i < g->nr_ram_fds; i++)
		close(g->ram_fds[i].fd);
	free(g->ram_fds);
	gfn_map_fini(&g->foreign);
	if (g->ram_fd >= 0)
		close(g->ram_fd);
	if (g->shared_fd >= 0)
		close(g->shared_fd);
	if (g->upcall_fd >= 0)
		close(g->upcall_fd);
	close(g->sock);
	pthread_mutex_destroy(&g->lock);
	free(g->msg);
	free(g);
}

/* Accessors --------------------------------------------------------------- */

domid_t hvsim_guest_domid(const struct hvsim_guest *g) { return g->domid; }
const char *hvsim_guest_name(const struct hvsim_guest *g) { return g->name; }
void *hvsim_guest_ram(const struct hvsim_guest *g) { return g->ram; }
uint64_t hvsim_guest_ram_pages(const struct hvsim_guest *g) { return g->ram_pages; }
int hvsim_guest_upcall_fd(const struct hvsim_guest *g) { return g->upcall_fd; }
int hvsim_guest_conn_fd(const struct hvsim_guest *g) { return g->sock; }

struct shared_info *hvsim_guest_shared_info(const struct hvsim_guest *g)
{
	return (struct shared_info *)(g->shared + HVSIM_SHARED_INFO_PAGE * XEN_PAGE_SIZE);
}

grant_entry_v1_t *hvsim_guest_grant_table(const struct hvsim_guest *g,
					  unsigned int *max_frames)
{
	if (max_frames)
		*max_frames = g->max_grant_frames;
	return (grant_entry_v1_t *)(g->shared + HVSIM_GRANT_FRAME0_PAGE * XEN_PAGE_SIZE);
}

/*
 * With g->lock held: an unsolicited message or EOF while no call is in
 * progress means the domain is going (destroyed if hvsimd said so).
 */
static void check_idle_conn(struct hvsim_guest *g)
{
	struct pollfd p = { .fd = g->sock, .events = POLLIN };

	while (!g->dead && poll(&p, 1, 0) == 1) {
		uint8_t msg[sizeof(struct hvsim_msg_hdr) + sizeof(struct hvsim_kernel_fault)];
		struct hvsim_msg_hdr h;
		ssize_t n;

		/* a fault rule is no news of the end: answer it and look again */
		if (recv(g->sock, &h, sizeof(h), MSG_PEEK | MSG_DONTWAIT) == (ssize_t)sizeof(h) &&
		    h.type == HVSIM_MSG_KERNEL_FAULT) {
			n = recv(g->sock, msg, sizeof(msg), MSG_DONTWAIT | MSG_TRUNC);
			if (n > 0)
				answer_fault(g, msg, (size_t)n);
			continue;
		}
		g->dead = true;
		note_shutdown(g);
	}
}

void hvsim_guest_set_fault_handler(struct hvsim_guest *g,
				   int (*fn)(const struct hvsim_kernel_fault *f, void *arg),
				   void *arg)
{
	pthread_mutex_lock(&g->lock);
	g->fault_handler = fn;
	g->fault_arg = arg;
	pthread_mutex_unlock(&g->lock);
}

void hvsim_guest_fault_injected(struct hvsim_guest *g, const struct hvsim_fault_injected *n)
{
	struct {
		struct hvsim_msg_hdr h;
		struct hvsim_fault_injected n;
	} msg;

	if (g->dead)
		return;
	memset(&msg, 0, sizeof(msg));
	msg.h.type = HVSIM_MSG_FAULT_INJECTED;
	msg.h.count = 1;
	msg.n = *n;
	/* one message, needing no answer: it may go while a call waits */
	send_all(g->sock, &msg, sizeof(msg));
}

int hvsim_guest_alive(struct hvsim_guest *g)
{
	if (g->dead)
		return 0;
	if (pthread_mutex_trylock(&g->lock) == 0) {
		check_idle_conn(g);
		pthread_mutex_unlock(&g->lock);
	}
	return !g->dead;
}

int hvsim_guest_take_messages(struct hvsim_guest *g)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 1;
	/* a call in progress reads and answers whatever comes meanwhile */
	if (pthread_mutex_timedlock(&g->lock, &deadline) == 0) {
		check_idle_conn(g);
		pthread_mutex_unlock(&g->lock);
	}
	return !g->dead;
}

int hvsim_guest_destroyed(struct hvsim_guest *g)
{
	hvsim_guest_alive(g);
	return g->destroyed;
}

int hvsim_guest_destroyed_wait(struct hvsim_guest *g, int timeout_ms)
{
	struct pollfd p = { .fd = g->sock, .events = POLLIN };
	struct timespec deadline;

	if (g->destroyed)
		return 1;
	/*
	 * Nothing to read: no news.  hvsimd closes the connection right after
	 * its SHUTDOWN, so once that came the socket stays readable (EOF)
	 * even after a call in progress took the message: the fast answer
	 * costs a release one poll, never a wait for another thread's call.
	 */
	if (poll(&p, 1, 0) == 0)
		return 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	/* a call in progress reads whatever came, SHUTDOWN included */
	if (pthread_mutex_timedlock(&g->lock, &deadline) == 0) {
		check_idle_conn(g);
		pthread_mutex_unlock(&g->lock);
	}
	return g->destroyed;
}

/* Upcalls and the 2-level bitmaps -------------------------------------- */

int hvsim_guest_wait_upcall(struct hvsim_guest *g, int timeout_ms)
{
	struct pollfd p = { .fd = g->upcall_fd, .events = POLLIN };
	uint64_t v;
	int n;

	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	if (read(g->upcall_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return -errno;
	return 1;
}

void hvsim_guest_take_upcall(struct hvsim_guest *g)
{
	hvsim_guest_take_kick(g);
}

int hvsim_guest_take_kick(struct hvsim_guest *g)
{
	uint64_t v = 0;
	/* the eventfd is non-blocking: nothing there (EAGAIN) is harmless */
	ssize_t n = read(g->upcall_fd, &v, sizeof(v));

	if (n != (ssize_t)sizeof(v))
		return 0;
	return (v % HVSIM_UPCALL_KICK_MESSAGE ? HVSIM_GUEST_KICK_UPCALL : 0) |
	       (v >= HVSIM_UPCALL_KICK_MESSAGE ? HVSIM_GUEST_KICK_MESSAGE : 0);
}

static xen_ulong_t *pending_word(struct hvsim_guest *g, evtchn_port_t port)
{
	return &hvsim_guest_shared_info(g)->evtchn_pending[port / BITS_PER_XEN_ULONG];
}

static xen_ulong_t *mask_word(struct hvsim_guest *g, evtchn_port_t port)
{
	return &hvsim_guest_shared_info(g)->evtchn_mask[port / BITS_PER_XEN_ULONG];
}

static xen_ulong_t port_bit(evtchn_port_t port)
{
	return (xen_ulong_t)1 << (port % BITS_PER_XEN_ULONG);
}

static bool port_valid(evtchn_port_t port)
{
	return port < BITS_PER_XEN_ULONG * BITS_PER_XEN_ULONG;
}

void hvsim_guest_evtchn_clear(struct hvsim_guest *g, evtchn_port_t port)
{
	if (port_valid(port))
		__atomic_and_fetch(pending_word(g, port), ~port_bit(port), __ATOMIC_SEQ_CST);
}

int hvsim_guest_evtchn_test_pending(struct hvsim_guest *g, evtchn_port_t port)
{
	return port_valid(port) &&
	       (__atomic_load_n(pending_word(g, port), __ATOMIC_SEQ_CST) & port_bit(port));
}

void hvsim_guest_evtchn_mask(struct hvsim_guest *g, evtchn_port_t port)
{
	if (port_valid(port))
		__atomic_or_fetch(mask_word(g, port), port_bit(port), __ATOMIC_SEQ_CST);
}

int hvsim_guest_evtchn_unmask(struct hvsim_guest *g, evtchn_port_t port)
{
	struct evtchn_unmask op = { .port = port };

	if (!port_valid(port))
		return -EINVAL;
	/*
	 * As Linux's HVM 2-level unmask: clear the mask; if the port turns
	 * out to be pending, mask it again and let EVTCHNOP_unmask clear it,
	 * since Xen only re-raises a port whose mask bit it clears itself.
	 */
	__atomic_and_fetch(mask_word(g, port), ~port_bit(port), __ATOMIC_SEQ_CST);
	if (hvsim_guest_evtchn_test_pending(g, port)) {
		hvsim_guest_evtchn_mask(g, port);
		return hvsim_guest_event_channel_op(g, EVTCHNOP_unmask, &op);
	}
	return 0;
}

int hvsim_guest_scan_events(struct hvsim_guest *g,
			    void (*handler)(evtchn_port_t port, void *arg), void *arg)
{
	struct shared_info *s = hvsim_guest_shared_info(g);
	struct vcpu_info *v = &s->vcpu_info[0];
	xen_ulong_t sel;
	int handled = 0;

	__atomic_store_n(&v->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned int w = (unsigned int)__builtin_ctzl(sel);
		xen_ulong_t bits;

		sel &= sel - 1;
		bits = __atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) &
		       ~__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST);
		while (bits) {
			unsigned int b = (unsigned int)__builtin_ctzl(bits);

			bits &= bits - 1;
			handler((evtchn_port_t)(w * BITS_PER_XEN_ULONG + b), arg);
			handled++;
		}
	}
	return handled;
}

void hvsim_guest_grant_access(struct hvsim_guest *g, grant_ref_t ref, domid_t to,
			      uint64_t frame, int readonly)
{
	grant_entry_v1_t *e = &hvsim_guest_grant_table(g, NULL)[ref];

	e->domid = to;
	e->frame = (uint32_t)frame;
	__atomic_store_n(&e->flags, (uint16_t)(GTF_permit_access |
			 (readonly ? GTF_readonly : 0)), __ATOMIC_RELEASE);
}

int hvsim_guest_end_access(struct hvsim_guest *g, grant_ref_t ref)
{
	grant_entry_v1_t *e = &hvsim_guest_grant_table(g, NULL)[ref];
	uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);

	do {
		if (flags & (GTF_reading | GTF_writing))
			return 0;
	} while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	return 1;
}

static void note_first_port(evtchn_port_t port, void *arg)
{
	evtchn_port_t *first = arg;

	if (!*first)
		*first = port;
}

evtchn_port_t hvsim_guest_wait_event(struct hvsim_guest *g, int timeout_ms)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		evtchn_port_t port = 0;

		hvsim_guest_scan_events(g, note_first_port, &port);
		if (port) {
			hvsim_guest_evtchn_clear(g, port);
			return port;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000 +
					  (now.tv_nsec - start.tv_nsec) / 1000000);

		if (left <= 0 || hvsim_guest_wait_upcall(g, (int)left) < 0)
			return 0;
	}
}
