#!/usr/bin/env python3
"""Writes a large producer CSV for the reading benchmark.

It runs the project's generator of messy partner lists once for a few thousand rows,
then writes N rows in the shape of its English export (`partner_a.csv`: UTF-8, comma,
13 columns, quoted where needed), giving each row its own id and name so that no two
rows are equal. About 170 bytes a row: 1,000,000 rows make about 170 MB.

    python3 make_big_csv.py --rows 1000000 --out /tmp/producers-1m.csv
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_GENERATOR = os.path.join(
    HERE, "..", "..", "..", "shared", "data", "producers", "make_producers.py")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--generator", default=DEFAULT_GENERATOR)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, args.generator, "--seed", str(args.seed), "--rows", "20000",
             "--dup-rate", "0.3", "--lang", "mixed", "--out", folder],
            check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(folder, "partner_a.csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))

    header, body = rows[0], rows[1:]
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for index in range(args.rows):
            row = list(body[index % len(body)])
            row[0] = f"A-{index + 1:07d}"
            if index >= len(body):
                row[1] = f"{row[1]} {index // len(body)}"
            writer.writerow(row)


if __name__ == "__main__":
    main()
