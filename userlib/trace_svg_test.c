// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the sequence diagram (trace_svg.c) on a hand-written trace. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace_svg.h"

/* hvsimd's records, as it writes them: the effects of a hypercall come
 * just before its own record, in the same loop turn */
static const char trace_text[] =
	"{\"seq\":1,\"t\":0.001,\"dom\":0,\"kind\":\"event\",\"what\":\"domain_create\",\"name\":\"Domain-0\",\"ram_pages\":16384}\n"
	"{\"seq\":2,\"t\":0.002,\"dom\":1,\"kind\":\"event\",\"what\":\"domain_create\",\"name\":\"alice\",\"ram_pages\":4096}\n"
	"{\"seq\":3,\"t\":0.003,\"dom\":2,\"kind\":\"event\",\"what\":\"domain_create\",\"name\":\"bob\",\"ram_pages\":4096}\n"
	"{\"seq\":4,\"t\":0.100,\"dom\":2,\"kind\":\"hypercall\",\"op\":\"grant_table_op\",\"cmd\":\"map_grant_ref\",\"count\":1,\"rc\":0,\"ops\":[{\"ref\":8,\"dom\":1,\"flags\":2,\"host_addr\":8192,\"status\":0,\"handle\":0,\"dev_bus_addr\":4096}]}\n"
	"{\"seq\":5,\"t\":0.200,\"dom\":2,\"kind\":\"hypercall\",\"op\":\"grant_table_op\",\"cmd\":\"map_grant_ref\",\"count\":1,\"rc\":0,\"ops\":[{\"ref\":9,\"dom\":1,\"flags\":2,\"host_addr\":12288,\"status\":-1,\"handle\":0,\"dev_bus_addr\":0}]}\n"
	"{\"seq\":6,\"t\":0.300000,\"dom\":1,\"kind\":\"event\",\"what\":\"evtchn_pending\",\"port\":3,\"masked\":false,\"selector\":true,\"upcall\":true}\n"
	"{\"seq\":7,\"t\":0.300020,\"dom\":2,\"kind\":\"hypercall\",\"op\":\"event_channel_op\",\"cmd\":\"send\",\"count\":1,\"rc\":0,\"ops\":[{\"port\":5}]}\n"
	"{\"seq\":8,\"t\":0.400,\"dom\":2,\"kind\":\"hypercall\",\"op\":\"event_channel_op\",\"cmd\":\"bind_interdomain\",\"count\":1,\"rc\":-22,\"ops\":[{\"remote_dom\":1,\"remote_port\":77,\"local_port\":0}]}\n"
	"{\"seq\":9,\"t\":0.500,\"dom\":1,\"kind\":\"event\",\"what\":\"domain_destroy\"}\n"
	"{\"seq\":10,\"t\":0.600,\"dom\":1,\"kind\":\"event\",\"what\":\"evtchn_close\",\"port\":3,\"state\":\"interdomain\",\"peer_dom\":2,\"peer_port\":5}\n";

static char trace_path[] = "/tmp/trace-svg-test-XXXXXX";
static char *svg;
static size_t svg_len;

static void setup(void)
{
	int fd = mkstemp(trace_path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, trace_text, sizeof(trace_text) - 1), (ssize_t)sizeof(trace_text) - 1);
	close(fd);
}

static void teardown(void)
{
	unlink(trace_path);
	strcpy(trace_path, "/tmp/trace-svg-test-XXXXXX");
	free(svg);
	svg = NULL;
}

static void draw(const struct trace_svg_options *o)
{
	FILE *mem = open_memstream(&svg, &svg_len);

	ck_assert_int_eq(trace_svg_write(trace_path, mem, o), 0);
	fclose(mem);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* a comes before b in the text */
#define before(a, b) ck_assert_msg((a) < (b), "%s comes after %s", #a, #b)

static const char *find(const char *needle)
{
	const char *p = strstr(svg, needle);

	ck_assert_msg(p, "'%s' is not in the diagram:\n%s", needle, svg);
	return p;
}

START_TEST(lifelines_for_domains_that_act)
{
	draw(NULL);
	ck_assert(!strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39));
	ck_assert_str_eq(svg + svg_len - 7, "</svg>\n");
	ck_assert_uint_eq(count(svg, "<text"), count(svg, "</text>"));
	find(">Xen (hvsimd)<");
	find(">alice<");
	find(">bob<");
	/* Domain-0 was only created: no lifeline of its own */
	ck_assert_ptr_null(strstr(svg, ">Domain-0<"));
}
END_TEST

START_TEST(calls_and_their_outcomes)
{
	draw(NULL);
	const char *call = find("map_grant_ref ref 8 of alice");
	const char *ret = find("okay: handle 0");

	before(call, ret);
	/* the refused map is red */
	const char *refused = find(">general_error<");

	ck_assert_ptr_nonnull(strstr(refused - 120, "#cf222e"));
	find(">-EINVAL<");
	find("bind_interdomain to alice port 77");
}
END_TEST

START_TEST(effects_between_call_and_return)
{
	draw(NULL);
	const char *send = find("send port 5");
	const char *event = find("event: port 3 pending, upcall");
	const char *ret = strstr(event, ">0<");

	before(send, event);
	ck_assert_ptr_nonnull(ret);
	/* a close after a destroy is the destroy's doing, not a call's */
	before(find(">destroyed<"), find(">port 3 closed<"));
}
END_TEST

START_TEST(notes_range_and_escaping)
{
	struct trace_svg_note notes[] = {
		{ 4, "10: bob: map <&> \"first\"" },
		{ 7, "12: bob: notify" },
	};
	struct trace_svg_options o = { .first_seq = 5, .notes = notes, .nr_notes = 2,
				       .title = "a & b" };

	draw(&o);
	/* seq 4 is before the range */
	ck_assert_ptr_null(strstr(svg, "ref 8 of alice"));
	const char *n1 = find("10: bob: map &lt;&amp;&gt; &quot;first&quot;");
	const char *n2 = find("12: bob: notify");

	before(n1, find(">general_error<"));
	before(find(">general_error<"), n2);
	before(n2, find("send port 5"));
	find(">a &amp; b<");
}
END_TEST

START_TEST(too_many_records_are_left_out)
{
	struct trace_svg_options o = { .max_records = 4 };

	draw(&o);
	find("6 more records not drawn");
	ck_assert_ptr_null(strstr(svg, "send port 5"));
}
END_TEST

/* A FIFO domain's steps: the switch, the array, and which queue an event went to. */
START_TEST(fifo_steps)
{
	static const char fifo_text[] =
		"{\"seq\":1,\"t\":0.001,\"dom\":1,\"kind\":\"event\",\"what\":\"domain_create\",\"name\":\"alice\",\"ram_pages\":4096}\n"
		"{\"seq\":2,\"t\":0.100,\"dom\":1,\"kind\":\"event\",\"what\":\"evtchn_fifo_init\",\"abi\":\"fifo\",\"control_gfn\":16,\"offset\":0,\"ports\":0,\"saved_pending\":0}\n"
		"{\"seq\":3,\"t\":0.100010,\"dom\":1,\"kind\":\"hypercall\",\"op\":\"event_channel_op\",\"cmd\":\"init_control\",\"count\":1,\"rc\":0,\"ops\":[{\"control_gfn\":16,\"offset\":0,\"vcpu\":0,\"link_bits\":17}]}\n"
		"{\"seq\":4,\"t\":0.200,\"dom\":1,\"kind\":\"event\",\"what\":\"evtchn_fifo_expand\",\"array_gfn\":17,\"pages\":1,\"ports\":1024}\n"
		"{\"seq\":5,\"t\":0.200010,\"dom\":1,\"kind\":\"hypercall\",\"op\":\"event_channel_op\",\"cmd\":\"expand_array\",\"count\":1,\"rc\":0,\"ops\":[{\"array_gfn\":17}]}\n"
		"{\"seq\":6,\"t\":0.300,\"dom\":1,\"kind\":\"event\",\"what\":\"evtchn_pending\",\"port\":3,\"abi\":\"fifo\",\"priority\":7,\"set\":[\"PENDING\",\"LINKED\"],\"masked\":false,\"head\":true,\"ready\":true,\"upcall\":true}\n"
		"{\"seq\":7,\"t\":0.300010,\"dom\":1,\"kind\":\"hypercall\",\"op\":\"event_channel_op\",\"cmd\":\"send\",\"count\":1,\"rc\":0,\"ops\":[{\"port\":3}]}\n"
		"{\"seq\":8,\"t\":0.400,\"dom\":1,\"kind\":\"hypercall\",\"op\":\"memory_op\",\"cmd\":\"add_to_physmap\",\"rc\":0}\n"
		"{\"seq\":9,\"t\":0.500,\"dom\":1,\"kind\":\"hypercall\",\"op\":\"xen_version\",\"cmd\":\"get_features\",\"rc\":-38}\n";
	char path[] = "/tmp/trace-svg-fifo-XXXXXX";
	int fd = mkstemp(path);
	FILE *mem;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, fifo_text, sizeof(fifo_text) - 1), (ssize_t)sizeof(fifo_text) - 1);
	close(fd);
	mem = open_memstream(&svg, &svg_len);
	ck_assert_int_eq(trace_svg_write(path, mem, NULL), 0);
	fclose(mem);
	unlink(path);
	find("FIFO event ABI, control block gfn 0x10");
	find("event array: 1 page<");
	find("event: port 3 pending on queue 7, upcall");
	/* other hypercalls by their own names, not as event-channel ops */
	find("memory_op add_to_physmap<");
	find("xen_version get_features<");
	find("-ENOSYS<");
	ck_assert_ptr_null(strstr(svg, "EVTCHNOP_add_to_physmap"));
}
END_TEST

/* Grant entries a kernel writes (no hypercall), the pins a map takes and
 * its unmap gives back, and the entry's release: seen only in the
 * snapshots of the state, and drawn from them; the first snapshot (before
 * first_seq) is the baseline, and a snapshot names no lifeline itself. */
START_TEST(grant_entries_from_snapshots)
{
#define STATE(seq, alice_entries) \
	"{\"seq\":" #seq ",\"t\":0." #seq ",\"kind\":\"state\",\"why\":\"line " #seq "\",\"domains\":[" \
	"{\"domid\":0,\"name\":\"Domain-0\",\"state\":\"running\",\"grant_table\":{\"entries\":[],\"maptrack\":[]}}," \
	"{\"domid\":1,\"name\":\"alice\",\"state\":\"running\",\"grant_table\":{\"entries\":[" alice_entries "],\"maptrack\":[]}}," \
	"{\"domid\":2,\"name\":\"bob\",\"state\":\"running\",\"grant_table\":{\"entries\":[],\"maptrack\":[]}}]," \
	"\"xenstore\":{}}\n"
#define ENTRY(flags, rw) \
	"{\"ref\":8,\"flags\":1,\"flags_decoded\":\"" flags "\",\"domid\":2,\"frame\":69," \
	"\"pin\":{\"host_ro\":0,\"host_rw\":" #rw ",\"dev_ro\":0,\"dev_rw\":0}}"
	static const char text[] =
		"{\"seq\":1,\"t\":0.001,\"dom\":1,\"kind\":\"event\",\"what\":\"domain_create\",\"name\":\"alice\",\"ram_pages\":4096}\n"
		"{\"seq\":2,\"t\":0.002,\"dom\":2,\"kind\":\"event\",\"what\":\"domain_create\",\"name\":\"bob\",\"ram_pages\":4096}\n"
		STATE(3, "")
		STATE(4, ENTRY("permit_access", 0))
		"{\"seq\":5,\"t\":0.5,\"dom\":2,\"kind\":\"hypercall\",\"op\":\"grant_table_op\",\"cmd\":\"map_grant_ref\",\"count\":1,\"rc\":0,\"ops\":[{\"ref\":8,\"dom\":1,\"flags\":2,\"host_addr\":286720,\"status\":0,\"handle\":0,\"dev_bus_addr\":282624}]}\n"
		STATE(6, ENTRY("permit_access|reading|writing", 1))
		"{\"seq\":7,\"t\":0.7,\"dom\":2,\"kind\":\"hypercall\",\"op\":\"grant_table_op\",\"cmd\":\"unmap_grant_ref\",\"count\":1,\"rc\":0,\"ops\":[{\"handle\":0,\"host_addr\":286720,\"status\":0}]}\n"
		STATE(8, ENTRY("permit_access", 0))
		STATE(9, "");
#undef STATE
#undef ENTRY
	struct trace_svg_note notes[] = { { 4, "15: alice: share" }, { 5, "17: bob: map" },
					  { 7, "31: bob: unmap" }, { 9, "32: check" } };
	struct trace_svg_options o = { .notes = notes, .nr_notes = 4, .first_seq = 4 };
	char path[] = "/tmp/trace-svg-state-XXXXXX";
	int fd = mkstemp(path);
	FILE *mem;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	mem = open_memstream(&svg, &svg_len);
	ck_assert_int_eq(trace_svg_write(path, mem, &o), 0);
	fclose(mem);
	unlink(path);
	const char *wrote = find(">kernel wrote ref 8: permit_access for bob (no hypercall)<");
	const char *map = find(">map_grant_ref ref 8 of alice<");
	const char *pinned = find(">ref 8 pinned: pins none -&gt; host_rw 1<");
	const char *unmap = find(">unmap_grant_ref handle 0<");
	const char *released = find(">ref 8 released: pins host_rw 1 -&gt; none<");
	const char *freed = find(">kernel released ref 8 (was permit_access for bob; no hypercall)<");

	before(wrote, map);
	before(map, pinned);
	before(pinned, unmap);
	before(unmap, released);
	before(released, freed);
	/* the baseline is not drawn as new, and nothing changed for Domain-0 */
	ck_assert_uint_eq(count(svg, "kernel wrote"), 1);
	ck_assert_ptr_null(strstr(svg, ">Domain-0<"));
	find("#0b6e75");
}
END_TEST

START_TEST(html_page_and_files)
{
	char out[] = "/tmp/trace-svg-test-out-XXXXXX.html";
	int fd = mkstemps(out, 5);
	FILE *f;
	char head[64] = "";

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(trace_svg_file(trace_path, out, NULL), 0);
	f = fopen(out, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(head, sizeof(head), f));
	fclose(f);
	unlink(out);
	ck_assert_str_eq(head, "<!DOCTYPE html>\n");
	ck_assert_int_eq(trace_svg_file("/nonexistent/trace.jsonl", "/tmp/x.svg", NULL), -ENOENT);
	ck_assert_int_eq(trace_svg_file(trace_path, "/nonexistent/dir/x.svg", NULL), -ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace diagram");
	TCase *tc = tcase_create("svg");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, lifelines_for_domains_that_act);
	tcase_add_test(tc, calls_and_their_outcomes);
	tcase_add_test(tc, effects_between_call_and_return);
	tcase_add_test(tc, notes_range_and_escaping);
	tcase_add_test(tc, too_many_records_are_left_out);
	tcase_add_test(tc, html_page_and_files);
	tcase_add_test(tc, fifo_steps);
	tcase_add_test(tc, grant_entries_from_snapshots);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
