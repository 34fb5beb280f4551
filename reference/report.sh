#!/bin/sh
# Prints the outcome of `make reference`: what real Xen said, per program,
# and where the emulator's side of the comparison stands.
# Usage: reference/report.sh XEN_TXT KNOWN VERSIONS
# Exit: 1 when a conformance program did not exit 0 on real Xen.
set -eu
xen=$1
known=$2
versions=$3

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
echo "=== emulator side: the same programs in hvsim's Domain-0 (hvsim run 0 --)"
echo "  compared line by line below; known differences: $known"
if [ $bad = 1 ]; then
	echo "reference: a conformance program failed on real Xen (see above" \
	     "and $xen.diag)" >&2
	exit 1
fi
