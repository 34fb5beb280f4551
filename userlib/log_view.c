// SPDX-License-Identifier: GPL-2.0-only
/* A domain's kernel log, printed and followed (log_view.h). */
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "log_view.h"

#define POLL_MS 100
/* how long the file stays idle before the writer is asked whether it lives */
#define ASK_MS  500

/* Copies what is there; 0 at its end, or -errno. */
static int copy_rest(int fd, FILE *out)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		fwrite(buf, 1, (size_t)n, out);
	}
	fflush(out);
	return 0;
}

int log_view(const char *path, bool follow, bool (*writing)(void *arg), void *arg,
	     FILE *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err, idle_ms = 0;

	if (fd < 0)
		return -errno;
	while (!(err = copy_rest(fd, out)) && follow) {
		struct timespec ts = { 0, POLL_MS * 1000 * 1000 };
		off_t before = lseek(fd, 0, SEEK_CUR);

		nanosleep(&ts, NULL);
		/* a line written meanwhile is news: the writer lives */
		if (lseek(fd, 0, SEEK_END) != before) {
			lseek(fd, before, SEEK_SET);
			idle_ms = 0;
			continue;
		}
		idle_ms += POLL_MS;
		if (idle_ms < ASK_MS)
			continue;
		idle_ms = 0;
		if (!writing(arg)) {
			/* its last lines may have come after we looked */
			err = copy_rest(fd, out);
			break;
		}
	}
	close(fd);
	return err;
}
