/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What hvsimd's transports do when the semantic core makes or destroys a
 * domain (hooks.h): xenstore introduces it; on destroy the hypercall
 * transport, the domain's kernel and xenstore let it go.  hvsimd and the
 * control fuzzer, which runs hvsimd's transports in process, install the
 * same ones.
 */
#ifndef HVSIM_DAEMON_HOOKS_H
#define HVSIM_DAEMON_HOOKS_H

void hvsimd_install_domain_hooks(void);

#endif
