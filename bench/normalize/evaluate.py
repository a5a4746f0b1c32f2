#!/usr/bin/env python3
"""Scores `glaneur normalize` output against the generator's ground truth.

Usage: python3 evaluate.py NORMALISED.ndjson DATASET_DIR

DATASET_DIR is a folder written by make_producers.py (ground_truth.csv, entities.csv).
Records are joined to their entity by (file name, row number). Each field is scored only
on the records whose duplicate variations leave the true value recoverable (a record
whose legal form was toggled off cannot give the entity's legal form back).
Standard library only.
"""
import csv
import json
import os
import sys
import unicodedata


def fold(text):
    text = unicodedata.normalize("NFKD", (text or "").replace("œ", "oe").replace("Œ", "OE"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


# The generator's legal forms and the kinds Glaneur maps them to (old Belgian forms are
# the same kind as the new ones).
LEGAL_KIND = {
    "SRL": "private-limited", "SPRL": "private-limited", "BV": "private-limited",
    "BVBA": "private-limited", "SARL": "private-limited", "Sàrl": "private-limited",
    "S.à r.l.": "private-limited", "SA": "public-limited", "NV": "public-limited",
    "SC": "cooperative", "CV": "cooperative", "ASBL": "non-profit", "VZW": "non-profit",
    "asbl": "non-profit", "SComm": "limited-partnership", "CommV": "limited-partnership",
    "EARL": "earl", "GAEC": "gaec", "SCEA": "scea", "SAS": "simplified", "EI": "sole-trader",
}


class Score:
    def __init__(self):
        self.right = 0
        self.total = 0
        self.misses = []

    def add(self, ok, example):
        self.total += 1
        if ok:
            self.right += 1
        elif len(self.misses) < 8:
            self.misses.append(example)

    def line(self, label):
        share = 100.0 * self.right / self.total if self.total else 0.0
        return f"{label:<34} {self.right:>7} / {self.total:<7} {share:6.2f} %"


def main():
    normalised_path, dataset = sys.argv[1], sys.argv[2]
    truth = {}
    with open(os.path.join(dataset, "ground_truth.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[(row["file"], int(row["row_number"]))] = row
    entities = {}
    with open(os.path.join(dataset, "entities.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            entities[row["entity_id"]] = row

    scores = {name: Score() for name in [
        "phones: E.164 found", "phones: libphonenumber-valid found", "postcode", "country",
        "legal form (kind)", "legal form (spelling)", "name without legal form", "street",
        "house number", "house number suffix", "box", "products (exact set)",
        "products (all terms known)", "organic status", "email", "website host"]}
    verbose = "--verbose" in sys.argv

    with open(normalised_path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            key = (os.path.basename(record["file"]), record["row"])
            if key not in truth:
                continue
            gt = truth[key]
            entity = entities[gt["entity_id"]]
            variations = set(filter(None, gt["variations"].split("|")))

            # Phones: every valid number found must be one of the entity's.
            true_phones = {p for p in (entity["phone_landline"], entity["phone_mobile"]) if p}
            phones = record.get("phones", [])
            if phones:
                found = {p["value"] for p in phones if p.get("value")}
                scores["phones: E.164 found"].add(
                    len(found) == len(phones) and found <= true_phones,
                    ([p["source"] for p in phones], sorted(true_phones)))
                valid_phones = [p for p in phones if p.get("valid")]
                scores["phones: libphonenumber-valid found"].add(
                    all(p["value"] in true_phones for p in valid_phones),
                    ([p["source"] for p in phones], sorted(true_phones)))

            postcode = record.get("postcode", {}).get("value")
            if postcode is not None:
                scores["postcode"].add(postcode == entity["postcode"], (postcode, entity["postcode"]))
            country = record.get("country", {}).get("value")
            scores["country"].add(country == entity["country"],
                                  (country, entity["country"], record.get("postcode")))

            legal = record.get("legal_form", {})
            if "legal_form_toggle" not in variations:
                expected = LEGAL_KIND.get(entity["legal_form"]) if entity["legal_form"] else None
                scores["legal form (kind)"].add(
                    legal.get("kind") == expected, (record["name"]["source"], legal, entity["legal_form"]))
                if "legal_form_dotted" not in variations:
                    scores["legal form (spelling)"].add(
                        (legal.get("value") or "").lower() == entity["legal_form"].lower(),
                        (record["name"]["source"], legal.get("value"), entity["legal_form"]))
            if not variations & {"name_abbrev", "word_order", "name_typo", "accents_dropped",
                                 "legal_form_toggle"}:
                name = record.get("name", {}).get("value", "")
                scores["name without legal form"].add(
                    fold(name) == fold(entity["name"]), (record["name"]["source"], name, entity["name"]))

            address = record.get("address", {})
            if not variations & {"address_typo"}:
                street = address.get("street") or address.get("lieu_dit")
                true_street = entity["street"]
                if true_street.startswith("lieu-dit "):
                    true_street = true_street[len("lieu-dit "):]
                scores["street"].add(fold(street) == fold(true_street),
                                     (address.get("source"), street, entity["street"]))
            scores["house number"].add(
                (address.get("house_number") or "") == entity["number"],
                (address.get("source"), address.get("house_number"), entity["number"]))
            scores["house number suffix"].add(
                (address.get("house_number_suffix") or "") == entity["number_suffix"].lower(),
                (address.get("source"), address.get("house_number_suffix"), entity["number_suffix"]))
            scores["box"].add((address.get("box") or "") == entity["box"],
                              (address.get("source"), address.get("box"), entity["box"]))

            products = record.get("products", [])
            if products:
                keys = {p["value"].replace("-", "_") for p in products if p.get("value")}
                true_keys = set(entity["products"].split("|"))
                if "products_variant" not in variations:
                    scores["products (exact set)"].add(
                        keys == true_keys, ([p["source"] for p in products], sorted(true_keys)))
                scores["products (all terms known)"].add(
                    all(p.get("value") for p in products),
                    [p["source"] for p in products if not p.get("value")])

            organic = record.get("organic", {}).get("value")
            if record.get("organic") is not None:
                expected = {"yes": "yes", "no": "no", "conversion": "conversion"}[entity["organic"]]
                scores["organic status"].add(organic == expected,
                                             (record["organic"].get("source"), organic, expected))

            emails = record.get("emails", [])
            if emails and not variations & {"email_other", "email_missing"}:
                scores["email"].add(emails[0]["value"].lower() == entity["email"].lower(),
                                    (emails[0]["source"], entity["email"]))
            website = record.get("website")
            if website and entity["website"]:
                scores["website host"].add(website.get("host") == entity["website"],
                                           (website.get("source"), entity["website"]))

    for name, score in scores.items():
        print(score.line(name))
        if verbose:
            for miss in score.misses:
                print("      miss:", miss)


if __name__ == "__main__":
    main()
