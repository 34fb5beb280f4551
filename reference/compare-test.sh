#!/bin/sh
# Tests of reference/compare.sh on small made-up runs: exit status, which
# lines it prints, and how known differences are matched.
# Usage: reference/compare-test.sh [TMPDIR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
cmp=$here/compare.sh
dir=${1:-${TMPDIR:-/tmp}/compare-test.$$}
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
. "$here/test-lib.sh"

# check NAME WANT_STATUS GREP_PATTERN... -- ARGS: runs compare.sh ARGS and
# wants its exit status and every pattern in its output (a pattern starting
# with ! must not match).
check() {
	name=$1 want=$2
	shift 2
	pats=
	while [ "$1" != "--" ]; do
		pats="$pats
$1"
		shift
	done
	shift
	out=$(sh "$cmp" "$@" 2>&1)
	got=$?
	ok=1
	[ "$got" = "$want" ] || { ok=0; echo "  $name: exit $got, wanted $want"; }
	old_ifs=$IFS
	IFS='
'
	for p in $pats; do
		case $p in
		!*) if printf '%s\n' "$out" | grep -q -e "${p#!}"; then
			ok=0; echo "  $name: output has '${p#!}'"; fi ;;
		*) if ! printf '%s\n' "$out" | grep -q -e "$p"; then
			ok=0; echo "  $name: output lacks '$p'"; fi ;;
		esac
	done
	IFS=$old_ifs
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		printf '%s\n' "$out" | sed 's/^/    | /'
	fi
}

cat > "$dir/a" <<'EOF'
gntdev.open ok
gntdev.mmap.bad_ref errno=EINVAL
notify.gntdev.clear.after_munmap byte=0x00 event=none
evtchn.limit.exhausted errno=ENOSPC
twice x=1
twice x=2
EOF
cp "$dir/a" "$dir/same"
# Same observations, other order, blank line and CRLF: still the same.
printf 'twice x=1\r\n\ngntdev.open ok\nevtchn.limit.exhausted errno=ENOSPC\nnotify.gntdev.clear.after_munmap byte=0x00 event=none\ngntdev.mmap.bad_ref errno=EINVAL\ntwice x=2\n' > "$dir/shuffled"
cat > "$dir/b" <<'EOF'
gntdev.open ok
gntdev.mmap.bad_ref ok
notify.gntdev.clear.after_munmap byte=0x5a event=none
twice x=1
twice x=3
extra.line yes
EOF

check identical 0 '6 observations, 6 same, 0 differ' '!UNEXPLAINED' \
	-- "$dir/a" "$dir/same"
check reordered 0 '0 differ' -- "$dir/a" "$dir/shuffled"
check differences 1 \
	'gntdev.mmap.bad_ref  *errno=EINVAL  *ok  *UNEXPLAINED' \
	'evtchn.limit.exhausted  *errno=ENOSPC  *(missing)  *UNEXPLAINED' \
	'extra.line  *(missing)  *yes  *UNEXPLAINED' \
	'twice#2  *x=2  *x=3' \
	'!gntdev.open' '!twice  ' \
	'5 differ (0 known, 5 unexplained)' \
	-- -l xen -r hvsim "$dir/a" "$dir/b"
check headers 1 'observation  *xen  *hvsim  *verdict' \
	-- -l xen -r hvsim "$dir/a" "$dir/b"

cat > "$dir/known-all" <<'EOF'
# every difference of a vs b, each for a reason
gntdev.mmap.bad_ref | errno=EINVAL | ok | reason one
notify.gntdev.*.after_munmap | byte=0x00 * | byte=0x5a * | PV unmaps at munmap
evtchn.limit.* | * | (missing) | not run there
extra.line | (missing) | * | only there
twice#2 | x=? | x=? | counts | with a bar
EOF
check all_known 0 'known: reason one' 'known: PV unmaps at munmap' \
	'known: counts | with a bar' '5 differ (5 known, 0 unexplained)' \
	'!UNEXPLAINED' -- -k "$dir/known-all" "$dir/a" "$dir/b"

# An entry explains only the values it names.
cat > "$dir/known-wrong-value" <<'EOF'
gntdev.mmap.bad_ref | errno=EPERM | ok | wrong left value
EOF
check value_must_match 1 'gntdev.mmap.bad_ref .*UNEXPLAINED' \
	'note: known difference "gntdev.mmap.bad_ref" did not occur' \
	-- -k "$dir/known-wrong-value" "$dir/a" "$dir/b"

# Regex characters in a glob are literal.
cat > "$dir/known-dots" <<'EOF'
gntdev?mmap?bad_ref | errno=EINVAL | ok | question marks match the dots
gntdev.mmap.bad.ref | * | * | a dot is not any character
EOF
printf 'gntdevXmmapXbad_ref errno=EINVAL\ngntdev.mmap.badXref 1\n' > "$dir/c"
printf 'gntdevXmmapXbad_ref ok\ngntdev.mmap.badXref 2\n' > "$dir/d"
check glob_literal 1 'gntdevXmmapXbad_ref .*known: question marks' \
	'gntdev.mmap.badXref .*UNEXPLAINED' \
	-- -k "$dir/known-dots" "$dir/c" "$dir/d"

# An entry with [RUN-GLOB,...] applies to the runs it names only, and is
# not noted as unused in the others.
cat > "$dir/known-runs" <<'EOF'
[hvsim-dom?-domU, other] gntdev.mmap.bad_ref | errno=EINVAL | ok | two domains only
[hvsim-domU-self] notify.gntdev.* | * | * | not this run
EOF
check run_selected 1 'gntdev.mmap.bad_ref .*known: two domains only' \
	'!did not occur' '5 differ (1 known, 4 unexplained)' \
	-- -k "$dir/known-runs" -r hvsim-dom0-domU "$dir/a" "$dir/b"
check run_selected_list 1 'gntdev.mmap.bad_ref .*known: two domains only' \
	-- -k "$dir/known-runs" -r other "$dir/a" "$dir/b"
check run_not_selected 1 'gntdev.mmap.bad_ref .*UNEXPLAINED' \
	'!did not occur' '5 differ (0 known, 5 unexplained)' \
	-- -k "$dir/known-runs" -r hvsim-dom0 "$dir/a" "$dir/b"
printf '[hvsim-dom0 x | y | z | why\n' > "$dir/known-unclosed"
check run_glob_unclosed 2 'no ] after' \
	-- -k "$dir/known-unclosed" "$dir/a" "$dir/b"
printf '[elsewhere] x | y | z |\n' > "$dir/known-noreason-elsewhere"
check reason_required_in_any_run 2 'want KEY | LEFT | RIGHT | reason' \
	-- -k "$dir/known-noreason-elsewhere" "$dir/a" "$dir/b"

printf 'x | y | z |\n' > "$dir/known-noreason"
check reason_required 2 'want KEY | LEFT | RIGHT | reason' \
	-- -k "$dir/known-noreason" "$dir/a" "$dir/b"
check missing_file 2 'cannot read' -- "$dir/a" "$dir/nonexistent"
check usage 2 'usage' -- "$dir/a"
: > "$dir/empty"
check empty_vs_some 1 '0 same, 6 differ' -- "$dir/empty" "$dir/a"

# -u: the line numbers of the entries that explained something, appended;
# reference/known-unused.sh names the entries that no run used.
cat > "$dir/known-used" <<'EOF'
# two entries used, one never, one only in another run
gntdev.mmap.bad_ref | errno=EINVAL | ok | used
nothing.like.this | * | * | never used

[other] extra.line | (missing) | * | in another run
evtchn.limit.* | * | (missing) | used too
EOF
printf '99\n' > "$dir/used"
check used_lines 1 '2 known' -- -k "$dir/known-used" -u "$dir/used" \
	-r hvsim "$dir/a" "$dir/b"
expect used_lines_appended "$(cat "$dir/used")" "$(printf '99\n2\n6')"
rm -f "$dir/used"
sh "$cmp" -k "$dir/known-used" -u "$dir/used" -r hvsim "$dir/a" "$dir/b" \
	> /dev/null
sh "$cmp" -k "$dir/known-used" -u "$dir/used2" -r other "$dir/a" "$dir/b" \
	> /dev/null
expect known_unused \
	"$(sh "$here/known-unused.sh" "$dir/known-used" "$dir/used" \
		"$dir/used2" "$dir/never-written")" \
	"$(printf '  line 3: nothing.like.this\n  1 known difference(s) explained nothing in these runs')"
expect known_unused_one_run \
	"$(sh "$here/known-unused.sh" "$dir/known-used" "$dir/used")" \
	"$(printf '  line 3: nothing.like.this\n  line 5: [other] extra.line\n  2 known difference(s) explained nothing in these runs')"
printf '3\n5\n' > "$dir/used3"
expect known_unused_none \
	"$(sh "$here/known-unused.sh" "$dir/known-used" "$dir/used" \
		"$dir/used3")" \
	'  every known difference explained something in these runs'

# The project's own known-differences file parses, and its entries explain
# the differences they were written for and no others.
cat > "$dir/pv" <<'EOF'
notify.gntdev.clear.munmap_first.after_munmap byte=0x00 event=none
notify.gntdev.both.close_after_munmap.after_munmap byte=0x00 event=none
notify.gntdev.both.close_after_munmap.after_close byte=0x00 event=unbound_end
gntdev.fork.child_reads_mapping signal=SIGSEGV
EOF
cat > "$dir/hvm" <<'EOF'
notify.gntdev.clear.munmap_first.after_munmap byte=0x5a event=none
notify.gntdev.both.close_after_munmap.after_munmap byte=0x5a event=none
notify.gntdev.both.close_after_munmap.after_close byte=0x5a event=none
gntdev.fork.child_reads_mapping value=0x7a
EOF
check project_known_file 1 \
	'clear.munmap_first.after_munmap .*known: PV dom0 unmaps' \
	'fork.child_reads_mapping .*known: PV gntdev mappings' \
	'after_close .*UNEXPLAINED' '4 differ (3 known, 1 unexplained)' \
	-- -k "$here/known-differences" "$dir/pv" "$dir/hvm"

echo "compare-test: $pass passed, $fail failed"
[ "$fail" = 0 ]
