/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario variables: what one step made (a share and its refs, a port, a
 * mapping and its maptrack handles, a program) under the name its `as
 * NAME` gave, for later steps to use as $NAME, $NAME.field or
 * $NAME.field[i], optionally plus or minus a number ($page.ref+1000).
 */
#ifndef SCN_VARS_H
#define SCN_VARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

enum scn_var_kind {
	SCN_VAR_NUMBER,		/* set NAME VALUE */
	SCN_VAR_DOMAIN,		/* domain NAME: the domid */
	SCN_VAR_SHARE,		/* pages this domain granted: .ref .refs */
	SCN_VAR_MAPPING,	/* a peer's grants mapped: .handle .handles */
	SCN_VAR_BUFFER,		/* private memory */
	SCN_VAR_PORT,		/* an event channel: the local port */
	SCN_VAR_WATCH,		/* a xenstore watch */
	SCN_VAR_VCHAN,		/* a libxenvchan end (and its shared ring page) */
	SCN_VAR_TRANSACTION,	/* an open xenstore transaction: its id */
	SCN_VAR_PROGRAM,	/* a started program: its pid */
};

struct scn_var {
	char *name;
	enum scn_var_kind kind;
	char *domain;		/* the domain whose process holds it, or NULL */
	unsigned int generation;	/* of that domain's agent */
	int64_t value;		/* what $NAME is */
	struct json_object *fields;	/* what $NAME.field is */
	unsigned int line;	/* where it was made */
};

struct scn_vars {
	struct scn_var *v;
	size_t n;
};

void scn_vars_free(struct scn_vars *vars);
/* Adds or replaces NAME; takes `fields` (may be NULL). */
struct scn_var *scn_var_set(struct scn_vars *vars, const char *name, enum scn_var_kind kind,
			    const char *domain, unsigned int generation, int64_t value,
			    struct json_object *fields, unsigned int line);
struct scn_var *scn_var_get(struct scn_vars *vars, const char *name);
const char *scn_var_kind_name(enum scn_var_kind kind);

/*
 * Evaluates a number word (12, 0x10, -1, $x, $x.f, $x.f[i], $x.f+N).  0, or
 * -1 with a message for people in err.
 */
int scn_eval_number(struct scn_vars *vars, const char *word, int64_t *out,
		    char *err, size_t errlen);
/*
 * The same for a list slot: a word naming a whole list ($page.refs) gives
 * every element.  Appends to *out (malloc'd, *n elements).
 */
int scn_eval_list(struct scn_vars *vars, const char *word, int64_t **out, size_t *n,
		  char *err, size_t errlen);

#endif
