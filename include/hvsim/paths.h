/* SPDX-License-Identifier: GPL-2.0-only */
/* Where a running system keeps its sockets and files. */
#ifndef HVSIM_PATHS_H
#define HVSIM_PATHS_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * The state directory: $HVSIM_DIR, else $XDG_RUNTIME_DIR/hvsim, else
 * /tmp/hvsim-$UID.  Writes it into buf (size n); returns buf.
 */
static inline const char *hvsim_state_dir(char *buf, size_t n)
{
	const char *e = getenv("HVSIM_DIR");

	if (e && *e)
		snprintf(buf, n, "%s", e);
	else if ((e = getenv("XDG_RUNTIME_DIR")) && *e)
		snprintf(buf, n, "%s/hvsim", e);
	else
		snprintf(buf, n, "/tmp/hvsim-%u", (unsigned int)getuid());
	return buf;
}

#endif
