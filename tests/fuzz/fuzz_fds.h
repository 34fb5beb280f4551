/* SPDX-License-Identifier: GPL-2.0-only */
/* The fuzzers' check that hvsimd's code closed every descriptor it opened. */
#ifndef FUZZ_FDS_H
#define FUZZ_FDS_H

/*
 * Descriptors the process has open, but pipes: libFuzzer starts
 * llvm-symbolizer on pipes it keeps, the first time it names a function
 * (NEW_FUNC), and hvsimd has none here.  -1 if /proc cannot be read.
 */
int fuzz_open_fds(void);

#endif
