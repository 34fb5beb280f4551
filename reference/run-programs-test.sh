#!/bin/sh
# Tests of reference/run-programs.sh with stand-in programs: lines passed
# through, exit lines for status, signal and timeout, stderr kept apart,
# the wrapper put in front.
# Usage: reference/run-programs-test.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
run=$here/run-programs.sh
dir=${TMPDIR:-/tmp}/run-programs-test.$$
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
pass=0
fail=0

expect() {
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "  $1: got"
		printf '%s\n' "$2" | sed 's/^/    | /'
		echo "  wanted"
		printf '%s\n' "$3" | sed 's/^/    | /'
	fi
}

printf '#!/bin/sh\necho "good.one ok"\necho "good.two errno=EINVAL"\necho oops >&2\n' > "$dir/conf-good"
printf '#!/bin/sh\necho "bad.line yes"\nexit 3\n' > "$dir/conf-bad"
printf '#!/bin/sh\nprintf "seg.partial x"\nkill -SEGV $$\n' > "$dir/conf-seg"
printf '#!/bin/sh\necho "slow.start ok"\nexec sleep 30\n' > "$dir/conf-slow"
printf '#!/bin/sh\necho "args $*"\n' > "$dir/wrap"
chmod +x "$dir"/conf-* "$dir/wrap"

out=$(sh "$run" "$dir/err" "$dir/conf-good" "$dir/conf-bad")
expect "status lines" "$out" "good.one ok
good.two errno=EINVAL
conformance.good.exit status=0
bad.line yes
conformance.bad.exit status=3"
expect "stderr apart" "$(cat "$dir/err")" "--- stderr of conf-good
oops"

out=$(sh "$run" "$dir/err" "$dir/conf-seg")
expect "signal, partial line ended" "$out" "seg.partial x
conformance.seg.exit signal=SIGSEGV"

out=$(CONFORMANCE_TIMEOUT=1 sh "$run" "$dir/err" "$dir/conf-slow")
expect "timeout" "$out" "slow.start ok
conformance.slow.exit signal=SIGKILL"

out=$(CONFORMANCE_WRAP="$dir/wrap run dom1 --" sh "$run" "$dir/err" "$dir/conf-good")
expect "wrapper" "$out" "args run dom1 -- $dir/conf-good
conformance.good.exit status=0"

echo "run-programs-test: $pass passed, $fail failed"
[ "$fail" = 0 ]
