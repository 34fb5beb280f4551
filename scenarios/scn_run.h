/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs a parsed scenario against a running hvsimd: runner statements
 * through the control socket, domain steps through each domain's agent,
 * then the step's expectations, checked against what happened.  Stops at
 * the first step that fails.
 */
#ifndef SCN_RUN_H
#define SCN_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libhvsim.h"
#include "scn_explain.h"
#include "scn_parse.h"
#include "scn_proc.h"
#include "scn_vars.h"

struct scn_run_options {
	bool explain;		/* narrate each step from the trace */
	bool quiet;		/* print only failures and the summary */
	/* a snapshot of the state into the trace before the first step and
	 * after each (the "state" command), for the diagram and the page */
	bool record_state;
	FILE *out;
};

struct scn_domain {
	char *name;
	uint16_t domid;
	bool ours;		/* created by this scenario */
	unsigned int destroyed_line;	/* 0: not destroyed */
	bool has_agent;
	struct scn_proc agent;
	unsigned int generation;	/* counts agents killed */
	unsigned int killed_line;
};

struct scn_program {
	char *name;
	char *domain;
	struct scn_proc proc;
	char log[4096];
};

/* Where a step's trace records start, for the diagram's notes and the
 * page; how it ended. */
struct scn_step_mark {
	uint64_t first_seq;
	char *text;		/* "17: bob: map $page.ref from alice as view" */
	char *result;		/* "handle 0", "EINVAL, status general_error", or NULL */
	char *failure;		/* why the run stopped here, or NULL */
};

struct scn_runner {
	struct hvsim_ctl *ctl;
	struct scn_env env;
	const char *workdir;	/* for the programs' output */
	struct scn_run_options opt;
	struct scn_domain *doms;
	size_t ndoms;
	struct scn_program *progs;
	size_t nprogs;
	struct scn_vars vars;
	struct scn_trace trace;
	struct scn_explain *explain;
	uint64_t last_seq;	/* the newest trace record seen */
	struct json_object *records;	/* the current step's, once read */
	struct scn_step_mark *marks;
	size_t nmarks;
	char error[2048];	/* why the scenario cannot go on */
};

/*
 * `dir` is the hvsimd's state directory, `workdir` where program output
 * goes.  0, or -errno with the reason in r->error.
 */
int scn_runner_init(struct scn_runner *r, const char *dir, const char *workdir,
		    const struct scn_run_options *opt);
/* Stops every process; with `destroy_ours`, destroys the domains it made. */
void scn_runner_fini(struct scn_runner *r, bool destroy_ours);

/* 0 when every step ran and every expectation held, 1 otherwise. */
int scn_run_script(struct scn_runner *r, const struct scn_script *s);

#endif
