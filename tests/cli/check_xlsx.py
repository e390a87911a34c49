#!/usr/bin/python3
"""Reads the reference production's footprint workbook back with openpyxl
(an independent XLSX reader) and checks it cell by cell against the hand
calculations of tests/unit/domain/test_carbon.c. Exit 0 when every cell matches."""
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
want_sheets = ["Synthèse", "Production", "Lieux de tournage", "Décors", "HMC et costumes",
               "Transport", "Régie", "Équipement technique", "Postproduction", "Facteurs"]
assert wb.sheetnames == want_sheets, wb.sheetnames


def close(a, b):
    assert abs(float(a) - float(b)) < 1e-6 * (1 + abs(b)), (a, b)


s = wb["Synthèse"]
assert s["A1"].value == "Film de référence"
assert "calculateur homologué" in s["A2"].value
assert s["B4"].value == 1                    # factor set
close(s["B5"].value, 2281.295)               # final total
close(s["B6"].value, 1517.1)                 # provisional total
assert s["A9"].value == "Production" and s["A13"].value == "Transport"
close(s["B13"].value, 620)                   # transport provisional
close(s["C13"].value, 979.3)                 # transport final
close(s["E13"].value, (979.3 - 620) / 620)   # as a fraction, shown as %
assert s["E12"].value == "—"                 # HMC: nothing planned, no ratio
# The final footprint per phase, after the categories: the phases add up
# to the total (docs/carbon.md "Phases").
assert s["A18"].value == "Phase de la production", s["A18"].value
assert [s[f"A{n}"].value for n in (19, 20, 21, 22)] == ["Préparation", "Tournage",
                                                       "Postproduction", "Total"]
close(sum(s[f"B{n}"].value for n in (19, 20, 21)), s["B5"].value)
close(s["B22"].value, s["B5"].value)

t = wb["Transport"]
# One line per thing to type: Rubrique, Indicateur, Quantité à saisir, Unité,
# Détail par département, Facteur, kgCO2e, ±, Saisies, À vérifier, Méthode, SeCO2.
assert [c.value for c in t[2]][:5] == ["Rubrique", "Indicateur", "Quantité à saisir", "Unité",
                                      "Détail par département"]
rows = {r[1].value: r for r in t.iter_rows(min_row=3) if r[0].value not in (None, "Total")}
diesel = rows["Gazole des véhicules"]
assert diesel[0].value == "Mobilité"
close(diesel[2].value, 160)
assert diesel[3].value == "L"
assert diesel[4].value == "Régie 160"
close(diesel[5].value, 3.10)
close(diesel[6].value, 496)
van = rows["Kilomètres en utilitaire"]
assert van[9].value == 1                     # the 2,000 km day is flagged
total_row = [r for r in t.iter_rows(min_row=3) if r[0].value == "Total"][0]
close(total_row[6].value, 979.3)

r = wb["Régie"]
lines = [row for row in r.iter_rows(min_row=3) if row[0].value not in (None, "Total")]
inds = [row[1].value for row in lines if row[2].value != "manquant"]
# In the form's order: accommodation, then food, then waste.
assert inds == ["Nuits d'hôtel", "Repas avec bœuf", "Repas végétariens"], inds
assert [row[0].value for row in lines][:3] == ["Hébergement", "Alimentation", "Alimentation"]
# Estimated but never read: listed as missing, with no quantity and no kg.
missing = [row for row in lines if row[2].value == "manquant"]
assert [m[1].value for m in missing] == ["Déchets en mélange (DIB)"], missing
assert missing[0][6].value == "—" and missing[0][5].value is None
assert "manquante" in missing[0][10].value
assert r["L2"].value == "Correspondance SeCO2" and "non connue" in r["L3"].value

f = wb["Facteurs"]
factors = {row[0].value: row for row in f.iter_rows(min_row=2)}
grid = factors["Électricité du réseau"]
assert grid[3].value == "42513" and grid[4].value == "officiel"
assert factors["Stockage des rushes sur disques"][4].value == "estimation"
assert factors["Stockage des rushes sur disques"][2].value == "To·an"
assert grid[5].value.startswith("https://")
# No internal id anywhere in the workbook: a person transcribes labels.
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            assert not (isinstance(c.value, str) and c.value in ("van_diesel_l", "meals_beef", "p1")), (ws.title, c.value)
print("check_xlsx: all cells as expected")
