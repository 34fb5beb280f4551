/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Finding a scenario script from what was typed after `hvsim scenario`.
 *
 * A name with a slash is a path: FILE, else FILE.scn (scenarios/default
 * runs scenarios/default.scn).  A bare name (no slash) is looked up as
 * NAME, then NAME.scn, in each directory of this list, first match wins:
 *
 *   1. the current directory (a script of your own: `hvsim scenario mine`),
 *   2. each directory of $HVSIM_SCENARIO_PATH, a colon-separated list
 *      (empty entries are skipped),
 *   3. the scenario library, PREFIX/share/hvsim/scenarios, PREFIX being
 *      where the running program is installed (project_files.h); in the
 *      build tree, $(O)/share/hvsim/scenarios points at scenarios/.
 *
 * So `hvsim scenario default` runs the library's default.scn from any
 * directory without a default.scn of its own.
 */
#ifndef HVSIM_SCN_FIND_H
#define HVSIM_SCN_FIND_H

#include <stddef.h>

/*
 * Finds `arg` as above, with `path_env` standing for $HVSIM_SCENARIO_PATH
 * (may be NULL) and `library` for the library's directory (may be NULL).
 * Returns 0 with the script's path in buf, -ENOENT when nothing matched
 * (then `searched`, if not NULL, lists the places tried, ", "-separated),
 * or -ENAMETOOLONG.
 */
int scn_find_script(const char *arg, const char *path_env, const char *library,
		    char *buf, size_t n, char *searched, size_t searched_len);

#endif
