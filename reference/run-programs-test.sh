#!/bin/sh
# Tests of reference/run-programs.sh with stand-in programs: lines passed
# through, exit lines for status, signal and timeout, stderr kept apart,
# the wrapper put in front, arguments put after, and two-domain mode (an
# agent per program, wired over fifos; its failure and its stray output
# show in the lines).
# Usage: reference/run-programs-test.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
run=$here/run-programs.sh
dir=${TMPDIR:-/tmp}/run-programs-test.$$
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/test-lib.sh"

printf '#!/bin/sh\necho "good.one ok"\necho "good.two errno=EINVAL"\necho oops >&2\n' > "$dir/conf-good"
printf '#!/bin/sh\necho "bad.line yes"\nexit 3\n' > "$dir/conf-bad"
printf '#!/bin/sh\nprintf "seg.partial x"\nkill -SEGV $$\n' > "$dir/conf-seg"
printf '#!/bin/sh\necho "slow.start ok"\nexec sleep 30\n' > "$dir/conf-slow"
printf '#!/bin/sh\necho "args $*"\n' > "$dir/wrap"
printf '#!/bin/sh\necho "args.seen $*"\n' > "$dir/conf-args"
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

out=$(CONFORMANCE_ARGS="--peer 7" sh "$run" "$dir/err" "$dir/conf-args")
expect "arguments" "$out" "args.seen --peer 7
conformance.args.exit status=0"

# Two-domain mode: a stand-in program that is its own agent.  The agent
# answers one request over fds 3 and 4; the program says what it got.
cat > "$dir/conf-pair" <<'EOS'
#!/bin/sh
case "$*" in
*--agent\ 3,4*)
	read -r req <&3
	[ "$req" = die ] && exit 5
	[ "$req" = chatty ] && echo "agent.talks yes"
	echo "answer to $req" >&4
	echo "agent args: $*" >&2 ;;
*--remote\ 3,4*)
	echo "${PAIR_REQUEST:-hello}" >&4
	read -r ans <&3
	echo "pair.answer ${ans:-none}"
	echo "pair.args $*" ;;
*) echo "pair.alone $*" ;;
esac
EOS
printf '#!/bin/sh\necho "wrapped $1" >&2\nexec "$@"\n' > "$dir/agentwrap"
chmod +x "$dir/conf-pair" "$dir/agentwrap"
: > "$dir/err"
out=$(CONFORMANCE_AGENT_WRAP="$dir/agentwrap" CONFORMANCE_ARGS="--peer 3" \
	sh "$run" "$dir/err" "$dir/conf-pair")
expect "pair" "$out" "pair.answer answer to hello
pair.args --peer 3 --remote 3,4
conformance.pair.exit status=0"
expect "pair stderr" "$(cat "$dir/err")" "--- stderr of conf-pair's agent
wrapped $dir/conf-pair
agent args: --agent 3,4"
out=$(PAIR_REQUEST=die CONFORMANCE_AGENT_WRAP="$dir/agentwrap" \
	sh "$run" "$dir/err" "$dir/conf-pair")
expect "agent failed" "$out" "pair.answer none
pair.args --remote 3,4
conformance.pair.exit status=0 agent_status=5"
out=$(PAIR_REQUEST=chatty CONFORMANCE_AGENT_WRAP="$dir/agentwrap" \
	sh "$run" "$dir/err" "$dir/conf-pair")
expect "agent's stdout passed on" "$out" "pair.answer answer to chatty
pair.args --remote 3,4
agent.talks yes
conformance.pair.exit status=0"

test_summary run-programs-test
