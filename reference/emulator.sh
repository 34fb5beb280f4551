#!/bin/sh
# The emulator's side of `make reference`: the same conformance programs
# (the dynamically linked host builds) in private hvsimds, four ways:
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
# OUTDIR/RUN.txt.err.  Each run has an hvsimd of its own, with fresh
# domains, as each boot of the reference VM has a fresh Xen: under FIFO
# what a domain's kernel answers depends on its past (Linux grows the
# event array as ports are bound and never shrinks it, and conf-evtchn
# binds 4200 ports), so a run in the domains of the one before would not
# compare with the reference.  Within a run the programs share the
# domains one after another, so a program that leaks grants or ports
# shows in the next, as on the reference VM.
#
# The event-channel ABI of every domain's kernel (docs/evtchn.md):
#   --events fifo   Linux's default, FIFO (HVSIM_KERNEL_PARAMS unset)
#   --events 2l     the 2-level ABI: HVSIM_KERNEL_PARAMS=xen.fifo_events=0,
#                   which hvsimd's kernels inherit
# Every domain is checked to use it after its run (hvsim evtchn).
# Usage: reference/emulator.sh [--events fifo|2l] BINDIR OUTDIR PROGRAM...
set -eu
events=fifo
if [ "${1:-}" = --events ]; then
	events=${2:-}
	shift 2
fi
case $events in
fifo) unset HVSIM_KERNEL_PARAMS; abi=fifo; abi_text=FIFO ;;
2l)   export HVSIM_KERNEL_PARAMS=xen.fifo_events=0; abi=2l; abi_text=2-level ;;
*)    echo "usage: $0 [--events fifo|2l] BINDIR OUTDIR PROGRAM..." >&2
      exit 2 ;;
esac
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
mkdir -p "$outdir"

# Says whether DOMAIN's kernel uses the run's event ABI.
check_abi() {
	if ! "$bin/hvsim" evtchn "$1" --json | grep -q "\"abi\":\"$abi\""; then
		echo "reference: domain $1 does not use the $abi_text event" \
		     "ABI (--events $events):" >&2
		"$bin/hvsim" evtchn "$1" | head -n 1 >&2
		exit 1
	fi
}

# run_all NAME WRAP ARGS AGENT_WRAP PROGRAM...: one run of every program
# (run-programs.sh says what WRAP, ARGS and AGENT_WRAP do), in a fresh
# hvsimd with Domain-0 and two domUs, guest (domain 1) and guest2 (2).
run_all() {
	name=$1 wrap=$2 args=$3 agent=$4
	shift 4
	"$bin/hvsim" up >/dev/null
	[ "$("$bin/hvsim" domain create guest)" = 1 ] &&
	[ "$("$bin/hvsim" domain create guest2)" = 2 ] || {
		echo "reference: the domUs did not get domains 1 and 2" >&2
		exit 1
	}
	: > "$outdir/$name.txt.err"
	CONFORMANCE_WRAP=$wrap CONFORMANCE_ARGS=$args \
	CONFORMANCE_AGENT_WRAP=$agent \
		"$here/run-programs.sh" "$outdir/$name.txt.err" "$@" \
		> "$outdir/$name.txt.tmp"
	for d in 0 1 2; do
		check_abi $d
	done
	"$bin/hvsim" down >/dev/null
	# What tests/harness.c looks for in the log: a sanitizer's report,
	# a kernel's BUG() or panic.
	bad='Sanitizer\|runtime error\|kernel BUG at\|Kernel panic'
	if grep -q "$bad" "$dir/hvsimd.log" 2>/dev/null; then
		echo "reference: hvsimd or a guest kernel reported an error" \
		     "in run $name:" >&2
		grep -A5 "$bad" "$dir/hvsimd.log" >&2
		exit 1
	fi
	rm -f "$dir/hvsimd.log"
	mv "$outdir/$name.txt.tmp" "$outdir/$name.txt"
}
run_all hvsim-dom0 "$bin/hvsim run 0 --" "" "" "$@"
run_all hvsim-domU-self "$bin/hvsim run guest --" "--peer 1" "" "$@"
run_all hvsim-dom0-domU "$bin/hvsim run 0 --" "--peer 1" \
	"$bin/hvsim run guest --" "$@"
run_all hvsim-domU-domU "$bin/hvsim run guest --" "--peer 2" \
	"$bin/hvsim run guest2 --" "$@"
