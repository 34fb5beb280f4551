#!/bin/sh
# tests/run-tests: a failed test's failures are repeated at the end of the
# output, just above the closing count, since the end of a long log is all
# CI shows; its exit status says whether every test passed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/reference/test-lib.sh"
dir=$(mktemp -d "${TMPDIR:-/tmp}/run-tests-test.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# stand-ins: a check suite with one failure, a script that fails saying
# seven lines, one that passes
cat >"$dir/check-fails" <<'T'
#!/bin/sh
echo "Running suite(s): x"
echo "tests/x.c:12:F:case:breaks:0: it broke"
echo "50%: Checks: 2, Failures: 1, Errors: 0"
exit 1
T
cat >"$dir/script-fails" <<'T'
#!/bin/sh
for i in 1 2 3 4 5 6 7; do echo "line $i"; done
exit 3
T
printf '#!/bin/sh\necho fine\n' >"$dir/passes"
chmod +x "$dir/check-fails" "$dir/script-fails" "$dir/passes"

out=$(TEST_JOBS=1 "$top/tests/run-tests" "$dir/o" "$dir/check-fails" "$dir/script-fails" \
	"$dir/passes")
rc=$?
expect "exit status with failures" "$rc" "1"
# the end, in the order the tests finished (one at a time: the order run)
expect "the end of the output" "$(printf '%s\n' "$out" | tail -9 | sed "s|$dir/||g")" \
"failed: check-fails (exit status 1)
  tests/x.c:12:F:case:breaks:0: it broke
failed: script-fails (exit status 3)
  line 3
  line 4
  line 5
  line 6
  line 7
o: 1 passed, 2 failed (1 at a time)"
expect "each output whole, too" "$(printf '%s\n' "$out" | grep -c "^line [1-7]$")" "7"

out=$("$top/tests/run-tests" "$dir/o" "$dir/passes")
expect "exit status when all pass" "$?" "0"
expect "no failure lines" "$(printf '%s\n' "$out" | grep -c '^failed')" "0"
test_summary run-tests-test
