#!/usr/bin/env python3
"""Checks that `glaneur read --raw` reads a file exactly as Python's csv module does.

    python3 compare.py GLANEUR FILE [--delimiter ';'] [--encoding cp1252]

Glaneur skips lines that are entirely empty, where csv.reader gives an empty list; those
are left out of the comparison. Prints the number of rows compared and the first
difference, if any; exits 1 on a difference.
"""
import argparse
import csv
import json
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("glaneur")
    parser.add_argument("file")
    parser.add_argument("--delimiter", default=",")
    parser.add_argument("--encoding", default="utf-8-sig")
    args = parser.parse_args()

    delimiter = "\t" if args.delimiter == "tab" else args.delimiter
    output = subprocess.run(
        [args.glaneur, "read", "--raw", "--quiet", "--delimiter", args.delimiter, args.file],
        check=True, capture_output=True).stdout
    ours = (json.loads(line) for line in output.decode("utf-8").splitlines())
    with open(args.file, newline="", encoding=args.encoding) as f:
        theirs = (row for row in csv.reader(f, delimiter=delimiter) if row)
        count = 0
        for count, (mine, python) in enumerate(zip(ours, theirs), start=1):
            if mine != python:
                print(f"row {count} differs:\n  glaneur {mine}\n  python  {python}")
                sys.exit(1)
    print(f"{count} rows read identically")


if __name__ == "__main__":
    main()
