// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device socket (its wire: include/hvsim/device_wire.h).
 * One connection is one call channel of a program thread, served by a
 * thread of its own that runs each request in the calling program's
 * context, as the program's own system call would run in Linux.  The open
 * files themselves, their lifetime and readiness, are devfile.c's.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hvsim/cpu.h"
#include "hvsim/device_wire.h"
#include "hvsim/listen.h"
#include "hvsim/scm.h"
#include "hvsim_guest.h"
#include "hostif.h"
#include "host.h"

struct conn {
	int sock;
	struct conn *next;
};

/* A fork in progress: the copy of the parent's mappings (device_wire.h). */
struct fork_token {
	uint64_t id;
	void *mm;
	int parent;              /* the pid whose mm was copied */
	struct fork_token *next;
};

static int listen_fd = -1;
static char sock_path[108];
static struct conn *conns;
static int nr_conns;
static bool stopping;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conns_cond = PTHREAD_COND_INITIALIZER;
static struct fork_token *forks;
static uint64_t fork_seq;
static pthread_mutex_t forks_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * One request, the sender's pid and the descriptors it sent (up to
 * HVSIM_SCM_MAX_FDS); 0 on EOF, -errno on error (hvsim_scm_recv's: one
 * too long or with too many fds is still in buf, to be answered).
 */
static ssize_t recv_req(int sock, void *buf, size_t size, int *pid, int *fds, int *nr_fds)
{
	size_t got;
	pid_t sender;
	ssize_t n;

	do
		n = hvsim_scm_recv(sock, buf, size, MSG_CMSG_CLOEXEC, fds, HVSIM_SCM_MAX_FDS,
				   &got, &sender);
	while (n == -EINTR);
	*pid = sender;
	*nr_fds = (int)got;
	return n;
}

static int send_msg(int sock, const void *buf, size_t len, const int *fds, int nr_fds)
{
	struct iovec iov = { (void *)buf, len };

	return hvsim_scm_send(sock, &iov, 1, fds, (size_t)nr_fds, 0);
}

static int reply(int sock, uint32_t seq, int64_t ret)
{
	struct hvsim_dev_reply r = { .seq = seq, .ret = ret };

	return send_msg(sock, &r, sizeof(r), NULL, 0);
}

static void close_fds(const int *fds, int nr)
{
	for (int i = 0; i < nr; i++)
		close(fds[i]);
}

/* One page of a reply with runs: where it goes, and what shows there. */
struct run_page {
	uint64_t start;          /* MMAP: offset in the mapping; IOCTL: address */
	unsigned long pfn;       /* ~0UL: no page */
	bool readonly;           /* the mapping's own protection says so */
	bool noaccess;           /* IOCTL: the mapping is PROT_NONE now */
	bool copies;             /* a write makes a private copy: a read-only
	                          * page does not make the run read-only */
};

typedef void run_page_fn(const void *ctx, unsigned long i, struct run_page *p);

/*
 * A reply with runs (device_wire.h): which memfd pages show at each page,
 * merged into runs, with the memfds themselves (without `with_fds`, none:
 * the runs only say which pages are read-only or have none).  Pages with no
 * pfn get no run (MMAP) or, with `holes`, a HVSIM_DEV_RUN_NONE run (IOCTL,
 * MPROTECT).
 */
static int reply_runs(int sock, struct hvsim_dev_reply *r, unsigned long nr_pages,
		      run_page_fn *page, const void *ctx, bool holes, bool with_fds)
{
	struct hvsim_guest *g = hypercalls_guest();
	/* a mapping is a few runs, mostly: no allocation for those */
	struct hvsim_dev_run few[16], *runs = few;
	size_t cap = sizeof(few) / sizeof(few[0]), nr = 0, sent;
	int fds[HVSIM_SCM_MAX_FDS], nr_fds = 0;
	struct iovec iov[2];
	int err = 0;

	for (unsigned long i = 0; i < nr_pages; i++) {
		struct hvsim_dev_run *last = nr ? &runs[nr - 1] : NULL;
		struct hvsim_dev_run run;
		struct run_page p;
		int fd, ro, k = 0;
		off_t off = 0;

		page(ctx, i, &p);
		if (p.pfn == ~0UL) {
			if (!holes)
				continue;
			run = (struct hvsim_dev_run){
				.start = p.start, .len = 4096, .flags = HVSIM_DEV_RUN_NONE,
			};
		} else {
			err = hvsim_guest_gfn_backing(g, p.pfn, &fd, &off, &ro);
			if (err)
				goto out;
			if (!with_fds)
				off = 0;
			for (k = 0; with_fds && k < nr_fds && fds[k] != fd; k++)
				;
			if (with_fds && k == nr_fds) {
				if (nr_fds == HVSIM_SCM_MAX_FDS) {
					err = -E2BIG;
					goto out;
				}
				fds[nr_fds++] = fd;
			}
			run = (struct hvsim_dev_run){
				.start = p.start, .len = 4096, .offset = (uint64_t)off,
				.fd_index = (uint32_t)k,
				.flags = ((ro && !p.copies) || p.readonly ?
					  HVSIM_DEV_RUN_READONLY : 0) |
					 (p.noaccess ? HVSIM_DEV_RUN_NOACCESS : 0),
			};
		}
		if (last && last->flags == run.flags && last->fd_index == run.fd_index &&
		    last->start + last->len == run.start &&
		    (run.flags & HVSIM_DEV_RUN_NONE || !with_fds ||
		     last->offset + last->len == run.offset)) {
			last->len += 4096;
			continue;
		}
		if (nr == cap) {
			struct hvsim_dev_run *more = runs == few ? malloc(2 * cap * sizeof(*runs)) :
						     realloc(runs, 2 * cap * sizeof(*runs));

			if (!more) {
				err = -ENOMEM;
				goto out;
			}
			if (runs == few)
				memcpy(more, few, sizeof(few));
			runs = more;
			cap *= 2;
		}
		runs[nr++] = run;
	}
	r->nr_fds = (uint16_t)nr_fds;
	r->nr_runs = (uint32_t)nr;
	sent = nr < HVSIM_DEV_RUNS_PER_MSG ? nr : HVSIM_DEV_RUNS_PER_MSG;
	/* the reply and the first runs are one message, sent from where they are */
	iov[0] = (struct iovec){ r, sizeof(*r) };
	iov[1] = (struct iovec){ runs, sent * sizeof(*runs) };
	err = hvsim_scm_send(sock, iov, sent ? 2 : 1, fds, (size_t)nr_fds, 0);
	while (!err && sent < nr) {
		size_t k = nr - sent < HVSIM_DEV_RUNS_PER_MSG ? nr - sent : HVSIM_DEV_RUNS_PER_MSG;

		err = send_msg(sock, runs + sent, k * sizeof(*runs), NULL, 0);
		sent += k;
	}
out:
	if (runs != few)
		free(runs);
	return err;
}

/* An mmap's pages: page i of the mapping shows pfns[i]. */
static void mmap_page(const void *ctx, unsigned long i, struct run_page *p)
{
	const unsigned long *pfns = ctx;

	*p = (struct run_page){ .start = i * 4096ULL, .pfn = pfns[i] };
}

/* The mmap reply: which memfd pages show at each page of the mapping. */
static int reply_mmap(int sock, uint32_t seq, const unsigned long *pfns,
		      unsigned long nr_pages)
{
	struct hvsim_dev_reply r = { .seq = seq };

	return reply_runs(sock, &r, nr_pages, mmap_page, pfns, false, true);
}

/* The pages an ioctl changed in the caller's mappings. */
static void changed_page(const void *ctx, unsigned long i, struct run_page *p)
{
	const struct kmod_pte_change *c = (const struct kmod_pte_change *)ctx + i;

	*p = (struct run_page){ .start = c->addr, .pfn = c->pfn, .readonly = !c->writable,
				.noaccess = !c->accessible };
}

/*
 * A call's reply, with the pages it changed in the caller's mappings as
 * runs, if any (device_wire.h, HVSIM_DEV_IOCTL).  When they cannot be
 * described, the call's result stands and the program's view of those
 * pages stays as it was (logged).
 */
static int reply_with_changes(int sock, struct hvsim_dev_reply *r, int pid)
{
	struct kmod_pte_change *changes;
	long n = kmod_mm_take_changes(pid, &changes);
	int err;

	if (n <= 0)
		return send_msg(sock, r, sizeof(*r), NULL, 0);
	err = reply_runs(sock, r, (unsigned long)n, changed_page, changes, true, true);
	kmod_free(changes);
	if (err) {
		/* as for an mmap: a failed reply with runs sent nothing (or the
		 * connection is gone, and this fails too) */
		hostk_log(3, "devsock: an ioctl's changed pages cannot be sent");
		r->nr_fds = 0;
		r->nr_runs = 0;
		return send_msg(sock, r, sizeof(*r), NULL, 0);
	}
	return err;
}

/* An mprotect's pages: page i of [start, done). */
struct prot_pages {
	uint64_t start;
	const struct kmod_prot_page *pages;
};

static void prot_page(const void *ctx, unsigned long i, struct run_page *p)
{
	const struct prot_pages *pp = ctx;

	*p = (struct run_page){
		.start = pp->start + i * 4096ULL, .pfn = pp->pages[i].pfn,
		.copies = !pp->pages[i].shared,
	};
}

/*
 * The mprotect reply (device_wire.h, HVSIM_DEV_MPROTECT): where the change
 * ended, and the runs of [start, done) that say which of those pages the
 * program may give the new protection (read-only ones lose PROT_WRITE,
 * pages with no page keep none).  Runs that cannot be described are
 * left out (logged): the program's view of those pages stays as it was.
 */
static int serve_mprotect(struct conn *c, const struct hvsim_dev_req *req, int pid)
{
	struct hvsim_dev_reply r = { .seq = req->seq };
	struct kmod_prot_page *pages;
	unsigned long done;
	struct prot_pages pp;
	int err;

	r.ret = kmod_mprotect(pid, req->arg, req->len, req->cmd, &done, &pages);
	r.file = done;
	if (!pages)
		return send_msg(c->sock, &r, sizeof(r), NULL, 0);
	pp = (struct prot_pages){ req->arg, pages };
	err = reply_runs(c->sock, &r, (done - req->arg) / 4096, prot_page, &pp, true, false);
	kmod_free(pages);
	if (err) {
		hostk_log(3, "devsock: an mprotect's pages cannot be sent");
		r.nr_fds = 0;
		r.nr_runs = 0;
		return send_msg(c->sock, &r, sizeof(r), NULL, 0);
	}
	return 0;
}

static int serve_open(struct conn *c, const struct hvsim_dev_req *req,
		      const char *path, int pid)
{
	struct hvsim_dev_reply r = { .seq = req->seq };
	struct file *file;
	int fd, err;

	err = kmod_file_open(path, req->flags, pid, &file);
	if (!err) {
		err = devfile_add(file, &fd, &r.file);
		if (err)
			kmod_file_put(file);
	}
	if (err)
		return reply(c->sock, req->seq, err);
	r.nr_fds = 1;
	err = send_msg(c->sock, &r, sizeof(r), &fd, 1);
	/* In flight, the descriptor is the message's; ours goes. */
	close(fd);
	return err;
}

static int serve_identify(struct conn *c, const struct hvsim_dev_req *req,
			  const int *fds, int nr_fds)
{
	struct {
		struct hvsim_dev_reply r;
		uint64_t ids[HVSIM_SCM_MAX_FDS];
	} m = { .r = { .seq = req->seq, .ret = nr_fds } };

	for (int i = 0; i < nr_fds; i++)
		m.ids[i] = devfile_identify(fds[i]);
	return send_msg(c->sock, &m, sizeof(m.r) + nr_fds * sizeof(m.ids[0]), NULL, 0);
}

static long fork_prepare(int pid, uint64_t *token)
{
	struct fork_token *t = malloc(sizeof(*t));
	long err;

	if (!t)
		return -ENOMEM;
	err = kmod_mm_fork_prepare(pid, &t->mm);
	if (err) {
		free(t);
		return err;
	}
	pthread_mutex_lock(&forks_lock);
	t->id = *token = ++fork_seq;
	t->parent = pid;
	t->next = forks;
	forks = t;
	pthread_mutex_unlock(&forks_lock);
	return 0;
}

/* The copy a token names, taken out of the list; *parent: whose it was. */
static void *fork_take(uint64_t id, int *parent)
{
	struct fork_token **p, *t;
	void *mm = NULL;

	pthread_mutex_lock(&forks_lock);
	for (p = &forks; (t = *p); p = &t->next) {
		if (t->id == id) {
			*p = t->next;
			mm = t->mm;
			*parent = t->parent;
			free(t);
			break;
		}
	}
	pthread_mutex_unlock(&forks_lock);
	return mm;
}

/* A request on a file: runs it and says whether the caller must drain. */
static long serve_file_call(const struct hvsim_dev_req *req, int pid,
			    unsigned long **pfns, bool *drain)
{
	struct devfile *df = devfile_get(req->file);
	struct file *f;
	long ret;

	if (!df)
		return -EBADF;
	f = devfile_file(df);
	switch (req->op) {
	case HVSIM_DEV_IOCTL:
		ret = kmod_file_ioctl(f, pid, req->cmd, req->arg);
		break;
	case HVSIM_DEV_READ:
		devfile_read_begin(df);
		ret = kmod_file_read(f, pid, req->arg, req->len);
		devfile_read_end(df);
		break;
	case HVSIM_DEV_WRITE:
		ret = kmod_file_write(f, pid, req->arg, req->len);
		break;
	case HVSIM_DEV_MMAP:
		ret = kmod_file_mmap(f, pid, req->arg, req->len, req->cmd, req->flags,
				     req->offset, pfns);
		break;
	case HVSIM_DEV_SETFL:
		ret = kmod_file_setfl(f, pid, req->flags);
		break;
	case HVSIM_DEV_SETOWN:
		kmod_file_setown(f, (int)req->arg);
		ret = 0;
		break;
	default:
		ret = -EINVAL;
	}
	*drain = devfile_put(df);
	return ret;
}

static void conn_serve(struct conn *c)
{
	/* a request, OPEN's path and its NUL, and room for a NUL of our own */
	char buf[sizeof(struct hvsim_dev_req) + HVSIM_DEV_PATH_MAX + 2];
	struct hvsim_dev_req *req = (void *)buf;
	int fds[HVSIM_SCM_MAX_FDS], nr_fds;
	struct hvsim_cpu_follow follow;

	hvsim_cpu_follow_init(&follow, host_cpus(), 1, false);
	for (;;) {
		unsigned long *pfns = NULL;
		struct hvsim_dev_reply r = { 0 };
		bool drain = false;
		ssize_t n;
		long ret;
		int pid = 0, err;

		/* one with too many fds loses its length: what did not come reads 0 */
		memset(req, 0, sizeof(*req));
		n = recv_req(c->sock, buf, sizeof(buf) - 1, &pid, fds, &nr_fds);
		if (n == 0 || (n < 0 && n != -EMSGSIZE && n != -ETOOMANYREFS))
			break;
		if (n < (ssize_t)sizeof(*req) || pid <= 0) {
			/* short, longer than any request, too many fds, or no sender */
			close_fds(fds, nr_fds);
			if (reply(c->sock, n > 0 && n < (ssize_t)sizeof(*req) ? 0 : req->seq, -EPROTO))
				break;
			continue;
		}
		if (req->op == HVSIM_DEV_INTERRUPT) {
			close_fds(fds, nr_fds);
			continue;	/* for a call that has finished */
		}
		if (req->op == HVSIM_DEV_IDENTIFY) {
			err = serve_identify(c, req, fds, nr_fds);
			close_fds(fds, nr_fds);
			if (err)
				break;
			continue;
		}
		close_fds(fds, nr_fds);
		hvsim_cpu_follow(&follow, req->cpu);
		/* held to its program's CPU, so hvsimd may follow its hypercalls */
		hvsim_guest_set_cpu_held(follow.on != 0);
		host_thread_set_caller(c->sock, pid);
		switch (req->op) {
		case HVSIM_DEV_OPEN:
			buf[n] = '\0';
			err = n > (ssize_t)sizeof(*req) ?
			      serve_open(c, req, buf + sizeof(*req), pid) :
			      reply(c->sock, req->seq, -EINVAL);
			host_thread_clear_caller();
			if (err)
				return;
			continue;
		case HVSIM_DEV_MUNMAP:
			ret = kmod_munmap(pid, req->arg, req->len);
			break;
		case HVSIM_DEV_MPROTECT:
			err = serve_mprotect(c, req, pid);
			host_thread_clear_caller();
			if (err)
				return;
			continue;
		case HVSIM_DEV_EXEC:
			kmod_mm_exec(pid);
			ret = 0;
			break;
		case HVSIM_DEV_CLOSE:
			devfile_closed(req->file);
			ret = 0;
			break;
		case HVSIM_DEV_FORK_PREPARE:
			ret = fork_prepare(pid, &r.file);
			break;
		case HVSIM_DEV_FORK_COMMIT: {
			int parent = 0, child = req->cmd ? (int)req->cmd : pid;
			void *mm = fork_take(req->arg, &parent);

			ret = mm ? 0 : -ENOENT;
			if (mm && child == parent) {
				/* a forged commit: the copy would land on the mm
				 * it was made of, every VMA twice */
				kmod_mm_fork_abort(mm);
				ret = -EINVAL;
			} else if (mm) {
				kmod_mm_fork_commit(mm, child);
			}
			break;
		}
		case HVSIM_DEV_FORK_ABORT: {
			int parent;
			void *mm = fork_take(req->arg, &parent);

			ret = mm ? 0 : -ENOENT;
			if (mm)
				kmod_mm_fork_abort(mm);
			break;
		}
		default:
			ret = serve_file_call(req, pid, &pfns, &drain);
		}
		host_thread_clear_caller();
		if (req->op == HVSIM_DEV_MMAP && ret == 0) {
			err = reply_mmap(c->sock, req->seq, pfns, (req->len + 4095) / 4096);
			kmod_free(pfns);
			if (err) {
				/* The program cannot map it: take the mapping down. */
				kmod_munmap(pid, req->arg, req->len);
				if (reply(c->sock, req->seq, err))
					break;
			}
			continue;
		}
		r.seq = req->seq;
		r.ret = ret;
		r.flags = drain ? HVSIM_DEV_REPLY_DRAIN : 0;
		if (req->op == HVSIM_DEV_IOCTL) {
			if (reply_with_changes(c->sock, &r, pid))
				break;
			continue;
		}
		if (send_msg(c->sock, &r, sizeof(r), NULL, 0))
			break;
	}
}

static void conn_thread(void *arg)
{
	struct conn *c = arg, **pc;

	conn_serve(c);
	pthread_mutex_lock(&conns_lock);
	for (pc = &conns; *pc; pc = &(*pc)->next) {
		if (*pc == c) {
			*pc = c->next;
			break;
		}
	}
	nr_conns--;
	pthread_cond_broadcast(&conns_cond);
	pthread_mutex_unlock(&conns_lock);
	close(c->sock);
	free(c);
}

static void accept_thread(void *arg)
{
	for (;;) {
		int s = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		struct conn *c;

		if (s < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE ||
			    errno == ENFILE || errno == ENOMEM)
				continue;
			break;	/* the socket was shut down */
		}
		c = calloc(1, sizeof(*c));
		pthread_mutex_lock(&conns_lock);
		if (!c || stopping) {
			pthread_mutex_unlock(&conns_lock);
			free(c);
			close(s);
			continue;
		}
		c->sock = s;
		c->next = conns;
		conns = c;
		nr_conns++;
		pthread_mutex_unlock(&conns_lock);
		if (hostk_thread_create(conn_thread, c, "devconn")) {
			hostk_log(3, "devsock: no thread for a connection");
			shutdown(s, SHUT_RDWR);
		}
	}
}

int devsock_start(const char *path)
{
	int one = 1;

	if (strlen(path) >= sizeof(sock_path))
		return -ENAMETOOLONG;
	strcpy(sock_path, path);
	if (devfile_start())
		return -errno;
	listen_fd = hvsim_listen(path, SOCK_SEQPACKET);
	if (listen_fd < 0)
		return listen_fd;
	/*
	 * Connections take it from here when accepted (before the accept
	 * thread runs, so all do): every message carries its sender.
	 */
	if (setsockopt(listen_fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	chmod(path, 0600);
	return hostk_thread_create(accept_thread, NULL, "devaccept");
}

void devsock_stop(int timeout_ms)
{
	struct timespec deadline;
	struct conn *c;

	pthread_mutex_lock(&conns_lock);
	stopping = true;
	pthread_mutex_unlock(&conns_lock);
	if (listen_fd >= 0) {
		shutdown(listen_fd, SHUT_RDWR);
		unlink(sock_path);
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&conns_lock);
	/* Hang up on every program: their calls end, their files are put. */
	for (c = conns; c; c = c->next)
		shutdown(c->sock, SHUT_RDWR);
	while (nr_conns > 0)
		if (pthread_cond_timedwait(&conns_cond, &conns_lock, &deadline))
			break;
	pthread_mutex_unlock(&conns_lock);
	/* Every program's descriptor hangs up; forks in progress are off. */
	devfile_hang_up_all();
	for (;;) {
		uint64_t id = 0;
		int parent;
		void *mm;

		pthread_mutex_lock(&forks_lock);
		if (forks)
			id = forks->id;
		pthread_mutex_unlock(&forks_lock);
		mm = id ? fork_take(id, &parent) : NULL;
		if (!mm)
			break;
		kmod_mm_fork_abort(mm);
	}
}
