/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU hotplug states.  The one vCPU is up before any initcall and never
 * goes, so a callback registered without calls ("_nocalls") never runs.
 */
#ifndef _LINUX_CPUHOTPLUG_H
#define _LINUX_CPUHOTPLUG_H

enum cpuhp_state {
	CPUHP_INVALID = -1,
	CPUHP_OFFLINE = 0,
	CPUHP_XEN_PREPARE,
	CPUHP_XEN_EVTCHN_PREPARE,
	CPUHP_AP_ONLINE_DYN,
};

static inline int cpuhp_setup_state_nocalls(enum cpuhp_state state, const char *name,
					    int (*startup)(unsigned int cpu),
					    int (*teardown)(unsigned int cpu))
{
	(void)state; (void)name; (void)startup; (void)teardown;
	return 0;
}

#endif
