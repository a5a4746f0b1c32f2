#!/usr/bin/env python3
"""Writes the gazetteer store's places as addok documents (BAN import format), so that
addok is measured on exactly the reference data Glaneur uses.

Usage: export_addok.py STORE.sqlite OUT.ndjson

Each place becomes a `municipality` document: every name Glaneur trusts (official names,
exonyms, postal names; not GeoNames' alternate spellings) as addok `name` values, all its
postcodes, its coordinates, and an importance from its population.
"""
import json
import math
import sqlite3
import sys


def main():
    store, out = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(store)
    names = {}
    for place_id, name, kind in db.execute(
            "SELECT place_id, name, kind FROM place_name WHERE kind < 3 "
            "ORDER BY place_id, position"):
        names.setdefault(place_id, []).append(name)
    count = 0
    with open(out, "w", encoding="utf-8") as f:
        for (place_id, country, label, postcodes, lat, lon, population,
             admin_code) in db.execute(
                "SELECT id, country, label, postcodes, latitude, longitude, population, "
                "admin_code FROM place ORDER BY rowid"):
            place_names = names.get(place_id) or [label]
            doc = {
                "id": place_id, "type": "municipality", "name": place_names,
                "postcode": [p for p in postcodes.split("|") if p] or [""],
                "citycode": admin_code or place_id, "city": label,
                "lat": lat, "lon": lon,
                "importance": round(min(1.0, math.log10(population + 1) / 7), 4),
                "context": country,
            }
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} addok documents written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
