#!/usr/bin/env bash
# Build-speed benchmark: the same synthetic corpus built by cookbook, mdBook and Hugo in one
# run; prints wall time and peak memory and the ratios. Run by hand:
#   apt-get install hugo time; cargo install mdbook; benches/build.sh [SIZES...]
# Each build runs RUNS times (default 3) into an empty output folder; the median wall time is
# reported. `WARM=1` keeps the previous output (cookbook then links unchanged files).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000}")
runs=${RUNS:-3}
cargo build --release --quiet
cookbook=$PWD/target/release/cookbook
work=${BENCH_DIR:-/tmp/cookbook-bench}
# Where the sites are written. On a disk, creating thousands of files right after deleting
# thousands (each run starts from an empty folder) makes timings depend on the file system's
# state; BENCH_OUT=/dev/shm/cookbook-bench (tmpfs) measures the tools rather than the disk.
out=${BENCH_OUT:-$work}
mkdir -p "$work" "$out"

measure() { # label, command... → "median_seconds peak_kib"; clean builds: outputs removed first
  local label=$1; shift
  local times=() mem=0
  for _ in $(seq "$runs"); do
    [ -n "${WARM:-}" ] || rm -rf "$out"/out-*
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || { echo "$label failed:" >&2; tail -5 "$work/err.txt" >&2; return 1; }
    [ "$label" = cookbook ] && du -sh "$out/out-cookbook" | sed 's/^/  cookbook output: /' >&2
    read -r t m < "$work/time.txt"
    times+=("$t"); (( m > mem )) && mem=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
  echo "$median $mem"
}

for n in ${sizes[@]}; do
  corpus="$work/corpus-$n"
  [ -d "$corpus" ] || python3 benches/corpus.py "$n" "$corpus"
  echo "== $n pages"
  declare -A wall=() peak=()
  run() { local r; r=$(measure "$@") || return 0; wall[$1]=${r% *}; peak[$1]=${r#* }; printf '  %-22s %8.2f s %8d MiB\n' "$1" "${wall[$1]}" $(( ${peak[$1]} / 1024 )); }
  run cookbook "$cookbook" build --root "$corpus/book" --out "$out/out-cookbook"
  command -v mdbook >/dev/null && run mdbook mdbook build "$corpus/book" -d "$out/out-mdbook"
  if command -v hugo >/dev/null; then
    if [ "$n" -le 2000 ]; then run hugo-sidebar hugo --quiet -s "$corpus/hugo" -d "$out/out-hugo"; fi
    run hugo-no-sidebar hugo --quiet -s "$corpus/hugo-flat" -d "$out/out-hugo-flat"
  fi
  for peer in mdbook hugo-sidebar hugo-no-sidebar; do
    [ -n "${wall[$peer]:-}" ] && awk -v a="${wall[cookbook]}" -v b="${wall[$peer]}" -v ma="${peak[cookbook]}" -v mb="${peak[$peer]}" -v p="$peer" \
      'BEGIN { printf "  cookbook / %-16s time %.3fx  memory %.2fx\n", p, a / b, ma / mb }'
  done
  unset wall peak
done
