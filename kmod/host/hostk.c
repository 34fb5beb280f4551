// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host services of kmod/hostif.h that are plain process services:
 * memory, the log, futexes, threads, clocks, sleeping and waking, and a
 * program's memory and identity through /proc and process_vm_*.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "hostif.h"
#include "host.h"
#include "hvsim/device_wire.h"
#include "hvsim/paths.h"

void *hostk_malloc(unsigned long size)
{
	return malloc(size);
}

void hostk_free(void *p)
{
	free(p);
}

void *hostk_map_anon(unsigned long size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void hostk_unmap(void *p, unsigned long size)
{
	munmap(p, size);
}

/* ---- log ---- */

static char log_prefix[96];
static int log_level = 6;	/* pr_debug is off unless HVSIM_KERNEL_DEBUG */
static int log_fd = -1;		/* STATEDIR/dom<N>/kernel.log, the domain's dmesg */

int host_log_init(const char *state_dir, const char *name, unsigned int domid)
{
	const char *dbg = getenv("HVSIM_KERNEL_DEBUG");
	char path[PATH_MAX];
	int err;

	snprintf(log_prefix, sizeof(log_prefix), "hvsim-kernel[dom%u %s]", domid, name);
	if (dbg && *dbg)
		log_level = 7;
	/* hvsimd has made the domain's directory; not so when run by hand */
	err = hvsim_domain_dir(state_dir, domid, path, sizeof(path));
	if (!err && mkdir(path, 0700) < 0 && errno != EEXIST)
		err = -errno;
	if (!err)
		err = hvsim_kernel_log(state_dir, domid, path, sizeof(path));
	if (!err) {
		log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (log_fd < 0)
			err = -errno;
	}
	return err;
}

/*
 * Each line is one write, so lines of threads logging at once do not mix.
 * hvsimd's log (our stderr) names the domain; the domain's own log does
 * not need to, as dmesg does not.
 */
void hostk_log(int level, const char *line)
{
	char buf[768];
	struct timespec ts;
	int stamp, n;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	stamp = snprintf(buf, sizeof(buf), "[%5ld.%06ld] ", (long)ts.tv_sec,
			 ts.tv_nsec / 1000);
	n = snprintf(buf + stamp, sizeof(buf) - stamp, "%s: %s\n", log_prefix, line);
	if (n >= (int)sizeof(buf) - stamp)
		buf[sizeof(buf) - 2] = '\n';
	n = (int)strlen(buf);
	if (write(STDERR_FILENO, buf, n) < 0) {
		/* nowhere to say so */
	}
	if (log_fd < 0)
		return;
	n = snprintf(buf + stamp, sizeof(buf) - stamp, "%s\n", line);
	if (n >= (int)sizeof(buf) - stamp)
		buf[sizeof(buf) - 2] = '\n';
	if (write(log_fd, buf, strlen(buf)) < 0) {
		/* the log is lost, stderr still has it */
	}
}

void hostk_panic(const char *why)
{
	hostk_log(0, why);
	hostk_log(0, "Kernel panic - not syncing: the domain's kernel stops");
	/* before it serves: the reason is hvsim domain create's error */
	host_say_failed(why);
	abort();
}

unsigned long long hostk_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- futexes and threads ---- */

void hostk_futex_wait(int *word, int val)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

void hostk_futex_wake(int *word, int nr)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, nr, NULL, NULL, 0);
}

static cpu_set_t process_cpus;
static bool have_process_cpus;

void host_cpus_init(void)
{
	have_process_cpus = sched_getaffinity(0, sizeof(process_cpus), &process_cpus) == 0;
}

const cpu_set_t *host_cpus(void)
{
	return have_process_cpus ? &process_cpus : NULL;
}

struct thread_start {
	void (*fn)(void *);
	void *arg;
};

static void *thread_main(void *p)
{
	struct thread_start s = *(struct thread_start *)p;

	free(p);
	s.fn(s.arg);
	return NULL;
}

int hostk_thread_create(void (*fn)(void *), void *arg, const char *name)
{
	struct thread_start *s = malloc(sizeof(*s));
	pthread_attr_t attr;
	pthread_t t;
	int err;

	if (!s)
		return -ENOMEM;
	s->fn = fn;
	s->arg = arg;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	if (have_process_cpus)
		pthread_attr_setaffinity_np(&attr, sizeof(process_cpus), &process_cpus);
	err = pthread_create(&t, &attr, thread_main, s);
	pthread_attr_destroy(&attr);
	if (err) {
		free(s);
		return -err;
	}
	if (name)
		pthread_setname_np(t, name);
	return 0;
}

/* ---- sleeping ---- */

/*
 * Each thread sleeps on its own eventfd (a wake before the sleep leaves it
 * readable: no lost wakeups).  A thread serving a program's call also
 * watches the program's connection and process: an interrupt message, a
 * hang-up or the program's exit is reported once per call as a signal.
 */
struct host_thread {
	int wake_fd;
	int conn_fd;
	int caller_pid;
	int pidfd;
	bool signalled;
	bool conn_quiet;	/* something else is queued: stop watching */
	struct host_thread *next_free;
};

static __thread struct host_thread *self;

/*
 * A thread's waker outlives the thread: a waker that found it sleeping may
 * still be about to write its eventfd.  So an ended thread's state goes to
 * a pool for the next thread, never back to the heap, and the fds it holds
 * stay bounded by the most threads alive at once (one per program thread
 * in a call) rather than growing with every program that ever called.  A
 * late wake then reaches the next owner as a spurious one, which every
 * sleeper re-checks.
 */
static struct host_thread *free_threads;
static pthread_mutex_t free_threads_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t thread_end_key;
static pthread_once_t thread_end_once = PTHREAD_ONCE_INIT;

static void host_thread_end(void *p)
{
	struct host_thread *t = p;

	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
	t->caller_pid = 0;
	t->conn_fd = -1;
	pthread_mutex_lock(&free_threads_lock);
	t->next_free = free_threads;
	free_threads = t;
	pthread_mutex_unlock(&free_threads_lock);
}

static void thread_end_key_init(void)
{
	if (pthread_key_create(&thread_end_key, host_thread_end))
		hostk_panic("pthread_key_create failed");
}

static struct host_thread *host_self(void)
{
	uint64_t stale;

	if (self)
		return self;
	pthread_once(&thread_end_once, thread_end_key_init);
	pthread_mutex_lock(&free_threads_lock);
	self = free_threads;
	if (self)
		free_threads = self->next_free;
	pthread_mutex_unlock(&free_threads_lock);
	if (self) {
		/* a wake meant for the last owner */
		while (read(self->wake_fd, &stale, sizeof(stale)) > 0)
			;
	} else {
		self = calloc(1, sizeof(*self));
		if (!self)
			hostk_panic("out of memory for a thread");
		self->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (self->wake_fd < 0)
			hostk_panic("eventfd failed");
		self->pidfd = -1;
	}
	self->conn_fd = -1;
	self->signalled = false;
	self->conn_quiet = false;
	self->next_free = NULL;
	pthread_setspecific(thread_end_key, self);
	return self;
}

void *hostk_current_waker(void)
{
	return host_self();
}

void hostk_wake(void *waker)
{
	struct host_thread *t = waker;
	uint64_t one = 1;

	if (write(t->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		hostk_panic("waking a thread failed");
}

void host_thread_set_caller(int conn_fd, int pid)
{
	struct host_thread *t = host_self();

	if (pid != t->caller_pid) {
		if (t->pidfd >= 0)
			close(t->pidfd);
		t->pidfd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
		t->caller_pid = pid;
	}
	t->conn_fd = conn_fd;
	t->signalled = false;
	t->conn_quiet = false;
}

void host_thread_clear_caller(void)
{
	struct host_thread *t = host_self();

	t->conn_fd = -1;
	t->signalled = false;
}

/* The connection became readable during a call: why? */
static bool conn_interrupts(struct host_thread *t)
{
	struct hvsim_dev_req req;
	ssize_t n = recv(t->conn_fd, &req, sizeof(req), MSG_PEEK | MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return true;	/* hang-up: the program closed or died */
	if (n == (ssize_t)sizeof(req) && req.op == HVSIM_DEV_INTERRUPT) {
		recv(t->conn_fd, &req, sizeof(req), MSG_DONTWAIT);
		return true;
	}
	if (n > 0)
		t->conn_quiet = true;
	return false;
}

int hostk_sleep(long long timeout_ns)
{
	struct host_thread *t = host_self();
	struct pollfd p[3];
	struct timespec ts, *tsp = NULL;
	nfds_t n = 0;
	int conn_i = -1, pid_i = -1;
	uint64_t v;
	int r;

	p[n++] = (struct pollfd){ .fd = t->wake_fd, .events = POLLIN };
	if (t->conn_fd >= 0 && !t->signalled && !t->conn_quiet) {
		conn_i = n;
		p[n++] = (struct pollfd){ .fd = t->conn_fd, .events = POLLIN | POLLRDHUP };
	}
	if (t->conn_fd >= 0 && !t->signalled && t->pidfd >= 0) {
		pid_i = n;
		p[n++] = (struct pollfd){ .fd = t->pidfd, .events = POLLIN };
	}
	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / 1000000000LL;
		ts.tv_nsec = timeout_ns % 1000000000LL;
		tsp = &ts;
	}
	r = ppoll(p, n, tsp, NULL);
	if (r < 0)
		return HOSTK_WOKEN;	/* EINTR: the caller re-checks its state */
	if (r == 0)
		return HOSTK_TIMEOUT;
	if (p[0].revents) {
		/* one read takes every wake-up: an eventfd's read resets it */
		if (read(t->wake_fd, &v, sizeof(v)) < 0) {
			/* EAGAIN: another read took it; the caller re-checks */
		}
		return HOSTK_WOKEN;
	}
	if ((pid_i >= 0 && p[pid_i].revents) ||
	    (conn_i >= 0 && p[conn_i].revents && conn_interrupts(t))) {
		t->signalled = true;
		return HOSTK_SIGNAL;
	}
	return HOSTK_WOKEN;
}

/* ---- programs ---- */

static unsigned long copy_user(int pid, void *local, unsigned long remote,
			       unsigned long n, bool to_user)
{
	unsigned long done = 0;

	while (done < n) {
		struct iovec l = { (char *)local + done, n - done };
		struct iovec r = { (void *)(remote + done), n - done };
		ssize_t got = to_user ? process_vm_writev(pid, &l, 1, &r, 1, 0)
				      : process_vm_readv(pid, &l, 1, &r, 1, 0);

		if (got <= 0)
			break;
		done += got;
	}
	return n - done;
}

unsigned long hostk_copy_from_user(int pid, void *to, unsigned long from, unsigned long n)
{
	return copy_user(pid, to, from, n, false);
}

unsigned long hostk_copy_to_user(int pid, unsigned long to, const void *from, unsigned long n)
{
	return copy_user(pid, (void *)from, to, n, true);
}

void hostk_proc_comm(int pid, char *buf, unsigned long size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, size - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		n = snprintf(buf, size, "pid%d", pid) > 0 ? (ssize_t)strlen(buf) : 0;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

int hostk_proc_next_mapping(int pid, unsigned long addr, unsigned long *start,
			    unsigned long *end)
{
	char path[64], line[512];
	unsigned long s, e;
	int found = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && e > addr) {
			*start = s;
			*end = e;
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

int hostk_signal(int pid, int sig)
{
	return kill(pid, sig) ? -errno : 0;
}
