#!/bin/sh
# docs/tutorial.md says every output in it is what the commands print.
# This test holds it to that: it runs the command of each quoted output
# block and compares the block with what the command prints now.
#
# The convention, in docs/tutorial.md: an HTML comment (invisible where
# the page is rendered) names the command of the fenced block after it,
#
#     <!-- tutorial-test: hvsim scenario --explain scenarios/default.scn -->
#     ```
#        7  domain alice  ->  domid 1
#     ...
#     ```
#
# optionally after VAR=value words for its environment
# (<!-- tutorial-test: HVSIM_KERNEL_PARAMS=xen.fifo_events=0 hvsim ... -->).
# Every fenced block needs one: a block without is an error, so no output
# can be added unchecked.  A block is an excerpt: a line of only "..."
# (indented or not) stands for lines left out, and each stretch between
# them must be lines the command prints one after the other, the stretches
# in the order printed.
#
# Each command runs from the top of the source tree with this build's
# hvsim, in a private hvsimd directory (HVSIM_DIR, TMPDIR: a fresh
# directory the test removes), with HVSIM_KERNEL_PARAMS unset unless the
# marker sets it (make test-2level sets it for every test).
#
# Before comparing, both sides are normalised, and only for what differs
# from run to run on its own:
#   - UUIDs (a domain's handle, /vm/<uuid>): random for every domain made;
#   - the value of start_time (a domain's creation time, the wall clock);
#   - "pid N" (a started program's process id);
#   - the test's temporary directory and the runner's /tmp/hvsim-* ones.
# Everything else (refs, frames, gfns, ports, handles, the order of the
# lines) is deterministic, and a difference is a drift.
#
# On a difference the test prints a unified diff (the block as written,
# and as the command prints it now, the closest stretch of its output)
# and fails.  A block that differs is run again, twice at most, before it
# counts: the narration tells a hypercall's effects from other records by
# the time between them (2 ms, userlib/trace_read.c), which a loaded
# machine can stretch; a drift differs every time.
#
#   tests/docs/tutorial-test.sh BUILDDIR            check
#   tests/docs/tutorial-test.sh BUILDDIR --update   rewrite the blocks that drifted
#
# --update replaces each stretch that differs with the command's lines,
# when they line up: the stretch's first and last lines are still there
# (numbers aside) as many lines apart, and what is between changed in
# place.  Other differences (lines added or gone) are left for a person
# to edit, and the test fails.  TUTORIAL=FILE tests another file.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/reference/test-lib.sh"
O=${1:?usage: tutorial-test.sh BUILDDIR [--update]}
build=$O
case $O in /*) ;; *) O=$top/$O ;; esac
update=0
[ "${2:-}" = --update ] && update=1
doc=${TUTORIAL:-$top/docs/tutorial.md}
hvsim=$O/bin/hvsim
[ -x "$hvsim" ] || { echo "tutorial-test: no $hvsim: build first (make O=$O)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-tutorial-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---- the blocks -------------------------------------------------------------

# N.cmd (the marker's command), N.txt (the block), N.at (its first line's
# number in the file); "error: ..." lines for blocks without a marker
awk -v dir="$tmp" '
	function fail(msg) { print "error: " name ":" NR ": " msg }
	/^<!-- tutorial-test: .* -->[ \t]*$/ && !in_block {
		if (pending != "")
			fail("marker of line " pending_at " has no block after it")
		pending = $0
		sub(/^<!-- tutorial-test: */, "", pending)
		sub(/ *-->[ \t]*$/, "", pending)
		pending_at = NR
		next
	}
	/^```/ {
		if (in_block) { in_block = 0; close(out); next }
		n++
		in_block = 1
		out = dir "/" n ".txt"
		printf "" > out
		if (pending == "")
			fail("an output block without a <!-- tutorial-test: COMMAND --> marker")
		print pending > (dir "/" n ".cmd")
		close(dir "/" n ".cmd")
		print NR + 1 > (dir "/" n ".at")
		close(dir "/" n ".at")
		pending = ""
		next
	}
	in_block { print > out; next }
	pending != "" && $0 !~ /^[ \t]*$/ {
		fail("marker of line " pending_at " is not followed by a block")
		pending = ""
	}
	END { print n + 0 > (dir "/count") }
' name="${doc#"$top"/}" "$doc" > "$tmp/errors"
nblocks=$(cat "$tmp/count")
expect "every output block of ${doc#"$top"/} names its command" "$(cat "$tmp/errors")" ""
expect "${doc#"$top"/} has output blocks" "$([ "$nblocks" -gt 0 ] && echo yes)" "yes"

# ---- running a command ------------------------------------------------------

# What varies from run to run on its own (see the top of this file).
normalise() {
	sed -E -e "s#$tmp#<tmp>#g" \
		-e 's#/tmp/hvsim-[A-Za-z0-9._-]+#<tmp>#g' \
		-e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
		-e 's/(start_time = ")[0-9]+\.[0-9]+"/\1<time>"/g' \
		-e 's/pid [0-9]+/pid <pid>/g'
}

# run N TRY: the command of block N into $tmp/N.out (and N.norm); its
# status.  A first try reuses the output of an earlier block's same command.
run() {
	if [ "$2" = 1 ]; then
		m=0
		while [ "$m" -lt "$1" ]; do
			m=$((m + 1))
			if [ "$m" -lt "$1" ] && cmp -s "$tmp/$m.cmd" "$tmp/$1.cmd" &&
			   [ -f "$tmp/$m.rc" ]; then
				cp "$tmp/$m.out" "$tmp/$1.out"
				cp "$tmp/$m.norm" "$tmp/$1.norm"
				cp "$tmp/$m.rc" "$tmp/$1.rc"
				return "$(cat "$tmp/$1.rc")"
			fi
		done
	fi
	(
		unset HVSIM_KERNEL_PARAMS
		export HVSIM_DIR="$tmp/hvsim-$1-$2" TMPDIR="$tmp"
		mkdir -p "$HVSIM_DIR"
		set -f
		# shellcheck disable=SC2046 # the marker's words, split as a shell would
		set -- $(cat "$tmp/$1.cmd")
		while [ $# -gt 0 ]; do
			case $1 in
			*=*) export "${1%%=*}=${1#*=}"; shift ;;
			*) break ;;
			esac
		done
		[ "${1:-}" = hvsim ] || { echo "not an hvsim command: $*"; exit 127; }
		shift
		cd "$top" && "$hvsim" "$@"
	) > "$tmp/$1.out" 2>&1
	rc=$?
	echo "$rc" > "$tmp/$1.rc"
	normalise < "$tmp/$1.out" > "$tmp/$1.norm"
	return $rc
}

# ---- comparing --------------------------------------------------------------

# compare N: writes N.new, the block as the command prints it now (each
# stretch that matches kept as written; one that does not replaced by the
# stretch of output closest to it), and N.verdict: "same", "aligned" (each
# stretch that differs begins and ends as written, numbers aside: its
# lines changed in place) or "differs"
compare() {
	normalise < "$tmp/$1.txt" > "$tmp/$1.want"
	awk -v want="$tmp/$1.want" -v raw_want="$tmp/$1.txt" -v norm="$tmp/$1.norm" \
	    -v raw="$tmp/$1.out" -v new="$tmp/$1.new" -v verdict="$tmp/$1.verdict" '
		function shape(s) { gsub(/0x[0-9a-fA-F]+|[0-9]+/, "#", s); return s }
		function elision(s) { return s ~ /^[ \t]*\.\.\.[ \t]*$/ }
		# the stretch w[a..b] at output line i: lines equal, lines of equal shape
		function score(a, b, i,    j, e) {
			e = 0
			for (j = a; j <= b; j++)
				if (o[i + j - a] == w[j]) e += 2
				else if (shape(o[i + j - a]) == shape(w[j])) e += 1
			return e
		}
		function stretch(a, b,    i, len, best, bi, s, j) {
			if (a > b) return
			len = b - a + 1
			for (i = pos; i + len - 1 <= no; i++)
				if (score(a, b, i) == 2 * len) {
					for (j = a; j <= b; j++) print rw[j] > new
					pos = i + len
					return
				}
			# not there: the closest stretch from here on, for the diff
			best = -1; bi = 0
			for (i = pos; i + len - 1 <= no; i++)
				if ((s = score(a, b, i)) > best) { best = s; bi = i }
			if (best < 0) {
				for (j = a; j <= b; j++) print "(not in the output) " rw[j] > new
				result = "differs"
				return
			}
			for (j = a; j <= b; j++)
				print (o[bi + j - a] == w[j] ? rw[j] : ro[bi + j - a]) > new
			# it lines up when its first and last lines are there (numbers
			# aside): what lies between changed in place
			if (shape(o[bi]) != shape(w[a]) || shape(o[bi + len - 1]) != shape(w[b]))
				result = "differs"
			if (result == "same") result = "aligned"
			pos = bi + len
		}
		BEGIN {
			while ((getline l < norm) > 0) o[++no] = l
			while ((getline l < raw) > 0) ro[++nro] = l
			while ((getline l < want) > 0) w[++nw] = l
			while ((getline l < raw_want) > 0) rw[++nrw] = l
			pos = 1; result = "same"; first = 1
			for (k = 1; k <= nw; k++)
				if (elision(w[k])) {
					stretch(first, k - 1)
					print rw[k] > new
					first = k + 1
				}
			stretch(first, nw)
			print result > verdict
		}'
}

# ---- each block -------------------------------------------------------------

n=0
updated=0
while [ "$n" -lt "$nblocks" ]; do
	n=$((n + 1))
	what="${doc#"$top"/}:$(cat "$tmp/$n.at"): $(cat "$tmp/$n.cmd")"
	[ -s "$tmp/$n.cmd" ] && [ "$(cat "$tmp/$n.cmd")" != "" ] || continue	# reported above
	try=0
	while :; do
		try=$((try + 1))
		if ! run "$n" "$try"; then
			verdict=failed
		else
			compare "$n"
			verdict=$(cat "$tmp/$n.verdict")
		fi
		[ "$verdict" = same ] || [ "$try" -ge 3 ] && break
		[ "$try" = 1 ] && [ "$verdict" != failed ] &&
			diff -u --label "as written" --label "as printed on try 1" "$tmp/$n.txt" \
				"$tmp/$n.new" > "$tmp/$n.try1"
	done
	case $verdict in
	same)
		if [ "$try" -gt 1 ]; then
			echo "  $what: the same on try $try, not on the first (see the top of this file):"
			sed 's/^/    /' "$tmp/$n.try1" 2>/dev/null
		fi
		expect "$what" same same ;;
	failed)
		echo "  $what: the command failed (exit $(cat "$tmp/$n.rc")):"
		tail -20 "$tmp/$n.out" | sed 's/^/    | /'
		fail=$((fail + 1)) ;;
	*)
		if [ "$update" = 1 ] && [ "$verdict" = aligned ]; then
			echo "updated $what"
			diff -u --label "as written" --label "as printed now" "$tmp/$n.txt" "$tmp/$n.new"
			cp "$tmp/$n.new" "$tmp/$n.txt"
			updated=$((updated + 1))
			pass=$((pass + 1))
		else
			echo "  $what: the block is not what the command prints"
			diff -u --label "as written" --label "as printed now" "$tmp/$n.txt" "$tmp/$n.new" |
				sed 's/^/    /'
			[ "$verdict" = aligned ] &&
				echo "    (its lines changed in place: make O=$build tutorial-update rewrites it)"
			fail=$((fail + 1))
		fi ;;
	esac
done

# ---- --update: the blocks back into the file --------------------------------

if [ "$updated" -gt 0 ]; then
	awk -v dir="$tmp" '
		/^```/ {
			print
			if (in_block) { in_block = 0; next }
			n++; in_block = 1
			f = dir "/" n ".txt"
			while ((getline l < f) > 0) print l
			close(f)
			next
		}
		!in_block' "$doc" > "$tmp/doc.new" && cat "$tmp/doc.new" > "$doc"
	echo "tutorial-test: rewrote $updated block(s) of ${doc#"$top"/}"
fi
test_summary tutorial-test
