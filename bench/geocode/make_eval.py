#!/usr/bin/env python3
"""Builds the geocoding evaluation set from the shipped gazetteer (standard library only).

Usage: make_eval.py GAZETTEER_DIR OUT.csv [--seed 1] [--per-country 400]

Samples localities of each country from GAZETTEER_DIR/localities.csv and writes one query
per (locality, corruption), corrupted the ways partner lists are: accents dropped, case,
abbreviations (Saint→St, hyphens→spaces), exonyms (the name in another language), typos,
a postcode one digit off, a postcode of another place, no postcode, noise words (CEDEX,
the country's name), and the whole address in one cell.

OUT.csv columns: qid, corruption, country, postcode, locality, q (the same query as one
line of text, for engines that take free text), truth_id (the `id` in localities.csv).
"""
import argparse
import csv
import random
import sys
import unicodedata

NOISE = {
    "FR": ["CEDEX", "Cedex 9", "France"],
    "BE": ["Belgique", "België", "BELGIQUE"],
    "CH": ["Suisse", "Schweiz"],
    "LU": ["Luxembourg", "Luxemburg"],
}


def strip_accents(text):
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def abbreviate(name):
    words = name.replace("-", " ").split()
    table = {"Saint": "St", "Sainte": "Ste", "Sint": "St.", "Sankt": "St."}
    return " ".join(table.get(w, w) for w in words)


def typo(name, rng):
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 5:
        return None
    i = rng.choice(letters[1:])
    kind = rng.choice(["delete", "substitute", "transpose", "insert"])
    if kind == "delete":
        return name[:i] + name[i + 1:]
    if kind == "substitute":
        c = rng.choice("aeioulnrst".replace(name[i].lower(), ""))
        return name[:i] + c + name[i + 1:]
    if (kind == "transpose" and i + 1 < len(name) and name[i + 1].isalpha()
            and name[i] != name[i + 1]):
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name[:i] + name[i] + name[i:]


def exonym(row):
    """A name of the place in another language than its main name, if any."""
    main = row["name"]
    for column in ("names_fr", "names_nl", "names_de"):
        for value in row[column].split("|"):
            if value and strip_accents(value).lower() != strip_accents(main).lower():
                if row["country"] == "BE" or column != "names_fr" or row["country"] == "CH":
                    return value
    return None


def off_by_one(postcode, rng):
    i = rng.randrange(1, len(postcode))
    digit = rng.choice([d for d in "0123456789" if d != postcode[i]])
    return postcode[:i] + digit + postcode[i + 1:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("gazetteer")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-country", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with open(f"{args.gazetteer}/localities.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["postcodes"] and r["feature_code"] != "PPLX"]
    by_country = {}
    for row in rows:
        by_country.setdefault(row["country"], []).append(row)

    queries = []

    def add(corruption, row, postcode, locality, q=None):
        if q is None:
            q = f"{postcode} {locality}".strip()
        queries.append({
            "qid": f"q{len(queries) + 1:06d}", "corruption": corruption,
            "country": row["country"], "postcode": postcode, "locality": locality,
            "q": q, "truth_id": row["id"],
        })

    for country in sorted(by_country):
        places = by_country[country]
        sample = rng.sample(places, min(args.per_country, len(places)))
        # Abbreviations only mean something for names with a saint or a hyphen.
        saints = [r for r in places if any(w in r["name"].replace("-", " ").split()
                                           for w in ("Saint", "Sainte", "Sint", "Sankt"))]
        for row in sample:
            name = row["name"]
            postcode = row["postcodes"].split("|")[0]
            add("clean", row, postcode, name)
            add("accents", row, postcode, strip_accents(name))
            add("case", row, postcode, strip_accents(name).upper() if rng.random() < 0.5
                else name.lower())
            bad = typo(name, rng)
            if bad:
                add("typo", row, postcode, bad)
            add("postcode_typo", row, off_by_one(postcode, rng), name)
            other = rng.choice(places)["postcodes"].split("|")[0]
            if other != postcode and other not in row["postcodes"].split("|"):
                add("wrong_postcode", row, other, name)
            add("missing_postcode", row, "", name)
            add("noise", row, postcode, f"{name} {rng.choice(NOISE[country])}")
            street = rng.choice(["Rue de l'Église 4", "12 rue du Moulin", "Kerkstraat 5",
                                 "Route de la Gare 21", "Hauptstrasse 3"])
            add("one_cell", row, "", "", q=f"{street}, {postcode} {name}")
        for row in rng.sample(saints, min(args.per_country // 4, len(saints))):
            add("abbreviation", row, row["postcodes"].split("|")[0], abbreviate(row["name"]))
        exonyms = [(r, exonym(r)) for r in places]
        exonyms = [(r, e) for r, e in exonyms if e]
        for row, name in rng.sample(exonyms, min(args.per_country // 4, len(exonyms))):
            add("exonym", row, row["postcodes"].split("|")[0], name)

    fields = ["qid", "corruption", "country", "postcode", "locality", "q", "truth_id"]
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(queries)
    print(f"{len(queries)} queries written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
