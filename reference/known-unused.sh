#!/bin/sh
# Prints the entries of the known-differences file that explained no
# difference in any of the runs whose USED files are given (each written by
# reference/compare.sh -u: the line numbers of the entries that explained
# something in one comparison).  An entry a single run does not need is
# normal (it may be about another run); one that no run needs explains
# nothing any more and should go, or the runs that need it were not made.
# Usage: reference/known-unused.sh KNOWN USED...
# Exit: 0 (it only reports), 2 bad usage.
set -eu
if [ $# -lt 2 ]; then
	echo "usage: $0 KNOWN USED..." >&2
	exit 2
fi
known=$1
shift
# A USED file missing stands for no entries (its comparison explained
# nothing, and compare.sh wrote nothing).
used=$(for f in "$@"; do [ ! -r "$f" ] || cat "$f"; done | sort -un |
	tr '\n' ' ')
LC_ALL=C awk -v used="$used" '
BEGIN {
	n = split(used, u, " ")
	for (i = 1; i <= n; i++)
		is_used[u[i]] = 1
	n = 0
}
/^[ \t]*(#|$)/ { next }
!(FNR in is_used) {
	line = $0
	sub(/[ \t]*\|.*/, "", line)
	n++
	printf("  line %d: %s\n", FNR, line)
}
END {
	if (n)
		printf("  %d known difference(s) explained nothing in these runs\n", n)
	else
		print "  every known difference explained something in these runs"
}
' "$known"
