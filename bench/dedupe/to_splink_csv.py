#!/usr/bin/env python3
"""Flatten the records of a generated producer set into the CSV that the Splink runner
reads (id, name, street, postcode, city, phone, email, true_entity).

Usage: to_splink_csv.py SET_DIR RECORDS.ndjson OUT.csv

RECORDS.ndjson is `glaneur read` of the set's five files (raw values, nothing
normalised: Splink's runner normalises on its own). The true entity comes from the
set's ground_truth.csv, joined on file name and row.
"""
import csv
import json
import os
import sys


def main():
    set_dir, records_path, out_path = sys.argv[1:4]
    truth = {}
    with open(os.path.join(set_dir, "ground_truth.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[(row["file"], row["row_number"])] = row["entity_id"]
    with open(records_path, encoding="utf-8") as f, open(out_path, "w", newline="",
                                                          encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "street", "postcode", "city", "phone", "email",
                         "true_entity"])
        for line in f:
            record = json.loads(line)
            file = os.path.basename(record["file"])
            street = record.get("street") or record.get("address") or ""
            if record.get("house_number"):
                street = f"{street} {record['house_number']}"
            phones = record.get("phones") or [""]
            emails = record.get("emails") or [""]
            writer.writerow([f"{file}:{record['row']}", record.get("name", ""), street,
                             record.get("postcode", ""), record.get("locality", ""),
                             phones[0], emails[0], truth[(file, str(record["row"]))]])


if __name__ == "__main__":
    main()
