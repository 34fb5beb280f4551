// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim-kernel: the guest kernel process of one domain.
 *
 *   hvsim-kernel --domid N --name NAME --dir STATEDIR [--param MOD.PARAM=VALUE ...]
 *
 * Started by hvsimd with HVSIM_HYPERCALL_FD (a connected hypercall socket)
 * and HVSIM_READY_FD (one byte is written there once the devices serve).
 * Without HVSIM_HYPERCALL_FD it attaches through STATEDIR's hypercall
 * socket itself (for running it by hand).  It boots the kernel (every
 * module_init), serves STATEDIR/dom<N>/devices, and runs until the domain
 * is destroyed (the hypercall connection ends) or SIGTERM/SIGINT.  Then it
 * hangs up on its programs, releases their files, runs the module_exits
 * and reports any slab leak; with HVSIM_KERNEL_STRICT=1 a leak makes the
 * exit status 3.  HVSIM_KERNEL_PARAMS ("MOD.PARAM=VALUE ...", separated by
 * blanks) sets parameters of every domain's kernel before its own --param
 * (say xen.fifo_events=0 for the 2-level event ABI everywhere).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hvsim/paths.h"
#include "hvsim_guest.h"
#include "hostif.h"
#include "host.h"

#define MAX_PARAMS 64

static void usage(void)
{
	fprintf(stderr, "usage: hvsim-kernel --domid N --name NAME --dir STATEDIR "
			"[--param MODULE.PARAM=VALUE ...]\n");
	exit(2);
}

static int set_param(const char *spec)
{
	char buf[256], *dot, *eq;
	int err;

	if (strlen(spec) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, spec);
	dot = strchr(buf, '.');
	eq = strchr(buf, '=');
	if (!dot || !eq || eq < dot)
		return -EINVAL;
	*dot = *eq = '\0';
	err = kmod_param_set(buf, dot + 1, eq + 1);
	if (err)
		fprintf(stderr, "hvsim-kernel: --param %s: %s\n", spec,
			err == -ENOENT ? "no such module parameter" : "bad value");
	return err;
}

/* HVSIM_KERNEL_PARAMS: the defaults of every kernel hvsimd starts. */
static int set_env_params(void)
{
	const char *v = getenv("HVSIM_KERNEL_PARAMS");
	char *copy, *tok, *save = NULL;
	int err = 0;

	if (!v || !*v)
		return 0;
	copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, " \t", &save); tok && !err; tok = strtok_r(NULL, " \t", &save))
		err = set_param(tok);
	if (err)
		fprintf(stderr, "hvsim-kernel: in HVSIM_KERNEL_PARAMS\n");
	free(copy);
	return err;
}

static int env_fd(const char *name)
{
	const char *v = getenv(name);
	char *end;
	long fd;

	if (!v || !*v)
		return -1;
	fd = strtol(v, &end, 10);
	unsetenv(name);
	return *end || fd < 0 || fd > INT_MAX ? -1 : (int)fd;
}

int main(int argc, char **argv)
{
	const char *name = NULL, *dir = NULL, *params[MAX_PARAMS];
	int nr_params = 0, domid = -1, hfd, rfd, sfd, pipefd[2], err;
	char path[PATH_MAX];
	struct hvsim_guest *g;
	sigset_t sigs;
	long leaks;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--domid") && i + 1 < argc)
			domid = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--param") && i + 1 < argc && nr_params < MAX_PARAMS)
			params[nr_params++] = argv[++i];
		else
			usage();
	}
	if (domid < 0 || domid >= (int)DOMID_FIRST_RESERVED || !dir)
		usage();
	host_log_init(name ? name : "", domid);
	host_xenstore_init(dir, (unsigned int)domid);
	host_cpus_init();

	/* Signals are taken synchronously by the main thread only. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);

	if (set_env_params())
		return 2;
	for (int i = 0; i < nr_params; i++)
		if (set_param(params[i]))
			return 2;

	hfd = env_fd("HVSIM_HYPERCALL_FD");
	rfd = env_fd("HVSIM_READY_FD");
	err = hfd >= 0 ? hvsim_guest_attach_fd(hfd, domid, &g)
		       : hvsim_guest_attach(dir, domid, &g);
	if (err) {
		fprintf(stderr, "hvsim-kernel: attaching to domain %d: %s\n", domid,
			strerror(-err));
		return 1;
	}
	hypercalls_set_guest(g);

	err = kmod_boot();
	if (err) {
		fprintf(stderr, "hvsim-kernel: boot failed: %s\n", strerror(-err));
		return 1;
	}
	if (pipe2(pipefd, O_CLOEXEC) || procwatch_start() ||
	    hypercalls_start_vcpu(pipefd[1])) {
		fprintf(stderr, "hvsim-kernel: cannot start its threads\n");
		return 1;
	}
	/* hvsimd has made the domain's directory; not so when run by hand */
	err = hvsim_domain_dir(dir, (unsigned int)domid, path, sizeof(path));
	if (!err && mkdir(path, 0700) && errno != EEXIST)
		err = -errno;
	if (err) {
		fprintf(stderr, "hvsim-kernel: %s: %s\n", path, strerror(-err));
		return 1;
	}
	err = hvsim_devices_socket(dir, (unsigned int)domid, path, sizeof(path));
	if (!err)
		err = devsock_start(path);
	if (err) {
		fprintf(stderr, "hvsim-kernel: %s: %s\n", path, strerror(-err));
		return 1;
	}
	if (rfd >= 0) {
		if (write(rfd, "R", 1) != 1)
			fprintf(stderr, "hvsim-kernel: cannot say ready: %s\n", strerror(errno));
		close(rfd);
	}

	/* Runs until the domain goes or we are told to stop. */
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = pipefd[0], .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0 && errno == EINTR)
			continue;
		if (p[0].revents || p[1].revents)
			break;
	}

	/*
	 * Destroyed (hvsimd said HVSIM_MSG_SHUTDOWN before its SIGTERM): the
	 * domain is gone at once, as on Xen.  Its programs die with it, and
	 * nothing of ours runs any more: no unmap notification may write into
	 * pages that other domains still map (zombie pages keep what they
	 * held).  hvsimd stopping (EOF alone, or a SIGTERM) shuts down in
	 * order instead, with the leak report.
	 */
	/*
	 * (Another thread may be reading the message just now: this waits for
	 * it.  A fixed 10 ms wait here lost that race on a busy machine, and a
	 * destroyed domain's release cleared a byte of a page its peer still
	 * mapped: scenarios/destroy-while-mapped.scn.)
	 */
	if (hypercalls_domain_destroyed()) {
		procwatch_kill_all();
		_exit(0);
	}
	devsock_stop(1000);
	/* Programs still mapping our pages go away with the domain. */
	kmod_mm_exit_all();
	leaks = kmod_shutdown();
	if (leaks)
		hostk_log(3, "slab: objects leaked at shutdown (see above)");
	if (leaks && getenv("HVSIM_KERNEL_STRICT"))
		_exit(3);
	_exit(0);
}
