#!/usr/bin/env bash
# Rows per second reading a 100,000-row .xlsx: Glaneur's reader (release build) against
# openpyxl in read-only mode, in the same run on the same file. Run by hand:
#
#     bash bench/spreadsheet/run.sh [ROWS] [REPEATS]
#
# Needs python3 with venv and network access to PyPI the first time (openpyxl goes in
# a virtual environment under the work directory). Set GLANEUR=path/to/glaneur to also
# time `glaneur read` (mapping and records included) on the same file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rows="${1:-100000}"
repeats="${2:-3}"
work="${BENCH_WORK:-${TMPDIR:-/tmp}/glaneur-bench-spreadsheet}"
mkdir -p "$work"

# The peer, in its own virtual environment.
if [ ! -x "$work/venv/bin/python" ]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install -q openpyxl
fi
python="$work/venv/bin/python"

# The input.
input="$work/producers-$rows.xlsx"
[ -f "$input" ] || "$python" "$here/generate.py" "$input" "$rows"

# The driver: a package of its own over the reader's sources, so that the rest of the
# project need not build.
driver="$work/driver"
mkdir -p "$driver/Sources/read-sheet"
for module in CZlib Spreadsheet; do
    ln -sfn "$root/Sources/$module" "$driver/Sources/$module"
done
cp "$here/driver/main.swift" "$driver/Sources/read-sheet/main.swift"
cat > "$driver/Package.swift" <<'SWIFT'
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "ReadSheet",
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .target(name: "Spreadsheet", dependencies: ["CZlib"]),
        .executableTarget(name: "read-sheet", dependencies: ["Spreadsheet"]),
    ]
)
SWIFT
swift build -c release --package-path "$driver" --scratch-path "$work/build" >&2
reader="$work/build/release/read-sheet"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
field() { sed -E "s/.*\"$1\": ([0-9.e+-]+).*/\1/"; }

echo "input: $(du -k "$input" | cut -f1) KB, $rows data rows" >&2
glaneur_times=()
peer_times=()
ratios=()
cli_times=()
for run in $(seq "$repeats"); do
    out="$("$reader" "$input")"
    glaneur_times+=("$(echo "$out" | field seconds)")
    glaneur_rows="$(echo "$out" | field rows)"
    out="$("$python" "$here/peer_openpyxl.py" "$input")"
    peer_times+=("$(echo "$out" | field seconds)")
    peer_rows="$(echo "$out" | field rows)"
    if [ -n "${GLANEUR:-}" ]; then
        start=$(date +%s.%N)
        "$GLANEUR" read "$input" -o /dev/null 2>/dev/null
        cli_times+=("$(echo "$(date +%s.%N) - $start" | bc)")
    fi
    ratios+=("$(echo "${peer_times[-1]} / ${glaneur_times[-1]}" | bc -l)")
    echo "run $run: glaneur ${glaneur_times[-1]} s, openpyxl ${peer_times[-1]} s" >&2
done

g="$(printf '%s\n' "${glaneur_times[@]}" | median)"
p="$(printf '%s\n' "${peer_times[@]}" | median)"
echo "rows read: glaneur $glaneur_rows, openpyxl $peer_rows (openpyxl counts empty rows too)"
printf 'glaneur reader: %.2f s, %.0f rows/s\n' "$g" "$(echo "$rows / $g" | bc -l)"
printf 'openpyxl read-only: %.2f s, %.0f rows/s\n' "$p" "$(echo "$rows / $p" | bc -l)"
printf 'ratio of medians (openpyxl time / glaneur time): %.2f\n' "$(echo "$p / $g" | bc -l)"
# The machine may be shared: the ratio within each run, where both ran side by side,
# is steadier than either time.
printf 'per-run ratios: %s; median %.2f\n' \
    "$(printf '%.2f ' "${ratios[@]}")" "$(printf '%s\n' "${ratios[@]}" | median)"
if [ -x /usr/bin/time ]; then
    g_kb="$(/usr/bin/time -f %M "$reader" "$input" 2>&1 >/dev/null | tail -1)"
    p_kb="$(/usr/bin/time -f %M "$python" "$here/peer_openpyxl.py" "$input" 2>&1 >/dev/null \
        | tail -1)"
    echo "peak memory: glaneur $((g_kb / 1024)) MB (keeps the whole sheet), openpyxl" \
        "$((p_kb / 1024)) MB (keeps one row at a time)"
fi
if [ ${#cli_times[@]} -gt 0 ]; then
    c="$(printf '%s\n' "${cli_times[@]}" | median)"
    printf 'glaneur read (whole command): %.2f s, %.0f rows/s\n' "$c" "$(echo "$rows / $c" | bc -l)"
fi
