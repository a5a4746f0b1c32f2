#!/usr/bin/env bash
# Normalisation benchmark: 1,000,000 records through `glaneur normalize` on both cores,
# records/s and peak memory, against Python's phonenumbers doing the phones alone.
#
# Usage: bench/normalize/run.sh [WORK_DIR]      (default: /tmp/glaneur-bench-normalize)
# Environment: GLANEUR=path/to/glaneur to skip the build; BASELINE=path/to/another/glaneur
# to time it in the same run, before this one, and check that both write the same records;
# ROWS (source rows, default 100000) and COPIES (default 10) set the size; PRODUCERS_DIR
# the generator's folder (default ../shared/data/producers next to the repository).
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-/tmp/glaneur-bench-normalize}"
rows="${ROWS:-100000}"
copies="${COPIES:-10}"
producers="${PRODUCERS_DIR:-$(cd .. && pwd)/shared/data/producers}"
mkdir -p "$work"

if [[ -z "${GLANEUR:-}" ]]; then
    swift build -c release --product glaneur >&2
    GLANEUR="$(swift build -c release --show-bin-path)/glaneur"
fi

# The peer, pinned to the metadata version of Debian's libphonenumber.
if [[ ! -x "$work/venv/bin/python" ]]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet phonenumbers==8.12.57
fi

# Records: the generator's partner files, read by glaneur, then multiplied.
if [[ ! -s "$work/records-1m.ndjson" ]]; then
    python3 "$producers/make_producers.py" --seed 11 --rows "$rows" --dup-rate 0.3 \
        --lang mixed --out "$work/source" >/dev/null
    "$GLANEUR" read "$work"/source/partner_* -o "$work/records.ndjson" --quiet
    python3 bench/normalize/multiply.py "$work/records.ndjson" "$copies" \
        "$work/records-1m.ndjson"
fi
records=$(wc -l < "$work/records-1m.ndjson")

echo "== machine: $(nproc) cores, $(uname -sr), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
for binary in ${BASELINE:+baseline} glaneur; do
    program="$GLANEUR"
    [[ "$binary" == baseline ]] && program="$BASELINE"
    for threads in 1 2; do
        /usr/bin/time -f "peak_rss_kb=%M wall_s=%e user_s=%U" \
            "$program" normalize "$work/records-1m.ndjson" -o "$work/$binary-$threads.ndjson" \
            --threads "$threads" 2> "$work/$binary-$threads.log" || true
        echo "== $binary normalize, $threads thread(s), $records records"
        grep -E "records normalised|peak_rss" "$work/$binary-$threads.log"
        echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    done
    cmp -s "$work/$binary-1.ndjson" "$work/$binary-2.ndjson" \
        || echo "!! $binary: the output differs between 1 and 2 threads"
done
if [[ -n "${BASELINE:-}" ]]; then
    cmp -s "$work/baseline-2.ndjson" "$work/glaneur-2.ndjson" \
        && echo "== baseline and glaneur wrote the same records" \
        || echo "== baseline and glaneur records differ (intended changes must explain it)"
    rm -f "$work/baseline-1.ndjson" "$work/baseline-2.ndjson"
fi
rm -f "$work/glaneur-1.ndjson"
mv "$work/glaneur-2.ndjson" "$work/normalised.ndjson"

echo "== peer (Python phonenumbers, phones only, one process)"
"$work/venv/bin/python" bench/normalize/phones_peer.py "$work/records-1m.ndjson" \
    "$work/normalised.ndjson"

echo "== accuracy against the generator's truth (source records)"
"$GLANEUR" normalize "$work/records.ndjson" -o "$work/normalised-source.ndjson" --quiet
python3 bench/normalize/evaluate.py "$work/normalised-source.ndjson" "$work/source"
