/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Descriptors carried by a message (SCM_RIGHTS) on the project's unix
 * sockets: hvsimd's hypercall replies, the guest kernel's device socket and
 * the programs' requests all send and take them this one way, and a
 * message carries at most HVSIM_SCM_MAX_FDS of them on every one of these
 * sockets (the wire headers count them against this limit).
 */
#ifndef HVSIM_SCM_H
#define HVSIM_SCM_H

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define HVSIM_SCM_MAX_FDS 16	/* per message, on every socket of the project */

/*
 * sendmsg() of iov with nr_fds descriptors (at most HVSIM_SCM_MAX_FDS),
 * never raising SIGPIPE, retried when a signal interrupts it; `flags` adds
 * e.g. MSG_DONTWAIT.  0 or -errno.
 */
static inline int hvsim_scm_send(int sock, const struct iovec *iov, size_t iovcnt,
				 const int *fds, size_t nr_fds, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * HVSIM_SCM_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = (struct iovec *)iov, .msg_iovlen = iovcnt };
	ssize_t n;

	if (nr_fds > HVSIM_SCM_MAX_FDS)
		return -EINVAL;
	if (nr_fds) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nr_fds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nr_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nr_fds);
	}
	do
		n = sendmsg(sock, &mh, flags | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/*
 * recvmsg() of one message into buf (size bytes), taking the descriptors
 * that came with it: the first max_fds into fds (*nr_fds of them; fds may
 * be NULL when max_fds is 0), the rest closed, so a peer that sends more
 * than a caller expects leaks nothing into it.  `flags` as recvmsg's
 * (MSG_DONTWAIT, MSG_CMSG_CLOEXEC).  If pid is not NULL it gets the
 * sender's pid from SCM_CREDENTIALS (0 if none came: the receiving socket
 * needs SO_PASSCRED).
 *
 * Returns the message's length, 0 when the peer has hung up, or -errno;
 * a message that did not arrive whole is never returned as if it had:
 *   -EMSGSIZE      it was longer than size (MSG_TRUNC); buf holds its first
 *                  size bytes, so a server can still answer its header;
 *   -ETOOMANYREFS  it carried more descriptors than any socket of the
 *                  project may (MSG_CTRUNC: the kernel dropped those that
 *                  did not fit); buf holds the whole message, whose length
 *                  is lost;
 *   -EINTR         a signal came first.  Not retried here: the device
 *                  client answers a signal by asking the kernel to
 *                  interrupt the call in progress; other callers loop.
 * On any error *nr_fds is 0 and every descriptor that came is closed.
 */
static inline ssize_t hvsim_scm_recv(int sock, void *buf, size_t size, int flags,
				     int *fds, size_t max_fds, size_t *nr_fds, pid_t *pid)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
			 CMSG_SPACE(sizeof(int) * HVSIM_SCM_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { buf, size };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	size_t got = 0;
	ssize_t n;

	*nr_fds = 0;
	if (pid)
		*pid = 0;
	n = recvmsg(sock, &mh, flags);
	if (n < 0)
		return -errno;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_CREDENTIALS && pid &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
			*pid = cred.pid;
		} else if (cm->cmsg_type == SCM_RIGHTS) {
			for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
				if (got < max_fds)
					fds[got++] = fd;
				else
					close(fd);
			}
		}
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		while (got)
			close(fds[--got]);
		return (mh.msg_flags & MSG_TRUNC) ? -EMSGSIZE : -ETOOMANYREFS;
	}
	*nr_fds = got;
	return n;
}

#endif
