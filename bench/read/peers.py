#!/usr/bin/env python3
"""Reads a CSV file with a peer, for comparison with `glaneur read`.

    python3 peers.py python-csv FILE        # csv.reader, every row as a list
    python3 peers.py duckdb FILE [THREADS]  # read_csv into a table, every column as text

Prints one line: `peer=… rows=N seconds=T`. The time covers reading only, not the
interpreter's start-up or importing duckdb.
"""
import csv
import sys
import time


def python_csv(path):
    start = time.perf_counter()
    rows = 0
    with open(path, newline="", encoding="utf-8") as f:
        for _ in csv.reader(f):
            rows += 1
    return rows - 1, time.perf_counter() - start


def duckdb_read(path, threads):
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"SET threads = {threads}")
    start = time.perf_counter()
    # Every column as text, as glaneur keeps them: postcodes and phones are identifiers.
    connection.execute(
        "CREATE TABLE producers AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
        [path])
    rows = connection.execute("SELECT count(*) FROM producers").fetchone()[0]
    return rows, time.perf_counter() - start


def main():
    peer, path = sys.argv[1], sys.argv[2]
    if peer == "python-csv":
        rows, seconds = python_csv(path)
    elif peer == "duckdb":
        threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
        rows, seconds = duckdb_read(path, threads)
        peer = f"duckdb-{threads}-thread{'s' if threads > 1 else ''}"
    else:
        sys.exit(f"unknown peer {peer}")
    print(f"peer={peer} rows={rows} seconds={seconds:.3f}")


if __name__ == "__main__":
    main()
