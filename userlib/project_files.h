/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Finding the project's own executables and libraries, in the build tree
 * or installed (make install puts them in $PREFIX/bin, $PREFIX/lib/hvsim).
 */
#ifndef HVSIM_PROJECT_FILES_H
#define HVSIM_PROJECT_FILES_H

#include <stddef.h>

/*
 * Finds an executable of the project (hvsimd, hvsim-kernel, ...):
 * $HVSIM_LIBEXEC, then beside the running executable, then ../bin and
 * ../lib/hvsim from there.  Returns 0 and the path in buf, or -ENOENT.
 */
int hvsim_find_exe(const char *name, char *buf, size_t n);

/*
 * Finds a shared library of the project (HVSIM_PRELOAD_LIB): in
 * $HVSIM_LIBEXEC, beside the running executable, then ../lib and
 * ../lib/hvsim from there.  Returns 0 with its absolute path in buf, or
 * -ENOENT; `searched` (may be NULL) then lists the directories tried,
 * for the message.
 */
int hvsim_find_lib(const char *name, char *buf, size_t n, char *searched, size_t searched_len);

/*
 * The installation prefix of a program in directory `exe_dir` (absolute):
 * the directory above bin/ or lib/hvsim/, where make install and the
 * Debian package put the programs (in the build tree: $(O), above
 * $(O)/bin).  Returns 0 with it in buf, -ENOENT for a directory that is
 * neither, -ENAMETOOLONG.
 */
int hvsim_prefix_of(const char *exe_dir, char *buf, size_t n);

/*
 * The project's data directory for the running program: PREFIX/share/hvsim
 * (PREFIX from /proc/self/exe, as hvsim_prefix_of), whether or not it
 * exists.  Returns 0 with it in buf, or a negative errno.
 */
int hvsim_data_dir(char *buf, size_t n);

#endif
