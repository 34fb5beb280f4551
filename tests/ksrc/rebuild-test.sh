#!/bin/sh
# A driver developer's loop: edit a file of the Linux tree the guest kernel
# is built from, make, and the kernel runs the edit; take it back, make, and
# it runs the original.  Each make must rebuild exactly what depends on the
# change, in the same build directory (an empty .SECONDARY: once let make
# skip the re-stage, and the old driver ran silently).
#
# The tree is a scratch copy of this build's staged one, its gntalloc.c
# patched to answer an over-limit IOCTL_GNTALLOC_ALLOC_GREF with E2BIG
# instead of ENOSPC; a program in Domain-0 (gntalloc-limit-probe) tells
# which one the kernel runs.  The scratch build directory starts as a copy
# of this one's (objects and all, their .d files moved along), so only the
# objects the change reaches are compiled.
# Usage (through $(O)/tests/ksrc-rebuild-test): tests/ksrc/rebuild-test.sh O SAN
set -u
O=$1 SAN=${2:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/reference/test-lib.sh"
cd "$top"
# a make of its own, not a job of the make that runs the tests
unset MAKEFLAGS MFLAGS MAKELEVEL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-ksrc.XXXXXX")
S=$tmp/build T=$tmp/linux H=$tmp/hv
cleanup() {
	HVSIM_DIR=$H "$O/bin/hvsim" down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The scratch tree: this build's staged files (without what stage.sh
# generates), which stage.sh takes for a Linux tree as it is.
cp -a "$O/kmod/ksrc" "$T"
rm -rf "$T/include/generated"
drv=drivers/xen/gntalloc.c
# The scratch build directory, objects and times kept; the .d files name
# this build's paths, so they are moved along.
mkdir -p "$S/bin"
cp -a "$O/obj" "$O/lib" "$O/kmod" "$S/"
cp -a "$O/bin/hvsim-kernel" "$S/bin/"
find "$S/obj" -name '*.d' -exec sed -i "s#\\(^\\| \\)$O/#\\1$S/#g" {} +

# kmake: makes the scratch kernel from KSRC=$T; $built is what it compiled
# and linked, relative to the build directory, sorted, on one line.
kmake() {
	make --no-print-directory -j2 O="$S" KSRC="$T" SAN="$SAN" "$S/bin/hvsim-kernel" \
		> "$tmp/make.log" 2>&1 || { echo "  make failed:"; sed 's/^/    | /' "$tmp/make.log"; }
	built=$(grep -o -- "-o $S/[^ ]*" "$tmp/make.log" | sed "s#^-o $S/##" | sort | tr '\n' ' ')
}
# probe: which errno the scratch kernel's gntalloc answers with.
probe() {
	HVSIM_DIR=$H HVSIM_KERNEL=$S/bin/hvsim-kernel "$O/bin/hvsim" up > "$tmp/up.log" 2>&1 ||
		{ echo "  hvsim up failed:"; cat "$tmp/up.log" "$H/hvsimd.log"; }
	HVSIM_DIR=$H "$O/bin/hvsim" run Domain-0 "$O/tests/ksrc/gntalloc-limit-probe" 2>&1
	HVSIM_DIR=$H "$O/bin/hvsim" down >/dev/null 2>&1
}

# Before: the tree as this build has it.
expect "Linux's gntalloc answers ENOSPC" "$(probe)" "ENOSPC"

# The edit: an over-limit count is E2BIG.
sed -i '/if (op.count > limit_snapshot) {/{n;s/-ENOSPC/-E2BIG/}' "$T/$drv"
expect "the patch applies" "$(grep -c -- '-E2BIG' "$T/$drv")" "1"
kmake
# main.o: the kernel's start-up line names the tree (ksrc_info.h).
expect "another tree, one file changed: only that and main.o rebuilt" "$built" \
	"bin/hvsim-kernel obj/kmod/host/main.o obj/kmod/linux/${drv%.c}.o "
expect "the kernel runs the patched gntalloc" "$(probe)" "E2BIG"
expect "the kernel says which tree it was built from" \
	"$(HVSIM_KERNEL=$S/bin/hvsim-kernel "$O/bin/hvsim" --version | sed -n 's/^kernel [^:]*: //p')" \
	"Linux $(sed -n 's/^KMOD_KSRC_RELEASE := //p' "$O/kmod/gen/ksrc.mk") drivers from $T"
expect "and logs it at start" \
	"$(grep -c "hvsim-kernel\[dom0 Domain-0\]: Linux .* drivers from $T\$" "$H/hvsimd.log")" "1"

kmake
expect "nothing changed: nothing rebuilt" "$built" ""

# Taken back.
cp "$O/kmod/ksrc/$drv" "$T/$drv"
kmake
expect "the edit taken back: only that file rebuilt" "$built" \
	"bin/hvsim-kernel obj/kmod/linux/${drv%.c}.o "
expect "the kernel runs Linux's gntalloc again" "$(probe)" "ENOSPC"

test_summary ksrc-rebuild-test
