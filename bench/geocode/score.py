#!/usr/bin/env python3
"""Top-1 accuracy of geocoders on the evaluation set, by corruption type and by country.

Usage: score.py EVAL.csv STORE.sqlite NAME=RESULTS.csv [NAME=RESULTS.csv ...] [--markdown]

RESULTS.csv: `qid` (or `id`) and the matched reference id in `match_id` (or `result_id`).
An answer is right when it is the true locality or a place inside it (a Belgian section
counts for its municipality), as recorded in the gazetteer store's `place.parent_id`.
"""
import argparse
import csv
import sqlite3
from collections import defaultdict


def load_results(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    key = "qid" if "qid" in rows[0] else "id"
    value = "match_id" if "match_id" in rows[0] else "result_id"
    return {row[key]: row[value] for row in rows}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("eval")
    parser.add_argument("store")
    parser.add_argument("results", nargs="+")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    with open(args.eval, newline="", encoding="utf-8") as f:
        queries = list(csv.DictReader(f))
    parents = dict(sqlite3.connect(args.store).execute(
        "SELECT id, parent_id FROM place WHERE parent_id IS NOT NULL"))

    engines = []
    for spec in args.results:
        name, path = spec.split("=", 1)
        engines.append((name, load_results(path)))

    def right(answer, truth):
        return answer == truth or parents.get(answer) == truth

    tables = {"corruption": defaultdict(lambda: defaultdict(list)),
              "country": defaultdict(lambda: defaultdict(list))}
    for query in queries:
        for name, results in engines:
            ok = right(results.get(query["qid"], ""), query["truth_id"])
            tables["corruption"][query["corruption"]][name].append(ok)
            tables["country"][query["country"]][name].append(ok)
            tables["corruption"]["all"][name].append(ok)

    names = [name for name, _ in engines]
    for title, table in tables.items():
        print(f"\n| {title} | queries | " + " | ".join(names) + " |")
        print("| --- | ---: | " + " | ".join("---:" for _ in names) + " |")
        for key in sorted(table, key=lambda k: (k == "all", k)):
            cells = table[key]
            count = len(cells[names[0]])
            accuracies = [100 * sum(cells[n]) / max(1, len(cells[n])) for n in names]
            print(f"| {key} | {count} | " + " | ".join(f"{a:.1f} %" for a in accuracies) + " |")


if __name__ == "__main__":
    main()
