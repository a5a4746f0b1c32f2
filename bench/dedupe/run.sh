#!/usr/bin/env bash
# Deduplication benchmark: Glaneur against Splink 4 (DuckDB) on the same generated
# producer lists, in one run. Prints pairwise precision/recall/F1, wall time and peak
# memory of each, and Glaneur's speed ratio.
#
# Usage: bench/dedupe/run.sh [SIZE:SEED:DUP_RATE:LANG ...]
#   (default: 5000:11:0.3:mixed 5000:12:0.5:fr 5000:13:0.2:nl 50000:2:0.3:mixed)
# Environment: GLANEUR (the release binary, default .build/release/glaneur),
#   PRODUCERS (make_producers.py), SPLINK_RUNNER (dedup_splink.py), WORK (scratch folder).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
GLANEUR="${GLANEUR:-$ROOT/.build/release/glaneur}"
PRODUCERS="${PRODUCERS:-$ROOT/../shared/data/producers/make_producers.py}"
SPLINK_RUNNER="${SPLINK_RUNNER:-$ROOT/../shared/peers/linkage/dedup_splink.py}"
WORK="${WORK:-$(mktemp -d)}"
SETS=("$@")
[ ${#SETS[@]} -gt 0 ] || SETS=(5000:11:0.3:mixed 5000:12:0.5:fr 5000:13:0.2:nl 50000:2:0.3:mixed)

# Peak resident memory in MB and wall seconds of a command, from GNU time.
measure() {
    local log="$1"; shift
    /usr/bin/time -f "%e %M %U %S" -o "$log.time" "$@" >"$log" 2>&1
    awk '{printf "%s s (cpu %.1f s), %d MB", $1, $3 + $4, $2/1024}' "$log.time"
}

printf '%-28s %-8s %-26s %-34s %s\n' set tool "pairwise P / R / F1" "time, peak memory" \
    "Glaneur faster by"

for spec in "${SETS[@]}"; do
    IFS=: read -r rows seed dup lang <<<"$spec"
    dir="$WORK/set-$rows-$seed-$dup-$lang"
    if [ ! -f "$dir/ground_truth.csv" ]; then
        python3 "$PRODUCERS" --seed "$seed" --rows "$rows" --dup-rate "$dup" --lang "$lang" \
            --out "$dir" >/dev/null
    fi
    files=("$dir/partner_a.csv" "$dir/partner_b_fr.csv" "$dir/partner_c_nl.csv" \
        "$dir/partner_d.json" "$dir/partner_e.ndjson")

    # Splink's input: the same records, raw, flattened to one CSV (not timed).
    : >"$dir/records.ndjson"
    for file in "${files[@]}"; do "$GLANEUR" read "$file" -q >>"$dir/records.ndjson"; done
    python3 "$HERE/to_splink_csv.py" "$dir" "$dir/records.ndjson" "$dir/splink-in.csv"

    glaneur_cost=$(measure "$dir/glaneur.log" "$GLANEUR" dedupe "${files[@]}" \
        -o "$dir/glaneur-clusters.csv")
    glaneur_eval=$("$GLANEUR" evaluate --truth "$dir/ground_truth.csv" \
        --clusters "$dir/glaneur-clusters.csv" --json)

    splink_cost=$(measure "$dir/splink.log" python3 "$SPLINK_RUNNER" "$dir/splink-in.csv" \
        "$dir/splink-out.csv" --truth true_entity)
    # The Splink runner's clusters, in the truth's file,row,cluster_id shape.
    python3 - "$dir/splink-out.csv" "$dir/splink-clusters.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["file", "row", "cluster_id"])
    for r in csv.DictReader(f):
        file, row = r["id"].rsplit(":", 1)
        w.writerow([file, row, r["cluster_id"]])
PY
    splink_eval=$("$GLANEUR" evaluate --truth "$dir/ground_truth.csv" \
        --clusters "$dir/splink-clusters.csv" --json)

    figures() {
        python3 -c 'import json,sys; e=json.loads(sys.argv[1]);
print("%.4f / %.4f / %.4f" % (e["precision"], e["recall"], e["f1"]))' "$1"
    }
    g_time=$(cut -d' ' -f1 "$dir/glaneur.log.time")
    s_time=$(cut -d' ' -f1 "$dir/splink.log.time")
    g_cpu=$(awk '{print $3 + $4}' "$dir/glaneur.log.time")
    s_cpu=$(awk '{print $3 + $4}' "$dir/splink.log.time")
    ratio=$(python3 -c "print('%.1fx wall, %.1fx cpu' % ($s_time / $g_time, $s_cpu / $g_cpu))")
    printf '%-28s %-8s %-26s %-34s %s\n' "$rows rows seed $seed $dup $lang" glaneur \
        "$(figures "$glaneur_eval")" "$glaneur_cost" "$ratio"
    printf '%-28s %-8s %-26s %-34s\n' "" splink "$(figures "$splink_eval")" "$splink_cost"
done
echo "work files in $WORK"
