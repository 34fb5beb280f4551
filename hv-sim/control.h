/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: JSON lines from the hvsim CLI and libhvsim
 * (docs/control-protocol.md).  It decodes requests and calls the core; it
 * holds no state of its own beyond each connection's buffers.
 */
#ifndef HVSIM_CONTROL_H
#define HVSIM_CONTROL_H

#include <json-c/json.h>

int control_listen(const char *path);

/* Replies for command handlers: {"ok":true}, and a refusal with its errno
 * (positive) and a message for people. */
struct json_object *control_ok_reply(void);
__attribute__((format(printf, 2, 3)))
struct json_object *control_error_reply(int err, const char *fmt, ...);
void control_shutdown(void);

/* Asks the daemon to exit after the current replies (the "shutdown" command). */
extern void hvsimd_request_exit(void);

#endif
