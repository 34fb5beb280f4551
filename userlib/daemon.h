/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Starting and stopping hvsimd (`hvsim up`, `hvsim down`, the tests'
 * harness): one daemon per state directory, detached from its starter.
 * Functions return 0 or a negative errno.
 */
#ifndef HVSIM_DAEMON_H
#define HVSIM_DAEMON_H

#include <stddef.h>

/*
 * Starts hvsimd for `dir` (NULL: hvsim_dir()) in the background and waits
 * until it serves; its log goes to dir/hvsimd.log.  -EALREADY if one runs
 * there already; -EPERM if dir is not the user's own or others may write
 * in it (hvsim/state_dir_check.h).  `err` (may be NULL) receives a message
 * for people.
 */
int hvsim_up(const char *dir, char *err, size_t errlen);
/*
 * The same, Domain-0's kernel started with `params` ("MODULE.PARAM=VALUE",
 * at most HVSIM_MAX_KERNEL_PARAMS; more: -E2BIG).
 */
int hvsim_up_params(const char *dir, const char *const *params, size_t nr_params,
		    char *err, size_t errlen);
/* Asks it to stop and waits until it has. -ESRCH if none runs. */
int hvsim_down(const char *dir);

#endif
