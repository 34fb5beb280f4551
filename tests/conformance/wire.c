// SPDX-License-Identifier: GPL-2.0-only
/*
 * Line framing over two descriptors.  Reads are buffered (a line may come
 * in pieces, or with the start of the next one) and every wait has a
 * deadline: whichever side waits on the other must notice when it died
 * or hung.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wire.h"

static bool parse_fd(const char *s, const char *end, int *fd)
{
	long v = 0;

	if (s == end)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > 65535)
			return false;
	}
	*fd = (int)v;
	return true;
}

bool wire_parse(struct wire *w, const char *s)
{
	const char *comma = strchr(s, ',');

	memset(w, 0, sizeof(*w));
	if (!comma || !parse_fd(s, comma, &w->rfd) ||
	    !parse_fd(comma + 1, comma + strlen(comma), &w->wfd))
		return false;
	/* A peer that died must be a failed write, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	return true;
}

bool wire_send(struct wire *w, const char *line)
{
	char out[WIRE_LINE_MAX];
	size_t len = strlen(line), done = 0;

	if (len + 1 > sizeof(out) || memchr(line, '\n', len)) {
		errno = EMSGSIZE;
		return false;
	}
	memcpy(out, line, len);
	out[len++] = '\n';
	while (done < len) {
		ssize_t n = write(w->wfd, out + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Moves the first line out of the buffer, if there is one. */
static bool take_line(struct wire *w, char *line)
{
	char *nl = memchr(w->buf, '\n', w->len);
	size_t n;

	if (!nl)
		return false;
	n = (size_t)(nl - w->buf);
	memcpy(line, w->buf, n);
	line[n] = '\0';
	w->len -= n + 1;
	memmove(w->buf, nl + 1, w->len);
	return true;
}

enum wire_status wire_recv(struct wire *w, char *line, int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? 0 : now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pfd = { .fd = w->rfd, .events = POLLIN };
		int left = -1;
		ssize_t n;

		if (take_line(w, line))
			return WIRE_LINE;
		if (w->len == sizeof(w->buf))
			return WIRE_TOO_LONG;
		if (timeout_ms >= 0) {
			long long l = deadline - now_ms();

			left = l < 0 ? 0 : (int)l;
		}
		n = poll(&pfd, 1, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return WIRE_ERROR;
		if (n == 0)
			return WIRE_TIMEOUT;
		n = read(w->rfd, w->buf + w->len, sizeof(w->buf) - w->len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return WIRE_ERROR;
		if (n == 0)
			return w->len ? WIRE_EOF_MID_LINE : WIRE_EOF;
		w->len += (size_t)n;
	}
}

bool wire_pending(struct wire *w)
{
	return w->len > 0;
}

const char *wire_status_text(enum wire_status st)
{
	switch (st) {
	case WIRE_LINE:
		return "a line";
	case WIRE_EOF:
		return "the end of the stream";
	case WIRE_EOF_MID_LINE:
		return "the end of the stream inside a line";
	case WIRE_TIMEOUT:
		return "nothing (timed out)";
	case WIRE_TOO_LONG:
		return "a line too long";
	case WIRE_ERROR:
		return "a read error";
	}
	return "?";
}
