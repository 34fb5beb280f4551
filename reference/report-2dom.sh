#!/bin/sh
# Prints the outcome of the two-domain reference run (docs/reference-domu.md):
# what real Xen said with each program in dom0 and its agent in a real PV
# domU, per program, the VM's timeline, then the emulator's run of the same
# pairing (hvsim-dom0-domU) set beside it by reference/compare.sh.
# Usage: reference/report-2dom.sh [-c CONFIG] [-s SUMMARY] [-u USED]
#        XEN_2DOM_TXT KNOWN RUN_TXT
#   -c CONFIG   the configuration (the event ABI: fifo or 2l), named in
#               every heading and the summary line
#   -u USED     write there the line numbers of the known differences that
#               explained something (compare.sh -u; known-unused.sh)
#   -s SUMMARY  also write the comparison's summary line there
# Exit: 1 when a program or its agent did not exit 0 on real Xen, or the
# run has a difference that KNOWN does not explain.
set -eu
config=
summary_file=
used=
while getopts c:s:u: opt; do
	case $opt in
	c) config=$OPTARG ;;
	s) summary_file=$OPTARG ;;
	u) used=$OPTARG ;;
	*) echo "usage: $0 [-c CONFIG] [-s SUMMARY] [-u USED] XEN_2DOM_TXT KNOWN RUN_TXT" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
tag=${config:+[$config] }
xen=$1
known=$2
run_txt=$3
here=$(dirname "$0")
[ -z "$used" ] || : > "$used"
run=$(basename "$run_txt" .txt)

echo "=== ${tag}real Xen, dom0 <-> domU (program in dom0, agent in the domU): $xen"
sed 's/^/  /' "$xen"
echo "=== ${tag}summary"
bad=0
for status in $(sed -n 's/^conformance\.\([a-z0-9_]*\)\.exit /\1:/p' "$xen" |
		tr ' ' '_'); do
	name=${status%%:*}
	how=${status#*:}
	n=$(grep -c "^$name\." "$xen" || true)
	printf '  conf-%-14s %4s lines  %s\n' "$name" "$n" "$how" | tr _ ' '
	[ "$how" = "status=0" ] || bad=1
done
echo "  $(wc -l < "$xen" | tr -d ' ') observations in all"
# The VM's own timeline (seconds since dom0's kernel started).
echo "  VM: $(sed -n 's/^\([0-9.]*s\) \(creating the domU\|the domU.s agents are ready\|the domU ended\)$/\2 at \1/p' \
	"$xen.diag" 2>/dev/null | tr '\n' ';' | sed 's/;$//; s/;/, /g')"
echo "  event ABI: $(grep -h 'xen:events: Using' "$xen.diag" 2>/dev/null |
	sed 's/^domU: xen:events: Using /domU /; s/^xen:events: Using /dom0 /' |
	tr '\n' ';' | sed 's/;$//; s/;/, /g')"
if [ $bad = 1 ]; then
	echo "reference: a program or its agent failed on real Xen (see above," \
	     "and $xen.diag for their stderr and the domU's console)" >&2
fi

echo "=== ${tag}emulator run $run against it: $run_txt (stderr: $run_txt.err)"
if "$here/compare.sh" -k "$known" ${used:+-u "$used"} -l xen-2dom -r "$run" "$xen" "$run_txt" \
		> "$run_txt.compare-2dom"; then
	:
else
	echo "reference: unexplained differences between real Xen's two" \
	     "domains and $run (marked UNEXPLAINED)" >&2
	bad=1
fi
sed 's/^/  /' "$run_txt.compare-2dom"
if [ -n "$summary_file" ]; then
	printf '  %s%-16s %s\n' "${config:+$(printf '%-5s ' "$config")}" \
		"$run" "vs xen-2dom: $(tail -n 1 "$run_txt.compare-2dom" |
		sed 's/^compare: //')" > "$summary_file"
fi
exit $bad
