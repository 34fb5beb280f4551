#!/bin/sh
# Brings the reference machine's parts from Debian: the Xen 4.17 hypervisor,
# a Linux kernel image (below) and a static busybox.  `apt-get download`
# (root or not) into CACHE, kept across runs; then only the files the VM
# needs are extracted into ROOT:
#   ROOT/xen.elf           the hypervisor, gunzipped (QEMU's multiboot loader
#                          takes the ELF, not the .gz)
#   ROOT/vmlinuz           the dom0 kernel
#   ROOT/modules/          its drivers/xen modules, uncompressed (6.12's
#                          package ships them as .ko.xz)
#   ROOT/busybox           static busybox
#   ROOT/versions          one "package version" line each
# ROOT is rebuilt only when the set of packages changes, so make sees a
# stable ROOT/versions when nothing changed.
#
# With --toolstack, the same for the dom0 toolstack of the two-domain VM
# (docs/reference-domu.md): Debian's xl, xenstored, xenconsoled,
# xen-init-dom0 and xenstore-utils with every library they load, glibc
# included, unpacked as the packages lay them out:
#   DIR/usr/lib/xen-4.17/bin/, DIR/usr/bin/xenstore, DIR/lib/..., DIR/usr/lib/...
#   DIR/versions           one "package version" line each
# Kept apart from ROOT so that the one-domain VM does not change with it.
# The kernel image: REF_KERNEL_PKG when set; otherwise Debian's image of
# the Linux release hvsim's guest kernel is built from, REF_KERNEL_RELEASE
# (the tree's version, e.g. 6.12.118: linux-image-6.12.118+deb12-amd64;
# 6.1 or none: the one linux-image-amd64 depends on), as
# reference/kernel-pkg.sh names it.
# Usage: reference/fetch.sh CACHE ROOT
#        reference/fetch.sh --toolstack CACHE DIR
set -eu
toolstack=
if [ "${1:-}" = --toolstack ]; then
	toolstack=1
	shift
fi
cache=$1
root=$2
mkdir -p "$cache"

# The newest cached .deb of PKG, if any.
cached() {
	ls "$cache"/"$1"_*.deb 2>/dev/null | sort -V | tail -n 1
}

# Downloads those of PKGS the cache lacks; SIZE says how much, for people.
download() {
	size=$1
	shift
	missing=
	for p in "$@"; do
		[ -n "$(cached "$p")" ] || missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	echo "reference: downloading$missing (about $size, once)"
	# shellcheck disable=SC2086 # $missing is a list of package names
	if ! (cd "$cache" && apt-get download -q $missing >/dev/null 2>&1); then
		if [ "$(id -u)" = 0 ]; then
			apt-get update -q >/dev/null 2>&1 || true
			# shellcheck disable=SC2086
			(cd "$cache" && apt-get download -q $missing >/dev/null) || {
				echo "reference: apt-get download$missing failed" >&2
				exit 1
			}
		else
			echo "reference: apt-get download$missing failed;" \
			     "run 'sudo apt-get update' and retry" >&2
			exit 1
		fi
	fi
}

# "package version" of each of PKGS, as cached.
versions_of() {
	for p in "$@"; do
		echo "$p $(dpkg-deb -f "$(cached "$p")" Version)"
	done
}

if [ -n "$toolstack" ]; then
	# What `ldd` lists for xl, xenstored, xenconsoled, xen-init-dom0 and
	# xenstore, by package; initramfs-2dom.sh takes the libraries each
	# binary needs from here and fails if one is missing.
	pkgs="xen-utils-4.17 xenstore-utils libxenmisc4.17 libxenstore4
		libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1
		libxengnttab1 libxenhypfs1 libxentoolcore1 libxentoollog1
		libyajl2 libuuid1 libc6 libgcc-s1 zlib1g liblzma5 libzstd1"
	# shellcheck disable=SC2086
	download "6 MB" $pkgs
	# shellcheck disable=SC2086
	versions=$(versions_of $pkgs)
	if [ -f "$root/versions" ] && [ "$(cat "$root/versions")" = "$versions" ]; then
		exit 0
	fi
	echo "reference: extracting the dom0 toolstack into $root"
	rm -rf "$root" "$root.tmp"
	for p in $pkgs; do
		dpkg-deb -x "$(cached "$p")" "$root.tmp"
	done
	# Documentation, locales and python bindings are no use to the VM.
	rm -rf "$root.tmp/usr/share" "$root.tmp/usr/lib/x86_64-linux-gnu/gconv" \
		"$root.tmp/usr/lib/xen-4.17/lib/python"
	echo "$versions" > "$root.tmp/versions"
	mv "$root.tmp" "$root"
	exit 0
fi

# Names apt resolves now; the kernel may be overridden with REF_KERNEL_PKG.
kernel_pkg=${REF_KERNEL_PKG:-}
if [ -z "$kernel_pkg" ]; then
	kernel_pkg=$("$(dirname "$0")/kernel-pkg.sh" "$cache" "${REF_KERNEL_RELEASE:-}")
fi
pkgs="xen-hypervisor-4.17-amd64 busybox-static $kernel_pkg"

if [ -z "$kernel_pkg" ]; then
	# No apt lists (or no 6.1 kernel in them): use what the cache has.
	kernel_deb=$(ls "$cache"/linux-image-6.1.0-*-amd64_*.deb 2>/dev/null |
		sort -V | tail -n 1)
	if [ -z "$kernel_deb" ]; then
		echo "reference: apt knows no linux-image-6.1.0-*-amd64;" \
		     "run 'apt-get update' (as root) first" >&2
		exit 1
	fi
	kernel_pkg=$(basename "$kernel_deb" | sed 's/_.*//')
	pkgs="xen-hypervisor-4.17-amd64 busybox-static $kernel_pkg"
fi

# shellcheck disable=SC2086
download "75 MB with 6.1's kernel, 110 MB with 6.12's" $pkgs
# shellcheck disable=SC2086
versions=$(versions_of $pkgs)
if [ -f "$root/versions" ] && [ "$(cat "$root/versions")" = "$versions" ]; then
	exit 0
fi

echo "reference: extracting into $root"
rm -rf "$root"
tmp=$root.tmp
rm -rf "$tmp"
mkdir -p "$tmp/x" "$tmp/modules"
dpkg-deb --fsys-tarfile "$(cached xen-hypervisor-4.17-amd64)" |
	tar -x -C "$tmp/x" --wildcards './boot/xen-*.gz'
dpkg-deb --fsys-tarfile "$(cached busybox-static)" |
	tar -x -C "$tmp/x" ./bin/busybox
# The whole kernel package unpacks to 400 MB; the VM needs 12 MB of it.
dpkg-deb --fsys-tarfile "$(cached "$kernel_pkg")" |
	tar -x -C "$tmp/x" --wildcards './boot/vmlinuz-*' \
		'./lib/modules/*/kernel/drivers/xen/*'
gunzip -c "$tmp"/x/boot/xen-*.gz > "$tmp/xen.elf"
cp "$tmp"/x/boot/vmlinuz-* "$tmp/vmlinuz"
cp "$tmp/x/bin/busybox" "$tmp/busybox"
find "$tmp"/x/lib/modules -name '*.ko' -exec cp {} "$tmp/modules/" \;
# Compressed ones (6.12's are .ko.xz) unpacked with busybox's xzcat (xz-utils
# need not be installed): busybox's insmod takes a plain .ko, and
# initramfs-lib.sh reads its .modinfo.
find "$tmp"/x/lib/modules -name '*.ko.xz' -exec sh -c \
	'"$1" xzcat "$2" > "$3/$(basename "$2" .xz)"' sh \
	"$tmp/x/bin/busybox" {} "$tmp/modules" \;
rm -rf "$tmp/x"
echo "$versions" > "$tmp/versions"
mv "$tmp" "$root"
