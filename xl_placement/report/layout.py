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

from xl_placement import formulas
from xl_placement.figures import NOT_GIVEN
from xl_placement.formats import AVERAGE_DECIMALS, MILLION, pence_places, price_places
from xl_placement.money import round_half_up
from xl_placement.report import openpyxl_private as private
from xl_placement.report.cells import CellWriter
from xl_placement.report.template import area, optional_area

DATE_CELL = "d mmm yyyy"  # every date on the sheets and in the page header: 20 Oct 2025
BLANK = ""  # a quote-currency cell when the deal has no quote currency
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


PENCE_FORMULA = "Price*100"  # the placing price in pence, from the cell in pounds the formulas use


def pence_format(pounds: Decimal) -> str:
    """A sterling price shown in pence, at the decimals it has in pence: 2,525p for £25.25, 52.85p for £0.5285."""
    places = pence_places(pounds, most=REPORT_PRICE_DECIMALS)
    return "#,##0" + ("." + "0" * places if places else "") + '"p"'


def pence_beside(ws: Worksheet, price_ref: str, out: CellWriter, pounds: Decimal) -> None:
    """London quotes share prices in pence: show the placing price in pence beside its cell in pounds.

    The price cell (``price_ref``, merged over the two columns to its right in the template)
    keeps the pounds every formula takes; it is unmerged and the two columns beside it hold
    ``=Price*100`` formatted in pence, its cached value the product LibreOffice computes.
    """
    cell = ws[price_ref]
    row, column = cell.row, cell.column
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row == row and merged.min_col == column:
            ws.unmerge_cells(str(merged))
    first, last = ws.cell(row, column + 1), ws.cell(row, column + 2)
    for beside in (first, last):
        private.copy_style(cell, beside)  # the row's borders and font, as the merged cell had them
    ws.merge_cells(f"{first.coordinate}:{last.coordinate}")
    shown = out.formula(ws, first.coordinate, PENCE_FORMULA, formulas.written_double(pounds) * 100)
    shown.number_format = pence_format(pounds)


def quote_cell(
    out: CellWriter, ws: Worksheet, ref: str, source: str, amount: Decimal, rate: Decimal | None
) -> None:
    """An amount's quote-currency cell beside it: ``=source/FxRate``, or blank with no exchange rate."""
    if rate is None:
        out.not_applicable(ws, ref, BLANK)
    else:
        out.formula(
            ws, ref, formulas.to_quote(source, "FxRate"), formulas.ratio_double(float(amount), float(rate))
        )


def shown_millions(value: Decimal) -> Decimal:
    """An amount as the report shows it: millions to one decimal (format ``#,##0.0,,``)."""
    return round_half_up(value / MILLION, 1)


def adds_up_as_shown(parts: Sequence[Decimal], total: Decimal) -> bool:
    """True when the parts, each shown in millions to one decimal, add up to the total as shown."""
    return sum((shown_millions(p) for p in parts), Decimal(0)) == shown_millions(total)


ROUNDED_TOTAL = "Total (rows rounded separately)"  # the rows as shown do not add up to it exactly


def close_up(
    wb: Workbook,
    names: Sequence[str],
    shown: Sequence[str],
    first: str,
    last: str,
    out: CellWriter | None = None,
) -> list[str]:
    """Move the rows of ``shown`` up over the rows of the other ``names``, then clear the rows left over.

    Args:
        wb: the workbook being filled.
        names: single-cell defined names, one per row, in the order of their rows on one sheet.
        shown: the names whose rows stay (in the same order); the others are left out.
        first: the first column of the block (its labels), e.g. ``B``.
        last: the last column of the block.
        out: the writer that registered the block's formulas, when it has any: they are
            registered again where they moved.

    Returns:
        The names left out. Their defined names are removed, with any other name on their rows
        in the block (a quote column's): a name left pointing at its old row would give another
        row's figure.

    Nothing may refer to the cells of a row that moves except the defined names of its cells,
    which move with it (formulas refer to names, so they follow).
    """
    areas = [area(wb, key) for key in names]
    ws = areas[0].ws
    rows = [a.min_row for a in areas]
    columns = range(ws[f"{first}1"].column, ws[f"{last}1"].column + 1)
    merges = {row: _row_merges(ws, row, columns) for row in rows}
    for row in rows:
        for start, end in merges[row]:
            ws.unmerge_cells(start_row=row, start_column=start, end_row=row, end_column=end)
    moved = [areas[names.index(key)] for key in shown]
    riders = _names_on(wb, ws, rows, columns)
    snapshot = {row: [_copy(ws.cell(row, c)) for c in columns] for row in rows}
    for target, source in zip(rows, moved, strict=False):
        for column, (value, data_type, style) in zip(columns, snapshot[source.min_row], strict=True):
            cell = ws.cell(target, column)
            cell.value = value
            cell.data_type = data_type  # text starting with "=" stays text
            private.set_style(cell, style)
        for start, end in merges[source.min_row]:
            private.merge_cells(ws, target, start, target, end)
        if source.min_row != target:
            ws.row_dimensions[target].height = ws.row_dimensions[source.min_row].height
    targets = {source.min_row: target for target, source in zip(rows, moved, strict=False)}
    for rider, (row, column) in riders.items():
        if row in targets:
            _point(wb, rider, ws, targets[row], column)
        else:
            del wb.defined_names[rider]
    if out is not None:
        out.move_rows(ws, targets, rows, columns)
    for row in rows[len(moved) :]:
        for column in columns:
            cell = ws.cell(row, column)
            cell.value = None
            cell.border = Border()
        ws.row_dimensions[row].height = None
    return [key for key in names if key not in shown]


def _names_on(wb: Workbook, ws: Worksheet, rows: Sequence[int], columns: range) -> dict[str, tuple[int, int]]:
    """The single-cell defined names on ``rows`` of the block, with the (row, column) of each."""
    found = {}
    for key in list(wb.defined_names):
        where = optional_area(wb, key)
        if (
            where is not None
            and where.ws is ws
            and where.min_row == where.max_row
            and where.min_col == where.max_col
            and where.min_row in rows
            and where.min_col in columns
        ):
            found[key] = (where.min_row, where.min_col)
    return found


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
