#!/usr/bin/env bash
# End-to-end benchmark: generated partner lists (five files in CSV, JSON and NDJSON,
# French, Dutch and mixed, 30 % duplicate rows) imported by one pipeline into a fresh
# SQLite map with the offline gazetteer. Prints, per size, the wall time, peak memory,
# rows per second and the seconds of each stage (from the run's JSON log), then how the
# time grows with the rows.
#
# Usage: bench/import/run.sh [ROWS ...]        (default: 500000 1000000)
# Environment: GLANEUR (release binary, default .build/release/glaneur),
#   PRODUCERS (make_producers.py), WORK (scratch folder, kept for reruns),
#   THREADS (default: every core).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
GLANEUR="${GLANEUR:-$ROOT/.build/release/glaneur}"
PRODUCERS="${PRODUCERS:-$ROOT/../shared/data/producers/make_producers.py}"
WORK="${WORK:-/tmp/glaneur-bench-import}"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(500000 1000000)
[ -x "$GLANEUR" ] || { echo "no $GLANEUR: run 'swift build -c release' first" >&2; exit 1; }
mkdir -p "$WORK"

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %-9s %-9s %-10s %s\n' rows wall peak rows/s "read / normalise / geocode / deduplicate / load (s)"

previous=""
for rows in "${SIZES[@]}"; do
    dir="$WORK/lists-$rows"
    if [ ! -f "$dir/ground_truth.csv" ]; then
        python3 "$PRODUCERS" --seed 31 --rows "$rows" --dup-rate 0.3 --lang mixed \
            --out "$dir" >/dev/null
    fi
    cat >"$dir/pipeline.json5" <<JSON5
{
  name: "bench-$rows",
  sources: [
    { path: "partner_a.csv", partner: "Partner A", priority: 3, delivery: "full" },
    { path: "partner_b_fr.csv", partner: "Partner B", priority: 2 },
    { path: "partner_c_nl.csv", partner: "Partner C", priority: 2 },
    { path: "partner_d.json", partner: "Partner D", priority: 1 },
    { path: "partner_e.ndjson", partner: "Partner E", priority: 1 },
  ],
  geocode: { providers: ["offline"], minimum_precision: "locality" },
  target: { database: "map.sqlite", mode: "upsert" },
}
JSON5
    map="$dir/map.sqlite"
    rm -f "$map" "$map-wal" "$map-shm"
    log="$dir/import.log"
    threads=()
    [ -n "${THREADS:-}" ] && threads=(--threads "$THREADS")
    /usr/bin/time -f "%e %M" -o "$log.time" \
        "$GLANEUR" import "$dir/pipeline.json5" --db "$map" --report "$dir/reports" \
        --log-format json "${threads[@]}" 2>"$log"
    read -r wall peak <"$log.time"
    stages=$(python3 - "$log" <<'PY'
import json, sys
seconds = {}
for line in open(sys.argv[1]):
    event = json.loads(line)
    if event.get("event") == "stage-finished":
        seconds[event["stage"]] = event["seconds"]
print(" / ".join(f"{seconds.get(s, 0):.1f}" for s in
                 ["read", "normalise", "geocode", "deduplicate", "load"]))
PY
)
    rate=$(awk -v r="$rows" -v w="$wall" 'BEGIN { printf "%d", r / w }')
    printf '%-9s %-9s %-9s %-10s %s\n' "$rows" "${wall}s" "$((peak / 1024))MB" "$rate" "$stages"
    if [ -n "$previous" ]; then
        read -r prows pwall <<<"$previous"
        awk -v r="$rows" -v pr="$prows" -v w="$wall" -v pw="$pwall" \
            'BEGIN { printf "  %.2f× the rows took %.2f× the time\n", r / pr, w / pw }'
    fi
    previous="$rows $wall"
done
