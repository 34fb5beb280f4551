/* SPDX-License-Identifier: GPL-2.0-only */
/* The trace (hv-sim/trace.h) for people: one or two lines per record. */
#ifndef HVSIM_TRACE_VIEW_H
#define HVSIM_TRACE_VIEW_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

/* Prints one record; returns 0, or -1 if it is not a trace record. */
int trace_view_record(struct json_object *rec, FILE *out);

/* Prints the file at `path`; with `follow`, keeps reading as it grows. */
int trace_view(const char *path, bool follow, bool raw, FILE *out);

#endif
