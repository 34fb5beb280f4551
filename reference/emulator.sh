#!/bin/sh
# The emulator's side of `make reference`: the same conformance programs
# (the dynamically linked host builds) in one private hvsimd, four ways:
#
#   hvsim-dom0        in Domain-0, self-granting as on the reference VM
#                     (hvsim run 0 -- conf-X)
#   hvsim-domU-self   in a domU, self-granting there
#                     (hvsim run guest -- conf-X --peer GUEST)
#   hvsim-dom0-domU   two domains: the program in Domain-0, its agent in
#                     the domU (conf-X --peer GUEST --remote 3,4, and
#                     hvsim run guest -- conf-X --agent 3,4)
#   hvsim-domU-domU   two domains: the program in the domU, its agent in a
#                     second domU
#
# Each run's lines go to OUTDIR/RUN.txt, its programs' stderr to
# OUTDIR/RUN.txt.err.  The runs share the hvsimd one after another, so a
# run that leaks grants or ports shows in the next.
# Usage: reference/emulator.sh BINDIR OUTDIR PROGRAM...
set -eu
bin=$1
outdir=$2
shift 2
here=$(dirname "$0")
dir=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-ref-XXXXXX")
cleanup() {
	HVSIM_DIR=$dir "$bin/hvsim" down >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
export HVSIM_DIR="$dir"
unset HVSIM_KERNEL CONFORMANCE_PEER CONFORMANCE_SELF CONFORMANCE_ARGS \
	CONFORMANCE_WRAP CONFORMANCE_AGENT_WRAP
"$bin/hvsim" up >/dev/null
guest=$("$bin/hvsim" domain create guest)
guest2=$("$bin/hvsim" domain create guest2)
mkdir -p "$outdir"

# run_all NAME WRAP ARGS AGENT_WRAP PROGRAM...: one run of every program
# (run-programs.sh says what WRAP, ARGS and AGENT_WRAP do).
run_all() {
	name=$1 wrap=$2 args=$3 agent=$4
	shift 4
	: > "$outdir/$name.txt.err"
	CONFORMANCE_WRAP=$wrap CONFORMANCE_ARGS=$args \
	CONFORMANCE_AGENT_WRAP=$agent \
		"$here/run-programs.sh" "$outdir/$name.txt.err" "$@" \
		> "$outdir/$name.txt.tmp"
	mv "$outdir/$name.txt.tmp" "$outdir/$name.txt"
}
run_all hvsim-dom0 "$bin/hvsim run 0 --" "" "" "$@"
run_all hvsim-domU-self "$bin/hvsim run guest --" "--peer $guest" "" "$@"
run_all hvsim-dom0-domU "$bin/hvsim run 0 --" "--peer $guest" \
	"$bin/hvsim run guest --" "$@"
run_all hvsim-domU-domU "$bin/hvsim run guest --" "--peer $guest2" \
	"$bin/hvsim run guest2 --" "$@"

if grep -q 'Sanitizer\|runtime error' "$dir/hvsimd.log" 2>/dev/null; then
	echo "reference: hvsimd or a guest kernel reported an error:" >&2
	grep -A5 'Sanitizer\|runtime error' "$dir/hvsimd.log" >&2
	exit 1
fi
