"""Print layout decided while filling: prices at their precision, rows with nothing left out.

The template has a row for every term a deal may give; a printed page should not list
"not given" five times. ``close_up`` moves the rows that have something to show up over
the ones that do not, keeping each row's label, styles and defined name together.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Border
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement.figures import NOT_GIVEN
from xl_placement.formats import AVERAGE_DECIMALS, price_places
from xl_placement.report import openpyxl_private as private
from xl_placement.report.template import area

DATE_CELL = "d mmm yyyy"  # every date on the sheets and in the page header: 20 Oct 2025
REPORT_PRICE_DECIMALS = 6  # a price finer than this is shown rounded (6.03 cents, 0.0603, shows in full)


def sheet_date(day: dt.date) -> str:
    """A date as the sheets show it (``DATE_CELL``): 20 Oct 2025."""
    return f"{day.day} {day:%b %Y}"


def price_format(value: Decimal) -> str:
    """A price's number format: as many decimals as it was given with, at least two (1.91, 2.021)."""
    return "#,##0." + "0" * price_places(value, most=REPORT_PRICE_DECIMALS)


def computed_price_format(placing_price: Decimal) -> str:
    """An average or theoretical price's format: the placing price's decimals, at least ``AVERAGE_DECIMALS``.

    A price computed from others (12.679333...) shows at that stated precision, not in full.
    """
    return "#,##0." + "0" * max(AVERAGE_DECIMALS, price_places(placing_price, most=REPORT_PRICE_DECIMALS))


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


def leave_off_unknowns(ws: Worksheet, cached: Mapping[tuple[str, str], object]) -> None:
    """Leave the figures not given off the printed page; the cells keep their values and formulas.

    A row that holds nothing but labels, "not given" figures and notes after them is hidden
    (Timetable "Price fixing: not given"). In a row shared with a figure that is given (the
    deal sheet's two blocks sit side by side), the "not given" cell and its label show blank
    instead: their number formats get an empty text section, so a number typed in later shows.

    Args:
        ws: a filled sheet.
        cached: each formula cell's cached value by (sheet title, coordinate).
    """
    for cells in private.rows_of(ws):
        shown = [(c, cached.get((ws.title, c.coordinate)) if c.data_type == "f" else c.value) for c in cells]
        shown = [(c, v) for c, v in shown if v not in (None, "")]
        if not any(v == NOT_GIVEN for _, v in shown):
            continue
        if _only_labels_and_unknowns(v for _, v in shown):
            ws.row_dimensions[cells[0].row].hidden = True
            continue
        label: Cell | None = None
        for c, v in shown:
            if v == NOT_GIVEN:
                c.number_format = blank_text_format(c.number_format)
                if label is not None:
                    label.number_format = blank_text_format(label.number_format)
                label = None
            else:
                label = c if isinstance(v, str) else None


def _only_labels_and_unknowns(values: Iterable[object]) -> bool:
    """True when no figure is given: no number, and no label followed by a text value."""
    after_label = False
    for v in values:
        if v == NOT_GIVEN:
            after_label = False
        elif isinstance(v, str) and not after_label:
            after_label = True
        else:
            return False
    return True


def blank_text_format(number_format: str) -> str:
    """The number format with an empty text section: numbers show as before, text shows blank."""
    sections = _sections(number_format)
    if "@" in sections[0]:  # a text format: nothing numeric to keep
        return ";;;"
    if len(sections) == 1:
        first = sections[0]
        return f"{first};-{first};{first};"
    if len(sections) == 2:
        return f"{sections[0]};{sections[1]};{sections[0]};"
    return ";".join([*sections[:3], ""])


def _sections(number_format: str) -> list[str]:
    """A number format's sections, split at the semicolons outside quotes."""
    sections, current, quoted = [], "", False
    for char in number_format:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += char
    return [*sections, current]


# A deal-file key ("placing.mandate_used", "[[market.history]]") or a figure "not given": words
# for the preparer, whom `xl-placement check` tells; a printed page leaves them out.
_PREPARER = re.compile(
    r"\[\[?[a-z_.]+\]\]?|\b(?:issuer|placing|market|costs|proceeds|fx|grid|report|shareholders|stated)"
    r"\.[a-z][a-z0-9_]*|deal file|not given",
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_PLACEHOLDER = re.compile(r"\[[^\[\]]*\]\s*")  # the wording's "[The use of proceeds is not given: ...]"


def dates_as_sheets(text: str) -> str:
    """Dates written 2025-10-17 (the command line's form) as the sheets write them: 17 Oct 2025."""

    def one(found: re.Match[str]) -> str:
        try:
            return sheet_date(dt.date(int(found[1]), int(found[2]), int(found[3])))
        except ValueError:  # not a date after all
            return found[0]

    return _ISO_DATE.sub(one, text)


def for_reader(text: str) -> str | None:
    """``text`` without the parts that speak to the preparer, or None when nothing else is left.

    Parentheses and clauses (split at "; ") naming a deal-file key or a figure not given
    are left out, as are the wording's bracketed placeholders; "as given in the deal file"
    becomes "as given"; dates read as the sheets write them.
    """
    text = dates_as_sheets(text)
    text = text.replace(" in the deal file", "").replace("from market.history", "from the price history")
    text = _PLACEHOLDER.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _PARENTHESES.sub(lambda m: "" if _PREPARER.search(m.group()) else m.group(), text)
    clauses = [c for c in text.split("; ") if not _PREPARER.search(c)]
    kept = "; ".join(clauses).strip()
    if not kept:
        return None
    if kept[-1] not in ".!?" and text.strip().endswith("."):
        kept += "."
    return kept
