#!/bin/sh
# Builds the reference VM's initramfs: static busybox, the Xen device
# modules with what they depend on, /init, and the conformance programs.
# Usage: reference/initramfs.sh ROOT OUT PROGRAM...
#   ROOT  what fetch.sh extracted; OUT  the .cpio.gz to write
#   REF_MODULES  modules to load (default: the three device drivers);
#                xen-privcmd is always loaded
set -eu
# Absolute: the archive is made from inside the staging directory.
root=$(cd "$1" && pwd)
out=$2
shift 2
here=$(dirname "$0")
. "$here/initramfs-lib.sh"
modules=${REF_MODULES:-xen-evtchn xen-gntdev xen-gntalloc}

stage=$out.d
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/conformance" \
	"$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp"
cp "$root/busybox" "$stage/bin/busybox"
cp "$here/init" "$stage/init"
cp "$here/run-programs.sh" "$stage/bin/run-programs.sh"
chmod 755 "$stage/init" "$stage/bin/run-programs.sh"
for p in "$@"; do
	cp "$p" "$stage/conformance/"
done

# xen-privcmd: /dev/xen/privcmd and /dev/xen/hypercall, for conf-privcmd.
# shellcheck disable=SC2086 # a list of module names
stage_modules "$root" "$stage" $modules xen-privcmd
make_archive "$stage" "$out" "$root/busybox"
rm -rf "$stage"
