#!/bin/sh
# Tests of reference/kernel-pkg.sh: which Debian kernel image the
# reference VM boots for a tree's release, against a made-up apt (an
# apt-cache first in PATH answering from a list of package names) and a
# made-up download cache.  No network, no apt lists needed.
# Usage: reference/kernel-pkg-test.sh [TMPDIR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-${TMPDIR:-/tmp}/kernel-pkg-test.$$}
mkdir -p "$dir/bin" "$dir/cache"
trap 'rm -rf "$dir"' EXIT
. "$here/test-lib.sh"

# The fake apt-cache: `pkgnames PREFIX` lists the names of $dir/names
# starting with PREFIX, `depends linux-image-amd64` names $dir/meta's
# line; an empty $dir/names is apt without lists (apt-cache fails).
cat > "$dir/bin/apt-cache" <<EOF
#!/bin/sh
[ -s "$dir/names" ] || exit 100
case \$1 in
pkgnames) grep "^\$2" "$dir/names" ;;
depends)  echo "\$2"; echo "  Depends: \$(cat "$dir/meta")" ;;
esac
EOF
chmod 755 "$dir/bin/apt-cache"
echo linux-image-6.1.0-57-amd64 > "$dir/meta"
cat > "$dir/all-names" <<'EOF'
linux-image-6.1.0-57-amd64
linux-image-6.1.0-57-amd64-dbg
linux-image-6.12-amd64
linux-image-6.12.118+deb12-amd64-unsigned
linux-image-6.12.118+deb12-amd64-dbg
linux-image-6.12.118+deb12-cloud-amd64
linux-image-6.12.118+deb12-rt-amd64
linux-image-6.12.118+deb12-amd64
linux-image-6.12.1180+deb12-amd64
linux-image-6.12.11+deb12-amd64
linux-image-6.10.3-amd64-unsigned
EOF

# run RELEASE: kernel-pkg.sh's stdout, then "stderr: ..." if it said anything.
run() {
	out=$(PATH="$dir/bin:$PATH" sh "$here/kernel-pkg.sh" "$dir/cache" "$@" 2> "$dir/err")
	printf '%s' "$out"
	[ ! -s "$dir/err" ] || printf '\nstderr: %s' "$(cat "$dir/err")"
}

cp "$dir/all-names" "$dir/names"
expect "6.1 tree: linux-image-amd64's 6.1 image" \
	"$(run 6.1.192)" linux-image-6.1.0-57-amd64
expect "no release: the 6.1 image" "$(run)" linux-image-6.1.0-57-amd64
expect "6.12 tree: the release's signed image, not -unsigned, cloud, rt, dbg, 6.12.11 or 6.12.1180" \
	"$(run 6.12.118)" linux-image-6.12.118+deb12-amd64
expect "6.10 is not 6.1: only an -unsigned image, which it takes" \
	"$(run 6.10.3)" linux-image-6.10.3-amd64-unsigned

grep -v '^linux-image-6.12.118+deb12-amd64$' "$dir/all-names" > "$dir/names"
expect "only the -unsigned image of the release" \
	"$(run 6.12.118)" linux-image-6.12.118+deb12-amd64-unsigned

cp "$dir/all-names" "$dir/names"
got=$(run 6.13.2)
expect "a release apt has no image of: 6.1's, and it says so" \
	"$(printf '%s\n' "$got" | head -n 1)" linux-image-6.1.0-57-amd64
case $got in
*"stderr: reference: apt has no Debian kernel image of Linux 6.13.2"*"boots Debian's 6.1 image instead"*)
	pass=$((pass + 1)) ;;
*)	fail=$((fail + 1)); echo "  the fallback message is missing: $got" ;;
esac

# Without apt lists: the release's newest cached .deb, else nothing (fetch.sh
# then looks for a cached 6.1 image).
: > "$dir/names"
: > "$dir/cache/linux-image-6.12.117+deb12-amd64_6.12.117-1~deb12u1_amd64.deb"
: > "$dir/cache/linux-image-6.12.118+deb12-amd64_6.12.118-1~deb12u1_amd64.deb"
: > "$dir/cache/linux-image-6.1.0-57-amd64_6.1.192-3_amd64.deb"
expect "no apt lists: the release's image from the cache" \
	"$(run 6.12.118)" linux-image-6.12.118+deb12-amd64
expect "no apt lists, a 6.1 tree: nothing (fetch.sh's cache fallback)" \
	"$(run 6.1.192)" ""

test_summary kernel-pkg-test
