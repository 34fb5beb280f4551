// SPDX-License-Identifier: GPL-2.0-only
/* Finding the project's executables and libraries (project_files.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "project_files.h"

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

int hvsim_prefix_of(const char *exe_dir, char *buf, size_t n)
{
	/* where the programs are installed, below the prefix */
	static const char *const below[] = { "/bin", "/lib/hvsim" };
	size_t len = strlen(exe_dir);

	while (len > 1 && exe_dir[len - 1] == '/')
		len--;
	for (size_t i = 0; i < sizeof(below) / sizeof(below[0]); i++) {
		size_t k = strlen(below[i]);

		if (len < k || memcmp(exe_dir + len - k, below[i], k))
			continue;
		if (len - k + 1 > n)
			return -ENAMETOOLONG;
		/* the prefix of /bin is / */
		if (len == k)
			snprintf(buf, n, "/");
		else
			snprintf(buf, n, "%.*s", (int)(len - k), exe_dir);
		return 0;
	}
	return -ENOENT;
}

int hvsim_data_dir(char *buf, size_t n)
{
	char self[PATH_MAX], prefix[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int rc;

	if (len <= 0)
		return -errno;
	self[len] = 0;
	*strrchr(self, '/') = 0;
	rc = hvsim_prefix_of(self, prefix, sizeof(prefix));
	if (rc)
		return rc;
	if ((size_t)snprintf(buf, n, "%s/share/hvsim", strcmp(prefix, "/") ? prefix : "") >= n)
		return -ENAMETOOLONG;
	return 0;
}
