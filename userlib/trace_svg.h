/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The trace (docs/architecture.md "Trace") as a sequence diagram: a
 * lifeline per domain and one for the hypervisor; a hypercall is an arrow
 * from its domain to Xen, its outcome a dashed arrow back (green when it
 * worked, red when it did not), and an event channel going pending an
 * arrow from Xen to the domain that receives it.  Events a hypercall
 * caused (a send making the peer's port pending) are drawn between the
 * call and its return.  The output is SVG, or an HTML page holding it.
 */
#ifndef HVSIM_TRACE_SVG_H
#define HVSIM_TRACE_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A banner across the diagram before the first record with seq >= before_seq
 * (the scenario runner labels its steps this way). */
struct trace_svg_note {
	uint64_t before_seq;
	const char *text;
};

struct trace_svg_options {
	uint64_t first_seq;		/* 0: from the first record */
	uint64_t last_seq;		/* 0: to the last */
	size_t max_records;		/* 0: 2000; the rest is left out, and said so */
	const char *title;		/* NULL: "hvsim trace" */
	const struct trace_svg_note *notes;	/* sorted by before_seq */
	size_t nr_notes;
	bool html;			/* a web page holding the SVG */
};

/*
 * Draws the trace file at `trace_path` (JSON lines) to `out`.  `opt` may be
 * NULL.  0, or -errno (the trace cannot be read, or writing failed).
 */
int trace_svg_write(const char *trace_path, FILE *out, const struct trace_svg_options *opt);

/*
 * The same into the file `out_path`; a name ending in .html or .htm makes
 * a web page whatever opt->html says.
 */
int trace_svg_file(const char *trace_path, const char *out_path,
		   const struct trace_svg_options *opt);

#endif
