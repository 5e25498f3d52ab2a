"""Cached values: each formula cell of the saved XML gets its computed value, and nothing else changes."""

from __future__ import annotations

import io
from decimal import Decimal
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from xl_placement.report.cache import DIV0, cached_parts, fill_sheet, value_xml
from xl_placement.report.save import deterministic_zip

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# The same sheet as openpyxl writes it with its own writer (<v/>) and with lxml (<v></v>).
SHEET = (
    f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="n"><v>2</v></c>'
    '<c r="B1" s="3"><f>A1*2</f><v /></c><c r="C1"><f>"a"&amp;"b"</f><v/></c></row></sheetData></worksheet>'
).encode()
SHEET_LXML = SHEET.replace(b"<v />", b"<v></v>").replace(b"<v/>", b"<v></v>")


def cells(xml: bytes) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Each cell's type attribute, formula and cached value, read back with a parser."""
    root = ET.fromstring(xml)  # noqa: S314 - the project's own output
    found = {}
    for cell in root.iter(f"{{{MAIN}}}c"):
        formula, value = cell.find(f"{{{MAIN}}}f"), cell.find(f"{{{MAIN}}}v")
        found[cell.get("r", "")] = (
            cell.get("t"),
            None if formula is None else formula.text,
            None if value is None else value.text,
        )
    return found


@pytest.mark.parametrize("xml", [SHEET, SHEET_LXML], ids=["openpyxl-writer", "lxml-writer"])
def test_numbers_and_strings_are_inserted(xml):
    """A number goes in as <v>4.5</v>; a text result gets t="str"; whichever way openpyxl wrote <v>."""
    filled = fill_sheet(xml, "S", {"B1": Decimal("4.5"), "C1": "a<b"})
    assert cells(filled) == {
        "A1": ("n", None, "2"),
        "B1": (None, "A1*2", "4.5"),
        "C1": ("str", '"a"&"b"', "a<b"),
    }
    assert b's="3"' in filled


def test_an_error_value_is_cached_as_an_error():
    """A formula whose input is missing caches the error a spreadsheet gives, not 0."""
    filled = fill_sheet(SHEET, "S", {"B1": DIV0, "C1": "ab"})
    assert cells(filled)["B1"] == ("e", "A1*2", "#DIV/0!")


def test_a_formula_without_a_registered_value_is_an_error():
    """Every formula cell must have a value; a forgotten one is an error, not a blank."""
    with pytest.raises(ValueError, match=r"'S'!C1 has a formula but no registered value"):
        fill_sheet(SHEET, "S", {"B1": 1})


def test_a_value_for_a_cell_without_formula_is_an_error():
    """A value registered for a cell that has no formula shows a bookkeeping mistake."""
    with pytest.raises(ValueError, match="A1"):
        fill_sheet(SHEET, "S", {"A1": 1, "B1": 1, "C1": "x"})


def test_a_template_formula_keeps_no_cached_value():
    """A cell registered with None (the template's own formula) keeps no value."""
    filled = fill_sheet(SHEET, "S", {"B1": None, "C1": "ab"})
    assert cells(filled)["B1"] == (None, "A1*2", None)


@pytest.mark.parametrize(("value", "expected"), [(True, ("b", "1")), (7, (None, "7")), (0.1, (None, "0.1"))])
def test_value_xml(value, expected):
    """Booleans, integers and floats are written the way spreadsheets store them."""
    assert value_xml(value) == expected


def test_non_finite_values_are_refused():
    """NaN and infinity have no place in a cell; they are an error, not a silent blank."""
    with pytest.raises(ValueError, match="non-finite"):
        value_xml(Decimal("NaN"))
    with pytest.raises(ValueError, match="non-finite"):
        value_xml(float("inf"))


def test_an_openpyxl_workbook_reads_back_with_values():
    """After the step, openpyxl with data_only=True reads the values; the formulas are still there."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Deal sheet"
    sheet["A1"] = 1700
    sheet["A2"] = "=A1*1.91"
    sheet["A3"] = '="x"&A1'
    stream = io.BytesIO()
    book.save(stream)
    data = stream.getvalue()
    parts = cached_parts(data, {("Deal sheet", "A2"): Decimal("3247"), ("Deal sheet", "A3"): "x1700"})
    result = deterministic_zip(data, replace=parts)
    cached = openpyxl.load_workbook(io.BytesIO(result), data_only=True)["Deal sheet"]
    assert (cached["A2"].value, cached["A3"].value) == (3247, "x1700")
    live = openpyxl.load_workbook(io.BytesIO(result))["Deal sheet"]
    assert live["A2"].value == "=A1*1.91"


def test_values_for_an_unknown_sheet_are_refused():
    """Registering a value on a sheet that does not exist is an error naming the sheet."""
    stream = io.BytesIO()
    openpyxl.Workbook().save(stream)
    with pytest.raises(ValueError, match="Nowhere"):
        cached_parts(stream.getvalue(), {("Nowhere", "A1"): 1})
