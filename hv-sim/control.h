/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: JSON lines from the hvsim CLI and libhvsim
 * (docs/control-protocol.md).  It decodes requests and calls the core; it
 * holds no state of its own beyond each connection's buffers.
 */
#ifndef HVSIM_CONTROL_H
#define HVSIM_CONTROL_H

#include <stdint.h>

#include <json-c/json.h>

int control_listen(const char *path);

/* Replies for command handlers: {"ok":true}, and a refusal with its errno
 * (positive) and a message for people. */
struct json_object *control_ok_reply(void);
__attribute__((format(printf, 2, 3)))
struct json_object *control_error_reply(int err, const char *fmt, ...);
void control_shutdown(void);

/*
 * A command answered later: its handler calls control_defer(c) and
 * returns NULL; control_reply_later(c, reply) sends the reply (consumed)
 * and goes on with the connection's next request.  Requests wait in order.
 */
struct ctl_conn;
void control_defer(struct ctl_conn *c);
void control_reply_later(struct ctl_conn *c, struct json_object *reply);

/*
 * Emits a trace record of kind "state": every domain's grant table, event
 * channels and p2m overrides, and xenstore, as they are between the
 * records before it and after it; `why` says who asked.  Its seq, or -1
 * when tracing is off.
 */
int64_t control_trace_state(const char *why);
/* The seq after the newest such record (0: none yet): when it is
 * trace_seq(), nothing happened since. */
uint64_t control_trace_state_end(void);

/* Asks the daemon to exit after the current replies (the "shutdown" command). */
extern void hvsimd_request_exit(void);

#endif
