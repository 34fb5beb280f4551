// SPDX-License-Identifier: GPL-2.0-only
/*
 * devclient: requests on the device socket over one channel per thread,
 * the descriptors that stand for open files, and the program's half of
 * device mappings: it reserves the address range, the kernel runs the
 * driver's mmap, and the program maps the memfd runs the kernel names
 * (MAP_SHARED|MAP_FIXED) over the reservation.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvsim/cpu.h"
#include "hvsim/device_wire.h"
#include "hvsim/scm.h"
#include "devclient.h"

#define ERESTARTSYS	512
#define PAGE		4096UL
#define MAX_SOCKETS	8	/* device sockets one process talks to */
#define CHANNEL_FD_MIN	200	/* channels keep out of the programs' way */
#ifndef PROT_SEM
#define PROT_SEM	0x8	/* Linux's asm-generic/mman-common.h */
#endif

struct hvsim_dev_libc hvsim_dev_libc = {
	.close = close, .mmap = mmap, .munmap = munmap, .mprotect = mprotect,
	.fcntl = fcntl,
};

/* A device socket (one domain's kernel); interned, never freed. */
struct devsock {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

struct hvsim_dev {
	const struct devsock *sock;
	uint64_t id;		/* the open file */
	int fd;			/* this descriptor of it */
	int flags;		/* open(2) flags */
};

/* A thread's channel to one socket. */
struct channel {
	const struct devsock *sock;
	int fd;
	unsigned int gen;	/* fork_gen when made: stale in a child */
	uint32_t seq;
	bool busy;		/* a call is in progress (a signal handler may nest) */
};

/* The program's device mappings, for munmap, exec and fork. */
struct mapping {
	uintptr_t start, end;
	const struct devsock *sock;
	struct mapping *next;
};

static struct devsock sockets[MAX_SOCKETS];
static int nr_sockets;
static pthread_mutex_t sockets_lock = PTHREAD_MUTEX_INITIALIZER;

static __thread struct channel channels[MAX_SOCKETS];
static pthread_key_t channel_key;
static pthread_once_t channel_once = PTHREAD_ONCE_INIT;
/* Every live channel descriptor of the process (for the fork child). */
static int channel_fds[256];
static int nr_channel_fds;
static pthread_mutex_t channel_fds_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int fork_gen;

static struct mapping *mappings;
static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;

/* Fork tokens between hvsim_dev_fork_before and _after. */
static struct {
	const struct devsock *sock;
	uint64_t token;
} fork_tokens[MAX_SOCKETS];
static int nr_fork_tokens;

static const struct devsock *devsock_get(const char *path)
{
	const struct devsock *s = NULL;

	if (strlen(path) >= sizeof(sockets[0].path))
		return NULL;
	pthread_mutex_lock(&sockets_lock);
	for (int i = 0; i < nr_sockets && !s; i++)
		if (!strcmp(sockets[i].path, path))
			s = &sockets[i];
	if (!s && nr_sockets < MAX_SOCKETS) {
		strcpy(sockets[nr_sockets].path, path);
		s = &sockets[nr_sockets++];
	}
	pthread_mutex_unlock(&sockets_lock);
	return s;
}

/* ---- channels ---- */

/* Adds fd, or removes it; true if that was done (room / it was there). */
static bool channel_fd_track(int fd, bool add)
{
	bool done = false;

	pthread_mutex_lock(&channel_fds_lock);
	if (add && nr_channel_fds < (int)(sizeof(channel_fds) / sizeof(channel_fds[0]))) {
		channel_fds[nr_channel_fds++] = fd;
		done = true;
	} else if (!add) {
		for (int i = 0; i < nr_channel_fds && !done; i++)
			if (channel_fds[i] == fd) {
				channel_fds[i] = channel_fds[--nr_channel_fds];
				done = true;
			}
	}
	pthread_mutex_unlock(&channel_fds_lock);
	return done;
}

/* Closes the channel's descriptor if it is still ours (the program may
 * have closed it, and the number may now be the program's). */
static void channel_drop(struct channel *ch)
{
	if (ch->fd >= 0 && ch->gen == fork_gen && channel_fd_track(ch->fd, false))
		hvsim_dev_libc.close(ch->fd);
	ch->fd = -1;
	ch->sock = NULL;
}

static void thread_exit(void *unused)
{
	for (int i = 0; i < MAX_SOCKETS; i++)
		if (channels[i].sock)
			channel_drop(&channels[i]);
}

/* The fork child: the parent's channels are the parent's. */
static void fork_child(void)
{
	pthread_mutex_lock(&channel_fds_lock);
	for (int i = 0; i < nr_channel_fds; i++)
		hvsim_dev_libc.close(channel_fds[i]);
	nr_channel_fds = 0;
	pthread_mutex_unlock(&channel_fds_lock);
	__atomic_add_fetch(&fork_gen, 1, __ATOMIC_RELAXED);
}

static void channel_init(void)
{
	pthread_key_create(&channel_key, thread_exit);
	pthread_atfork(NULL, NULL, fork_child);
}

/*
 * The parent of process pid (from /proc/PID/stat), or -1.  Read with raw
 * system calls: this runs inside the interposer, under the program.
 */
static pid_t parent_of(pid_t pid)
{
	char path[32], buf[512], *p;
	ssize_t n;
	int fd;
	long ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = syscall(SYS_read, fd, buf, sizeof(buf) - 1);
	hvsim_dev_libc.close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "pid (comm) state ppid ...": comm may hold spaces and parentheses */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

static int channel_connect(const struct devsock *s)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct ucred peer;
	socklen_t len = sizeof(peer);
	struct rlimit rl;
	int fd, high;

	strcpy(a.sun_path, s->path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int err = errno;

		hvsim_dev_libc.close(fd);
		return err == ENOENT ? -ECONNREFUSED : -err;
	}
	/* Out of the low numbers that programs count on. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 2 * CHANNEL_FD_MIN) {
		high = hvsim_dev_libc.fcntl(fd, F_DUPFD_CLOEXEC, CHANNEL_FD_MIN);
		if (high >= 0) {
			hvsim_dev_libc.close(fd);
			fd = high;
		}
	}
	/*
	 * The kernel reads and writes our memory, and hvsimd does for a
	 * privcmd hypercall: allow both where Yama asks.  Yama takes one
	 * tracer and its descendants, and hvsimd started the kernel.
	 */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) == 0) {
		pid_t hv = parent_of(peer.pid);

		prctl(PR_SET_PTRACER, (unsigned long)(hv > 1 ? hv : peer.pid), 0, 0, 0);
	}
	if (!channel_fd_track(fd, true)) {
		hvsim_dev_libc.close(fd);
		return -EMFILE;
	}
	return fd;
}

/*
 * This thread's channel to s, made on first use.  A call from a signal
 * handler while another is in progress gets a channel of its own
 * (*temp: the caller closes it).
 */
static int channel_get(const struct devsock *s, struct channel **out, struct channel *temp)
{
	struct channel *ch = NULL, *freech = NULL;
	int fd;

	pthread_once(&channel_once, channel_init);
	for (int i = 0; i < MAX_SOCKETS; i++) {
		if (channels[i].sock == s)
			ch = &channels[i];
		else if (!channels[i].sock && !freech)
			freech = &channels[i];
	}
	if (ch && ch->gen != fork_gen)
		channel_drop(ch);	/* inherited across fork: not ours */
	else if (ch && !hvsim_dev_is_channel(ch->fd))
		*ch = (struct channel){ .fd = -1 };	/* the program closed it */
	if (ch && ch->sock && ch->busy) {
		fd = channel_connect(s);
		if (fd < 0)
			return fd;
		*temp = (struct channel){ .sock = s, .fd = fd, .gen = fork_gen, .busy = true };
		*out = temp;
		return 0;
	}
	if (!ch || !ch->sock) {
		if (!ch)
			ch = freech;
		if (!ch)
			return -EMFILE;
		fd = channel_connect(s);
		if (fd < 0)
			return fd;
		*ch = (struct channel){ .sock = s, .fd = fd, .gen = fork_gen };
		pthread_setspecific(channel_key, ch);
	}
	ch->busy = true;
	*out = ch;
	return 0;
}

static void channel_put(struct channel *ch, struct channel *temp, bool broken)
{
	if (ch == temp) {
		channel_drop(ch);
		return;
	}
	ch->busy = false;
	if (broken)
		channel_drop(ch);
}

int hvsim_dev_is_channel(int fd)
{
	bool found = false;

	pthread_mutex_lock(&channel_fds_lock);
	for (int i = 0; i < nr_channel_fds && !found; i++)
		found = channel_fds[i] == fd;
	pthread_mutex_unlock(&channel_fds_lock);
	return found;
}

void hvsim_dev_channels_lost(int first, int last)
{
	pthread_mutex_lock(&channel_fds_lock);
	for (int i = 0; i < nr_channel_fds; )
		if (channel_fds[i] >= first && channel_fds[i] <= last)
			channel_fds[i] = channel_fds[--nr_channel_fds];
		else
			i++;
	pthread_mutex_unlock(&channel_fds_lock);
}

static int send_req(int fd, const struct hvsim_dev_req *req, const void *extra,
		    size_t extra_len, const int *fds, int nr_fds)
{
	struct iovec iov[2] = {
		{ (void *)req, sizeof(*req) }, { (void *)extra, extra_len },
	};

	return hvsim_scm_send(fd, iov, extra_len ? 2 : 1, fds, (size_t)nr_fds, 0);
}

/*
 * Receives one message into buf, and descriptors if any (fds NULL: none
 * wanted; any that came are closed, through the interposer's close(), which
 * passes a descriptor it does not know straight through).  A signal while
 * waiting asks the kernel, once, to interrupt the call.
 */
static ssize_t recv_msg(int fd, void *buf, size_t size, int *fds, int *nr_fds,
			int cmsg_flags, bool *interrupted)
{
	size_t got;
	ssize_t n;

	while ((n = hvsim_scm_recv(fd, buf, size, cmsg_flags, fds, fds ? HVSIM_SCM_MAX_FDS : 0,
				   &got, NULL)) == -EINTR) {
		if (!*interrupted) {
			struct hvsim_dev_req req = { .op = HVSIM_DEV_INTERRUPT };

			*interrupted = true;
			send_req(fd, &req, NULL, 0, NULL, 0);
		}
	}
	if (nr_fds)
		*nr_fds = (int)got;
	/* the kernel sends no more than fits: anything else is not its reply */
	if (n == -EMSGSIZE || n == -ETOOMANYREFS)
		return -EPROTO;
	return n == 0 ? -ECONNRESET : n;
}

/* What a call sends and what it gets back besides the reply's ret. */
struct call {
	struct hvsim_dev_req req;
	const void *extra;		/* after the request (OPEN's path) */
	size_t extra_len;
	const int *send_fds;		/* IDENTIFY's */
	int nr_send_fds;
	int cmsg_flags;			/* MSG_CMSG_CLOEXEC or 0 */
	struct hvsim_dev_reply reply;
	void *tail;			/* what follows the reply in its message */
	size_t tail_size;
	int fds[HVSIM_SCM_MAX_FDS];	/* descriptors that came with it */
	int nr_fds;
	struct hvsim_dev_run *runs;	/* MMAP: every run (malloc'd) */
};

static void close_fds(const int *fds, int nr)
{
	for (int i = 0; i < nr; i++)
		hvsim_dev_libc.close(fds[i]);
}

/* The rest of an mmap reply: runs beyond the first message's. */
static int64_t recv_more_runs(struct channel *ch, struct call *c)
{
	struct hvsim_dev_run *all = realloc(c->runs, c->reply.nr_runs * sizeof(*all));
	bool intr = true;

	if (!all)
		return -ENOMEM;
	c->runs = all;
	for (uint32_t got = HVSIM_DEV_RUNS_PER_MSG; got < c->reply.nr_runs; ) {
		ssize_t n = recv_msg(ch->fd, all + got, (c->reply.nr_runs - got) * sizeof(*all),
				     NULL, NULL, 0, &intr);

		if (n <= 0 || n % sizeof(*all))
			return n < 0 ? n : -EPROTO;
		got += (uint32_t)(n / sizeof(*all));
	}
	return 0;
}

/* One call on this thread's channel to s.  Returns the reply's ret. */
static int64_t call(const struct devsock *s, struct call *c)
{
	char buf[sizeof(struct hvsim_dev_reply) + HVSIM_DEV_RUNS_PER_MSG *
		 sizeof(struct hvsim_dev_run)];
	struct hvsim_dev_reply *r = (void *)buf;
	struct channel temp, *ch;
	bool interrupted = false, broken = false;
	int64_t ret;
	ssize_t n;
	int err;

	c->nr_fds = 0;
	err = channel_get(s, &ch, &temp);
	if (err)
		return err;
	c->req.seq = ++ch->seq;
	c->req.cpu = hvsim_caller_cpu();
	err = send_req(ch->fd, &c->req, c->extra, c->extra_len, c->send_fds, c->nr_send_fds);
	if (err) {
		channel_put(ch, &temp, true);
		return err == -EPIPE ? -ECONNRESET : err;
	}
	for (;;) {
		n = recv_msg(ch->fd, buf, sizeof(buf), c->fds, &c->nr_fds, c->cmsg_flags,
			     &interrupted);
		if (n < 0) {
			channel_put(ch, &temp, true);
			return n;
		}
		if ((size_t)n >= sizeof(*r) && r->seq == c->req.seq)
			break;
		close_fds(c->fds, c->nr_fds);	/* a stale reply */
		c->nr_fds = 0;
	}
	c->reply = *r;
	n -= sizeof(*r);
	ret = r->ret;
	if (c->tail)
		memcpy(c->tail, r + 1, (size_t)n < c->tail_size ? (size_t)n : c->tail_size);
	/* an mmap's runs; an ioctl's or mprotect's, whatever its result */
	if ((c->req.op == HVSIM_DEV_MMAP && ret == 0) ||
	    ((c->req.op == HVSIM_DEV_IOCTL || c->req.op == HVSIM_DEV_MPROTECT) &&
	     r->nr_runs)) {
		int64_t rerr = 0;

		c->runs = malloc((r->nr_runs ? r->nr_runs : 1) * sizeof(*c->runs));
		if (!c->runs)
			rerr = -ENOMEM;
		else
			memcpy(c->runs, r + 1, (size_t)n);
		if (rerr == 0 && r->nr_runs > HVSIM_DEV_RUNS_PER_MSG)
			rerr = recv_more_runs(ch, c);
		broken = rerr != 0;
		if (rerr) {
			ret = rerr;
			if (c->req.op != HVSIM_DEV_MMAP) {
				free(c->runs);	/* not all came: none are mapped */
				c->runs = NULL;
			}
		}
	}
	channel_put(ch, &temp, broken);
	return ret == -ERESTARTSYS ? -EINTR : ret;
}

/* ---- files ---- */

static int dev_new(const struct devsock *s, uint64_t id, int fd, int flags,
		   struct hvsim_dev **out)
{
	struct hvsim_dev *d = malloc(sizeof(*d));

	if (!d)
		return -ENOMEM;
	*d = (struct hvsim_dev){ .sock = s, .id = id, .fd = fd, .flags = flags };
	*out = d;
	return 0;
}

int hvsim_dev_open(const char *sock_path, const char *path, int flags,
		   struct hvsim_dev **out)
{
	const struct devsock *s = devsock_get(sock_path);
	struct call c = {
		.req = { .op = HVSIM_DEV_OPEN, .flags = (uint32_t)flags & ~O_CLOEXEC },
		.extra = path, .extra_len = strlen(path) + 1,
		.cmsg_flags = flags & O_CLOEXEC ? MSG_CMSG_CLOEXEC : 0,
	};
	int64_t ret;
	int err;

	if (!s)
		return strlen(sock_path) >= sizeof(s->path) ? -ENAMETOOLONG : -EMFILE;
	if (strlen(path) > HVSIM_DEV_PATH_MAX)
		return -ENAMETOOLONG;
	ret = call(s, &c);
	if (ret == 0 && c.nr_fds != 1)
		ret = -EPROTO;
	if (ret < 0) {
		close_fds(c.fds, c.nr_fds);
		return (int)ret;
	}
	err = dev_new(s, c.reply.file, c.fds[0], flags, out);
	if (err)
		hvsim_dev_libc.close(c.fds[0]);
	return err;
}

int hvsim_dev_adopt(const char *sock_path, int fd, struct hvsim_dev **out)
{
	const struct devsock *s = devsock_get(sock_path);
	uint64_t id = 0;
	struct call c = {
		.req = { .op = HVSIM_DEV_IDENTIFY },
		.send_fds = &fd, .nr_send_fds = 1,
		.tail = &id, .tail_size = sizeof(id),
	};
	int64_t ret;
	int fl;

	if (!s)
		return strlen(sock_path) >= sizeof(s->path) ? -ENAMETOOLONG : -EMFILE;
	ret = call(s, &c);
	close_fds(c.fds, c.nr_fds);
	if (ret < 0)
		return (int)ret;
	if (ret != 1 || !id)
		return -ENOENT;
	fl = hvsim_dev_libc.fcntl(fd, F_GETFL);
	return dev_new(s, id, fd, fl < 0 ? O_RDWR : (fl & ~O_ACCMODE) | O_RDWR, out);
}

int hvsim_dev_dup(const struct hvsim_dev *d, int newfd, struct hvsim_dev **out)
{
	return dev_new(d->sock, d->id, newfd, d->flags, out);
}

int hvsim_dev_fd(const struct hvsim_dev *d)
{
	return d->fd;
}

int hvsim_dev_open_flags(const struct hvsim_dev *d)
{
	return d->flags;
}

/* A call on the file; drains the readiness byte when the kernel says so. */
static int64_t file_call(struct hvsim_dev *d, struct call *c)
{
	int64_t ret;

	c->req.file = d->id;
	ret = call(d->sock, c);
	/* A thread's first call after the kernel went finds no socket. */
	if (ret == -ECONNREFUSED)
		ret = -ECONNRESET;
	if (c->reply.flags & HVSIM_DEV_REPLY_DRAIN) {
		char byte;

		recv(d->fd, &byte, 1, MSG_DONTWAIT);
	}
	return ret;
}

/* Is [start, end) inside one of this program's device mappings? */
static bool in_mappings_locked(uintptr_t start, uintptr_t end)
{
	for (struct mapping *m = mappings; m; m = m->next)
		if (m->start <= start && end <= m->end)
			return true;
	return false;
}

/*
 * What an ioctl changed in this program's mappings (device_wire.h,
 * HVSIM_DEV_IOCTL): each run's pages mapped as the kernel now shows them,
 * or the reservation back where no page is, before the ioctl returns.
 * Runs outside the program's device mappings are none of the kernel's.
 */
static int map_changed_runs(const struct hvsim_dev_run *runs, uint32_t nr,
			    const int *fds, int nr_fds)
{
	int err = 0;

	pthread_mutex_lock(&map_lock);
	for (uint32_t i = 0; i < nr; i++) {
		const struct hvsim_dev_run *r = &runs[i];
		uintptr_t start = (uintptr_t)r->start;
		void *at = (void *)start;
		void *p;

		if (start + r->len < start || (start | r->len) & (PAGE - 1) ||
		    !in_mappings_locked(start, start + r->len))
			continue;
		if (r->flags & HVSIM_DEV_RUN_NONE) {
			p = hvsim_dev_libc.mmap(at, r->len, PROT_NONE, MAP_PRIVATE |
						MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
		} else {
			int prot = r->flags & HVSIM_DEV_RUN_NOACCESS ? PROT_NONE :
				   PROT_READ | (r->flags & HVSIM_DEV_RUN_READONLY ? 0 : PROT_WRITE);

			if (r->fd_index >= (uint32_t)nr_fds) {
				err = -EPROTO;
				break;
			}
			p = hvsim_dev_libc.mmap(at, r->len, prot, MAP_SHARED | MAP_FIXED,
						fds[r->fd_index], (off_t)r->offset);
		}
		if (p == MAP_FAILED) {
			err = -errno;
			break;
		}
	}
	pthread_mutex_unlock(&map_lock);
	return err;
}

long hvsim_dev_ioctl(struct hvsim_dev *d, unsigned long cmd, void *arg)
{
	struct call c = {
		.req = { .op = HVSIM_DEV_IOCTL, .cmd = (uint32_t)cmd, .arg = (uintptr_t)arg },
		.cmsg_flags = MSG_CMSG_CLOEXEC,
	};
	int64_t ret = file_call(d, &c);

	if (c.runs) {
		int err = map_changed_runs(c.runs, c.reply.nr_runs, c.fds, c.nr_fds);

		/* the call happened; only a view the program cannot have fails it */
		if (err && ret >= 0)
			ret = err;
		free(c.runs);
	}
	close_fds(c.fds, c.nr_fds);
	return (long)ret;
}

ssize_t hvsim_dev_read(struct hvsim_dev *d, void *buf, size_t count)
{
	struct call c = {
		.req = { .op = HVSIM_DEV_READ, .arg = (uintptr_t)buf, .len = count },
	};

	return (ssize_t)file_call(d, &c);
}

ssize_t hvsim_dev_write(struct hvsim_dev *d, const void *buf, size_t count)
{
	struct call c = {
		.req = { .op = HVSIM_DEV_WRITE, .arg = (uintptr_t)buf, .len = count },
	};

	return (ssize_t)file_call(d, &c);
}

int hvsim_dev_poll(struct hvsim_dev *d, short events, int timeout_ms)
{
	struct pollfd p = { .fd = d->fd, .events = events };
	int n = poll(&p, 1, timeout_ms);

	if (n < 0)
		return -errno;
	return n ? p.revents : 0;
}

int hvsim_dev_setfl(struct hvsim_dev *d, int flags)
{
	struct call c = { .req = { .op = HVSIM_DEV_SETFL, .flags = (uint32_t)flags } };

	return (int)file_call(d, &c);
}

int hvsim_dev_setown(struct hvsim_dev *d, pid_t pid)
{
	struct call c = { .req = { .op = HVSIM_DEV_SETOWN, .arg = (uint64_t)pid } };

	return (int)file_call(d, &c);
}

void hvsim_dev_closed(const struct hvsim_dev *d)
{
	struct call c = { .req = { .op = HVSIM_DEV_CLOSE, .file = d->id } };

	call(d->sock, &c);
}

int hvsim_dev_close(struct hvsim_dev *d)
{
	int err = hvsim_dev_libc.close(d->fd) < 0 ? -errno : 0;

	if (!err)
		hvsim_dev_closed(d);
	free(d);
	return err;
}

void hvsim_dev_forget(struct hvsim_dev *d)
{
	free(d);
}

/* ---- mappings ---- */

static int tell_munmap(const struct devsock *s, uintptr_t start, uintptr_t end)
{
	struct call c = {
		.req = { .op = HVSIM_DEV_MUNMAP, .arg = start, .len = end - start },
	};

	return (int)call(s, &c);
}

static int map_runs(char *base, const struct hvsim_dev_run *runs, uint32_t nr,
		    const int *fds, int nr_fds, int prot, int flags, size_t len)
{
	int share = (flags & MAP_TYPE) == MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED;

	for (uint32_t i = 0; i < nr; i++) {
		const struct hvsim_dev_run *r = &runs[i];
		int p = prot;

		if (r->fd_index >= (uint32_t)nr_fds || r->start + r->len > len ||
		    r->start + r->len < r->start)
			return -EPROTO;
		if (r->flags & HVSIM_DEV_RUN_READONLY)
			p &= ~PROT_WRITE;
		if (hvsim_dev_libc.mmap(base + r->start, r->len, p, share | MAP_FIXED,
					fds[r->fd_index], (off_t)r->offset) == MAP_FAILED)
			return -errno;
	}
	return 0;
}

int hvsim_dev_mmap(struct hvsim_dev *d, void *addr, size_t len, int prot,
		   int flags, off_t offset, void **out)
{
	struct call c = { .req = { .op = HVSIM_DEV_MMAP } };
	struct mapping *m;
	size_t span;
	char *base;
	int64_t ret;

	if (!len)
		return -EINVAL;
	if (offset & (PAGE - 1))
		return -EINVAL;
	span = (len + PAGE - 1) & ~(PAGE - 1);
	if (!span)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		if ((uintptr_t)addr & (PAGE - 1))
			return -EINVAL;
		hvsim_dev_munmap(addr, span);
	}
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	base = hvsim_dev_libc.mmap(addr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
				   MAP_NORESERVE | (flags & MAP_FIXED), -1, 0);
	if (base == MAP_FAILED) {
		free(m);
		return -errno;
	}
	c.req.arg = (uintptr_t)base;
	c.req.len = len;
	c.req.cmd = (uint32_t)prot;
	c.req.flags = (uint32_t)flags;
	c.req.offset = (uint64_t)offset;
	c.cmsg_flags = MSG_CMSG_CLOEXEC;

	/* The mapping is ours (for fork) from the kernel's VMA on. */
	pthread_mutex_lock(&map_lock);
	ret = file_call(d, &c);
	if (ret == 0)
		ret = map_runs(base, c.runs, c.reply.nr_runs, c.fds, c.nr_fds, prot, flags,
			       span);
	if (ret == 0) {
		*m = (struct mapping){ (uintptr_t)base, (uintptr_t)base + span, d->sock,
				       mappings };
		mappings = m;
	}
	pthread_mutex_unlock(&map_lock);
	close_fds(c.fds, c.nr_fds);
	free(c.runs);
	if (ret < 0) {
		hvsim_dev_libc.munmap(base, span);
		if (ret != -ECONNRESET && c.reply.nr_runs)
			tell_munmap(d->sock, (uintptr_t)base, (uintptr_t)base + span);
		free(m);
		return (int)ret;
	}
	*out = base;
	return 0;
}

static bool is_mapped_locked(uintptr_t start, uintptr_t end)
{
	for (struct mapping *m = mappings; m; m = m->next)
		if (m->start < end && m->end > start)
			return true;
	return false;
}

int hvsim_dev_is_mapped(const void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr;
	bool found;

	/* a program without device mappings pays one load */
	if (!__atomic_load_n(&mappings, __ATOMIC_RELAXED))
		return false;
	pthread_mutex_lock(&map_lock);
	found = is_mapped_locked(start, start + len);
	pthread_mutex_unlock(&map_lock);
	return found;
}

/*
 * The stretch of [pos, end) that starts at pos: device mappings of one
 * kernel back to back (*sock is that kernel), or memory that is none
 * (*sock NULL) up to the next device mapping.  Returns its end.
 */
static uintptr_t stretch_locked(uintptr_t pos, uintptr_t end, const struct devsock **sock)
{
	uintptr_t to = end;
	bool grew = true;

	*sock = NULL;
	for (struct mapping *m = mappings; m; m = m->next) {
		if (m->start <= pos && pos < m->end)
			*sock = m->sock;
		else if (m->start > pos && m->start < to)
			to = m->start;
	}
	if (!*sock)
		return to;
	to = pos;
	while (grew && to < end) {
		grew = false;
		for (struct mapping *m = mappings; m; m = m->next)
			if (m->sock == *sock && m->start <= to && to < m->end) {
				to = m->end;
				grew = true;
			}
	}
	return to < end ? to : end;
}

/*
 * One stretch of device mappings: the kernel decides and changes its
 * VMAs; the program's mapping follows for the part that changed, page by
 * page as the runs say.  A kernel that is gone decides nothing: its
 * mappings are the host's alone now.
 */
static int mprotect_device(const struct devsock *s, uintptr_t start, uintptr_t end, int prot)
{
	struct call c = {
		.req = { .op = HVSIM_DEV_MPROTECT, .arg = start, .len = end - start,
			 .cmd = (uint32_t)prot },
	};
	int64_t ret = call(s, &c);
	uintptr_t done = (uintptr_t)c.reply.file;
	int err = 0;

	close_fds(c.fds, c.nr_fds);
	if (ret == -ECONNRESET || ret == -ECONNREFUSED)
		return hvsim_dev_libc.mprotect((void *)start, end - start, prot) ? -errno : 0;
	for (uint32_t i = 0; c.runs && i < c.reply.nr_runs && !err; i++) {
		const struct hvsim_dev_run *r = &c.runs[i];
		uintptr_t at = (uintptr_t)r->start;

		if (at < start || at + r->len > done || at + r->len < at ||
		    (at | r->len) & (PAGE - 1) || r->flags & HVSIM_DEV_RUN_NONE)
			continue;
		if (hvsim_dev_libc.mprotect((void *)at, r->len, r->flags & HVSIM_DEV_RUN_READONLY ?
					    prot & ~PROT_WRITE : prot))
			err = -errno;
	}
	free(c.runs);
	return ret < 0 ? (int)ret : err;
}

int hvsim_dev_mprotect(void *addr, size_t len, int prot)
{
	uintptr_t start = (uintptr_t)addr, end, pos;
	int err = 0;

	/* what Linux refuses before it looks at a mapping, the C library's
	 * mprotect refuses alike; PROT_GROWSDOWN/UP over a device mapping
	 * fails there as here (no device mapping grows) */
	if (start & (PAGE - 1) || !len ||
	    prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return HVSIM_DEV_NOT_MINE;
	end = start + ((len + PAGE - 1) & ~(PAGE - 1));
	if (end <= start)
		return HVSIM_DEV_NOT_MINE;
	/* held as Linux holds mmap_lock: no mapping comes or goes meanwhile */
	pthread_mutex_lock(&map_lock);
	if (!is_mapped_locked(start, end)) {
		pthread_mutex_unlock(&map_lock);
		return HVSIM_DEV_NOT_MINE;
	}
	for (pos = start; pos < end && !err; ) {
		const struct devsock *s;
		uintptr_t to = stretch_locked(pos, end, &s);

		if (s)
			err = mprotect_device(s, pos, to, prot);
		else if (hvsim_dev_libc.mprotect((void *)pos, to - pos, prot))
			err = -errno;
		pos = to;
	}
	pthread_mutex_unlock(&map_lock);
	return err;
}

int hvsim_dev_munmap(void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr, end;
	struct mapping **pm, *m, *done = NULL;
	bool mine = false;
	int err = 0;

	if (start & (PAGE - 1) || !len)
		return -EINVAL;
	end = start + ((len + PAGE - 1) & ~(PAGE - 1));
	if (end < start)
		return -EINVAL;
	/* Cut every overlapping mapping down to what stays mapped. */
	pthread_mutex_lock(&map_lock);
	for (pm = &mappings; (m = *pm); ) {
		struct mapping *piece;
		uintptr_t s, e;

		if (m->end <= start || m->start >= end) {
			pm = &m->next;
			continue;
		}
		mine = true;
		s = m->start > start ? m->start : start;
		e = m->end < end ? m->end : end;
		piece = malloc(sizeof(*piece));
		if (!piece) {
			err = -ENOMEM;
			break;
		}
		*piece = (struct mapping){ s, e, m->sock, done };
		done = piece;
		if (m->start == s && m->end == e) {
			*pm = m->next;
			free(m);
			continue;
		}
		if (m->start < s && m->end > e) {
			struct mapping *tail = malloc(sizeof(*tail));

			if (!tail) {
				err = -ENOMEM;
				m->end = s;	/* the tail stays mapped, untracked */
				pm = &m->next;
				continue;
			}
			*tail = (struct mapping){ e, m->end, m->sock, m->next };
			m->end = s;
			m->next = tail;
			pm = &tail->next;
		} else if (m->start < s) {
			m->end = s;
			pm = &m->next;
		} else {
			m->start = e;
			pm = &m->next;
		}
	}
	/* Unmap first, as munmap zaps before ->close; then tell the kernel. */
	if (mine)
		hvsim_dev_libc.munmap(addr, end - start);
	pthread_mutex_unlock(&map_lock);
	if (!mine)
		return HVSIM_DEV_NOT_MINE;
	while (done) {
		struct mapping *next = done->next;

		tell_munmap(done->sock, done->start, done->end);
		free(done);
		done = next;
	}
	return err;
}

/* ---- fork and exec ---- */

void hvsim_dev_fork_before(void)
{
	const struct devsock *with_maps[MAX_SOCKETS];
	int n = 0;

	pthread_mutex_lock(&map_lock);
	for (struct mapping *m = mappings; m; m = m->next) {
		int i;

		for (i = 0; i < n && with_maps[i] != m->sock; i++)
			;
		if (i == n && n < MAX_SOCKETS)
			with_maps[n++] = m->sock;
	}
	nr_fork_tokens = 0;
	for (int i = 0; i < n; i++) {
		struct call c = { .req = { .op = HVSIM_DEV_FORK_PREPARE } };

		if (call(with_maps[i], &c) == 0)
			fork_tokens[nr_fork_tokens++] =
				(typeof(fork_tokens[0])){ with_maps[i], c.reply.file };
	}
	/* map_lock stays held: no mapping comes or goes until the fork is done. */
}

void hvsim_dev_fork_after(pid_t pid)
{
	if (pid == 0)
		fork_child();
	for (int i = 0; i < nr_fork_tokens; i++) {
		struct call c = {
			.req = {
				.op = pid < 0 ? HVSIM_DEV_FORK_ABORT : HVSIM_DEV_FORK_COMMIT,
				.arg = fork_tokens[i].token,
				.cmd = pid > 0 ? (uint32_t)pid : 0,
			},
		};

		call(fork_tokens[i].sock, &c);
	}
	nr_fork_tokens = 0;
	pthread_mutex_unlock(&map_lock);
}

void hvsim_dev_exec_notice(const char *sock_path)
{
	const struct devsock *s = devsock_get(sock_path);
	struct call c = { .req = { .op = HVSIM_DEV_EXEC } };

	if (s)
		call(s, &c);
}
