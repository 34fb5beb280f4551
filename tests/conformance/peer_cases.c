// SPDX-License-Identifier: GPL-2.0-only
/*
 * Both ends of peer_cases.h: the agent runs the cases in a child whose
 * stdout is a pipe and sends what it printed, line by line; the program
 * prints those lines under the peer's prefix.  A child, not the agent
 * itself, so that a case that crashes says so in the end answer instead
 * of taking the stream with it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "peer_cases.h"
#include "wire.h"

static struct wire stream;
static bool stream_ready;

/* Parses "RFD,WFD" once: later calls keep what the stream has buffered. */
static bool stream_open(const char *fds)
{
	if (!stream_ready)
		stream_ready = wire_parse(&stream, fds);
	return stream_ready;
}

static void leave(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
static void leave(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (fmt) {
		fputs("conformance: peer cases: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	exit(status);
}

static int seconds_from_env(const char *name, int dflt)
{
	const char *v = getenv(name);

	return v && atoi(v) > 0 ? atoi(v) : dflt;
}

/* The agent ------------------------------------------------------------ */

static void send_or_leave(const char *line)
{
	/* A requester that went away ended the stream, as EOF does. */
	if (!wire_send(&stream, line))
		leave(errno == EPIPE ? 0 : 2, "cannot answer: %s",
		      errno_name(errno));
}

/* Runs CASES in a child and sends its lines, then its end status. */
static void serve_cases(peer_cases_fn cases, domid_t self)
{
	char line[WIRE_LINE_MAX], *text = NULL;
	size_t cap = 0;
	ssize_t n;
	int pipefd[2], status;
	FILE *in;
	pid_t pid;

	if (pipe(pipefd) < 0)
		leave(2, "pipe: %s", errno_name(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		leave(2, "fork: %s", errno_name(errno));
	if (pid == 0) {
		close(pipefd[0]);
		close(stream.rfd);
		close(stream.wfd);
		if (dup2(pipefd[1], STDOUT_FILENO) < 0)
			_exit(2);
		close(pipefd[1]);
		cases(self);
		fflush(stdout);
		_exit(0);
	}
	close(pipefd[1]);
	in = fdopen(pipefd[0], "r");
	if (!in)
		leave(2, "fdopen: %s", errno_name(errno));
	while ((n = getline(&text, &cap, in)) > 0) {
		if (text[n - 1] == '\n')
			text[n - 1] = '\0';
		/* "= " and the newline must fit in a wire line */
		if (strlen(text) + 3 > sizeof(line))
			text[sizeof(line) - 3] = '\0';
		snprintf(line, sizeof(line), "= %s", text);
		send_or_leave(line);
	}
	free(text);
	fclose(in);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			leave(2, "waitpid: %s", errno_name(errno));
	if (WIFSIGNALED(status))
		snprintf(line, sizeof(line), "+ signal=%s",
			 signal_name(WTERMSIG(status)));
	else
		snprintf(line, sizeof(line), "+ status=%d",
			 WEXITSTATUS(status));
	send_or_leave(line);
}

/* A request that is not "cases": OTHER's answer. */
static void serve_other(peer_request_fn other, const char *request)
{
	char answer[WIRE_LINE_MAX - 3], line[WIRE_LINE_MAX];
	bool ok;

	if (!other) {
		fprintf(stderr, "conformance: peer cases: refused '%s'\n",
			request);
		send_or_leave("- this agent serves only 'cases DOMID'");
		return;
	}
	answer[0] = '\0';
	ok = other(request, answer, sizeof(answer));
	snprintf(line, sizeof(line), "%c %s", ok ? '+' : '-', answer);
	send_or_leave(line);
}

void peer_cases_serve(const char *fds, peer_cases_fn cases,
		      peer_request_fn other)
{
	int idle_ms = seconds_from_env("CONFORMANCE_AGENT_IDLE", 300) * 1000;
	char line[WIRE_LINE_MAX];

	if (!stream_open(fds))
		leave(2, "--agent wants RFD,WFD, not '%s'", fds);
	for (;;) {
		enum wire_status st = wire_recv(&stream, line, idle_ms);
		unsigned long domid;
		char *end;

		if (st == WIRE_EOF)
			leave(0, NULL);
		if (st == WIRE_TIMEOUT)
			leave(2, "no request for %d s: giving up",
			      idle_ms / 1000);
		if (st != WIRE_LINE)
			leave(2, "reading requests: %s%s%s",
			      wire_status_text(st), st == WIRE_ERROR ? ": " : "",
			      st == WIRE_ERROR ? errno_name(errno) : "");
		if (strncmp(line, "cases ", 6) == 0) {
			errno = 0;
			domid = strtoul(line + 6, &end, 10);
			if (!errno && end != line + 6 && *end == '\0' &&
			    domid <= 0xffff) {
				serve_cases(cases, (domid_t)domid);
				continue;
			}
			fprintf(stderr,
				"conformance: peer cases: refused '%s'\n",
				line);
			send_or_leave("- 'cases' wants a domain id");
			continue;
		}
		serve_other(other, line);
	}
}

/* The program ------------------------------------------------------------ */

void peer_cases_request(const char *fds, domid_t peer, const char *from,
			const char *to)
{
	int answer_ms = seconds_from_env("CONFORMANCE_AGENT_TIMEOUT", 30) *
			1000;
	size_t from_len = strlen(from);
	char line[WIRE_LINE_MAX];

	if (!stream_open(fds))
		leave(2, "--remote wants RFD,WFD, not '%s'", fds);
	snprintf(line, sizeof(line), "cases %u", peer);
	if (!wire_send(&stream, line))
		leave(2, "cannot ask the agent in domain %u: %s%s", peer,
		      errno_name(errno),
		      errno == EPIPE ? " (it exited or died)" : "");
	for (;;) {
		enum wire_status st = wire_recv(&stream, line, answer_ms);

		if (st != WIRE_LINE)
			leave(2, "waiting for the agent in domain %u, got %s",
			      peer, wire_status_text(st));
		if (line[0] == '=' && line[1] == ' ') {
			const char *text = line + 2;

			if (strncmp(text, from, from_len) == 0)
				text += from_len;
			printf("%s%s\n", to, text);
			continue;
		}
		if (line[0] == '+' && line[1] == ' ') {
			if (strcmp(line + 2, "status=0") != 0)
				leave(2, "the cases in domain %u ended with %s",
				      peer, line + 2);
			return;
		}
		leave(2, "the agent in domain %u answered '%s'", peer, line);
	}
}

bool peer_cases_ask(const char *fds, const char *request, char *answer,
		    size_t size)
{
	int answer_ms = seconds_from_env("CONFORMANCE_AGENT_TIMEOUT", 30) *
			1000;
	char line[WIRE_LINE_MAX];
	enum wire_status st;

	if (!stream_open(fds))
		leave(2, "--remote wants RFD,WFD, not '%s'", fds);
	if (!wire_send(&stream, request))
		leave(2, "cannot ask the agent '%s': %s", request,
		      errno_name(errno));
	st = wire_recv(&stream, line, answer_ms);
	if (st != WIRE_LINE)
		leave(2, "waiting for the agent's answer to '%s', got %s",
		      request, wire_status_text(st));
	if ((line[0] != '+' && line[0] != '-') || line[1] != ' ')
		leave(2, "the agent answered '%s' to '%s'", line, request);
	snprintf(answer, size, "%s", line + 2);
	return line[0] == '+';
}
