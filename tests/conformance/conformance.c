// SPDX-License-Identifier: GPL-2.0-only
/*
 * Observation output and names.  Errnos and signals are printed by name
 * (glibc's own tables), grant statuses by their GNTST_ name, so a line reads
 * the same on any machine and says what it means.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "conformance.h"
#include "remote.h"

static domid_t peer;
static domid_t self_known = DOMID_INVALID;
static domid_t self;
static bool remote;

static void usage(void)
{
	fprintf(stderr, "usage: PROGRAM [--peer DOMID] [--remote RFD,WFD]"
		" [--self DOMID]\n"
		"       PROGRAM --agent RFD,WFD\n"
		"  --peer DOMID (or $CONFORMANCE_PEER): the domain to grant to"
		" and map from; default 0\n"
		"  --remote RFD,WFD: the other side of every exchange is the"
		" agent in DOMID,\n"
		"    reached over these two descriptors\n"
		"  --agent RFD,WFD: be that agent\n"
		"  --self DOMID (or $CONFORMANCE_SELF): this domain, where"
		" $HVSIM_DOMID does not say\n");
	exit(2);
}

static domid_t parse_domid(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || v > 0xffff)
		usage();
	return (domid_t)v;
}

void conf_init(int argc, char **argv)
{
	const char *env = getenv("CONFORMANCE_PEER");
	const char *remote_fds = NULL, *agent_fds = NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (env && *env)
		peer = parse_domid(env);
	env = getenv("CONFORMANCE_SELF");
	if (env && *env)
		self_known = parse_domid(env);
	else if ((env = getenv("HVSIM_DOMID")) && *env)
		self_known = parse_domid(env);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--peer") == 0 && i + 1 < argc)
			peer = parse_domid(argv[++i]);
		else if (strcmp(argv[i], "--self") == 0 && i + 1 < argc)
			self_known = parse_domid(argv[++i]);
		else if (strcmp(argv[i], "--remote") == 0 && i + 1 < argc)
			remote_fds = argv[++i];
		else if (strcmp(argv[i], "--agent") == 0 && i + 1 < argc)
			agent_fds = argv[++i];
		else
			usage();
	}
	if (agent_fds && remote_fds)
		usage();
	if (agent_fds)
		agent_main(agent_fds);
	self = peer;
	if (remote_fds) {
		remote = true;
		self = remote_connect(remote_fds, self_known, peer);
	}
}

domid_t conf_peer(void)
{
	return peer;
}

bool conf_remote(void)
{
	return remote;
}

domid_t conf_self(void)
{
	return self;
}

domid_t conf_self_known(void)
{
	return self_known;
}

void say(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void say_rc(const char *key, long rc)
{
	if (rc >= 0)
		say(key, "ok");
	else
		say(key, "errno=%s", errno_name(errno));
}

void say_ptr(const char *key, const void *p)
{
	if (p && p != (void *)-1)
		say(key, "ok");
	else
		say(key, "errno=%s", errno_name(errno));
}

const char *errno_name(int err)
{
	static char buf[16];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

const char *gntst_name(int status)
{
	static const char *const names[] = {
		[-GNTST_okay] = "GNTST_okay",
		[-GNTST_general_error] = "GNTST_general_error",
		[-GNTST_bad_domain] = "GNTST_bad_domain",
		[-GNTST_bad_gntref] = "GNTST_bad_gntref",
		[-GNTST_bad_handle] = "GNTST_bad_handle",
		[-GNTST_bad_virt_addr] = "GNTST_bad_virt_addr",
		[-GNTST_bad_dev_addr] = "GNTST_bad_dev_addr",
		[-GNTST_no_device_space] = "GNTST_no_device_space",
		[-GNTST_permission_denied] = "GNTST_permission_denied",
		[-GNTST_bad_page] = "GNTST_bad_page",
		[-GNTST_bad_copy_arg] = "GNTST_bad_copy_arg",
		[-GNTST_address_too_big] = "GNTST_address_too_big",
		[-GNTST_eagain] = "GNTST_eagain",
		[-GNTST_no_space] = "GNTST_no_space",
	};
	static char buf[24];

	if (status <= 0 && -status < (int)(sizeof(names) / sizeof(names[0])))
		return names[-status];
	snprintf(buf, sizeof(buf), "GNTST_%d", status);
	return buf;
}

const char *signal_name(int sig)
{
	static char buf[24];
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	else
		snprintf(buf, sizeof(buf), "SIG%d", sig);
	return buf;
}

const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

void say_child_read(const char *key, const volatile uint8_t *addr)
{
	int pipefd[2];
	pid_t pid;
	int status;
	uint8_t byte;

	if (pipe(pipefd) < 0)
		fatal("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		close(pipefd[0]);
		byte = *addr;
		_exit(write(pipefd[1], &byte, 1) == 1 ? 0 : 1);
	}
	close(pipefd[1]);
	if (waitpid(pid, &status, 0) < 0)
		fatal("waitpid");
	if (WIFSIGNALED(status))
		say(key, "signal=%s", signal_name(WTERMSIG(status)));
	else if (read(pipefd[0], &byte, 1) == 1)
		say(key, "value=0x%02x", byte);
	else
		say(key, "exit=%d", WEXITSTATUS(status));
	close(pipefd[0]);
}

static sigjmp_buf read_fault;

static void on_read_fault(int sig)
{
	siglongjmp(read_fault, sig);
}

void say_read(const char *key, const volatile uint8_t *addr)
{
	struct sigaction sa = { .sa_handler = on_read_fault }, old_segv, old_bus;
	volatile int sig;
	volatile uint8_t byte = 0;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old_segv) < 0 || sigaction(SIGBUS, &sa, &old_bus) < 0)
		fatal("sigaction");
	sig = sigsetjmp(read_fault, 1);
	if (!sig)
		byte = *addr;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	if (sig)
		say(key, "signal=%s", signal_name(sig));
	else
		say(key, "value=0x%02x", byte);
}

void fatal(const char *what)
{
	int err = errno;

	fflush(stdout);
	fprintf(stderr, "conformance: %s: %s\n", what, errno_name(err));
	exit(2);
}
