"""The report inside the open workbook, for xlwings Lite's "Build report" script.

xlwings Lite runs Python inside Excel, with no file system the user can save to, so
its "Build report" (``build_report`` in lite/main.py) writes the report into new sheets
of the open workbook instead of a file. It reads the deal from the workbook's Inputs
sheet by its defined names, as placement.xlsm's button does (``button.deal_from_book``),
builds the very report the command line builds (``render_report``: the same template,
cell map and formulas from ``formulas.py``), and copies every sheet's cells
into the workbook through xlwings' Book API: values and formulas, number formats,
bold and italic text, font and fill colours, and the report's defined names that the
formulas use. Excel calculates the formulas live.

What xlwings Lite's Book API cannot write is left out, and each sheet says so on its
last line (``LEFT_OUT``): the charts, print setup and page headers, merged cells and
column widths.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import BytesIO
from typing import Any

from xl_placement import button
from xl_placement.errors import PlacementError
from xl_placement.figures import compute
from xl_placement.report.build import render_report

LEFT_OUT = (
    "Built by xlwings Lite: the charts, logo, print setup, page headers, merged cells and column widths "
    "of the report are left out; for the full report use xl-placement build or the classic add-in."
)
GAP = 2  # empty rows between a sheet's last row and the LEFT_OUT line


def run(book: Any) -> list[str]:
    """The "Build report" script: build the report into ``book``; show any problem in a message box.

    Returns:
        The names of the sheets written, or an empty list when a message box reported a problem.
    """
    try:
        return build_in_book(book)
    except PlacementError as exc:
        book.app.alert(button.message(exc), title=button.TITLE, mode="critical")
    except Exception as exc:  # noqa: BLE001 - a script must show a message, never only a traceback
        text = f"The report could not be built: {type(exc).__name__}: {exc}\n\nPlease report this problem."
        book.app.alert(text, title=button.TITLE, mode="critical")
    return []


def build_in_book(book: Any) -> list[str]:
    """Write the report of the deal on ``book``'s Inputs sheet into new sheets of ``book``.

    Sheets of the same names are replaced, so the script can run again after the inputs
    change. Nothing is written when the deal is invalid.

    Returns:
        The names of the sheets written.

    Raises:
        PlacementError: the inputs are invalid (``DealError``, every problem naming its cell).
    """
    import openpyxl  # noqa: PLC0415 - loaded when the script runs, not when the functions load

    deal = button.deal_from_book(book)
    # No file system to read a logo from, and no way to place an image (LEFT_OUT says so).
    figures = compute(dataclasses.replace(deal, report=dataclasses.replace(deal.report, logo="")))
    report = openpyxl.load_workbook(BytesIO(render_report(figures)))
    existing = {sheet.name: sheet for sheet in book.sheets}
    for worksheet in report.worksheets:
        if worksheet.title in existing:
            existing[worksheet.title].delete()
    last = list(book.sheets)[-1]
    for worksheet in report.worksheets:
        last = book.sheets.add(worksheet.title, after=last)
        _copy_cells(worksheet, last)
    _copy_names(report, book)
    return list(report.sheetnames)


def _copy_cells(worksheet: Any, sheet: Any) -> None:
    """Every filled or formatted cell of an openpyxl sheet into an xlwings sheet, then the LEFT_OUT line."""
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.value is None and not cell.has_style:
                continue
            target = sheet[cell.coordinate]
            if cell.value is not None:
                target.value = _value(cell.value)
            if cell.number_format != "General":
                target.number_format = cell.number_format
            _copy_font(cell.font, target)
            colour = _rgb(cell.fill.fgColor) if cell.fill.fill_type == "solid" else None
            if colour is not None:
                target.color = colour
    note = sheet[f"A{worksheet.max_row + GAP}"]
    note.value = LEFT_OUT
    note.font.italic = True


def _value(value: object) -> object:
    """A cell's value as xlwings writes it: a formula as its text, a date as a date."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _copy_font(font: Any, target: Any) -> None:
    """Bold, italic and the colour of a cell's text (what xlwings Lite can set)."""
    if font.b:
        target.font.bold = True
    if font.i:
        target.font.italic = True
    colour = _rgb(font.color)
    if colour is not None:
        target.font.color = colour


def _rgb(colour: Any) -> str | None:
    """An openpyxl colour as the hex string xlwings Lite takes (#RRGGBB), or None for a theme or no colour."""
    if colour is None or colour.type != "rgb" or not isinstance(colour.rgb, str) or len(colour.rgb) != 8:
        return None
    return "#" + colour.rgb[2:].upper()


def _copy_names(report: Any, book: Any) -> None:
    """The report's defined names (its formulas use them), replacing any of the same name."""
    existing = {str(name.name).lower(): name for name in book.names}
    for name, defined in report.defined_names.items():
        if name.lower() in existing:
            existing[name.lower()].delete()
        book.names.add(name, "=" + defined.attr_text)
