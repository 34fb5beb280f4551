// SPDX-License-Identifier: GPL-2.0-only
/*
 * The trace file and its writer thread.  The hypervisor's thread queues
 * records (sequence number and time fixed there); the writer formats them
 * in order and writes them in batches.  Each line is complete when it
 * reaches the file, so `hvsim trace -f` never sees half a record.
 *
 * Waking a thread costs the waker a system call and, on a small machine,
 * the CPU the guests were about to use; so the hypervisor wakes the
 * writer only when it sleeps with nothing to do.  After each batch the
 * writer lingers a few milliseconds for the next records (a stream of
 * them costs one wake-up per batch rather than one per record), unless
 * a big batch is waiting, someone syncs, or the trace closes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

/* Past this many queued bytes the hypervisor waits for the writer. */
#define TRACE_QUEUE_MAX   (64u << 20)
/* A batch this big is formatted at once, lingering or not. */
#define TRACE_BATCH_BYTES (1u << 20)
/* How long the writer waits for more records after a batch. */
#define TRACE_LINGER_NS   (4 * 1000 * 1000L)
/* The writer's write(2)s are about this big. */
#define TRACE_WRITE_BYTES (1u << 20)

struct trace_rec {
	struct trace_rec *next;
	uint64_t seq;
	double t;
	trace_format_fn format;  /* NULL: obj holds the record */
	struct json_object *obj;
	size_t len;
	char data[];
};

static int trace_fd = -1;
static uint64_t lost_records;	/* since the last write that succeeded */
static uint64_t next_seq = 1;
static struct timespec t0;

static pthread_t writer;
static bool writer_running, stopping;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queued;          /* CLOCK_MONOTONIC: the linger is timed */
static pthread_cond_t drained = PTHREAD_COND_INITIALIZER;
static struct trace_rec *head, **tail = &head;
static size_t queued_bytes;
static uint64_t queued_seq;     /* the last record queued */
static uint64_t written_seq;    /* every record up to this one is in the file */
static uint64_t sync_seq;       /* trace_sync waits for this one */
static unsigned int full_waiters;      /* the hypervisor waits for room */

/* What the writer does, so that the hypervisor signals only when needed. */
static enum { WRITER_BUSY, WRITER_LINGERING, WRITER_IDLE } writer_state;
static bool wake_sent;          /* a signal is on its way already */

/* Output buffer ------------------------------------------------------------ */

char *trace_buf_room(struct trace_buf *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2;
		char *s = realloc(b->s, cap);

		if (!s) {
			b->failed = true;
			return NULL;
		}
		b->s = s;
		b->cap = cap;
	}
	return b->s + b->len;
}

void trace_buf_put(struct trace_buf *b, const void *s, size_t n)
{
	char *p = trace_buf_room(b, n);

	if (p) {
		memcpy(p, s, n);
		b->len += n;
	}
}

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (const char *p = s, *end = s + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	return n;
}

/*
 * A full disk loses trace records, never hypercalls, and loses them
 * whole: what a short write left of a line is cut off again, so the file
 * holds complete lines only and the next record starts a line of its own
 * (a reader following the file waits at a half line and reads on from
 * its start).  stderr (hvsimd's log) says when records start to be lost
 * and, once there is room, how many.
 */
static void out_flush(struct trace_buf *o)
{
	size_t off = 0, kept;
	int err = 0;

	while (off < o->len) {
		ssize_t n = write(trace_fd, o->s + off, o->len - off);

		if (n <= 0) {
			err = n < 0 ? errno : ENOSPC;
			break;
		}
		off += (size_t)n;
	}
	if (!err) {
		if (lost_records) {
			fprintf(stderr, "hvsimd: trace: writing again, %llu records lost\n",
				(unsigned long long)lost_records);
			lost_records = 0;
		}
		o->len = 0;
		return;
	}
	for (kept = off; kept && o->s[kept - 1] != '\n'; kept--)
		;
	if (kept < off) {
		/* the file ends with the off - kept bytes of the half line */
		off_t end = lseek(trace_fd, 0, SEEK_END);

		if (end < 0 || ftruncate(trace_fd, end - (off_t)(off - kept)) < 0)
			kept = off;	/* cannot cut: the half line and the next are lost */
	}
	if (!lost_records)
		fprintf(stderr, "hvsimd: trace: cannot write the trace: %s; records are lost "
			"until there is room\n", strerror(err));
	lost_records += count_lines(o->s + kept, o->len - kept);
	o->len = 0;
}

/* One line: {"seq":N,"t":T,members}; nothing at all if memory ran out. */
static void format_rec(struct trace_buf *o, struct trace_rec *r)
{
	size_t start = o->len, members;
	char *p = trace_buf_room(o, 64);

	if (p)
		o->len += (size_t)snprintf(p, 64, "{\"seq\":%llu,\"t\":%.6f,",
					   (unsigned long long)r->seq, r->t);
	members = o->len;
	if (r->format) {
		r->format(r->data, r->len, o);
	} else {
		const char *s = json_object_to_json_string_ext(r->obj, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE);
		size_t len = strlen(s);

		/* the members: the object without its braces */
		if (len >= 2)
			trace_buf_put(o, s + 1, len - 2);
	}
	if (o->len == members)
		o->len--;       /* no members: no comma after the time */
	trace_buf_put(o, "}\n", 2);
	if (o->failed) {
		o->len = start;
		o->failed = false;
	}
}

/* What a queued record costs, for the limits (a json one: about its text). */
static size_t rec_bytes(const struct trace_rec *r)
{
	return sizeof(*r) + (r->obj ? 128 : r->len);
}

/* Something the writer must not linger for.  Lock held. */
static bool writer_urgent(void)
{
	return stopping || full_waiters || queued_bytes >= TRACE_BATCH_BYTES ||
	       sync_seq > written_seq;
}

static void linger(void)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += TRACE_LINGER_NS;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	writer_state = WRITER_LINGERING;
	wake_sent = false;
	while (!writer_urgent() && pthread_cond_timedwait(&queued, &lock, &until) != ETIMEDOUT)
		;
}

static void *writer_main(void *arg)
{
	struct trace_buf o = { 0 };
	bool wrote = false;

	pthread_mutex_lock(&lock);
	for (;;) {
		if (!head || (wrote && !writer_urgent())) {
			if (stopping && !head)
				break;
			if (wrote) {
				/* a stream of records may be on: gather it */
				linger();
				wrote = false;
				continue;
			}
			writer_state = WRITER_IDLE;
			wake_sent = false;
			pthread_cond_wait(&queued, &lock);
			continue;
		}
		writer_state = WRITER_BUSY;
		struct trace_rec *batch = head;

		head = NULL;
		tail = &head;
		pthread_mutex_unlock(&lock);

		uint64_t last = 0;
		size_t freed = 0;

		for (struct trace_rec *r = batch, *next; r; r = next) {
			format_rec(&o, r);
			if (o.len >= TRACE_WRITE_BYTES)
				out_flush(&o);
			last = r->seq;
			freed += rec_bytes(r);
			next = r->next;
			if (r->obj)
				json_object_put(r->obj);
			free(r);
		}
		out_flush(&o);
		wrote = true;

		pthread_mutex_lock(&lock);
		queued_bytes -= freed;
		written_seq = last;
		pthread_cond_broadcast(&drained);
	}
	pthread_mutex_unlock(&lock);
	free(o.s);
	return NULL;
}

int trace_open(const char *path)
{
	pthread_condattr_t attr;
	sigset_t all, old;
	int err;

	trace_close();
	next_seq = 1;
	queued_seq = written_seq = sync_seq = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!path)
		return 0;
	trace_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (trace_fd < 0)
		return -errno;
	lost_records = 0;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&queued, &attr);
	pthread_condattr_destroy(&attr);
	stopping = false;
	writer_state = WRITER_BUSY;
	wake_sent = false;
	/*
	 * The writer takes no signal: hvsimd's are read from signalfds, which
	 * see only what no thread lets in (a SIGCHLD taken here was lost, and
	 * a stopped kernel stayed a zombie hvsimd waited for).
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&writer, NULL, writer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		pthread_cond_destroy(&queued);
		close(trace_fd);
		trace_fd = -1;
		return -EAGAIN;
	}
	writer_running = true;
	return 0;
}

void trace_close(void)
{
	if (writer_running) {
		pthread_mutex_lock(&lock);
		stopping = true;
		pthread_cond_signal(&queued);
		pthread_mutex_unlock(&lock);
		pthread_join(writer, NULL);
		pthread_cond_destroy(&queued);
		writer_running = false;
	}
	if (trace_fd >= 0)
		close(trace_fd);
	trace_fd = -1;
}

void trace_sync(void)
{
	if (!writer_running)
		return;
	pthread_mutex_lock(&lock);
	if (written_seq < queued_seq) {
		sync_seq = queued_seq;
		pthread_cond_signal(&queued);
		while (written_seq < sync_seq)
			pthread_cond_wait(&drained, &lock);
	}
	pthread_mutex_unlock(&lock);
}

uint64_t trace_seq(void)
{
	return next_seq;
}

int trace_enabled(void)
{
	return writer_running;
}

/* Takes a record's sequence number and time and queues it. */
static void enqueue(struct trace_rec *r)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	r->next = NULL;
	r->seq = next_seq++;
	r->t = (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;

	pthread_mutex_lock(&lock);
	while (queued_bytes > TRACE_QUEUE_MAX) {
		full_waiters++;
		pthread_cond_signal(&queued);
		pthread_cond_wait(&drained, &lock);
		full_waiters--;
	}
	*tail = r;
	tail = &r->next;
	queued_bytes += rec_bytes(r);
	queued_seq = r->seq;
	if (!wake_sent && (writer_state == WRITER_IDLE ||
			   (writer_state == WRITER_LINGERING && writer_urgent()))) {
		wake_sent = true;
		pthread_cond_signal(&queued);
	}
	pthread_mutex_unlock(&lock);
}

void trace_emit_deferred(trace_format_fn format, const void *head_data, size_t head_len,
			 const void *body, size_t body_len)
{
	struct trace_rec *r;

	if (!writer_running) {
		next_seq++;
		return;
	}
	r = malloc(sizeof(*r) + head_len + body_len);
	if (!r) {
		next_seq++;
		return;
	}
	r->format = format;
	r->obj = NULL;
	r->len = head_len + body_len;
	memcpy(r->data, head_data, head_len);
	if (body_len)
		memcpy(r->data + head_len, body, body_len);
	enqueue(r);
}

void trace_emit(struct json_object *rec)
{
	struct trace_rec *r;

	if (!writer_running || !(r = malloc(sizeof(*r)))) {
		json_object_put(rec);
		next_seq++;
		return;
	}
	r->format = NULL;
	r->obj = rec;
	r->len = 0;
	enqueue(r);
}

/* A hypercall is being handled: the events made now are its effects. */
static bool in_call;

void trace_call_begin(void)
{
	in_call = true;
}

void trace_call_end(void)
{
	in_call = false;
}

bool trace_in_call(void)
{
	return in_call;
}

struct json_object *trace_event(uint16_t domid, const char *what)
{
	struct json_object *rec = json_object_new_object();

	json_object_object_add(rec, "dom", json_object_new_int(domid));
	json_object_object_add(rec, "kind", json_object_new_string("event"));
	json_object_object_add(rec, "what", json_object_new_string(what));
	if (in_call)
		json_object_object_add(rec, "call", json_object_new_boolean(1));
	return rec;
}
