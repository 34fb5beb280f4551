/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A run as a web page to step through (`hvsim scenario --html`, `hvsim
 * trace --html`): one self-contained file, its style and script inline and
 * nothing fetched, that shows for each step its narration, the hypercalls
 * it made with their arguments and statuses, every domain's grant table
 * (entries in use, flags, pins), maptrack handles, p2m overrides and event
 * channels (FIFO queues too), the xenstore nodes it changed, and what
 * changed since the step before.
 *
 * Everything on it comes from the trace file: the records, and the
 * snapshots of hvsimd's state that records of kind "state" hold (the
 * scenario runner asks for one after every step; hvsimd takes one after
 * each burst of activity with HVSIM_TRACE_STATE=1).  No state is guessed
 * from the records: a step with no snapshot after it says so.
 *
 * The steps are the scenario's, when the runner names them; otherwise a
 * step ends at each snapshot, and, when the trace holds fewer than two,
 * after each hypercall.  The data is embedded as JSON, escaped for a
 * <script> element.
 */
#ifndef HVSIM_TRACE_HTML_H
#define HVSIM_TRACE_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A step of a scenario: where its records start, what it was, how it ended. */
struct trace_html_step {
	uint64_t first_seq;
	const char *text;		/* "17: bob: map $page.ref from alice as view" */
	const char *result;		/* "handle 0", or NULL */
	const char *failure;		/* why the run stopped there, or NULL */
};

struct trace_html_options {
	const char *title;		/* NULL: "hvsim trace" */
	const struct trace_html_step *steps;	/* NULL: steps from the trace */
	size_t nr_steps;
	size_t max_records;		/* 0: 20000; the rest is left out, and said so */
};

/*
 * Writes the page for the trace at `trace_path` to `out`.  0, or -errno
 * (the trace cannot be read, or writing failed).
 */
int trace_html_write(const char *trace_path, FILE *out, const struct trace_html_options *opt);

/* The same into the file `out_path` (removed again on failure). */
int trace_html_file(const char *trace_path, const char *out_path,
		    const struct trace_html_options *opt);

/*
 * `json` made safe inside <script>...</script>: every '<', '>' and '&' as
 * a \u escape (only strings can hold them, where JSON.parse reads the
 * escape back), so neither "</script>" nor "<!--" can appear.  malloc'd.
 */
char *trace_html_script_json(const char *json);

#endif
