// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the scenario language: tokens, patterns, expectations, errors. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_grammar.h"
#include "scn_parse.h"

static struct scn_script script;

static void teardown(void)
{
	scn_script_free(&script);
}

/* Parses text that must be free of errors. */
static void parse_ok(const char *text)
{
	int n = scn_parse_text("t.scn", text, &script);

	ck_assert_msg(n == 0, "unexpected errors:\n%s", script.errors ? script.errors : "");
}

/* Parses text that must have errors, and one of them must contain `what`. */
static void parse_fails(const char *text, const char *what)
{
	int n = scn_parse_text("t.scn", text, &script);

	ck_assert_msg(n > 0, "'%s' parsed without errors", text);
	ck_assert_msg(strstr(script.errors, what), "errors of '%s' do not say '%s':\n%s",
		      text, what, script.errors);
}

static const char *cap_text(const struct scn_step *st, const char *name)
{
	const struct scn_token *t = scn_cap_tok(st, name);

	return t ? t->text : NULL;
}

START_TEST(tokens_strings_and_comments)
{
	struct scn_token *tok;
	size_t n;
	char err[128];

	ck_assert_int_eq(scn_tokenize("  write \"a\\x00\\\"b\\n\" # \"not\" a token",
				      &tok, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(tok[0].type, SCN_WORD);
	ck_assert_str_eq(tok[0].text, "write");
	ck_assert_uint_eq(tok[0].col, 3);
	ck_assert_int_eq(tok[1].type, SCN_STRING);
	ck_assert_uint_eq(tok[1].len, 5);
	ck_assert_mem_eq(tok[1].text, "a\0\"b\n", 5);
	scn_tokens_free(tok, n);

	ck_assert_int_eq(scn_tokenize("say \"open", &tok, &n, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no closing quote"));
	ck_assert_int_eq(scn_tokenize("say \"\\q\"", &tok, &n, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown escape"));
	ck_assert_int_eq(scn_tokenize("say \"\\x4\"", &tok, &n, err, sizeof(err)), -1);
}
END_TEST

START_TEST(shapes_and_times)
{
	ck_assert(scn_is_number("12"));
	ck_assert(scn_is_number("0x1F"));
	ck_assert(scn_is_number("-3"));
	ck_assert(scn_is_number("$page"));
	ck_assert(scn_is_number("$page.ref"));
	ck_assert(scn_is_number("$page.refs[2]"));
	ck_assert(scn_is_number("$page.ref+1000"));
	ck_assert(!scn_is_number("$page.refs[x]"));
	ck_assert(!scn_is_number("$"));
	ck_assert(!scn_is_number("12x"));
	ck_assert(!scn_is_number("0x"));
	ck_assert(scn_is_domain("Domain-0"));
	ck_assert(scn_is_domain("7"));
	ck_assert(!scn_is_domain("a/b"));
	ck_assert_int_eq(scn_parse_time("250ms"), 250);
	ck_assert_int_eq(scn_parse_time("2s"), 2000);
	ck_assert_int_eq(scn_parse_time("1.5s"), 1500);
	ck_assert_int_eq(scn_parse_time("10us"), 1);
	ck_assert_int_eq(scn_parse_time("5"), -1);
	ck_assert_int_eq(scn_parse_time("ms"), -1);
	ck_assert_int_eq(scn_errno_value("EINVAL"), EINVAL);
	ck_assert_str_eq(scn_errno_name(ENOSPC), "ENOSPC");
	int st;

	ck_assert_int_eq(scn_gntst_value("GNTST_bad_gntref", &st), 0);
	ck_assert_int_eq(st, -3);
	ck_assert_int_eq(scn_gntst_value("general_error", &st), 0);
	ck_assert_int_eq(st, -1);
	ck_assert_int_eq(scn_gntst_value("bad_thing", &st), -1);
	ck_assert_str_eq(scn_gntst_name(-13), "no_space");
}
END_TEST

START_TEST(runner_and_agent_steps)
{
	parse_ok("# two domains\n"
		 "domain alice\n"
		 "domain bob mem 16 with gntalloc.limit=4 gntdev.limit=2\n"
		 "\n"
		 "alice: share 2 pages with bob read-only notify clear 0 event $p as page  # c\n"
		 "bob: map $page.refs[0] $page.refs[1] from alice read-only as view\n");
	ck_assert_uint_eq(script.nsteps, 4);

	struct scn_step *st = &script.steps[0];

	ck_assert_uint_eq(st->line, 2);
	ck_assert_ptr_null(st->domain);
	ck_assert_int_eq(st->verb->id, SCN_V_DOMAIN);
	ck_assert_str_eq(cap_text(st, "NAME"), "alice");
	ck_assert_ptr_null(scn_cap(st, "MIB"));

	st = &script.steps[1];
	ck_assert_str_eq(cap_text(st, "MIB"), "16");
	ck_assert_uint_eq(scn_cap(st, "PARAMS")->count, 2);

	st = &script.steps[2];
	ck_assert_uint_eq(st->line, 5);
	ck_assert_str_eq(st->domain, "alice");
	ck_assert_str_eq(st->source, "alice: share 2 pages with bob read-only notify clear 0 "
			 "event $p as page");
	ck_assert_int_eq(st->verb->id, SCN_V_SHARE);
	ck_assert_str_eq(cap_text(st, "N"), "2");
	ck_assert_str_eq(cap_text(st, "PEER"), "bob");
	ck_assert(scn_has(st, "read-only"));
	ck_assert(!scn_has(st, "writable"));
	ck_assert_str_eq(cap_text(st, "OFFSET"), "0");
	ck_assert_str_eq(cap_text(st, "PORT"), "$p");
	ck_assert_str_eq(cap_text(st, "NAME"), "page");

	st = &script.steps[3];
	ck_assert_int_eq(st->verb->id, SCN_V_MAP);
	ck_assert_uint_eq(scn_cap(st, "REFS")->count, 2);
	ck_assert_str_eq(cap_text(st, "PEER"), "alice");
}
END_TEST

START_TEST(alternatives_and_expectations)
{
	parse_ok("bob: copy 5 bytes from grant $r of alice at 0 to $buf at 4 expect status "
		 "bad_gntref\n"
		 "bob: copy 5 bytes from $buf at 0 to grant 8 of 1 at 4090 expect errno EINVAL\n"
		 "bob: read $view at 0 expect \"hello\"\n"
		 "bob: wait event on $port within 200ms expect none\n"
		 "bob: map 99 from alice expect errno EINVAL and status bad_gntref\n"
		 "wait for $prog within 2s expect signal SIGKILL\n"
		 "bob: read $view at 7 length 1 expect byte 0\n");
	struct scn_step *st = &script.steps[0];

	ck_assert_int_eq(st->verb->id, SCN_V_COPY);
	ck_assert(scn_has(st, "grant"));
	ck_assert_str_eq(cap_text(st, "REF"), "$r");
	ck_assert_str_eq(cap_text(st, "REGION2"), "$buf");
	ck_assert_ptr_null(scn_cap(st, "REGION"));
	ck_assert_uint_eq(st->nexp, 1);
	ck_assert_int_eq(st->exp[0].kind, SCN_EXP_STATUS);
	ck_assert_int_eq(st->exp[0].code, -3);
	ck_assert_uint_eq(st->ntok, 14);	/* the expect clause is not a step word */

	st = &script.steps[1];
	ck_assert_str_eq(cap_text(st, "REGION"), "$buf");
	ck_assert_str_eq(cap_text(st, "REF2"), "8");
	ck_assert_str_eq(cap_text(st, "DOMAIN2"), "1");
	ck_assert_int_eq(st->exp[0].code, EINVAL);

	st = &script.steps[2];
	ck_assert_int_eq(st->exp[0].kind, SCN_EXP_DATA);
	ck_assert_uint_eq(st->exp[0].len, 5);
	ck_assert_int_eq(script.steps[3].exp[0].kind, SCN_EXP_NONE);
	st = &script.steps[4];
	ck_assert_uint_eq(st->nexp, 2);
	ck_assert_int_eq(st->exp[1].kind, SCN_EXP_STATUS);
	ck_assert_int_eq(script.steps[5].exp[0].code, 9);
	st = &script.steps[6];
	ck_assert_uint_eq(st->exp[0].len, 1);
	ck_assert_int_eq(st->exp[0].data[0], 0);
}
END_TEST

START_TEST(errors_name_line_and_reason)
{
	parse_fails("domain alice\n\nalice: share 1 page with bob\n",
		    "t.scn:3:29: expected 'read-only/writable' or 'notify' or 'as' at the end");
	teardown();
	parse_fails("alice: map 8 to bob as v\n", "t.scn:1:14: expected 'from', not 'to'");
	teardown();
	parse_fails("alice: share 1 page with bob as v\n"
		    "alice: jump\n", "t.scn:2:8: unknown step 'jump'");
	teardown();
	parse_fails("share 1 page with bob as v\n", "'share' runs in a domain");
	teardown();
	parse_fails("alice: domain bob\n", "'domain' is not a step of a domain");
	teardown();
	parse_fails("alice: notify $p expect fault\n", "this step cannot expect fault");
	teardown();
	parse_fails("alice: notify $p expect errno EWHAT\n", "unknown errno 'EWHAT'");
	teardown();
	parse_fails("alice: map 8 from bob expect status fine\n", "unknown grant status 'fine'");
	teardown();
	parse_fails("alice: notify $p expect\n", "'expect' needs something");
	teardown();
	parse_fails("sleep 5\n", "expected a time such as 500ms or 2s, not '5'");
	teardown();
	parse_fails("alice: write hello to $v at 0\n", "expected a \"string\", not 'hello'");
	teardown();
	/* every error is reported, not only the first */
	int n = scn_parse_text("t.scn", "jump\nhop\n", &script);

	ck_assert_int_eq(n, 2);
	ck_assert_ptr_nonnull(strstr(script.errors, "t.scn:2:1"));
}
END_TEST

/* Transactions held open, vchan buffers, a vchan's ring page as a region. */
START_TEST(transactions_and_vchan_steps)
{
	parse_ok("alice: xs transaction start as t1\n"
		 "alice: xs transaction end $t1\n"
		 "alice: xs transaction end $t1 abort expect errno ENOENT\n"
		 "alice: vchan server at data/vchan/big for bob buffers 65536 as big\n"
		 "alice: vchan server at data/vchan/small for bob as small\n"
		 "bob: write \"\\xff\\xff\\xff\\x7f\" to $client at 4\n");
	ck_assert_uint_eq(script.nsteps, 6);
	ck_assert_int_eq(script.steps[0].verb->id, SCN_V_XS_TX_START);
	ck_assert_str_eq(cap_text(&script.steps[0], "NAME"), "t1");
	ck_assert_int_eq(script.steps[1].verb->id, SCN_V_XS_TX_END);
	ck_assert_str_eq(cap_text(&script.steps[1], "TRANSACTION"), "$t1");
	ck_assert(!scn_has(&script.steps[1], "abort"));
	ck_assert(scn_has(&script.steps[2], "abort"));
	ck_assert_int_eq(script.steps[3].verb->id, SCN_V_VCHAN_SERVER);
	ck_assert_str_eq(cap_text(&script.steps[3], "SIZE"), "65536");
	ck_assert_str_eq(cap_text(&script.steps[3], "NAME"), "big");
	ck_assert_ptr_null(scn_cap(&script.steps[4], "SIZE"));
	ck_assert_str_eq(cap_text(&script.steps[4], "PATH"), "data/vchan/small");
	ck_assert_int_eq(script.steps[5].verb->id, SCN_V_WRITE);
	teardown();
	parse_fails("alice: xs transaction end t1\n", "expected a $variable, not 't1'");
	teardown();
	parse_fails("alice: xs transaction start\n", "expected 'as'");
	teardown();
	parse_fails("alice: vchan server at p for bob buffers big as v\n", "expected SIZE");
	teardown();
	parse_fails("xs transaction start as t\n", "'xs' runs in a domain");
}
END_TEST

/* fault DOMAIN ...: the words are hvsim fault's, checked before anything runs. */
START_TEST(fault_statement)
{
	parse_ok("fault bob\n"
		 "fault bob clear\n"
		 "fault $peer clear kmalloc\n"
		 "fault bob map-grant eagain times 3\n"
		 "fault bob map-grant no-device-space nth 2\n"
		 "fault bob map-grant -ENOMEM always\n"
		 "fault 2 alloc-unbound -ENOSPC nth $n times $m\n"
		 "fault bob kmalloc nth 2 expect errno ENOTCONN\n"
		 "fault bob upcall-delay 50ms\n");
	ck_assert_uint_eq(script.nsteps, 9);
	ck_assert_int_eq(script.steps[3].verb->id, SCN_V_FAULT);
	teardown();
	parse_fails("fault bob teleport\n", "t.scn:1:11: unknown fault kind 'teleport'");
	teardown();
	parse_fails("fault bob alloc-unbound eagain\n", "alloc-unbound has no grant status");
	teardown();
	parse_fails("fault bob map-grant\n", "map-grant-ref needs a grant status");
	teardown();
	parse_fails("fault bob upcall-delay 2 days\n", "expected");
	teardown();
	parse_fails("fault bob kmalloc times 0\n", "--times takes a number from 1 to 1000000");
	teardown();
	parse_fails("fault bob kmalloc times 2 always\n", "expected");
	teardown();
	parse_fails("alice: fault bob kmalloc\n", "not a step of a domain");
}
END_TEST

START_TEST(every_pattern_parses_its_own_usage)
{
	/* Each verb's pattern, filled in with plausible words, must match: a typo in
	 * the table would otherwise only show when someone writes that step. */
	size_t n;
	const struct scn_verb *v = scn_verb_table(&n);

	for (size_t i = 0; i < n; i++) {
		char line[512] = "";
		const char *p = v[i].pattern;
		bool skip = false;
		int depth = 0;

		if (v[i].scope == SCN_AGENT)
			strcat(line, "dom: ");
		/* take the first alternative of every group, leave optional groups out */
		for (; *p; p++) {
			if (*p == '[' && !skip) {
				skip = true;
				depth = 1;
				continue;
			}
			if (skip) {
				depth += *p == '[';
				depth -= *p == ']';
				skip = depth > 0;
				continue;
			}
			if (*p == '(' || *p == ')' || *p == ' ')
				continue;
			if (*p == '|') {
				/* skip the other alternatives up to the group's end */
				int d = 0;

				while (*p && !(*p == ')' && d == 0)) {
					d += *p == '(';
					d -= *p == ')' && d;
					p++;
				}
				if (!*p)
					break;
				continue;
			}
			size_t len = strcspn(p, " []()");
			char word[64];

			snprintf(word, sizeof(word), "%.*s", (int)len, p);
			word[strcspn(word, "|")] = 0;
			const char *fill = word;

			if (!strncmp(word, "TEXT", 4))
				fill = "\"x\"";
			else if (!strncmp(word, "TIME", 4))
				fill = "1s";
			else if (!strncmp(word, "PARAMS", 6))
				fill = "a.b=1";
			else if (!strncmp(word, "REGION", 6) || !strncmp(word, "WATCH", 5) ||
				 !strncmp(word, "CHANNEL", 7) || !strncmp(word, "TRANSACTION", 11))
				fill = "$x";
			else if (!strncmp(word, "DOMAIN", 6) || !strncmp(word, "PEER", 4) ||
				 !strcmp(word, "NAME") || !strcmp(word, "PROC") ||
				 !strcmp(word, "FLAGS") || !strcmp(word, "STATE") ||
				 !strcmp(word, "PATH") || !strcmp(word, "PERMS") ||
				 !strcmp(word, "ARGS"))
				fill = "x";
			else if (word[0] >= 'A' && word[0] <= 'Z')
				fill = "1";
			strcat(line, fill);
			strcat(line, " ");
			p += len - 1;
		}
		strcat(line, "\n");
		int errs = scn_parse_text("t.scn", line, &script);

		ck_assert_msg(errs == 0, "'%s' (from '%s'): %s", line, v[i].pattern,
			      script.errors);
		ck_assert_int_eq(script.steps[0].verb->id, v[i].id);
		teardown();
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scenario language");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, tokens_strings_and_comments);
	tcase_add_test(tc, shapes_and_times);
	tcase_add_test(tc, runner_and_agent_steps);
	tcase_add_test(tc, alternatives_and_expectations);
	tcase_add_test(tc, errors_name_line_and_reason);
	tcase_add_test(tc, every_pattern_parses_its_own_usage);
	tcase_add_test(tc, fault_statement);
	tcase_add_test(tc, transactions_and_vchan_steps);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
