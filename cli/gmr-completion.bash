# bash completion for gmr(1). Installed as $datadir/bash-completion/completions/gmr (loaded on demand by
# the bash-completion package); or source this file. Needs nothing but bash.
#
#   gmr <Tab>                 subcommands (dump, report), or options after "-"
#   gmr dump -<Tab>           the options of dump
#   gmr dump <Tab>            pids of processes with a command line (no kernel threads), shown as "PID NAME"
#   gmr dump 12<Tab>          pids starting with 12
#   gmr dump redis<Tab>       pids of processes whose name (comm) starts with "redis"
#   gmr dump --threads <Tab>  thread ids of the pids already on the line, shown as "TID NAME"
#   gmr report <Tab>          files (the core); gmr report -<Tab>: the options of report
#   --format, --sections (after a comma too), --output-dir, --sysroot (directories), --sidecar, --core, --exe
#   (files) complete their values.
#
# A single candidate is inserted as the bare id; several are listed as "ID NAME" so the names show, and
# since no two of them share the text after the id, bash inserts at most their common digits.

_gmr_dump_options="--help --json --format --output-dir --threads --max-frames --no-source --no-cache --no-python --no-green-threads --native --group --sections --timeout --max-stack --config-symbol --sidecar --mask --show-secrets --max-config-bytes --core --no-report"
_gmr_report_options="--help --json --format --threads --max-frames --no-source --native --group --sections --mask --show-secrets --exe --sysroot --max-stack"
_gmr_formats="text json folded"
_gmr_sections="package threads green_threads deadlocks processes configuration custom"

# _gmr_ids_reply CUR DIR...: COMPREPLY from the numeric entries of the DIRs (/proc or /proc/PID/task).
_gmr_ids_reply() {
  local cur=$1 entry id name arg
  shift
  local -a found=()
  for entry in "$@"; do
    id=${entry##*/}
    [[ $id == +([0-9]) ]] || continue
    name=
    read -r name 2>/dev/null <"$entry/comm" || continue
    # Kernel threads have no command line: nothing to dump.
    arg=
    IFS= read -r -d '' arg 2>/dev/null <"$entry/cmdline"
    [[ -n $arg ]] || continue
    if [[ -z $cur || $id == "$cur"* ]] || [[ $cur != [0-9]* && $name == "$cur"* ]]; then
      found+=("$id $name")
    fi
  done
  if ((${#found[@]} == 1)); then
    COMPREPLY=("${found[0]%% *}")
  else
    COMPREPLY=("${found[@]}")
  fi
}

_gmr() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local word i subcommand= option=
  COMPREPLY=()

  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ ${COMP_WORDS[i]} != -* ]]; then
      subcommand=${COMP_WORDS[i]}
      break
    fi
  done
  if [[ -z $subcommand ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "dump report" -- "$cur"))
    fi
    return 0
  fi
  [[ $subcommand == @(dump|report) ]] || return 0

  # "--format=js": bash splits it into "--format" "=" "js".
  if [[ $prev == = ]]; then
    option=${COMP_WORDS[COMP_CWORD-2]}
  elif [[ $cur == = ]]; then
    option=$prev
    cur=
  else
    option=$prev
  fi

  case $option in
    --format)
      COMPREPLY=($(compgen -W "$_gmr_formats" -- "$cur"))
      return 0
      ;;
    --sections)
      local done_part= last=$cur
      if [[ $cur == *,* ]]; then
        done_part=${cur%,*},
        last=${cur##*,}
      fi
      COMPREPLY=($(compgen -P "$done_part" -W "$_gmr_sections" -- "$last"))
      compopt -o nospace 2>/dev/null
      return 0
      ;;
    --output-dir | --sysroot)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -d -- "$cur"))
      return 0
      ;;
    --threads)
      local -a tasks=()
      for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        [[ $word == +([0-9]) && ${COMP_WORDS[i-1]} != --@(threads|max-frames|timeout|max-stack|max-config-bytes) ]] || continue
        tasks+=(/proc/"$word"/task/*)
      done
      ((${#tasks[@]})) && _gmr_ids_reply "${cur##*,}" "${tasks[@]}"
      return 0
      ;;
    --sidecar | --core | --exe)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
      return 0
      ;;
    --timeout | --max-stack | --max-frames | --config-symbol | --mask | --max-config-bytes)
      return 0
      ;;
  esac

  if [[ $subcommand == report ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$_gmr_report_options" -- "$cur"))
    else
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
    fi
    return 0
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$_gmr_dump_options" -- "$cur"))
    return 0
  fi
  _gmr_ids_reply "$cur" /proc/*
  return 0
}

complete -F _gmr gmr
