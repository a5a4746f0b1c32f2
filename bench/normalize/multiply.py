#!/usr/bin/env python3
"""Turns N records into N x K records for the normalisation benchmark, fast.

Usage: python3 multiply.py RECORDS.ndjson K OUT.ndjson [--seed S]

Reads records in the NDJSON form of `glaneur read` (from make_producers.py's files) and
writes K copies of each, renumbered, with every phone number's last two digits replaced
by random ones (spacing and punctuation kept) so that copies are not exact repeats: a
cache of phone answers only helps where a real list would repeat a number. Products,
names, streets and localities are copied as they are (partners do repeat those).
Standard library only.
"""
import json
import random
import re
import sys

LAST_TWO_DIGITS = re.compile(r"(\d)(\D*)(\d)(\D*)$")


def perturb(phone, rng):
    def replace(match):
        return (str(rng.randint(0, 9)) + match.group(2) + str(rng.randint(0, 9))
                + match.group(4))
    return LAST_TWO_DIGITS.sub(replace, phone)


def main():
    source, copies, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    rng = random.Random(seed)
    with open(source, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    row = 0
    with open(target, "w", encoding="utf-8") as out:
        for copy in range(copies):
            for record in records:
                row += 1
                record = dict(record)
                record["row"] = row
                record["line"] = row
                if copy > 0 and "phones" in record:
                    record["phones"] = [perturb(p, rng) for p in record["phones"]]
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                out.write("\n")
    print(f"{row} records written to {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
