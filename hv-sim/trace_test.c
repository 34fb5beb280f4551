// SPDX-License-Identifier: GPL-2.0-only
/*
 * The trace: the text of hypercall records, field by field (the CLI, the
 * scenario narrator and the diagram read it), event records, sequence
 * order across the writer's batches, and when records reach the file
 * (trace_sync at once, even while the writer lingers; without a sync,
 * eventually; trace_close, everything).
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "hvsim/xen.h"
#include "trace.h"
#include "trace_abi.h"

static int trace_memfd = -1;
static char trace_path[64];

/* A memfd reopened by path: nothing left on disk if a test fails. */
static void setup(void)
{
	trace_memfd = memfd_create("hv-trace-test", MFD_CLOEXEC);
	ck_assert_int_ge(trace_memfd, 0);
	snprintf(trace_path, sizeof(trace_path), "/proc/self/fd/%d", trace_memfd);
	ck_assert_int_eq(trace_open(trace_path), 0);
}

static void teardown(void)
{
	trace_close();
	close(trace_memfd);
}

/* The file's lines (NULL-terminated, malloc'd); *n of them. */
static char **read_lines(size_t *n)
{
	FILE *f = fopen(trace_path, "r");
	char **lines = NULL, *line = NULL;
	size_t cap = 0, nr = 0;

	ck_assert_ptr_nonnull(f);
	for (;;) {
		size_t size = 0;
		ssize_t len;

		line = NULL;
		len = getline(&line, &size, f);
		if (len < 0)
			break;
		ck_assert_msg(len > 0 && line[len - 1] == '\n', "a line without its newline: %s",
			      line);
		line[len - 1] = '\0';
		if (nr + 2 > cap) {
			cap = cap ? 2 * cap : 64;
			lines = realloc(lines, cap * sizeof(*lines));
			ck_assert_ptr_nonnull(lines);
		}
		lines[nr++] = line;
	}
	free(line);
	fclose(f);
	if (!lines)
		lines = calloc(1, sizeof(*lines));
	lines[nr] = NULL;
	*n = nr;
	return lines;
}

static void free_lines(char **lines)
{
	for (size_t i = 0; lines[i]; i++)
		free(lines[i]);
	free(lines);
}

/*
 * Checks one line: {"seq":SEQ,"t":<a time>, then exactly `members`, then }.
 * The time is the one thing that differs from run to run.
 */
static void check_line(const char *line, unsigned long long seq, const char *members)
{
	char head[64];
	const char *p;
	size_t hl = (size_t)snprintf(head, sizeof(head), "{\"seq\":%llu,\"t\":", seq);

	ck_assert_msg(strncmp(line, head, hl) == 0, "line %s does not start with %s", line, head);
	p = line + hl;
	ck_assert_msg(*p >= '0' && *p <= '9', "no time in %s", line);
	p += strspn(p, "0123456789.");
	if (!*members) {
		ck_assert_str_eq(p, "}");
		return;
	}
	ck_assert_msg(*p == ',', "no comma after the time in %s", line);
	p++;
	ck_assert_msg(strlen(p) == strlen(members) + 1 && strncmp(p, members, strlen(members)) == 0 &&
		      p[strlen(members)] == '}',
		      "\nmembers %s\nexpected %s}", p, members);
}

/* Record formats -------------------------------------------------------- */

START_TEST(map_grant_ref_record)
{
	struct gnttab_map_grant_ref ops[2] = {
		{ .ref = 8, .dom = 1, .flags = GNTMAP_host_map, .host_addr = 4096,
		  .status = GNTST_okay, .handle = 0, .dev_bus_addr = 8192 },
		/* every field at its edge: the addresses print as signed, as ever */
		{ .ref = 0xffffffff, .dom = 0xffff, .flags = 0xffffffff,
		  .host_addr = ~0ULL, .status = GNTST_bad_gntref, .handle = 7,
		  .dev_bus_addr = 1ULL << 63 },
	};
	char **lines;
	size_t n;

	trace_hypercall(2, __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, ops, 2, 0);
	trace_sync();
	lines = read_lines(&n);
	ck_assert_uint_eq(n, 1);
	check_line(lines[0], 1,
		   "\"dom\":2,\"kind\":\"hypercall\",\"op\":\"grant_table_op\","
		   "\"cmd\":\"map_grant_ref\",\"count\":2,\"rc\":0,\"ops\":["
		   "{\"ref\":8,\"dom\":1,\"flags\":2,\"host_addr\":4096,\"status\":0,"
		   "\"handle\":0,\"dev_bus_addr\":8192},"
		   "{\"ref\":4294967295,\"dom\":65535,\"flags\":4294967295,\"host_addr\":-1,"
		   "\"status\":-3,\"handle\":7,\"dev_bus_addr\":-9223372036854775808}]");
	free_lines(lines);
}
END_TEST

/* Fault injection (fault.h) marks the call, and each element it failed. */
START_TEST(injected_records)
{
	struct gnttab_map_grant_ref ops[2] = {
		{ .ref = 8, .dom = 1, .flags = GNTMAP_host_map, .host_addr = 4096,
		  .status = GNTST_eagain, .handle = 0, .dev_bus_addr = 0 },
		{ .ref = 9, .dom = 1, .flags = GNTMAP_host_map, .host_addr = 8192,
		  .status = GNTST_okay, .handle = 1, .dev_bus_addr = 4096 },
	};
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 };
	uint8_t first = 1;
	char **lines;
	size_t n;

	trace_hypercall_injected(2, __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, ops, 2,
				 0, &first);
	trace_hypercall_injected(2, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &au, 1,
				 -ENOSPC, NULL);
	trace_sync();
	lines = read_lines(&n);
	ck_assert_uint_eq(n, 2);
	check_line(lines[0], 1,
		   "\"dom\":2,\"kind\":\"hypercall\",\"op\":\"grant_table_op\","
		   "\"cmd\":\"map_grant_ref\",\"count\":2,\"rc\":0,\"injected\":true,\"ops\":["
		   "{\"ref\":8,\"dom\":1,\"flags\":2,\"host_addr\":4096,\"status\":-12,"
		   "\"handle\":0,\"dev_bus_addr\":0,\"injected\":true},"
		   "{\"ref\":9,\"dom\":1,\"flags\":2,\"host_addr\":8192,\"status\":0,"
		   "\"handle\":1,\"dev_bus_addr\":4096}]");
	check_line(lines[1], 2,
		   "\"dom\":2,\"kind\":\"hypercall\",\"op\":\"event_channel_op\","
		   "\"cmd\":\"alloc_unbound\",\"count\":1,\"rc\":-28,\"injected\":true,"
		   "\"ops\":[{\"dom\":32752,\"remote_dom\":1,\"port\":0}]");
	free_lines(lines);
}
END_TEST

START_TEST(unmap_and_copy_records)
{
	struct gnttab_unmap_grant_ref unmap = {
		.host_addr = 123456789012ULL, .dev_bus_addr = 0, .handle = 5,
		.status = GNTST_general_error,
	};
	struct gnttab_copy copy[2] = {
		{ .source = { .u.ref = 9, .domid = 3, .offset = 16 },
		  .dest = { .u.gmfn = 100, .domid = DOMID_SELF, .offset = 0 },
		  .len = 4096, .flags = GNTCOPY_source_gref, .status = GNTST_okay },
		{ .source = { .u.gmfn = 7, .domid = DOMID_SELF, .offset = 65535 },
		  .dest = { .u.ref = 10, .domid = 4, .offset = 1 },
		  .len = 1, .flags = GNTCOPY_dest_gref, .status = GNTST_bad_copy_arg },
	};
	char **lines;
	size_t n;

	trace_hypercall(3, __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, &unmap, 1,
			-EINVAL);
	trace_hypercall(3, __HYPERVISOR_grant_table_op, GNTTABOP_copy, copy, 2, 0);
	trace_sync();
	lines = read_lines(&n);
	ck_assert_uint_eq(n, 2);
	check_line(lines[0], 1,
		   "\"dom\":3,\"kind\":\"hypercall\",\"op\":\"grant_table_op\","
		   "\"cmd\":\"unmap_grant_ref\",\"count\":1,\"rc\":-22,\"ops\":["
		   "{\"handle\":5,\"host_addr\":123456789012,\"dev_bus_addr\":0,\"status\":-1}]");
	check_line(lines[1], 2,
		   "\"dom\":3,\"kind\":\"hypercall\",\"op\":\"grant_table_op\","
		   "\"cmd\":\"copy\",\"count\":2,\"rc\":0,\"ops\":["
		   "{\"src\":{\"ref\":9,\"dom\":3,\"offset\":16},"
		   "\"dst\":{\"gmfn\":100,\"dom\":32752,\"offset\":0},"
		   "\"len\":4096,\"flags\":1,\"status\":0},"
		   "{\"src\":{\"gmfn\":7,\"dom\":32752,\"offset\":65535},"
		   "\"dst\":{\"ref\":10,\"dom\":4,\"offset\":1},"
		   "\"len\":1,\"flags\":2,\"status\":-10}]");
	free_lines(lines);
}
END_TEST

START_TEST(rare_and_unknown_records)
{
	struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 4,
					    .status = GNTST_okay };
	evtchn_port_t port = 7;
	struct evtchn_status status = {
		.dom = DOMID_SELF, .port = 3, .status = EVTCHNSTAT_interdomain, .vcpu = 0,
		.u.interdomain = { .dom = 1, .port = 9 },
	};
	char **lines;
	size_t n;

	trace_hypercall(0, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table, &setup, 1, 0);
	trace_hypercall(1, __HYPERVISOR_event_channel_op, EVTCHNOP_send, &port, 1, 0);
	trace_hypercall(1, __HYPERVISOR_event_channel_op, EVTCHNOP_status, &status, 1, 0);
	/* an op nobody knows: no structs are copied, whatever the count */
	trace_hypercall(1, __HYPERVISOR_grant_table_op, 99, &setup, 5, -ENOSYS);
	trace_hypercall(1, 77, 3, NULL, 0, -ENOSYS);
	trace_hypercall(1, __HYPERVISOR_event_channel_op, EVTCHNOP_unmask, NULL, 0, 0);
	trace_sync();
	lines = read_lines(&n);
	ck_assert_uint_eq(n, 6);
	check_line(lines[0], 1,
		   "\"dom\":0,\"kind\":\"hypercall\",\"op\":\"grant_table_op\","
		   "\"cmd\":\"setup_table\",\"count\":1,\"rc\":0,\"ops\":["
		   "{\"dom\":32752,\"nr_frames\":4,\"status\":0}]");
	check_line(lines[1], 2,
		   "\"dom\":1,\"kind\":\"hypercall\",\"op\":\"event_channel_op\","
		   "\"cmd\":\"send\",\"count\":1,\"rc\":0,\"ops\":[{\"port\":7}]");
	check_line(lines[2], 3,
		   "\"dom\":1,\"kind\":\"hypercall\",\"op\":\"event_channel_op\","
		   "\"cmd\":\"status\",\"count\":1,\"rc\":0,\"ops\":["
		   "{\"dom\":32752,\"port\":3,\"status\":2,\"vcpu\":0,"
		   "\"remote_dom\":1,\"remote_port\":9}]");
	check_line(lines[3], 4,
		   "\"dom\":1,\"kind\":\"hypercall\",\"op\":\"grant_table_op\","
		   "\"cmd\":99,\"count\":0,\"rc\":-38,\"ops\":[]");
	check_line(lines[4], 5,
		   "\"dom\":1,\"kind\":\"hypercall\",\"op\":77,\"cmd\":3,\"count\":0,"
		   "\"rc\":-38,\"ops\":[]");
	check_line(lines[5], 6,
		   "\"dom\":1,\"kind\":\"hypercall\",\"op\":\"event_channel_op\","
		   "\"cmd\":\"unmask\",\"count\":0,\"rc\":0,\"ops\":[]");
	free_lines(lines);
}
END_TEST

/* The FIFO ABI's three ops: every field of their structs. */
START_TEST(fifo_records)
{
	struct evtchn_init_control ic = { .control_gfn = 0x1234, .offset = 64, .vcpu = 0,
					  .link_bits = EVTCHN_FIFO_LINK_BITS };
	struct evtchn_expand_array ea = { .array_gfn = ~0ULL };
	struct evtchn_set_priority sp = { .port = 4097, .priority = 15 };
	char **lines;
	size_t n;

	trace_hypercall(2, __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, &ic, 1, 0);
	trace_hypercall(2, __HYPERVISOR_event_channel_op, EVTCHNOP_expand_array, &ea, 1, -EINVAL);
	trace_hypercall(2, __HYPERVISOR_event_channel_op, EVTCHNOP_set_priority, &sp, 1, 0);
	trace_sync();
	lines = read_lines(&n);
	ck_assert_uint_eq(n, 3);
	check_line(lines[0], 1,
		   "\"dom\":2,\"kind\":\"hypercall\",\"op\":\"event_channel_op\","
		   "\"cmd\":\"init_control\",\"count\":1,\"rc\":0,\"ops\":["
		   "{\"control_gfn\":4660,\"offset\":64,\"vcpu\":0,\"link_bits\":17}]");
	check_line(lines[1], 2,
		   "\"dom\":2,\"kind\":\"hypercall\",\"op\":\"event_channel_op\","
		   "\"cmd\":\"expand_array\",\"count\":1,\"rc\":-22,\"ops\":["
		   "{\"array_gfn\":18446744073709551615}]");
	check_line(lines[2], 3,
		   "\"dom\":2,\"kind\":\"hypercall\",\"op\":\"event_channel_op\","
		   "\"cmd\":\"set_priority\",\"count\":1,\"rc\":0,\"ops\":["
		   "{\"port\":4097,\"priority\":15}]");
	free_lines(lines);
}
END_TEST

static void format_nothing(const void *data, size_t len, struct trace_buf *out)
{
}

START_TEST(event_and_empty_records)
{
	struct json_object *ev = trace_event(3, "domain_create");
	char **lines;
	size_t n;

	json_object_object_add(ev, "name", json_object_new_string("a \"quoted\" name/x"));
	json_object_object_add(ev, "ram_pages", json_object_new_int64(1024));
	trace_emit(ev);
	trace_emit_deferred(format_nothing, "x", 1, NULL, 0);
	trace_sync();
	lines = read_lines(&n);
	ck_assert_uint_eq(n, 2);
	check_line(lines[0], 1,
		   "\"dom\":3,\"kind\":\"event\",\"what\":\"domain_create\","
		   "\"name\":\"a \\\"quoted\\\" name/x\",\"ram_pages\":1024");
	check_line(lines[1], 2, "");
	free_lines(lines);
}
END_TEST

START_TEST(events_of_a_call_say_so)
{
	char **lines;
	size_t n;

	trace_emit(trace_event(1, "evtchn_close"));
	trace_call_begin();
	trace_emit(trace_event(2, "evtchn_pending"));
	trace_call_end();
	trace_emit(trace_event(1, "evtchn_open"));
	trace_sync();
	lines = read_lines(&n);
	ck_assert_uint_eq(n, 3);
	check_line(lines[0], 1, "\"dom\":1,\"kind\":\"event\",\"what\":\"evtchn_close\"");
	check_line(lines[1], 2, "\"dom\":2,\"kind\":\"event\",\"what\":\"evtchn_pending\","
		   "\"call\":true");
	check_line(lines[2], 3, "\"dom\":1,\"kind\":\"event\",\"what\":\"evtchn_open\"");
	free_lines(lines);
}
END_TEST

/* When records reach the file ------------------------------------------ */

static void emit_send(unsigned int port)
{
	evtchn_port_t p = port;

	trace_hypercall(1, __HYPERVISOR_event_channel_op, EVTCHNOP_send, &p, 1, 0);
}

/* Every record in order, whatever the batches: seq 1..n and port i. */
START_TEST(order_across_batches)
{
	const unsigned int nr = 30000;
	char **lines;
	size_t n;

	for (unsigned int i = 1; i <= nr; i++) {
		if (i % 3 == 0) {
			struct json_object *ev = trace_event(1, "evtchn_pending");

			json_object_object_add(ev, "port", json_object_new_int64(i));
			trace_emit(ev);
		} else {
			emit_send(i);
		}
		if (i % 7919 == 0)
			trace_sync();
	}
	ck_assert_uint_eq(trace_seq(), nr + 1);
	trace_close();
	lines = read_lines(&n);
	ck_assert_uint_eq(n, nr);
	for (unsigned int i = 1; i <= nr; i++) {
		struct json_object *rec = json_tokener_parse(lines[i - 1]), *v;

		ck_assert_msg(rec != NULL, "not JSON: %s", lines[i - 1]);
		ck_assert(json_object_object_get_ex(rec, "seq", &v));
		ck_assert_int_eq(json_object_get_int64(v), i);
		if (i % 3 == 0) {
			ck_assert(json_object_object_get_ex(rec, "port", &v));
			ck_assert_int_eq(json_object_get_int64(v), i);
		} else {
			char port[32];

			snprintf(port, sizeof(port), "[{\"port\":%u}]", i);
			ck_assert_ptr_nonnull(strstr(lines[i - 1], port));
		}
		json_object_put(rec);
	}
	free_lines(lines);
}
END_TEST

/*
 * After a batch the writer lingers for more; trace_sync must not wait
 * for that, and a record nobody syncs must get there all the same.
 */
START_TEST(sync_and_no_sync)
{
	struct timespec pause = { 0, 1000000 };
	char **lines;
	size_t n = 0;

	emit_send(1);
	trace_sync();
	emit_send(2);           /* the writer is lingering after the first */
	trace_sync();
	lines = read_lines(&n);
	ck_assert_uint_eq(n, 2);
	free_lines(lines);

	emit_send(3);
	/* no sync: it gets there by itself (a liveness bound, not a speed one) */
	for (int i = 0; i < 30000 && n < 3; i++) {
		nanosleep(&pause, NULL);
		lines = read_lines(&n);
		free_lines(lines);
	}
	ck_assert_uint_eq(n, 3);
}
END_TEST

/*
 * A file that cannot grow (a full disk; here RLIMIT_FSIZE, which makes
 * write(2) stop short as a full disk does) loses whole records: every
 * line left is complete and in order, the writer says on stderr that
 * records are lost and, once there is room again, how many; the records
 * that come then are written whole after the last complete one.
 */
START_TEST(a_full_file_loses_whole_records)
{
	struct rlimit was, small;
	int err_fd = memfd_create("hv-trace-test-stderr", MFD_CLOEXEC), saved_err = dup(2);
	char said[4096] = "", seq[32];
	char **lines;
	size_t n, again;
	ssize_t len;

	ck_assert_int_ge(err_fd, 0);
	ck_assert_int_ge(saved_err, 0);
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &was), 0);
	small = (struct rlimit){ 10000, was.rlim_max };
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	ck_assert_int_eq(dup2(err_fd, 2), 2);
	/* a few records a batch, so that one batch meets the limit midway */
	for (unsigned int i = 1; i <= 400; i++) {
		emit_send(i);
		if (i % 5 == 0)
			trace_sync();
	}
	lines = read_lines(&n);		/* fails on a line without its newline */
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_lt(n, 400);
	for (size_t i = 0; i < n; i++) {
		snprintf(seq, sizeof(seq), "{\"seq\":%zu,", i + 1);
		ck_assert_msg(strncmp(lines[i], seq, strlen(seq)) == 0, "line %zu: %s", i + 1,
			      lines[i]);
	}
	free_lines(lines);

	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &was), 0);
	emit_send(401);
	trace_sync();
	lines = read_lines(&again);
	ck_assert_uint_eq(again, n + 1);
	ck_assert_msg(strncmp(lines[n], "{\"seq\":401,", 11) == 0, "after: %s", lines[n]);
	free_lines(lines);

	dup2(saved_err, 2);
	len = pread(err_fd, said, sizeof(said) - 1, 0);
	ck_assert_int_gt(len, 0);
	ck_assert_msg(strstr(said, "trace: cannot write") && strstr(said, "File too large"),
		      "stderr: %s", said);
	snprintf(seq, sizeof(seq), "%zu records lost", 400 - n);
	ck_assert_msg(strstr(said, seq), "stderr: %s (expected: %s)", said, seq);
	close(err_fd);
	close(saved_err);
}
END_TEST

/* Tracing off: sequence numbers are still taken, nothing is written. */
START_TEST(off_counts_sequence)
{
	uint64_t seq;

	trace_close();
	ck_assert_int_eq(trace_open(NULL), 0);
	ck_assert(!trace_enabled());
	seq = trace_seq();
	emit_send(1);
	trace_emit(trace_event(0, "domain_create"));
	trace_sync();
	ck_assert_uint_eq(trace_seq(), seq + 2);
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("records");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, map_grant_ref_record);
	tcase_add_test(tc, unmap_and_copy_records);
	tcase_add_test(tc, injected_records);
	tcase_add_test(tc, rare_and_unknown_records);
	tcase_add_test(tc, fifo_records);
	tcase_add_test(tc, event_and_empty_records);
	tcase_add_test(tc, events_of_a_call_say_so);
	tcase_add_test(tc, order_across_batches);
	tcase_add_test(tc, sync_and_no_sync);
	tcase_add_test(tc, off_counts_sequence);
	tcase_add_test(tc, a_full_file_loses_whole_records);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(trace_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
