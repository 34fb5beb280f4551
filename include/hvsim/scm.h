/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Descriptors carried by a message (SCM_RIGHTS) on the project's unix
 * sockets: hvsimd's hypercall replies, the guest kernel's device socket and
 * the programs' requests all send and take them this one way.
 */
#ifndef HVSIM_SCM_H
#define HVSIM_SCM_H

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
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
 * The descriptors a received message carried: the first `max` into fds
 * (*nr of them), the rest closed so that none leaks (max 0: close all).
 */
static inline void hvsim_scm_take_fds(const struct msghdr *mh, int *fds, size_t max,
				      size_t *nr)
{
	size_t got = 0;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm;
	     cm = CMSG_NXTHDR((struct msghdr *)mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (got < max)
				fds[got++] = fd;
			else
				close(fd);
		}
	}
	if (nr)
		*nr = got;
}

#endif
