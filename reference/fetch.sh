#!/bin/sh
# Brings the reference machine's parts from Debian: the Xen 4.17 hypervisor,
# the Linux 6.1 kernel apt offers (linux-image-amd64's dependency) and a
# static busybox.  `apt-get download` (root or not) into CACHE, kept across
# runs; then only the files the VM needs are extracted into ROOT:
#   ROOT/xen.elf           the hypervisor, gunzipped (QEMU's multiboot loader
#                          takes the ELF, not the .gz)
#   ROOT/vmlinuz           the dom0 kernel
#   ROOT/modules/          its drivers/xen modules
#   ROOT/busybox           static busybox
#   ROOT/versions          one "package version" line each
# ROOT is rebuilt only when the set of packages changes, so make sees a
# stable ROOT/versions when nothing changed.
# Usage: reference/fetch.sh CACHE ROOT
set -eu
cache=$1
root=$2
mkdir -p "$cache"

# Names apt resolves now; the kernel may be overridden with REF_KERNEL_PKG.
kernel_pkg=${REF_KERNEL_PKG:-}
if [ -z "$kernel_pkg" ]; then
	kernel_pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' |
		head -n 1)
fi
pkgs="xen-hypervisor-4.17-amd64 busybox-static $kernel_pkg"

# The newest cached .deb of PKG, if any.
cached() {
	ls "$cache"/"$1"_*.deb 2>/dev/null | sort -V | tail -n 1
}

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

missing=
for p in $pkgs; do
	[ -n "$(cached "$p")" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "reference: downloading$missing (about 75 MB, once)"
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
fi

versions=$(for p in $pkgs; do
	d=$(cached "$p")
	echo "$p $(dpkg-deb -f "$d" Version)"
done)
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
rm -rf "$tmp/x"
echo "$versions" > "$tmp/versions"
mv "$tmp" "$root"
