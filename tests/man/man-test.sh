#!/bin/sh
# The man pages say what the programs' --help says, and render cleanly.
#
#   - hvsim(1): the commands of 'hvsim --help' are its COMMANDS subsections
#     (.SS), and each subsection names the options 'hvsim COMMAND --help'
#     names, both ways; the options of each line of 'hvsim --help' are in
#     that command's subsection; OPTIONS are in 'hvsim --help'.
#   - hvsimd(8): OPTIONS and SYNOPSIS name the options 'hvsimd --help' names.
#   - hvsim-scenario(5): its usage lines (.TP) are the step patterns 'hvsim
#     scenario --help' prints, both ways, and its EXPECTATIONS the expect
#     words; its example scenario parses.
#   - ENVIRONMENT: every variable a --help names, and every variable the
#     programs read (getenv), is in hvsim(1) or hvsimd(8).
#   - each page renders with no warning, as lintian checks it.
# A difference fails naming what is missing where.
# Usage: tests/man/man-test.sh BUILDDIR (the build's $(O): its bin/ is run).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/reference/test-lib.sh"
O=${1:?usage: man-test.sh BUILDDIR}
case $O in /*) ;; *) O=$top/$O ;; esac
hvsim=$O/bin/hvsim
hvsimd=$O/bin/hvsimd
man1=$top/man/hvsim.1
man5=$top/man/hvsim-scenario.5
man8=$top/man/hvsimd.8
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-man-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---- reading roff and help texts -------------------------------------------

# The roff lines of section SH (and subsection SS, if given) of a page.
section() {
	awk -v sh="$2" -v ss="${3:-}" '
		function title(line) { sub(/^\.S[HS][ \t]+/, "", line); gsub(/"/, "", line)
			gsub(/\\-/, "-", line); return line }
		/^\.SH/ { insh = title($0) == sh; inss = ss == ""; next }
		/^\.SS/ { if (ss != "") inss = title($0) == ss; else if (insh) print; next }
		insh && inss' "$1"
}

# Roff source as the plain text it shows: no comments, macro names, font
# changes or escapes that stand for nothing.
plain() {
	sed -e '/^\.\\"/d' -e 's/^\.[A-Za-z]*[ \t]*//' \
	    -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\(dq/"/g' -e 's/\\&//g' \
	    -e 's/\\%//g' -e 's/\\c$//' -e 's/\\e/\\/g'
}

# The options (-x, --long-name) a text names, one a line, sorted.
options() {
	grep -oP '(?<![A-Za-z0-9_./$-])(--[A-Za-z][A-Za-z0-9-]*|-[A-Za-z](?![A-Za-z0-9]))' |
		sed 's/^[^-]*//' | sort -u
}

# The lines of $1 that are not lines of $2 (both sorted, one item a line).
missing() {
	printf '%s\n' "$1" | grep -v '^$' | while IFS= read -r x; do
		printf '%s\n' "$2" | grep -qxF -- "$x" || printf '%s\n' "$x"
	done
}

# Both ways: what NAME_A names that NAME_B does not, and back.
same_set() {
	what=$1 name_a=$2 set_a=$3 name_b=$4 set_b=$5
	expect "$what: in $name_a, not in $name_b" "$(missing "$set_a" "$set_b")" ""
	expect "$what: in $name_b, not in $name_a" "$(missing "$set_b" "$set_a")" ""
}

for exe in "$hvsim" "$hvsimd"; do
	[ -x "$exe" ] || { echo "man-test: no $exe: build first (make O=$O)"; exit 1; }
done

# ---- hvsim(1) ---------------------------------------------------------------

"$hvsim" --help > "$tmp/help" 2>&1
# the commands: lines of two blanks and a lowercase word; their lowercase
# words up to the first argument ("domain create", "xenstore"), before the
# description, which two blanks set apart
help_cmds=$(grep -E '^  [a-z]' "$tmp/help" | sed 's/^  //; s/  .*//' | awk '{ c = $1
	for (i = 2; i <= NF && $i ~ /^[a-z]+$/; i++) c = c " " $i; print c }' | sort -u)
man_cmds=$(section "$man1" COMMANDS | grep '^\.SS' | plain | sed 's/"//g' | sort -u)
same_set "commands" "hvsim --help" "$help_cmds" "hvsim(1) COMMANDS" "$man_cmds"

# --help and -h are every command's, documented once (hvsim(1) OPTIONS)
not_help() { grep -vxE -- '--help|-h'; }
nl='
'
n=0
IFS=$nl
for cmd in $help_cmds; do
	unset IFS
	n=$((n + 1))
	# shellcheck disable=SC2086 # a command of two words is two arguments
	"$hvsim" $cmd --help > "$tmp/cmd.$n" 2>&1
	# hvsim scenario --help goes on with the language (hvsim-scenario(5))
	[ "$cmd" = scenario ] && sed -i '/^The language/,$d' "$tmp/cmd.$n"
	help_opts=$(options < "$tmp/cmd.$n" | not_help)
	man_opts=$(section "$man1" COMMANDS "$cmd" | plain | options | not_help)
	same_set "options of '$cmd'" "hvsim $cmd --help" "$help_opts" \
		"hvsim(1) COMMANDS '$cmd'" "$man_opts"
	# and those of the command's line in 'hvsim --help' (with its continuation)
	line_opts=$(awk -v c="  $cmd" 'index($0, c) == 1 && substr($0, length(c) + 1) ~ /^( |$)/ {
			on = 1; print; next }
		on && /^   / { print; next } { on = 0 }' "$tmp/help" | options | not_help)
	expect "options 'hvsim --help' gives '$cmd', in hvsim(1) COMMANDS '$cmd'" \
		"$(missing "$line_opts" "$man_opts")" ""
done
unset IFS

top_help=$(grep -E '^  -' "$tmp/help" | options)
top_man=$(section "$man1" OPTIONS | plain | options)
expect "options of 'hvsim --help' in hvsim(1) OPTIONS" \
	"$(missing "$top_help" "$top_man")" ""
expect "hvsim(1) OPTIONS in 'hvsim --help' (but -h)" \
	"$(missing "$(printf '%s\n' "$top_man" | grep -vx -- -h)" "$(options < "$tmp/help")")" ""

# ---- hvsimd(8) --------------------------------------------------------------

"$hvsimd" --help > "$tmp/hvsimd" 2>&1
same_set "options" "hvsimd --help" "$(options < "$tmp/hvsimd")" "hvsimd(8) OPTIONS" \
	"$(section "$man8" OPTIONS | plain | options)"
expect "hvsimd(8) SYNOPSIS options in 'hvsimd --help'" \
	"$(missing "$(section "$man8" SYNOPSIS | plain | options)" "$(options < "$tmp/hvsimd")")" ""

# ---- hvsim-scenario(5) ------------------------------------------------------

"$hvsim" scenario --help > "$tmp/scn" 2>&1
sed -n '/^The language/,$p' "$tmp/scn" > "$tmp/lang"
# the step patterns: lines of two blanks then a word, as scn_grammar.c has them
help_steps=$(grep -E '^  [^ ]' "$tmp/lang" | sed 's/^  //' | sort -u)
# the page's: the tag line after each .TP of the two sections of steps
man_steps=$( { section "$man5" "STATEMENTS OF THE RUNNER"; section "$man5" "STEPS IN A DOMAIN"; } |
	awk 'tp { print; tp = 0; next } /^\.TP/ { tp = 1 }' | plain | sed 's/[ \t]*$//' | sort -u)
same_set "scenario steps" "hvsim scenario --help" "$help_steps" \
	"hvsim-scenario(5)" "$man_steps"
# what 'expect' takes: the help's list, the first word of each item
help_exp=$(tr '\n' ' ' < "$tmp/lang" | sed -n "s/.*'expect \.\.\.': *\([^(]*\)(.*/\1/p" |
	tr ',' '\n' | awk '{ gsub(/"/, "", $1); if ($1 != "") print $1 }' | sort -u)
man_exp=$(section "$man5" EXPECTATIONS | awk 'tp { print; tp = 0; next } /^\.TP/ { tp = 1 }' |
	plain | awk '{ gsub(/"/, "", $1); print $1 }' | sort -u)
expect "the help lists what 'expect' takes" "$([ -n "$help_exp" ] && echo yes)" "yes"
same_set "expectations" "hvsim scenario --help" "$help_exp" "hvsim-scenario(5) EXPECTATIONS" \
	"$man_exp"
# the example is a scenario that parses
section "$man5" EXAMPLES | awk '/^\.fi/ { exit } on; /^\.nf/ { on = 1 }' | plain \
	> "$tmp/example.scn"
expect "hvsim-scenario(5)'s example parses" \
	"$("$hvsim" scenario --check "$tmp/example.scn" 2>&1 | grep -c 'syntax ok')" "1"

# ---- ENVIRONMENT ------------------------------------------------------------

# the variables a page's ENVIRONMENT names in its tags
env_of() {
	section "$1" ENVIRONMENT | awk 'tp { print; tp = 0; next } /^\.TP/ { tp = 1 }' | plain |
		grep -oE '[A-Z][A-Z0-9_]*[A-Z0-9]' | sort -u
}
env_man=$(env_of "$man1")
env_man8=$(env_of "$man8")
help_env() { grep -oE '(HVSIM|XDG|XENSTORED|LD)_[A-Z0-9_]*[A-Z0-9]' | sort -u; }
expect "variables hvsim's --help texts name, in hvsim(1) ENVIRONMENT" \
	"$(missing "$(cat "$tmp/help" "$tmp/scn" "$tmp"/cmd.* | help_env)" "$env_man")" ""
expect "variables 'hvsimd --help' names, in hvsimd(8) ENVIRONMENT" \
	"$(missing "$(help_env < "$tmp/hvsimd")" "$env_man8")" ""
read_env=$(cd "$top" && grep -rhoE --include='*.c' --include='*.h' --exclude='*_test.c' \
	'getenv\("[A-Za-z0-9_]+"\)' userlib hv-sim scenarios kmod/host include |
	sed 's/.*("\(.*\)")/\1/' | sort -u)
expect "variables the programs read (getenv), in hvsim(1) or hvsimd(8) ENVIRONMENT" \
	"$(missing "$read_env" "$(printf '%s\n%s\n' "$env_man" "$env_man8")")" ""

# ---- rendering --------------------------------------------------------------

if ! command -v man >/dev/null 2>&1 || ! command -v nroff >/dev/null 2>&1; then
	expect "man and nroff are installed (man-db, groff-base: make test installs them)" \
		"missing" "installed"
else
	for page in "$man1" "$man5" "$man8"; do
		# as lintian runs it
		warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
		expect "man --warnings -l ${page#"$top"/}" "$warnings" ""
		expect "${page#"$top"/} has a NAME line whatis reads" \
			"$(lexgrog "$page" 2>&1 | grep -c ': parse failed')" "0"
	done
fi
test_summary man-test
