// SPDX-License-Identifier: GPL-2.0-only
/* Finding a scenario script by path or by name (scn_find.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "scn_find.h"

/* A file that can be run: a regular file (a directory named "default" is not). */
static bool is_script(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * `dir`/`name`, then `dir`/`name`.scn (dir NULL: `name` as it is).
 * Returns 0 when one is a script, -ENOENT, or -ENAMETOOLONG.
 */
static int try_in(const char *dir, int dir_len, const char *name, char *buf, size_t n)
{
	static const char *const suffix[] = { "", ".scn" };

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		int k = dir ? snprintf(buf, n, "%.*s/%s%s", dir_len, dir, name, suffix[i])
			    : snprintf(buf, n, "%s%s", name, suffix[i]);

		if (k < 0 || (size_t)k >= n)
			return -ENAMETOOLONG;
		if (is_script(buf))
			return 0;
	}
	return -ENOENT;
}

/* Adds a place to the list of those tried, for the message. */
static void note(char *searched, size_t len, size_t *used, const char *what, int what_len)
{
	int k;

	if (!searched || !len || *used >= len)
		return;
	k = snprintf(searched + *used, len - *used, "%s%.*s", *used ? ", " : "", what_len, what);
	*used += k > 0 ? (size_t)k : 0;
}

int scn_find_script(const char *arg, const char *path_env, const char *library,
		    char *buf, size_t n, char *searched, size_t searched_len)
{
	size_t used = 0;
	int rc;

	if (searched && searched_len)
		searched[0] = 0;
	/* a path: as given, or with .scn */
	if (strchr(arg, '/')) {
		rc = try_in(NULL, 0, arg, buf, n);
		if (rc == -ENOENT)
			note(searched, searched_len, &used, arg, (int)strlen(arg));
		return rc;
	}
	/* a name: the current directory, the path, the library */
	rc = try_in(NULL, 0, arg, buf, n);
	if (rc != -ENOENT)
		return rc;
	note(searched, searched_len, &used, "the current directory",
	     (int)strlen("the current directory"));
	for (const char *p = path_env; p && *p;) {
		const char *colon = strchr(p, ':');
		int len = colon ? (int)(colon - p) : (int)strlen(p);

		if (len > 0) {
			rc = try_in(p, len, arg, buf, n);
			if (rc != -ENOENT)
				return rc;
			note(searched, searched_len, &used, p, len);
		}
		p += len + (colon != NULL);
	}
	if (library && *library) {
		rc = try_in(library, (int)strlen(library), arg, buf, n);
		if (rc != -ENOENT)
			return rc;
		note(searched, searched_len, &used, library, (int)strlen(library));
	}
	return -ENOENT;
}
