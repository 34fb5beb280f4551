/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's side of a map benchmark: a memfd whose pages hold data, as
 * granted pages do (their granter filled them).  Never-written pages of a
 * memfd are different work: on some virtual machines their first touch
 * after a mapping costs a quarter of a written page's (docs/performance.md,
 * "The map round").
 */
#ifndef HVSIM_TESTS_BENCH_MEMFD_H
#define HVSIM_TESTS_BENCH_MEMFD_H

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memfd of len bytes, every byte written; -1 with errno on failure. */
static inline int bench_memfd_with_data(const char *name, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	void *p;

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)len) < 0)
		goto fail;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	memset(p, 0x5a, len);
	munmap(p, len);
	return fd;
fail:
	close(fd);
	return -1;
}

#endif
