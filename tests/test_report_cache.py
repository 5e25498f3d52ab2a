"""Cached values: each formula cell of the saved XML gets its computed value, and nothing else changes."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from xl_placement.report.cache import cached_parts, fill_sheet, value_xml
from xl_placement.report.save import deterministic_zip

SHEET = '<sheetData><row r="1"><c r="A1" t="n"><v>2</v></c><c r="B1" s="3"><f>A1*2</f><v /></c><c r="C1"><f>"a"&amp;"b"</f><v/></c></row></sheetData>'


def test_numbers_and_strings_are_inserted():
    """A number goes in as <v>4.5</v>; a text result gets t="str" and escaped text; the style stays."""
    xml = fill_sheet(SHEET, "S", {"B1": Decimal("4.5"), "C1": "a<b"})
    assert '<c r="B1" s="3"><f>A1*2</f><v>4.5</v></c>' in xml
    assert '<c r="C1" t="str"><f>"a"&amp;"b"</f><v>a&lt;b</v></c>' in xml
    assert '<c r="A1" t="n"><v>2</v></c>' in xml


def test_a_formula_without_a_registered_value_is_an_error():
    """Every formula cell must have a value; a forgotten one is an error, not a blank."""
    with pytest.raises(ValueError, match=r"'S'!C1 has a formula but no registered value"):
        fill_sheet(SHEET, "S", {"B1": 1})


def test_a_value_for_a_cell_without_formula_is_an_error():
    """A value registered for a cell that has no formula shows a bookkeeping mistake."""
    with pytest.raises(ValueError, match="A1"):
        fill_sheet(SHEET, "S", {"A1": 1, "B1": 1, "C1": "x"})


def test_a_template_formula_keeps_no_cached_value():
    """A cell registered with None (the template's own formula) is left exactly as openpyxl wrote it."""
    xml = fill_sheet(SHEET, "S", {"B1": None, "C1": "ab"})
    assert '<c r="B1" s="3"><f>A1*2</f><v /></c>' in xml


@pytest.mark.parametrize(("value", "expected"), [(True, (' t="b"', "1")), (7, ("", "7")), (0.1, ("", "0.1"))])
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
