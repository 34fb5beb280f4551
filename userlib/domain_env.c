// SPDX-License-Identifier: GPL-2.0-only
/* A program's environment in a domain (domain_env.h). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvsim/paths.h"
#include "domain_env.h"

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
	char statedir[PATH_MAX], absdir[PATH_MAX], xs[PATH_MAX];
	const char *old_preload = NULL;
	size_t nr = 0, i = 0;
	char **env;

	if (!envp)
		envp = environ;
	if (!dir)
		dir = hvsim_state_dir(statedir, sizeof(statedir));
	if (!realpath(dir, absdir))
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
