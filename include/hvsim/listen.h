/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The listening sockets of the project's servers: hvsimd's control,
 * hypercall and per-domain xenstore sockets, and a guest kernel's device
 * socket are all made this one way.
 */
#ifndef HVSIM_LISTEN_H
#define HVSIM_LISTEN_H

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/*
 * A listening AF_UNIX socket at `path`, of `type` (SOCK_STREAM or
 * SOCK_SEQPACKET, with SOCK_NONBLOCK for a server in an event loop; it is
 * always close-on-exec).  A socket file left at path by a run that did not
 * end cleanly is replaced.  Returns the fd, or -errno (-ENAMETOOLONG when
 * path does not fit a sockaddr_un).
 */
static inline int hvsim_listen(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

#endif
