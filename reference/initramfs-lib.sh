# Shell functions shared by the scripts that build the reference VMs'
# initramfs archives (initramfs.sh, initramfs-2dom.sh); sourced, POSIX sh.

# stage_modules ROOT STAGE MODULE...: copies each MODULE from
# ROOT/modules, after what it depends on (from each module's own .modinfo,
# as there is no modules.dep outside an installed kernel), into
# STAGE/lib/modules, and lists the load order in STAGE/lib/modules/order.
stage_modules() {
	_root=$1
	_stage=$2
	shift 2
	_order=
	for _m in "$@"; do
		_add_module "$_m"
	done
	mkdir -p "$_stage/lib/modules"
	: > "$_stage/lib/modules/order"
	for _m in $_order; do
		cp "$_root/modules/$_m.ko" "$_stage/lib/modules/"
		echo "$_m" >> "$_stage/lib/modules/order"
	done
}

# Appends MODULE's dependencies, then MODULE, to the load order.
_add_module() {
	case " $_order " in *" $1 "*) return 0 ;; esac
	_ko=$_root/modules/$1.ko
	# .modinfo may spell a module with '_' where its file has '-'.
	[ -f "$_ko" ] || _ko=$_root/modules/$(echo "$1" | tr _ -).ko
	if [ ! -f "$_ko" ]; then
		echo "initramfs: module $1 is not in $_root/modules" >&2
		exit 1
	fi
	_deps=$(tr '\0' '\n' < "$_ko" | sed -n 's/^depends=//p' | head -n 1 |
		tr ',' ' ')
	for _d in $_deps; do
		_add_module "$_d"
	done
	_order="$_order $(basename "$_ko" .ko)"
}

# make_archive STAGE OUT BUSYBOX: packs STAGE into the newc .cpio.gz OUT
# with BUSYBOX's cpio, sorted names and fixed times, so that the same
# inputs give the same archive.
make_archive() {
	find "$1" -exec touch -h -d @0 {} +
	(cd "$1" && find . | LC_ALL=C sort |
		"$3" cpio -o -H newc 2>/dev/null) | gzip -n -1 > "$2.tmp"
	# (busybox cpio says nothing useful on stderr; an empty archive is its
	# failure.)
	if [ "$(gzip -dc "$2.tmp" | wc -c)" -lt 4096 ]; then
		echo "initramfs: making the archive $2 failed" >&2
		rm -f "$2.tmp"
		exit 1
	fi
	mv "$2.tmp" "$2"
}
