"""Print layout decided while filling: prices at their precision, rows with nothing left out.

The template has a row for every term a deal may give; a printed page should not list
"not given" five times. ``close_up`` moves the rows that have something to show up over
the ones that do not, keeping each row's label, styles and defined name together.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Border
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement.formats import price_places
from xl_placement.report import openpyxl_private as private
from xl_placement.report.template import area

REPORT_PRICE_DECIMALS = 6  # a price finer than this is shown rounded (6.03 cents, 0.0603, shows in full)


def price_format(value: Decimal) -> str:
    """A price's number format: as many decimals as it was given with, at least two (1.91, 2.021)."""
    return "#,##0." + "0" * price_places(value, most=REPORT_PRICE_DECIMALS)


def close_up(wb: Workbook, names: Sequence[str], shown: Sequence[str], first: str, last: str) -> None:
    """Move the rows of ``shown`` up over the rows of the other ``names``, then clear the rows left over.

    Args:
        wb: the workbook being filled.
        names: single-cell defined names, one per row, in the order of their rows on one sheet.
        shown: the names whose rows stay (in the same order); the others are left out.
        first: the first column of the block (its labels), e.g. ``B``.
        last: the last column of the block.

    Nothing may refer to the cells of a row that moves except its defined name, which
    moves with it (formulas refer to names, so they follow).
    """
    areas = [area(wb, key) for key in names]
    ws = areas[0].ws
    rows = [a.min_row for a in areas]
    columns = range(ws[f"{first}1"].column, ws[f"{last}1"].column + 1)
    merges = {row: _row_merges(ws, row, columns) for row in rows}
    for row in rows:
        for start, end in merges[row]:
            ws.unmerge_cells(start_row=row, start_column=start, end_row=row, end_column=end)
    moved = [(key, areas[names.index(key)]) for key in shown]
    snapshot = {row: [_copy(ws.cell(row, c)) for c in columns] for row in rows}
    for target, (key, source) in zip(rows, moved, strict=False):
        for column, (value, data_type, style) in zip(columns, snapshot[source.min_row], strict=True):
            cell = ws.cell(target, column)
            cell.value = value
            cell.data_type = data_type  # text starting with "=" stays text
            private.set_style(cell, style)
        for start, end in merges[source.min_row]:
            private.merge_cells(ws, target, start, target, end)
        if source.min_row != target:
            ws.row_dimensions[target].height = ws.row_dimensions[source.min_row].height
        _point(wb, key, ws, target, source.min_col)
    for row in rows[len(moved) :]:
        for column in columns:
            cell = ws.cell(row, column)
            cell.value = None
            cell.border = Border()
        ws.row_dimensions[row].height = None


def _row_merges(ws: Worksheet, row: int, columns: range) -> list[tuple[int, int]]:
    """The merged ranges lying on one row of the block, as (first column, last column)."""
    return [
        (m.min_col, m.max_col)
        for m in ws.merged_cells.ranges
        if m.min_row == row == m.max_row and m.min_col in columns
    ]


def _copy(cell: Cell) -> tuple[object, str, StyleArray]:
    return cell.value, cell.data_type, private.style_of(cell)


def _point(wb: Workbook, key: str, ws: Worksheet, row: int, column: int) -> None:
    """Re-point a single-cell defined name at its row's new place."""
    letter = ws.cell(row, column).column_letter
    wb.defined_names[key] = DefinedName(key, attr_text=f"'{ws.title}'!${letter}${row}")
