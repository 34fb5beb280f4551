/*
 * xsbridge: a byte stream between two domains, over xenstore only.
 *
 *   xsbridge --offer DOMID [--fds R,W] BASE [[--] PROG [ARGS...]]  (usually dom0)
 *   xsbridge --accept      [--fds R,W] BASE [[--] PROG [ARGS...]]  (domain DOMID)
 *
 * Without PROG, what arrives on stdin goes to the other side, and what the
 * other side sends comes out on stdout; each end of stream is passed on.
 * With PROG, the bridge runs it with the stream on descriptors R (what the
 * other side sends) and W (what it sends), 3 and 4 unless --fds says
 * otherwise.
 *
 * Exit status, once both streams have ended: PROG's (as a shell gives it);
 * without PROG, the accepting side exits 0 and the offering side with the
 * status of the accepting side's PROG, so that a program in dom0 can be
 * told how its partner in the domU ended.  1 when the bridge failed (after
 * a message on stderr), 2 on bad usage.
 *
 * Why xenstore: it is the one channel a fresh PV domU shares with dom0
 * without a network or a disk, and it reaches the domU through its own
 * kernel's xenbus, not through the grant and event devices under test.
 * BASE must be fresh for each session (the offering side removes it at
 * the end); see stream.h and pump.h for the nodes.
 */
#include "pump.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

static void usage(void)
{
	fprintf(stderr,
		"usage: xsbridge --offer DOMID [--fds R,W] BASE [[--] PROG [ARGS...]]\n"
		"       xsbridge --accept [--fds R,W] BASE [[--] PROG [ARGS...]]\n");
	exit(2);
}

static int parse_uint(const char *s, unsigned int max, unsigned int *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || n > max)
		return -1;
	*v = (unsigned int)n;
	return 0;
}

/* Copies FD onto TARGET in the child (the copy is not close-on-exec). */
static void place(int fd, int target)
{
	if (dup2(fd, target) < 0) {
		perror("xsbridge: dup2");
		_exit(127);
	}
}

/*
 * Starts PROG with the stream on descriptors R and W; the bridge's ends of
 * the two pipes go to S.  Run before the bridge opens xenstore, whose
 * library starts a thread.
 */
static pid_t spawn(char **argv, unsigned int r, unsigned int w, struct xsb_session *s)
{
	int down[2], up[2];
	pid_t pid;

	if (pipe2(down, O_CLOEXEC) < 0 || pipe2(up, O_CLOEXEC) < 0) {
		perror("xsbridge: pipe");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("xsbridge: fork");
		exit(1);
	}
	if (pid == 0) {
		/* Out of the way of R and W first, so neither lands on the
		 * other's pipe end. */
		int high = (int)(r > w ? r : w) + 1;
		int rd = fcntl(down[0], F_DUPFD_CLOEXEC, high);
		int wr = fcntl(up[1], F_DUPFD_CLOEXEC, high);

		if (rd < 0 || wr < 0) {
			perror("xsbridge: fcntl");
			_exit(127);
		}
		place(rd, (int)r);
		place(wr, (int)w);
		execvp(argv[0], argv);
		fprintf(stderr, "xsbridge: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(down[0]);
	close(up[1]);
	s->out_fd = down[1];
	s->in_fd = up[0];
	return pid;
}

/* The child's status as a shell reports it. */
static int child_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			perror("xsbridge: waitpid");
			return 1;
		}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "offer", required_argument, NULL, 'o' },
		{ "accept", no_argument, NULL, 'a' },
		{ "fds", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct xsb_session s = { .in_fd = 0, .out_fd = 1 };
	unsigned int r = 3, w = 4;
	bool accepting = false;
	pid_t child = -1;
	int c, rc, status;

	/* '+': PROG's own options are PROG's. */
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (parse_uint(optarg, 0x7fef, &s.peer) < 0)
				usage();
			s.offering = true;
			break;
		case 'a':
			accepting = true;
			break;
		case 'f': {
			char *comma = strchr(optarg, ',');

			if (!comma)
				usage();
			*comma = '\0';
			if (parse_uint(optarg, 1023, &r) < 0 ||
			    parse_uint(comma + 1, 1023, &w) < 0 || r == w || r < 3 || w < 3)
				usage();
			break;
		}
		default:
			usage();
		}
	}
	if (s.offering == accepting || optind >= argc)
		usage();
	s.base = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;

	if (optind < argc)
		child = spawn(argv + optind, r, w, &s);
	/* A local reader that went away is seen as EPIPE, not a signal. */
	signal(SIGPIPE, SIG_IGN);

	s.xs = xs_open(0);
	if (!s.xs) {
		perror("xsbridge: cannot reach xenstore");
		rc = -1;
	} else {
		rc = s.offering ? xsb_offer(&s) : xsb_accept(&s);
		if (rc == 0)
			rc = xsb_pump(&s);
	}
	/* On failure the program sees its stream end; the bridge's failure
	 * is said on stderr and in its status. */
	if (s.in_fd >= 0)
		close(s.in_fd);
	if (s.out_fd >= 0)
		close(s.out_fd);
	status = child > 0 ? child_status(child) : 0;
	if (rc == 0)
		rc = xsb_finish(&s, status);
	if (s.xs)
		xs_close(s.xs);
	if (rc < 0)
		return 1;
	if (child > 0 || !s.offering)
		return status;
	return rc;
}
