// SPDX-License-Identifier: GPL-2.0-only
/*
 * The open files as programs hold them (hvsim/device_wire.h): each
 * struct file has an id, and a socketpair whose far end is the program's
 * descriptor of the file.  That descriptor's hang-up (its last copy closed,
 * in whatever process) is the file's last close; the byte queued on it is
 * the file's readiness, kept equal to what the driver's ->poll says.
 *
 * Readiness is exact in both directions: the driver's wake-up (an event
 * arriving) sets it from the waker's context, and every call on the file
 * re-evaluates it afterwards, clearing it (the caller drains the byte) when
 * the call left the file unreadable.  Only calls make a file unreadable
 * (evtchn's ring empties by read or reset), so the wake path only sets.
 * While a read is in progress on the file the wake path leaves it to that
 * read's end: the read takes what arrived (a blocked one is woken by the
 * same wake-up), and setting the byte only for the reader's program to
 * drain it at once cost two system calls on every event delivered to a
 * blocked reader.  A poller meanwhile sees the file readable once the read
 * left something, as in Linux when the reader runs first.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostif.h"
#include "host.h"

/* What makes a device readable here (poll.h's bits are the kernel's). */
#define READABLE_MASK	(POLLIN | POLLRDNORM | POLLERR | POLLHUP)
#define NR_BUCKETS	64

struct devfile {
	uint64_t id;
	struct file *file;
	int peer;		/* our end of the program's descriptor */
	dev_t dev;
	ino_t ino;		/* the program's end, for IDENTIFY */
	int refs;		/* the table's, and each call's */
	pthread_mutex_t lock;	/* ready, gone */
	bool ready;
	bool gone;
	int readers;		/* read calls in progress */
	struct devfile *next;
};

static struct devfile *table[NR_BUCKETS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
/* Held through a whole hang-up, release included (see devfile_closed). */
static pthread_mutex_t hang_up_lock = PTHREAD_MUTEX_INITIALIZER;
static int epfd = -1;

static struct devfile **bucket(uint64_t id)
{
	return &table[id % NR_BUCKETS];
}

static void devfile_unref(struct devfile *df)
{
	bool last;

	pthread_mutex_lock(&table_lock);
	last = --df->refs == 0;
	pthread_mutex_unlock(&table_lock);
	if (last) {
		close(df->peer);
		pthread_mutex_destroy(&df->lock);
		free(df);
	}
}

/* With df->lock held.  Sets readiness; true if the caller must drain it. */
static bool readiness_update(struct devfile *df, bool may_clear)
{
	bool ready = kmod_file_ready(df->file) & READABLE_MASK;

	if (ready && !df->ready) {
		df->ready = true;
		if (send(df->peer, "r", 1, MSG_DONTWAIT | MSG_NOSIGNAL) != 1)
			hostk_log(4, "devfile: cannot signal readiness");
	} else if (!ready && df->ready && may_clear) {
		df->ready = false;
		return true;
	}
	return false;
}

/* The driver woke a queue its ->poll names: an event may have arrived. */
static void readiness_woken(void *ctx)
{
	struct devfile *df = ctx;

	pthread_mutex_lock(&df->lock);
	if (!df->gone && !df->readers)
		readiness_update(df, false);
	pthread_mutex_unlock(&df->lock);
}

void devfile_read_begin(struct devfile *df)
{
	pthread_mutex_lock(&df->lock);
	df->readers++;
	pthread_mutex_unlock(&df->lock);
}

/* devfile_put, which follows, sets the readiness the read left. */
void devfile_read_end(struct devfile *df)
{
	pthread_mutex_lock(&df->lock);
	df->readers--;
	pthread_mutex_unlock(&df->lock);
}

static uint64_t new_id(void)
{
	uint64_t id;

	for (;;) {
		struct devfile *df;

		if (getrandom(&id, sizeof(id), 0) != sizeof(id))
			id = hostk_clock_ns() * 0x9e3779b97f4a7c15ULL;
		if (!id)
			continue;
		for (df = *bucket(id); df && df->id != id; df = df->next)
			;
		if (!df)
			return id;
	}
}

int devfile_add(struct file *file, int *prog_fd, uint64_t *id)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	struct devfile *df = calloc(1, sizeof(*df));
	struct stat st;
	int sv[2], watched;

	if (!df)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(df);
		return -errno;
	}
	if (fstat(sv[1], &st) < 0 || fcntl(sv[0], F_SETFL, O_NONBLOCK) < 0) {
		close(sv[0]);
		close(sv[1]);
		free(df);
		return -EMFILE;
	}
	df->file = file;
	df->peer = sv[0];
	df->dev = st.st_dev;
	df->ino = st.st_ino;
	df->refs = 1;
	pthread_mutex_init(&df->lock, NULL);

	pthread_mutex_lock(&df->lock);
	watched = kmod_file_watch(file, readiness_woken, df);
	if (watched >= 0)
		readiness_update(df, false);
	pthread_mutex_unlock(&df->lock);
	if (watched < 0) {
		close(sv[0]);
		close(sv[1]);
		pthread_mutex_destroy(&df->lock);
		free(df);
		return watched;
	}

	pthread_mutex_lock(&table_lock);
	df->id = new_id();
	df->next = *bucket(df->id);
	*bucket(df->id) = df;
	ev.data.u64 = df->id;
	epoll_ctl(epfd, EPOLL_CTL_ADD, df->peer, &ev);
	pthread_mutex_unlock(&table_lock);
	*prog_fd = sv[1];
	*id = df->id;
	return 0;
}

struct devfile *devfile_get(uint64_t id)
{
	struct devfile *df;

	pthread_mutex_lock(&table_lock);
	for (df = *bucket(id); df && df->id != id; df = df->next)
		;
	if (df) {
		df->refs++;
		/* As fdget: the call holds the file, even past a last close. */
		kmod_file_get(df->file);
	}
	pthread_mutex_unlock(&table_lock);
	return df;
}

struct file *devfile_file(struct devfile *df)
{
	return df->file;
}

bool devfile_put(struct devfile *df)
{
	bool drain = false;

	pthread_mutex_lock(&df->lock);
	if (!df->gone)
		drain = readiness_update(df, true);
	pthread_mutex_unlock(&df->lock);
	kmod_file_put(df->file);
	devfile_unref(df);
	return drain;
}

/* The program's last descriptor is closed: the file's last close. */
static void hang_up(struct devfile *df)
{
	struct devfile **p;
	bool mine = false;

	pthread_mutex_lock(&hang_up_lock);
	pthread_mutex_lock(&table_lock);
	for (p = bucket(df->id); *p; p = &(*p)->next) {
		if (*p == df) {
			*p = df->next;
			mine = true;
			break;
		}
	}
	if (mine)
		epoll_ctl(epfd, EPOLL_CTL_DEL, df->peer, NULL);
	pthread_mutex_unlock(&table_lock);
	if (mine) {
		pthread_mutex_lock(&df->lock);
		df->gone = true;
		pthread_mutex_unlock(&df->lock);
		kmod_file_unwatch(df->file);
		kmod_file_put(df->file);
		devfile_unref(df);
	}
	pthread_mutex_unlock(&hang_up_lock);
}

/*
 * The program closed a descriptor of the file.  If it was the last copy,
 * the file's last close happens now, before the program's close(2)
 * returns, as in Linux (the watch thread would see it only a moment later).
 */
void devfile_closed(uint64_t id)
{
	struct devfile *df = devfile_get(id);
	struct pollfd p;

	if (!df) {
		/* Gone already: wait for a hang-up in progress to finish. */
		pthread_mutex_lock(&hang_up_lock);
		pthread_mutex_unlock(&hang_up_lock);
		return;
	}
	p = (struct pollfd){ .fd = df->peer, .events = POLLRDHUP };
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP)))
		hang_up(df);
	/* Our call's reference: the release runs here if it was the last. */
	devfile_put(df);
}

static void watch_thread(void *arg)
{
	struct epoll_event ev[16];

	for (;;) {
		int n = epoll_wait(epfd, ev, 16, -1);

		for (int i = 0; i < n; i++) {
			struct devfile *df;
			char junk[256];
			ssize_t got;

			/* By id: it may have gone since (devfile_hang_up_all). */
			pthread_mutex_lock(&table_lock);
			for (df = *bucket(ev[i].data.u64); df && df->id != ev[i].data.u64;
			     df = df->next)
				;
			if (df)
				df->refs++;
			pthread_mutex_unlock(&table_lock);
			if (!df)
				continue;

			/* Bytes a program wrote into its descriptor mean nothing. */
			do
				got = recv(df->peer, junk, sizeof(junk), MSG_DONTWAIT);
			while (got > 0);
			if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR) ||
			    (ev[i].events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)))
				hang_up(df);
			devfile_unref(df);
		}
	}
}

uint64_t devfile_identify(int fd)
{
	struct stat st;
	uint64_t id = 0;

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return 0;
	pthread_mutex_lock(&table_lock);
	for (int b = 0; b < NR_BUCKETS && !id; b++)
		for (struct devfile *df = table[b]; df; df = df->next)
			if (df->ino == st.st_ino && df->dev == st.st_dev) {
				id = df->id;
				break;
			}
	pthread_mutex_unlock(&table_lock);
	return id;
}

int devfile_start(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -errno;
	return hostk_thread_create(watch_thread, NULL, "devfiles");
}

void devfile_hang_up_all(void)
{
	for (;;) {
		struct devfile *df = NULL;

		pthread_mutex_lock(&table_lock);
		for (int b = 0; b < NR_BUCKETS && !df; b++)
			df = table[b];
		if (df)
			df->refs++;
		pthread_mutex_unlock(&table_lock);
		if (!df)
			break;
		hang_up(df);
		devfile_unref(df);
	}
}
