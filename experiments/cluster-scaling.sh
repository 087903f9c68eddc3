#!/usr/bin/env bash
# Scaling of cluster mode on this machine: wall time of one Netflix-scale attack for 1, 2, 4, 8
# workers, as threads of one process and as processes of one thread on this host, and the bytes
# that cross the loopback interface per aux record (TCP payload and headers, timely's progress
# messages included) for the multi-process runs, at two sizes of release.
#
#   bash experiments/cluster-scaling.sh            # prints a table; set WORK, TARGETS, WORKERS
set -euo pipefail
D=${DEANON:-target/release/deanon}
W=${WORK:-/tmp/deanon-scaling}
TARGETS=${TARGETS:-4000}
WORKERS=${WORKERS:-"1 2 4 8"}
mkdir -p "$W"
[ -f "$W/full.deanon" ] || "$D" --quiet generate --preset netflix-like -o "$W/full.deanon"
[ -f "$W/tenth.deanon" ] || "$D" --quiet generate --preset netflix-like --users 48019 -o "$W/tenth.deanon"
for data in full tenth; do
  [ -f "$W/$data.aux.csv" ] || "$D" --quiet aux "$W/$data.deanon" --targets "$TARGETS" --items 8 \
      --date-error 14 --seed 7 -o "$W/$data.aux.csv" 2>/dev/null
done
aux_records=$(($(cut -d, -f1 "$W/full.aux.csv" | sort -u | wc -l) - 1))
lo_rx() { awk '/^ *lo:/ {print $2}' /proc/net/dev; }
now() { date +%s.%N; }

echo "mode workers data seconds aux_per_s loopback_bytes_per_aux"
for threads in 1 2; do
  t0=$(now)
  "$D" --quiet --threads "$threads" attack "$W/full.deanon" --aux "$W/full.aux.csv" -o "$W/reference.csv"
  t=$(echo "$(now) - $t0" | bc)
  echo "rayon $threads full $t $(echo "$aux_records / $t" | bc) 0"
done
for w in $WORKERS; do
  t0=$(now)
  "$D" --quiet attack "$W/full.deanon" --aux "$W/full.aux.csv" -o "$W/threads-$w.csv" --workers "$w"
  t=$(echo "$(now) - $t0" | bc)
  cmp -s "$W/threads-$w.csv" "$W/reference.csv" || { echo "threads $w: results differ"; exit 1; }
  echo "threads $w full $t $(echo "$aux_records / $t" | bc) 0"
done
for data in full tenth; do
  for w in $WORKERS; do
    [ "$data" = tenth ] && [ "$w" = 1 ] && continue
    base=$((20000 + RANDOM % 20000))
    for i in $(seq 0 $((w - 1))); do echo "127.0.0.1:$((base + i))"; done > "$W/hosts"
    rx0=$(lo_rx); t0=$(now)
    for p in $(seq 0 $((w - 1))); do
      "$D" --quiet attack "$W/$data.deanon" --aux "$W/$data.aux.csv" -o "$W/processes-$data-$w.csv" \
          --processes "$w" --process "$p" --hostfile "$W/hosts" > /dev/null &
    done
    wait
    t=$(echo "$(now) - $t0" | bc); rx=$(( $(lo_rx) - rx0 ))
    n=$(($(cut -d, -f1 "$W/$data.aux.csv" | sort -u | wc -l) - 1))
    echo "processes $w $data $t $(echo "$n / $t" | bc) $((rx / n))"
  done
done
