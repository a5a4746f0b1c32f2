#!/usr/bin/env python3
"""Builds the lists of the attach benchmark from one generated set (make_producers.py).

Usage: make_attach_sets.py GENERATED_DIR OUT_DIR --map-size N --attach 1000 [--seed S]

Writes to OUT_DIR:
    map_a.csv       the generated partner_a.csv without the rows held out
    filler.csv      synthetic producers in partner_a.csv's shape, enough for the map to
                    hold about N entities with the generated set; each is a distinct
                    producer (a name, phone, e-mail and address of its own) placed in
                    one of the generated set's localities, so blocks grow as they would
                    on a map of that size
    attach.csv      the rows held out of partner_a.csv: some are duplicates of producers
                    that stay on the map (under the other partners' names and formats),
                    the others are producers the map does not know
    attach_truth.csv  id,kind,entity: kind is 'duplicate' or 'new'; entity is the
                    generator's entity id
    partner_b_fr.csv, partner_c_nl.csv  the generated files, with a space added at the
                    end of a line that repeats an earlier one exactly: rows without a key
                    are keyed by their content, and a map refuses two rows of one source
                    under the same key
"""
import argparse
import csv
import os
import random
from collections import defaultdict

SYLLABLES = [
    "ba", "be", "bo", "ca", "ce", "co", "da", "de", "di", "fa", "fe", "ga", "go", "la",
    "le", "li", "lo", "ma", "me", "mi", "mo", "na", "ne", "no", "pa", "pe", "ra", "re",
    "ri", "ro", "sa", "se", "so", "ta", "te", "to", "va", "ve", "vi", "za", "zo", "gu",
    "lu", "ru", "tu", "mu", "nu", "ku", "ki", "ko",
]
TRADES = [
    "Ferme", "Domaine", "Jardins", "Verger", "Rucher", "Chèvrerie", "Fromagerie",
    "Boerderij", "Hoeve", "Brasserie", "Potager", "Moulin", "Bergerie", "Cave",
]


def invented_word(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def invented_phone(rng, country):
    """A number in the country's own format, so that it reads as valid there."""
    pairs = lambda n: " ".join(f"{rng.randint(0, 99):02d}" for _ in range(n))
    folded = country.lower()
    if folded.startswith(("fr", "fra")):
        return f"0{rng.randint(1, 5)} {pairs(4)}"
    if folded.startswith(("sw", "sui", "ch", "schw")):
        return f"0{rng.randint(21, 91)} {rng.randint(100, 999)} {pairs(2)}"
    if folded.startswith(("lu",)):
        return f"{rng.randint(20, 99)} {pairs(2)}"
    return f"0{rng.randint(10, 89)} {pairs(3)}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("generated")
    parser.add_argument("out")
    parser.add_argument("--map-size", type=int, default=1_000_000)
    parser.add_argument("--attach", type=int, default=1000)
    parser.add_argument("--duplicate-share", type=float, default=0.6)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    rows_of_entity = defaultdict(list)
    entity_of_a_row = {}
    generated_entities = set()
    with open(os.path.join(args.generated, "ground_truth.csv"), newline="") as f:
        for row in csv.DictReader(f):
            rows_of_entity[row["entity_id"]].append((row["file"], row["row_number"]))
            generated_entities.add(row["entity_id"])
            if row["file"] == "partner_a.csv":
                entity_of_a_row[int(row["row_number"])] = row["entity_id"]

    with open(os.path.join(args.generated, "partner_a.csv"), newline="",
              encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)

    # Held out: duplicates of producers whose other rows stay on the map, and producers
    # listed once.
    duplicates = [n for n in range(1, len(rows) + 1)
                  if len(rows_of_entity[entity_of_a_row[n]]) >= 2]
    singles = [n for n in range(1, len(rows) + 1)
               if len(rows_of_entity[entity_of_a_row[n]]) == 1]
    rng.shuffle(duplicates)
    rng.shuffle(singles)
    wanted_duplicates = int(args.attach * args.duplicate_share)
    chosen, taken = [], set()
    for n in duplicates:
        entity = entity_of_a_row[n]
        if entity in taken:
            continue
        taken.add(entity)
        chosen.append((n, "duplicate"))
        if len(chosen) == wanted_duplicates:
            break
    for n in singles[: args.attach - len(chosen)]:
        chosen.append((n, "new"))
    held = {n for n, _ in chosen}

    with open(os.path.join(args.out, "attach.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for n, _ in chosen:
            writer.writerow(rows[n - 1])
    with open(os.path.join(args.out, "attach_truth.csv"), "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "kind", "entity"])
        for n, kind in chosen:
            writer.writerow([rows[n - 1][0], kind, entity_of_a_row[n]])
    with open(os.path.join(args.out, "map_a.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for n, row in enumerate(rows, start=1):
            if n not in held:
                writer.writerow(row)

    # Filler producers, each its own, in the generated set's places.
    column = {name: index for index, name in enumerate(header)}
    places = [(r[column["postcode"]], r[column["city"]], r[column["country"]]) for r in rows]
    streets = []
    for r in rows:
        words = [w for w in r[column["address"]].split() if not any(c.isdigit() for c in w)]
        if words:
            streets.append(" ".join(words).strip(","))
    count = max(0, args.map_size - (len(generated_entities) - len(chosen)))
    with open(os.path.join(args.out, "filler.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for index in range(count):
            postcode, city, country = rng.choice(places)
            name = f"{rng.choice(TRADES)} {invented_word(rng)} {invented_word(rng)}"
            slug = name.lower().replace(" ", "").replace("è", "e")
            phone = invented_phone(rng, country)
            row = [""] * len(header)
            row[column["id"]] = f"F-{index:07d}"
            row[column["name"]] = name
            row[column["address"]] = f"{rng.randint(1, 250)} {rng.choice(streets)}"
            row[column["postcode"]] = postcode
            row[column["city"]] = city
            row[column["country"]] = country
            row[column["phone"]] = phone
            row[column["email"]] = f"contact@{slug}{index}.example"
            writer.writerow(row)
    for name in ["partner_b_fr.csv", "partner_c_nl.csv"]:
        with open(os.path.join(args.generated, name), "rb") as f:
            lines = f.read().split(b"\n")
        seen = set()
        for index, line in enumerate(lines):
            if line and line in seen:
                ending = b"\r" if line.endswith(b"\r") else b""
                lines[index] = line[: len(line) - len(ending)] + b" " + ending
            seen.add(lines[index])
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(b"\n".join(lines))
    print(f"{len(chosen)} held out ({wanted_duplicates} duplicates), {count} filler rows")


if __name__ == "__main__":
    main()
