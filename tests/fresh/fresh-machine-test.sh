#!/bin/sh
# README's promise, on a machine that has nothing: a fresh Debian 12
# (debootstrap's minbase, with the sources a debian:12 image has), given
# only `make` and a clean copy of the tree, where `make run` and then
# `make check` install every Debian package they need themselves (the
# build's, then the tests' own: man-db, chromium, clang, QEMU) and pass.
# CI's machine has all of those installed already, so nothing else there
# would notice an install step that went missing.
#
#   tests/fresh/fresh-machine-test.sh [DIR]     (as root; `make fresh-machine-test`)
#
# DIR (default a new one under /var/tmp) holds the chroot; it is removed
# at the end unless HVSIM_FRESH_KEEP=1.  The chroot gets its own mount
# namespace (proc, sys, dev), so nothing stays mounted on the host.  About
# 12 minutes on two cores (CI, idle), most of it make check and downloads.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/reference/test-lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "fresh-machine-test: needs root (debootstrap, chroot, mount)" >&2
	exit 2
fi
mirror=${HVSIM_FRESH_MIRROR:-http://deb.debian.org/debian}
security=${HVSIM_FRESH_SECURITY:-http://deb.debian.org/debian-security}
dir=${1:-$(mktemp -d /var/tmp/hvsim-fresh.XXXXXX)}
root=$dir/root
mkdir -p "$dir" || exit 2
[ "${HVSIM_FRESH_KEEP:-0}" = 1 ] || trap 'rm -rf "$dir"' EXIT

step() { echo "fresh-machine-test: $*"; }

if ! command -v debootstrap >/dev/null 2>&1; then
	step "installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends debootstrap >/dev/null || exit 1
fi

start=$(date +%s)
step "debootstrap --variant=minbase bookworm $root"
if ! debootstrap --variant=minbase bookworm "$root" "$mirror" >"$dir/debootstrap.log" 2>&1; then
	echo "fresh-machine-test: debootstrap failed:" >&2
	tail -n 20 "$dir/debootstrap.log" >&2
	exit 1
fi
# what a debian:12 image has: the release, its updates and security
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"
expect "the fresh root has no compiler" "$(test -e "$root/usr/bin/gcc" && echo gcc)" ""

# The tree as a clone has it (the files git tracks, as they are now), and
# the design brief beside it as CI has it.
mkdir -p "$root/src/hvsim"
(cd "$top" && git ls-files -z | xargs -0 tar -cf - --no-recursion) |
	tar -xf - -C "$root/src/hvsim"
if [ -d "$top/../shared" ]; then
	cp -r "$top/../shared" "$root/src/shared"
fi

# Inside: `make` is all the user brings; then README's two commands.
cat >"$root/src/fresh-run.sh" <<'EOF'
#!/bin/sh
set -u
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
{ apt-get update -q && apt-get install -y -q make; } >/src/apt.log 2>&1 || exit 10
cd /src/hvsim || exit 11
make run >/src/make-run.log 2>&1 || exit 12
make check >/src/make-check.log 2>&1 || exit 13
exit 0
EOF
chmod +x "$root/src/fresh-run.sh"

step "make run, then make check, in the chroot (logs: $root/src/make-run.log, make-check.log)"
unshare --mount --propagation private sh -c '
	root=$1
	mount -t proc proc "$root/proc" &&
	mount -t sysfs sys "$root/sys" &&
	mount --rbind /dev "$root/dev" &&
	exec chroot "$root" /src/fresh-run.sh' sh "$root"
rc=$?
expect "make run and make check passed on the fresh machine (10: apt, 12: run, 13: check)" "$rc" "0"
run_log=$root/src/make-run.log
check_log=$root/src/make-check.log
expect "make run installed the build's packages" \
	"$(grep -c '^deps: installing.*libxen-dev' "$run_log" 2>/dev/null)" "1"
expect "make run narrated the default scenario to its end" \
	"$(grep -c 'scenarios/default.scn: [0-9]* steps, every expectation held' "$run_log" 2>/dev/null)" "1"
for pkg in man-db chromium clang libclang-rt-14-dev qemu-system-x86; do
	expect "$pkg was installed by make check itself" \
		"$(chroot "$root" dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" \
		"install ok installed"
done
expect "no test failed" "$(grep -c ' [1-9][0-9]* failed' "$check_log" 2>/dev/null)" "0"
expect "the reference ran against real Xen (no SKIPPED)" \
	"$(grep -c 'reference: SKIPPED' "$check_log" 2>/dev/null)" "0"
# last, so that the end of the output (all CI shows) is the end of the
# failed step's log: run-tests's failures, make's error
if [ "$rc" != 0 ]; then
	for f in apt.log make-run.log make-check.log; do
		[ -f "$root/src/$f" ] || continue
		echo "--- the end of $f"
		tail -n 40 "$root/src/$f"
	done
fi
step "$(($(date +%s) - start)) s in all"
test_summary fresh-machine-test
