// SPDX-License-Identifier: GPL-2.0-only
/*
 * The agent's side of the protocol in agent.h: decodes a request, runs it
 * with the same raw device calls the programs use (devices.c), answers
 * with the call's result and errno.  It judges nothing: what the answer
 * means is for the program at the other end to say.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent.h"
#include "devices.h"
#include "wire.h"

#define MAX_WORDS (SHARE_MAX + 8)
#define MAX_OBJECTS 4096

enum obj_kind { OBJ_NONE, OBJ_FILE, OBJ_SHARE, OBJ_MAP };

struct object {
	enum obj_kind kind;
	int fd;			/* OBJ_FILE */
	struct share share;	/* OBJ_SHARE */
	struct gmap map;	/* OBJ_MAP */
};

static struct object objects[MAX_OBJECTS];
static int nobjects;
static struct wire stream;

/* Where a request went wrong, for the "- MESSAGE" answer. */
static char refusal[256];

static bool refuse(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static bool refuse(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(refusal, sizeof(refusal), fmt, ap);
	va_end(ap);
	return false;
}

static void leave(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
static void leave(int status, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fputs("conformance agent: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	exit(status);
}

static bool number(const char *s, long long min, long long max,
		   long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || *v < min || *v > max)
		return refuse("bad number '%s'", s);
	return true;
}

static struct object *object_of(const char *s, enum obj_kind kind)
{
	long long id;

	if (!number(s, 0, MAX_OBJECTS - 1, &id))
		return NULL;
	if (id >= nobjects || objects[id].kind == OBJ_NONE ||
	    (kind != OBJ_NONE && objects[id].kind != kind)) {
		refuse("no such object %lld", id);
		return NULL;
	}
	return &objects[id];
}

static int new_object(enum obj_kind kind)
{
	if (nobjects == MAX_OBJECTS)
		return -1;
	objects[nobjects].kind = kind;
	return nobjects++;
}

/* The bytes of OBJ's mapping at OFF..OFF+LEN, or NULL (refused). */
static uint8_t *mapped_range(struct object *o, long long off, long long len)
{
	uint8_t *addr = o->kind == OBJ_SHARE ? o->share.addr : o->map.addr;
	uint32_t count = o->kind == OBJ_SHARE ? o->share.count : o->map.count;

	if (!addr) {
		refuse("object is not mapped");
		return NULL;
	}
	if (off < 0 || len < 0 || off + len > (long long)count * (long long)PAGE) {
		refuse("range outside the mapping");
		return NULL;
	}
	return addr + off;
}

static void answer(const char *line)
{
	/* A requester that went away ended the stream, as EOF does. */
	if (!wire_send(&stream, line))
		leave(errno == EPIPE ? 0 : 2, "cannot answer: %s",
		      errno_name(errno));
}

/* "+ RC ERRNO" followed by EXTRA (may be ""). */
static void answer_rc(long rc, const char *extra)
{
	char line[WIRE_LINE_MAX + 32];

	snprintf(line, sizeof(line), "+ %ld %d%s", rc, rc < 0 ? errno : 0,
		 extra);
	answer(line);
}

static long wait_port(int fd, int timeout_ms)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = stream.rfd, .events = POLLIN },
	};
	int n;

	/* The next request ends the wait: the requester saw enough. */
	if (wire_pending(&stream))
		return ev_wait(fd, 0);
	do
		n = poll(pfd, 2, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n > 0 && (pfd[0].revents & POLLIN))
		return ev_wait(fd, 0);
	return -1;
}

static bool do_open(char **w, int nw)
{
	int id, fd;
	char path[64];

	if (nw != 2)
		return refuse("open wants a device name");
	if (strcmp(w[1], "gntalloc") && strcmp(w[1], "gntdev") &&
	    strcmp(w[1], "evtchn"))
		return refuse("no device '%s'", w[1]);
	snprintf(path, sizeof(path), "/dev/xen/%s", w[1]);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		answer_rc(-1, "");
		return true;
	}
	id = new_object(OBJ_FILE);
	if (id < 0) {
		close(fd);
		return refuse("too many objects");
	}
	objects[id].fd = fd;
	answer_rc(id, "");
	return true;
}

static bool do_alloc(char **w, int nw)
{
	struct object *f;
	long long domid, count, writable;
	struct share s;
	char extra[WIRE_LINE_MAX];
	size_t len;
	int id;

	if (nw != 5)
		return refuse("alloc wants FILE DOMID COUNT WRITABLE");
	if (!(f = object_of(w[1], OBJ_FILE)) ||
	    !number(w[2], 0, 0xffff, &domid) ||
	    !number(w[3], 0, SHARE_MAX, &count) ||
	    !number(w[4], 0, 1, &writable))
		return false;
	if (share_alloc(&s, f->fd, (domid_t)domid, (uint32_t)count,
			writable) < 0) {
		answer_rc(-1, "");
		return true;
	}
	id = new_object(OBJ_SHARE);
	if (id < 0) {
		share_dealloc(&s);
		return refuse("too many objects");
	}
	objects[id].share = s;
	len = (size_t)snprintf(extra, sizeof(extra), " %d %llu", id,
			       (unsigned long long)s.index);
	for (uint32_t i = 0; i < s.count; i++)
		len += (size_t)snprintf(extra + len, sizeof(extra) - len, " %u",
					s.refs[i]);
	answer_rc(0, extra);
	return true;
}

static bool do_map(char **w, int nw)
{
	struct object *f;
	long long domid, ref;
	uint32_t refs[SHARE_MAX];
	struct gmap m;
	char extra[64];
	int id;

	if (nw < 3 || nw - 3 > SHARE_MAX)
		return refuse("map wants FILE DOMID REF...");
	if (!(f = object_of(w[1], OBJ_FILE)) ||
	    !number(w[2], 0, 0xffff, &domid))
		return false;
	for (int i = 3; i < nw; i++) {
		if (!number(w[i], 0, 0xffffffffLL, &ref))
			return false;
		refs[i - 3] = (uint32_t)ref;
	}
	if (gmap_add(&m, f->fd, (domid_t)domid, refs, (uint32_t)(nw - 3)) < 0) {
		answer_rc(-1, "");
		return true;
	}
	id = new_object(OBJ_MAP);
	if (id < 0) {
		gmap_remove(&m);
		return refuse("too many objects");
	}
	objects[id].map = m;
	snprintf(extra, sizeof(extra), " %d %llu", id,
		 (unsigned long long)m.index);
	answer_rc(0, extra);
	return true;
}

static bool do_mmap(char **w, int nw)
{
	struct object *o;
	long long prot, flags;
	void *p;

	if (nw != 4)
		return refuse("mmap wants OBJ PROT FLAGS");
	if (!(o = object_of(w[1], OBJ_NONE)) ||
	    !number(w[2], 0, 0xff, &prot) || !number(w[3], 0, 0xffffff, &flags))
		return false;
	if (o->kind == OBJ_SHARE) {
		p = mmap(NULL, o->share.count * PAGE, (int)prot, (int)flags,
			 o->share.fd, (off_t)o->share.index);
		if (p != MAP_FAILED)
			o->share.addr = p;
	} else if (o->kind == OBJ_MAP) {
		if (gmap_mmap(&o->map, (int)prot, (int)flags) < 0)
			p = MAP_FAILED;
		else
			p = o->map.addr;
	} else {
		return refuse("object is not a share or a map");
	}
	answer_rc(p == MAP_FAILED ? -1 : 0, "");
	return true;
}

static bool do_munmap(char **w, int nw)
{
	struct object *o;

	if (nw != 2)
		return refuse("munmap wants OBJ");
	if (!(o = object_of(w[1], OBJ_NONE)))
		return false;
	if (o->kind == OBJ_SHARE && o->share.addr)
		answer_rc(share_munmap(&o->share), "");
	else if (o->kind == OBJ_MAP && o->map.addr)
		answer_rc(gmap_munmap(&o->map), "");
	else
		return refuse("object is not mapped");
	return true;
}

static bool do_peek(char **w, int nw)
{
	static const char hex[] = "0123456789abcdef";
	struct object *o;
	long long off, len;
	uint8_t *p;
	char extra[2 * AGENT_PEEK_MAX + 2];

	if (nw != 4)
		return refuse("peek wants OBJ OFFSET LEN");
	if (!(o = object_of(w[1], OBJ_NONE)) ||
	    !number(w[2], 0, SHARE_MAX * PAGE, &off) ||
	    !number(w[3], 1, AGENT_PEEK_MAX, &len))
		return false;
	if (o->kind == OBJ_FILE)
		return refuse("a file has no bytes");
	if (!(p = mapped_range(o, off, len)))
		return false;
	extra[0] = ' ';
	for (long long i = 0; i < len; i++) {
		uint8_t b = ((volatile uint8_t *)p)[i];

		extra[1 + 2 * i] = hex[b >> 4];
		extra[2 + 2 * i] = hex[b & 15];
	}
	extra[1 + 2 * len] = '\0';
	answer_rc(0, extra);
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool do_poke(char **w, int nw)
{
	struct object *o;
	long long off;
	size_t len;
	uint8_t bytes[AGENT_PEEK_MAX], *p;

	if (nw != 4)
		return refuse("poke wants OBJ OFFSET HEX");
	if (!(o = object_of(w[1], OBJ_NONE)) ||
	    !number(w[2], 0, SHARE_MAX * PAGE, &off))
		return false;
	if (o->kind == OBJ_FILE)
		return refuse("a file has no bytes");
	len = strlen(w[3]);
	if (len == 0 || len % 2 || len / 2 > sizeof(bytes))
		return refuse("bad hex '%s'", w[3]);
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_digit(w[3][2 * i]), lo = hex_digit(w[3][2 * i + 1]);

		if (hi < 0 || lo < 0)
			return refuse("bad hex '%s'", w[3]);
		bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	if (!(p = mapped_range(o, off, (long long)(len / 2))))
		return false;
	for (size_t i = 0; i < len / 2; i++)
		((volatile uint8_t *)p)[i] = bytes[i];
	answer_rc(0, "");
	return true;
}

/* The requests that take one object and nothing else. */
static bool do_object_op(char **w, int nw)
{
	struct object *o;

	if (nw != 2)
		return refuse("%s wants one object", w[0]);
	if (!strcmp(w[0], "close")) {
		if (!(o = object_of(w[1], OBJ_FILE)))
			return false;
		answer_rc(close(o->fd), "");
	} else if (!strcmp(w[0], "dealloc")) {
		if (!(o = object_of(w[1], OBJ_SHARE)))
			return false;
		answer_rc(share_dealloc(&o->share), "");
	} else {
		if (!(o = object_of(w[1], OBJ_MAP)))
			return false;
		answer_rc(gmap_remove(&o->map), "");
	}
	return true;
}

/* The event-channel requests: VERB FILE NUMBER [NUMBER]. */
static bool do_evtchn(char **w, int nw)
{
	struct object *f;
	long long a, b = 0;
	bool two = !strcmp(w[0], "interdomain");
	bool domid = two || !strcmp(w[0], "unbound");

	if (nw != (two ? 4 : 3))
		return refuse("%s wants FILE %s", w[0],
			      two ? "DOMID PORT" : "NUMBER");
	if (!(f = object_of(w[1], OBJ_FILE)) ||
	    !number(w[2], 0, domid ? 0xffff : 0xffffffffLL, &a) ||
	    (two && !number(w[3], 0, 0xffffffffLL, &b)))
		return false;
	if (!strcmp(w[0], "unbound"))
		answer_rc(ev_bind_unbound(f->fd, (domid_t)a), "");
	else if (two)
		answer_rc(ev_bind_interdomain(f->fd, (domid_t)a,
					      (evtchn_port_t)b), "");
	else if (!strcmp(w[0], "notify"))
		answer_rc(ev_notify(f->fd, (evtchn_port_t)a), "");
	else if (!strcmp(w[0], "unbind"))
		answer_rc(ev_unbind(f->fd, (evtchn_port_t)a), "");
	else if (!strcmp(w[0], "unmask"))
		answer_rc(ev_unmask(f->fd, (evtchn_port_t)a), "");
	else if (a > 60000)
		return refuse("wait of more than 60000 ms");
	else {
		char line[32];

		snprintf(line, sizeof(line), "+ %ld 0", wait_port(f->fd, (int)a));
		answer(line);
	}
	return true;
}

static bool do_hello(char **w, int nw)
{
	long long version, domid;
	char extra[32];

	if (nw != 3)
		return refuse("hello wants VERSION DOMID");
	if (!number(w[1], 0, 1000000, &version) ||
	    !number(w[2], 0, 0xffff, &domid))
		return false;
	if (version != AGENT_PROTOCOL)
		return refuse("protocol %lld asked, this agent speaks %d",
			      version, AGENT_PROTOCOL);
	snprintf(extra, sizeof(extra), " %u", (unsigned)conf_self_known());
	answer_rc(0, extra);
	return true;
}

static const struct {
	const char *verb;
	bool (*run)(char **w, int nw);
} verbs[] = {
	{ "hello", do_hello },
	{ "open", do_open },
	{ "close", do_object_op },
	{ "alloc", do_alloc },
	{ "map", do_map },
	{ "mmap", do_mmap },
	{ "munmap", do_munmap },
	{ "dealloc", do_object_op },
	{ "unmap", do_object_op },
	{ "peek", do_peek },
	{ "poke", do_poke },
	{ "unbound", do_evtchn },
	{ "interdomain", do_evtchn },
	{ "notify", do_evtchn },
	{ "unbind", do_evtchn },
	{ "unmask", do_evtchn },
	{ "wait", do_evtchn },
};

/* Runs one request line; false (and refusal set) when not understood. */
static bool serve(char *line)
{
	char *w[MAX_WORDS];
	int nw = 0;

	for (char *tok = strtok(line, " "); tok; tok = strtok(NULL, " ")) {
		if (nw == MAX_WORDS)
			return refuse("too many words");
		w[nw++] = tok;
	}
	if (nw == 0)
		return refuse("empty request");
	if (!strcmp(w[0], "nop") && nw == 1) {
		answer("+ 0 0");
		return true;
	}
	if (!strcmp(w[0], "bye") && nw == 1) {
		answer("+ 0 0");
		leave(0, NULL);
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(w[0], verbs[i].verb))
			return verbs[i].run(w, nw);
	return refuse("unknown request '%s'", w[0]);
}

void agent_main(const char *fds)
{
	const char *idle_env = getenv("CONFORMANCE_AGENT_IDLE");
	int idle_ms = 300 * 1000;
	char line[WIRE_LINE_MAX];

	if (!wire_parse(&stream, fds))
		leave(2, "--agent wants RFD,WFD, not '%s'", fds);
	if (idle_env && atoi(idle_env) > 0)
		idle_ms = atoi(idle_env) * 1000;
	for (;;) {
		enum wire_status st = wire_recv(&stream, line, idle_ms);
		char msg[sizeof(refusal) + 4];

		switch (st) {
		case WIRE_LINE:
			break;
		case WIRE_EOF:
			leave(0, NULL);
		case WIRE_TIMEOUT:
			leave(2, "no request for %d s: giving up",
			      idle_ms / 1000);
		case WIRE_TOO_LONG:
			answer("- request too long");
			leave(2, "a request longer than %d bytes",
			      WIRE_LINE_MAX);
		case WIRE_ERROR:
			leave(2, "cannot read requests: %s", errno_name(errno));
		case WIRE_EOF_MID_LINE:
			leave(2, "the stream ended inside a request");
		}
		if (!serve(line)) {
			snprintf(msg, sizeof(msg), "- %s", refusal);
			answer(msg);
			fprintf(stderr, "conformance agent: refused: %s\n",
				refusal);
		}
	}
}
