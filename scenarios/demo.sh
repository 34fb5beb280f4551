#!/bin/bash
# `make run`: the default job.  Starts a private hvsimd with Domain-0 and a
# guest, each with its guest kernel (the real Linux gntdev, gntalloc and
# evtchn drivers), and runs libxen-peer, a program linked against Debian's
# libxengnttab and libxenevtchn, in each domain through `hvsim run`: the
# guest shares a page, Domain-0 maps it, both write it, an event goes each
# way, and the guest's unshare reaches Domain-0 as an unmap notification.
# It narrates what each side saw, then shows `hvsim list` and the end of
# `hvsim trace`.
# Usage: scenarios/demo.sh BINDIR
set -eu
bin=$(cd "$1" && pwd)
HVSIM_DIR=$(mktemp -d /tmp/hvsim-run-XXXXXX)
export HVSIM_DIR
unset HVSIM_KERNEL
pids=
cleanup() {
	for pid in $pids; do kill -9 "$pid" 2>/dev/null || true; done
	"$bin/hvsim" down >/dev/null 2>&1 || true
	rm -rf "$HVSIM_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "demo: $*" >&2; exit 1; }

# start FD DOMAIN SUBCOMMAND ARGS...: runs libxen-peer in DOMAIN, its
# output readable on FD.
start() {
	local fd=$1 dom=$2 fifo=$HVSIM_DIR/peer$1.out
	shift 2
	mkfifo "$fifo"
	"$bin/hvsim" run "$dom" -- "$bin/libxen-peer" "$@" >"$fifo" &
	pids="$pids $!"
	eval "exec $fd<\"\$fifo\""
	get "$fd" pid
}

# get FD KEY: the program's next line must start with KEY; its rest is
# left in $value.
get() {
	local line
	IFS= read -r -t 20 line <&"$1" || fail "no '$2' line from the program on fd $1"
	case $line in
	"$2") value= ;;
	"$2 "*) value=${line#"$2 "} ;;
	*) fail "expected '$2', the program said '$line'" ;;
	esac
}

# say WHO WHAT [RESULT]
say() {
	if [ $# = 3 ]; then
		printf '  %-9s %-49s -> %s\n' "$1" "$2" "$3"
	else
		printf '  %-9s %s\n' "$1" "$2"
	fi
}

"$bin/hvsim" up >/dev/null
guest=$("$bin/hvsim" domain create guest --mem 16)
echo "hvsimd runs in $HVSIM_DIR: Domain-0 (domid 0) and guest (domid $guest)."
echo "In each, libxen-peer runs through 'hvsim run', linked against Debian's"
echo "libxengnttab and libxenevtchn, talking to that domain's guest kernel."
echo

start 3 guest chat-share 0
get 3 port;  port=$value
say guest "xenevtchn_bind_unbound_port(Domain-0)" "port $port"
get 3 gref;  ref=$value
say guest "xengntshr_share_page_notify(Domain-0, byte 4095)" "grant ref $ref"
get 3 wrote
say guest "writes $value into the page"

start 4 Domain-0 chat-map "$guest" "$port" "$ref"
get 4 port;  local_port=$value
say Domain-0 "xenevtchn_bind_interdomain(guest, port $port)" "port $local_port"
get 4 event
say Domain-0 "event on $value: Xen sets a new interdomain port pending"
get 4 mapped
get 4 byte
say Domain-0 "xengnttab_map_grant_ref_notify(guest, ref $ref)" "mapped, notify byte 4094"
say Domain-0 "the guest's byte 4095 reads $value"
get 4 read
say Domain-0 "reads $value"
get 4 wrote
say Domain-0 "writes $value, xenevtchn_notify(port $local_port)"

get 3 event
say guest "event on $value (select() on xenevtchn_fd, pending, unmask)"
get 3 read
say guest "reads $value"
get 3 unshared
say guest "xengntshr_unshare: gntalloc clears byte 4095 and notifies port $port"

get 4 event; event=$value
get 4 byte
say Domain-0 "event on $event; byte 4095 now reads $value: the guest let go"
[ "$value" = 0 ] || fail "the notify byte was not cleared"
get 4 unmapped
say Domain-0 "xengnttab_unmap"
for pid in $pids; do
	wait "$pid" || fail "a libxen-peer exited with status $?"
done
pids=

echo
echo "== hvsim list"
"$bin/hvsim" list
echo
echo "== hvsim trace (the end)"
"$bin/hvsim" trace | tail -n 24
