#!/usr/bin/env bash
# Times the informed audit against the --naive one, interleaved in one sitting (this machine's
# speed drifts): the full-scale twin, the default battery and sample, two candidates.
# Usage: experiments/audit-timing.sh [DATA.deanon] [OUT_DIR] [ROUNDS]   (default: the
# 480,189-person netflix-like twin, made if missing; 1 round). Prints wall seconds and peak
# memory per run, and the informed/naive ratio of each round.
set -euo pipefail
deanon=${DEANON:-target/release/deanon}
out=${2:-audit-timing}
rounds=${3:-1}
mkdir -p "$out"
data=${1:-$out/full.deanon}
[ -f "$data" ] || "$deanon" generate --preset netflix-like -o "$data" -q
run() { # MODE -> "seconds peak_kib"
  local dir="$out/$1"
  rm -rf "$dir"
  local flag=()
  [ "$1" = naive ] && flag=(--naive)
  /usr/bin/time -f "%e %M" -o "$out/$1.time" "$deanon" audit "$data" \
    --policy 'sample:fraction=0.1' --policy 'date-coarsen:to=year|rating-noise:scale=1' \
    "${flag[@]}" -o "$dir" -q
  cat "$out/$1.time"
}
for ((k = 1; k <= rounds; k++)); do
  read -r ns nm < <(run naive)
  read -r is im < <(run informed)
  printf 'round %d: naive %s s %s KiB, informed %s s %s KiB, ratio %.2f\n' \
    "$k" "$ns" "$nm" "$is" "$im" "$(awk -v a="$is" -v b="$ns" 'BEGIN { print a / b }')"
done
