#!/bin/sh
# Obtains the Linux sources the guest kernel is built from: Debian's
# linux-source-<version> package (PKG, e.g. linux-source-6.12), downloaded
# once into CACHE (no root needed), of which only the files in files.txt are
# extracted, into CACHE/PKG.  Optional entries ("?path") the tree lacks are
# left out; a missing required one is an error.
# With TARBALL (a .tar.xz of a Linux tree, such as the installed package's
# /usr/src/linux-source-6.1.tar.xz: kmod/build.mk's KSRC_TARBALL), the
# files come from it and nothing is downloaded.
# Usage: kmod/ksrc/fetch.sh CACHE PKG [TARBALL]
set -eu
cache=$1 pkg=$2 tarball=${3:-}
here=$(dirname "$0")
list=$here/files.txt
tree=$cache/$pkg

mkdir -p "$cache"
# Every O= variant shares the cache and may get here at once: one at a time,
# and whoever comes second finds the tree already extracted from this list.
exec 9>"$cache/.$pkg.lock"
flock 9
if [ -n "$tarball" ] && [ ! -f "$tarball" ]; then
	echo "ksrc: KSRC_TARBALL $tarball: no such file" >&2
	exit 1
fi
if [ -f "$tree/.from-deb" ] && [ "$tree/.from-deb" -nt "$list" ] &&
   [ "$tree/.from-deb" -nt "$0" ] &&
   { [ -z "$tarball" ] || [ "$tree/.from-deb" -nt "$tarball" ]; }; then
	exit 0
fi

newest_deb() {
	ls "$cache"/${pkg}_*_all.deb 2>/dev/null | sort -V | tail -n 1
}
deb=
[ -n "$tarball" ] || deb=$(newest_deb)
if [ -z "$tarball" ] && [ -z "$deb" ]; then
	echo "ksrc: downloading $pkg (about 140 MB, once)"
	# A fresh machine may have no package lists yet: as root, fetch them.
	(cd "$cache" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
	{ [ "$(id -u)" = 0 ] && apt-get update -q >/dev/null 2>&1 &&
	  (cd "$cache" && apt-get download -q "$pkg" >/dev/null 2>&1); } || {
		echo "ksrc: 'apt-get download $pkg' failed.  Debian 12 has" \
		     "linux-source-6.1 (KVER=6.1) and, in bookworm-security," \
		     "linux-source-6.12 (KVER=6.12): run 'apt-get update', or" \
		     "build from any tree with KSRC=/path/to/linux" >&2
		exit 1
	}
	deb=$(newest_deb)
fi

tmp=$cache/.extract.$$
trap 'rm -rf "$tmp" "$tmp.err"' EXIT
mkdir -p "$tmp"
required=$("$here/list.sh" required "$list")
optional=$("$here/list.sh" optional "$list")
# The package holds the tree as one .tar.xz; stream it, take only our files.
# tar names each member it did not find, and then fails: that is expected
# of optional ones only, which is checked below, file by file.
if [ -n "$tarball" ]; then
	# its top directory (Debian's: linux-source-6.1/), from its first entry
	top=$(tar -tJf "$tarball" 2>/dev/null | head -n 1 | cut -d/ -f1) || true
	[ -n "$top" ] || { echo "ksrc: $tarball is not a .tar.xz of a Linux tree" >&2; exit 1; }
	source=$tarball
	# Where the tree came from (stage.sh): the package that installed the
	# tarball, as a downloaded package's file is named, else the tarball.
	owner=$(dpkg -S "$tarball" 2>/dev/null | sed -n '1s/:.*//p') || true
	ver=$([ -n "$owner" ] && dpkg-query -W -f='${Version}' "$owner" 2>/dev/null) || true
	if [ -n "$owner" ] && [ -n "$ver" ]; then
		from=${owner}_$(echo "$ver" | sed 's/:/%3a/')_all.deb
	else
		from=$(cd "$(dirname "$tarball")" && pwd)/${tarball##*/}
	fi
	tar -xJ -C "$tmp" -f "$tarball" \
		$(printf '%s\n' $required $optional | sed "s|^|$top/|") 2>"$tmp.err" || true
else
	top=$pkg source=${deb##*/} from=${deb##*/}
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO "./usr/src/$pkg.tar.xz" |
		tar -xJ -C "$tmp" $(printf '%s\n' $required $optional | sed "s|^|$pkg/|") \
			2>"$tmp.err" || true
fi
if grep -v -e 'Not found in archive' -e 'Exiting with failure status' "$tmp.err" >&2; then
	echo "ksrc: extracting from $source failed" >&2
	exit 1
fi
missing=
for f in $required; do
	[ -f "$tmp/$top/$f" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
	echo "ksrc: $source lacks files kmod/ksrc/files.txt requires:$missing" >&2
	exit 1
fi
rm -rf "$tree"
mv "$tmp/$top" "$tree"
echo "$from" > "$tree/.from-deb"
echo "ksrc: extracted $(find "$tree" -type f ! -name .from-deb | wc -l) files from $source into $tree"
