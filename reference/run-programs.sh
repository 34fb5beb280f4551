#!/bin/sh
# Runs conformance programs one after another and prints their lines, each
# program's followed by "conformance.NAME.exit status=N" (or signal=SIGX),
# NAME being the program's file name less "conf-".  The same script runs
# inside the reference VM (busybox sh) and on the host, so both sides'
# lines are made alike.
#
# Usage: reference/run-programs.sh ERRFILE PROGRAM...
#   ERRFILE           each program's stderr is appended there, under a header
#   CONFORMANCE_WRAP  a command put before each program (word-split), e.g.
#                     "hvsim run dom0 --" to run it in a simulated domain
#   CONFORMANCE_TIMEOUT  seconds before a program is killed (default 60)
set -u
errfile=$1
shift
limit=${CONFORMANCE_TIMEOUT:-60}
out=${TMPDIR:-/tmp}/run-programs.$$
trap 'rm -f "$out"' EXIT

for prog in "$@"; do
	name=${prog##*/}
	name=${name#conf-}
	# Lines go through a file so that a program killed mid-line cannot
	# leave half a line glued to the exit line (awk ends every line).
	# shellcheck disable=SC2086
	timeout -s KILL "$limit" ${CONFORMANCE_WRAP:-} "$prog" \
		> "$out" 2> "$out.err" < /dev/null
	status=$?
	awk 1 "$out"
	if [ $status -gt 128 ]; then
		echo "conformance.$name.exit signal=SIG$(kill -l $((status - 128)))"
	else
		echo "conformance.$name.exit status=$status"
	fi
	if [ -s "$out.err" ]; then
		echo "--- stderr of ${prog##*/}" >> "$errfile"
		cat "$out.err" >> "$errfile"
	fi
	rm -f "$out.err"
done
