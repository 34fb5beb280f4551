// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostk_copy_runs_to_user: many short writes into one program, the runs
 * of bytes a bounce page's holder changed (kmod/shim/gup.c), in one
 * process_vm_writev for up to RUNS_PER_CALL runs: each call costs a task
 * lookup, a ptrace check and a page-table walk, far more than a few KiB
 * of bytes.
 *
 * Every run is still tried on its own, as a hostk_copy_to_user per run
 * would: process_vm_writev stops at the first run it cannot write
 * (unmapped, read-only), so that run is retried alone from where it
 * stopped and given up when a call writes nothing of it, and the runs
 * after it go on in the next call.
 */
#include <limits.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "hostif.h"

/* iovecs of one call, on the caller's stack */
#define RUNS_PER_CALL 256
_Static_assert(RUNS_PER_CALL <= IOV_MAX, "a call takes at most IOV_MAX iovecs");

unsigned long hostk_copy_runs_to_user(int pid, const struct hostk_run *runs,
				      unsigned int n)
{
	struct iovec local[RUNS_PER_CALL], remote[RUNS_PER_CALL];
	unsigned long not_written = 0, off = 0;	/* of runs[i] written already */
	unsigned int i = 0;

	while (i < n) {
		unsigned int k = 0, j;
		ssize_t got;

		for (j = i; j < n && k < RUNS_PER_CALL; j++, k++) {
			unsigned long skip = j == i ? off : 0;

			local[k].iov_base = (char *)runs[j].from + skip;
			local[k].iov_len = runs[j].len - skip;
			remote[k].iov_base = (void *)(runs[j].to + skip);
			remote[k].iov_len = runs[j].len - skip;
		}
		got = process_vm_writev(pid, local, k, remote, k, 0);
		if (got <= 0) {
			/* nothing more of runs[i] goes: the next run on its own */
			not_written += runs[i].len - off;
			i++;
			off = 0;
			continue;
		}
		/* the runs written whole, then how far the call got into the next */
		while (i < j && (unsigned long)got >= runs[i].len - off) {
			got -= runs[i].len - off;
			i++;
			off = 0;
		}
		off += got;
	}
	return not_written;
}
