// SPDX-License-Identifier: GPL-2.0-only
/*
 * mprotect: the program's mprotect(2) of its device mappings reaches its
 * kernel through the interposer.  It grants a page to its own domain
 * (gntalloc), maps that grant through gntdev MAP_PRIVATE and read-only,
 * and asks for PROT_WRITE: "private 0" and "copy MINE GRANTED" (what its
 * copy and the granted page say after it wrote its copy), or "private
 * ERRNO" where the tree's gntdev made the mapping one that never becomes
 * writable.  Then its shared gntalloc mapping made read-only and
 * writable again, and ordinary memory: "shared 0 0", "plain 0", "done".
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "prog.h"

int scenario_mprotect(int argc, char **argv)
{
	int gntalloc = dev_open("gntalloc", O_RDWR), gntdev = dev_open("gntdev", O_RDWR);
	struct grant g = grant_page(gntalloc, my_domid());
	volatile char *own = map_grant(gntalloc, &g);
	struct ioctl_gntdev_map_grant_ref op = { .count = 1 };
	volatile char *copy;
	char *plain;
	int ro, rw;

	own[0] = 'A';
	op.refs[0].domid = my_domid();
	op.refs[0].ref = g.ref;
	if (ioctl(gntdev, IOCTL_GNTDEV_MAP_GRANT_REF, &op))
		die("map grant ref: %s", strerror(errno));
	copy = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE, gntdev, (off_t)op.index);
	if (copy == MAP_FAILED)
		die("mmap private: %s", strerror(errno));
	if (mprotect((void *)copy, PAGE_SIZE, PROT_READ | PROT_WRITE)) {
		say("private %s", strerrorname_np(errno));
	} else {
		say("private 0");
		copy[0] = 'B';
		say("copy %c %c", copy[0], own[0]);
	}
	munmap((void *)copy, PAGE_SIZE);

	ro = mprotect((void *)own, PAGE_SIZE, PROT_READ);
	rw = mprotect((void *)own, PAGE_SIZE, PROT_READ | PROT_WRITE);
	own[1] = 'C';
	say("shared %d %d", ro ? errno : 0, rw ? errno : 0);

	plain = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say("plain %d", plain == MAP_FAILED || mprotect(plain, PAGE_SIZE, PROT_READ) ? errno : 0);
	say("done");
	await("quit");
	return 0;
}
