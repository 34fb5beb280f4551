#!/bin/sh
# Prints the outcome of `make reference`: what real Xen said, per program,
# then each emulator run set beside it (reference/compare.sh, every
# differing line) and a summary of the runs.
# Usage: reference/report.sh [-c CONFIG] [-s SUMMARY] [-u USED] XEN_TXT KNOWN
#        VERSIONS [RUN_TXT...]
#   a RUN_TXT is named after its run: DIR/hvsim-dom0-domU.txt is the run
#   "hvsim-dom0-domU" (reference/emulator.sh says what each one is)
#   -c CONFIG   the configuration (the event ABI: fifo or 2l), named in
#               every heading and summary line
#   -u USED     write there the line numbers of the known differences that
#               explained something (compare.sh -u; known-unused.sh)
#   -s SUMMARY  also write the runs' summary lines there
# Exit: 1 when a conformance program did not exit 0 on real Xen, or a run
# has a difference that reference/known-differences does not explain.
set -eu
config=
summary_file=
used=
while getopts c:s:u: opt; do
	case $opt in
	c) config=$OPTARG ;;
	s) summary_file=$OPTARG ;;
	u) used=$OPTARG ;;
	*) echo "usage: $0 [-c CONFIG] [-s SUMMARY] [-u USED] XEN_TXT KNOWN VERSIONS [RUN_TXT...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
xen=$1
known=$2
versions=$3
shift 3
here=$(dirname "$0")
[ -z "$used" ] || : > "$used"
tag=${config:+[$config] }

echo "=== ${tag}real Xen (dom0, self-grant): $xen"
sed 's/^/  /' "$xen"
echo "=== ${tag}versions"
sed 's/^/  /' "$versions"
echo "=== ${tag}summary"
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
	echo "=== ${tag}emulator run $run: $run_txt (stderr: $run_txt.err)"
	if "$here/compare.sh" -k "$known" ${used:+-u "$used"} -l xen -r "$run" "$xen" "$run_txt" \
			> "$run_txt.compare"; then
		:
	else
		unexplained=1
	fi
	sed 's/^/  /' "$run_txt.compare"
	summary="$summary
  ${config:+$(printf '%-5s' "$config") }$(printf '%-16s' "$run") $(tail -n 1 "$run_txt.compare" | sed 's/^compare: //')"
done
if [ -n "$summary" ]; then
	echo "=== ${tag}emulator runs against real Xen"
	printf '%s\n' "$summary" | sed 1d
fi
if [ -n "$summary_file" ]; then
	printf '%s\n' "$summary" | sed 1d > "$summary_file"
fi
if [ $unexplained = 1 ]; then
	echo "reference: unexplained differences (marked UNEXPLAINED above)" >&2
	bad=1
fi
exit $bad
