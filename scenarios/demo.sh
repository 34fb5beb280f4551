#!/bin/sh
# `make run`: the default job.  Starts a private hvsimd, creates a guest
# domain, runs hvsim-demo (the guest grants a page to Domain-0, both write
# it, events both ways, the grant revoked), and prints the trace.
# Usage: scenarios/demo.sh BINDIR
set -eu
bin=$1
HVSIM_DIR=$(mktemp -d /tmp/hvsim-run-XXXXXX)
export HVSIM_DIR HVSIM_KERNEL=none
cleanup() { "$bin/hvsim" down >/dev/null 2>&1 || true; rm -rf "$HVSIM_DIR"; }
trap cleanup EXIT INT TERM

echo "== hvsim up"
"$bin/hvsim" up
echo "== hvsim domain create guest"
domid=$("$bin/hvsim" domain create guest --mem 16)
echo "$domid"
echo "== two guest kernels share a page"
"$bin/hvsim-demo" "$domid"
echo "== hvsim list"
"$bin/hvsim" list
echo "== hvsim trace"
"$bin/hvsim" trace
