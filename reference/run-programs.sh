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
#   CONFORMANCE_ARGS  arguments put after each program (word-split), e.g.
#                     "--peer 1"
#   CONFORMANCE_AGENT_WRAP  two-domain mode: each program gets an agent,
#                     the same program started as
#                     "$CONFORMANCE_AGENT_WRAP PROGRAM --agent 3,4" (e.g.
#                     "hvsim run guest --"), while the program itself gets
#                     "--remote 3,4"; the two talk over two fifos.  The
#                     exit line then also gives the agent's status when it
#                     is not 0 (agent_status=N, agent_signal=SIGX), and
#                     anything the agent printed on stdout is passed on
#                     (it should print nothing)
#   CONFORMANCE_TIMEOUT  seconds before a program is killed (default 60;
#                     its agent gets 10 more)
set -u
errfile=$1
shift
limit=${CONFORMANCE_TIMEOUT:-60}
out=${TMPDIR:-/tmp}/run-programs.$$
trap 'rm -f "$out" "$out.err" "$out.agent" "$out.agent.err" "$out.req" "$out.resp"' EXIT

# "status=N" or "signal=SIGX" for a shell exit status.
how() {
	if [ "$1" -gt 128 ]; then
		echo "signal=SIG$(kill -l $(($1 - 128)))"
	else
		echo "status=$1"
	fi
}

# Appends FILE to ERRFILE under the header TITLE, when FILE is not empty.
keep_stderr() {
	if [ -s "$2" ]; then
		echo "--- $1" >> "$errfile"
		cat "$2" >> "$errfile"
	fi
	rm -f "$2"
}

for prog in "$@"; do
	name=${prog##*/}
	name=${name#conf-}
	# Lines go through a file so that a program killed mid-line cannot
	# leave half a line glued to the exit line (awk ends every line).
	if [ -z "${CONFORMANCE_AGENT_WRAP:-}" ]; then
		# shellcheck disable=SC2086
		timeout -s KILL "$limit" ${CONFORMANCE_WRAP:-} "$prog" \
			${CONFORMANCE_ARGS:-} > "$out" 2> "$out.err" < /dev/null
		status=$?
		awk 1 "$out"
		echo "conformance.$name.exit $(how $status)"
		keep_stderr "stderr of ${prog##*/}" "$out.err"
		continue
	fi
	rm -f "$out.req" "$out.resp"
	mkfifo "$out.req" "$out.resp" || exit 2
	# Both halves open the request fifo first: a fifo's open waits for
	# the other end, so opening in the same order cannot deadlock.
	# shellcheck disable=SC2086
	timeout -s KILL $((limit + 10)) $CONFORMANCE_AGENT_WRAP "$prog" \
		--agent 3,4 3< "$out.req" 4> "$out.resp" \
		> "$out.agent" 2> "$out.agent.err" < /dev/null &
	agent=$!
	# shellcheck disable=SC2086
	timeout -s KILL "$limit" ${CONFORMANCE_WRAP:-} "$prog" \
		${CONFORMANCE_ARGS:-} --remote 3,4 4> "$out.req" 3< "$out.resp" \
		> "$out" 2> "$out.err" < /dev/null
	status=$?
	# The agent ends when the program's end of the stream closes.
	wait $agent
	astatus=$?
	awk 1 "$out" "$out.agent"
	if [ $astatus = 0 ]; then
		echo "conformance.$name.exit $(how $status)"
	else
		echo "conformance.$name.exit $(how $status) agent_$(how $astatus)"
	fi
	keep_stderr "stderr of ${prog##*/}" "$out.err"
	keep_stderr "stderr of ${prog##*/}'s agent" "$out.agent.err"
done
