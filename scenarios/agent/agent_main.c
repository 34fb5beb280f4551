// SPDX-License-Identifier: GPL-2.0-only
/* The agent's loop: one request line in, one reply line out (agent.h). */
#include <errno.h>
#include <malloc.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"

static const struct {
	const char *name;
	agent_op_fn *fn;
} ops[] = {
	{ "share", op_share }, { "unshare", op_unshare }, { "map", op_map },
	{ "unmap", op_unmap }, { "buffer", op_buffer }, { "write", op_write },
	{ "read", op_read }, { "copy", op_copy }, { "limit", op_limit },
	{ "forge_unmap", op_forge_unmap }, { "forge_mmap", op_forge_mmap },
	{ "forge_notify", op_forge_notify }, { "forge_dealloc", op_forge_dealloc },
	{ "bind_unbound", op_bind_unbound }, { "bind_interdomain", op_bind_interdomain },
	{ "bind_virq", op_bind_virq }, { "notify", op_notify },
	{ "wait_event", op_wait_event }, { "unmask", op_unmask }, { "unbind", op_unbind },
	{ "xs_write", op_xs_write }, { "xs_read", op_xs_read }, { "xs_rm", op_xs_rm },
	{ "xs_mkdir", op_xs_mkdir }, { "xs_perms", op_xs_perms },
	{ "xs_watch", op_xs_watch }, { "wait_watch", op_wait_watch },
	{ "xs_unwatch", op_xs_unwatch },
	{ "xs_transaction_start", op_xs_transaction_start },
	{ "xs_transaction_end", op_xs_transaction_end },
	{ "vchan_server", op_vchan_server }, { "vchan_client", op_vchan_client },
	{ "vchan_send", op_vchan_send }, { "vchan_recv", op_vchan_recv },
	{ "vchan_echo", op_vchan_echo }, { "vchan_close", op_vchan_close },
};

/* The libraries log through this: keep the last message for the reply. */
__attribute__((format(printf, 5, 0)))
static void keep_message(struct xentoollog_logger *logger, xentoollog_level level,
			 int errnoval, const char *context, const char *format, va_list al)
{
	struct agent *a = (struct agent *)((char *)logger - offsetof(struct agent, logger));
	int n = 0;

	if (context)
		n = snprintf(a->lastlog, sizeof(a->lastlog), "%s: ", context);
	if (n >= 0 && (size_t)n < sizeof(a->lastlog))
		vsnprintf(a->lastlog + n, sizeof(a->lastlog) - (size_t)n, format, al);
}

static void no_destroy(struct xentoollog_logger *logger)
{
}

int agent_fail(struct agent *a, int err, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(a->error, sizeof(a->error), fmt, ap);
	va_end(ap);
	n = strlen(a->error);
	if (a->lastlog[0])
		snprintf(a->error + n, sizeof(a->error) - n, " (the library said: %s)", a->lastlog);
	return err > 0 ? err : EIO;
}

int64_t agent_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Request and reply fields -------------------------------------------------- */

int64_t req_int(struct json_object *req, const char *key, int64_t dflt)
{
	struct json_object *v;

	return json_object_object_get_ex(req, key, &v) ? json_object_get_int64(v) : dflt;
}

bool req_bool(struct json_object *req, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(req, key, &v) && json_object_get_boolean(v);
}

const char *req_str(struct json_object *req, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(req, key, &v) ? json_object_get_string(v) : NULL;
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *req_bytes(struct json_object *req, const char *key, size_t *len)
{
	const char *hex = req_str(req, key);
	size_t n = hex ? strlen(hex) : 1;
	char *out;

	if (n % 2)
		return NULL;
	out = malloc(n / 2 + 1);
	for (size_t i = 0; out && i < n / 2; i++) {
		int hi = unhex(hex[2 * i]), lo = unhex(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (char)(hi * 16 + lo);
	}
	if (out)
		out[n / 2] = 0;
	*len = n / 2;
	return out;
}

void reply_bytes(struct json_object *reply, const char *key, const void *data, size_t len)
{
	char *hex = malloc(2 * len + 1);
	const unsigned char *d = data;

	for (size_t i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	hex[2 * len] = 0;
	json_object_object_add(reply, key, json_object_new_string(hex));
	free(hex);
}

/* Library handles -------------------------------------------------------------- */

xengnttab_handle *agent_gnttab(struct agent *a)
{
	if (!a->gnttab && !(a->gnttab = xengnttab_open(&a->logger, 0)))
		agent_fail(a, errno, "xengnttab_open: %s", strerror(errno));
	return a->gnttab;
}

xengntshr_handle *agent_gntshr(struct agent *a)
{
	if (!a->gntshr && !(a->gntshr = xengntshr_open(&a->logger, 0)))
		agent_fail(a, errno, "xengntshr_open: %s", strerror(errno));
	return a->gntshr;
}

xenevtchn_handle *agent_evtchn(struct agent *a)
{
	if (!a->evtchn && !(a->evtchn = xenevtchn_open(&a->logger, 0)))
		agent_fail(a, errno, "xenevtchn_open: %s", strerror(errno));
	return a->evtchn;
}

struct xs_handle *agent_xs(struct agent *a)
{
	if (!a->xs && !(a->xs = xs_open(0)))
		agent_fail(a, errno, "xs_open (XENSTORED_PATH=%s): %s",
			   getenv("XENSTORED_PATH") ? getenv("XENSTORED_PATH") : "unset",
			   strerror(errno));
	return a->xs;
}

/* Regions -------------------------------------------------------------------- */

struct region *region_find(struct agent *a, const char *name)
{
	for (struct region *r = a->regions; r; r = r->next)
		if (r->name && name && !strcmp(r->name, name))
			return r;
	return NULL;
}

struct region *region_add(struct agent *a, const char *name, enum region_kind kind,
			  void *addr, size_t len, uint32_t count)
{
	struct region *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->name = name && *name ? strdup(name) : NULL;
	r->kind = kind;
	r->addr = addr;
	r->len = len;
	r->count = count;
	r->next = a->regions;
	a->regions = r;
	return r;
}

void region_remove(struct agent *a, struct region *r)
{
	for (struct region **p = &a->regions; *p; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			free(r->name);
			free(r);
			return;
		}
}

/* Faults ------------------------------------------------------------------------ */

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_armed;

static void on_fault(int sig)
{
	if (fault_armed)
		siglongjmp(fault_jmp, 1);
	/* not ours: die of it as the program would have */
	signal(sig, SIG_DFL);
	raise(sig);
}

void agent_fault_guard_init(void)
{
	struct sigaction sa = { .sa_handler = on_fault };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

bool agent_copy_guarded(void *dst, const void *src, size_t len)
{
	volatile unsigned char *d = dst;
	const volatile unsigned char *s = src;

	if (sigsetjmp(fault_jmp, 1)) {
		fault_armed = 0;
		return false;
	}
	fault_armed = 1;
	/* byte by byte through volatile: the compiler must not turn it into a
	 * libc call whose fault we could not attribute */
	for (size_t i = 0; i < len; i++)
		d[i] = s[i];
	fault_armed = 0;
	return true;
}

/* The loop ------------------------------------------------------------------------- */

static void answer(struct agent *a, struct json_object *req)
{
	struct json_object *reply = json_object_new_object();
	const char *op = req_str(req, "op");
	int err = EINVAL;

	a->error[0] = 0;
	a->lastlog[0] = 0;
	snprintf(a->error, sizeof(a->error), "unknown op '%s'", op ? op : "(none)");
	for (size_t i = 0; op && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i].name, op)) {
			a->error[0] = 0;
			err = ops[i].fn(a, req, reply);
			break;
		}
	json_object_object_add(reply, "ok", json_object_new_boolean(err == 0));
	if (err) {
		json_object_object_add(reply, "errno", json_object_new_int(err));
		json_object_object_add(reply, "error", json_object_new_string(
			a->error[0] ? a->error : strerror(err)));
	}
	puts(json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(reply);
}

int main(int argc, char **argv)
{
	static struct agent agent;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	/*
	 * Every malloc returns zeroed memory (glibc's M_PERTURB: allocations
	 * get the complement of the byte, freed memory the byte itself).  A
	 * library that reads a field it never set then reads what a fresh
	 * process would, every time: libxenvchan_server_init (Xen 4.17) sets
	 * ctrl->xs_path only once it reaches xenstore, and when its port or
	 * its grants fail first, its cleanup frees whatever the heap left
	 * there, so a program with a used heap may crash where a new one
	 * fails cleanly.  The scenarios show the clean failure, always.
	 */
	mallopt(M_PERTURB, 0xff);
	agent.domain = argc > 1 ? argv[1] : "?";
	agent.logger.vmessage = keep_message;
	agent.logger.destroy = no_destroy;
	signal(SIGPIPE, SIG_IGN);
	agent_fault_guard_init();
	/* the runner reads replies through a pipe: one line each, at once */
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		struct json_object *req = json_tokener_parse(line);

		if (!req) {
			printf("{\"ok\":false,\"errno\":%d,\"error\":\"not a JSON request\"}\n",
			       EPROTO);
			fflush(stdout);
			continue;
		}
		answer(&agent, req);
		json_object_put(req);
	}
	/* end of input: the runner is done with this domain; exit closes every
	 * device file, which is what releases what the scenario left */
	free(line);
	return 0;
}
