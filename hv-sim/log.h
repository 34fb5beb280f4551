/* SPDX-License-Identifier: GPL-2.0-only */
/* hvsimd's log for people: stderr, which `hvsim up` sends to hvsimd.log. */
#ifndef HVSIM_LOG_H
#define HVSIM_LOG_H

__attribute__((format(printf, 1, 2)))
void hv_log(const char *fmt, ...);

#endif
