// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault_spec.h"
#include "scn_grammar.h"
#include "scn_parse.h"
#include "trace_read.h"

/* Names ------------------------------------------------------------------ */

#define N(e) { #e, e }
static const struct { const char *name; int value; } errnos[] = {
	N(EPERM), N(ENOENT), N(ESRCH), N(EINTR), N(EIO), N(ENXIO), N(E2BIG), N(ENOEXEC),
	N(EBADF), N(ECHILD), N(EAGAIN), N(ENOMEM), N(EACCES), N(EFAULT), N(EBUSY),
	N(EEXIST), N(ENODEV), N(ENOTDIR), N(EISDIR), N(EINVAL), N(ENFILE), N(EMFILE),
	N(ENOTTY), N(EFBIG), N(ENOSPC), N(ESPIPE), N(EROFS), N(EPIPE), N(ERANGE),
	N(EDEADLK), N(ENAMETOOLONG), N(ENOSYS), N(ENOTEMPTY), N(ELOOP), N(ENODATA),
	N(ETIME), N(EPROTO), N(EOVERFLOW), N(EBADFD), N(ENOTSOCK), N(EOPNOTSUPP),
	N(ECONNREFUSED), N(ECONNRESET), N(ENOTCONN), N(ETIMEDOUT), N(EALREADY),
};
#undef N

int scn_errno_value(const char *name)
{
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(errnos[i].name, name))
			return errnos[i].value;
	v = strtol(name, &end, 10);
	if (*name && !*end && v > 0 && v < 4096)
		return (int)v;
	return -1;
}

const char *scn_errno_name(int e)
{
	static char buf[16];

	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].value == e)
			return errnos[i].name;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

int scn_gntst_value(const char *name, int *st)
{
	char *end;
	long v;

	/* "GNTST_bad_gntref", "bad_gntref" (the trace's name) or "-3" */
	if (!strncmp(name, "GNTST_", 6))
		name += 6;
	if (trace_gntst_value(name, st) == 0)
		return 0;
	v = strtol(name, &end, 10);
	if (*name && !*end && v <= 0 && v > -100) {
		*st = (int)v;
		return 0;
	}
	return -1;
}

const char *scn_gntst_name(int st)
{
	return trace_gntst_name(st);
}

#define S(s) { #s, SIG##s }
static const struct { const char *name; int value; } signals[] = {
	S(HUP), S(INT), S(QUIT), S(ILL), S(TRAP), S(ABRT), S(BUS), S(FPE), S(KILL),
	S(USR1), S(SEGV), S(USR2), S(PIPE), S(ALRM), S(TERM), S(CHLD), S(CONT),
	S(STOP), S(TSTP), S(SYS),
};
#undef S

int scn_signal_value(const char *name)
{
	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcmp(signals[i].name, name))
			return signals[i].value;
	if (isdigit((unsigned char)*name))
		return atoi(name);
	return -1;
}

const char *scn_signal_name(int sig)
{
	static char buf[24];

	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].value == sig) {
			snprintf(buf, sizeof(buf), "SIG%s", signals[i].name);
			return buf;
		}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

long scn_parse_time(const char *w)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*w))
		return -1;
	v = strtod(w, &end);
	if (!strcmp(end, "ms"))
		;
	else if (!strcmp(end, "s"))
		v *= 1000;
	else if (!strcmp(end, "us"))
		v /= 1000;
	else
		return -1;
	if (v > 3600 * 1000)
		return -1;
	return (long)(v + 0.999);
}

char *scn_quote(const char *data, size_t len)
{
	char *out = malloc(4 * len + 3), *o = out;

	if (!out)
		return NULL;
	*o++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == '"' || c == '\\')
			o += sprintf(o, "\\%c", c);
		else if (c == '\n')
			o += sprintf(o, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			o += sprintf(o, "\\x%02x", c);
		else
			*o++ = (char)c;
	}
	*o++ = '"';
	*o = 0;
	return out;
}

/* Tokens ----------------------------------------------------------------- */

void scn_tokens_free(struct scn_token *tok, size_t ntok)
{
	for (size_t i = 0; i < ntok; i++)
		free(tok[i].text);
	free(tok);
}

static int hexval(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes the string starting after `"`; *p ends after the closing quote. */
static int lex_string(const char **p, struct scn_token *t, char *err, size_t errlen)
{
	const char *s = *p;
	size_t cap = strlen(s) + 1, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -1;
	for (;;) {
		char c = *s++;

		if (!c) {
			snprintf(err, errlen, "the string has no closing quote");
			free(buf);
			return -1;
		}
		if (c == '"')
			break;
		if (c != '\\') {
			buf[len++] = c;
			continue;
		}
		c = *s++;
		switch (c) {
		case 'n': buf[len++] = '\n'; break;
		case 't': buf[len++] = '\t'; break;
		case 'r': buf[len++] = '\r'; break;
		case '0': buf[len++] = '\0'; break;
		case '\\': buf[len++] = '\\'; break;
		case '"': buf[len++] = '"'; break;
		case 'x': {
			int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

			if (lo < 0) {
				snprintf(err, errlen, "\\x needs two hex digits");
				free(buf);
				return -1;
			}
			buf[len++] = (char)(hi * 16 + lo);
			s += 2;
			break;
		}
		default:
			snprintf(err, errlen, "unknown escape \\%c in a string (use \\n \\t \\r \\0 "
				 "\\\\ \\\" \\xHH)", c ? c : ' ');
			free(buf);
			return -1;
		}
	}
	buf[len] = 0;
	t->type = SCN_STRING;
	t->text = buf;
	t->len = len;
	*p = s;
	return 0;
}

int scn_tokenize(const char *line, struct scn_token **tokp, size_t *ntokp,
		 char *err, size_t errlen)
{
	struct scn_token *tok = NULL;
	size_t ntok = 0;
	const char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		tok = realloc(tok, (ntok + 1) * sizeof(*tok));
		struct scn_token *t = &tok[ntok];

		t->col = (unsigned int)(p - line) + 1;
		if (*p == '"') {
			p++;
			if (lex_string(&p, t, err, errlen) < 0) {
				size_t off = strlen(err);

				snprintf(err + off, errlen - off, " (column %u)", t->col);
				scn_tokens_free(tok, ntok);
				return -1;
			}
		} else {
			size_t len = strcspn(p, " \t\r\n");

			t->type = SCN_WORD;
			t->text = strndup(p, len);
			t->len = len;
			p += len;
		}
		ntok++;
	}
	*tokp = tok;
	*ntokp = ntok;
	return 0;
}

/* Scripts ---------------------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static void syntax_error(struct scn_script *s, unsigned int line, unsigned int col,
			 const char *fmt, ...)
{
	size_t old = s->errors ? strlen(s->errors) : 0;
	char msg[2048];
	int n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = snprintf(NULL, 0, "%s:%u:%u: %s\n", s->path, line, col, msg);
	s->errors = realloc(s->errors, old + (size_t)n + 1);
	snprintf(s->errors + old, (size_t)n + 1, "%s:%u:%u: %s\n", s->path, line, col, msg);
	s->nerrors++;
}

static void step_free(struct scn_step *st)
{
	free(st->source);
	free(st->domain);
	scn_tokens_free(st->tok, st->ntok);
	for (size_t i = 0; i < st->ncap; i++)
		free(st->cap[i].name);
	free(st->cap);
	for (size_t i = 0; i < st->nexp; i++)
		free(st->exp[i].data);
	free(st->exp);
}

void scn_script_free(struct scn_script *s)
{
	for (size_t i = 0; i < s->nsteps; i++)
		step_free(&s->steps[i]);
	free(s->steps);
	free(s->path);
	free(s->errors);
	memset(s, 0, sizeof(*s));
}

static const char *const expect_kind_words[SCN_EXP_KINDS] = {
	[SCN_EXP_OK] = "ok", [SCN_EXP_ERRNO] = "errno", [SCN_EXP_STATUS] = "status",
	[SCN_EXP_DATA] = "data", [SCN_EXP_FAULT] = "fault", [SCN_EXP_NONE] = "none",
	[SCN_EXP_EXIT] = "exit", [SCN_EXP_SIGNAL] = "signal",
};

/* Parses the words after `expect`; false (error reported) if they are bad. */
static bool parse_expect(struct scn_script *s, struct scn_step *st,
			 const struct scn_token *tok, size_t ntok)
{
	for (size_t i = 0; i < ntok; i++) {
		const struct scn_token *t = &tok[i];
		const struct scn_token *arg = i + 1 < ntok ? &tok[i + 1] : NULL;
		struct scn_expect e = { 0 };
		const char *w = t->text;

		if (t->type == SCN_STRING) {
			e.kind = SCN_EXP_DATA;
			e.data = malloc(t->len + 1);
			memcpy(e.data, t->text, t->len + 1);
			e.len = t->len;
		} else if (!strcmp(w, "and")) {
			continue;
		} else if (!strcmp(w, "ok")) {
			e.kind = SCN_EXP_OK;
		} else if (!strcmp(w, "fault")) {
			e.kind = SCN_EXP_FAULT;
		} else if (!strcmp(w, "none")) {
			e.kind = SCN_EXP_NONE;
		} else if (!strcmp(w, "errno") || !strcmp(w, "status") || !strcmp(w, "exit") ||
			   !strcmp(w, "signal") || !strcmp(w, "byte")) {
			if (!arg || arg->type != SCN_WORD) {
				syntax_error(s, st->line, t->col, "'expect %s' needs a value", w);
				return false;
			}
			i++;
			if (!strcmp(w, "errno")) {
				e.kind = SCN_EXP_ERRNO;
				if ((e.code = scn_errno_value(arg->text)) < 0) {
					syntax_error(s, st->line, arg->col, "unknown errno '%s' "
						     "(write it as EINVAL, ENOENT, ...)", arg->text);
					return false;
				}
			} else if (!strcmp(w, "status")) {
				e.kind = SCN_EXP_STATUS;
				if (scn_gntst_value(arg->text, &e.code) < 0) {
					syntax_error(s, st->line, arg->col, "unknown grant status "
						     "'%s' (okay, general_error, bad_domain, "
						     "bad_gntref, bad_handle, permission_denied, "
						     "bad_page, bad_copy_arg, no_space, ...)",
						     arg->text);
					return false;
				}
			} else if (!strcmp(w, "signal")) {
				e.kind = SCN_EXP_SIGNAL;
				if ((e.code = scn_signal_value(arg->text)) <= 0) {
					syntax_error(s, st->line, arg->col, "unknown signal '%s'",
						     arg->text);
					return false;
				}
			} else {
				char *end;
				long v = strtol(arg->text, &end, 0);
				bool is_byte = !strcmp(w, "byte");

				if (*end || !*arg->text || v < 0 || v > 255) {
					syntax_error(s, st->line, arg->col, "'%s' is not a number "
						     "from 0 to 255", arg->text);
					return false;
				}
				e.kind = is_byte ? SCN_EXP_DATA : SCN_EXP_EXIT;
				e.code = (int)v;
				if (is_byte) {
					e.data = malloc(2);
					e.data[0] = (char)v;
					e.data[1] = 0;
					e.len = 1;
				}
			}
		} else {
			syntax_error(s, st->line, t->col, "'%s' cannot be expected: write ok, errno "
				     "E..., status GNTST, \"data\", byte N, fault, none, exit N or "
				     "signal SIG", w);
			return false;
		}
		if (!(st->verb->expects & SCN_EXP_BIT(e.kind))) {
			syntax_error(s, st->line, t->col, "this step cannot expect %s",
				     expect_kind_words[e.kind]);
			free(e.data);
			return false;
		}
		st->exp = realloc(st->exp, (st->nexp + 1) * sizeof(*st->exp));
		st->exp[st->nexp++] = e;
	}
	if (!st->nexp) {
		syntax_error(s, st->line, tok ? tok[-1].col : 1, "'expect' needs something to expect");
		return false;
	}
	return true;
}

static const char *first_word(const char *pattern, size_t *len)
{
	*len = strcspn(pattern, " ");
	return pattern;
}

/* Matches the words against the verbs of the step's scope. */
static bool choose_verb(struct scn_script *s, struct scn_step *st, size_t nwords)
{
	size_t nverbs, best_progress = 0;
	const struct scn_verb *table = scn_verb_table(&nverbs), *best = NULL;
	const struct scn_verb *other_scope = NULL;
	enum scn_scope scope = st->domain ? SCN_AGENT : SCN_RUNNER;
	char expected[512], best_expected[512] = "";
	const char *verb = st->tok[0].type == SCN_WORD ? st->tok[0].text : "";

	for (size_t i = 0; i < nverbs; i++) {
		size_t len, progress;
		const char *w = first_word(table[i].pattern, &len);

		if (strlen(verb) != len || memcmp(verb, w, len))
			continue;
		if (table[i].scope != scope) {
			other_scope = &table[i];
			continue;
		}
		if (scn_match(&table[i], st->tok, nwords, &st->cap, &st->ncap, &progress,
			      expected, sizeof(expected))) {
			st->verb = &table[i];
			return true;
		}
		if (!best || progress > best_progress) {
			best = &table[i];
			best_progress = progress;
			snprintf(best_expected, sizeof(best_expected), "%s", expected);
		}
	}
	if (best) {
		const char *at = best_progress < nwords ? st->tok[best_progress].text : NULL;
		const struct scn_token *last = &st->tok[nwords - 1];
		/* past the end: the column after the last word */
		unsigned int col = at ? st->tok[best_progress].col :
				   last->col + (unsigned int)strlen(last->text) +
				   (last->type == SCN_STRING ? 2 : 0);

		if (at)
			syntax_error(s, st->line, col, "expected %s, not '%s'\n    usage: %s%s",
				     best_expected, at, st->domain ? "DOMAIN: " : "",
				     best->pattern);
		else
			syntax_error(s, st->line, col, "expected %s at the end of the line\n"
				     "    usage: %s%s", best_expected,
				     st->domain ? "DOMAIN: " : "", best->pattern);
	} else if (other_scope && st->domain) {
		syntax_error(s, st->line, st->tok[0].col, "'%s' is not a step of a domain: "
			     "write it without the '%s:' prefix", verb, st->domain);
	} else if (other_scope) {
		syntax_error(s, st->line, st->tok[0].col, "'%s' runs in a domain: write "
			     "'DOMAIN: %s'", verb, other_scope->pattern);
	} else {
		syntax_error(s, st->line, st->tok[0].col, "unknown step '%s' (see "
			     "'hvsim scenario --help')", verb);
	}
	return false;
}

/* `fault DOMAIN ...`: the words as hvsim fault checks them (fault_spec.h). */
static bool check_fault(struct scn_script *s, struct scn_step *st, size_t nwords)
{
	char *words[64], err[1400];
	size_t n = 0;

	for (size_t i = 2; i < nwords && n < sizeof(words) / sizeof(words[0]); i++)
		words[n++] = st->tok[i].text;
	if (hvsim_fault_spec((int)n, words, HVSIM_FAULT_SPEC_VARS, NULL, err, sizeof(err)) == 0)
		return true;
	syntax_error(s, st->line, st->tok[nwords > 2 ? 2 : 0].col, "%s", err);
	return false;
}

static void parse_line(struct scn_script *s, unsigned int lineno, const char *line)
{
	struct scn_step st = { .file = s->path, .line = lineno };
	char err[256];
	size_t nwords;

	if (scn_tokenize(line, &st.tok, &st.ntok, err, sizeof(err)) < 0) {
		syntax_error(s, lineno, 1, "%s", err);
		return;
	}
	if (!st.ntok)
		return;
	const char *hash = NULL;

	/* the source as written, for messages: up to the comment */
	for (const char *p = line; *p; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				break;
		} else if (*p == '#' && (p == line || isspace((unsigned char)p[-1]))) {
			hash = p;
			break;
		}
	}
	const char *start = line + st.tok[0].col - 1;
	size_t len = hash ? (size_t)(hash - start) : strlen(start);

	while (len && isspace((unsigned char)start[len - 1]))
		len--;
	st.source = strndup(start, len);

	struct scn_token *t0 = &st.tok[0];

	if (t0->type == SCN_WORD && t0->len > 1 && t0->text[t0->len - 1] == ':') {
		t0->text[--t0->len] = 0;
		if (!scn_is_domain(t0->text) || t0->text[0] == '$') {
			syntax_error(s, lineno, t0->col, "'%s' is not a domain name", t0->text);
			goto fail;
		}
		st.domain = t0->text;
		memmove(st.tok, st.tok + 1, (st.ntok - 1) * sizeof(*st.tok));
		st.ntok--;
		if (!st.ntok) {
			syntax_error(s, lineno, 1, "nothing for %s to do after the colon", st.domain);
			goto fail;
		}
	}
	for (nwords = 1; nwords < st.ntok; nwords++)
		if (st.tok[nwords].type == SCN_WORD && !strcmp(st.tok[nwords].text, "expect"))
			break;
	if (!choose_verb(s, &st, nwords))
		goto fail;
	if (st.verb->id == SCN_V_FAULT && !check_fault(s, &st, nwords))
		goto fail;
	if (nwords < st.ntok &&
	    !parse_expect(s, &st, st.tok + nwords + 1, st.ntok - nwords - 1))
		goto fail;
	/* the expect clause is parsed: keep only the step's own words */
	for (size_t i = nwords; i < st.ntok; i++)
		free(st.tok[i].text);
	st.ntok = nwords;
	s->steps = realloc(s->steps, (s->nsteps + 1) * sizeof(*s->steps));
	s->steps[s->nsteps++] = st;
	return;
fail:
	step_free(&st);
}

int scn_parse_text(const char *name, const char *text, struct scn_script *s)
{
	unsigned int lineno = 0;
	const char *p = text;

	memset(s, 0, sizeof(*s));
	s->path = strdup(name);
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);

		parse_line(s, ++lineno, line);
		free(line);
		p += len + (p[len] == '\n');
	}
	/* steps point at the script's path: fix them now that it stays put */
	for (size_t i = 0; i < s->nsteps; i++)
		s->steps[i].file = s->path;
	return (int)s->nerrors;
}

int scn_parse_file(const char *path, struct scn_script *s)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	int err;

	memset(s, 0, sizeof(*s));
	if (!f) {
		err = -errno;
		s->path = strdup(path);
		return err;
	}
	FILE *mem = open_memstream(&text, &len);
	char buf[4096];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, mem);
	fclose(f);
	fclose(mem);
	if (memchr(text, 0, len)) {
		free(text);
		s->path = strdup(path);
		syntax_error(s, 1, 1, "the file holds a nul byte: not a scenario");
		return 1;
	}
	err = scn_parse_text(path, text, s);
	free(text);
	return err;
}

const struct scn_capture *scn_cap(const struct scn_step *st, const char *name)
{
	for (size_t i = 0; i < st->ncap; i++)
		if (!strcmp(st->cap[i].name, name))
			return &st->cap[i];
	return NULL;
}

const struct scn_token *scn_cap_tok(const struct scn_step *st, const char *name)
{
	const struct scn_capture *c = scn_cap(st, name);

	return c ? &st->tok[c->first] : NULL;
}

bool scn_has(const struct scn_step *st, const char *literal)
{
	for (size_t i = 0; i < st->ncap; i++)
		if (st->cap[i].literal && !strcmp(st->cap[i].name, literal))
			return true;
	return false;
}
