// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzzer `control`: JSON lines into hvsimd's control socket
 * (hv-sim/control.c, linked unmodified with everything it calls: domain
 * create and destroy, the dumps, state, xenstore_*, fault_*), in process:
 * the socket is a real one in a scratch directory, served by the
 * fuzzer's step-by-step loop (fuzz_loop.h).  hvsimd runs kernel-less
 * here, as with HVSIM_KERNEL=none.
 *
 * The input is the bytes two clients send: each line goes to the first
 * client, a line that starts with '@' to the second (without the '@'),
 * and a line "~" hangs up the second client and connects it again.
 *
 * What must hold: every line gets exactly one reply, in order, and each
 * reply is one JSON object with "ok" (and "errno" when it is false);
 * once every domU is destroyed, xenstore passes CONTROL check and no
 * node is owned by a domU.  Each input starts from a fresh hvsimd (Domain-0
 * only) and ends with everything freed for LeakSanitizer, and as many
 * descriptors open as after an empty input.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "control.h"
#include "daemon_hooks.h"
#include "domain.h"
#include "hooks.h"
#include "hypercall.h"
#include "kernel_proc.h"
#include "log.h"
#include "loop.h"
#include "trace.h"
#include "xenstore_server.h"
#include "fuzz_input.h"
#include "fuzz_fds.h"
#include "fuzz_loop.h"

#define NR_CLIENTS 2

struct client {
	int fd;
	unsigned int lines_sent;     /* requests: complete lines */
	unsigned int replies;        /* replies read */
	char *in;                    /* a reply's first part */
	size_t in_len;
};

static char dir[64];
static char control_path[128];
static struct client clients[NR_CLIENTS];
static bool exit_requested;
/* descriptors open after an empty input (LLVMFuzzerInitialize runs one) */
static int fds_baseline = -1;

void hv_log(const char *fmt, ...)
{
	/* hvsimd's log: nobody reads it here */
}

/* The "shutdown" command: hvsimd would stop serving after its replies. */
void hvsimd_request_exit(void)
{
	exit_requested = true;
}

static void fail(const char *what)
{
	fprintf(stderr, "control fuzzer: %s\n", what);
	abort();
}

static void client_connect(struct client *c)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", control_path);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("connect to the control socket");
	c->lines_sent = c->replies = 0;
	fuzz_loop_settle(1000);	/* accepted */
}

/* Each reply: one JSON object with "ok", and "errno" with ok false. */
static void check_reply(const char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *r = json_tokener_parse_ex(tok, line, (int)len), *ok, *err;

	if (!r || !json_object_is_type(r, json_type_object) ||
	    json_tokener_get_parse_end(tok) != len)
		fail("a reply that is not one JSON object");
	if (!json_object_object_get_ex(r, "ok", &ok) || !json_object_is_type(ok, json_type_boolean))
		fail("a reply without \"ok\"");
	if (!json_object_get_boolean(ok) &&
	    (!json_object_object_get_ex(r, "errno", &err) || json_object_get_int(err) <= 0))
		fail("a refusal without a positive \"errno\"");
	json_object_put(r);
	json_tokener_free(tok);
}

static void client_read(struct client *c)
{
	char buf[65536];

	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		char *nl;

		if (n <= 0)
			return;
		c->in = realloc(c->in, c->in_len + (size_t)n);
		if (!c->in)
			fail("out of memory");
		memcpy(c->in + c->in_len, buf, (size_t)n);
		c->in_len += (size_t)n;
		while ((nl = memchr(c->in, '\n', c->in_len))) {
			size_t len = (size_t)(nl - c->in);

			check_reply(c->in, len);
			c->replies++;
			memmove(c->in, nl + 1, c->in_len - len - 1);
			c->in_len -= len + 1;
		}
	}
}

static void client_send(struct client *c, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = send(c->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno != EAGAIN)
			fail("send to the control socket");
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		}
		fuzz_loop_settle(1000);
		client_read(c);
	}
}

static void client_hang_up(struct client *c)
{
	if (c->fd < 0)
		return;
	fuzz_loop_settle(1000);
	client_read(c);
	if (c->replies != c->lines_sent) {
		fprintf(stderr, "%u lines, %u replies\n", c->lines_sent, c->replies);
		fail("not one reply per line");
	}
	close(c->fd);
	c->fd = -1;
	free(c->in);
	c->in = NULL;
	c->in_len = 0;
	fuzz_loop_settle(1000);
}

static void hvsimd_start(void)
{
	struct domain *dom0;

	loop_init();
	if (xenstore_server_init(dir) < 0)
		fail("xenstore_server_init");
	if (domain_create("Domain-0", 64, &dom0) < 0)
		fail("Domain-0");
	if (control_listen(control_path) < 0)
		fail("control_listen");
	exit_requested = false;
	for (int i = 0; i < NR_CLIENTS; i++)
		client_connect(&clients[i]);
}

/*
 * After the domUs died: the tree is whole, and no node is owned by a domU
 * (xenstored removes what a dead domain owns, and an owner must exist).
 */
static void check_store(void)
{
	struct xsd_sockmsg h;
	char *reply;
	static const char check[] = "check";
	struct json_object *req = json_object_new_object(), *r, *nodes;

	if (xenstore_server_dom0_request(XS_CONTROL, check, sizeof(check), &h, &reply) < 0)
		fail("CONTROL check");
	if (h.type != XS_CONTROL || strcmp(reply, "OK") != 0) {
		fprintf(stderr, "CONTROL check: %s\n", reply);
		fail("the store is inconsistent");
	}
	free(reply);
	json_object_object_add(req, "path", json_object_new_string("/"));
	r = xenstore_control_command("xenstore_ls", req);
	if (!json_object_object_get_ex(r, "nodes", &nodes))
		fail("xenstore_ls /");
	for (size_t i = 0; i < json_object_array_length(nodes); i++) {
		struct json_object *n = json_object_array_get_idx(nodes, i), *perms, *path;
		const char *owner;

		if (!json_object_object_get_ex(n, "perms", &perms) ||
		    !json_object_object_get_ex(n, "path", &path) ||
		    json_object_array_length(perms) < 1)
			fail("a node without permissions");
		owner = json_object_get_string(json_object_array_get_idx(perms, 0));
		if (strlen(owner) < 2 || strcmp(owner + 1, "0") != 0) {
			fprintf(stderr, "%s is owned by %s\n", json_object_get_string(path), owner);
			fail("a node owned by a dead domain");
		}
	}
	json_object_put(r);
	json_object_put(req);
}

static void hvsimd_stop(void)
{
	int fds;

	for (int i = 0; i < NR_CLIENTS; i++)
		client_hang_up(&clients[i]);
	for (struct domain *d = domain_first(); d; d = domain_next(d))
		if (d->domid != 0)
			domain_destroy(d);
	check_store();
	control_shutdown();
	hypercall_shutdown();
	xenstore_server_shutdown();
	trace_sync();
	domain_destroy_all();
	if (fuzz_loop_watches() != 0)
		fail("a watch outlived hvsimd");
	/* as many descriptors as after an empty input: none kept, none lost */
	fds = fuzz_open_fds();
	if (fds_baseline < 0)
		fds_baseline = fds;
	else if (fds != fds_baseline) {
		fprintf(stderr, "%d descriptors open, %d after an empty input\n", fds,
			fds_baseline);
		fail("a descriptor leaked");
	}
}

/* At exit: the scratch directory goes (the sockets left in it first). */
static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
		/* left in /tmp */
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	signal(SIGPIPE, SIG_IGN);
	atexit(remove_dir);
	snprintf(dir, sizeof(dir), "/tmp/hvsim-fuzz-control-XXXXXX");
	if (!mkdtemp(dir))
		fail("mkdtemp");
	snprintf(control_path, sizeof(control_path), "%s/control", dir);
	hvsimd_install_domain_hooks();
	if (trace_open("/dev/null") < 0)
		fail("trace_open");
	/* the descriptors' baseline, so that one input replayed alone shows a leak */
	static const uint8_t nothing[1];

	LLVMFuzzerTestOneInput(nothing, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;

	hvsimd_start();
	while (p < end && !exit_requested) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		const uint8_t *stop = nl ? nl + 1 : end;
		struct client *c = &clients[0];

		if (stop - p == 2 && p[0] == '~') {
			client_hang_up(&clients[1]);
			client_connect(&clients[1]);
			p = stop;
			continue;
		}
		if (*p == '@') {
			c = &clients[1];
			p++;
		}
		if (nl)
			c->lines_sent++;
		client_send(c, p, (size_t)(stop - p));
		p = stop;
	}
	hvsimd_stop();
	return 0;
}
