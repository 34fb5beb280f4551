#!/bin/bash
# The bash completion (completion/hvsim.bash): sourced, its function called
# as bash calls it (COMP_WORDS, COMP_CWORD), and COMPREPLY checked: the
# commands, each command's options (the same as its --help names), domain
# names from `hvsim list` (a stand-in hvsim answers; a real one with no
# hvsimd leaves nothing and says nothing), scenario names from the library
# and $HVSIM_SCENARIO_PATH, *.scn files, programs for `hvsim run`.
# Usage: tests/completion/completion-test.sh BUILDDIR (its bin/hvsim is run).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/reference/test-lib.sh"
O=${1:?usage: completion-test.sh BUILDDIR}
[[ $O == /* ]] || O=$top/$O
hvsim=$O/bin/hvsim
[[ -x $hvsim ]] || { echo "completion-test: no $hvsim: build first (make O=$O)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-completion-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=completion/hvsim.bash
. "$top/completion/hvsim.bash"

# complete WORD... : COMPREPLY for the last word (the cursor's), sorted,
# one a line; what the function printed goes to $tmp/noise.
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_hvsim > "$tmp/noise" 2>&1
	printf '%s\n' "${COMPREPLY[@]}" | grep -v '^$' | sort
}

lines() { printf '%s\n' "$@"; }

# ---- commands and options ---------------------------------------------------

expect "hvsim <TAB>" "$(complete_words hvsim '')" \
	"$(lines --help --version domain domid down evtchn fault grants help list log run \
		scenario trace up version xenstore | sort)"
expect "hvsim do<TAB>" "$(complete_words hvsim do)" "$(lines domain domid down)"
expect "hvsim domain <TAB>" "$(complete_words hvsim domain '')" "$(lines --help create destroy)"
expect "hvsim domain create web --<TAB>" "$(complete_words hvsim domain create web --)" \
	"$(lines --event-channels --help --mem --param)"
expect "hvsim domain create web --mem <TAB>: a number, nothing offered" \
	"$(complete_words hvsim domain create web --mem '')" ""
expect "hvsim trace --<TAB>" "$(complete_words hvsim trace --)" \
	"$(lines --follow --help --html --json --svg)"
expect "hvsim xenstore <TAB>" "$(complete_words hvsim xenstore '')" \
	"$(lines --help ls read rm write)"
expect "hvsim scenario --<TAB>" "$(complete_words hvsim scenario --)" \
	"$(lines --attach --check --explain --help --html --keep --quiet --svg)"

# The options it offers are those the command's --help names (but --help
# and -h, which every command takes), and its commands those of hvsim --help.
options() {
	grep -oP '(?<![A-Za-z0-9_./$-])(--[A-Za-z][A-Za-z0-9-]*|-[A-Za-z](?![A-Za-z0-9]))' | sed 's/^[^-]*//' |
		grep -vxE -- '--help|-h' | sort -u
}
for cmd in up down "domain create" "domain destroy" domid list log grants evtchn trace \
		"xenstore ls" run fault scenario; do
	# shellcheck disable=SC2086 # "domain create" is two words
	# (less another command's options it mentions: "hvsim list --all")
	help=$("$hvsim" ${cmd% ls} --help 2>&1 | sed '/^The language/,$d' |
		sed -E -e "s/hvsim ${cmd%% *} /itself /g" -e 's/hvsim [a-z]+ --?[a-z-]+//g' |
		options)
	# the words after the command: its arguments up to where options go
	case $cmd in
	up | down | list | trace | scenario) words=(hvsim $cmd) ;;
	run) words=(hvsim run) ;;
	*) words=(hvsim $cmd x) ;;
	esac
	offered=$( { complete_words "${words[@]}" -; complete_words "${words[@]}" --; } |
		grep -vxE -- '--help|-h|--' | sort -u)
	expect "hvsim $cmd -<TAB> offers what 'hvsim ${cmd% ls} --help' names" "$offered" "$help"
done
help_cmds=$("$hvsim" --help | grep -E '^  [a-z]' | awk '{ print $1 }' | sort -u)
expect "hvsim <TAB> offers the commands of 'hvsim --help' (and help, version)" \
	"$(complete_words hvsim '' | grep -v -e '^-' -e '^help$' -e '^version$')" "$help_cmds"

# ---- domains ----------------------------------------------------------------

# a stand-in hvsim: `list` prints a table as hvsim does, --all with a dead one
cat > "$tmp/hvsim" <<'EOF'
#!/bin/sh
[ "$1" = list ] || exit 2
echo "Name                    ID State       Pages  Grants  Maps Kernel UUID"
echo "Domain-0                 0 running     16384       0     0 yes    0"
echo "web                      1 running     16384       0     0 yes    1"
echo "worker                   2 dying       16384       0     0 yes    2"
[ "${2-}" = --all ] && echo "old                      3 dead            0       0     0 no     3"
exit 0
EOF
chmod +x "$tmp/hvsim"
stub=$tmp/hvsim
expect "hvsim grants <TAB>" "$(complete_words "$stub" grants '')" \
	"$(lines Domain-0 web worker)"
expect "hvsim evtchn w<TAB>" "$(complete_words "$stub" evtchn w)" "$(lines web worker)"
expect "hvsim log <TAB>: the dead too, whose log stays" "$(complete_words "$stub" log '')" \
	"$(lines Domain-0 old web worker)"
expect "hvsim domain destroy D<TAB>" "$(complete_words "$stub" domain destroy D)" "Domain-0"
expect "hvsim run <TAB>" "$(complete_words "$stub" run '')" "$(lines Domain-0 web worker)"
expect "hvsim grants web <TAB>: one domain only" "$(complete_words "$stub" grants web '')" ""
expect "hvsim log web -<TAB>" "$(complete_words "$stub" log web -)" \
	"$(lines --follow --help -f)"
# a real hvsim with no hvsimd: no names, and not a word on the terminal
mkdir -m 700 "$tmp/state"
export HVSIM_DIR=$tmp/state
expect "hvsim grants <TAB> with no hvsimd" "$(complete_words "$hvsim" grants '')" ""
expect "  ... says nothing" "$(cat "$tmp/noise")" ""
unset HVSIM_DIR

# fault: a domain, then clear or a kind (every kind of fault_kinds.h,
# as 'hvsim fault' takes them, dashed), and no guess at a number
expect "hvsim fault <TAB>" "$(complete_words "$stub" fault '')" "$(lines Domain-0 web worker)"
expect "hvsim fault web cl<TAB>" "$(complete_words "$stub" fault web cl)" "$(lines clear close)"
expect "hvsim fault --json web clear k<TAB>" "$(complete_words "$stub" fault --json web clear k)" \
	"kmalloc"
expect "hvsim fault web send -ENOSPC --nth <TAB>" \
	"$(complete_words "$stub" fault web send -ENOSPC --nth '')" ""
expect "hvsim fault web <TAB>: every kind of include/hvsim/fault_kinds.h" \
	"$(complete_words "$stub" fault web '' | grep -vx clear)" \
	"$(sed -n 's/^[[:space:]]*{ "\([a-z_]*\)", .*/\1/p' "$top/include/hvsim/fault_kinds.h" |
		tr _ - | sort)"

# ---- programs ---------------------------------------------------------------

mkdir "$tmp/path"
printf '#!/bin/sh\n' > "$tmp/path/hvsimtestprog"
chmod +x "$tmp/path/hvsimtestprog"
PATH=$tmp/path:$PATH
expect "hvsim run web hvsimtestp<TAB>" "$(complete_words "$stub" run web hvsimtestp)" \
	"hvsimtestprog"
expect "hvsim run web -- hvsimtestp<TAB>" "$(complete_words "$stub" run web -- hvsimtestp)" \
	"hvsimtestprog"
expect "hvsim run web -<TAB>" "$(complete_words "$stub" run web -)" "--"

# ---- scenarios --------------------------------------------------------------

# the library beside the typed hvsim (PREFIX/bin/hvsim: PREFIX/share/hvsim/scenarios),
# a directory of $HVSIM_SCENARIO_PATH, and the current directory's files
mkdir -p "$tmp/prefix/bin" "$tmp/prefix/share/hvsim/scenarios" "$tmp/mine" "$tmp/cwd/deep"
cp "$stub" "$tmp/prefix/bin/hvsim"
touch "$tmp/prefix/share/hvsim/scenarios/default.scn" \
	"$tmp/prefix/share/hvsim/scenarios/grant-copy.scn" "$tmp/mine/demo.scn" \
	"$tmp/cwd/dance.scn" "$tmp/cwd/data.txt"
cd "$tmp/cwd" || exit 1
export HVSIM_SCENARIO_PATH=$tmp/nowhere::$tmp/mine
expect "hvsim scenario d<TAB>: library, path, *.scn and directories here" \
	"$(complete_words "$tmp/prefix/bin/hvsim" scenario d)" \
	"$(lines dance.scn deep default demo)"
expect "hvsim scenario --explain g<TAB>" \
	"$(complete_words "$tmp/prefix/bin/hvsim" scenario --explain g)" "grant-copy"
expect "hvsim scenario --svg d<TAB>: any file" \
	"$(complete_words "$tmp/prefix/bin/hvsim" scenario --svg d)" "$(lines dance.scn data.txt deep)"
unset HVSIM_SCENARIO_PATH
expect "hvsim scenario de<TAB> without HVSIM_SCENARIO_PATH" \
	"$(complete_words "$tmp/prefix/bin/hvsim" scenario de)" "$(lines deep default)"
# a hvsim found along $PATH: its library
PATH=$tmp/prefix/bin:$PATH
expect "hvsim scenario def<TAB>, hvsim along \$PATH" \
	"$(complete_words hvsim scenario def)" "default"

# ---- registered -------------------------------------------------------------

expect "complete -p hvsim" "$(complete -p hvsim)" "complete -F _hvsim hvsim"
test_summary completion-test
