/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The LSM hooks a driver here asks: lockdown only.  The guest kernel runs
 * with no security module and is never locked down, as a kernel built
 * without CONFIG_SECURITY answers.
 */
#ifndef _LINUX_SECURITY_H
#define _LINUX_SECURITY_H

enum lockdown_reason {
	LOCKDOWN_NONE,
	LOCKDOWN_XEN_USER_ACTIONS,
	LOCKDOWN_CONFIDENTIALITY_MAX,
};

static inline int security_locked_down(enum lockdown_reason what)
{
	return 0;
}

#endif
