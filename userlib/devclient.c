// SPDX-License-Identifier: GPL-2.0-only
/*
 * devclient: requests on the device socket, one connection per open file,
 * and the program's half of device mappings: it reserves the address
 * range, the kernel runs the driver's mmap, and the program maps the
 * memfd runs the kernel names (MAP_SHARED|MAP_FIXED) over the reservation.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvsim/wire.h"
#include "devclient.h"

#define ERESTARTSYS 512

struct hvsim_dev {
	int sock;
	int refs;		/* the open handle, plus one per mapping */
	uint32_t seq;
	pthread_mutex_t call_lock;
};

/* The program's device mappings, for munmap. */
struct mapping {
	uintptr_t start, end;
	struct hvsim_dev *dev;
	struct mapping *next;
};

static struct mapping *mappings;
static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;

int hvsim_dev_socket_path(const char *state_dir, unsigned int domid, char *buf,
			  size_t size)
{
	int n = snprintf(buf, size, "%s/dom%u/%s", state_dir, domid, HVSIM_DEVICES_SOCK);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int hvsim_dev_fd(const struct hvsim_dev *d)
{
	return d->sock;
}

static void dev_put(struct hvsim_dev *d)
{
	bool last;

	pthread_mutex_lock(&map_lock);
	last = --d->refs == 0;
	pthread_mutex_unlock(&map_lock);
	if (last) {
		close(d->sock);
		pthread_mutex_destroy(&d->call_lock);
		free(d);
	}
}

static int send_req(struct hvsim_dev *d, const struct hvsim_dev_req *req,
		    const void *extra, size_t extra_len)
{
	struct iovec iov[2] = {
		{ (void *)req, sizeof(*req) }, { (void *)extra, extra_len },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = extra_len ? 2 : 1 };
	ssize_t n;

	do
		n = sendmsg(d->sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/*
 * Receives one message into buf, and descriptors if any.  A signal while
 * waiting asks the kernel, once, to interrupt the call.
 */
static ssize_t recv_msg(struct hvsim_dev *d, void *buf, size_t size, int *fds,
			int *nr_fds, bool *interrupted)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * HVSIM_DEV_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { buf, size };
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		n = recvmsg(d->sock, &msg, MSG_CMSG_CLOEXEC);
		if (n >= 0)
			break;
		if (errno != EINTR)
			return -errno;
		if (!*interrupted) {
			struct hvsim_dev_req req = { .op = HVSIM_DEV_INTERRUPT };

			*interrupted = true;
			send_req(d, &req, NULL, 0);
		}
	}
	if (nr_fds)
		*nr_fds = 0;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			if (fds && nr_fds && k <= HVSIM_DEV_MAX_FDS) {
				memcpy(fds, CMSG_DATA(c), k * sizeof(int));
				*nr_fds = k;
			} else {
				int *got = (int *)CMSG_DATA(c);

				for (int i = 0; i < k; i++)
					close(got[i]);
			}
		}
	}
	return n == 0 ? -ECONNRESET : n;
}

/* One call; the lock is held by the caller.  Returns the reply's ret. */
static int64_t call_locked(struct hvsim_dev *d, struct hvsim_dev_req *req,
			   const void *extra, size_t extra_len,
			   struct hvsim_dev_reply *out, void *tail, size_t tail_size,
			   int *fds, int *nr_fds)
{
	char buf[sizeof(struct hvsim_dev_reply) + HVSIM_DEV_RUNS_PER_MSG *
		 sizeof(struct hvsim_dev_run)];
	struct hvsim_dev_reply *r = (void *)buf;
	bool interrupted = false;
	ssize_t n;
	int err;

	req->seq = ++d->seq;
	err = send_req(d, req, extra, extra_len);
	if (err)
		return err == -EPIPE ? -ECONNRESET : err;
	for (;;) {
		n = recv_msg(d, buf, sizeof(buf), fds, nr_fds, &interrupted);
		if (n < 0)
			return n;
		if ((size_t)n >= sizeof(*r) && r->seq == req->seq)
			break;
		if (nr_fds)
			for (int i = 0; i < *nr_fds; i++)
				close(fds[i]);
	}
	if (out)
		*out = *r;
	if (tail)
		memcpy(tail, r + 1, (size_t)n - sizeof(*r) < tail_size ?
		       (size_t)n - sizeof(*r) : tail_size);
	if (r->ret == -ERESTARTSYS)
		return -EINTR;
	return r->ret;
}

static int64_t call(struct hvsim_dev *d, struct hvsim_dev_req *req)
{
	int64_t ret;

	pthread_mutex_lock(&d->call_lock);
	ret = call_locked(d, req, NULL, 0, NULL, NULL, 0, NULL, NULL);
	pthread_mutex_unlock(&d->call_lock);
	return ret;
}

int hvsim_dev_open(const char *sock_path, const char *path, int flags,
		   struct hvsim_dev **out)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct hvsim_dev_req req = { .op = HVSIM_DEV_OPEN, .flags = (uint32_t)flags };
	struct ucred peer;
	socklen_t len = sizeof(peer);
	struct hvsim_dev *d;
	int64_t ret;

	if (strlen(sock_path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	if (strlen(path) > HVSIM_DEV_PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(a.sun_path, sock_path);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (d->sock < 0 || connect(d->sock, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int err = -errno;

		if (d->sock >= 0)
			close(d->sock);
		free(d);
		return err == -ENOENT ? -ECONNREFUSED : err;
	}
	/* The kernel reads and writes our memory: allow it where Yama asks. */
	if (getsockopt(d->sock, SOL_SOCKET, SO_PEERCRED, &peer, &len) == 0)
		prctl(PR_SET_PTRACER, (unsigned long)peer.pid, 0, 0, 0);
	pthread_mutex_init(&d->call_lock, NULL);
	d->refs = 1;
	pthread_mutex_lock(&d->call_lock);
	ret = call_locked(d, &req, path, strlen(path) + 1, NULL, NULL, 0, NULL, NULL);
	pthread_mutex_unlock(&d->call_lock);
	if (ret < 0) {
		dev_put(d);
		return (int)ret;
	}
	*out = d;
	return 0;
}

long hvsim_dev_ioctl(struct hvsim_dev *d, unsigned long cmd, void *arg)
{
	struct hvsim_dev_req req = {
		.op = HVSIM_DEV_IOCTL, .cmd = (uint32_t)cmd, .arg = (uintptr_t)arg,
	};

	return (long)call(d, &req);
}

ssize_t hvsim_dev_read(struct hvsim_dev *d, void *buf, size_t count)
{
	struct hvsim_dev_req req = {
		.op = HVSIM_DEV_READ, .arg = (uintptr_t)buf, .len = count,
	};

	return (ssize_t)call(d, &req);
}

ssize_t hvsim_dev_write(struct hvsim_dev *d, const void *buf, size_t count)
{
	struct hvsim_dev_req req = {
		.op = HVSIM_DEV_WRITE, .arg = (uintptr_t)buf, .len = count,
	};

	return (ssize_t)call(d, &req);
}

int hvsim_dev_poll(struct hvsim_dev *d, short events, int timeout_ms)
{
	struct hvsim_dev_req req = {
		.op = HVSIM_DEV_POLL, .cmd = (uint16_t)events, .flags = (uint32_t)timeout_ms,
	};

	return (int)call(d, &req);
}

int hvsim_dev_setfl(struct hvsim_dev *d, int flags)
{
	struct hvsim_dev_req req = { .op = HVSIM_DEV_SETFL, .flags = (uint32_t)flags };

	return (int)call(d, &req);
}

int hvsim_dev_setown(struct hvsim_dev *d, pid_t pid)
{
	struct hvsim_dev_req req = { .op = HVSIM_DEV_SETOWN, .arg = (uint64_t)pid };

	return (int)call(d, &req);
}

static int tell_munmap(struct hvsim_dev *d, uintptr_t start, uintptr_t end)
{
	struct hvsim_dev_req req = {
		.op = HVSIM_DEV_MUNMAP, .arg = start, .len = end - start,
	};

	return (int)call(d, &req);
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
		if (mmap(base + r->start, r->len, p, share | MAP_FIXED, fds[r->fd_index],
			 (off_t)r->offset) == MAP_FAILED)
			return -errno;
	}
	return 0;
}

int hvsim_dev_mmap(struct hvsim_dev *d, void *addr, size_t len, int prot,
		   int flags, off_t offset, void **out)
{
	struct hvsim_dev_req req = { .op = HVSIM_DEV_MMAP };
	struct hvsim_dev_reply r = { 0 };
	struct hvsim_dev_run *runs = NULL;
	struct mapping *m = NULL;
	int fds[HVSIM_DEV_MAX_FDS], nr_fds = 0;
	size_t span;
	char *base;
	int64_t ret;

	if (!len)
		return -EINVAL;
	if (offset & 4095)
		return -EINVAL;
	span = (len + 4095) & ~(size_t)4095;
	if (!span)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		if ((uintptr_t)addr & 4095)
			return -EINVAL;
		hvsim_dev_munmap(addr, span);
	}
	base = mmap(addr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
		    (flags & MAP_FIXED), -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	m = malloc(sizeof(*m));
	if (!m) {
		munmap(base, span);
		return -ENOMEM;
	}
	req.arg = (uintptr_t)base;
	req.len = len;
	req.cmd = (uint32_t)prot;
	req.flags = (uint32_t)flags;
	req.offset = (uint64_t)offset;

	pthread_mutex_lock(&d->call_lock);
	runs = malloc(HVSIM_DEV_RUNS_PER_MSG * sizeof(*runs));
	ret = runs ? call_locked(d, &req, NULL, 0, &r, runs,
				 HVSIM_DEV_RUNS_PER_MSG * sizeof(*runs), fds, &nr_fds)
		   : -ENOMEM;
	if (ret == 0 && r.nr_runs > HVSIM_DEV_RUNS_PER_MSG) {
		struct hvsim_dev_run *all = realloc(runs, r.nr_runs * sizeof(*runs));
		bool intr = true;

		if (!all)
			ret = -ENOMEM;
		else
			runs = all;
		for (uint32_t got = HVSIM_DEV_RUNS_PER_MSG; ret == 0 && got < r.nr_runs; ) {
			ssize_t n = recv_msg(d, runs + got, (r.nr_runs - got) * sizeof(*runs),
					     NULL, NULL, &intr);

			if (n <= 0 || n % sizeof(*runs))
				ret = n < 0 ? n : -EPROTO;
			else
				got += (uint32_t)(n / sizeof(*runs));
		}
	}
	pthread_mutex_unlock(&d->call_lock);
	if (ret == 0)
		ret = map_runs(base, runs, r.nr_runs, fds, nr_fds, prot, flags, span);
	for (int i = 0; i < nr_fds; i++)
		close(fds[i]);
	free(runs);
	if (ret < 0) {
		munmap(base, span);
		if (ret != -ECONNRESET && r.nr_runs)
			tell_munmap(d, (uintptr_t)base, (uintptr_t)base + span);
		free(m);
		return (int)ret;
	}
	m->start = (uintptr_t)base;
	m->end = (uintptr_t)base + span;
	m->dev = d;
	pthread_mutex_lock(&map_lock);
	d->refs++;
	m->next = mappings;
	mappings = m;
	pthread_mutex_unlock(&map_lock);
	*out = base;
	return 0;
}

int hvsim_dev_munmap(void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr, end;
	struct mapping **pm, *m, *done = NULL;
	bool mine = false;
	int err = 0;

	if (start & 4095 || !len)
		return -EINVAL;
	end = start + ((len + 4095) & ~(size_t)4095);
	if (end < start)
		return -EINVAL;
	/*
	 * Cut every overlapping mapping down to what stays mapped.  Each
	 * mapping entry holds a reference on its handle, and so does each
	 * piece being unmapped until the kernel has been told.
	 */
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
		*piece = (struct mapping){ s, e, m->dev, done };
		done = piece;
		if (m->start == s && m->end == e) {
			/* Gone whole: its reference passes to the piece. */
			*pm = m->next;
			free(m);
			continue;
		}
		m->dev->refs++;
		if (m->start < s && m->end > e) {
			struct mapping *tail = malloc(sizeof(*tail));

			if (!tail) {
				err = -ENOMEM;
				m->end = s;	/* the tail stays mapped, untracked */
				pm = &m->next;
				continue;
			}
			*tail = (struct mapping){ e, m->end, m->dev, m->next };
			m->dev->refs++;
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
	pthread_mutex_unlock(&map_lock);
	if (!mine)
		return HVSIM_DEV_NOT_MINE;
	/* Unmap first, as munmap zaps before ->close; then tell the kernel. */
	munmap(addr, end - start);
	while (done) {
		struct mapping *next = done->next;

		tell_munmap(done->dev, done->start, done->end);
		dev_put(done->dev);
		free(done);
		done = next;
	}
	return err;
}

int hvsim_dev_close(struct hvsim_dev *d)
{
	dev_put(d);
	return 0;
}
