#!/bin/sh
# Tests of two-domain mode (tests/conformance/agent.h): the agent's
# protocol on good and bad input, run on the host (no domain is needed to
# speak it), and the failure paths of a program and its agent in a
# private hvsimd: whichever half dies or hangs, the other ends with a
# message, never a hang.
# Usage: tests/conformance/agent-test.sh BINDIR
set -u
bin=$(cd "$1" && pwd)
prog=$bin/conformance/conf-gntalloc
dir=$(mktemp -d "${TMPDIR:-/tmp}/agent-test-XXXXXX")
pass=0
fail=0
cleanup() {
	HVSIM_DIR=$dir/hv "$bin/hvsim" down >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
unset CONFORMANCE_PEER CONFORMANCE_SELF HVSIM_DOMID HVSIM_DIR \
	CONFORMANCE_AGENT_IDLE CONFORMANCE_AGENT_TIMEOUT

ok() {
	pass=$((pass + 1))
}
bad() {
	fail=$((fail + 1))
	echo "  $1"
	shift
	for f in "$@"; do
		[ -s "$f" ] && sed "s|^|    ${f##*/}: |" "$f"
	done
}

# agent NAME INPUT: runs the agent on the host with INPUT (printf format)
# as its request stream; its answers go to $dir/NAME.out, its stdout to
# $dir/NAME.stdout, stderr to $dir/NAME.err, exit status to $status.
agent() {
	# shellcheck disable=SC2059
	printf "$2" > "$dir/$1.in"
	timeout 20 "$prog" --agent 3,4 3< "$dir/$1.in" 4> "$dir/$1.out" \
		> "$dir/$1.stdout" 2> "$dir/$1.err"
	status=$?
}

# expect_agent NAME STATUS ANSWERS [STDERR-PATTERN]: the last agent run
# exited STATUS, answered exactly ANSWERS, printed nothing on stdout.
expect_agent() {
	f=$dir/$1
	if [ "$status" != "$2" ]; then
		bad "$1: exit $status, wanted $2" "$f.out" "$f.err"
	elif [ "$(cat "$f.out")" != "$3" ]; then
		bad "$1: answers differ; wanted: $3" "$f.out" "$f.err"
	elif [ -s "$f.stdout" ]; then
		bad "$1: the agent printed on stdout" "$f.stdout"
	elif [ -n "${4:-}" ] && ! grep -q -e "$4" "$f.err"; then
		bad "$1: stderr lacks '$4'" "$f.err"
	else
		ok
	fi
}

agent hello 'hello 1 0\nnop\n'
expect_agent hello 0 "+ 0 0 32756
+ 0 0"
CONFORMANCE_SELF=5 agent hello_self 'hello 1 3\n'
expect_agent hello_self 0 "+ 0 0 5"
agent version 'hello 9 0\nnop\n'
expect_agent version 0 "- protocol 9 asked, this agent speaks 1
+ 0 0" "refused: protocol 9"
agent unknown 'frobnicate 1 2\n\nnop\n'
expect_agent unknown 0 "- unknown request 'frobnicate'
- empty request
+ 0 0"
agent bad_args 'close 99\nclose x\npeek 0\npoke 0 0 zz\nnotify 0\nopen bogus\nwait 0 100\nalloc 0 0 99 1\nbye\nnop\n'
expect_agent bad_args 0 "- no such object 99
- bad number 'x'
- peek wants OBJ OFFSET LEN
- no such object 0
- notify wants FILE NUMBER
- no device 'bogus'
- no such object 0
- no such object 0
+ 0 0"
agent eof_clean 'nop\n'
expect_agent eof_clean 0 "+ 0 0"
agent eof_mid_request 'nop\nhello 1'
expect_agent eof_mid_request 2 "+ 0 0" "ended inside a request"
long=$(head -c 1100 /dev/zero | tr '\0' x)
agent too_long "$long\\nnop\\n"
expect_agent too_long 2 "- request too long" "longer than"

# A stream that stays open but silent: the agent gives up.
mkfifo "$dir/silent"
(sleep 5 > "$dir/silent") &
sleeper=$!
start=$(date +%s)
CONFORMANCE_AGENT_IDLE=1 timeout 20 "$prog" --agent 3,4 3< "$dir/silent" \
	4> "$dir/idle.out" > "$dir/idle.stdout" 2> "$dir/idle.err"
status=$?
kill $sleeper 2>/dev/null
if [ $status = 2 ] && [ $(($(date +%s) - start)) -lt 4 ] &&
   grep -q "no request for 1 s" "$dir/idle.err"; then
	ok
else
	bad "idle: exit $status after $(($(date +%s) - start)) s" "$dir/idle.err"
fi

timeout 20 "$prog" --agent 3 > /dev/null 2> "$dir/badfds.err"
status=$?
if [ $status = 2 ] && grep -q "wants RFD,WFD" "$dir/badfds.err"; then
	ok
else
	bad "bad --agent: exit $status" "$dir/badfds.err"
fi

# The two halves in a private hvsimd.
export HVSIM_DIR="$dir/hv"
"$bin/hvsim" up > /dev/null || { echo "agent-test: hvsim up failed"; exit 1; }
guest=$("$bin/hvsim" domain create guest)

# pair NAME MAIN_ARGS AGENT_COMMAND...: the program in dom0 with
# MAIN_ARGS --remote 3,4, the agent command (in the background) on the
# other ends of two fifos.  Sets $agent_pid; the caller waits for main.
pair_start() {
	name=$1 main_args=$2
	shift 2
	rm -f "$dir/req" "$dir/resp"
	mkfifo "$dir/req" "$dir/resp"
	"$@" 3< "$dir/req" 4> "$dir/resp" > "$dir/$name.agent.stdout" \
		2> "$dir/$name.agent.err" < /dev/null &
	agent_pid=$!
	# shellcheck disable=SC2086
	timeout 30 "$bin/hvsim" run 0 -- "$prog" $main_args --remote 3,4 \
		4> "$dir/req" 3< "$dir/resp" > "$dir/$name.out" \
		2> "$dir/$name.err" < /dev/null &
	main_pid=$!
}

# expect_main NAME STATUS PATTERN MAX_SECONDS: main exited STATUS within
# MAX_SECONDS of $start, saying PATTERN on stderr.
expect_main() {
	wait $main_pid
	status=$?
	took=$(($(date +%s) - start))
	if [ "$status" != "$2" ]; then
		bad "$1: main exited $status, wanted $2" "$dir/$1.err" \
			"$dir/$1.agent.err"
	elif ! grep -q -e "$3" "$dir/$1.err"; then
		bad "$1: main's stderr lacks '$3'" "$dir/$1.err"
	elif [ "$took" -gt "$4" ]; then
		bad "$1: main took $took s (more than $4)" "$dir/$1.err"
	else
		ok
	fi
}

# An agent that greets, then exits: main says so at its next request.
printf '#!/bin/sh\nread -r hello <&3\necho "+ 0 0 %s" >&4\nexit 0\n' \
	"$guest" > "$dir/greet-and-exit"
# An agent that greets, then never answers again.
printf '#!/bin/sh\nread -r hello <&3\necho "+ 0 0 %s" >&4\nexec sleep 30\n' \
	"$guest" > "$dir/greet-and-hang"
# An agent that cannot tell its domain, then never answers again.
printf '#!/bin/sh\nread -r hello <&3\necho "+ 0 0 32756" >&4\nexec sleep 30\n' \
	> "$dir/greet-unknown"
# An agent that refuses everything.
printf '#!/bin/sh\nwhile read -r req <&3; do echo "- no" >&4; done\n' \
	> "$dir/refuser"
chmod +x "$dir"/greet-* "$dir/refuser"

start=$(date +%s)
pair_start agent_exits "--peer $guest" "$dir/greet-and-exit"
expect_main agent_exits 2 "agent in domain $guest.*it exited or died" 10

start=$(date +%s)
export CONFORMANCE_AGENT_TIMEOUT=2
pair_start agent_hangs "--peer $guest" "$dir/greet-and-hang"
unset CONFORMANCE_AGENT_TIMEOUT
expect_main agent_hangs 2 "got nothing (timed out) from the agent" 10
kill "$agent_pid" 2>/dev/null

start=$(date +%s)
pair_start agent_refuses "--peer $guest" "$dir/refuser"
expect_main agent_refuses 2 "the agent refused 'hello 1 0': no" 10

start=$(date +%s)
pair_start wrong_peer "--peer 7" "$bin/hvsim" run guest -- "$prog" \
	--agent 3,4
expect_main wrong_peer 2 "the agent runs in domain $guest, not in --peer 7" 10

start=$(date +%s)
export CONFORMANCE_SELF=3
pair_start wrong_self "--peer $guest" "$dir/greet-unknown"
unset CONFORMANCE_SELF
expect_main wrong_self 2 "does not run in domain 3" 10
kill "$agent_pid" 2>/dev/null

# A real agent killed mid-run (conf-gntalloc asks it little, so slow the
# pair down with a program that asks it much: conf-notify).
prog=$bin/conformance/conf-notify
start=$(date +%s)
pair_start agent_killed "--peer $guest" "$bin/hvsim" run guest -- "$prog" \
	--agent 3,4
sleep 1
kill -9 "$agent_pid"
expect_main agent_killed 2 "agent in domain $guest.*it exited or died" 10

# Main killed mid-run: the agent sees the end of the stream, exits 0.
start=$(date +%s)
pair_start main_killed "--peer $guest" "$bin/hvsim" run guest -- "$prog" \
	--agent 3,4
sleep 1
kill -9 "$main_pid"
wait "$main_pid" 2>/dev/null
wait "$agent_pid"
status=$?
if [ $status = 0 ] && [ $(($(date +%s) - start)) -lt 10 ]; then
	ok
else
	bad "main_killed: the agent exited $status" "$dir/main_killed.agent.err"
fi

# And whole pairs that work, both halves exit 0: across two domains, and
# in two processes of one domain.
prog=$bin/conformance/conf-gntalloc
for where in "$guest" 0; do
	pair_start "works_$where" "--peer $where" "$bin/hvsim" run "$where" -- \
		"$prog" --agent 3,4
	wait "$main_pid"
	status=$?
	wait "$agent_pid"
	astatus=$?
	f=$dir/works_$where
	if [ $status = 0 ] && [ $astatus = 0 ] &&
	   grep -q "^gntalloc.limit.whole_limit_after_close ok" "$f.out" &&
	   [ ! -s "$f.agent.stdout" ]; then
		ok
	else
		bad "works with the agent in $where: main $status, agent $astatus" \
			"$f.err" "$f.agent.err" "$f.agent.stdout"
	fi
done

echo "agent-test: $pass passed, $fail failed"
[ "$fail" = 0 ]
