// SPDX-License-Identifier: GPL-2.0-only
/*
 * An open file of gntalloc lives as long as Linux's struct file would:
 * while any copy of its descriptor (dup, fork) or any mapping made
 * through it remains.  Each scenario grants pages to PEER, says their
 * refs, and lets go of the file piece by piece; between the steps the test
 * maps the grants from PEER's domain to see whether the file still lives.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prog.h"

/* ioctl on a descriptor that is no longer one: EBADF, as for any other. */
static void closed_is_ebadf(int fd)
{
	struct ioctl_gntalloc_alloc_gref a = { .domid = 0, .count = 1 };

	if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &a) != -1 || errno != EBADF)
		die("ioctl on closed fd %d did not fail with EBADF", fd);
}

/* None of the domain's `limit` grants is taken: `fd` gets them all. */
static void all_grants_free(int fd, uint16_t peer, int limit)
{
	struct {
		struct ioctl_gntalloc_alloc_gref op;
		uint32_t more[63];
	} a = { .op = { .domid = peer, .count = (uint32_t)limit } };

	if (limit < 1 || limit > 64)
		die("limit %d", limit);
	if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &a) != 0)
		die("%d grants in another file: %s (the closed file's grants still count)",
		    limit, strerror(errno));
	close(fd);
}

/*
 * dup PEER LIMIT: copies by dup, dup2, dup3, F_DUPFD and F_DUPFD_CLOEXEC; each
 * grants a page and writes "copy N" in it through a mapping made with
 * that copy (unmapped again): "refs R0..R4".  A second gntalloc file
 * with a grant of its own ("victim R") is replaced by dup2 of the first
 * (failed dup2/dup3 onto it change nothing) ("replaced"); after "grant", a grant through the replaced descriptor
 * ("via R").  Then
 * it closes the original ("closed original"), every copy but the F_DUPFD
 * one with close, close_range and closefrom, which closes the
 * interposer's own channels too ("closed copies"), and that last one.  By
 * then the file is released, as Linux releases it before close returns: a
 * new file can take all of the domain's LIMIT grants at once ("closed
 * all").  After
 * "reopen" it opens and grants again ("reopened R").
 */
int scenario_dup(int argc, char **argv)
{
	enum { NR = 5 };
	struct grant g[NR];
	uint16_t peer;
	int fd, copy[NR], victim, other;

	if (argc != 3)
		die("usage: dup PEER LIMIT");
	peer = (uint16_t)atoi(argv[1]);
	fd = dev_open("gntalloc", O_RDWR);
	copy[0] = dup(fd);
	copy[1] = dup2(fd, 40);
	copy[2] = dup3(fd, 41, O_CLOEXEC);
	copy[3] = fcntl(fd, F_DUPFD, 50);
	copy[4] = fcntl(fd, F_DUPFD_CLOEXEC, 60);
	if (copy[0] < 0 || copy[1] != 40 || copy[2] != 41 || copy[3] < 50 || copy[4] < 60)
		die("dup: %d %d %d %d %d (%s)", copy[0], copy[1], copy[2], copy[3], copy[4],
		    strerror(errno));
	for (int i = 0; i < NR; i++) {
		volatile char *p;
		int fl = fcntl(copy[i], F_GETFL);

		/* the open's access mode, and O_LARGEFILE as x86-64 Linux adds it */
		if (fl < 0 || (fl & O_ACCMODE) != O_RDWR || !(fl & 0100000))
			die("F_GETFL of copy %d: %#x", i, fl);
		g[i] = grant_page(copy[i], peer);
		p = map_grant(copy[i], &g[i]);
		memcpy((char *)p, "copy ", 5);
		p[5] = (char)('0' + i);
		p[6] = 0;
		if (munmap((void *)p, PAGE_SIZE) < 0)
			die("munmap: %s", strerror(errno));
	}
	say("refs %u %u %u %u %u", g[0].ref, g[1].ref, g[2].ref, g[3].ref, g[4].ref);
	victim = dev_open("gntalloc", O_RDWR);
	say("victim %u", grant_page(victim, peer).ref);
	await("replace");
	if (dup2(fd, victim) != victim)
		die("dup2 onto a device: %s", strerror(errno));
	/* replacements that fail leave it as it was, with Linux's errno */
	if (dup2(-1, victim) != -1 || errno != EBADF)
		die("dup2 of a bad descriptor onto a device: %s", strerror(errno));
	if (dup3(fd, victim, 0x4000) != -1 || errno != EINVAL)
		die("dup3 with bad flags onto a device: %s", strerror(errno));
	say("replaced");
	await("grant");
	say("via %u", grant_page(victim, peer).ref);
	await("close original");
	close(fd);
	closed_is_ebadf(fd);
	say("closed original");
	await("close copies");
	close(copy[0]);
	close(victim);
	if (close_range(40, 41, 0) < 0)
		die("close_range: %s", strerror(errno));
	closed_is_ebadf(copy[1]);
	/* (the interposer's own channels are among these) */
	closefrom(copy[4]);
	closed_is_ebadf(copy[4]);
	say("closed copies");
	other = dev_open("gntalloc", O_RDWR);
	await("close all");
	close(copy[3]);
	all_grants_free(other, peer, atoi(argv[2]));
	say("closed all");
	await("reopen");
	fd = dev_open("gntalloc", O_RDWR);
	say("reopened %u", grant_page(fd, peer).ref);
	await("quit");
	return 0;
}

/*
 * fork PEER: a granted page says "parent"; after "fork" the child grants
 * a second page through the inherited descriptor, writes "child" in the
 * first through the inherited mapping, closes its descriptor ("child
 * wrote REF2"); after "next" the parent unmaps and closes ("parent
 * closed"); after "write" the child writes "child again" ("child wrote
 * again"); after "exit" it exits without unmapping, and the parent says
 * "child exited STATUS".
 */
int scenario_fork(int argc, char **argv)
{
	struct grant g, g2;
	volatile char *p;
	int fd, turn[2], status;
	pid_t pid;
	char c;

	if (argc != 2)
		die("usage: fork PEER");
	fd = dev_open("gntalloc", O_RDWR);
	g = grant_page(fd, (uint16_t)atoi(argv[1]));
	p = map_grant(fd, &g);
	strcpy((char *)p, "parent");
	if (pipe(turn) < 0)
		die("pipe: %s", strerror(errno));
	say("ref %u", g.ref);
	await("fork");
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		g2 = grant_page(fd, (uint16_t)atoi(argv[1]));
		strcpy((char *)p, "child");
		close(fd);
		say("child wrote %u", g2.ref);
		await("next");
		if (write(turn[1], "", 1) != 1)
			die("pipe: %s", strerror(errno));
		await("write");
		strcpy((char *)p, "child again");
		say("child wrote again");
		await("exit");
		_exit(0);
	}
	if (read(turn[0], &c, 1) != 1)
		die("the child did not hand over");
	if (munmap((void *)p, PAGE_SIZE) < 0)
		die("munmap: %s", strerror(errno));
	close(fd);
	say("parent closed");
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	say("child exited %d", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	await("quit");
	return 0;
}

/*
 * close-mapped PEER: grant, map, close the descriptor, write "after
 * close" ("ref REF"); after "check" the page must say what the peer wrote
 * at offset 1024 ("seen"); after "unmap" it is unmapped ("unmapped").
 */
int scenario_close_mapped(int argc, char **argv)
{
	volatile char *p;
	struct grant g;
	int fd;

	if (argc != 2)
		die("usage: close-mapped PEER");
	fd = dev_open("gntalloc", O_RDWR);
	g = grant_page(fd, (uint16_t)atoi(argv[1]));
	p = map_grant(fd, &g);
	close(fd);
	closed_is_ebadf(fd);
	strcpy((char *)p, "after close");
	say("ref %u", g.ref);
	await("check");
	if (strcmp((const char *)p + 1024, "from the peer"))
		die("the page does not show the peer's write: '%.20s'", (const char *)p + 1024);
	say("seen");
	await("unmap");
	if (munmap((void *)p, PAGE_SIZE) < 0)
		die("munmap: %s", strerror(errno));
	say("unmapped");
	await("quit");
	return 0;
}
