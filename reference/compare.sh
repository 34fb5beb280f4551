#!/bin/sh
# Compares two runs of the conformance programs, line by line.
#
# Each input line is "KEY VALUE...": the first word names the observation,
# the rest is what was seen.  Lines are matched by KEY (a key seen twice in
# one file is matched by occurrence: KEY, KEY#2, ...), so programs may add
# observations without shifting the others.  Every KEY whose values differ,
# or that one side lacks, is printed side by side; each such difference is
# looked up in the known-differences file, and any that no entry explains
# makes the exit status 1.
#
# Known-differences file: one entry a line, four fields split by '|':
#     [RUN-GLOB,...] KEY-GLOB | LEFT-VALUE-GLOB | RIGHT-VALUE-GLOB | reason
# Globs take * and ?; "(missing)" stands for a side that has no such line.
# The optional [RUN-GLOB,...] limits the entry to the runs whose right
# name (-r) matches one of the globs; an entry without it applies to
# every run.  '#' starts a comment line.  An entry with no reason is an
# error: a difference is only "known" when someone wrote down why.
#
# With -u USED, the line number in KNOWN of every entry that explained a
# difference is appended to USED, one a line, so that several runs can
# tell together which entries explain nothing any more
# (reference/known-unused.sh).
#
# Usage: reference/compare.sh [-k KNOWN] [-u USED] [-l NAME] [-r NAME] LEFT RIGHT
# Exit: 0 no unexplained difference, 1 some, 2 bad usage or input.
set -eu
known=
used=
lname=
rname=
usage="usage: $0 [-k KNOWN] [-u USED] [-l NAME] [-r NAME] LEFT RIGHT"
while getopts k:u:l:r: opt; do
	case $opt in
	k) known=$OPTARG ;;
	u) used=$OPTARG ;;
	l) lname=$OPTARG ;;
	r) rname=$OPTARG ;;
	*) echo "$usage" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 2 ]; then
	echo "$usage" >&2
	exit 2
fi
left=$1
right=$2
for f in "$left" "$right" ${known:+"$known"}; do
	if [ ! -r "$f" ]; then
		echo "compare: cannot read $f" >&2
		exit 2
	fi
done
[ -n "$lname" ] || lname=$(basename "$left")
[ -n "$rname" ] || rname=$(basename "$right")

LC_ALL=C awk -v lname="$lname" -v rname="$rname" -v knownfile="$known" \
	-v usedfile="$used" '
function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}
# A glob as an anchored regular expression: * and ? are the only magic.
function glob_re(g,    re, i, c) {
	re = "^"
	for (i = 1; i <= length(g); i++) {
		c = substr(g, i, 1)
		if (c == "*")
			re = re ".*"
		else if (c == "?")
			re = re "."
		else if (index("\\^$.[]|()+{}", c))
			re = re "\\" c
		else
			re = re c
	}
	return re "$"
}
function load(file, side,    line, key, val, n) {
	while ((getline line < file) > 0) {
		sub(/\r$/, "", line)
		if (line ~ /^[ \t]*$/)
			continue
		key = line
		sub(/[ \t].*/, "", key)
		val = substr(line, length(key) + 1)
		val = trim(val)
		n = ++seen[side, key]
		if (n > 1)
			key = key "#" n
		if (!((key) in order_index)) {
			order_index[key] = ++nkeys
			order[nkeys] = key
		}
		value[side, key] = val
		has[side, key] = 1
	}
	close(file)
}
# Whether RUN matches one of the comma-separated globs in RUNS.
function applies(runs, run,    n, g, i) {
	n = split(runs, g, ",")
	for (i = 1; i <= n; i++)
		if (run ~ glob_re(trim(g[i])))
			return 1
	return 0
}
function explain(key, lv, rv,    i) {
	for (i = 1; i <= nknown; i++)
		if (key ~ kkey[i] && lv ~ kleft[i] && rv ~ kright[i]) {
			kused[i]++
			return i
		}
	return 0
}
BEGIN {
	nknown = 0
	if (knownfile != "") {
		ln = 0
		while ((getline line < knownfile) > 0) {
			ln++
			if (line ~ /^[ \t]*(#|$)/)
				continue
			runs = ""
			if (line ~ /^[ \t]*\[/) {
				close_at = index(line, "]")
				if (!close_at) {
					printf("compare: %s:%d: no ] after [RUN-GLOB\n",
					       knownfile, ln) > "/dev/stderr"
					bad = 1
					continue
				}
				runs = substr(line, 1, close_at - 1)
				sub(/^[ \t]*\[/, "", runs)
				line = substr(line, close_at + 1)
			}
			nf = split(line, f, "|")
			if (nf < 4 || trim(f[4]) == "" || trim(f[1]) == "") {
				printf("compare: %s:%d: want KEY | LEFT | RIGHT | reason\n",
				       knownfile, ln) > "/dev/stderr"
				bad = 1
				continue
			}
			if (runs != "" && !applies(runs, rname))
				continue
			reason = f[4]
			for (j = 5; j <= nf; j++)
				reason = reason "|" f[j]
			nknown++
			kkey[nknown] = glob_re(trim(f[1]))
			kleft[nknown] = glob_re(trim(f[2]))
			kright[nknown] = glob_re(trim(f[3]))
			kreason[nknown] = trim(reason)
			kline[nknown] = ln
			ktext[nknown] = trim(f[1])
		}
		close(knownfile)
		if (bad)
			exit 2
	}
	load(ARGV[1], "L")
	load(ARGV[2], "R")
	ndiff = nsame = nexpl = nunexpl = 0
	wk = length("observation"); wl = length(lname); wr = length(rname)
	for (i = 1; i <= nkeys; i++) {
		key = order[i]
		lv = has["L", key] ? value["L", key] : "(missing)"
		rv = has["R", key] ? value["R", key] : "(missing)"
		if (has["L", key] && has["R", key] && lv == rv) {
			nsame++
			continue
		}
		ndiff++
		k = explain(key, lv, rv)
		dkey[ndiff] = key; dl[ndiff] = lv; dr[ndiff] = rv
		if (k) {
			nexpl++
			dverdict[ndiff] = "known: " kreason[k]
		} else {
			nunexpl++
			dverdict[ndiff] = "UNEXPLAINED"
		}
		if (length(key) > wk) wk = length(key)
		if (length(lv) > wl) wl = length(lv)
		if (length(rv) > wr) wr = length(rv)
	}
	if (ndiff) {
		fmt = "%-" wk "s  %-" wl "s  %-" wr "s  %s\n"
		printf(fmt, "observation", lname, rname, "verdict")
		printf(fmt, dashes(wk), dashes(wl), dashes(wr), dashes(7))
		for (i = 1; i <= ndiff; i++)
			printf(fmt, dkey[i], dl[i], dr[i], dverdict[i])
	}
	for (i = 1; i <= nknown; i++)
		if (!kused[i])
			printf("compare: note: known difference \"%s\" did not occur\n",
			       ktext[i])
		else if (usedfile != "")
			print kline[i] >> usedfile
	printf("compare: %d observations, %d same, %d differ (%d known, %d unexplained)\n",
	       nkeys, nsame, ndiff, nexpl, nunexpl)
	exit nunexpl ? 1 : 0
}
function dashes(n,    s) {
	s = ""
	while (n-- > 0)
		s = s "-"
	return s
}
' "$left" "$right"
