/* SPDX-License-Identifier: GPL-2.0-only */
/* A domain's kernel log (hvsim/paths.h, hvsim_kernel_log) for `hvsim log`. */
#ifndef HVSIM_LOG_VIEW_H
#define HVSIM_LOG_VIEW_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Copies the file at `path` to `out`.  With `follow`, goes on copying what
 * is appended, as `tail -f` does, until `writing(arg)` says nothing more
 * will come (asked when the file has been idle a while); then copies what
 * came meanwhile and returns.  Returns 0, or -errno if the file cannot be
 * opened or read.
 */
int log_view(const char *path, bool follow, bool (*writing)(void *arg), void *arg,
	     FILE *out);

#endif
