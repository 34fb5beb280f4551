/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control commands of fault injection (docs/control-protocol.md):
 * fault_set, fault_clear, fault_list.  The rules are fault.h's; those of
 * a domain's kernel go to the kernel (kernel_fault.h) and the reply waits
 * for its answer.
 */
#ifndef HVSIM_FAULT_CTL_H
#define HVSIM_FAULT_CTL_H

#include <json-c/json.h>

struct ctl_conn;

/* Handles `cmd` ("fault_..."): a reply, or NULL when it comes later. */
struct json_object *fault_control_command(struct ctl_conn *c, const char *cmd,
					  struct json_object *req);

#endif
