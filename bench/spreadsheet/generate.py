"""Writes a partner list of N producers as an .xlsx, the benchmark's input.

Usage: python generate.py OUT.xlsx [ROWS]
Columns as partners send them: text, a postcode in a 00000 format, a phone stored as
a number, a date, decimals, a boolean, and a title row merged above the header.
"""
import datetime
import random
import sys

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell


def main():
    path = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    random.seed(42)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Producteurs")
    sheet.append(["Liste des producteurs partenaires"])
    sheet.append(["Nom", "Adresse", "Code postal", "Commune", "Téléphone", "Adhésion",
                  "Surface (ha)", "Bio"])
    towns = ["Bourg-en-Bresse", "Nice", "Lyon", "Namur", "Liège", "Gap", "Albi", "Dole"]
    kinds = ["Ferme", "GAEC", "Rucher", "Les Jardins", "Domaine", "Fromagerie"]
    start = datetime.date(2015, 1, 1)
    for index in range(rows):
        postcode = WriteOnlyCell(sheet, value=random.randint(1000, 95999))
        postcode.number_format = "00000"
        joined = WriteOnlyCell(sheet, value=start + datetime.timedelta(days=index % 3000))
        joined.number_format = "dd/mm/yyyy"
        sheet.append([
            f"{random.choice(kinds)} {index}",
            f"{random.randint(1, 200)} rue du Moulin",
            postcode,
            random.choice(towns),
            random.randint(100_000_000, 799_999_999),
            joined,
            round(random.uniform(0.5, 80), 2),
            random.random() < 0.3,
        ])
    book.save(path)


main()
