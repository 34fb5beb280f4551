/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A program's environment in a domain: what `hvsim run` (and the scenario
 * runner) give a program so that the interposer and libxenstore find the
 * domain's devices and xenstore (docs/userlib.md).
 */
#ifndef HVSIM_DOMAIN_ENV_H
#define HVSIM_DOMAIN_ENV_H

/* The interposer every program of a domain runs with (LD_PRELOAD). */
#define HVSIM_PRELOAD_LIB "libhvsim-preload.so"

/*
 * The environment of a program of domain `domid` of the hvsimd in `dir`
 * (NULL: the state directory in effect): `envp` (NULL: environ) with
 * `preload` prepended to LD_PRELOAD (earlier entries kept), HVSIM_DIR
 * (absolute), HVSIM_DOMID and XENSTORED_PATH set.  A malloc'd
 * NULL-terminated array for hvsim_env_free(), or NULL with errno set.
 */
char **hvsim_domain_env(char *const *envp, const char *dir, unsigned int domid,
			const char *preload);
void hvsim_env_free(char **env);

#endif
