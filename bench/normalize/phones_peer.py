#!/usr/bin/env python3
"""The peer: Python's `phonenumbers` (a port of libphonenumber, same metadata version as
Debian's libphonenumber 8.12.57) normalising the phone cells of the same records.

Usage: python3 phones_peer.py RECORDS.ndjson [NORMALISED.ndjson]

Splits each phone cell as Glaneur does for the common separators, parses each number
with a region, and asks validity, type and E.164: the step the issue calls the slow one.
Prints records/s and numbers/s. The region is the record's country column; with
NORMALISED (Glaneur's output for the same records), it is the country Glaneur settled on
(given or inferred), so that both answer the same question, and the script prints how
often Glaneur's E.164 answer equals the peer's for the same number.
"""
import json
import re
import sys
import time

import phonenumbers

SEPARATORS = re.compile(r"\s*(?:;|,|\||\s/\s|\s-\s|\sou\s|\sof\s|\sor\s|\set\s|\s&\s)\s*")
COUNTRIES = {"be": "BE", "belgique": "BE", "belgie": "BE", "belgië": "BE", "belgium": "BE",
             "fr": "FR", "france": "FR", "frankrijk": "FR", "ch": "CH", "suisse": "CH",
             "switzerland": "CH", "lu": "LU", "luxembourg": "LU", "luxemburg": "LU"}


def normalise(cell, region):
    answers = []
    for written in filter(None, (part.strip() for part in SEPARATORS.split(cell))):
        try:
            number = phonenumbers.parse(written, region)
        except phonenumbers.NumberParseException:
            answers.append(None)
            continue
        if phonenumbers.is_valid_number(number):
            phonenumbers.number_type(number)
            answers.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
        else:
            answers.append(None)
    return answers


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    regions = [COUNTRIES.get(str(r.get("country", "")).lower()) for r in records]
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as f:
            regions = [json.loads(line).get("country", {}).get("value") for line in f]
    started = time.perf_counter()
    numbers = 0
    answers = []
    for record, region in zip(records, regions):
        found = []
        for cell in record.get("phones", []):
            found += normalise(cell, region)
        numbers += len(found)
        answers.append(found)
    seconds = time.perf_counter() - started
    print(f"peer phonenumbers {phonenumbers.__version__}: {len(records)} records, {numbers} "
          f"numbers in {seconds:.2f} s = {len(records) / seconds:,.0f} records/s, "
          f"{numbers / seconds:,.0f} numbers/s")

    if len(sys.argv) > 2:
        same = compared = 0
        with open(sys.argv[2], encoding="utf-8") as f:
            for record, peer in zip(f, answers):
                ours = [p.get("value") for p in json.loads(record).get("phones", [])]
                if len(ours) != len(peer):
                    continue
                for mine, theirs in zip(ours, peer):
                    compared += 1
                    same += mine == theirs
        print(f"E.164 agreement with Glaneur: {same} / {compared} numbers "
              f"({100.0 * same / max(compared, 1):.2f} %)")


if __name__ == "__main__":
    main()
