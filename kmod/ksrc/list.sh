#!/bin/sh
# Prints the paths of files.txt (its format is described at its top), one a
# line: the required ones, or the optional ones ("?path") without the "?".
# Usage: kmod/ksrc/list.sh required|optional FILES_TXT
set -eu
case $1 in
required) sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^?/d' -e '/^$/d' "$2" ;;
optional) sed -e 's/#.*//' -e 's/[[:space:]]//g' -n -e 's/^?//p' "$2" ;;
*) echo "usage: $0 required|optional FILES_TXT" >&2; exit 2 ;;
esac
