#!/bin/sh
# Builds the two-domain reference VM's initramfs (docs/reference-domu.md):
# a dom0 with Debian's toolstack (xl, xenstored, xenconsoled,
# xen-init-dom0, xenstore-utils, with the libraries they load) that starts
# a PV domU from a second archive carried inside the first.
#
#   dom0 archive                          domU archive (/domu/initrd.cpio.gz)
#   /init          init-2dom              /init          domu-init
#   /bin/          busybox, run-programs  /bin/          busybox, xsbridge,
#                  xsbridge, domu-agent                  xenstore-write
#   /usr/lib/xen-4.17/bin/  the toolstack /lib, /lib64   what those two load
#   /lib, /lib64   what they load         /lib/modules/  evtchn, gntdev,
#   /lib/modules/  + privcmd, xenfs                      gntalloc, privcmd
#   /conformance/  the programs           /conformance/  the same programs
#   /domu/         vmlinuz, domu.cfg, the domU archive
#
# Usage: reference/initramfs-2dom.sh ROOT TOOLSTACK OUT XSBRIDGE PROGRAM...
#   ROOT       what fetch.sh extracted (kernel, modules, busybox)
#   TOOLSTACK  what `fetch.sh --toolstack` extracted
#   OUT        the dom0 .cpio.gz to write
#   XSBRIDGE   xsbridge, built for the VM
#   REF_MODULES  the device modules (default: evtchn, gntdev, gntalloc)
set -eu
root=$(cd "$1" && pwd)
tools=$(cd "$2" && pwd)
out=$3
xsbridge=$4
shift 4
here=$(dirname "$0")
. "$here/initramfs-lib.sh"
modules=${REF_MODULES:-xen-evtchn xen-gntdev xen-gntalloc}
libdir=lib/x86_64-linux-gnu

if ! command -v readelf >/dev/null 2>&1; then
	echo "initramfs: readelf (binutils) is needed to find libraries" >&2
	exit 1
fi

# The libraries FILE names (DT_NEEDED).
needed() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
}

# stage_dynamic STAGE FILE...: copies into STAGE/lib every library the
# FILEs (already in STAGE) load, transitively, from the toolstack's
# unpacked packages, and the dynamic loader into STAGE/lib64.
stage_dynamic() {
	_stage=$1
	shift
	mkdir -p "$_stage/$libdir" "$_stage/lib64"
	_todo="$*"
	while [ -n "$_todo" ]; do
		# shellcheck disable=SC2086
		set -- $_todo
		_f=$1
		shift
		_todo="$*"
		for _l in $(needed "$_f"); do
			[ -e "$_stage/$libdir/$_l" ] && continue
			_src=
			for _d in "$tools/usr/$libdir" "$tools/$libdir"; do
				[ -e "$_d/$_l" ] && _src=$_d/$_l && break
			done
			if [ -z "$_src" ]; then
				echo "initramfs: $_l (needed by ${_f##*/}) is in no" \
				     "package of $tools/versions" >&2
				exit 1
			fi
			cp -L "$_src" "$_stage/$libdir/$_l"
			_todo="$_todo $_stage/$libdir/$_l"
		done
	done
	cp -L "$tools/lib64/ld-linux-x86-64.so.2" "$_stage/lib64/"
	# glibc loads libgcc_s itself, for pthread_cancel (libxenstore's
	# xs_close cancels its reader thread): no DT_NEEDED names it.
	cp -L "$tools/$libdir/libgcc_s.so.1" "$_stage/$libdir/"
}

# stage_xenstore_tools STAGE NAME...: Debian's multi-call xenstore binary
# as /bin/xenstore, with a link for each xenstore-NAME.
stage_xenstore_tools() {
	cp "$tools/usr/bin/xenstore" "$1/bin/xenstore"
	_s=$1
	shift
	for _n in "$@"; do
		ln -s xenstore "$_s/bin/xenstore-$_n"
	done
}

stage=$out.d
domu=$stage.domu
rm -rf "$stage" "$domu"

# --- the domU's archive
mkdir -p "$domu/bin" "$domu/conformance" "$domu/dev" "$domu/proc" \
	"$domu/sys" "$domu/tmp"
cp "$root/busybox" "$xsbridge" "$domu/bin/"
cp "$here/domu-init" "$domu/init"
chmod 755 "$domu/init"
for p in "$@"; do
	cp "$p" "$domu/conformance/"
done
stage_xenstore_tools "$domu" write
stage_dynamic "$domu" "$domu/bin/xenstore" "$domu/bin/xsbridge"
# xen-privcmd: conf-privcmd's cases run in the domU too.
# shellcheck disable=SC2086 # a list of module names
stage_modules "$root" "$domu" $modules xen-privcmd

# --- dom0's
mkdir -p "$stage/bin" "$stage/conformance" "$stage/domu" "$stage/dev" \
	"$stage/proc" "$stage/sys" "$stage/tmp" "$stage/run" \
	"$stage/usr/lib/xen-4.17/bin"
cp "$root/busybox" "$xsbridge" "$stage/bin/"
cp "$here/init-2dom" "$stage/init"
cp "$here/run-programs.sh" "$stage/bin/run-programs.sh"
cp "$here/domu-agent.sh" "$stage/bin/domu-agent"
chmod 755 "$stage/init" "$stage/bin/run-programs.sh" "$stage/bin/domu-agent"
for p in "$@"; do
	cp "$p" "$stage/conformance/"
done
for b in xl xenstored xenconsoled xen-init-dom0; do
	cp "$tools/usr/lib/xen-4.17/bin/$b" "$stage/usr/lib/xen-4.17/bin/"
done
stage_xenstore_tools "$stage" read write exists ls rm
stage_dynamic "$stage" "$stage"/usr/lib/xen-4.17/bin/* "$stage/bin/xenstore" \
	"$stage/bin/xsbridge"
# xenfs (at /proc/xen) is how xenstored and xl reach the hypervisor;
# it needs xen-privcmd.
# shellcheck disable=SC2086 # a list of module names
stage_modules "$root" "$stage" $modules xen-privcmd xenfs
cp "$root/vmlinuz" "$stage/domu/vmlinuz"
cp "$here/domu.cfg" "$stage/domu/domu.cfg"
make_archive "$domu" "$stage/domu/initrd.cpio.gz" "$root/busybox"
make_archive "$stage" "$out" "$root/busybox"
rm -rf "$stage" "$domu"
