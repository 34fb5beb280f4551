#!/bin/sh
# Tests of xsbridge between two of hvsim's domains (Domain-0 offering, a
# domU accepting), through hvsim's xenstore: bulk data both ways, short
# messages back and forth, empty streams, a program at each end and the
# status carried back, a reader that stops early, a peer that dies, bad
# usage.  A private hvsimd runs for the occasion.  xsbridge needs no
# device, only its domain's xenstore socket (docs/userlib.md), so it is
# started with XENSTORED_PATH alone: no guest kernel needed.
# Usage: reference/xsbridge-test.sh BINDIR
set -u
bin=$(cd "$1" && pwd)
xsb=$bin/xsbridge
dir=$(mktemp -d "${TMPDIR:-/tmp}/xsbridge-test-XXXXXX")
export HVSIM_DIR="$dir/hv"
# No guest kernels: the bridge uses no device.
export HVSIM_KERNEL=none
cleanup() {
	"$bin/hvsim" down >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
. "$(dirname "$0")/test-lib.sh"

"$bin/hvsim" up >/dev/null || exit 1
guest=$("$bin/hvsim" domain create guest) || exit 1
home=/local/domain/$guest/data/xsbridge-test
in0() { XENSTORED_PATH=$HVSIM_DIR/dom0/xenstore "$@"; }
inguest() { XENSTORED_PATH=$HVSIM_DIR/dom$guest/xenstore "$@"; }

# Bulk, both ways at once, binary (random bytes hold NULs and spaces).
head -c 3000000 /dev/urandom > "$dir/down"
head -c 2000001 /dev/urandom > "$dir/up"
in0 timeout 60 "$xsb" --offer "$guest" "$home/bulk" \
	< "$dir/down" > "$dir/up.got" 2> "$dir/offer.err" &
offer=$!
inguest timeout 60 "$xsb" --accept data/xsbridge-test/bulk \
	< "$dir/up" > "$dir/down.got" 2> "$dir/accept.err"
expect "bulk: accepting side's status" "$?" 0
wait $offer
expect "bulk: offering side's status" "$?" 0
expect "bulk: dom0 -> domU" "$(cmp "$dir/down" "$dir/down.got" 2>&1)" ""
expect "bulk: domU -> dom0" "$(cmp "$dir/up" "$dir/up.got" 2>&1)" ""
expect "bulk: nothing on stderr" "$(cat "$dir/offer.err" "$dir/accept.err")" ""
expect "bulk: the session is removed" \
	"$(in0 xenstore-exists "$home/bulk" 2>/dev/null; echo $?)" 1

# Short messages, each answered before the next goes (the agent's kind of
# traffic); programs on both ends, on descriptors of their choosing.
in0 timeout 60 "$xsb" --offer "$guest" "$home/ping" -- sh -c '
	for i in $(seq 200); do
		echo "q$i" >&4
		read -r a <&3 || exit 3
		[ "$a" = "re q$i" ] || { echo "bad answer $a"; exit 4; }
	done
	exec 4>&-
	cat <&3
	echo "asked 200"' > "$dir/ping.out" &
offer=$!
inguest timeout 60 "$xsb" --accept --fds 5,9 data/xsbridge-test/ping -- sh -c '
	while read -r l <&5; do echo "re $l" >&9; done
	echo "the end" >&9
	exit 7'
expect "ping: accepting side's status is its program's" "$?" 7
wait $offer
expect "ping: offering side's status is its program's" "$?" 0
expect "ping: output" "$(cat "$dir/ping.out")" "the end
asked 200"

# Without a program of its own, the offering side exits with the status
# of the accepting side's program; empty streams end at once.
in0 timeout 20 "$xsb" --offer "$guest" "$home/status" < /dev/null > "$dir/status.out" &
offer=$!
inguest timeout 20 "$xsb" --accept data/xsbridge-test/status sh -c 'cat <&3; exit 5'
expect "status: accepting side" "$?" 5
wait $offer
expect "status: offering side reports the domU program's" "$?" 5
expect "status: nothing arrived" "$(wc -c < "$dir/status.out")" 0

# A reader that stops early: the writer's input is closed, so the program
# feeding it stops (SIGPIPE), and the bridge ends.
in0 timeout 20 "$xsb" --offer "$guest" "$home/early" sh -c 'exec yes >&4' &
offer=$!
inguest timeout 20 "$xsb" --accept data/xsbridge-test/early sh -c 'head -c 10000 <&3 >/dev/null; exit 0'
expect "early: accepting side" "$?" 0
wait $offer
expect "early: offering side: yes got SIGPIPE" "$?" $((128 + 13))

# The peer domain dies mid-stream: the offering side says so and fails.
in0 timeout 20 "$xsb" --offer "$guest" "$home/death" \
	< /dev/zero > /dev/null 2> "$dir/death.err" &
offer=$!
inguest timeout 1 "$xsb" --accept data/xsbridge-test/death < /dev/null > /dev/null
"$bin/hvsim" domain destroy guest >/dev/null
wait $offer
expect "death: offering side's status" "$?" 1
expect "death: message" "$(cat "$dir/death.err")" "xsbridge: domain $guest is gone"

"$xsb" --offer 1 > /dev/null 2>&1
expect "usage: no BASE" "$?" 2
"$xsb" --offer 1 --accept x > /dev/null 2>&1
expect "usage: both sides" "$?" 2
"$xsb" --accept --fds 3,3 x true > /dev/null 2>&1
expect "usage: one descriptor for both" "$?" 2

test_summary xsbridge-test
