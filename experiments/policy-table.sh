#!/usr/bin/env bash
# The "Choosing a release policy" table of docs/release.md: for each policy, the re-identification rate of
# an adversary with 8 facts, 2 of them wrong, dates within 14 days (6 of 8 +-14, the paper's
# Fig. 4 setting) and the policy's RMSE cost.
# Usage: experiments/policy-table.sh [DATA.deanon] [OUT_DIR]   (default: a 48,019-person
# netflix-like twin, seed 1, i.e. 10% of Netflix).
set -euo pipefail
deanon=${DEANON:-target/release/deanon}
out=${2:-policy-table}
mkdir -p "$out"
data=${1:-$out/netflix-like-48019.deanon}
[ -f "$data" ] || "$deanon" generate --preset netflix-like --users 48019 --seed 1 --no-attributes -o "$data" -q
policies=(
  "pseudonymize"
  "sample:fraction=0.1"
  "drop:fraction=0.5"
  "insert:fraction=0.5"
  "rating-noise:scale=1"
  "rating-drop"
  "date-noise:days=30"
  "date-coarsen:to=month"
  "date-drop"
  "rare-items:min_support=5000"
  "truncate:max_per_record=20"
  "km-anonymity:k=50,m=2"
  "km-anonymity:k=1000,m=2"
  "microaggregate:k=5"
  "dp:epsilon=100,max_per_record=20"
  "date-coarsen:to=year|rating-noise:scale=1|drop:fraction=0.3"
)
printf '| policy | re-identified (top-1) | matched (phi 1.5) | precision | RMSE released | RMSE cost | entries kept |\n|---|---|---|---|---|---|---|\n'
for p in "${policies[@]}"; do
  "$deanon" release "$data" --policy "$p" --seed 1 -o "$out/rel.deanon" --key "$out/rel.key.csv" --utility "$out/u.json" -q
  "$deanon" aux "$data" --key "$out/rel.key.csv" --targets 1000 --items 8 --wrong 2 --date-error 14 --seed 1 -o "$out/aux.csv" -q 2>/dev/null
  "$deanon" attack "$out/rel.deanon" --aux "$out/aux.csv" --key "$out/rel.key.csv" -o "$out/m.csv" --summary "$out/s.json" -q
  python3 - "$p" "$out/s.json" "$out/u.json" <<'PY'
import json, sys
p, s, u = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
f = lambda x, d=3: "-" if x is None else f"{x:.{d}f}"
p = p.replace("|", "\\|")
print(f"| `{p}` | {f(s['top1_rate'])} | {f(s['matched_rate'])} | {f(s['precision'])} | {f(u['rmse_released'],4)} | {f(u['rmse_cost'],4)} | {f(u['kept_fraction'])} |")
PY
done
