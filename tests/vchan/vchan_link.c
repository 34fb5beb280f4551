// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "vchan_link.h"

void vlink_err(const struct vlink *l, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	fprintf(stderr, "%s: ", l->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (saved)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
	errno = saved;
}

const char *vlink_leaf(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Options ------------------------------------------------------------------------- */

static void usage_to(FILE *f, int status, const char *prog, bool is_server)
{
	fprintf(f,
		"usage: %s [options] %s PATH\n"
		"  A libxenvchan %s; run it in a domain (hvsim run DOMAIN -- ...).\n"
		"  --mode stream|hold|wait-gone|ping%s\n"
		"      stream:    send --send bytes, receive --recv bytes, print checksums\n"
		"      hold:      stay connected until stdin ends, then close\n"
		"      wait-gone: stay connected until the peer leaves, say how it was seen\n"
		"      ping:      --rounds round trips of --write-size bytes (default 64),\n"
		"                 timed; each end says how long its init took\n"
		"%s"
		"  --nonblock         non-blocking vchan, select() on its fd\n"
		"  --send N --recv N  stream sizes (suffix K, M, G)\n"
		"  --seed N           stream seed (default 1)\n"
		"  --max-write N --max-read N    random sizes up to N (default 64K)\n"
		"  --write-size N --read-size N  fixed sizes instead\n"
		"  --raw              stream without generating or checking data\n"
		"  --no-close         hold: exit without libxenvchan_close\n"
		"  --rounds N         ping: round trips (default 1000)\n"
		"%s"
		"  --timeout SEC      give up after SEC seconds (default 60, 0: never)\n",
		prog, is_server ? "PEER-DOMID" : "SERVER-DOMID",
		is_server ? "server" : "client", is_server ? "" : "|bridge",
		is_server ? "" : "      bridge:    listen on --socket, carry one connection over the vchan\n",
		is_server ? "  --ring N           ring size each way (default: in the shared page)\n"
			  : "  --socket PATH      bridge: the unix socket to listen on\n"
			    "  --no-wait          fail at once if the server is not there\n");
	exit(status);
}

static void usage(const char *prog, bool is_server)
{
	usage_to(stderr, 2, prog, is_server);
}

static uint64_t parse_size(const char *prog, bool is_server, const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10; end++; break;
	default: break;
	}
	if (*end || end == s)
		usage(prog, is_server);
	return v;
}

void vlink_parse(int argc, char **argv, bool is_server, struct vlink_opts *o)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "nonblock", no_argument, NULL, 'n' },
		{ "send", required_argument, NULL, 's' },
		{ "recv", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 'S' },
		{ "max-write", required_argument, NULL, 'W' },
		{ "max-read", required_argument, NULL, 'R' },
		{ "write-size", required_argument, NULL, 'w' },
		{ "read-size", required_argument, NULL, 'e' },
		{ "raw", no_argument, NULL, 'x' },
		{ "no-close", no_argument, NULL, 'c' },
		{ "ring", required_argument, NULL, 'g' },
		{ "socket", required_argument, NULL, 'k' },
		{ "no-wait", no_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 't' },
		{ "rounds", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *prog = argv[0];
	int c;

	*o = (struct vlink_opts){
		.mode = VLINK_STREAM, .seed = 1, .max_write = 65536, .max_read = 65536,
		.timeout = 60,
	};
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "stream"))
				o->mode = VLINK_STREAM;
			else if (!strcmp(optarg, "hold"))
				o->mode = VLINK_HOLD;
			else if (!strcmp(optarg, "wait-gone"))
				o->mode = VLINK_WAIT_GONE;
			else if (!strcmp(optarg, "ping"))
				o->mode = VLINK_PING;
			else if (!strcmp(optarg, "bridge") && !is_server)
				o->mode = VLINK_BRIDGE;
			else
				usage(prog, is_server);
			break;
		case 'n': o->nonblock = true; break;
		case 's': o->send = parse_size(prog, is_server, optarg); break;
		case 'r': o->recv = parse_size(prog, is_server, optarg); break;
		case 'S': o->seed = parse_size(prog, is_server, optarg); break;
		case 'W': o->max_write = parse_size(prog, is_server, optarg); break;
		case 'R': o->max_read = parse_size(prog, is_server, optarg); break;
		case 'w': o->write_size = parse_size(prog, is_server, optarg); break;
		case 'e': o->read_size = parse_size(prog, is_server, optarg); break;
		case 'x': o->raw = true; break;
		case 'c': o->no_close = true; break;
		case 'g': o->ring = parse_size(prog, is_server, optarg); break;
		case 'k': o->socket = optarg; break;
		case 'o': o->no_wait = true; break;
		case 'p': o->rounds = (unsigned int)parse_size(prog, is_server, optarg); break;
		case 't': o->timeout = (unsigned int)parse_size(prog, is_server, optarg); break;
		case 'h': usage_to(stdout, 0, prog, is_server); break;
		default: usage(prog, is_server);
		}
	}
	if (argc - optind != 2 || o->ring > (1 << 20) ||
	    (o->mode == VLINK_BRIDGE) != (o->socket != NULL) ||
	    !o->max_write || !o->max_read || o->write_size > (1 << 24) ||
	    o->read_size > (1 << 24) || o->max_write > (1 << 24) || o->max_read > (1 << 24))
		usage(prog, is_server);
	o->peer = (int)parse_size(prog, is_server, argv[optind]);
	o->path = argv[optind + 1];
}

/* xenstore: the peer's node -------------------------------------------------------- */

int vlink_xs_open(struct vlink *l)
{
	char *v;
	int domid;

	l->xs = xs_open(0);
	if (!l->xs) {
		vlink_err(l, "xs_open");
		return -1;
	}
	v = xs_read(l->xs, XBT_NULL, "domid", NULL);
	if (!v) {
		vlink_err(l, "xenstore read domid");
		return -1;
	}
	domid = atoi(v);
	free(v);
	return domid;
}

int vlink_watch_peer(struct vlink *l, const char *node)
{
	snprintf(l->peer_node, sizeof(l->peer_node), "%s", node);
	/* the pipe first, so that select() sees every event */
	if (xs_fileno(l->xs) < 0 || !xs_watch(l->xs, l->peer_node, "peer")) {
		vlink_err(l, "xs_watch %s", l->peer_node);
		return -1;
	}
	return 0;
}

bool vlink_peer_node_gone(struct vlink *l)
{
	char *v;

	if (!l->peer_node[0])
		return false;
	v = xs_read(l->xs, XBT_NULL, l->peer_node, NULL);
	if (v) {
		free(v);
		l->peer_node_seen = true;
		return false;
	}
	/* EACCES: what is left above it is not ours to look into */
	return l->peer_node_seen && (errno == ENOENT || errno == EACCES);
}

int vlink_wait_fds(struct vlink *l, int ms, int rfd, int wfd, bool *rready, bool *wready)
{
	int vfd = libxenvchan_fd_for_select(l->ctrl);
	int xfd = l->peer_node[0] ? xs_fileno(l->xs) : -1;
	int maxfd = vfd;
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	fd_set r, w;
	int n, what = 0;

	maxfd = xfd > maxfd ? xfd : maxfd;
	maxfd = rfd > maxfd ? rfd : maxfd;
	maxfd = wfd > maxfd ? wfd : maxfd;
	do {
		FD_ZERO(&r);
		FD_ZERO(&w);
		FD_SET(vfd, &r);
		if (xfd >= 0)
			FD_SET(xfd, &r);
		if (rfd >= 0)
			FD_SET(rfd, &r);
		if (wfd >= 0)
			FD_SET(wfd, &w);
		n = select(maxfd + 1, &r, &w, NULL, ms < 0 ? NULL : &tv);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		vlink_err(l, "select");
		return -1;
	}
	if (rready)
		*rready = rfd >= 0 && FD_ISSET(rfd, &r);
	if (wready)
		*wready = wfd >= 0 && FD_ISSET(wfd, &w);
	/* the event leaves the port masked until libxenvchan_wait unmasks it */
	if (FD_ISSET(vfd, &r)) {
		if (libxenvchan_wait(l->ctrl) < 0) {
			vlink_err(l, "libxenvchan_wait");
			return -1;
		}
		what |= VLINK_EV_VCHAN;
	}
	if (xfd >= 0 && FD_ISSET(xfd, &r)) {
		char **ev;

		while ((ev = xs_check_watch(l->xs)))
			free(ev);
		if (vlink_peer_node_gone(l))
			what |= VLINK_EV_GONE;
	}
	return what;
}

int vlink_wait(struct vlink *l, int ms)
{
	return vlink_wait_fds(l, ms, -1, -1, NULL, NULL);
}

void vlink_close(struct vlink *l)
{
	if (l->ctrl)
		libxenvchan_close(l->ctrl);
	l->ctrl = NULL;
	if (l->xs) {
		if (l->own_node[0])
			xs_rm(l->xs, XBT_NULL, l->own_node);
		xs_close(l->xs);
		l->xs = NULL;
	}
}
