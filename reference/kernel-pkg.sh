#!/bin/sh
# Names the Debian kernel image package the reference VM boots (fetch.sh):
# the image of the Linux release hvsim's guest kernel is built from, so
# that each tree's drivers are compared with the same Linux on real Xen.
#   RELEASE 6.1.x, or none   the 6.1 image linux-image-amd64 depends on
#                            (Debian names these by ABI, linux-image-6.1.0-N-amd64,
#                            not by release)
#   any other RELEASE R      linux-image-R[+SUFFIX]-amd64, as Debian names
#                            the images of a series it backports (6.12.118:
#                            linux-image-6.12.118+deb12-amd64), the signed
#                            one before its -unsigned twin; without apt
#                            lists, the newest such .deb in CACHE; when
#                            there is none, says so on stderr and names the
#                            6.1 image instead
# Prints nothing (status 0) when not even a 6.1 image is known to apt:
# fetch.sh then looks in its cache.
# Usage: reference/kernel-pkg.sh CACHE [RELEASE]
set -eu
cache=$1
release=${2:-}

case $release in
'' | 6.1 | 6.1.*) release= ;;
esac
pkg=
if [ -n "$release" ]; then
	re=$(printf '%s' "$release" | sed 's/[.]/\\./g')
	re="^linux-image-$re(\\+[a-z0-9.~]+)?-amd64"
	# (sort puts the signed name before its -unsigned extension)
	pkg=$(apt-cache pkgnames "linux-image-$release" 2>/dev/null |
		grep -E "$re(-unsigned)?\$" | LC_ALL=C sort | head -n 1 || true)
	if [ -z "$pkg" ]; then
		pkg=$(find "$cache" -maxdepth 1 -name '*.deb' 2>/dev/null |
			sed 's|.*/||' | grep -E "${re}(-unsigned)?_" |
			sort -V | tail -n 1 | sed 's/_.*//' || true)
	fi
	if [ -z "$pkg" ]; then
		echo "reference: apt has no Debian kernel image of Linux $release" \
		     "(linux-image-$release*-amd64), the tree hvsim's kernel is" \
		     "built from; the VM boots Debian's 6.1 image instead" \
		     "(REF_KERNEL_PKG=PACKAGE picks another)" >&2
	fi
fi
if [ -z "$pkg" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' |
		head -n 1 || true)
fi
[ -z "$pkg" ] || echo "$pkg"
