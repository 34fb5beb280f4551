// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device socket (wire format: include/hvsim/wire.h, "Device socket").
 * One connection is one open file, served by a thread of its own that runs
 * each request in the calling program's context, as the program's own
 * system call would run in Linux.  The connection's end is the program's
 * last close (or its death): the file is put then, and released when its
 * last mapping is gone too.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hvsim/wire.h"
#include "hvsim_guest.h"
#include "hostif.h"
#include "host.h"

struct conn {
	int sock;
	struct file *file;
	struct conn *next;
};

static int listen_fd = -1;
static char sock_path[108];
static struct conn *conns;
static int nr_conns;
static bool stopping;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conns_cond = PTHREAD_COND_INITIALIZER;

/* One message and the sender's pid; 0 on EOF, -errno on error. */
static ssize_t recv_req(int sock, void *buf, size_t size, int *pid)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { buf, size };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	*pid = 0;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			*pid = cred.pid;
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			/* Nobody sends us descriptors: drop them. */
			int *fds = (int *)CMSG_DATA(c);
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < k; i++)
				close(fds[i]);
		}
	}
	return n;
}

static int send_msg(int sock, const void *buf, size_t len, const int *fds, int nr_fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * HVSIM_DEV_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (nr_fds) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nr_fds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nr_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nr_fds);
	}
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

static int reply(int sock, uint32_t seq, int64_t ret)
{
	struct hvsim_dev_reply r = { .seq = seq, .ret = ret };

	return send_msg(sock, &r, sizeof(r), NULL, 0);
}

/*
 * The mmap reply: which memfd pages show at each page of the mapping,
 * merged into runs, with the memfds themselves.
 */
static int reply_mmap(int sock, uint32_t seq, const unsigned long *pfns,
		      unsigned long nr_pages)
{
	struct hvsim_guest *g = hv_guest();
	size_t cap = 16, nr = 0, sent;
	struct hvsim_dev_run *runs = malloc(cap * sizeof(*runs));
	int fds[HVSIM_DEV_MAX_FDS], nr_fds = 0;
	struct {
		struct hvsim_dev_reply r;
		struct hvsim_dev_run runs[HVSIM_DEV_RUNS_PER_MSG];
	} *m = malloc(sizeof(*m));
	int err = 0;

	if (!runs || !m) {
		err = -ENOMEM;
		goto out;
	}
	for (unsigned long i = 0; i < nr_pages; i++) {
		int fd, ro, k;
		off_t off;
		struct hvsim_dev_run *last = nr ? &runs[nr - 1] : NULL;

		if (pfns[i] == ~0UL)
			continue;
		err = hvsim_guest_gfn_backing(g, pfns[i], &fd, &off, &ro);
		if (err)
			goto out;
		for (k = 0; k < nr_fds && fds[k] != fd; k++)
			;
		if (k == nr_fds) {
			if (nr_fds == HVSIM_DEV_MAX_FDS) {
				err = -E2BIG;
				goto out;
			}
			fds[nr_fds++] = fd;
		}
		if (last && last->fd_index == (uint32_t)k &&
		    last->start + last->len == i * 4096ULL &&
		    last->offset + last->len == (uint64_t)off &&
		    last->flags == (ro ? HVSIM_DEV_RUN_READONLY : 0u)) {
			last->len += 4096;
			continue;
		}
		if (nr == cap) {
			struct hvsim_dev_run *more = realloc(runs, 2 * cap * sizeof(*runs));

			if (!more) {
				err = -ENOMEM;
				goto out;
			}
			runs = more;
			cap *= 2;
		}
		runs[nr++] = (struct hvsim_dev_run){
			.start = i * 4096ULL, .len = 4096, .offset = (uint64_t)off,
			.fd_index = (uint32_t)k, .flags = ro ? HVSIM_DEV_RUN_READONLY : 0,
		};
	}
	memset(&m->r, 0, sizeof(m->r));
	m->r.seq = seq;
	m->r.nr_fds = (uint16_t)nr_fds;
	m->r.nr_runs = (uint32_t)nr;
	sent = nr < HVSIM_DEV_RUNS_PER_MSG ? nr : HVSIM_DEV_RUNS_PER_MSG;
	memcpy(m->runs, runs, sent * sizeof(*runs));
	err = send_msg(sock, m, sizeof(m->r) + sent * sizeof(*runs), fds, nr_fds);
	while (!err && sent < nr) {
		size_t k = nr - sent < HVSIM_DEV_RUNS_PER_MSG ? nr - sent : HVSIM_DEV_RUNS_PER_MSG;

		err = send_msg(sock, runs + sent, k * sizeof(*runs), NULL, 0);
		sent += k;
	}
out:
	free(runs);
	free(m);
	return err;
}

static void conn_serve(struct conn *c)
{
	char buf[sizeof(struct hvsim_dev_req) + HVSIM_DEV_PATH_MAX + 1];
	struct hvsim_dev_req *req = (void *)buf;
	ssize_t n;
	int pid, err;

	/* The first message opens the file. */
	n = recv_req(c->sock, buf, sizeof(buf) - 1, &pid);
	if (n < (ssize_t)sizeof(*req) || req->op != HVSIM_DEV_OPEN)
		return;
	buf[n] = '\0';
	host_thread_set_caller(c->sock, pid);
	err = kmod_file_open(buf + sizeof(*req), req->flags, pid, &c->file);
	host_thread_clear_caller();
	if (reply(c->sock, req->seq, err) || err)
		return;

	for (;;) {
		unsigned long *pfns = NULL;
		long ret;

		n = recv_req(c->sock, buf, sizeof(buf), &pid);
		if (n <= 0)
			break;
		if (n < (ssize_t)sizeof(*req)) {
			if (reply(c->sock, 0, -EPROTO))
				break;
			continue;
		}
		if (req->op == HVSIM_DEV_INTERRUPT)
			continue;	/* for a call that has finished */
		host_thread_set_caller(c->sock, pid);
		switch (req->op) {
		case HVSIM_DEV_IOCTL:
			ret = kmod_file_ioctl(c->file, pid, req->cmd, req->arg);
			break;
		case HVSIM_DEV_READ:
			ret = kmod_file_read(c->file, pid, req->arg, req->len);
			break;
		case HVSIM_DEV_WRITE:
			ret = kmod_file_write(c->file, pid, req->arg, req->len);
			break;
		case HVSIM_DEV_MMAP:
			ret = kmod_file_mmap(c->file, pid, req->arg, req->len, req->cmd,
					     req->flags, req->offset, &pfns);
			break;
		case HVSIM_DEV_MUNMAP:
			ret = kmod_munmap(pid, req->arg, req->len);
			break;
		case HVSIM_DEV_POLL:
			ret = kmod_file_poll(c->file, pid, req->cmd, (int)req->flags);
			break;
		case HVSIM_DEV_SETFL:
			ret = kmod_file_setfl(c->file, pid, req->flags);
			break;
		case HVSIM_DEV_SETOWN:
			kmod_file_setown(c->file, (int)req->arg);
			ret = 0;
			break;
		default:
			ret = -EINVAL;
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
		if (reply(c->sock, req->seq, ret))
			break;
	}
}

static void conn_thread(void *arg)
{
	struct conn *c = arg, **pc;

	conn_serve(c);
	if (c->file)
		kmod_file_put(c->file);
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
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int one = 1;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	strcpy(sock_path, path);
	listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (listen_fd < 0)
		return -errno;
	/* Accepted connections inherit it: every message carries its sender. */
	if (setsockopt(listen_fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	unlink(path);
	if (bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(listen_fd, 64) < 0)
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
}
