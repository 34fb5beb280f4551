// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run in a domain (hvsim run): asks the domain's gntalloc for more grants
 * than its limit allows (module parameter xen_gntalloc.limit, 1024) and
 * prints the name of the errno the kernel's gntalloc.c answers with (ENOSPC
 * in Linux), so that tests/ksrc/rebuild-test.sh sees which gntalloc.c the
 * kernel was built from.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <xen/sys/gntalloc.h>

int main(void)
{
	struct ioctl_gntalloc_alloc_gref op = {
		.domid = 0,
		.flags = GNTALLOC_FLAG_WRITABLE,
		.count = 1u << 20,
	};
	int fd = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "gntalloc-limit-probe: /dev/xen/gntalloc: %s\n", strerror(errno));
		return 1;
	}
	if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &op) == 0) {
		printf("granted %u pages\n", op.count);
		return 1;
	}
	printf("%s\n", strerrorname_np(errno) ?: "unknown errno");
	close(fd);
	return 0;
}
