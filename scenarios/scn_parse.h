/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scenario language: a file is a list of lines, each one step.
 *
 *   # comment
 *   domain alice                                    (a statement of the runner)
 *   alice: share 1 page with bob as page            (a step alice's agent runs)
 *   bob: map $page.ref from alice as view expect errno EINVAL
 *
 * A line is split into tokens (words and "quoted strings"), the optional
 * `DOMAIN:` prefix, the words matched against one verb's pattern
 * (scn_grammar.h), and an optional `expect ...` clause.  Parsing checks the
 * whole file before anything runs; variables ($name) are resolved when the
 * step runs.  docs/scenarios.md is the reference.
 */
#ifndef SCN_PARSE_H
#define SCN_PARSE_H

#include <stdbool.h>
#include <stddef.h>

enum scn_tok_type { SCN_WORD, SCN_STRING };

struct scn_token {
	enum scn_tok_type type;
	char *text;		/* nul-terminated; a string's decoded bytes may hold nuls */
	size_t len;
	unsigned int col;	/* 1-based, for messages */
};

/* What a pattern slot or literal word matched: tokens [first, first+count). */
struct scn_capture {
	char *name;		/* the slot ("OFFSET2") or the literal word ("read-only") */
	bool literal;
	size_t first, count;
};

enum scn_expect_kind {
	SCN_EXP_OK,		/* the step succeeded */
	SCN_EXP_ERRNO,		/* it failed with this errno */
	SCN_EXP_STATUS,		/* the grant operation's GNTST_* status */
	SCN_EXP_DATA,		/* these bytes were read / received */
	SCN_EXP_FAULT,		/* the memory access faulted (SIGSEGV/SIGBUS) */
	SCN_EXP_NONE,		/* nothing arrived within the time */
	SCN_EXP_EXIT,		/* a program exited with this status */
	SCN_EXP_SIGNAL,		/* a program was killed by this signal */
	SCN_EXP_KINDS
};
#define SCN_EXP_BIT(k) (1u << (k))

struct scn_expect {
	enum scn_expect_kind kind;
	int code;		/* errno, GNTST (<= 0), exit status or signal */
	char *data;		/* SCN_EXP_DATA */
	size_t len;
};

struct scn_verb;

struct scn_step {
	const char *file;	/* the script's path (owned by the script) */
	unsigned int line;
	char *source;		/* the line as written, comment and blanks trimmed */
	const struct scn_verb *verb;
	char *domain;		/* the `DOMAIN:` prefix, NULL for runner statements */
	struct scn_token *tok;	/* the words after the prefix, before `expect` */
	size_t ntok;
	struct scn_capture *cap;
	size_t ncap;
	struct scn_expect *exp;
	size_t nexp;
};

struct scn_script {
	char *path;
	struct scn_step *steps;
	size_t nsteps;
	char *errors;		/* "file:line:col: reason\n" per syntax error, or NULL */
	unsigned int nerrors;
};

/* Splits one line into tokens; -1 with a message in err on a bad string. */
int scn_tokenize(const char *line, struct scn_token **tok, size_t *ntok,
		 char *err, size_t errlen);
void scn_tokens_free(struct scn_token *tok, size_t ntok);

/*
 * Parses a script.  Returns the number of syntax errors (their messages
 * are in s->errors), or -errno if the file cannot be read.  The script is
 * always initialised and must be freed.
 */
int scn_parse_text(const char *name, const char *text, struct scn_script *s);
int scn_parse_file(const char *path, struct scn_script *s);
void scn_script_free(struct scn_script *s);

/* The capture of a slot or literal in a step, or NULL. */
const struct scn_capture *scn_cap(const struct scn_step *st, const char *name);
/* The first token of a capture (slots of one token). */
const struct scn_token *scn_cap_tok(const struct scn_step *st, const char *name);
bool scn_has(const struct scn_step *st, const char *literal);

/* Names and numbers of errnos and GNTST_* codes, both ways (the GNTST_
 * names are the trace's, userlib/trace_read.h). */
int scn_errno_value(const char *name);		/* -1 if unknown */
const char *scn_errno_name(int e);		/* "E123" style if unknown (static buffer) */
int scn_gntst_value(const char *name, int *st);	/* 0, or -1 if unknown */
const char *scn_gntst_name(int st);		/* NULL if unknown */
int scn_signal_value(const char *name);		/* -1 if unknown */
const char *scn_signal_name(int sig);

/* "100ms", "2s", "1.5s", "250us" in milliseconds (us rounded up); -1 if bad. */
long scn_parse_time(const char *word);

/* Quotes bytes as a scenario string would ("a\x00b"), into a malloc'd string. */
char *scn_quote(const char *data, size_t len);

#endif
