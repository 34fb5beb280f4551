// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzzer `scenario`: the scenario language's parser (scenarios/scn_parse.c,
 * scn_grammar.c) on any text; parse only, nothing runs.  Besides the
 * sanitizers it checks what the runner relies on: every capture lies
 * within its step's tokens, an error count matches the messages, and a
 * string token quoted back (scn_quote, as --explain prints one) reads as
 * the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_parse.h"
#include "fuzz_input.h"

static void fail(const char *what)
{
	fprintf(stderr, "scenario fuzzer: %s\n", what);
	abort();
}

/* A string token quoted and read back is the same bytes. */
static void check_round_trip(const struct scn_token *t)
{
	char *q = scn_quote(t->text, t->len), err[256];
	struct scn_token *tok;
	size_t ntok;

	if (!q)
		fail("scn_quote");
	if (scn_tokenize(q, &tok, &ntok, err, sizeof(err)) < 0 || ntok != 1 ||
	    tok[0].type != SCN_STRING || tok[0].len != t->len ||
	    memcmp(tok[0].text, t->text, t->len) != 0) {
		fprintf(stderr, "quoted as %s\n", q);
		fail("a quoted string does not read back as itself");
	}
	scn_tokens_free(tok, ntok);
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct scn_script s;
	int n;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	n = scn_parse_text("fuzz.scn", text, &s);
	if (n < 0 || (unsigned int)n != s.nerrors || (n > 0) != (s.errors != NULL))
		fail("the error count and the messages disagree");
	for (size_t i = 0; i < s.nsteps; i++) {
		const struct scn_step *st = &s.steps[i];

		for (size_t k = 0; k < st->ncap; k++)
			if (st->cap[k].first + st->cap[k].count > st->ntok)
				fail("a capture beyond its step's tokens");
		for (size_t k = 0; k < st->ntok; k++) {
			if (st->tok[k].type == SCN_STRING)
				check_round_trip(&st->tok[k]);
			else
				scn_parse_time(st->tok[k].text);
		}
	}
	scn_script_free(&s);
	free(text);
	return 0;
}
