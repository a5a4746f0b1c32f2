#!/usr/bin/env python3
"""Locality accuracy of `glaneur geocode` on the synthetic producer lists.

Usage: score_producers.py PRODUCERS_DIR RESULTS_DIR STORE.sqlite

PRODUCERS_DIR holds the partner files and ground_truth.csv written by make_producers.py;
RESULTS_DIR holds `<file>.geocoded.csv`, the output of `glaneur geocode` on each partner
file (rows in input order). An answer is right when its reference id, or the locality it
belongs to, is the record's `locality_id` or `alt_locality_id`.
"""
import csv
import sqlite3
import sys
from collections import defaultdict


def main():
    producers, results, store = sys.argv[1:4]
    parents = dict(sqlite3.connect(store).execute(
        "SELECT id, parent_id FROM place WHERE parent_id IS NOT NULL"))
    truth = defaultdict(dict)
    with open(f"{producers}/ground_truth.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[row["file"]][int(row["row_number"])] = row

    tally = defaultdict(lambda: [0, 0])
    precision = defaultdict(int)
    for name in sorted(truth):
        with open(f"{results}/{name}.geocoded.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for number, row in enumerate(rows, 1):
            expected = truth[name].get(number)
            if expected is None:
                continue
            answer = row["match_id"]
            accepted = {expected["locality_id"], expected["alt_locality_id"]} - {""}
            ok = answer in accepted or parents.get(answer) in accepted
            for key in (name, expected["country"], "all"):
                tally[key][0] += ok
                tally[key][1] += 1
            for variation in expected["variations"].split("|"):
                if variation.startswith("locality") or variation.startswith("postcode"):
                    tally["variation " + variation][0] += ok
                    tally["variation " + variation][1] += 1
            precision[row["precision"]] += 1

    print("| subset | records | locality accuracy |")
    print("| --- | ---: | ---: |")
    for key in sorted(tally, key=lambda k: (k == "all", k)):
        right, total = tally[key]
        print(f"| {key} | {total} | {100 * right / total:.2f} % |")
    print("\nprecision: " + ", ".join(f"{k} {v}" for k, v in sorted(precision.items())))


if __name__ == "__main__":
    main()
