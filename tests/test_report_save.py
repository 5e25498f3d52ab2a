"""Saving the report in memory gives the bytes that saving with openpyxl and re-packing gives.

``render_report`` no longer lets openpyxl zip the package and parse each sheet again to put
the cached values in: ``openpyxl_private.save_parts`` keeps the parts in memory and hands
each sheet's rows over as data, which ``cache.fill_sheet`` writes as ElementTree would
write them back. The reference here is the old path, run on a twin workbook: openpyxl's
``save``, ``cache.cached_parts`` (parse, insert, write back) and ``save.deterministic_zip``.
Both environments run this file (``make test`` runs it again with lxml installed, whose
writer writes the XML differently).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from xl_placement.report import openpyxl_private as private
from xl_placement.report.cache import DIV0, NA, Registry, cached_parts, filled_parts
from xl_placement.report.save import deterministic_package, deterministic_zip

TEXTS = (
    "plain",
    " leading space",
    "trailing space ",
    "   ",  # blank: openpyxl's own writer and lxml's mark it differently
    "tab\tinside",
    "two\nlines",
    "x & <y> \"q\" 'z' ]]>",
    "ünï©ødé 😀",
    "=not a formula, text",
)


def _book(*, odd_sheet: bool) -> tuple[openpyxl.Workbook, dict[tuple[str, str], object]]:
    """A workbook with every kind of cell the report writes, and the values of its formulas."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deal sheet"
    expected: dict[tuple[str, str], object] = {}
    for row, text in enumerate(TEXTS, start=1):
        ws.cell(row, 1).value = text
        ws.cell(row, 1).data_type = "s"  # text starting "=" stays text, as CellWriter.text keeps it
    ws["B1"], ws["B2"], ws["B3"], ws["B4"] = 1700, 1.91, -0.1, 10**15 + 0.5
    ws["B5"], ws["B6"] = True, dt.date(2025, 3, 13)
    ws["B7"] = "#N/A"
    ws["B7"].data_type = "e"
    ws["B8"].font = Font(bold=True)  # styled, empty
    ws["B9"].fill = PatternFill("solid", fgColor="FFFF0000")
    ws["B9"].alignment = Alignment(wrap_text=True)
    formulas = {
        "C1": ("=B1*1.91", Decimal("3247")),
        "C2": ('="x"&B1', "x1700"),
        "C3": ("=B5", True),
        "C4": ("=1/0", DIV0),
        "C5": ("=NA()", NA),
        "C6": ("=B1", 1700),
        "C7": ("=SUM(B1:B4)", None),  # a formula of the template: no cached value
        "C8": ('=IF(B1>0,"a<b","")', ""),  # an empty text result
        "C9": ("=B2", 0.1 + 0.2),
    }
    for ref, (formula, value) in formulas.items():
        ws[ref] = formula
        expected[("Deal sheet", ref)] = value
    ws["C1"].font = Font(color="FF000000")
    ws.row_dimensions[12].height = 30  # a row with a height and no cells
    ws.row_dimensions[3].height = 20
    ws["D2"].hyperlink = "https://example.com/a?b=1&c=2"
    ws["D3"].comment = Comment("a note", "xl-placement")
    ws.merge_cells("E1:F2")
    other = wb.create_sheet("Checks")
    other["A1"] = "only text"
    other["B2"] = "=1+1"
    expected[("Checks", "B2")] = 2
    if odd_sheet:  # cells the rows-as-data path leaves to openpyxl: the whole sheet is then written by it
        odd = wb.create_sheet("Odd")
        odd["A1"] = CellRichText(["plain ", TextBlock(InlineFont(b=True), "bold")])
        odd["A2"] = "carriage\rreturn"
        odd["A3"] = "=A4*2"
        odd["A4"] = 3
        expected[("Odd", "A3")] = 6
    return wb, expected


def _old_path(wb: openpyxl.Workbook, expected: Registry) -> bytes:
    stream = io.BytesIO()
    wb.save(stream)
    data = stream.getvalue()
    return deterministic_zip(data, title="t", replace=cached_parts(data, expected))


def _new_path(wb: openpyxl.Workbook, expected: Registry) -> bytes:
    parts, rows = private.save_parts(wb)
    return deterministic_package(parts, title="t", replace=filled_parts(dict(parts), expected, rows))


@pytest.mark.parametrize("odd_sheet", [False, True], ids=["rows-as-data", "with-a-sheet-openpyxl-writes"])
def test_saving_in_memory_gives_the_same_bytes(odd_sheet):
    """Every kind of cell, styles, a hyperlink, a comment, merged cells: byte for byte the old path's package."""
    old_book, expected = _book(odd_sheet=odd_sheet)
    new_book, _ = _book(odd_sheet=odd_sheet)
    assert _new_path(new_book, expected) == _old_path(old_book, expected)  # type: ignore[arg-type]


def test_rows_are_data_unless_a_cell_is_not_covered():
    """The plain sheets' rows come back as data; a sheet with rich text or a carriage return is openpyxl's."""
    wb, _ = _book(odd_sheet=True)
    _, rows = private.save_parts(wb)
    assert rows["xl/worksheets/sheet1.xml"] is not None
    assert rows["xl/worksheets/sheet2.xml"] is not None
    assert rows["xl/worksheets/sheet3.xml"] is None
    cells = {
        attrs["r"]: (kind, text) for _, row in rows["xl/worksheets/sheet1.xml"] for attrs, kind, text in row
    }
    assert cells["A2"] == ("s preserve", " leading space")
    assert cells["A1"] == ("s", "plain")
    assert cells["C1"] == ("f", "B1*1.91")
    assert cells["B8"] == ("empty", "")


def test_a_saved_report_reads_back_with_its_values():
    """The package opens in openpyxl: formulas kept, cached values readable, texts intact."""
    wb, expected = _book(odd_sheet=True)
    data = _new_path(wb, expected)  # type: ignore[arg-type]
    live = openpyxl.load_workbook(io.BytesIO(data))
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    assert live["Deal sheet"]["C1"].value == "=B1*1.91"
    assert cached["Deal sheet"]["C1"].value == 3247
    assert cached["Deal sheet"]["C2"].value == "x1700"
    assert cached["Odd"]["A3"].value == 6
    assert [live["Deal sheet"].cell(r, 1).value for r in range(1, len(TEXTS) + 1)] == list(TEXTS)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.pop(("Deal sheet", "C1")), r"'Deal sheet'!C1 has a formula but no registered value"),
        (lambda e: e.update({("Deal sheet", "B1"): 1}), r"cells without a formula: B1"),
    ],
    ids=["formula-without-value", "value-without-formula"],
)
def test_the_checks_hold_on_rows_written_as_data(change, message):
    """A formula without a registered value, or a value on a cell without a formula, is refused as before."""
    wb, expected = _book(odd_sheet=False)
    change(expected)
    parts, rows = private.save_parts(wb)
    with pytest.raises(ValueError, match=message):
        filled_parts(dict(parts), expected, rows)  # type: ignore[arg-type]


def test_a_kept_stylesheet_is_the_one_openpyxl_writes():
    """Workbooks saved in turn, each with its own styles: every styles part equals openpyxl's own, never another's."""
    from openpyxl.styles.stylesheet import write_stylesheet  # noqa: PLC0415
    from openpyxl.xml.functions import tostring  # noqa: PLC0415

    colours = ["FF0000FF", "FFFF0000", "FF0000FF", "FF00FF00", "FFFF0000"]
    seen = set()
    for colour in colours:
        wb, _ = _book(odd_sheet=False)
        wb.active["A1"].font = Font(color=colour)
        wb.active["A2"].number_format = "0.00%" if colour == "FF00FF00" else "General"
        xml = private.stylesheet_xml(wb)
        assert xml == tostring(write_stylesheet(wb))
        seen.add(xml)
    assert len(seen) == 3  # three distinct states of the style tables, three stylesheets
