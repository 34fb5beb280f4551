/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whether the state directory (hvsim/paths.h) is safe to use.  Its
 * control socket acts as Domain-0, its domains' sockets serve their
 * devices, and with XDG_RUNTIME_DIR unset it lies in /tmp, where another
 * user may have made it first.  So, as ssh treats ~/.ssh, hvsim and hvsimd
 * use it only if it is a directory of the user's own that nobody else may
 * write in (and so replace a socket in).
 */
#ifndef HVSIM_STATE_DIR_CHECK_H
#define HVSIM_STATE_DIR_CHECK_H

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The message, cut short if need be (a path may be long). */
__attribute__((format(printf, 3, 4)))
static inline void hvsim_state_dir_say(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
}

/* "nobody (uid 65534)", or "uid 65534" for a uid with no name. */
static inline const char *hvsim_uid_name(uid_t uid, char *buf, size_t n)
{
	struct passwd pw, *found = NULL;
	char pwbuf[1024];

	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found)
		snprintf(buf, n, "%s (uid %u)", found->pw_name, (unsigned int)uid);
	else
		snprintf(buf, n, "uid %u", (unsigned int)uid);
	return buf;
}

/*
 * Returns 0 when `dir` is safe; -ENOENT when it does not exist (the caller
 * may make it, mode 0700); otherwise -EPERM (or -ENOTDIR, or stat's
 * -errno) with a sentence in `why` (size n) that says what is wrong and
 * how to fix it.  A symbolic link is followed, but must itself be the
 * user's: in /tmp another user could otherwise point it anywhere.
 */
static inline int hvsim_state_dir_check(const char *dir, char *why, size_t n)
{
	uid_t me = geteuid();
	char owner[96], self[96];
	struct stat st;

	if (lstat(dir, &st) < 0) {
		int err = errno;

		hvsim_state_dir_say(why, n, "the state directory %s: %s", dir, strerror(err));
		return -err;
	}
	if (S_ISLNK(st.st_mode) && st.st_uid != me) {
		hvsim_state_dir_say(why, n, "the state directory %s is a symbolic link owned by %s "
			 "rather than by you, %s; remove it, or set HVSIM_DIR to a directory "
			 "of your own", dir, hvsim_uid_name(st.st_uid, owner, sizeof(owner)),
			 hvsim_uid_name(me, self, sizeof(self)));
		return -EPERM;
	}
	if (stat(dir, &st) < 0) {
		int err = errno;

		hvsim_state_dir_say(why, n, "the state directory %s: %s", dir, strerror(err));
		return -err;
	}
	if (!S_ISDIR(st.st_mode)) {
		hvsim_state_dir_say(why, n, "the state directory %s is not a directory; remove it, or "
			 "set HVSIM_DIR to a directory of your own", dir);
		return -ENOTDIR;
	}
	if (st.st_uid != me) {
		hvsim_state_dir_say(why, n, "the state directory %s is owned by %s rather than by "
			 "you, %s, so its sockets may not be hvsimd's; remove it, or set "
			 "HVSIM_DIR to a directory of your own",
			 dir, hvsim_uid_name(st.st_uid, owner, sizeof(owner)),
			 hvsim_uid_name(me, self, sizeof(self)));
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		hvsim_state_dir_say(why, n, "the state directory %s is writable by %s (mode %04o), so "
			 "others could replace its sockets; fix it with: chmod go-w %s",
			 dir, (st.st_mode & S_IWOTH) ? "others" : "its group",
			 (unsigned int)(st.st_mode & 07777), dir);
		return -EPERM;
	}
	return 0;
}

#endif
