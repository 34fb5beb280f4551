#!/bin/sh
# Obtains the Linux driver sources the guest kernel is built from: Debian's
# linux-source-6.1 package, downloaded once into CACHE (no root needed), of
# which only the files in files.txt are extracted, into CACHE/linux-source-6.1.
# Usage: kmod/ksrc/fetch.sh CACHE
set -eu
cache=$1
list=$(dirname "$0")/files.txt
pkg=linux-source-6.1
tree=$cache/$pkg

mkdir -p "$cache"
deb=$(ls "$cache"/${pkg}_*_all.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$deb" ]; then
	echo "ksrc: downloading $pkg (about 140 MB, once)"
	# A fresh machine may have no package lists yet: as root, fetch them.
	(cd "$cache" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
	{ [ "$(id -u)" = 0 ] && apt-get update -q >/dev/null 2>&1 &&
	  (cd "$cache" && apt-get download -q "$pkg" >/dev/null 2>&1); } || {
		echo "ksrc: 'apt-get download $pkg' failed; run 'apt-get update'" \
		     "or build from a tree with KSRC=/path/to/linux" >&2
		exit 1
	}
	deb=$(ls "$cache"/${pkg}_*_all.deb | tail -n 1)
fi

tmp=$cache/.extract.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
members=$(grep -v '^#' "$list" | grep . | sed "s|^|$pkg/|")
# The package holds the tree as one .tar.xz; stream it, take only our files.
dpkg-deb --fsys-tarfile "$deb" |
	tar -xO "./usr/src/$pkg.tar.xz" |
	tar -xJ -C "$tmp" $members
rm -rf "$tree"
mv "$tmp/$pkg" "$tree"
echo "${deb##*/}" > "$tree/.from-deb"
echo "ksrc: extracted $(echo "$members" | wc -l) files from ${deb##*/} into $tree"
