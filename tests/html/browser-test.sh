#!/bin/sh
# The step-through page (hvsim scenario --html, userlib/trace_html.h) in a
# real browser: Debian's chromium, headless.  The default scenario runs
# with --html; chromium renders the page at given steps (--dump-dom on
# file://...#line-N) and the test reads what it shows: at bob's map,
# alice's grant entry with reading|writing and host_rw 1 and bob's
# maptrack handle; after bob's unmap, neither flag nor pin; once alice's
# kernel ends the grant, her entry gone.  Every page must run its script
# without an exception (<body data-js="ok">) and log nothing to the
# console; a page that throws proves the console check sees it.  A harness
# page (keys.html) steps with the keyboard, the buttons and the URL.
#
# chromium comes through the project's deps step (ci/deps; BROWSER_PKGS in
# the Makefile): installed when run as root (as CI is), and the test skips,
# saying so, only when it is missing and cannot be installed.
#
# `hvsim trace --html` makes the page of a live system's trace: with
# HVSIM_TRACE_STATE=1, hvsimd's snapshots after each burst end its steps.
#
# The same run's --svg diagram must draw what only the snapshots show: the
# entry alice's kernel wrote, the pin bob's map took and his unmap gave
# back, the entry released.
#
# With --screenshots DIR it also writes DIR/step-through-map.png and
# DIR/step-through-unmap.png, and the diagram as DIR/scenario-default.svg
# (docs/tutorial.md shows them).
# Usage (through $(O)/tests/html-browser-test):
#   tests/html/browser-test.sh O DEPS PKGS [--screenshots DIR]
set -u
O=$1 DEPS=$2 PKGS=$3
shift 3
shots=
[ "${1:-}" = "--screenshots" ] && shots=${2:?--screenshots needs a directory}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/reference/test-lib.sh"
cd "$top"
case $O in /*) ;; *) O=$top/$O ;; esac
case $shots in ''|/*) ;; *) shots=$top/$shots ;; esac

if ! $DEPS --quiet $PKGS; then
	if [ "$(id -u)" = 0 ]; then
		echo "html-browser-test: FAILED: $PKGS could not be installed (see above)"
		exit 1
	fi
	echo "html-browser-test: SKIPPED: $PKGS is not installed and only root can install it"
	echo "  (sudo apt-get install --no-install-recommends $PKGS)"
	exit 0
fi
browser=$(command -v chromium) || { echo "html-browser-test: no chromium in PATH"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-html.XXXXXX")
trap 'HVSIM_DIR=$tmp/live "$O/bin/hvsim" down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# chromium with a fresh profile each time, nothing from the network
n=0
chrome() {
	n=$((n + 1))
	mkdir -p "$tmp/profile$n" "$tmp/home"
	HOME=$tmp/home timeout 90 "$browser" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$tmp/profile$n" \
		--enable-logging=stderr --v=0 "$@"
}

# Renders the page at fragment $1 into $tmp/dom$1.html; its console into
# .log ($2: another page than page.html)
render() {
	chrome --dump-dom "file://$tmp/${2:-page.html}#$1" >"$tmp/dom$1.html" 2>"$tmp/dom$1.log"
}

# What the page logged to its console (chromium logs each message, error
# or not, as CONSOLE with the page's file as its source)
console() {
	grep ':CONSOLE' "$1" | grep -F "$2" || true
}

# The <tr> of $2's grant entry $3 on dumped page $1 that is still in use
# (not a removed one, struck through), and one of its attributes
entry() {
	grep -o "<tr class=\"gnt[^>]*data-ref=\"$3\" data-dom=\"$2\"[^>]*>" "$1" | grep -v 'data-gone'
}
attr() {
	sed -n "s/.* $1=\"\\([^\"]*\\)\".*/\\1/p"
}
# The text of that row's cells (what it was before left out, frames as FRAME)
entry_text() {
	grep -o "<tr class=\"gnt[^>]*data-ref=\"$3\" data-dom=\"$2\"[^>]*>.*" "$1" | grep -v '^[^>]*data-gone' |
		sed 's,</tr>.*,,; s/<span class="was">[^<]*<\/span>//g; s/<[^>]*>/ /g; s/  */ /g; s/^ //; s/ $//
		     s/0x[0-9a-f]*/FRAME/g'
}
body_attr() {
	grep -o '<body[^>]*>' "$1" | attr "$2"
}

scn=scenarios/default.scn
line_of() {
	grep -n "$1" "$scn" | head -1 | cut -d: -f1
}
share=$(line_of '^alice: share ')
map=$(line_of '^bob: map \$page.ref from alice')
unmap=$(line_of '^bob: unmap \$view')
freed=$(line_of '^check grant \$page.ref of alice is free')

"$O/bin/hvsim" scenario --svg "$tmp/page.svg" --html "$tmp/page.html" "$scn" >"$tmp/run.txt" 2>&1
expect "the scenario runs and writes the page" "$?" 0
ref=$(sed -n "s/^ *$share  alice: share .*->  ref \\([0-9]*\\)\$/\\1/p" "$tmp/run.txt")
expect "the share step says its ref" "$(echo "$ref" | grep -c '^[0-9][0-9]*$')" 1
expect "the page is written" "$(tail -1 "$tmp/run.txt")" "step-through page: $tmp/page.html"
svg_row() {
	grep -c ">$1<" "$tmp/page.svg"
}
expect "svg: the kernel's write" "$(svg_row "kernel wrote ref $ref: permit_access for bob (no hypercall)")" 1
expect "svg: the map's pin" "$(svg_row "ref $ref pinned: pins none -&gt; host_rw 1")" 1
expect "svg: the unmap's" "$(svg_row "ref $ref released: pins host_rw 1 -&gt; none")" 1
expect "svg: the entry released" \
	"$(svg_row "kernel released ref $ref (was permit_access for bob; no hypercall)")" 1
# self-contained: nothing to fetch, the data where no </script> can end it early
expect "nothing fetched" "$(grep -ciE ' src=|href="https?:|@import|url\(' "$tmp/page.html")" 0
expect "two script elements" "$(grep -o '</script>' "$tmp/page.html" | wc -l)" 2

for frag in "line-$share" "line-$map" "line-$unmap" "line-$freed"; do
	render "$frag"
	expect "#$frag: the script ran (data-js)" "$(body_attr "$tmp/dom$frag.html" data-js)" ok
	expect "#$frag: no console message" "$(console "$tmp/dom$frag.log" "$tmp/page.html")" ""
done
step_of() {
	grep -o "<li[^>]*data-step=\"[0-9]*\"[^>]*><a href=\"#step-[0-9]*\"><span class=\"n\">[0-9]*</span>$1: " \
		"$tmp/domline-$1.html" | attr data-step
}

# Sharing: alice's kernel writes the entry, no hypercall; no pins yet
d=$tmp/domline-$share.html
expect "share: the step shown is line $share's" "$(body_attr "$d" data-step)" "$(step_of "$share")"
expect "share: alice's entry, new" "$(entry "$d" alice "$ref" | grep -c 'class="gnt added"')" 1
expect "share: flags" "$(entry "$d" alice "$ref" | attr data-flags)" permit_access
expect "share: pins" "$(entry "$d" alice "$ref" | attr data-pins)" none

# Mapping: Xen pins the entry and sets GTF_reading|GTF_writing in it
d=$tmp/domline-$map.html
expect "map: alice's entry changed" "$(entry "$d" alice "$ref" | grep -c 'class="gnt changed"')" 1
expect "map: flags" "$(entry "$d" alice "$ref" | attr data-flags)" "permit_access|reading|writing"
expect "map: host_rw" "$(entry "$d" alice "$ref" | attr data-host-rw)" 1
expect "map: the row shows it" "$(entry_text "$d" alice "$ref")" \
	"$ref permit_access|reading|writing bob FRAME host_rw 1 bob, frame FRAME"
expect "map: bob's maptrack handle" "$(grep -c '<tr class="maptrack added" data-handle="0">' "$d")" 1
expect "map: the hypercall listed" "$(grep -c '<tr data-call="map_grant_ref">' "$d")" 1
expect "map: its narration" "$(grep -c 'bob -&gt; Xen: GNTTABOP_map_grant_ref ref '"$ref"' of alice, host_map -&gt; okay' "$d")" 1

# Unmapping: the pin and both flags go
d=$tmp/domline-$unmap.html
expect "unmap: flags" "$(entry "$d" alice "$ref" | attr data-flags)" permit_access
expect "unmap: host_rw" "$(entry "$d" alice "$ref" | attr data-host-rw)" 0
expect "unmap: pins" "$(entry "$d" alice "$ref" | attr data-pins)" none
expect "unmap: no reading|writing in alice's entries in use" \
	"$(grep -o '<tr class="gnt[^>]*data-dom="alice"[^>]*>' "$d" | grep -v data-gone | grep -c 'reading\|writing')" 0
expect "unmap: bob's handle gone" "$(grep -c '<tr class="maptrack removed" data-handle="0" data-gone="1">' "$d")" 1

# alice's kernel ends the grant: the entry is free
d=$tmp/domline-$freed.html
expect "freed: no entry in use" "$(entry "$d" alice "$ref" | wc -l)" 0
expect "freed: shown as gone" "$(grep -c "<tr class=\"gnt removed\" data-ref=\"$ref\" data-dom=\"alice\"" "$d")" 1

# The keyboard, the buttons and the URL, from the map step
cp "$here/keys.html" "$tmp/keys.html"
chrome --allow-file-access-from-files --virtual-time-budget=5000 \
	--dump-dom "file://$tmp/keys.html?line=$map" >"$tmp/keys.out" 2>"$tmp/keys.log"
s=$(body_attr "$tmp/domline-$map.html" data-step)
last=$(grep -o '<li[^>]*data-step=' "$tmp/domline-$map.html" | wc -l)
expect "keys: stepping" "$(sed -n '/<pre id="out">/,/<\/pre>/p' "$tmp/keys.out" | sed 's/<[^>]*>//g')" \
"start $s #line-$map ok
right $((s + 1)) #step-$((s + 1)) ok
left-left $((s - 1)) #step-$((s - 1)) ok
next $s #step-$s ok
prev $((s - 1)) #step-$((s - 1)) ok
end $last #step-$last ok
right-at-end $last #step-$last ok
home 1 #step-1 ok
left-at-start 1 #step-1 ok
hash 3 #step-3 ok"
expect "keys: no console message" "$(console "$tmp/keys.log" "$tmp/page.html")" ""

# A live system, its trace made a page: the steps end at hvsimd's snapshots
live() {
	HVSIM_DIR=$tmp/live "$O/bin/hvsim" "$@"
}
HVSIM_TRACE_STATE=1 live up >/dev/null && sleep 0.3
live domain create a >/dev/null && sleep 0.3 && live domain create b >/dev/null && sleep 0.3
live trace --html "$tmp/live.html"
expect "live: hvsim trace --html" "$?" 0
live trace >"$tmp/live.txt"
live down >/dev/null
# (at least one after each pause; a loaded machine may pause inside one)
expect "live: a snapshot after each burst" "$(grep -c 'state snapshot (quiet): ' "$tmp/live.txt" |
	awk '{ print ($1 >= 3) }')" 1
expect "live: and the one hvsim trace asked for" \
	"$(grep -c 'state snapshot (hvsim trace): 3 domains; ' "$tmp/live.txt")" 1
# the step that holds b's creation, by its records' seqs in the step list
render step-1 live.html
b_seq=$(sed -n 's/^#\([0-9]*\) .* dom2 *domain_create.*/\1/p' "$tmp/live.txt")
b_step=$(grep -o '<li[^>]*data-step="[0-9]*"[^>]*><a[^>]*><span class="n">[0-9]*</span>records #[0-9]*[^#<]*#*[0-9]*' \
		"$tmp/domstep-1.html" | sed 's/.*data-step="\([0-9]*\)".*records #\([0-9]*\)[^0-9]*\([0-9]*\)$/\1 \2 \3/' |
	awk -v s="$b_seq" '{ last = $3 == "" ? $2 : $3; if (s >= $2 && s <= last) print $1 }')
expect "live: b's creation is in a step" "$(echo "$b_step" | grep -c '^[0-9][0-9]*$')" 1
render "step-$b_step" live.html
d=$tmp/domstep-$b_step.html
expect "live: the script ran" "$(body_attr "$d" data-js)" ok
expect "live: no console message" "$(console "$tmp/domstep-$b_step.log" live.html)" ""
expect "live: the step lists b's creation" \
	"$(grep -c "<tr><td>$b_seq</td><td>b</td><td class=\"ev\">domain_create</td>" "$d")" 1
expect "live: b is new" "$(grep -c '<div class="dom changed" data-dom="b" data-domid="2">' "$d")" 1
expect "live: its state is the snapshot's" "$(grep -c 'hvsimd.s state after this step (snapshot #[0-9]*, quiet)' "$d")" 1

# The console check sees a page that throws
printf '<!DOCTYPE html><body><script>console.error("logged"); null.x;</script>\n' >"$tmp/throws.html"
chrome --dump-dom "file://$tmp/throws.html" >/dev/null 2>"$tmp/throws.log"
expect "a page that throws is seen" "$(console "$tmp/throws.log" "$tmp/throws.html" | grep -c 'Uncaught\|"logged"')" 2

if [ -n "$shots" ]; then
	cp "$tmp/page.svg" "$shots/scenario-default.svg"
	for pair in "map:$map" "unmap:$unmap"; do
		chrome --hide-scrollbars --window-size=1400,1050 \
			--screenshot="$shots/step-through-${pair%%:*}.png" \
			"file://$tmp/page.html#line-${pair#*:}" >/dev/null 2>&1
		expect "screenshot ${pair%%:*}" "$(head -c 8 "$shots/step-through-${pair%%:*}.png" | od -An -c | tr -d ' ')" \
			'211PNG\r\n032\n'
	done
fi
test_summary html-browser-test
