"""The XLSX tables: read back with openpyxl as a spreadsheet user would see them."""

import io
from datetime import date

import openpyxl
from core.workbook import DATE, MONEY, NUMBER, TEXT, Formats, Table, new_workbook


def build(rows):
    stream = io.BytesIO()
    workbook = new_workbook(stream)
    formats = Formats(workbook)
    table = Table(
        workbook,
        formats,
        "Détail",
        [
            ("Client", 30, TEXT),
            ("Échéance", 12, DATE),
            ("Retard (j)", 8, NUMBER),
            ("Montant", 14, MONEY),
        ],
        titles=["Balance âgée au 31/03/2026", "Société : Atelier Durand"],
    )
    for row in rows:
        table.add(row)
    table.close()
    workbook.close()
    return openpyxl.load_workbook(io.BytesIO(stream.getvalue()))


def test_a_table_has_titles_a_frozen_header_typed_cells_and_totals():
    book = build(
        [("Boulangerie Martin", date(2026, 2, 14), 45, 600.0), ("=HYPERLINK(\"x\")", date(2026, 4, 10), -10, -200.5)]
    )
    sheet = book["Détail"]
    assert sheet["A1"].value == "Balance âgée au 31/03/2026"
    assert [c.value for c in sheet[4]] == ["Client", "Échéance", "Retard (j)", "Montant"]
    assert sheet.freeze_panes == "B5"
    assert sheet["B5"].value.date() == date(2026, 2, 14)
    assert sheet["B5"].number_format == "dd/mm/yyyy"
    assert sheet["D5"].value == 600.0 and "€" in sheet["D5"].number_format
    assert sheet["A6"].value == '=HYPERLINK("x")' and sheet["A6"].data_type == 's', "names stay text"
    assert sheet["A7"].value == "Total"
    assert sheet["D7"].value == "=SUM(D5:D6)"
    assert sheet["C7"].value is None, "days are not added up"
    assert sheet.auto_filter.ref == "A4:D6"


def test_totals_carry_their_value_for_readers_that_do_not_calculate():
    stream = io.BytesIO()
    workbook = new_workbook(stream)
    table = Table(workbook, Formats(workbook), "Synthèse", [("Client", 30, TEXT), ("Montant", 14, MONEY)])
    table.add(("A", 0.1))
    table.add(("B", 0.2))
    totals = table.close()
    workbook.close()
    values = openpyxl.load_workbook(io.BytesIO(stream.getvalue()), data_only=True)["Synthèse"]
    assert str(totals[1]) == "0.3"
    assert values["B4"].value == 0.3
    assert values.freeze_panes == "B2"


def test_an_empty_table_still_has_its_header_and_a_zero_total():
    book = build([])
    sheet = book["Détail"]
    assert sheet["A5"].value == "Total" and sheet["D5"].value == 0
