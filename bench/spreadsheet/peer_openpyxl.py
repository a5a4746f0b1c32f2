"""Reads every row of an .xlsx with openpyxl in read-only mode, as a Python tool would.

Prints one JSON line: rows, cells, seconds (the read alone, not the interpreter start).
"""
import json
import sys
import time

from openpyxl import load_workbook


def main():
    started = time.perf_counter()
    book = load_workbook(sys.argv[1], read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = 0
    cells = 0
    for row in sheet.iter_rows(values_only=True):
        rows += 1
        cells += sum(1 for value in row if value is not None)
    book.close()
    print(json.dumps({"rows": rows, "cells": cells,
                      "seconds": time.perf_counter() - started}))


main()
