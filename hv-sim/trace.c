// SPDX-License-Identifier: GPL-2.0-only
/*
 * The trace file: JSON lines, each with a sequence number and a time.
 * Written unbuffered line by line so that `hvsim trace -f` and a crashed
 * daemon both see every record that happened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "trace.h"

static int trace_fd = -1;
static uint64_t next_seq = 1;
static struct timespec t0;

int trace_open(const char *path)
{
	trace_close();
	next_seq = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!path)
		return 0;
	trace_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	return trace_fd < 0 ? -errno : 0;
}

void trace_close(void)
{
	if (trace_fd >= 0)
		close(trace_fd);
	trace_fd = -1;
}

uint64_t trace_seq(void)
{
	return next_seq;
}

void trace_emit(struct json_object *rec)
{
	struct timespec now;
	const char *s;
	size_t len;
	char *line;

	if (trace_fd < 0) {
		json_object_put(rec);
		next_seq++;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* seq and t first, so that a person reading the file sees them first */
	struct json_object *out = json_object_new_object();

	json_object_object_add(out, "seq", json_object_new_uint64(next_seq++));
	json_object_object_add(out, "t", json_object_new_double(
		(double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9));
	json_object_object_foreach(rec, key, val)
		json_object_object_add(out, key, json_object_get(val));
	json_object_put(rec);
	rec = out;
	s = json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(s);
	line = malloc(len + 1);
	if (line) {
		memcpy(line, s, len);
		line[len] = '\n';
		/* one write per record: readers never see half a line */
		if (write(trace_fd, line, len + 1) < 0) {
			/* a full disk loses trace records, never hypercalls */
		}
		free(line);
	}
	json_object_put(rec);
}

int trace_enabled(void)
{
	return trace_fd >= 0;
}

void trace_emit_members(const char *members, size_t len)
{
	struct timespec now;
	char head[64];
	struct iovec iov[3];
	int n;

	if (trace_fd < 0) {
		next_seq++;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	n = snprintf(head, sizeof(head), "{\"seq\":%llu,\"t\":%.6f,",
		     (unsigned long long)next_seq++,
		     (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9);
	iov[0] = (struct iovec){ head, (size_t)n };
	iov[1] = (struct iovec){ (void *)members, len };
	iov[2] = (struct iovec){ "}\n", 2 };
	/* O_APPEND and one writev: a record is never interleaved */
	if (writev(trace_fd, iov, 3) < 0) {
		/* a full disk loses trace records, never hypercalls */
	}
}

struct json_object *trace_event(uint16_t domid, const char *what)
{
	struct json_object *rec = json_object_new_object();

	json_object_object_add(rec, "dom", json_object_new_int(domid));
	json_object_object_add(rec, "kind", json_object_new_string("event"));
	json_object_object_add(rec, "what", json_object_new_string(what));
	return rec;
}
