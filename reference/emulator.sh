#!/bin/sh
# The emulator's side of `make reference`: the same conformance programs
# (the dynamically linked host builds) in hvsim's Domain-0, self-granting
# as on the reference VM, each started with `hvsim run 0 --`.  A private
# hvsimd runs for the occasion and stops afterwards.
# Usage: reference/emulator.sh BINDIR OUT PROGRAM...
#   each program's stderr goes to OUT.err
set -eu
bin=$1
out=$2
shift 2
here=$(dirname "$0")
dir=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-ref-XXXXXX")
cleanup() {
	HVSIM_DIR=$dir "$bin/hvsim" down >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
export HVSIM_DIR="$dir"
unset HVSIM_KERNEL
"$bin/hvsim" up >/dev/null
: > "$out.err"
CONFORMANCE_WRAP="$bin/hvsim run 0 --" "$here/run-programs.sh" "$out.err" "$@" > "$out.tmp"
mv "$out.tmp" "$out"
if grep -q 'Sanitizer\|runtime error' "$dir/hvsimd.log" 2>/dev/null; then
	echo "reference: hvsimd or a guest kernel reported an error:" >&2
	grep -A5 'Sanitizer\|runtime error' "$dir/hvsimd.log" >&2
	exit 1
fi
