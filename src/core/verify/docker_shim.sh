#!/usr/bin/env bash
# Written by `cookbook verify`: labels what the docs' commands create so the run can
# remove exactly what a page left behind, and notes in the page's ledger file what it
# cannot label (tags, loaded images, anonymous volumes). Everything else passes through.
real='@REAL@'
page="$COOKBOOK_VERIFY_PAGE"; block="$COOKBOOK_VERIFY_BLOCK"; ledger="$COOKBOOK_VERIFY_LEDGER"
[ -n "$page" ] || exec "$real" "$@"
args=("$@")
i=0
while [ $i -lt ${#args[@]} ]; do
  case "${args[$i]}" in
    -H|--host|-c|--context|--config|-l|--log-level|--tlscacert|--tlscert|--tlskey) i=$((i+2)) ;;
    -*) i=$((i+1)) ;;
    *) break ;;
  esac
done
cmd="${args[$i]}"; sub="${args[$((i+1))]}"
verb="$cmd"; at=$((i+1))
case "$cmd" in
  container|image|builder) verb="$sub"; at=$((i+2)) ;;
  network|volume) verb="$cmd-$sub"; at=$((i+2)) ;;
esac
# Pages run side by side share the classic builder's layer cache, and removing an image
# deletes its untagged parents, which a build on another page may be using as its next
# step's parent: a removal waits for the builds in progress (and they for it).
lock="$COOKBOOK_VERIFY_IMAGE_LOCK"
mode=
case "$cmd $sub" in
  "build "*|"image build"|"builder build") mode=-s ;;
  "rmi "*|"image rm"|"image remove"|"image prune"|"system prune"|"builder prune") mode=-x ;;
esac
if [ -n "$mode" ] && [ -n "$lock" ] && command -v flock >/dev/null 2>&1 && exec 9>>"$lock"; then
  flock "$mode" 9
fi
# A label the docs set on cookbook's own keys would hide what they make: drop it.
kept=("${args[@]:0:$at}")
j=$at
while [ $j -lt ${#args[@]} ]; do
  a="${args[$j]}"
  case "$a" in
    --label=@PREFIX@*|-l=@PREFIX@*) ;;
    --label|-l) case "${args[$((j+1))]}" in @PREFIX@*) j=$((j+1)) ;; *) kept+=("$a") ;; esac ;;
    *) kept+=("$a") ;;
  esac
  j=$((j+1))
done
args=("${kept[@]}")
labels=(--label "@PAGE_LABEL@=$page" --label "@BLOCK_LABEL@=$block")
# Runs the real docker; when it fails, records its exit status and the last 8 KiB of its
# own stderr in the block's errors folder, the only text verify reads to judge a block
# blocked or stale. Where the block's stdout and stderr share one pipe, both streams pass
# through one pipe here too, so their order is kept.
errs="$COOKBOOK_VERIFY_DOCKER_ERRORS"
run_real() {
  [ -n "$errs" ] && [ -d "$errs" ] || exec "$real" "$@"
  local tmp rc me=$BASHPID
  tmp=$(mktemp "$errs/$(date +%s%N).XXXXXX") || exec "$real" "$@"
  if [ "$(readlink /proc/$me/fd/1)" = "$(readlink /proc/$me/fd/2)" ]; then
    "$real" "$@" 2>&1 | { tee -a /dev/fd/4 | tail -c 8192 > "$tmp"; } 4>&1
    rc=${PIPESTATUS[0]}
  else
    { "$real" "$@" 2>&1 1>&3 3>&- | { tee -a /dev/fd/4 | tail -c 8192 > "$tmp"; } 4>&2; rc=${PIPESTATUS[0]}; } 3>&1
  fi
  if [ "$rc" -ne 0 ]; then
    { printf 'exit %s %s\n' "$rc" "$verb"; cat "$tmp"; } > "$tmp.failed"
  fi
  rm -f "$tmp"
  exit "$rc"
}
note() { [ -z "$ledger" ] || printf '%s\t%s\t%s\n' "$1" "$2" "$block" >> "$ledger"; }
# A named volume that `-v name:/path` or `--mount source=name` would create implicitly
# is created first, labelled, so it is the page's.
named_volume() {
  case "$1" in
    [A-Za-z0-9]*) ;;
    *) return ;;
  esac
  [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || return
  "$real" volume inspect "$1" >/dev/null 2>&1 || "$real" volume create "${labels[@]}" "$1" >/dev/null 2>&1 || true
}
# The positional arguments after the subcommand, skipping options that take a value.
positional() {
  local k=$at out=()
  while [ $k -lt ${#args[@]} ]; do
    case "${args[$k]}" in
      -a|--author|-c|--change|-m|--message|--platform|-o|--output|-i|--input) k=$((k+1)) ;;
      -*) ;;
      *) out+=("${args[$k]}") ;;
    esac
    k=$((k+1))
  done
  printf '%s\n' "${out[@]}"
}
case "$verb" in
  run|create)
    k=$at
    while [ $k -lt ${#args[@]} ]; do
      a="${args[$k]}"; v=
      case "$a" in
        -v|--volume) v="${args[$((k+1))]%%:*}"; case "${args[$((k+1))]}" in *:*) ;; *) v= ;; esac ;;
        --volume=*|-v=*) v="${a#*=}"; case "$v" in *:*) v="${v%%:*}" ;; *) v= ;; esac ;;
        --mount|--mount=*)
          m="${a#--mount}"; m="${m#=}"; [ -n "$m" ] || m="${args[$((k+1))]}"
          case ",$m," in *,type=volume,*) ;; *,type=*) m= ;; esac
          v=$(printf '%s' "$m" | tr ',' '\n' | sed -n 's/^\(source\|src\)=//p' | head -n1) ;;
      esac
      [ -z "$v" ] || named_volume "$v"
      k=$((k+1))
    done
    run_real "${args[@]:0:$at}" "${labels[@]}" "${args[@]:$at}" ;;
  network-create|volume-create)
    run_real "${args[@]:0:$at}" "${labels[@]}" "${args[@]:$at}" ;;
  build)
    note made -
    k=$at
    while [ $k -lt ${#args[@]} ]; do
      case "${args[$k]}" in
        -t|--tag) note tag "${args[$((k+1))]}" ;;
        --tag=*|-t=*) note tag "${args[$k]#*=}" ;;
      esac
      k=$((k+1))
    done
    run_real "${args[@]:0:$at}" "${labels[@]}" "${args[@]:$at}" ;;
  tag)
    mapfile -t pos < <(positional)
    [ ${#pos[@]} -lt 2 ] || note tag "${pos[1]}"
    run_real "${args[@]}" ;;
  commit|import)
    note made -
    mapfile -t pos < <(positional)
    [ ${#pos[@]} -lt 2 ] || note tag "${pos[1]}"
    run_real "${args[@]:0:$at}" --change "LABEL @PAGE_LABEL@=$page @BLOCK_LABEL@=$block" "${args[@]:$at}" ;;
  load)
    note made -
    out=$(run_real "${args[@]}"); rc=$?
    [ -z "$out" ] || printf '%s\n' "$out"
    while IFS= read -r line; do
      case "$line" in
        "Loaded image: "*) note tag "${line#Loaded image: }" ;;
        "Loaded image ID: "*) note image "${line#Loaded image ID: }" ;;
      esac
    done <<< "$out"
    exit $rc ;;
  rm)
    # Without -v a container's anonymous volumes outlive it: note them.
    for c in $(positional); do
      for v in $("$real" inspect -f '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}' "$c" 2>/dev/null); do
        [[ "$v" =~ ^[0-9a-f]{64}$ ]] && note volume "$v"
      done
    done
    run_real "${args[@]}" ;;
esac
run_real "${args[@]}"
