#!/bin/sh
# Builds the reference VM's initramfs: static busybox, the Xen device
# modules with what they depend on (from each module's own .modinfo, as
# there is no modules.dep outside an installed kernel), /init, and the
# conformance programs.
# Usage: reference/initramfs.sh ROOT OUT PROGRAM...
#   ROOT  what fetch.sh extracted; OUT  the .cpio.gz to write
#   REF_MODULES  modules to load (default: the three device drivers)
set -eu
# Absolute: the archive is made from inside the staging directory.
root=$(cd "$1" && pwd)
out=$2
shift 2
here=$(dirname "$0")
modules=${REF_MODULES:-xen-evtchn xen-gntdev xen-gntalloc}

stage=$out.d
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib/modules" "$stage/conformance" \
	"$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp"
cp "$root/busybox" "$stage/bin/busybox"
cp "$here/init" "$stage/init"
cp "$here/run-programs.sh" "$stage/bin/run-programs.sh"
chmod 755 "$stage/init" "$stage/bin/run-programs.sh"
for p in "$@"; do
	cp "$p" "$stage/conformance/"
done

# Appends MODULE's dependencies, then MODULE, to the load order.
order=
add_module() {
	case " $order " in *" $1 "*) return 0 ;; esac
	ko=$root/modules/$1.ko
	# .modinfo may spell a module with '_' where its file has '-'.
	[ -f "$ko" ] || ko=$root/modules/$(echo "$1" | tr _ -).ko
	if [ ! -f "$ko" ]; then
		echo "initramfs: module $1 is not in $root/modules" >&2
		exit 1
	fi
	deps=$(tr '\0' '\n' < "$ko" | sed -n 's/^depends=//p' | head -n 1 |
		tr ',' ' ')
	for d in $deps; do
		add_module "$d"
	done
	order="$order $(basename "$ko" .ko)"
}
for m in $modules; do
	add_module "$m"
done
: > "$stage/lib/modules/order"
for m in $order; do
	cp "$root/modules/$m.ko" "$stage/lib/modules/"
	echo "$m" >> "$stage/lib/modules/order"
done

# Sorted names and fixed times: the same inputs give the same archive.
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . | LC_ALL=C sort |
	"$root/busybox" cpio -o -H newc 2>/dev/null) | gzip -n -1 > "$out.tmp"
# (busybox cpio says nothing useful on stderr; an empty archive is its failure.)
if [ "$(gzip -dc "$out.tmp" | wc -c)" -lt 4096 ]; then
	echo "initramfs: making the archive failed" >&2
	rm -f "$out.tmp"
	exit 1
fi
mv "$out.tmp" "$out"
rm -rf "$stage"
