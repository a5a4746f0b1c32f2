#!/usr/bin/env bash
# Map database benchmark: rows per second loading N entities (default 1,000,000) into
# SQLite (a GeoPackage) and into PostGIS through Store, against GDAL's ogr2ogr loading the
# same entities from GeoJSON into each, in the same run.
#
# Glaneur's times are the whole process: building the run's records and entities in memory,
# planning, and writing entities, records (with raw fields), run, spatial and full-text
# indexes in one transaction, into SQLite and into PostGIS alike. ogr2ogr's are its whole process: parsing the GeoJSON and
# writing the features with their spatial index.
#
# Usage: bench/store/run.sh [N]
# Needs gdal-bin and a PostGIS server: PG_URL (default postgresql://postgres@127.0.0.1:5439/bench,
# as ../shared/peers/postgis/start_postgis.sh starts it).
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-1000000}"
pg_url="${PG_URL:-postgresql://postgres@127.0.0.1:5439/bench}"
scratch="${SCRATCH:-/tmp/glaneur-bench-store}"
work="$(mktemp -d "${TMPDIR:-/tmp}/bench-store.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Build Store in release and the driver against its objects: Store is not a product.
# LOADER=path reuses a driver built earlier.
if [ -n "${LOADER:-}" ]; then
    cp "$LOADER" "$work/load-entities"
else
    swift build -c release --scratch-path "$scratch" --target Store >&2
    bin="$scratch/release"
    swiftc -O -module-cache-path "$scratch/module-cache" -I "$bin/Modules" \
        -Xcc -fmodule-map-file=Sources/CSQLite/module.modulemap \
        -Xcc -fmodule-map-file=Sources/CPostgres/module.modulemap \
        -Xcc -I/usr/include/postgresql \
        bench/store/LoadEntities.swift \
        "$bin"/Store.build/*.o "$bin"/SQLiteKit.build/*.o "$bin"/GlaneurCore.build/*.o \
        -lsqlite3 -lpq -o "$work/load-entities"
fi

"$work/load-entities" --geojson "$work/entities.geojson" --count "$count"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
    "$(date -u +%Y-%m-%dT%H:%MZ); $(ogr2ogr --version); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Input: $count entities; GeoJSON $(du -h "$work/entities.geojson" | cut -f1)"

# The postmaster of a local server, whose children's CPU time grows by what each backend
# used when it ends: with the client's own CPU time, a loader's cost in CPU seconds, which
# the other work on a shared machine does not inflate the way it inflates wall time.
postmaster=""
data_directory=$(psql -X -qtA "$pg_url" -c "SHOW data_directory" 2>/dev/null || true)
if [ -n "$data_directory" ] && [ -r "$data_directory/postmaster.pid" ]; then
    postmaster=$(head -1 "$data_directory/postmaster.pid")
fi
server_cpu() { # the CPU seconds the server's ended backends used so far
    if [ -z "$postmaster" ]; then echo 0; return; fi
    awk -v tick="$(getconf CLK_TCK)" '{ print ($16 + $17) / tick }' "/proc/$postmaster/stat"
}

seconds() { # NAME COMMAND...: runs it, prints its wall time in seconds; output goes to $work/log
    local name=$1 start end server_before
    shift
    server_before=$(server_cpu)
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$work/time" "$@" >>"$work/log"
    end=$(date +%s.%N)
    sleep 1 # the backend ends once its client has gone
    # Runs in a subshell: the CPU seconds (client and server) go to a file.
    echo "$name $(echo "$(tr ' ' '+' <"$work/time") + $(server_cpu) - $server_before" | bc -l)" \
        >>"$work/cpu"
    echo "$end - $start" | bc -l
}
rate() { echo "$count / $1" | bc -l | xargs printf '%.0f'; }

# SQLite / GeoPackage.
ours_sqlite=$(seconds ours_sqlite "$work/load-entities" --db "$work/glaneur.gpkg" \
    --count "$count")
peer_sqlite=$(seconds peer_sqlite ogr2ogr -f GPKG "$work/ogr.gpkg" "$work/entities.geojson" \
    -nln entities -gt 100000)

# PostGIS: each loader into a fresh schema of its own.
schema_ours="bench_glaneur_$$"
schema_peer="bench_ogr_$$"
psql -X -q "$pg_url" -c "CREATE SCHEMA $schema_ours; CREATE SCHEMA $schema_peer;"
ours_pg=$(seconds ours_pg "$work/load-entities" \
    --db "$pg_url?options=-c%20search_path%3D$schema_ours%2Cpublic" --count "$count")
peer_pg=$(seconds peer_pg ogr2ogr -f PostgreSQL "PG:$pg_url" "$work/entities.geojson" \
    -nln "$schema_peer.entities" -lco GEOMETRY_NAME=geom -gt 100000)
loaded=$(psql -X -qtA "$pg_url" -c "SELECT (SELECT count(*) FROM $schema_ours.entities), \
    (SELECT count(*) FROM $schema_peer.entities)")
psql -X -q "$pg_url" -c "DROP SCHEMA $schema_ours CASCADE; DROP SCHEMA $schema_peer CASCADE;"

printf '%-26s %10s %12s\n' "load" "seconds" "rows/s"
printf '%-26s %10.2f %12s\n' "Glaneur -> SQLite/GPKG" "$ours_sqlite" "$(rate "$ours_sqlite")"
printf '%-26s %10.2f %12s\n' "ogr2ogr -> GPKG" "$peer_sqlite" "$(rate "$peer_sqlite")"
printf '%-26s %10.2f %12s\n' "Glaneur -> PostGIS" "$ours_pg" "$(rate "$ours_pg")"
printf '%-26s %10.2f %12s\n' "ogr2ogr -> PostGIS" "$peer_pg" "$(rate "$peer_pg")"
printf 'ratio SQLite: %.2fx   ratio PostGIS: %.2fx   (ogr2ogr time / Glaneur time)\n' \
    "$(echo "$peer_sqlite / $ours_sqlite" | bc -l)" "$(echo "$peer_pg / $ours_pg" | bc -l)"
cpu() { awk -v name="$1" '$1 == name { print $2 }' "$work/cpu"; }
printf 'CPU seconds, client and server: Glaneur %.1f and ogr2ogr %.1f into SQLite (%.2fx),' \
    "$(cpu ours_sqlite)" "$(cpu peer_sqlite)" "$(echo "$(cpu peer_sqlite) / $(cpu ours_sqlite)" | bc -l)"
printf ' %.1f and %.1f into PostGIS (%.2fx)%s\n' "$(cpu ours_pg)" "$(cpu peer_pg)" \
    "$(echo "$(cpu peer_pg) / $(cpu ours_pg)" | bc -l)" \
    "$([ -n "$postmaster" ] || echo ' (server CPU not readable: client only)')"
echo "PostGIS rows loaded (Glaneur|ogr2ogr): $loaded"
echo "Glaneur's own timing of store.load alone (without building the run in memory):"
grep entities "$work/log"
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
