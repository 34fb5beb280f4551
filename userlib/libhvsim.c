// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hvsim/paths.h"
#include "hvsim/wire.h"
#include "libhvsim.h"

#define UP_TIMEOUT_MS   30000
#define DOWN_TIMEOUT_MS 10000

struct hvsim_ctl {
	int fd;
	char *in;
	size_t in_len, in_cap;
	char error[512];
};

const char *hvsim_dir(void)
{
	static char buf[PATH_MAX];

	return hvsim_state_dir(buf, sizeof(buf));
}

int hvsim_ctl_open(const char *dir, struct hvsim_ctl **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct hvsim_ctl *c;
	int n, err;

	if (!dir)
		dir = hvsim_dir();
	n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, HVSIM_CONTROL_SOCK);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		return err;
	}
	*out = c;
	return 0;
}

void hvsim_ctl_close(struct hvsim_ctl *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->in);
	free(c);
}

const char *hvsim_ctl_error(const struct hvsim_ctl *c)
{
	return c->error;
}

static int read_line(struct hvsim_ctl *c, char **line)
{
	for (;;) {
		char *nl = c->in ? memchr(c->in, '\n', c->in_len) : NULL;

		if (nl) {
			*nl = 0;
			*line = c->in;
			return (int)(nl - c->in) + 1;
		}
		if (c->in_len + 65536 > c->in_cap) {
			size_t cap = c->in_cap ? 2 * c->in_cap : 65536;
			char *n = realloc(c->in, cap);

			if (!n)
				return -ENOMEM;
			c->in = n;
			c->in_cap = cap;
		}
		ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		c->in_len += (size_t)n;
	}
}

int hvsim_ctl_call(struct hvsim_ctl *c, struct json_object *req,
		   struct json_object **reply)
{
	const char *s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s), off = 0;
	struct json_object *r, *v;
	char *line;
	int used, err = 0;

	*reply = NULL;
	c->error[0] = 0;
	while (off <= len) {
		/* the line and its newline */
		const char *p = off < len ? s + off : "\n";
		size_t k = off < len ? len - off : 1;
		ssize_t n = send(c->fd, p, k, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			json_object_put(req);
			snprintf(c->error, sizeof(c->error), "hvsimd went away");
			return -EPIPE;
		}
		off += off < len ? (size_t)n : 1;
	}
	json_object_put(req);

	used = read_line(c, &line);
	if (used < 0) {
		snprintf(c->error, sizeof(c->error), "hvsimd went away");
		return used;
	}
	r = json_tokener_parse(line);
	memmove(c->in, c->in + used, c->in_len - (size_t)used);
	c->in_len -= (size_t)used;
	if (!r || !json_object_object_get_ex(r, "ok", &v)) {
		json_object_put(r);
		snprintf(c->error, sizeof(c->error), "hvsimd sent a malformed reply");
		return -EPROTO;
	}
	if (!json_object_get_boolean(v)) {
		err = EPROTO;
		if (json_object_object_get_ex(r, "errno", &v))
			err = json_object_get_int(v);
		if (json_object_object_get_ex(r, "error", &v))
			snprintf(c->error, sizeof(c->error), "%s", json_object_get_string(v));
		json_object_put(r);
		return -(err > 0 ? err : EPROTO);
	}
	*reply = r;
	return 0;
}

static struct json_object *request(const char *cmd)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "cmd", json_object_new_string(cmd));
	return r;
}

int hvsim_domain_create(struct hvsim_ctl *c, const char *name, unsigned int mem_mib,
			const char *const *params, size_t nr_params, uint16_t *domid)
{
	struct json_object *req = request("domain_create"), *reply, *v;
	int err;

	json_object_object_add(req, "name", json_object_new_string(name));
	if (mem_mib)
		json_object_object_add(req, "mem_mib", json_object_new_int((int)mem_mib));
	if (nr_params) {
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < nr_params; i++)
			json_object_array_add(arr, json_object_new_string(params[i]));
		json_object_object_add(req, "params", arr);
	}
	err = hvsim_ctl_call(c, req, &reply);
	if (err)
		return err;
	if (domid && json_object_object_get_ex(reply, "domid", &v))
		*domid = (uint16_t)json_object_get_int(v);
	json_object_put(reply);
	return 0;
}

int hvsim_domain_destroy(struct hvsim_ctl *c, const char *domain)
{
	struct json_object *req = request("domain_destroy"), *reply;
	int err;

	json_object_object_add(req, "domain", json_object_new_string(domain));
	err = hvsim_ctl_call(c, req, &reply);
	json_object_put(reply);
	return err;
}

int hvsim_domid(struct hvsim_ctl *c, const char *domain, uint16_t *domid)
{
	struct json_object *req = request("domid"), *reply, *d, *v;
	int err;

	json_object_object_add(req, "domain", json_object_new_string(domain));
	err = hvsim_ctl_call(c, req, &reply);
	if (err)
		return err;
	if (json_object_object_get_ex(reply, "domain", &d) &&
	    json_object_object_get_ex(d, "domid", &v))
		*domid = (uint16_t)json_object_get_int(v);
	json_object_put(reply);
	return 0;
}

int hvsim_xenstore_read(struct hvsim_ctl *c, const char *path, char **value, size_t *len)
{
	struct json_object *req = request("xenstore_read"), *reply, *v;
	int err;

	json_object_object_add(req, "path", json_object_new_string(path));
	err = hvsim_ctl_call(c, req, &reply);
	if (err)
		return err;
	if (!json_object_object_get_ex(reply, "value", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		json_object_put(reply);
		snprintf(c->error, sizeof(c->error), "hvsimd sent a malformed reply");
		return -EPROTO;
	}
	*len = (size_t)json_object_get_string_len(v);
	*value = malloc(*len + 1);
	if (*value) {
		memcpy(*value, json_object_get_string(v), *len);
		(*value)[*len] = 0;
	}
	json_object_put(reply);
	return *value ? 0 : -ENOMEM;
}

int hvsim_xenstore_write(struct hvsim_ctl *c, const char *path, const void *value, size_t len)
{
	struct json_object *req = request("xenstore_write"), *reply;
	int err;

	json_object_object_add(req, "path", json_object_new_string(path));
	json_object_object_add(req, "value", json_object_new_string_len(value, (int)len));
	err = hvsim_ctl_call(c, req, &reply);
	json_object_put(reply);
	return err;
}

int hvsim_xenstore_rm(struct hvsim_ctl *c, const char *path)
{
	struct json_object *req = request("xenstore_rm"), *reply;
	int err;

	json_object_object_add(req, "path", json_object_new_string(path));
	err = hvsim_ctl_call(c, req, &reply);
	json_object_put(reply);
	return err;
}

int hvsim_xenstore_socket(const char *dir, unsigned int domid, char *buf, size_t n)
{
	/* the layout of hvsimd's hv-sim/xenstore_server.h */
	int len = snprintf(buf, n, "%s/dom%u/xenstore", dir ? dir : hvsim_dir(), domid);

	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

int hvsim_find_exe(const char *name, char *buf, size_t n)
{
	const char *env = getenv("HVSIM_LIBEXEC");
	static const char *const rel[] = { "", "/../bin", "/../lib/hvsim" };
	char self[PATH_MAX];
	ssize_t len;

	if (env && *env) {
		snprintf(buf, n, "%s/%s", env, name);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return -ENOENT;
	self[len] = 0;
	*strrchr(self, '/') = 0;
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		if ((size_t)snprintf(buf, n, "%s%s/%s", self, rel[i], name) >= n)
			continue;
		if (access(buf, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static int ping(const char *dir)
{
	struct hvsim_ctl *c;
	struct json_object *reply;
	int err = hvsim_ctl_open(dir, &c);

	if (err)
		return err;
	err = hvsim_ctl_call(c, request("ping"), &reply);
	json_object_put(reply);
	hvsim_ctl_close(c);
	return err;
}

int hvsim_up(const char *dir, char *errbuf, size_t errlen)
{
	char exe[PATH_MAX], log[PATH_MAX], rfd[16];
	int pipefd[2], logfd, status;
	struct pollfd p;
	pid_t pid;
	char c;

	if (!dir)
		dir = hvsim_dir();
	if (ping(dir) == 0)
		return -EALREADY;
	if (hvsim_find_exe("hvsimd", exe, sizeof(exe)) < 0) {
		if (errbuf)
			snprintf(errbuf, errlen, "cannot find hvsimd (set HVSIM_LIBEXEC to "
				 "the directory that holds it)");
		return -ENOENT;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		if (errbuf)
			snprintf(errbuf, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	snprintf(log, sizeof(log), "%s/%s", dir, HVSIM_LOG_FILE);
	logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		if (errbuf)
			snprintf(errbuf, errlen, "cannot open %s: %s", log, strerror(errno));
		if (logfd >= 0)
			close(logfd);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		close(logfd);
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (pid == 0) {
		/* a grandchild, so that hvsimd is nobody's child but init's */
		if (fork() != 0)
			_exit(0);
		setsid();
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		int w = dup(pipefd[1]);

		snprintf(rfd, sizeof(rfd), "%d", w);
		execl(exe, "hvsimd", "--dir", dir, "--ready-fd", rfd, (char *)NULL);
		_exit(127);
	}
	close(logfd);
	close(pipefd[1]);
	waitpid(pid, &status, 0);
	p = (struct pollfd){ .fd = pipefd[0], .events = POLLIN };
	if (poll(&p, 1, UP_TIMEOUT_MS) == 1 && read(pipefd[0], &c, 1) == 1) {
		close(pipefd[0]);
		return 0;
	}
	close(pipefd[0]);
	if (errbuf)
		snprintf(errbuf, errlen, "hvsimd did not start; see %s", log);
	return -EIO;
}

int hvsim_down(const char *dir)
{
	struct hvsim_ctl *c;
	struct json_object *reply;
	char pidfile[PATH_MAX];
	int err, fd;

	if (!dir)
		dir = hvsim_dir();
	err = hvsim_ctl_open(dir, &c);
	if (err)
		return -ESRCH;
	err = hvsim_ctl_call(c, request("shutdown"), &reply);
	json_object_put(reply);
	hvsim_ctl_close(c);
	if (err)
		return err;
	/* hvsimd holds a lock on its pid file until its very end */
	snprintf(pidfile, sizeof(pidfile), "%s/%s", dir, HVSIM_PID_FILE);
	for (int waited = 0; waited < DOWN_TIMEOUT_MS; waited += 10) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		fd = open(pidfile, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 0;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			close(fd);
			return 0;
		}
		close(fd);
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}
