#!/usr/bin/env python3
"""Scores the attach benchmark: where the held-out records landed on the map.

Usage: score_attach.py MAP.sqlite GENERATED_DIR attach_truth.csv SOURCE

A held-out duplicate is right when it joined the entity that holds its producer's other
records; a held-out new producer is right when its entity holds no other record. Prints
the counts and a JSON line with the figures.
"""
import csv
import json
import os
import sqlite3
import sys
from collections import Counter, defaultdict


def main():
    database, generated, truth_path, source = sys.argv[1:5]
    truth_of_row = {}
    truth_of_key = {}
    with open(os.path.join(generated, "ground_truth.csv"), newline="") as f:
        for row in csv.DictReader(f):
            truth_of_row[(row["file"], int(row["row_number"]))] = row["entity_id"]
            if row["file"] == "partner_a.csv":
                truth_of_key[row["source_record_id"]] = row["entity_id"]

    connection = sqlite3.connect(database)
    fids_of_truth = defaultdict(Counter)
    records_of_fid = Counter()
    attached = {}
    query = "SELECT source, source_key, file, row, entity_fid FROM records WHERE status = 'active'"
    for record_source, key, file, row, fid in connection.execute(query):
        records_of_fid[fid] += 1
        if record_source == source:
            attached[key] = fid
            continue
        name = os.path.basename(file)
        truth = truth_of_key.get(key) if name == "map_a.csv" else truth_of_row.get((name, row))
        if truth:
            fids_of_truth[truth][fid] += 1

    outcome = Counter()
    with open(truth_path, newline="") as f:
        for row in csv.DictReader(f):
            fid = attached.get(row["id"])
            if fid is None:
                outcome["missing"] += 1
            elif row["kind"] == "duplicate":
                expected = fids_of_truth[row["entity"]].most_common(1)
                right = bool(expected) and expected[0][0] == fid
                outcome["duplicate attached right" if right else
                        ("duplicate left apart" if records_of_fid[fid] == 1
                         else "duplicate attached wrong")] += 1
            else:
                outcome["new kept apart" if records_of_fid[fid] == 1
                        else "new attached wrongly"] += 1
    duplicates = sum(v for k, v in outcome.items() if k.startswith("duplicate"))
    news = sum(v for k, v in outcome.items() if k.startswith("new"))
    wrong_links = outcome["duplicate attached wrong"] + outcome["new attached wrongly"]
    links = outcome["duplicate attached right"] + wrong_links
    figures = {
        "duplicates": duplicates,
        "new": news,
        "recall": outcome["duplicate attached right"] / max(duplicates, 1),
        "precision": outcome["duplicate attached right"] / max(links, 1),
        "new_kept_apart": outcome["new kept apart"] / max(news, 1),
        "outcomes": dict(outcome),
    }
    for name, count in sorted(outcome.items()):
        print(f"  {name}: {count}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
