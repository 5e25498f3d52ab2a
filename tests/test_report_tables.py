"""Variable-length tables: the prototype row is copied and what sits below in the same columns moves down."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName

from xl_placement.errors import TemplateError
from xl_placement.report.tables import table_rows


def _book():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet["B3"] = "proto"
    sheet["B3"].font = Font(bold=True, color="FF0000FF")
    sheet["B4"] = "total"
    sheet["B6"] = "note"
    sheet.merge_cells("B6:C6")
    sheet["F4"] = "beside"
    for name, ref in (("Row", "$B$3:$C$3"), ("Total", "$B$4:$C$4"), ("Beside", "$F$4"), ("Note", "$B$6")):
        book.defined_names[name] = DefinedName(name, attr_text=f"'S'!{ref}")
    return book


def test_rows_below_move_with_their_names_and_merges():
    """Three rows: the total, the note and its merge move down two rows; the cell beside the table stays."""
    book = _book()
    _, rows = table_rows(book, "Row", 3)
    sheet = book["S"]
    assert rows == [3, 4, 5]
    assert sheet["B6"].value == "total"
    assert sheet["B8"].value == "note"
    assert "B8:C8" in {m.coord for m in sheet.merged_cells.ranges}
    assert sheet["F4"].value == "beside"
    assert book.defined_names["Total"].attr_text == "'S'!$B$6:$C$6"
    assert book.defined_names["Note"].attr_text == "'S'!$B$8"
    assert book.defined_names["Beside"].attr_text == "'S'!$F$4"
    assert sheet["B5"].font.bold
    assert sheet["B5"].font.color.rgb == "FF0000FF"


def test_one_item_changes_nothing():
    """A table of one row (or none) keeps the template as it is."""
    book = _book()
    table_rows(book, "Row", 0)
    assert book["S"]["B4"].value == "total"
    assert book.defined_names["Total"].attr_text == "'S'!$B$4:$C$4"


def test_a_merge_straddling_the_table_columns_is_refused():
    """Content below that spans into the table's columns and beyond cannot move cleanly: a clear TemplateError."""
    book = _book()
    book["S"].merge_cells("C9:E9")
    with pytest.raises(TemplateError, match="C9:E9"):
        table_rows(book, "Row", 2)


def test_a_prototype_of_several_rows_is_refused():
    """A table's prototype name must cover one row."""
    book = _book()
    book.defined_names["Row"] = DefinedName("Row", attr_text="'S'!$B$3:$C$4")
    with pytest.raises(TemplateError, match="one row"):
        table_rows(book, "Row", 2)
