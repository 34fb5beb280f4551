/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kill -9 sweep's view of hvsimd (killsweep_test.c): what its control
 * socket says, and what is left over after a case compared with a clean
 * system.  Domains are named by role in what is compared ("A" and "B"
 * for alice's and bob's current domains, "0" for Domain-0), since a
 * domain that replaces a dead one has another domid.
 */
#ifndef KILLSWEEP_KS_STATE_H
#define KILLSWEEP_KS_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

/* The domains alive now, as the sweep keeps them (read on every call). */
struct ks_world {
	pid_t hvsimd;
	uint16_t domid[2];       /* alice's, bob's */
	const char *name[2];
};

/* What a clean system looks like. */
struct ks_baseline {
	char *ports[2];          /* Domain-0's, a domU's (each kernel opens the same) */
	char *store;             /* xenstore's paths, by role */
	int fds;                 /* hvsimd's descriptors */
};

void ks_state_init(const struct ks_world *w);

/* A control request of the harness's connection: the reply, or NULL. */
struct json_object *ks_call(const char *cmd, const char *domain);
struct json_object *ks_get(struct json_object *o, const char *key);

/* "running", "dying", "dead" or "gone". */
const char *ks_domain_state(uint16_t domid);
/* The state of a port ("free" if it is not listed). */
void ks_port_state(uint16_t domid, int port, char *buf, size_t n);
/* Whether a grant of domid is pinned by a mapping. */
bool ks_grant_pinned(uint16_t domid, int ref);

void ks_baseline_take(struct ks_baseline *b);
/*
 * What is left over that the baseline does not have, in words ("" when
 * clean): grants in use, maptrack handles, p2m overrides, ports, xenstore
 * nodes, hvsimd's descriptors and a dead domain's memfds or mappings.
 * `dead` is a domain that must be dead by now (-1: none).
 */
void ks_leftovers(const struct ks_baseline *b, char *out, size_t n, int dead);

/* hvsimd's anonymous memory. */
long ks_rss_anon_kib(void);
/* The process of domid's kernel, or -1. */
pid_t ks_kernel_pid(uint16_t domid);

#endif
