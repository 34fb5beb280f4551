// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the step-through page (trace_html.c) on hand-written
 * traces: how records and snapshots become steps, what each step carries,
 * and that the page holds its data where nothing can end the <script>
 * early.  The page's script runs in a browser: tests/html/.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "trace_html.h"

/* A snapshot with alice's entry 8 (flags, host_rw pins) or none, and a
 * xenstore node that the second snapshot changes. */
#define STATE(seq, why, entries, xsval)                                                         \
	"{\"seq\":" #seq ",\"t\":0." #seq ",\"kind\":\"state\",\"why\":\"" why "\",\"domains\":["    \
	"{\"domid\":1,\"name\":\"alice\",\"state\":\"running\",\"grant_table\":{\"nr_frames\":1,"   \
	"\"max_frames\":64,\"entries\":[" entries "],\"maptrack\":[]},\"evtchn\":{\"abi\":\"2l\","  \
	"\"ports\":[]},\"p2m\":[]},"                                                                 \
	"{\"domid\":2,\"name\":\"bob\",\"state\":\"running\",\"grant_table\":{\"nr_frames\":1,"     \
	"\"max_frames\":64,\"entries\":[],\"maptrack\":[]},\"evtchn\":{\"abi\":\"2l\","             \
	"\"ports\":[]},\"p2m\":[]}],"                                                                \
	"\"xenstore\":{\"/a\":{\"value\":\"" xsval "\",\"perms\":[\"n0\"]}}}\n"
#define ENTRY(flags, rw)                                                                        \
	"{\"ref\":8,\"flags\":1,\"flags_decoded\":\"" flags "\",\"domid\":2,\"frame\":69,"         \
	"\"pin\":{\"host_ro\":0,\"host_rw\":" #rw ",\"dev_ro\":0,\"dev_rw\":0}}"
#define MAP(seq)                                                                                \
	"{\"seq\":" #seq ",\"t\":0." #seq ",\"dom\":2,\"kind\":\"hypercall\",\"op\":"               \
	"\"grant_table_op\",\"cmd\":\"map_grant_ref\",\"count\":1,\"rc\":0,\"ops\":[{\"ref\":8,"    \
	"\"dom\":1,\"flags\":2,\"host_addr\":286720,\"status\":0,\"handle\":0,"                      \
	"\"dev_bus_addr\":282624}]}\n"
#define SEND(seq)                                                                               \
	"{\"seq\":" #seq ",\"t\":0." #seq ",\"dom\":1,\"kind\":\"hypercall\",\"op\":"               \
	"\"event_channel_op\",\"cmd\":\"send\",\"count\":1,\"rc\":-22,\"ops\":[{\"port\":9}]}\n"

static const char scenario_trace[] =
	"{\"seq\":1,\"t\":0.01,\"dom\":1,\"kind\":\"event\",\"what\":\"domain_create\",\"name\":\"alice\",\"ram_pages\":4096}\n"
	"{\"seq\":2,\"t\":0.02,\"dom\":2,\"kind\":\"event\",\"what\":\"domain_create\",\"name\":\"bob\",\"ram_pages\":4096}\n"
	STATE(3, "start", "", "x")
	/* step 1 (from seq 4): alice's kernel writes entry 8, no record */
	STATE(4, "line 15", ENTRY("permit_access", 0), "x</script><!--")
	SEND(5)		/* late, after step 1's snapshot: meanwhile, for step 2 */
	/* step 2 (from seq 6): bob maps */
	MAP(6)
	STATE(7, "line 17", ENTRY("permit_access|reading|writing", 1), "x</script><!--")
	SEND(8)		/* meanwhile, for step 3 */
	/* step 3 (from seq 9): nothing happens */
	STATE(9, "line 18", ENTRY("permit_access|reading|writing", 1), "x</script><!--");

static char trace_path[] = "/tmp/trace-html-test-XXXXXX";
static char *page;
static size_t page_len;
static struct json_object *data;

static void write_trace(const char *text)
{
	int fd = mkstemp(trace_path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void teardown(void)
{
	unlink(trace_path);
	strcpy(trace_path, "/tmp/trace-html-test-XXXXXX");
	free(page);
	page = NULL;
	json_object_put(data);
	data = NULL;
}

/* Writes the page and reads its data back as the browser's JSON.parse would. */
static void make_page(const struct trace_html_options *o)
{
	FILE *mem = open_memstream(&page, &page_len);
	const char *start, *end;
	char *json;

	ck_assert_int_eq(trace_html_write(trace_path, mem, o), 0);
	fclose(mem);
	start = strstr(page, "<script type=\"application/json\" id=\"hvsim-data\">");
	ck_assert_ptr_nonnull(start);
	start = strchr(start, '>') + 1;
	end = strstr(start, "</script>");
	ck_assert_ptr_nonnull(end);
	json = strndup(start, (size_t)(end - start));
	data = json_tokener_parse(json);
	ck_assert_msg(data != NULL, "the page's data is not JSON: %s", json);
	free(json);
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char *copy = strdup(path), *save = NULL;

	for (char *k = strtok_r(copy, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		struct json_object *next = NULL;

		if (json_object_is_type(o, json_type_array))
			next = json_object_array_get_idx(o, (size_t)atoi(k));
		else
			json_object_object_get_ex(o, k, &next);
		ck_assert_msg(next != NULL, "no %s (at '%s') in %s", path, k,
			      json_object_to_json_string(o));
		o = next;
	}
	free(copy);
	return o;
}

static const char *str(const char *path)
{
	return json_object_get_string(get(data, path));
}

static size_t len(const char *path)
{
	return json_object_array_length(get(data, path));
}

static bool has(struct json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

START_TEST(escaped_for_a_script_element)
{
	char *s = trace_html_script_json("{\"a\":\"</script><!-- & -->\"}");
	struct json_object *back;

	ck_assert_str_eq(s, "{\"a\":\"\\u003c/script\\u003e\\u003c!-- \\u0026 --\\u003e\"}");
	back = json_tokener_parse(s);
	ck_assert_str_eq(json_object_get_string(get(back, "a")), "</script><!-- & -->");
	json_object_put(back);
	free(s);
}
END_TEST

START_TEST(scenario_steps)
{
	const struct trace_html_step steps[] = {
		{ 4, "15: alice: share 1 page with bob as page", "ref 8", NULL },
		{ 6, "17: bob: map $page.ref from alice as view", "handle 0", NULL },
		{ 9, "18: bob: read <$view> at 0", NULL, "expected: \"x\"" },
	};
	struct trace_html_options o = { .title = "a <title> & more", .steps = steps, .nr_steps = 3 };

	write_trace(scenario_trace);
	make_page(&o);
	ck_assert_str_eq(str("source"), "scenario");
	ck_assert_str_eq(str("names.1"), "alice");
	ck_assert_uint_eq(len("steps"), 3);
	/* the snapshot before the first step is where the page starts */
	ck_assert_uint_eq(len("baseline.doms.1.grant_table.entries"), 0);

	/* step 1: no record, but the snapshot shows alice's kernel's write */
	ck_assert_str_eq(str("steps.0.title"), "15: alice: share 1 page with bob as page");
	ck_assert_str_eq(str("steps.0.result"), "ref 8");
	ck_assert_uint_eq(len("steps.0.records"), 0);
	ck_assert_int_eq(json_object_get_int(get(data, "steps.0.state_seq")), 4);
	ck_assert_str_eq(str("steps.0.doms.1.grant_table.entries.0.flags_decoded"), "permit_access");
	ck_assert(!has(get(data, "steps.0.doms"), "2"));	/* bob did not change */
	ck_assert_ptr_nonnull(strstr(str("steps.0.narration"),
		"alice's grant ref 8: written by its kernel: permit_access for bob, frame 0x45"));
	ck_assert_str_eq(str("steps.0.xenstore.0.change"), "changed");
	ck_assert_str_eq(str("steps.0.xenstore.0.value"), "x</script><!--");

	/* step 2: the send after step 1's snapshot, before step 2 began, is
	 * shown first, as meanwhile; then the map, its status and flags by
	 * name; the pin in the snapshot */
	ck_assert_uint_eq(len("steps.1.records"), 2);
	ck_assert(json_object_get_boolean(get(data, "steps.1.records.0.meanwhile")));
	ck_assert_str_eq(str("steps.1.records.0.cmd"), "send");
	ck_assert_str_eq(str("steps.1.records.1.cmd"), "map_grant_ref");
	ck_assert(!has(get(data, "steps.1.records.1"), "meanwhile"));
	ck_assert_str_eq(str("steps.1.records.1.ops.0.status_name"), "okay");
	ck_assert_str_eq(str("steps.1.records.1.ops.0.flags_decoded"), "host_map");
	ck_assert_int_eq(json_object_get_int(get(data, "steps.1.records.1.nops")), 1);
	ck_assert_str_eq(str("steps.1.doms.1.grant_table.entries.0.flags_decoded"),
			 "permit_access|reading|writing");
	ck_assert_int_eq(json_object_get_int(get(data, "steps.1.doms.1.grant_table.entries.0.pin.host_rw")), 1);
	ck_assert_ptr_nonnull(strstr(str("steps.1.narration"),
		"bob -> Xen: GNTTABOP_map_grant_ref ref 8 of alice, host_map -> okay, handle 0"));
	ck_assert_ptr_nonnull(strstr(str("steps.1.narration"), "pins none -> host_rw 1"));
	ck_assert_uint_eq(len("steps.1.xenstore"), 0);

	/* step 3: the send after step 2's snapshot, meanwhile again */
	ck_assert_uint_eq(len("steps.2.records"), 1);
	ck_assert(json_object_get_boolean(get(data, "steps.2.records.0.meanwhile")));
	ck_assert_str_eq(str("steps.2.records.0.rc_name"), "EINVAL");
	ck_assert_ptr_nonnull(strstr(str("steps.2.narration"), "meanwhile:\n  alice -> Xen: EVTCHNOP_send port 9 -> -EINVAL"));
	ck_assert_str_eq(str("steps.2.failure"), "expected: \"x\"");
	ck_assert_uint_eq(json_object_object_length(get(data, "steps.2.doms")), 0);

	/* one page: its style and script inline, nothing fetched, the title escaped */
	ck_assert(!strncmp(page, "<!DOCTYPE html>\n", 16));
	ck_assert_ptr_nonnull(strstr(page, "<title>a &lt;title&gt; &amp; more</title>"));
	ck_assert_ptr_nonnull(strstr(page, "<style>\n/* hvsim's step-through page"));
	ck_assert_ptr_nonnull(strstr(page, "data-js"));
	ck_assert_ptr_null(strstr(page, " src="));
	ck_assert_ptr_null(strstr(page, "http://"));
	ck_assert_ptr_null(strstr(page, "https://"));
	ck_assert_ptr_null(strstr(page, "<!--"));
	ck_assert_str_eq(page + page_len - 15, "</body></html>\n");
}
END_TEST

/* A step the runner named but that left nothing in the trace, not even a
 * snapshot (the run stopped): it is there, with no state of its own. */
START_TEST(steps_without_records)
{
	const struct trace_html_step steps[] = {
		{ 4, "15: share", NULL, NULL }, { 50, "16: never reached", NULL, "the agent died" },
	};
	struct trace_html_options o = { .steps = steps, .nr_steps = 2 };

	write_trace(STATE(3, "start", "", "x") STATE(4, "line 15", "", "x"));
	make_page(&o);
	ck_assert_uint_eq(len("steps"), 2);
	ck_assert_str_eq(str("title"), "hvsim trace");
	ck_assert(has(get(data, "steps.0"), "state_seq"));
	ck_assert(!has(get(data, "steps.1"), "state_seq"));
	ck_assert_str_eq(str("steps.1.failure"), "the agent died");
}
END_TEST

/* A live trace: with fewer than two snapshots each hypercall ends a step
 * (its effects stay with it); with more, the snapshots end them. */
START_TEST(live_trace_steps)
{
	write_trace(
		"{\"seq\":1,\"t\":0.01,\"dom\":1,\"kind\":\"event\",\"what\":\"domain_create\",\"name\":\"alice\",\"ram_pages\":4096}\n"
		"{\"seq\":2,\"t\":0.3,\"dom\":1,\"kind\":\"event\",\"what\":\"evtchn_pending\",\"port\":3}\n"
		"{\"seq\":3,\"t\":0.3001,\"dom\":2,\"kind\":\"hypercall\",\"op\":\"event_channel_op\",\"cmd\":\"send\",\"count\":1,\"rc\":0,\"ops\":[{\"port\":5}]}\n"
		MAP(4)
		STATE(5, "hvsim trace", "", "x"));
	make_page(NULL);
	ck_assert_str_eq(str("source"), "trace");
	ck_assert_uint_eq(len("steps"), 2);
	/* the send with its effect, drawn after it, and the domain's creation before */
	ck_assert_uint_eq(len("steps.0.records"), 3);
	ck_assert_str_eq(str("steps.0.records.0.what"), "domain_create");
	ck_assert_str_eq(str("steps.0.records.1.cmd"), "send");
	ck_assert_str_eq(str("steps.0.records.2.what"), "evtchn_pending");
	ck_assert(json_object_get_boolean(get(data, "steps.0.records.2.effect")));
	ck_assert(!has(get(data, "steps.0"), "state_seq"));
	/* the snapshot right after the map is the map's step's */
	ck_assert_int_eq(json_object_get_int(get(data, "steps.1.state_seq")), 5);
	teardown();

	write_trace(STATE(1, "quiet", "", "x") SEND(2) MAP(3) STATE(4, "quiet", ENTRY("permit_access", 0), "x")
		    SEND(5) STATE(6, "quiet", ENTRY("permit_access", 0), "y") SEND(7));
	make_page(NULL);
	ck_assert_uint_eq(len("steps"), 3);
	ck_assert_uint_eq(len("baseline.doms.1.grant_table.entries"), 0);
	ck_assert_uint_eq(len("steps.0.records"), 2);
	ck_assert_str_eq(str("steps.0.doms.1.grant_table.entries.0.flags_decoded"), "permit_access");
	ck_assert_str_eq(str("steps.1.xenstore.0.value"), "y");
	ck_assert_str_eq(str("steps.1.xenstore.0.was"), "x");
	/* after the last snapshot: a step with no state of its own */
	ck_assert_uint_eq(len("steps.2.records"), 1);
	ck_assert(!has(get(data, "steps.2"), "state_seq"));
}
END_TEST

START_TEST(too_many_records_and_files)
{
	struct trace_html_options o = { .max_records = 2 };
	char out[] = "/tmp/trace-html-test-out-XXXXXX.html";
	int fd;

	write_trace(SEND(1) SEND(2) SEND(3) SEND(4));
	make_page(&o);
	ck_assert_int_eq(json_object_get_int(get(data, "left_out")), 2);
	ck_assert_uint_eq(len("steps"), 2);
	fd = mkstemps(out, 5);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(trace_html_file(trace_path, out, NULL), 0);
	ck_assert_int_eq(access(out, F_OK), 0);
	unlink(out);
	ck_assert_int_eq(trace_html_file("/nonexistent/trace.jsonl", out, NULL), -ENOENT);
	ck_assert_int_ne(access(out, F_OK), 0);	/* no half a page left behind */
	ck_assert_int_eq(trace_html_file(trace_path, "/nonexistent/dir/x.html", NULL), -ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("step-through page");
	TCase *tc = tcase_create("html");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, escaped_for_a_script_element);
	tcase_add_test(tc, scenario_steps);
	tcase_add_test(tc, steps_without_records);
	tcase_add_test(tc, live_trace_steps);
	tcase_add_test(tc, too_many_records_and_files);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
