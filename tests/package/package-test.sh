#!/bin/sh
# The Debian package, as a user gets it: built with dpkg-buildpackage from
# a clean copy of the tree (what git tracks, and new files not ignored),
# lintian clean of errors, unpacked with dpkg -x into a scratch root (never
# installed on this machine), and run from a directory outside the tree
# with a private XDG_RUNTIME_DIR: hvsim up, hvsim scenario default, hvsim
# down; then the guest library through its .pc file, docs/ci.md's
# two-domain example with `hvsim run`, and the default scenario again in a
# user namespace (as an unprivileged container runs it).
# Usage: tests/package/package-test.sh   (make package-test)
# KEEP=1 keeps the scratch directory (the .debs, the logs).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/reference/test-lib.sh"
unset MAKEFLAGS MFLAGS MAKELEVEL
unset HVSIM_DIR HVSIM_LIBEXEC HVSIM_KERNEL HVSIM_SCENARIO_PATH HVSIM_KERNEL_PARAMS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-package.XXXXXX")
root=$tmp/root
hvsim=$root/usr/bin/hvsim
cleanup() {
	[ -d "$tmp/xdg/hvsim" ] && XDG_RUNTIME_DIR=$tmp/xdg "$hvsim" down >/dev/null 2>&1
	if [ -n "${KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
now() { date +%s; }
start=$(now)

# What the package build needs (debian/control's Build-Depends, and the
# tools), installed when run as root, as ci/deps does for the build.
# linux-source-6.1 from the .deb the tree's own build downloaded into
# build/src, when it is there, rather than a second 140 MB download.
if [ "$(id -u)" = 0 ] && ! dpkg-query -W -f='${Status}' linux-source-6.1 2>/dev/null |
		grep -q 'install ok installed'; then
	deb=$(ls "$top"/build/src/linux-source-6.1_*_all.deb 2>/dev/null | sort -V | tail -n 1)
	[ -n "$deb" ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "$deb" >/dev/null 2>&1
fi
"$top/ci/deps" --quiet build-essential dpkg-dev debhelper lintian linux-source-6.1 pkg-config \
	check libjson-c-dev libxen-dev libc6-dev || exit 1

# A clean copy: no build/, nothing ignored.
mkdir -p "$tmp/src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z -co --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar -cf - --null -T -) | tar -xf - -C "$tmp/src"
else
	(cd "$top" && tar -cf - --exclude=./build .) | tar -xf - -C "$tmp/src"
fi

t0=$(now)
(cd "$tmp/src" && DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -b -us -uc) >"$tmp/build.log" 2>&1
rc=$?
echo "  package build: $(($(now) - t0)) s"
expect "dpkg-buildpackage -b -us -uc" "$rc" "0"
if [ "$rc" != 0 ]; then
	tail -n 30 "$tmp/build.log"
	test_summary package-test
	exit 1
fi
ver=$(cd "$tmp/src" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
debs="$tmp/hvsim_${ver}_$arch.deb $tmp/libhvsim-guest-dev_${ver}_$arch.deb"
for d in $debs; do
	expect "built ${d##*/}" "$(test -f "$d" && echo yes)" "yes"
done

# lintian: no errors (its warnings are shown; docs/ci.md lists the known ones)
lintian --fail-on error \
	"$tmp/hvsim_${ver}_$arch.changes" >"$tmp/lintian.out" 2>&1
rc=$?
grep -v '^N:' "$tmp/lintian.out" | grep -v 'running with root privileges' | sed 's/^/  lintian: /'
expect "lintian finds no error" "$rc" "0"

# Unpacked, not installed.
for d in $debs; do
	dpkg -x "$d" "$root"
done
missing=
for m in "$tmp"/src/man/*.[1-8]; do
	[ -f "$m" ] || continue
	n=${m##*/}
	[ -f "$root/usr/share/man/man${n##*.}/$n.gz" ] || missing="$missing $n"
done
expect "every man page of man/ is in the package" "$missing" ""

mkdir -p "$tmp/away" "$tmp/xdg"
chmod 700 "$tmp/xdg"
cd "$tmp/away" || exit 1
export XDG_RUNTIME_DIR=$tmp/xdg
lsver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
expect "hvsim --version: the kernel in the package, built from linux-source-6.1" \
	"$("$hvsim" --version | sed -n 's/^kernel //p')" \
	"$root/usr/bin/../lib/hvsim/hvsim-kernel: Linux ${lsver%%-*} drivers from linux-source-6.1 ($lsver)"
expect "hvsim up" "$("$hvsim" up 2>&1)" "hvsimd runs in $tmp/xdg/hvsim"
expect "hvsim list shows Domain-0" "$("$hvsim" list 2>&1 | grep -c '^Domain-0 ')" "1"
out=$("$hvsim" scenario default 2>&1)
expect "hvsim scenario default" "$?" "0"
expect "runs the library's default.scn, every expectation held" \
	"$(printf '%s\n' "$out" | tail -n 1 | sed 's/ [0-9]* steps,/ N steps,/')" \
	"$root/usr/share/hvsim/scenarios/default.scn: N steps, every expectation held"
expect "hvsim down" "$("$hvsim" down 2>&1 | grep -c 'stopped')" "1"
expect "and nothing of it is left running" "$(pgrep -f "$root/usr/lib/hvsim/" | wc -l)" "0"

# The -dev package: a program built through its .pc file.
cat > "$tmp/guest.c" <<'EOC'
#include <hvsim_guest.h>
int main(void)
{
	struct hvsim_guest *g;

	return hvsim_guest_attach("/nonexistent", 1, &g) < 0 ? 0 : 1;
}
EOC
pcdir=$(ls -d "$root"/usr/lib/*/pkgconfig)
cc -Wall -Werror -o "$tmp/guest" "$tmp/guest.c" \
	$(PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$root pkg-config --cflags --libs hvsim-guest) \
	>"$tmp/cc.out" 2>&1 && "$tmp/guest"
expect "libhvsim-guest-dev: a program builds and links with it" "$?:$(cat "$tmp/cc.out")" "0:"

# docs/ci.md's example, as written there: pingpong.c and two-domains.sh.
for f in pingpong.c two-domains.sh; do
	awk -v f="$f" '$0 == "<!-- file: " f " -->" { on = 1; next }
		on && /^```/ { if (started) exit; started = 1; next }
		on && started { print }' "$top/docs/ci.md" > "$tmp/away/$f"
done
cc -Wall -Werror -o pingpong pingpong.c $(pkg-config --cflags --libs xenvchan) >"$tmp/cc2.out" 2>&1
expect "docs/ci.md: pingpong.c builds" "$?:$(cat "$tmp/cc2.out")" "0:"
out=$(PATH=$root/usr/bin:$PATH timeout 60 sh two-domains.sh 2>&1)
expect "docs/ci.md: two-domains.sh passes" "$?" "0"
expect "its front end got the back end's answer" \
	"$(printf '%s\n' "$out" | grep -c '^got "pong"$')" "1"
[ -d "$tmp/xdg/hvsim" ] && "$hvsim" down >/dev/null 2>&1

# In a user namespace with its own PID namespace, as an unprivileged
# container (docs/ci.md): the whole default scenario.
if unshare --user --map-root-user --pid --fork --mount-proc true 2>/dev/null; then
	out=$(unshare --user --map-root-user --pid --fork --mount-proc \
		env XDG_RUNTIME_DIR="$tmp/xdg" "$hvsim" scenario -q default 2>&1)
	expect "hvsim scenario default in a user and PID namespace" "$?:$(printf '%s\n' "$out" |
		tail -n 1 | sed 's/ [0-9]* steps,/ N steps,/')" \
		"0:$root/usr/share/hvsim/scenarios/default.scn: N steps, every expectation held"
else
	echo "  (unshare --user is not allowed here: the namespace run is skipped)"
fi

echo "  package-test: $(($(now) - start)) s in all"
test_summary package-test
