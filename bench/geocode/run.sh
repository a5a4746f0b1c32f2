#!/usr/bin/env bash
# Geocoding benchmark: Glaneur's offline gazetteer against addok loaded with the same
# reference data, on the evaluation set built from the gazetteer, in one run.
#
# Usage: bench/geocode/run.sh PEERS_DIR [PRODUCERS_DIR]
#   PEERS_DIR      the peers folder (with addok/start_addok.sh, installed by its install.sh)
#   PRODUCERS_DIR  optional: synthetic producer lists (make_producers.py output) to report
#                  locality accuracy on
# Environment: WORK (default /tmp/glaneur-bench-geocode), RUNS (Glaneur timing runs, 3),
# GLANEUR (a release glaneur binary to use instead of building one).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PEERS="${1:?usage: run.sh PEERS_DIR [PRODUCERS_DIR]}"
PRODUCERS="${2:-}"
WORK="${WORK:-/tmp/glaneur-bench-geocode}"
RUNS="${RUNS:-3}"
mkdir -p "$WORK"

if [ -n "${GLANEUR:-}" ]; then
  G="$GLANEUR"
else
  echo "== build (release)"
  swift build -c release --package-path "$ROOT" --scratch-path "$WORK/build" \
    --product glaneur 2>&1 | tail -1
  G="$WORK/build/release/glaneur"
fi
export GLANEUR_GAZETTEER="$WORK/gazetteer.sqlite"

echo "== evaluation set"
python3 "$HERE/make_eval.py" "$ROOT/Sources/Geocode/Resources/gazetteer" "$WORK/eval.csv"
python3 - "$WORK" <<'PY'
import csv, sys
work = sys.argv[1]
rows = list(csv.DictReader(open(f"{work}/eval.csv", encoding="utf-8")))
with open(f"{work}/glaneur-in.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["qid", "postcode", "locality", "address"])
    for r in rows:
        # Structured columns, as partner lists have them; one cell for the one_cell type.
        if r["corruption"] == "one_cell":
            w.writerow([r["qid"], "", "", r["q"]])
        else:
            w.writerow([r["qid"], r["postcode"], r["locality"], ""])
with open(f"{work}/addok-q.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "q"])
    for r in rows:
        w.writerow([r["qid"], r["q"]])
PY

echo "== glaneur (offline gazetteer, 2 threads)"
"$G" gazetteer info >/dev/null   # builds the store at first use, outside the timing
rm -f "$WORK/glaneur-timing.txt"
for i in $(seq "$RUNS"); do
  "$G" geocode "$WORK/glaneur-in.csv" -o "$WORK/glaneur-out.csv" --threads 2 2>&1 \
    | tee -a "$WORK/glaneur-timing.txt"
done

echo "== addok (same reference data, 2 gunicorn workers, 2 clients)"
python3 "$HERE/export_addok.py" "$GLANEUR_GAZETTEER" "$WORK/addok-docs.ndjson"
export ADDOK_STATE="$WORK/addok-state"
bash "$PEERS/addok/start_addok.sh" "$WORK/addok-docs.ndjson"
trap 'bash "$PEERS/addok/stop_addok.sh" >/dev/null' EXIT
python3 "$PEERS/addok/run_addok_batch.py" "$WORK/addok-q.csv" "$WORK/addok-out.csv" \
  --mode search --concurrency 2 | tee "$WORK/addok-timing.txt"

echo "== accuracy"
python3 "$HERE/score.py" "$WORK/eval.csv" "$GLANEUR_GAZETTEER" \
  glaneur="$WORK/glaneur-out.csv" addok="$WORK/addok-out.csv"

echo "== throughput"
python3 - "$WORK" <<'PY'
import re, statistics, sys
work = sys.argv[1]
timing = open(f"{work}/glaneur-timing.txt").read()
glaneur = [float(m) for m in re.findall(r"\((\d+) rows/s", timing)]
addok = float(re.search(r"qps=([\d.]+)", open(f"{work}/addok-timing.txt").read()).group(1))
median = statistics.median(glaneur)
print(f"glaneur: median {median:.0f} queries/s over {len(glaneur)} runs "
      f"(min {min(glaneur):.0f}, max {max(glaneur):.0f})")
print(f"addok:   {addok:.1f} queries/s")
print(f"ratio:   {median / addok:.0f}x")
PY

if [ -n "$PRODUCERS" ]; then
  echo "== producer lists"
  mkdir -p "$WORK/producers"
  for f in "$PRODUCERS"/partner_*; do
    "$G" geocode "$f" -o "$WORK/producers/$(basename "$f").geocoded.csv" --threads 2
  done
  python3 "$HERE/score_producers.py" "$PRODUCERS" "$WORK/producers" "$GLANEUR_GAZETTEER"
fi
