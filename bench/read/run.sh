#!/usr/bin/env bash
# Reading benchmark: glaneur read against Python's csv module and DuckDB's read_csv on
# the same generated file, in one run. Prints a Markdown table for bench/RESULTS.md.
#
#   bench/read/run.sh [ROWS] [PYTHON]
#
# ROWS defaults to 1000000; PYTHON is an interpreter with duckdb installed (default
# python3). Peak memory is the maximum resident set size from /usr/bin/time. Set GLANEUR
# to a glaneur binary to measure it instead of building one.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-1000000}"
python="${2:-python3}"
work="${TMPDIR:-/tmp}/glaneur-bench-read"
mkdir -p "$work"

if [ -z "${GLANEUR:-}" ]; then
    swift build -c release --product glaneur >&2
    GLANEUR="$(swift build -c release --show-bin-path)/glaneur"
fi
glaneur="$GLANEUR"

file="$work/producers-$rows.csv"
[ -f "$file" ] || python3 bench/read/make_big_csv.py --rows "$rows" --out "$file"
megabytes=$(python3 -c "import os; print(os.path.getsize('$file') / 1e6)")
cat "$file" > /dev/null  # warm the page cache for everyone alike

# Runs a command under /usr/bin/time; prints "seconds peak_kilobytes".
measure() {
    local log="$work/time.log"
    /usr/bin/time -f "%e %M" -o "$log" "$@" > "$work/stdout.log" 2> "$work/stderr.log"
    cat "$log"
}

printf '| reader | rows | seconds | MB/s | peak RSS (MB) |\n|---|---|---|---|---|\n'
report() {
    local name="$1" seconds="$2" kilobytes="$3"
    python3 -c "
s = max($seconds, 0.001)
print(f'| $name | $rows | {s:.2f} | {$megabytes / s:.0f} | {$kilobytes / 1024:.0f} |')"
}

read -r seconds kilobytes < <(measure "$glaneur" read --quiet "$file" -o /dev/null)
report "glaneur read (records, NDJSON)" "$seconds" "$kilobytes"
read -r seconds kilobytes < <(measure "$glaneur" read --quiet --raw "$file" -o /dev/null)
report "glaneur read --raw (rows as JSON arrays)" "$seconds" "$kilobytes"

for peer in "python-csv" "duckdb:1" "duckdb:2"; do
    threads="${peer#*:}"
    [ "$threads" = "$peer" ] && threads=""
    measure "$python" bench/read/peers.py "${peer%%:*}" "$file" $threads > /dev/null
    line=$(cat "$work/stdout.log")
    inner=$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<< "$line")
    kilobytes=$(cut -d' ' -f2 "$work/time.log")
    name=$(sed -E 's/peer=([^ ]+).*/\1/' <<< "$line")
    report "$name (reading only, no start-up)" "$inner" "$kilobytes"
done
echo
echo "File: $file, $(printf '%.0f' "$megabytes") MB; $(nproc) cores; $(date -u +%Y-%m-%d)."
