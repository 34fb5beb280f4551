// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "peer_fixture.h"

#define MAX_PROCS 8

static struct domproc procs[MAX_PROCS];
static int nr_procs;
static char peer_exe[PATH_MAX];

void peer_fixture_up(int nr_domus, const char *peer)
{
	char bindir[PATH_MAX];

	harness_up(nr_domus);
	peer_exe[0] = '\0';
	if (peer)
		snprintf(peer_exe, sizeof(peer_exe), "%s", harness_exe(peer));
	snprintf(bindir, sizeof(bindir), "%s", harness_exe("hvsim"));
	*strrchr(bindir, '/') = '\0';
	domproc_setup(bindir, harness_dir());
	nr_procs = 0;
}

void peer_fixture_down(void)
{
	for (int i = 0; i < nr_procs; i++)
		domproc_cleanup(&procs[i]);
	nr_procs = 0;
	harness_down();
}

struct domproc *peer_start_argv(unsigned int domid, char *const argv[])
{
	struct domproc *p;

	ck_assert_int_lt(nr_procs, MAX_PROCS);
	p = &procs[nr_procs++];
	ck_assert_msg(domproc_start(p, domid, argv) == 0, "starting '%s' in domain %u: %s",
		      argv[1] ? argv[1] : argv[0], domid, p->error);
	return p;
}

struct domproc *peer_start(unsigned int domid, const char *fmt, ...)
{
	char **argv, *words, *save = NULL;
	struct domproc *p;
	size_t n = 0, cap = 16;
	va_list ap;

	ck_assert_msg(peer_exe[0], "no peer program in this fixture");
	va_start(ap, fmt);
	ck_assert(vasprintf(&words, fmt, ap) >= 0);
	va_end(ap);
	argv = malloc(cap * sizeof(*argv));
	ck_assert_ptr_nonnull(argv);
	argv[n++] = peer_exe;
	for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (n + 1 == cap) {
			cap *= 2;
			argv = realloc(argv, cap * sizeof(*argv));
			ck_assert_ptr_nonnull(argv);
		}
		argv[n++] = w;
	}
	argv[n] = NULL;
	p = peer_start_argv(domid, argv);
	free(argv);
	free(words);
	return p;
}

char *peer_expect(struct domproc *p, const char *key)
{
	const char *v = domproc_expect(p, key, PEER_LINE_TIMEOUT_MS);

	ck_assert_msg(v != NULL, "%s", p->error);
	return strdup(v);
}

void peer_expect_exit(struct domproc *p, int want)
{
	int got = domproc_wait(p, PEER_EXIT_TIMEOUT_MS);

	ck_assert_msg(got == want, "%s exited with %d, expected %d", p->name, got, want);
}
