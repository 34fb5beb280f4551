# SPDX-License-Identifier: GPL-2.0-only
# bash completion for hvsim(1): its commands, each command's options (as
# its --help names them: tests/completion/completion-test.sh compares),
# domain names (asked of the same hvsim, quietly) and scenarios (the names
# of the scenario library and of $HVSIM_SCENARIO_PATH, and *.scn files).
# Installed as PREFIX/share/bash-completion/completions/hvsim.

# What `hvsim fault` can make fail (include/hvsim/fault_kinds.h, as
# people write them; the test compares).
_hvsim_fault_kinds="map-grant-ref
unmap-grant-ref
copy
setup-table
query-size
set-version
get-version
alloc-unbound
bind-interdomain
bind-virq
bind-ipi
bind-vcpu
close
send
status
unmask
reset
init-control
expand-array
set-priority
memory-op
xen-version
domctl
sysctl
dm-op
kmalloc
alloc-page
upcall-delay"

# The domains of the hvsimd the typed hvsim reaches: their names, or
# nothing when none runs.  "--all" adds the dead ones.
_hvsim_domains()
{
	"$1" list ${2:+"$2"} 2>/dev/null | awk 'NR > 1 && NF { print $1 }'
}

# The scenario names `hvsim scenario NAME` finds without a path: *.scn in
# each directory of $HVSIM_SCENARIO_PATH and in the scenario library,
# PREFIX/share/hvsim/scenarios beside the hvsim that was typed.
_hvsim_scenario_names()
{
	local exe dir f dirs=()
	local IFS=:

	dirs=(${HVSIM_SCENARIO_PATH-})
	exe=$(type -P -- "$1" 2>/dev/null) || exe=$1
	case $exe in
	*/*) dirs+=("${exe%/*}/../share/hvsim/scenarios") ;;
	esac
	for dir in "${dirs[@]}"; do
		[[ -n $dir && -d $dir ]] || continue
		for f in "$dir"/*.scn; do
			[[ -e $f ]] || continue
			f=${f##*/}
			printf '%s\n' "${f%.scn}"
		done
	done
}

# Adds the words of $2 (one a line) that start with $1 to COMPREPLY.
_hvsim_add()
{
	local w

	while IFS= read -r w; do
		[[ -n $w && $w == "$1"* ]] && COMPREPLY+=("$w")
	done <<<"$2"
}

# Completes a file name: *.scn files and directories when $2 is "scn".
_hvsim_files()
{
	local f

	compopt -o filenames 2>/dev/null
	if [[ ${2-} == scn ]]; then
		while IFS= read -r f; do
			[[ -n $f ]] && COMPREPLY+=("$f")
		done < <(compgen -d -- "$1"; compgen -f -X '!*.scn' -- "$1")
	else
		while IFS= read -r f; do
			[[ -n $f ]] && COMPREPLY+=("$f")
		done < <(compgen -f -- "$1")
	fi
}

_hvsim()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local exe=${COMP_WORDS[0]} cmd= sub= i nargs=0 word

	COMPREPLY=()
	# the command, its sub-command, and how many arguments precede the cursor
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		if [[ -z $cmd ]]; then
			cmd=$word
		elif [[ ($cmd == domain || $cmd == xenstore) && -z $sub ]]; then
			sub=$word
		elif [[ $word != -* ]]; then
			case $cmd:$sub:${COMP_WORDS[i-1]} in
			# option values are not arguments
			up::--param | domain:create:--mem | domain:create:--param | \
			domain:create:--event-channels | trace::--svg | trace::--html | \
			scenario::--svg | scenario::--html | fault::--nth | fault::--times) ;;
			*) nargs=$((nargs + 1)) ;;
			esac
		fi
	done

	if [[ -z $cmd ]]; then
		_hvsim_add "$cur" "up
down
domain
domid
list
log
grants
evtchn
trace
xenstore
run
fault
scenario
help
version
--help
--version"
		return 0
	fi

	case $cmd in
	up)
		[[ $prev == --param ]] && return 0
		_hvsim_add "$cur" "--param
--help"
		;;
	down)
		_hvsim_add "$cur" "--help"
		;;
	domain)
		if [[ -z $sub ]]; then
			_hvsim_add "$cur" "create
destroy
--help"
		elif [[ $sub == create ]]; then
			case $prev in
			--mem | --param | --event-channels) return 0 ;;
			esac
			[[ $cur == -* ]] && _hvsim_add "$cur" "--mem
--event-channels
--param
--help"
		elif [[ $sub == destroy && $cur == -* ]]; then
			_hvsim_add "$cur" "--help"
		elif [[ $sub == destroy && $nargs == 0 ]]; then
			_hvsim_add "$cur" "$(_hvsim_domains "$exe")"
		fi
		;;
	domid | grants | evtchn | log)
		if [[ $cur == -* ]]; then
			case $cmd in
			grants | evtchn) _hvsim_add "$cur" "--json
--help" ;;
			log) _hvsim_add "$cur" "-f
--follow
--help" ;;
			*) _hvsim_add "$cur" "--help" ;;
			esac
		elif [[ $nargs == 0 ]]; then
			# a dead domain still has its kernel log
			_hvsim_add "$cur" "$(_hvsim_domains "$exe" \
				"$([[ $cmd == log ]] && echo --all)")"
		fi
		;;
	list)
		_hvsim_add "$cur" "--all
--json
--help"
		;;
	trace)
		if [[ $prev == --svg || $prev == --html ]]; then
			_hvsim_files "$cur"
			return 0
		fi
		_hvsim_add "$cur" "-f
--follow
--json
--svg
--html
--help"
		;;
	xenstore)
		if [[ -z $sub ]]; then
			_hvsim_add "$cur" "ls
read
write
rm
--help"
		elif [[ $sub == ls && $cur == -* ]]; then
			_hvsim_add "$cur" "--json
--help"
		fi
		;;
	run)
		# hvsim run DOMAIN [--] PROGRAM [ARGS...]: PROGRAM is word 3 or 4
		local prog=3
		[[ ${COMP_WORDS[3]-} == -- ]] && ((COMP_CWORD > 3)) && prog=4
		if ((COMP_CWORD == 2)); then
			if [[ $cur == -* ]]; then
				_hvsim_add "$cur" "--help"
			else
				_hvsim_add "$cur" "$(_hvsim_domains "$exe")"
			fi
		elif ((COMP_CWORD == 3)) && [[ $cur == -* ]]; then
			_hvsim_add "$cur" "--"
		elif ((COMP_CWORD == prog)); then
			# a command along $PATH, or a path
			if [[ $cur == */* ]]; then
				_hvsim_files "$cur"
			else
				_hvsim_add "$cur" "$(compgen -c -- "$cur" | sort -u)"
			fi
		elif declare -F _command_offset >/dev/null 2>&1; then
			# the program's own arguments, by its own completion
			_command_offset "$prog"
		else
			_hvsim_files "$cur"
		fi
		;;
	fault)
		# hvsim fault [--json] DOMAIN [clear [KIND] | KIND [HOW] [--nth N]
		# [--times N | --always]]
		case $prev in
		--nth | --times) return 0 ;;
		esac
		if [[ $cur == -* ]]; then
			_hvsim_add "$cur" "--json
--nth
--times
--always
--help"
		elif [[ $nargs == 0 ]]; then
			_hvsim_add "$cur" "$(_hvsim_domains "$exe")"
		elif [[ $nargs == 1 ]]; then
			_hvsim_add "$cur" "clear
$_hvsim_fault_kinds"
		elif [[ $nargs == 2 && $prev == clear ]]; then
			_hvsim_add "$cur" "$_hvsim_fault_kinds"
		fi
		;;
	scenario)
		if [[ $prev == --svg || $prev == --html ]]; then
			_hvsim_files "$cur"
		elif [[ $cur == -* ]]; then
			_hvsim_add "$cur" "--explain
--svg
--html
--attach
--keep
-q
--quiet
--check
--help"
		else
			_hvsim_add "$cur" "$(_hvsim_scenario_names "$exe" | sort -u)"
			_hvsim_files "$cur" scn
		fi
		;;
	esac
	return 0
}

complete -F _hvsim hvsim
