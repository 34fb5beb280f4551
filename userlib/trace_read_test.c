// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the trace reader (trace_read.c): its names, and its loader
 * on a trace the test writes, with lines that are not records and a last
 * record hvsimd is still writing. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace_read.h"

/* Status names ------------------------------------------------------------ */

START_TEST(gntst_names_both_ways)
{
	int st = 1;

	ck_assert_str_eq(trace_gntst_name(GNTST_okay), "okay");
	ck_assert_str_eq(trace_gntst_name(GNTST_bad_gntref), "bad_gntref");
	ck_assert_str_eq(trace_gntst_name(GNTST_permission_denied), "permission_denied");
	ck_assert_str_eq(trace_gntst_name(GNTST_no_space), "no_space");
	ck_assert_ptr_null(trace_gntst_name(GNTST_no_space - 1));
	ck_assert_ptr_null(trace_gntst_name(1));
	ck_assert_ptr_null(trace_gntst_name(-(1LL << 40)));

	ck_assert_int_eq(trace_gntst_value("bad_gntref", &st), 0);
	ck_assert_int_eq(st, GNTST_bad_gntref);
	ck_assert_int_eq(trace_gntst_value("okay", &st), 0);
	ck_assert_int_eq(st, GNTST_okay);
	ck_assert_int_eq(trace_gntst_value("eagain", &st), 0);
	ck_assert_int_eq(st, GNTST_eagain);
	/* the table has no prefixes and no numbers: the scenario language adds them */
	ck_assert_int_eq(trace_gntst_value("GNTST_bad_gntref", &st), -1);
	ck_assert_int_eq(trace_gntst_value("-3", &st), -1);
	ck_assert_int_eq(trace_gntst_value("", &st), -1);
	/* every name comes back as its code */
	for (int code = 0; trace_gntst_name(code); code--) {
		ck_assert_int_eq(trace_gntst_value(trace_gntst_name(code), &st), 0);
		ck_assert_int_eq(st, code);
	}
}
END_TEST

START_TEST(gntmap_flag_names)
{
	char buf[TRACE_GNTMAP_FLAGS_LEN], small[12];

	ck_assert_str_eq(trace_gntmap_flags(0, buf, sizeof(buf)), "0");
	ck_assert_str_eq(trace_gntmap_flags(GNTMAP_host_map, buf, sizeof(buf)), "host_map");
	ck_assert_str_eq(trace_gntmap_flags(GNTMAP_host_map | GNTMAP_readonly, buf, sizeof(buf)),
			 "host_map|readonly");
	ck_assert_str_eq(trace_gntmap_flags(GNTMAP_device_map | GNTMAP_application_map |
					    GNTMAP_contains_pte, buf, sizeof(buf)),
			 "device_map|application_map|contains_pte");
	/* bits without a name last, in hex */
	ck_assert_str_eq(trace_gntmap_flags(GNTMAP_host_map | 0x100, buf, sizeof(buf)),
			 "host_map|0x100");
	ck_assert_str_eq(trace_gntmap_flags(0x80000000u, buf, sizeof(buf)), "0x80000000");
	ck_assert_str_eq(trace_gntmap_flags(0xffffffffu, buf, sizeof(buf)),
			 "device_map|host_map|readonly|application_map|contains_pte|0xffffffe0");
	/* a short buffer is cut, not overrun */
	ck_assert_str_eq(trace_gntmap_flags(GNTMAP_host_map | GNTMAP_readonly, small,
					    sizeof(small)), "host_map|re");
}
END_TEST

/* The loader --------------------------------------------------------------- */

#define REC1 "{\"seq\":1,\"t\":0.001,\"dom\":0,\"kind\":\"event\",\"what\":\"domain_create\"," \
	     "\"name\":\"Domain-0\",\"ram_pages\":16384}\n"
#define REC2 "{\"seq\":2,\"t\":0.100,\"dom\":1,\"kind\":\"hypercall\",\"op\":\"grant_table_op\"," \
	     "\"cmd\":\"map_grant_ref\",\"count\":1,\"rc\":0,\"ops\":[{\"ref\":8,\"dom\":2," \
	     "\"flags\":6,\"status\":-3}]}\n"
#define REC3_HEAD "{\"seq\":3,\"t\":0.200,\"dom\":1,\"kind\":\"ev"
#define REC3_TAIL "ent\",\"what\":\"domain_destroy\"}\n"

/* REC1, a line that is not JSON, JSON that is not a record, REC2, and the
 * first half of REC3 */
static const char trace_text[] =
	REC1
	"{\"seq\":99,\"kind\":\n"
	"{\"seq\":98}\n"
	"[1,2]\n"
	REC2
	REC3_HEAD;

static char trace_path[] = "/tmp/trace-read-test-XXXXXX";

static void setup(void)
{
	int fd = mkstemp(trace_path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, trace_text, sizeof(trace_text) - 1),
			 (ssize_t)sizeof(trace_text) - 1);
	close(fd);
}

static void teardown(void)
{
	unlink(trace_path);
	strcpy(trace_path, "/tmp/trace-read-test-XXXXXX");
}

static void append(const char *text)
{
	FILE *f = fopen(trace_path, "a");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(records_skip_what_is_not_a_record)
{
	long offset = 0;
	struct json_object *recs = trace_read_records(trace_path, &offset), *op;

	ck_assert_ptr_nonnull(recs);
	ck_assert_uint_eq(json_object_array_length(recs), 2);
	ck_assert_int_eq(trace_int(json_object_array_get_idx(recs, 0), "seq"), 1);
	ck_assert_str_eq(trace_str(json_object_array_get_idx(recs, 0), "name"), "Domain-0");
	ck_assert_int_eq(trace_int(json_object_array_get_idx(recs, 1), "seq"), 2);
	/* absent fields read as 0, "" and NULL */
	ck_assert_int_eq(trace_int(json_object_array_get_idx(recs, 0), "port"), 0);
	ck_assert_str_eq(trace_str(json_object_array_get_idx(recs, 0), "cmd"), "");
	ck_assert_ptr_null(trace_get(json_object_array_get_idx(recs, 0), "ops"));
	op = json_object_array_get_idx(trace_get(json_object_array_get_idx(recs, 1), "ops"), 0);
	ck_assert_int_eq(trace_int(op, "status"), GNTST_bad_gntref);
	ck_assert_int_eq(trace_int(op, "flags"), GNTMAP_host_map | GNTMAP_readonly);
	/* the half-written record is left for later */
	ck_assert_int_eq(offset, (long)(sizeof(trace_text) - 1 - strlen(REC3_HEAD)));
	json_object_put(recs);
}
END_TEST

START_TEST(a_half_written_record_comes_whole_later)
{
	long offset = 0;
	struct json_object *recs = trace_read_records(trace_path, &offset);

	json_object_put(recs);
	/* nothing new yet */
	recs = trace_read_records(trace_path, &offset);
	ck_assert_uint_eq(json_object_array_length(recs), 0);
	json_object_put(recs);

	append(REC3_TAIL);
	recs = trace_read_records(trace_path, &offset);
	ck_assert_uint_eq(json_object_array_length(recs), 1);
	ck_assert_int_eq(trace_int(json_object_array_get_idx(recs, 0), "seq"), 3);
	ck_assert_str_eq(trace_str(json_object_array_get_idx(recs, 0), "what"), "domain_destroy");
	ck_assert_int_eq(offset, (long)(sizeof(trace_text) - 1 + strlen(REC3_TAIL)));
	json_object_put(recs);
}
END_TEST

START_TEST(reader_hands_out_every_whole_line)
{
	struct trace_reader r;
	const char *line;
	size_t lines = 0;

	ck_assert_int_eq(trace_reader_open(&r, trace_path, 0), 0);
	while ((line = trace_reader_line(&r))) {
		struct json_object *rec = trace_record_parse(line);

		lines++;
		/* lines 1 and 5 are records; 2 is cut short, 3 has no kind, 4 is an array */
		ck_assert_int_eq(rec != NULL, lines == 1 || lines == 5);
		json_object_put(rec);
	}
	ck_assert_uint_eq(lines, 5);
	/* the same reader, once the writer finished the line (as hvsim trace -f) */
	append(REC3_TAIL);
	line = trace_reader_line(&r);
	ck_assert_ptr_nonnull(line);
	ck_assert_str_eq(line, REC3_HEAD REC3_TAIL);
	ck_assert_ptr_null(trace_reader_line(&r));
	trace_reader_close(&r);
}
END_TEST

START_TEST(missing_file)
{
	struct trace_reader r;
	long offset = 0;

	ck_assert_int_eq(trace_reader_open(&r, "/nonexistent/trace.jsonl", 0), -ENOENT);
	errno = 0;
	ck_assert_ptr_null(trace_read_records("/nonexistent/trace.jsonl", &offset));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* Effects ------------------------------------------------------------------ */

START_TEST(effects_are_the_events_just_before_their_call)
{
	/* a send makes the peer's port pending (an effect); a pending port
	 * long before the next call, and a domain's creation, are not */
	struct json_object *recs = json_tokener_parse(
		"[{\"seq\":1,\"t\":0.100,\"kind\":\"event\",\"what\":\"evtchn_pending\"},"
		" {\"seq\":2,\"t\":0.200,\"kind\":\"event\",\"what\":\"domain_create\"},"
		" {\"seq\":3,\"t\":0.300000,\"kind\":\"event\",\"what\":\"evtchn_pending\"},"
		" {\"seq\":4,\"t\":0.300010,\"kind\":\"event\",\"what\":\"domain_dead\"},"
		" {\"seq\":5,\"t\":0.300020,\"kind\":\"hypercall\",\"cmd\":\"send\"},"
		" {\"seq\":6,\"t\":0.400,\"kind\":\"event\",\"what\":\"evtchn_pending\"},"
		" {\"seq\":7,\"t\":0.500,\"kind\":\"hypercall\",\"cmd\":\"send\"},"
		" {\"seq\":8,\"t\":0.500010,\"kind\":\"event\",\"what\":\"evtchn_close\"}]");
	long effect_of[8];
	const long want[8] = { -1, -1, 4, 4, -1, -1, -1, -1 };

	ck_assert_ptr_nonnull(recs);
	trace_effects(recs, effect_of);
	for (int i = 0; i < 8; i++)
		ck_assert_msg(effect_of[i] == want[i], "record %d: effect of %ld, not %ld", i,
			      effect_of[i], want[i]);
	json_object_put(recs);
}
END_TEST

START_TEST(marked_effects_need_no_timing)
{
	/* hvsimd marks what a call made ("call":true): however long the call
	 * took, those events are its effects; an unmarked one just before a
	 * call is one only within 2 ms (a trace of an hvsimd without marks) */
	struct json_object *recs = json_tokener_parse(
		"[{\"seq\":1,\"t\":0.100,\"kind\":\"event\",\"what\":\"evtchn_close\"},"
		" {\"seq\":2,\"t\":0.200,\"kind\":\"event\",\"what\":\"evtchn_fifo_init\","
		"\"call\":true},"
		" {\"seq\":3,\"t\":0.250,\"kind\":\"event\",\"what\":\"evtchn_pending\","
		"\"call\":true},"
		" {\"seq\":4,\"t\":0.300,\"kind\":\"hypercall\",\"cmd\":\"init_control\"}]");
	long effect_of[4];
	const long want[4] = { -1, 3, 3, -1 };

	ck_assert_ptr_nonnull(recs);
	trace_effects(recs, effect_of);
	for (int i = 0; i < 4; i++)
		ck_assert_msg(effect_of[i] == want[i], "record %d: effect of %ld, not %ld", i,
			      effect_of[i], want[i]);
	json_object_put(recs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace reader");
	TCase *names = tcase_create("names"), *loader = tcase_create("loader");
	TCase *effects = tcase_create("effects");
	SRunner *sr;
	int failed;

	tcase_add_test(names, gntst_names_both_ways);
	tcase_add_test(names, gntmap_flag_names);
	suite_add_tcase(s, names);
	tcase_add_checked_fixture(loader, setup, teardown);
	tcase_add_test(loader, records_skip_what_is_not_a_record);
	tcase_add_test(loader, a_half_written_record_comes_whole_later);
	tcase_add_test(loader, reader_hands_out_every_whole_line);
	tcase_add_test(loader, missing_file);
	suite_add_tcase(s, loader);
	tcase_add_test(effects, effects_are_the_events_just_before_their_call);
	tcase_add_test(effects, marked_effects_need_no_timing);
	suite_add_tcase(s, effects);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
