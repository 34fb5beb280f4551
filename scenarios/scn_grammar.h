/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verbs of the scenario language.  Each verb is one pattern, written
 * as its usage line reads, and the same string is the grammar:
 *
 *   lowercase words   literals; a|b is either word
 *   UPPERCASE words   slots; the name (trailing digits dropped) says what
 *                     fits: N COUNT LEN OFFSET SIZE PORT REF VIRQ INDEX MIB
 *                     VALUE a number or $variable; REFS one or more of
 *                     them; DOMAIN PEER a domain; NAME a new variable;
 *                     REGION WATCH CHANNEL TRANSACTION a $variable made
 *                     earlier; PROC a
 *                     domain's agent or a $program; TEXT a "string"; PATH a
 *                     string or word; TIME a duration; FLAGS STATE KIND HOW
 *                     a word;
 *                     PARAMS PERMS ARGS the words to the end
 *   [ ... ]           optional; ( a | b ) alternatives
 */
#ifndef SCN_GRAMMAR_H
#define SCN_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>

#include "scn_parse.h"

enum scn_verb_id {
	/* statements of the runner */
	SCN_V_DOMAIN, SCN_V_DESTROY, SCN_V_KILL, SCN_V_START, SCN_V_WAIT_PROC,
	SCN_V_SLEEP, SCN_V_SET, SCN_V_SAY,
	SCN_V_CHECK_GRANT, SCN_V_CHECK_MAPPINGS, SCN_V_CHECK_DOMAIN, SCN_V_CHECK_PORT,
	SCN_V_FAULT,
	/* steps a domain's agent runs */
	SCN_V_SHARE, SCN_V_UNSHARE, SCN_V_MAP, SCN_V_UNMAP, SCN_V_BUFFER,
	SCN_V_WRITE, SCN_V_READ, SCN_V_COPY, SCN_V_LIMIT,
	SCN_V_BIND_UNBOUND, SCN_V_BIND_INTERDOMAIN, SCN_V_BIND_VIRQ, SCN_V_NOTIFY,
	SCN_V_WAIT_EVENT, SCN_V_UNMASK, SCN_V_UNBIND,
	SCN_V_XS_WRITE, SCN_V_XS_READ, SCN_V_XS_RM, SCN_V_XS_MKDIR, SCN_V_XS_PERMS,
	SCN_V_XS_WATCH, SCN_V_WAIT_WATCH, SCN_V_XS_UNWATCH,
	SCN_V_XS_TX_START, SCN_V_XS_TX_END,
	SCN_V_VCHAN_SERVER, SCN_V_VCHAN_CLIENT, SCN_V_VCHAN_SEND, SCN_V_VCHAN_RECV,
	SCN_V_VCHAN_ECHO, SCN_V_VCHAN_CLOSE,
	SCN_V_FORGE_UNMAP, SCN_V_FORGE_MMAP, SCN_V_FORGE_NOTIFY, SCN_V_FORGE_DEALLOC,
	SCN_V_COUNT
};

enum scn_scope { SCN_RUNNER, SCN_AGENT };

struct scn_verb {
	enum scn_verb_id id;
	enum scn_scope scope;
	const char *pattern;	/* the grammar and the usage line */
	unsigned int expects;	/* SCN_EXP_BIT()s the `expect` clause may use */
	const char *help;	/* one sentence */
};

const struct scn_verb *scn_verb_table(size_t *n);

/*
 * Matches tokens against a verb's pattern.  On success returns true with
 * the captures (malloc'd).  Otherwise *progress is how many tokens matched
 * before it failed and `expected` says what would have fitted there.
 */
bool scn_match(const struct scn_verb *v, const struct scn_token *tok, size_t ntok,
	       struct scn_capture **cap, size_t *ncap, size_t *progress,
	       char *expected, size_t explen);

/* Token shapes, shared with the runner. */
bool scn_is_ident(const char *w);	/* a variable name: [A-Za-z_][A-Za-z0-9_]* */
bool scn_is_number(const char *w);	/* 12, 0x1f, -3, $var, $var.field, $var.field[2], $var+1 */
bool scn_is_domain(const char *w);	/* a domain name, a domid or a $variable */

#endif
