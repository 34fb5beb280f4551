/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hooks by which the daemon's transport learns of events in the semantic
 * core without the core knowing about sockets.
 */
#ifndef HVSIM_HOOKS_H
#define HVSIM_HOOKS_H

struct domain;

/* Called when a running domain starts dying, before its state is torn down. */
void domain_set_destroy_hook(void (*hook)(struct domain *d));
/*
 * Called when a domain is made, before it becomes visible; a nonzero
 * return (-errno) undoes the creation and is domain_create()'s answer.
 */
void domain_set_create_hook(int (*hook)(struct domain *d));

#endif
