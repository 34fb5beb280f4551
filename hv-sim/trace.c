// SPDX-License-Identifier: GPL-2.0-only
/*
 * The trace file and its writer thread.  The hypervisor's thread queues
 * records (sequence number and time fixed there); the writer formats them
 * in order and writes them in batches.  Each line is complete when it
 * reaches the file, so `hvsim trace -f` never sees half a record.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

/* Past this many queued bytes the hypervisor waits for the writer. */
#define TRACE_QUEUE_MAX (64u << 20)

struct trace_rec {
	struct trace_rec *next;
	uint64_t seq;
	double t;
	trace_format_fn format;  /* NULL: data holds the members already */
	size_t len;
	char data[];
};

static int trace_fd = -1;
static uint64_t next_seq = 1;
static struct timespec t0;

static pthread_t writer;
static bool writer_running, stopping;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queued = PTHREAD_COND_INITIALIZER;
static pthread_cond_t drained = PTHREAD_COND_INITIALIZER;
static struct trace_rec *head, **tail = &head;
static size_t queued_bytes;
static uint64_t written_seq;     /* every record up to this one is in the file */

struct outbuf {
	char *s;
	size_t len, cap;
};

static void out_append(struct outbuf *o, const char *s, size_t n)
{
	if (o->len + n > o->cap) {
		size_t cap = (o->len + n) * 2;
		char *p = realloc(o->s, cap);

		if (!p)
			return;
		o->s = p;
		o->cap = cap;
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
}

static void out_flush(struct outbuf *o)
{
	size_t off = 0;

	while (off < o->len) {
		ssize_t n = write(trace_fd, o->s + off, o->len - off);

		if (n <= 0) {
			/* a full disk loses trace records, never hypercalls */
			break;
		}
		off += (size_t)n;
	}
	o->len = 0;
}

static void *writer_main(void *arg)
{
	struct outbuf o = { 0 };

	pthread_mutex_lock(&lock);
	for (;;) {
		while (!head && !stopping)
			pthread_cond_wait(&queued, &lock);
		if (!head)
			break;
		struct trace_rec *batch = head;

		head = NULL;
		tail = &head;
		pthread_mutex_unlock(&lock);

		uint64_t last = 0;
		size_t freed = 0;

		for (struct trace_rec *r = batch, *next; r; r = next) {
			char headbuf[64];
			size_t mlen = r->len;
			const char *members = r->format ? r->format(r->data, r->len, &mlen) : r->data;
			int n = snprintf(headbuf, sizeof(headbuf), "{\"seq\":%llu,\"t\":%.6f%s",
					 (unsigned long long)r->seq, r->t, mlen ? "," : "");

			out_append(&o, headbuf, (size_t)n);
			out_append(&o, members, mlen);
			out_append(&o, "}\n", 2);
			if (o.len > (1u << 20))
				out_flush(&o);
			last = r->seq;
			freed += r->len;
			next = r->next;
			free(r);
		}
		out_flush(&o);

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
	trace_close();
	next_seq = 1;
	written_seq = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!path)
		return 0;
	trace_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (trace_fd < 0)
		return -errno;
	stopping = false;
	if (pthread_create(&writer, NULL, writer_main, NULL) != 0) {
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
		writer_running = false;
	}
	if (trace_fd >= 0)
		close(trace_fd);
	trace_fd = -1;
}

void trace_sync(void)
{
	uint64_t want = next_seq - 1;

	if (!writer_running)
		return;
	pthread_mutex_lock(&lock);
	while (written_seq < want)
		pthread_cond_wait(&drained, &lock);
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

static void enqueue(trace_format_fn format, const void *data, size_t len)
{
	struct timespec now;
	struct trace_rec *r;

	if (!writer_running) {
		next_seq++;
		return;
	}
	r = malloc(sizeof(*r) + len + 1);
	if (!r) {
		next_seq++;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	r->next = NULL;
	r->seq = next_seq++;
	r->t = (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
	r->format = format;
	r->len = len;
	memcpy(r->data, data, len);
	r->data[len] = 0;

	pthread_mutex_lock(&lock);
	while (queued_bytes > TRACE_QUEUE_MAX)
		pthread_cond_wait(&drained, &lock);
	*tail = r;
	tail = &r->next;
	queued_bytes += len;
	pthread_cond_signal(&queued);
	pthread_mutex_unlock(&lock);
}

void trace_emit_deferred(trace_format_fn format, const void *data, size_t len)
{
	enqueue(format, data, len);
}

void trace_emit(struct json_object *rec)
{
	const char *s;
	size_t len;

	if (!writer_running) {
		json_object_put(rec);
		next_seq++;
		return;
	}
	s = json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(s);
	/* the members: the object without its braces */
	if (len >= 2 && s[0] == '{' && s[len - 1] == '}')
		enqueue(NULL, s + 1, len - 2);
	else
		next_seq++;
	json_object_put(rec);
}

struct json_object *trace_event(uint16_t domid, const char *what)
{
	struct json_object *rec = json_object_new_object();

	json_object_object_add(rec, "dom", json_object_new_int(domid));
	json_object_object_add(rec, "kind", json_object_new_string("event"));
	json_object_object_add(rec, "what", json_object_new_string(what));
	return rec;
}
