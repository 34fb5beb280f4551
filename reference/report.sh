#!/bin/sh
# Prints the outcome of `make reference`: what real Xen said, per program,
# then each emulator run set beside it (reference/compare.sh, every
# differing line) and a summary of the runs.
# Usage: reference/report.sh XEN_TXT KNOWN VERSIONS [RUN_TXT...]
#   a RUN_TXT is named after its run: DIR/hvsim-dom0-domU.txt is the run
#   "hvsim-dom0-domU" (reference/emulator.sh says what each one is)
# Exit: 1 when a conformance program did not exit 0 on real Xen, or a run
# has a difference that reference/known-differences does not explain.
set -eu
xen=$1
known=$2
versions=$3
shift 3
here=$(dirname "$0")

echo "=== real Xen (dom0, self-grant): $xen"
sed 's/^/  /' "$xen"
echo "=== versions"
sed 's/^/  /' "$versions"
echo "=== summary"
bad=0
for status in $(sed -n 's/^conformance\.\([a-z0-9_]*\)\.exit /\1:/p' "$xen" |
		tr ' ' '_'); do
	name=${status%%:*}
	how=${status#*:}
	# Each program's keys start with its name.
	n=$(grep -c "^$name\." "$xen" || true)
	printf '  conf-%-14s %4s lines  %s\n' "$name" "$n" "$how"
	[ "$how" = "status=0" ] || bad=1
done
echo "  $(wc -l < "$xen" | tr -d ' ') observations in all"
echo "  known differences on file: $(grep -cv '^[[:space:]]*\(#\|$\)' "$known" || true)"
echo "  dom0: $(grep -h 'xen:events' "$xen.diag" 2>/dev/null | sed 's/^xen:events: //') (PV, one vCPU)"
if [ $bad = 1 ]; then
	echo "reference: a conformance program failed on real Xen (see above" \
	     "and $xen.diag)" >&2
fi

summary=
unexplained=0
for run_txt in "$@"; do
	run=$(basename "$run_txt" .txt)
	echo "=== emulator run $run: $run_txt (stderr: $run_txt.err)"
	if "$here/compare.sh" -k "$known" -l xen -r "$run" "$xen" "$run_txt" \
			> "$run_txt.compare"; then
		:
	else
		unexplained=1
	fi
	sed 's/^/  /' "$run_txt.compare"
	summary="$summary
  $(printf '%-16s' "$run") $(tail -n 1 "$run_txt.compare" | sed 's/^compare: //')"
done
if [ -n "$summary" ]; then
	echo "=== emulator runs against real Xen"
	printf '%s\n' "$summary" | sed 1d
fi
if [ $unexplained = 1 ]; then
	echo "reference: unexplained differences (marked UNEXPLAINED above)" >&2
	bad=1
fi
exit $bad
