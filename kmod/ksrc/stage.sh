#!/bin/sh
# Copies the files of files.txt from a Linux tree into the build's staging
# directory, and nothing else: kernel code built here sees only these
# headers of the tree, next to the shim's own (kmod/shim/include).
# Usage: kmod/ksrc/stage.sh KSRC DEST
set -eu
ksrc=$1 dest=$2
list=$(dirname "$0")/files.txt
[ -f "$ksrc/drivers/xen/gntdev.c" ] || {
	echo "stage: $ksrc does not look like a Linux tree (no drivers/xen/gntdev.c)" >&2
	exit 1
}
rm -rf "$dest"
missing=
for f in $(grep -v '^#' "$list" | grep .); do
	if [ -f "$ksrc/$f" ]; then
		mkdir -p "$dest/$(dirname "$f")"
		cp "$ksrc/$f" "$dest/$f"
	else
		missing="$missing $f"
	fi
done
# gntdev-dmabuf.h is only read with dma-buf configured in.
[ -z "$missing" ] || echo "stage: not in $ksrc:$missing" >&2
mkdir -p "$dest"
touch "$dest/.stamp"
