#!/usr/bin/env bash
# Measures `cookbook verify`'s own costs (see README.md beside this file):
#   1. runner overhead per block: one page of 200 `true` blocks vs bash running them directly
#   2. the resource ledger per page: 40 one-block pages with the engine vs without it
#   3. 20 pages x 3 `docker run --rm busybox true` at --jobs 1 and --jobs 2
# Usage: benches/verify/run.sh [path/to/cookbook]   (default: target/release/cookbook,
# else target/debug/cookbook). Needs a Docker engine with busybox:latest for 2 and 3.
# ONLY=2 runs only the listed measures (any of 1, 2, 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-}
if [ -z "$BIN" ]; then
  if [ -x target/release/cookbook ]; then BIN=target/release/cookbook; else BIN=target/debug/cookbook; fi
fi
BIN=$(realpath "$BIN")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc -l; }
book() { # book DIR PAGES BLOCKS_PER_PAGE SCRIPT
  mkdir -p "$1/content"
  printf '[book]\ntitle = "bench"\n[verify]\nrequire = []\ntimeout = "60s"\n' > "$1/book.toml"
  for p in $(seq -w 1 "$2"); do
    for _ in $(seq 1 "$3"); do printf '```bash verify\n%s\n```\n\n' "$4"; done > "$1/content/p$p.md"
  done
}
best_of() { # best_of N CMD... : the fastest of N runs, in seconds
  local n=$1; shift; local best=
  for _ in $(seq 1 "$n"); do
    local t0; t0=$(now); "$@" >/dev/null 2>&1 || true; local t; t=$(elapsed "$t0")
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

echo "binary: $BIN"
ONLY=${ONLY:-123}
if [[ $ONLY == *1* ]]; then
echo "== 1. runner overhead per block (200 x true, one page, no engine) =="
book "$WORK/b1" 1 200 true
direct() { for _ in $(seq 1 200); do bash -c true; done; }
t_direct=$(best_of 3 direct)
t_verify=$(best_of 3 env DOCKER_HOST=unix:///nonexistent.sock "$BIN" verify --root "$WORK/b1" --jobs 1)
printf 'bash directly: %.3fs  verify: %.3fs  overhead: %.2f ms/block\n' "$t_direct" "$t_verify" \
  "$(echo "($t_verify - $t_direct) * 1000 / 200" | bc -l)"

fi

if ! docker info >/dev/null 2>&1; then echo "no Docker engine: skipping 2 and 3"; exit 0; fi

if [[ $ONLY == *2* ]]; then
echo "== 2. resource ledger per page (40 pages x 1 true block, --jobs 1) =="
book "$WORK/b2" 40 1 true
t_off=$(best_of 3 env DOCKER_HOST=unix:///nonexistent.sock "$BIN" verify --root "$WORK/b2" --jobs 1)
t_on=$(best_of 3 "$BIN" verify --root "$WORK/b2" --jobs 1)
printf 'without engine: %.3fs  with engine: %.3fs  ledger: %.2f ms/page (incl. one preflight)\n' "$t_off" "$t_on" \
  "$(echo "($t_on - $t_off) * 1000 / 40" | bc -l)"

fi

[[ $ONLY == *3* ]] || exit 0
echo "== 3. 20 pages x 3 docker run --rm busybox true =="
book "$WORK/b3" 20 3 'docker run --rm busybox:latest true'
t_j1=$(best_of 2 "$BIN" verify --root "$WORK/b3" --jobs 1)
t_j2=$(best_of 2 "$BIN" verify --root "$WORK/b3" --jobs 2)
printf -- '--jobs 1: %.2fs  --jobs 2: %.2fs  ratio: %.2f (goal <= 0.6)\n' "$t_j1" "$t_j2" "$(echo "$t_j2 / $t_j1" | bc -l)"
