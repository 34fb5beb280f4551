// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec PEER: descriptors that survive exec and descriptors that do not.
 * KEEP (gntalloc, no close-on-exec) and KEPT (evtchn, opened O_CLOEXEC,
 * cleared with F_SETFD) survive; GONE (evtchn, O_CLOEXEC), GONE2 (gntdev,
 * F_SETFD FD_CLOEXEC) and GONE3 (evtchn, FIOCLEX) do not.  A page granted
 * and mapped through KEEP says "before exec" ("ref REF").  After "exec"
 * the program execs itself as `exec-after PEER KEEP KEPT GONE GONE2
 * GONE3`, which checks that KEEP and KEPT are still the devices (ioctls and
 * an mmap work: "ref2 REF2") and the others are no descriptors; after
 * "close" it closes KEEP ("closed") and lives on until "quit".
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prog.h"

int scenario_exec(int argc, char **argv)
{
	char fds[5][16];
	volatile char *p;
	struct grant g;
	int keep, kept, gone, gone2, gone3;

	if (argc != 2)
		die("usage: exec PEER");
	keep = dev_open("gntalloc", O_RDWR);
	kept = dev_open("evtchn", O_RDWR | O_CLOEXEC);
	gone = dev_open("evtchn", O_RDWR | O_CLOEXEC);
	gone2 = dev_open("gntdev", O_RDWR);
	gone3 = dev_open("evtchn", O_RDWR);
	if (fcntl(kept, F_SETFD, 0) < 0 || fcntl(gone2, F_SETFD, FD_CLOEXEC) < 0 ||
	    ioctl(gone3, FIOCLEX) < 0)
		die("setting close-on-exec: %s", strerror(errno));
	g = grant_page(keep, (uint16_t)atoi(argv[1]));
	p = map_grant(keep, &g);
	strcpy((char *)p, "before exec");
	say("ref %u", g.ref);
	await("exec");
	snprintf(fds[0], sizeof(fds[0]), "%d", keep);
	snprintf(fds[1], sizeof(fds[1]), "%d", kept);
	snprintf(fds[2], sizeof(fds[2]), "%d", gone);
	snprintf(fds[3], sizeof(fds[3]), "%d", gone2);
	snprintf(fds[4], sizeof(fds[4]), "%d", gone3);
	execl("/proc/self/exe", "preload-prog", "exec-after", argv[1], fds[0], fds[1],
	      fds[2], fds[3], fds[4], (char *)NULL);
	die("exec: %s", strerror(errno));
}

static void still_device(int fd, const char *what)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl < 0 || (fl & FD_CLOEXEC))
		die("%s descriptor %d after exec: F_GETFD %d (%s)", what, fd, fl,
		    strerror(errno));
}

static void no_descriptor(int fd, const char *what)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = 0 };

	if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
		die("the %s descriptor %d survived exec", what, fd);
	if (ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b) != -1 || errno != EBADF)
		die("an ioctl on the %s descriptor %d did not fail with EBADF", what, fd);
}

int scenario_exec_after(int argc, char **argv)
{
	volatile char *p;
	struct grant g;
	int keep, kept;

	if (argc != 7)
		die("usage: exec-after PEER KEEP KEPT GONE GONE2 GONE3");
	keep = atoi(argv[2]);
	kept = atoi(argv[3]);
	no_descriptor(atoi(argv[4]), "O_CLOEXEC");
	no_descriptor(atoi(argv[5]), "F_SETFD FD_CLOEXEC");
	no_descriptor(atoi(argv[6]), "FIOCLEX");
	still_device(keep, "the gntalloc");
	still_device(kept, "the evtchn (F_SETFD 0)");
	bind_unbound(kept, (uint16_t)atoi(argv[1]));
	g = grant_page(keep, (uint16_t)atoi(argv[1]));
	p = map_grant(keep, &g);
	strcpy((char *)p, "after exec");
	if (munmap((void *)p, PAGE_SIZE) < 0)
		die("munmap: %s", strerror(errno));
	say("ref2 %u", g.ref);
	await("close");
	close(keep);
	say("closed");
	await("quit");
	return 0;
}

/* exec-spawned FD: FD must be a gntalloc device here; exit status 0. */
int scenario_exec_spawned(int argc, char **argv)
{
	struct ioctl_gntalloc_alloc_gref a = { .domid = 0, .count = 1 };

	if (argc != 2)
		return 2;
	return ioctl(atoi(argv[1]), IOCTL_GNTALLOC_ALLOC_GREF, &a) == 0 ? 0 : 1;
}

/* Runs `preload-prog exec-spawned FD` through `how`; its exit status. */
static int spawn_child(int fd, bool use_posix_spawn)
{
	char fd_s[16];
	char *const args[] = { "preload-prog", "exec-spawned", fd_s, NULL };
	posix_spawn_file_actions_t fa;
	int status;
	pid_t pid;

	snprintf(fd_s, sizeof(fd_s), "%d", fd);
	if (use_posix_spawn) {
		/* (its "pid" line is not for the test) */
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
		if (posix_spawn(&pid, "/proc/self/exe", &fa, NULL, args, environ))
			die("posix_spawn: %s", strerror(errno));
		posix_spawn_file_actions_destroy(&fa);
	} else {
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, STDOUT_FILENO);
			execv("/proc/self/exe", args);
			_exit(127);
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * spawn PEER: a program with a granted page mapped ("ref REF") starts
 * children that exec (posix_spawn, then fork and exec); each finds the
 * inherited descriptor a device ("spawned S1 S2": their exit statuses).
 * Their new images drop their own mappings, never ours: after we close
 * the descriptor ("closed") our mapping still holds the file, until
 * "unmap" ("unmapped").
 */
int scenario_spawn(int argc, char **argv)
{
	volatile char *p;
	struct grant g;
	int fd, by_spawn, by_fork;

	if (argc != 2)
		die("usage: spawn PEER");
	fd = dev_open("gntalloc", O_RDWR);
	g = grant_page(fd, (uint16_t)atoi(argv[1]));
	p = map_grant(fd, &g);
	strcpy((char *)p, "spawner");
	say("ref %u", g.ref);
	by_spawn = spawn_child(fd, true);
	by_fork = spawn_child(fd, false);
	say("spawned %d %d", by_spawn, by_fork);
	await("close");
	close(fd);
	say("closed");
	await("unmap");
	if (munmap((void *)p, PAGE_SIZE) < 0)
		die("munmap: %s", strerror(errno));
	say("unmapped");
	await("quit");
	return 0;
}
