#!/bin/sh
# `make install` of a build into a scratch root, then the installed
# programs, run from a directory outside the tree as a user would run them:
# they find their helpers and the scenario library from where they are
# (userlib/project_files.h), `hvsim scenario NAME` looks a name up
# (scenarios/scn_find.h), and a program builds against the guest library
# through its pkg-config file and attaches to a domain.
# Usage: tests/install/install-test.sh O=BUILD [VAR=VALUE...]  (the make
# variables of the build under test; $(O)/tests/install-test passes them)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/reference/test-lib.sh"
# a make of its own, not a job of the make that runs the tests
unset MAKEFLAGS MFLAGS MAKELEVEL
# nothing of the caller's choosing: the installed layout alone
unset HVSIM_DIR HVSIM_LIBEXEC HVSIM_KERNEL HVSIM_SCENARIO_PATH HVSIM_KERNEL_PARAMS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-install.XXXXXX")
root=$tmp/root
cleanup() {
	[ -d "$tmp/xdg/hvsim" ] && XDG_RUNTIME_DIR=$tmp/xdg "$root/usr/bin/hvsim" down >/dev/null 2>&1
	[ -d "$tmp/kless" ] && HVSIM_DIR=$tmp/kless "$root/usr/bin/hvsim" down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

libdir=/usr/lib/test-multiarch
(cd "$top" && make --no-print-directory "$@" install DESTDIR="$root" PREFIX=/usr \
	LIBDIR=$libdir >"$tmp/make.out" 2>&1)
rc=$?
expect "make install" "$rc" "0"
[ "$rc" = 0 ] || { tail -n 20 "$tmp/make.out"; test_summary install-test; exit 1; }

# What is where.
missing=
for f in usr/bin/hvsim usr/lib/hvsim/hvsimd usr/lib/hvsim/hvsim-scenario \
	 usr/lib/hvsim/hvsim-scenario-agent usr/lib/hvsim/libhvsim-preload.so \
	 usr/share/hvsim/scenarios/default.scn usr/share/doc/hvsim/README.md \
	 usr/share/doc/hvsim/docs/design.md usr/include/hvsim_guest.h \
	 usr/include/hvsim/xen.h $libdir/libhvsim-guest.a $libdir/pkgconfig/hvsim-guest.pc; do
	[ -f "$root/$f" ] || missing="$missing $f"
done
expect "installed files" "$missing" ""
expect "every scenario of the library" \
	"$(cd "$top/scenarios" && ls *.scn)" "$(cd "$root/usr/share/hvsim/scenarios" && ls *.scn)"
kernel=$root/usr/lib/hvsim/hvsim-kernel

mkdir -p "$tmp/away" "$tmp/mine" "$tmp/xdg"
chmod 700 "$tmp/xdg"
cd "$tmp/away" || exit 1
hvsim=$root/usr/bin/hvsim

# The scenario library, by name, from outside the tree.
lib=$root/usr/share/hvsim/scenarios
expect "a name finds the library's script" "$("$hvsim" scenario --check default 2>&1)" \
	"$lib/default.scn: $(grep -c '^[^#[:space:]]' "$lib/default.scn") steps, syntax ok"
printf 'domain alice\n' > "$tmp/mine/default.scn"
expect "HVSIM_SCENARIO_PATH comes before the library" \
	"$(HVSIM_SCENARIO_PATH=$tmp/nothing:$tmp/mine "$hvsim" scenario --check default 2>&1)" \
	"$tmp/mine/default.scn: 1 steps, syntax ok"
out=$(HVSIM_SCENARIO_PATH=$tmp/mine "$hvsim" scenario --check no-such-scenario 2>&1)
expect "an unknown name exits 2" "$?" "2"
expect "and says where it looked" "$out" \
"hvsim-scenario: no scenario named 'no-such-scenario' (no-such-scenario or no-such-scenario.scn) in: the current directory, $tmp/mine, $lib
(HVSIM_SCENARIO_PATH adds directories to look in)"
cp "$tmp/mine/default.scn" "$tmp/away/mine.scn"
expect "a script in the current directory, by name" \
	"$("$hvsim" scenario --check mine 2>&1)" "mine.scn: 1 steps, syntax ok"

# The guest library: built against through its .pc file, in the scratch root.
pc() { PKG_CONFIG_PATH=$root$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root pkg-config "$@"; }
expect "the .pc file's prefix" \
	"$(PKG_CONFIG_PATH=$root$libdir/pkgconfig pkg-config --variable=prefix hvsim-guest)" "/usr"
cat > "$tmp/attach.c" <<'EOC'
#include <stdio.h>
#include <stdlib.h>
#include <hvsim_guest.h>

/* attaches to domain argv[2] of the hvsimd in argv[1], as its kernel */
int main(int argc, char **argv)
{
	struct hvsim_guest *g;
	int rc = hvsim_guest_attach(argv[1], (domid_t)atoi(argv[2]), &g);

	if (rc) {
		printf("attach: %d\n", rc);
		return 1;
	}
	printf("attached to domain %u, %llu pages\n", hvsim_guest_domid(g),
	       (unsigned long long)hvsim_guest_ram_pages(g));
	hvsim_guest_detach(g);
	return 0;
}
EOC
# (a sanitizer build installs an instrumented library: link its runtime)
san=
for a in "$@"; do
	case $a in SAN=?*) san=-fsanitize=${a#SAN=} ;; esac
done
${CC:-cc} -Wall -Werror $san -o "$tmp/attach" "$tmp/attach.c" $(pc --cflags --libs hvsim-guest) \
	>"$tmp/cc.out" 2>&1
expect "a program builds with the installed library" "$(head -n 5 "$tmp/cc.out")" ""
# a kernel-less domain (HVSIM_KERNEL=none), which the program attaches to
if [ -x "$tmp/attach" ]; then
	HVSIM_DIR=$tmp/kless HVSIM_KERNEL=none "$hvsim" up >/dev/null 2>&1
	id=$(HVSIM_DIR=$tmp/kless "$hvsim" domain create g --mem 4 2>&1)
	expect "and attaches to a domain as its kernel" "$("$tmp/attach" "$tmp/kless" "$id")" \
		"attached to domain $id, 1024 pages"
	HVSIM_DIR=$tmp/kless "$hvsim" down >/dev/null 2>&1
fi

# The programs find each other in the installed layout: hvsimd, its kernel,
# the runner, its agent and the interposer.
if [ -x "$kernel" ]; then
	expect "hvsim --version finds the kernel beside hvsimd" \
		"$("$hvsim" --version | sed -n 's/^kernel \([^:]*\):.*/\1/p')" \
		"$root/usr/bin/../lib/hvsim/hvsim-kernel"
	export XDG_RUNTIME_DIR=$tmp/xdg
	expect "hvsim up" "$("$hvsim" up 2>&1)" "hvsimd runs in $tmp/xdg/hvsim"
	out=$("$hvsim" scenario -q default 2>&1)
	expect "hvsim scenario default runs" "$?" "0"
	expect "and says every expectation held" \
		"$(printf '%s\n' "$out" | grep -c "^$lib/default.scn: .* steps, every expectation held")" "1"
	expect "hvsim down" "$("$hvsim" down 2>&1 | grep -c "stopped")" "1"
else
	echo "  (no hvsim-kernel in this build: the installed scenario run is skipped)"
fi

test_summary install-test
