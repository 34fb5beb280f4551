#!/bin/sh
# Runs the fuzzers (tests/fuzz/build.mk: make fuzz, make fuzz-smoke).
#
#   tests/fuzz/run.sh run|smoke SECONDS DIR TARGET:MAX_LEN...
#
# Each target runs for SECONDS on its corpus: DIR/corpus/TARGET (kept
# between runs, where new inputs go) and the seeds, tests/fuzz/TARGET/.
# `smoke` runs every seed, then fuzzes the rest of the time, in a corpus
# of its own that starts empty each time (make check: the harnesses must
# not rot).  A crash, leak or timeout leaves its input in
# DIR/crashes/TARGET/ and the command that replays it is printed; the
# exit status is 1 if any target found one.
set -u
mode=$1 seconds=$2 dir=$3
shift 3
here=$(dirname "$0")
found=0
for spec in "$@"; do
	t=${spec%%:*} max_len=${spec#*:}
	bin=$dir/$t
	crashes=$dir/crashes/$t
	mkdir -p "$crashes"
	if [ "$mode" = smoke ]; then
		corpus=$dir/smoke-corpus/$t
		rm -rf "$corpus"
	else
		corpus=$dir/corpus/$t
	fi
	mkdir -p "$corpus"
	# the scenario parser also starts from the scenario library itself
	[ "$t" = scenario ] && cp "$here"/../../scenarios/*.scn "$corpus"/ 2>/dev/null
	dict=
	[ -f "$here/$t.dict" ] && dict=-dict=$here/$t.dict
	before=$(ls "$crashes" | wc -l)
	log=$dir/$t.log
	echo "fuzz: $t for ${seconds}s (log: $log)"
	# (-report_slow_units as -timeout: an input past 20 s is a timeout, a
	# finding; one merely slow shows a loaded machine, not a bug: a parser
	# input that took 11 s at nice 19 beside builds replays in 0.2 s)
	"$bin" -max_total_time="$seconds" -max_len="$max_len" -timeout=20 \
		-report_slow_units=20 \
		-print_final_stats=1 -artifact_prefix="$crashes/" $dict \
		"$corpus" "$here/$t" >"$log" 2>&1
	rc=$?
	grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$log" | tail -n 2 | sed "s/^/fuzz: $t: /"
	after=$(ls "$crashes" | wc -l)
	if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
		found=1
		echo "fuzz: $t FAILED (exit $rc); the end of $log:"
		grep -E 'ERROR|SUMMARY|runtime error|fuzzer: |Test unit written' "$log" | head -n 20
	fi
done
for spec in "$@"; do
	t=${spec%%:*}
	for c in "$dir/crashes/$t"/*; do
		[ -f "$c" ] || continue
		echo "fuzz: reproducer $c: replay with  $dir/$t $c"
	done
done
exit $found
