/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: JSON lines from the hvsim CLI and libhvsim
 * (docs/control-protocol.md).  It decodes requests and calls the core; it
 * holds no state of its own beyond each connection's buffers.
 */
#ifndef HVSIM_CONTROL_H
#define HVSIM_CONTROL_H

int control_listen(const char *path);
void control_shutdown(void);

/* Asks the daemon to exit after the current replies (the "shutdown" command). */
extern void hvsimd_request_exit(void);

#endif
