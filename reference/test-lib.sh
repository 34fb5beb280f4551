# Shared by the reference shell tests: sourced, not run.
# expect NAME GOT WANTED counts a check; test_summary NAME prints the
# closing "N passed, N failed" line and returns nonzero on any failure.
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

test_summary() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" = 0 ]
}
