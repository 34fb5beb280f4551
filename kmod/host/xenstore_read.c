// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's own reads of its domain's xenstore (kmod/shim/xenbus.c),
 * on the domain's xenstore socket in the state directory: hvsimd's store
 * knows this connection's domain, and a relative path is under
 * /local/domain/<domid>/, as for a kernel on Xen's ring.  One connection
 * for each read: the kernel reads rarely (privcmd's "target", once).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#include "hvsim/paths.h"
#include "hostif.h"
#include "host.h"

static const char *state_dir;
static unsigned int self_domid;

void host_xenstore_init(const char *dir, unsigned int domid)
{
	state_dir = dir;
	self_domid = domid;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* An XS_ERROR payload ("ENOENT") as -errno, as Linux's xenbus maps it. */
static long xs_error_errno(const char *name)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (!strcmp(name, xsd_errors[i].errstring))
			return -xsd_errors[i].errnum;
	return -EINVAL;
}

long hostk_xenstore_read(const char *path, char *buf, unsigned long size)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct xsd_sockmsg msg = { .type = XS_READ, .req_id = 1 };
	size_t plen = strlen(path) + 1;
	char payload[XENSTORE_PAYLOAD_MAX + 1];
	long rc;
	int fd;

	if (!state_dir || plen > XENSTORE_PAYLOAD_MAX)
		return -EINVAL;
	if (hvsim_xenstore_socket(state_dir, self_domid, a.sun_path, sizeof(a.sun_path)))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		rc = -errno;
		goto out;
	}
	msg.len = (uint32_t)plen;
	rc = write_all(fd, &msg, sizeof(msg));
	if (!rc)
		rc = write_all(fd, path, plen);
	if (!rc)
		rc = read_all(fd, &msg, sizeof(msg));
	if (rc)
		goto out;
	if (msg.len > XENSTORE_PAYLOAD_MAX || read_all(fd, payload, msg.len)) {
		rc = -EIO;
		goto out;
	}
	payload[msg.len] = '\0';
	if (msg.type == XS_ERROR) {
		rc = xs_error_errno(payload);
	} else if (msg.type != XS_READ) {
		rc = -EIO;
	} else {
		rc = msg.len;
		if (size) {
			size_t n = msg.len < size - 1 ? msg.len : size - 1;

			memcpy(buf, payload, n);
			buf[n] = '\0';
		}
	}
out:
	close(fd);
	return rc;
}
