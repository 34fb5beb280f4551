/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between the runner's core (scn_run.c: the step loop, domains, agents,
 * expectations) and the verbs (scn_steps_{runner,grant,event,store}.c: what
 * each step does, on helpers they share in scn_steps.c).
 */
#ifndef SCN_STEPS_H
#define SCN_STEPS_H

#include "scn_grammar.h"
#include "scn_run.h"

/* What a step did, for its expectations. */
struct scn_result {
	bool failed;		/* the operation failed ... */
	int err;		/* ... with this errno */
	char why[1024];
	bool has_status;	/* a grant operation's GNTST_* status */
	int status;
	bool fault;		/* a memory access faulted */
	bool none;		/* nothing arrived in time */
	bool has_data;
	char *data;
	size_t len;
	bool has_exit;		/* a program ended */
	int exit_code;
	int sig;
	bool mismatch;		/* a `check` found another state */
	char expected[512], actual[512];
	char summary[512];	/* shown after the step */
	long wait_ms;		/* how long a `wait` waited at most */
	char output[4096];	/* a program's output file, shown after the step */
};

/* A step: 0 when it ran (the result says how it went); -1 when the
 * scenario cannot go on (the reason is in r->error). */
typedef int scn_step_fn(struct scn_runner *r, const struct scn_step *st, struct scn_result *res);

scn_step_fn *scn_step_handler(enum scn_verb_id id);

/* Each step file puts its verbs into the table. */
void scn_runner_steps(scn_step_fn **table);
void scn_grant_steps(scn_step_fn **table);
void scn_event_steps(scn_step_fn **table);
void scn_store_steps(scn_step_fn **table);
void scn_fault_steps(scn_step_fn **table);

/* Agent requests get this long beyond what the step itself waits. */
#define AGENT_TIMEOUT_MS 15000

/* Helpers of the step files (scn_steps.c). */
struct json_object *step_request(const char *op);	/* {"op": op} */
void step_add_int(struct json_object *o, const char *key, int64_t v);
void step_add_str(struct json_object *o, const char *key, const char *v);
void step_add_hex(struct json_object *o, const char *key, const char *data, size_t len);
int64_t step_reply_int(struct json_object *reply, const char *key);
bool step_reply_bool(struct json_object *reply, const char *key);
/* A reply's hex "data" into the result, and the result's data as its summary. */
void step_reply_data(struct json_object *reply, struct scn_result *res);
void step_summarize_data(struct scn_result *res);
/* The step's `as NAME`, or NULL. */
const char *step_name(const struct scn_step *st);
/* A word with its $variables replaced by their numbers ("strings" as written);
 * the PATH slot so.  -1 after scn_error(). */
int step_expand_token(struct scn_runner *r, const struct scn_token *t, char *out, size_t n);
int step_expand_path(struct scn_runner *r, const struct scn_step *st, char *out, size_t n);
/* Makes $NAME of the step (if it has `as NAME`) an object of its domain. */
struct scn_var *step_define(struct scn_runner *r, const struct scn_step *st,
			    enum scn_var_kind kind, int64_t value, struct json_object *fields);
/* The grant status of this domain's `cmd` ops in the step's trace records:
 * the first that is not okay, else okay; false if none reached Xen.  The
 * handles of the okay ones go into `handles` (may be NULL). */
bool step_trace_status(struct scn_runner *r, uint16_t domid, const char *cmd, int *status,
		       struct json_object *handles);
/* The step's own domain as a domid. */
int step_domid(struct scn_runner *r, const struct scn_step *st, uint16_t *domid);
/* A request `op` with one number slot as `key`. */
int step_simple(struct scn_runner *r, const struct scn_step *st, struct scn_result *res,
		const char *op, const char *slot, const char *key);
/* Sends a request that waits up to TIME ("event": false if nothing came). */
int step_waiting(struct scn_runner *r, const struct scn_step *st, struct scn_result *res,
		 struct json_object *req);

/* Services of the core, for the steps. */
__attribute__((format(printf, 2, 3)))
int scn_error(struct scn_runner *r, const char *fmt, ...);	/* returns -1 */
struct scn_domain *scn_domain_find(struct scn_runner *r, const char *name);
/* A domain word ($var, domid, name) as a domid; -1 after scn_error(). */
int scn_domid(struct scn_runner *r, const char *word, uint16_t *domid);
/* The domain of a DOMAIN or PEER slot. */
struct scn_domain *scn_domain_add(struct scn_runner *r, const char *name, uint16_t domid,
				  bool ours);
/* Kills the domain's agent (the next step starts another). */
void scn_agent_kill(struct scn_runner *r, struct scn_domain *d, unsigned int line);
/*
 * Sends a request to the step's domain agent (starting it if needed);
 * a refusal goes into res.  0 with *reply (may be NULL), or -1.
 */
int scn_agent_request(struct scn_runner *r, const struct scn_step *st, struct json_object *req,
		      int timeout_ms, struct scn_result *res, struct json_object **reply);
/* This step's trace records (read once, after a `sync`). */
struct json_object *scn_step_records(struct scn_runner *r);
/* Waits until the trace stops growing (a process's death runs asynchronously). */
void scn_settle(struct scn_runner *r);
/* Asks hvsimd for a snapshot of the state in the trace, a record of kind
 * "state" (hv-sim/state_dump.h); `why` names the moment ("line 17"). */
void scn_record_state(struct scn_runner *r, const char *why);

/* Slot values; -1 after scn_error(). */
int scn_num(struct scn_runner *r, const struct scn_step *st, const char *slot, int64_t *v);
int scn_peer(struct scn_runner *r, const struct scn_step *st, const char *slot, uint16_t *domid);
/* An object $variable of the step's domain, alive in its current agent. */
struct scn_var *scn_obj(struct scn_runner *r, const struct scn_step *st, const char *slot,
			unsigned int kinds);
#define SCN_KIND(k) (1u << (k))
/* A slot's text ("string" or word) */
const char *scn_text(const struct scn_step *st, const char *slot, size_t *len);
long scn_time(const struct scn_step *st, const char *slot);

/* The current generation of the step's domain's agent (for variables). */
unsigned int scn_generation(struct scn_runner *r, const char *domain);

#endif
