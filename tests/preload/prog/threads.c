// SPDX-License-Identifier: GPL-2.0-only
/*
 * threads PEER: several threads call at once.  An evtchn port offered to
 * PEER ("port P"; the test binds it: "bound").
 *  1. A thread blocks in read() on the evtchn descriptor while two threads
 *     allocate and free grants on a gntalloc descriptor and this one binds
 *     and unbinds ports on the evtchn descriptor itself; all of that must
 *     finish while the read still blocks ("ioctls done"); the test then
 *     notifies and the read returns the port ("read P").
 *  2. A blocked read ends with EINTR when its thread gets a signal whose
 *     handler has no SA_RESTART ("eintr").
 *  3. With SA_RESTART it goes on reading ("still blocked"), and returns
 *     the port once the test notifies ("restarted P").  The handler itself
 *     calls the gntalloc device meanwhile, as a handler may.
 *  4. fork while a thread blocks in read: the child writes through an
 *     inherited mapping and calls the device ("forked"); the read still
 *     returns the port once the test notifies ("read after fork P").
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prog.h"

struct reader {
	pthread_t thread;
	int fd;
	uint32_t port;
	ssize_t ret;
	int err;
	volatile int done;
};

static void *read_one(void *arg)
{
	struct reader *r = arg;

	r->ret = read(r->fd, &r->port, sizeof(r->port));
	r->err = errno;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void start_reader(struct reader *r, int fd)
{
	*r = (struct reader){ .fd = fd };
	if (pthread_create(&r->thread, NULL, read_one, r))
		die("pthread_create");
	usleep(100 * 1000);	/* well into its read */
	if (__atomic_load_n(&r->done, __ATOMIC_ACQUIRE))
		die("read returned at once: %zd (%s)", r->ret, strerror(r->err));
}

struct churner {
	pthread_t thread;
	int fd;
	uint16_t peer;
	int err;
};

static void *churn_grants(void *arg)
{
	struct churner *c = arg;

	for (int i = 0; i < 50 && !c->err; i++) {
		struct ioctl_gntalloc_alloc_gref a = { .domid = c->peer, .count = 1 };

		if (ioctl(c->fd, IOCTL_GNTALLOC_ALLOC_GREF, &a) != 0) {
			c->err = errno;
			break;
		}
		struct ioctl_gntalloc_dealloc_gref d = { .index = a.index, .count = 1 };

		if (ioctl(c->fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d) != 0)
			c->err = errno;
	}
	return NULL;
}

static volatile sig_atomic_t signals;
static int handler_gntalloc = -1;	/* the handler calls it if set */
static volatile int handler_err;

static void on_usr1(int sig)
{
	int saved = errno;

	signals++;
	if (handler_gntalloc >= 0) {
		struct ioctl_gntalloc_alloc_gref a = { .domid = 0, .count = 1 };
		struct ioctl_gntalloc_dealloc_gref d = { .count = 1 };

		if (ioctl(handler_gntalloc, IOCTL_GNTALLOC_ALLOC_GREF, &a) != 0) {
			handler_err = errno;
		} else {
			d.index = a.index;
			if (ioctl(handler_gntalloc, IOCTL_GNTALLOC_DEALLOC_GREF, &d) != 0)
				handler_err = errno;
		}
	}
	errno = saved;
}

static void handle_usr1(int flags)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };

	sigaction(SIGUSR1, &sa, NULL);
}

static void unmask(int fd, uint32_t port)
{
	if (write(fd, &port, sizeof(port)) != sizeof(port))
		die("unmask: %s", strerror(errno));
}

/* A reader blocks on ev; we fork; the child uses a mapping and gnt. */
static void fork_beside(struct reader *r, int ev, int gnt, uint16_t peer)
{
	struct grant g = grant_page(gnt, peer);
	volatile char *p = map_grant(gnt, &g);
	int status;
	pid_t pid;

	start_reader(r, ev);
	guard(10, "fork while a thread blocks in read");
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		struct grant more;

		p[0] = 'c';
		more = grant_page(gnt, peer);
		_exit(more.ref ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	unguard();
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("the forked child failed: status %#x", status);
	if (p[0] != 'c')
		die("the child's write through the inherited mapping is not ours");
	if (__atomic_load_n(&r->done, __ATOMIC_ACQUIRE))
		die("the read returned at the fork: %zd (%s)", r->ret, strerror(r->err));
	say("forked");
}

int scenario_threads(int argc, char **argv)
{
	struct churner churners[2];
	struct reader r;
	uint16_t peer;
	uint32_t port;
	int ev, gnt;

	if (argc != 2)
		die("usage: threads PEER");
	peer = (uint16_t)atoi(argv[1]);
	ev = dev_open("evtchn", O_RDWR);
	gnt = dev_open("gntalloc", O_RDWR);
	port = bind_unbound(ev, peer);
	say("port %u", port);
	await("bound");

	/* 1 */
	start_reader(&r, ev);
	guard(10, "ioctls while another thread blocks in read");
	for (int i = 0; i < 2; i++) {
		churners[i] = (struct churner){ .fd = gnt, .peer = peer };
		if (pthread_create(&churners[i].thread, NULL, churn_grants, &churners[i]))
			die("pthread_create");
	}
	for (int i = 0; i < 20; i++) {
		struct ioctl_evtchn_unbind u = { .port = bind_unbound(ev, peer) };

		if (ioctl(ev, IOCTL_EVTCHN_UNBIND, &u) != 0)
			die("IOCTL_EVTCHN_UNBIND: %s", strerror(errno));
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(churners[i].thread, NULL);
		if (churners[i].err)
			die("gntalloc ioctls beside a blocked read: %s", strerror(churners[i].err));
	}
	unguard();
	if (__atomic_load_n(&r.done, __ATOMIC_ACQUIRE))
		die("the read returned before the peer notified: %zd (%s)", r.ret,
		    strerror(r.err));
	say("ioctls done");
	guard(10, "read after the peer notified");
	pthread_join(r.thread, NULL);
	unguard();
	if (r.ret != sizeof(port) || r.port != port)
		die("read: %zd port %u (%s)", r.ret, r.port, strerror(r.err));
	unmask(ev, port);
	say("read %u", r.port);

	/* 2 */
	handle_usr1(0);
	start_reader(&r, ev);
	pthread_kill(r.thread, SIGUSR1);
	guard(10, "a read interrupted by a signal");
	pthread_join(r.thread, NULL);
	unguard();
	if (r.ret != -1 || r.err != EINTR)
		die("an interrupted read returned %zd (%s), not EINTR", r.ret, strerror(r.err));
	say("eintr");

	/* 3 */
	handle_usr1(SA_RESTART);
	signals = 0;
	handler_gntalloc = gnt;
	start_reader(&r, ev);
	pthread_kill(r.thread, SIGUSR1);
	usleep(200 * 1000);
	if (!signals)
		die("SIGUSR1 was not handled");
	if (handler_err)
		die("a device call in the signal handler: %s", strerror(handler_err));
	if (__atomic_load_n(&r.done, __ATOMIC_ACQUIRE))
		die("a read interrupted under SA_RESTART returned %zd (%s)", r.ret,
		    strerror(r.err));
	say("still blocked");
	guard(10, "a restarted read after the peer notified");
	pthread_join(r.thread, NULL);
	unguard();
	if (r.ret != sizeof(port) || r.port != port)
		die("restarted read: %zd port %u (%s)", r.ret, r.port, strerror(r.err));
	unmask(ev, port);
	say("restarted %u", r.port);

	/* 4 */
	fork_beside(&r, ev, gnt, peer);
	guard(10, "read after a fork beside it");
	pthread_join(r.thread, NULL);
	unguard();
	if (r.ret != sizeof(port) || r.port != port)
		die("read after fork: %zd port %u (%s)", r.ret, r.port, strerror(r.err));
	unmask(ev, port);
	say("read after fork %u", r.port);
	await("quit");
	return 0;
}
