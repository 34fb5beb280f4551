#!/bin/sh
# A first `make run` on a machine without the build's Debian packages must
# install them before it reads any compiler flag (it once read pkg-config
# while the Makefile was parsed, found nothing, and failed to link).
# Played with a stand-in for the install step (DEPS) and for pkg-config,
# which knows json-c only once that step has run, and a dry run (make -n:
# the step runs while the Makefile is read, dry run or not).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/reference/test-lib.sh"
# a make of its own, not a job of the make that runs the tests
unset MAKEFLAGS MFLAGS MAKELEVEL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-firstrun.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/deps" <<EOS
#!/bin/sh
# the stand-in install step: the packages appear
echo "deps: installing \$*" >&2
touch "$tmp/installed"
EOS
cat > "$tmp/pkg-config" <<EOS
#!/bin/sh
# json-c's flags exist only once the packages are installed
[ -e "$tmp/installed" ] || exit 1
case "\$*" in
*--cflags*json-c*) echo -I/firstrun/json-c ;;
*--libs*json-c*) echo -lfirstrun-json-c ;;
esac
EOS
cat > "$tmp/nodeps" <<EOS
#!/bin/sh
echo "hvsim needs these Debian packages, which are missing: \$*" >&2
exit 1
EOS
chmod +x "$tmp/deps" "$tmp/pkg-config" "$tmp/nodeps"

# The build's commands, printed, not run.
out=$(cd "$top" && make --no-print-directory -n -B O="$tmp/build" \
	DEPS="$tmp/deps" PKG_CONFIG="$tmp/pkg-config" NO_KMOD=1 NO_REFERENCE=1 \
	"$tmp/build/bin/hvsimd" 2>"$tmp/err")
expect "the install step ran" "$(test -e "$tmp/installed" && echo yes)" "yes"
expect "it ran while the Makefile was read" \
	"$(grep -c 'deps: installing' "$tmp/err")" "1"
expect "hvsimd's objects got json-c's flags" \
	"$(printf '%s\n' "$out" | grep -c 'hv-sim/hvsimd.c.*-I/firstrun/json-c\|-I/firstrun/json-c.*hv-sim/hvsimd.c')" "1"
expect "hvsimd links json-c" \
	"$(printf '%s\n' "$out" | grep -c -- '-o .*bin/hvsimd .*-lfirstrun-json-c')" "1"

# Without the packages and no way to install them: a clear stop, nothing built.
rm -f "$tmp/installed"
(cd "$top" && make --no-print-directory O="$tmp/build2" DEPS="$tmp/nodeps" \
	PKG_CONFIG="$tmp/pkg-config" NO_KMOD=1 NO_REFERENCE=1 all >"$tmp/out2" 2>&1)
expect "a build without the packages fails" "$?" "2"
expect "and says which are missing" \
	"$(grep -c 'hvsim needs these Debian packages' "$tmp/out2")" "1"
expect "and what stopped it" \
	"$(grep -c 'some Debian packages the build needs are missing' "$tmp/out2")" "1"
expect "before compiling anything" "$(test -d "$tmp/build2/obj" && echo built)" ""

test_summary firstrun-test
