// SPDX-License-Identifier: GPL-2.0-only
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
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

/* Running a program in a domain ------------------------------------------ */

int hvsim_devices_socket(const char *dir, unsigned int domid, char *buf, size_t n)
{
	int len = snprintf(buf, n, "%s/dom%u/%s", dir ? dir : hvsim_dir(), domid,
			   HVSIM_DEVICES_SOCK);

	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

int hvsim_find_lib(const char *name, char *buf, size_t n, char *searched, size_t searched_len)
{
	const char *env = getenv("HVSIM_LIBEXEC");
	char dirs[4][PATH_MAX + 16], self[PATH_MAX], cand[PATH_MAX], real[PATH_MAX];
	size_t nr = 0, used = 0;
	ssize_t len;

	if (env && *env)
		snprintf(dirs[nr++], sizeof(dirs[0]), "%s", env);
	len = readlink("/proc/self/exe", self, sizeof(self) - 16);
	if (len > 0) {
		self[len] = 0;
		*strrchr(self, '/') = 0;
		snprintf(dirs[nr++], sizeof(dirs[0]), "%s", self);
		/* ../lib and ../lib/hvsim, spelt without ".." for the message */
		*(strrchr(self, '/') ?: self) = 0;
		snprintf(dirs[nr++], sizeof(dirs[0]), "%s/lib", self);
		snprintf(dirs[nr++], sizeof(dirs[0]), "%s/lib/hvsim", self);
	}
	if (searched && searched_len)
		searched[0] = 0;
	for (size_t i = 0; i < nr; i++) {
		struct stat st;

		if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", dirs[i], name) < sizeof(cand) &&
		    stat(cand, &st) == 0 && S_ISREG(st.st_mode) && realpath(cand, real)) {
			if ((size_t)snprintf(buf, n, "%s", real) >= n)
				return -ENAMETOOLONG;
			return 0;
		}
		if (searched && used < searched_len) {
			int k = snprintf(searched + used, searched_len - used, "%s%s",
					 used ? ", " : "", dirs[i]);

			used += k > 0 ? (size_t)k : 0;
		}
	}
	return -ENOENT;
}

/* What the dynamic loader compares before it loads a library into a program. */
struct elf_kind {
	unsigned char class;    /* ELFCLASS32 or ELFCLASS64 */
	uint16_t machine;       /* EM_* */
	uint16_t type;          /* ET_* */
	bool dynamic;           /* has a PT_INTERP: ld.so runs, LD_PRELOAD applies */
};

/* 1 and *k when fd holds an ELF file, 0 when it does not, -errno. */
static int read_elf_kind(int fd, struct elf_kind *k)
{
	union {
		unsigned char ident[EI_NIDENT];
		Elf32_Ehdr e32;
		Elf64_Ehdr e64;
	} h;
	uint64_t phoff, shoff;
	unsigned int phnum, phentsize;
	ssize_t got = pread(fd, &h, sizeof(h), 0);

	if (got < 0)
		return -errno;
	if ((size_t)got < sizeof(h.ident) || memcmp(h.ident, ELFMAG, SELFMAG))
		return 0;
	k->class = h.ident[EI_CLASS];
	if (k->class == ELFCLASS64 && (size_t)got >= sizeof(h.e64)) {
		k->machine = h.e64.e_machine;
		k->type = h.e64.e_type;
		phoff = h.e64.e_phoff;
		shoff = h.e64.e_shoff;
		phnum = h.e64.e_phnum;
		phentsize = h.e64.e_phentsize;
	} else if (k->class == ELFCLASS32 && (size_t)got >= sizeof(h.e32)) {
		k->machine = h.e32.e_machine;
		k->type = h.e32.e_type;
		phoff = h.e32.e_phoff;
		shoff = h.e32.e_shoff;
		phnum = h.e32.e_phnum;
		phentsize = h.e32.e_phentsize;
	} else {
		return -ENOEXEC;
	}
	if (phnum == PN_XNUM) {
		/* too many program headers for e_phnum: section 0's sh_info counts them */
		uint32_t info;
		off_t at = (off_t)shoff + (k->class == ELFCLASS64 ?
			offsetof(Elf64_Shdr, sh_info) : offsetof(Elf32_Shdr, sh_info));

		if (pread(fd, &info, sizeof(info), at) != sizeof(info))
			return -ENOEXEC;
		phnum = info;
	}
	k->dynamic = false;
	for (unsigned int i = 0; i < phnum && !k->dynamic; i++) {
		/* p_type comes first in both classes' program headers */
		uint32_t type;

		if (pread(fd, &type, sizeof(type), (off_t)(phoff + (uint64_t)i * phentsize)) !=
		    sizeof(type))
			return -ENOEXEC;
		k->dynamic = type == PT_INTERP;
	}
	return 1;
}

static const char *machine_name(uint16_t machine, char *buf, size_t n)
{
	switch (machine) {
	case EM_X86_64:
		return "x86-64";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "aarch64";
	case EM_ARM:
		return "arm";
	default:
		snprintf(buf, n, "machine %u", machine);
		return buf;
	}
}

/* Linux follows #! interpreters this deep (BINPRM_MAX_RECURSION). */
#define SCRIPT_DEPTH_MAX 4

static int check_file(const char *path, const struct elf_kind *want, int depth,
		      char *why, size_t whylen);

/* The interpreter of a #! line in `head`; execve() reads the first 256 bytes. */
static int check_script(const char *path, char *head, const struct elf_kind *want,
			int depth, char *why, size_t whylen)
{
	char *interp = head + 2, *end, inner[768];
	int rc;

	interp += strspn(interp, " \t");
	end = interp + strcspn(interp, " \t\n");
	*end = 0;
	if (!*interp) {
		snprintf(why, whylen, "%s: its #! line names no interpreter (%s)", path,
			 strerror(ENOEXEC));
		return -ENOEXEC;
	}
	if (depth >= SCRIPT_DEPTH_MAX) {
		snprintf(why, whylen, "%s: #! interpreters nest too deep (%s)", path,
			 strerror(ELOOP));
		return -ELOOP;
	}
	rc = check_file(interp, want, depth + 1, inner, sizeof(inner));
	if (rc)
		snprintf(why, whylen, "%s: bad interpreter: %s", path, inner);
	return rc;
}

static int check_elf(const char *path, const struct stat *st, const struct elf_kind *k,
		     const struct elf_kind *want, char *why, size_t whylen)
{
	char m1[32], m2[32];

	if (k->type != ET_EXEC && k->type != ET_DYN) {
		snprintf(why, whylen, "%s: an ELF file, but not an executable (%s)", path,
			 strerror(ENOEXEC));
		return -ENOEXEC;
	}
	if (!k->dynamic) {
		snprintf(why, whylen, "%s is statically linked: the interposer (LD_PRELOAD) "
			 "cannot reach a static program, its /dev/xen calls would go to the "
			 "host; link it dynamically", path);
		return -ENOEXEC;
	}
	if (want && (k->class != want->class || k->machine != want->machine)) {
		snprintf(why, whylen, "%s is a %d-bit %s program, the interposer is %d-bit "
			 "%s: the dynamic loader would not load it into the program", path,
			 k->class == ELFCLASS64 ? 64 : 32,
			 machine_name(k->machine, m1, sizeof(m1)),
			 want->class == ELFCLASS64 ? 64 : 32,
			 machine_name(want->machine, m2, sizeof(m2)));
		return -ENOEXEC;
	}
	/* the dynamic loader ignores LD_PRELOAD when exec changes the ids */
	if ((st->st_mode & S_ISUID && st->st_uid != geteuid()) ||
	    (st->st_mode & S_ISGID && st->st_gid != getegid())) {
		snprintf(why, whylen, "%s is set-user-ID or set-group-ID: the dynamic loader "
			 "ignores the interposer for it", path);
		return -ENOEXEC;
	}
	return 0;
}

static int check_file(const char *path, const struct elf_kind *want, int depth,
		      char *why, size_t whylen)
{
	char head[257] = "";
	struct elf_kind k;
	struct stat st;
	ssize_t got;
	int fd, rc;

	if (stat(path, &st) < 0)
		rc = -errno;
	else if (S_ISDIR(st.st_mode))
		rc = -EISDIR;
	else if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		rc = -EACCES;
	else
		rc = 0;
	if (rc) {
		snprintf(why, whylen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(why, whylen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = read_elf_kind(fd, &k);
	got = rc == 0 ? pread(fd, head, sizeof(head) - 1, 0) : 0;
	close(fd);
	if (rc < 0) {
		snprintf(why, whylen, "%s: a damaged ELF file (%s)", path, strerror(-rc));
		return rc;
	}
	if (rc == 1)
		return check_elf(path, &st, &k, want, why, whylen);
	if (got >= 2 && head[0] == '#' && head[1] == '!')
		return check_script(path, head, want, depth, why, whylen);
	/* neither: execvp() hands it to the shell */
	char inner[768];

	rc = check_file("/bin/sh", want, depth + 1, inner, sizeof(inner));
	if (rc)
		snprintf(why, whylen, "%s: a shell script without #!, and its shell: %s",
			 path, inner);
	return rc;
}

/* Finds `prog` along $PATH as execvp() does; buf holds the path found. */
static int find_in_path(const char *prog, char *buf, size_t n, char *why, size_t whylen)
{
	const char *path = getenv("PATH"), *p, *end;
	char first_denied[PATH_MAX] = "";
	struct stat st;

	if (!path)
		path = "/bin:/usr/bin";   /* glibc's execvp() default */
	for (p = path;; p = end + 1) {
		int len;

		end = strchrnul(p, ':');
		len = (int)(end - p);
		/* an empty element is the current directory */
		if ((size_t)snprintf(buf, n, "%.*s%s%s", len, p, len ? "/" : "", prog) < n &&
		    stat(buf, &st) == 0) {
			if (S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
				return 0;
			if (!first_denied[0])
				snprintf(first_denied, sizeof(first_denied), "%s", buf);
		}
		if (!*end)
			break;
	}
	if (first_denied[0]) {
		snprintf(buf, n, "%s", first_denied);
		snprintf(why, whylen, "%s: %s", first_denied, strerror(EACCES));
		return -EACCES;
	}
	snprintf(why, whylen, "%s: not found in $PATH (%s)", prog, strerror(ENOENT));
	return -ENOENT;
}

int hvsim_check_program(const char *prog, const char *preload, char *buf, size_t n,
			char *why, size_t whylen)
{
	struct elf_kind want, *wantp = NULL;
	int rc, fd;

	if (!*prog) {
		snprintf(why, whylen, "an empty program name (%s)", strerror(ENOENT));
		return -ENOENT;
	}
	if (preload) {
		fd = open(preload, O_RDONLY | O_CLOEXEC);
		rc = fd < 0 ? -errno : read_elf_kind(fd, &want);
		if (fd >= 0)
			close(fd);
		if (rc != 1) {
			snprintf(why, whylen, "the interposer %s: %s", preload,
				 rc < 0 ? strerror(-rc) : "not an ELF file");
			return rc < 0 ? rc : -ENOEXEC;
		}
		wantp = &want;
	}
	if (strchr(prog, '/')) {
		if ((size_t)snprintf(buf, n, "%s", prog) >= n) {
			snprintf(why, whylen, "%s: %s", prog, strerror(ENAMETOOLONG));
			return -ENAMETOOLONG;
		}
	} else {
		rc = find_in_path(prog, buf, n, why, whylen);
		if (rc)
			return rc;
	}
	return check_file(buf, wantp, 0, why, whylen);
}

static bool is_var(const char *entry, const char *name)
{
	size_t len = strlen(name);

	return !strncmp(entry, name, len) && entry[len] == '=';
}

/* LD_PRELOAD=preload, then the entries of `old` other than preload itself. */
static char *preload_var(const char *preload, const char *old)
{
	size_t cap = strlen("LD_PRELOAD=") + strlen(preload) + (old ? strlen(old) : 0) + 2;
	char *v = malloc(cap), *out;

	if (!v)
		return NULL;
	out = v + sprintf(v, "LD_PRELOAD=%s", preload);
	while (old && *old) {
		/* ld.so separates entries with spaces or colons */
		size_t len = strcspn(old, " :");

		if (len && (len != strlen(preload) || strncmp(old, preload, len)))
			out += sprintf(out, " %.*s", (int)len, old);
		old += len;
		old += strspn(old, " :");
	}
	return v;
}

char **hvsim_domain_env(char *const *envp, const char *dir, unsigned int domid,
			const char *preload)
{
	static const char *const ours[] = {
		"LD_PRELOAD", "HVSIM_DIR", "HVSIM_DOMID", "XENSTORED_PATH",
	};
	const size_t nr_ours = sizeof(ours) / sizeof(ours[0]);
	char absdir[PATH_MAX], xs[PATH_MAX];
	const char *old_preload = NULL;
	size_t nr = 0, i = 0;
	char **env;

	if (!envp)
		envp = environ;
	if (!realpath(dir ? dir : hvsim_dir(), absdir))
		return NULL;
	if (hvsim_xenstore_socket(absdir, domid, xs, sizeof(xs))) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	while (envp[nr])
		nr++;
	env = calloc(nr + nr_ours + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t e = 0; e < nr; e++) {
		bool replaced = false;

		for (size_t o = 0; o < nr_ours; o++)
			replaced |= is_var(envp[e], ours[o]);
		if (is_var(envp[e], "LD_PRELOAD") && !old_preload)
			old_preload = envp[e] + strlen("LD_PRELOAD=");
		if (replaced)
			continue;
		if (!(env[i++] = strdup(envp[e])))
			goto nomem;
	}
	if (!(env[i++] = preload_var(preload, old_preload)) ||
	    asprintf(&env[i++], "HVSIM_DIR=%s", absdir) < 0 ||
	    asprintf(&env[i++], "HVSIM_DOMID=%u", domid) < 0 ||
	    asprintf(&env[i++], "XENSTORED_PATH=%s", xs) < 0)
		goto nomem;
	return env;
nomem:
	/* a failed asprintf leaves its pointer undefined */
	env[i - 1] = NULL;
	hvsim_env_free(env);
	errno = ENOMEM;
	return NULL;
}

void hvsim_env_free(char **env)
{
	if (!env)
		return;
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}
