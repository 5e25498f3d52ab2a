"""The shareholding sheet: each listed holder, the placees and the public, before and after; the public float.

A top-up whose vendor is named shows the stage between: after the vendor's placing of
existing shares, before its subscription for new ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement import formulas
from xl_placement.capital import PLACEES, Holding
from xl_placement.figures import Figures
from xl_placement.report.cells import CellWriter
from xl_placement.report.tables import empty_table, table_rows
from xl_placement.report.template import area

T = TypeVar("T")
DASH_ZERO_SHARES = '#,##0;(#,##0);"\u2013"'  # zero as an en dash, the banker's blank
DASH_ZERO_PERCENT = '0.00%;(0.00%);"\u2013"'


# A top-up's shareholding in three stages: the heads of its six figure columns, and the widths
# that keep the sheet as wide in print as the deal sheet (A:I) when it prints to column H.
STAGED_HEADS = (
    "Shares before",
    "% before",
    "After the vendor's placing of existing shares",
    "%",
    "After the vendor's subscription for new shares",
    "%",
)
STAGED_WIDTHS = {"B": 58, "C": 19, "D": 12, "E": 19, "F": 12, "G": 19, "H": 12}


def fill_shareholding(wb: Workbook, figures: Figures, out: CellWriter) -> str:
    """Fill the shareholding sheet: the holders' table and the public float below it.

    Returns:
        The last column to print: F, or H for a top-up in three stages.
    """
    last = _holdings(wb, figures, out)
    _public_float(wb, figures, out)
    return last


def _holdings(wb: Workbook, figures: Figures, out: CellWriter) -> str:
    """Before and after per listed holder, the placees, the public and the total.

    A top-up whose vendor is named shows the stage between: after the vendor's placing of
    existing shares, before its subscription for new ones.

    Returns:
        The last column to print: F, or H for a top-up in three stages.
    """
    holdings = figures.shareholding
    if not holdings:
        _no_holdings(wb, out)
        return "F"
    staged = holdings[0].shares_between is not None
    lines = holdings[:-1]  # listed holders, placees, public; the total comes last
    proto, rows = table_rows(wb, "HoldingRow", len(lines))
    ws = proto.ws
    c = [ws.cell(1, proto.min_col + i).column_letter for i in range(7 if staged else 5)]
    total_row = area(wb, "HoldingTotal").min_row
    total = holdings[-1]
    # (shares column, percent column) of each stage; "after" is the last.
    before_col, after_col = c[1], c[5] if staged else c[3]
    stages = [(c[1], c[2]), (c[3], c[4])] + ([(c[5], c[6])] if staged else [])
    if staged:
        _staged_layout(ws, proto.min_row - 1, c)
    vendor = figures.deal.placing.vendor
    listed = len(lines) - 2
    for index, (holding, row) in enumerate(zip(lines, rows, strict=True)):
        out.text(ws, f"{c[0]}{row}", holding.name, is_input=index < listed)
        before, after = f"{before_col}{row}", f"{after_col}{row}"
        between = f"{c[3]}{row}"
        if index < listed:
            out.number(ws, before, holding.shares_before)
            if staged and holding.name == vendor:
                out.formula(
                    ws, between, formulas.subtract(before, "NewShares"), _staged(holding.shares_between)
                )
                out.formula(ws, after, formulas.add(between, "NewShares"), holding.shares_after)
            else:
                if staged:
                    out.formula(ws, between, formulas.copy_of(before), _staged(holding.shares_between))
                out.formula(ws, after, formulas.copy_of(before), holding.shares_after)
        elif holding.name == PLACEES:  # nothing before the deal: shown as dashes, not "0 / 0.00%"
            out.number(ws, before, 0, is_input=False)
            ws[before].number_format = DASH_ZERO_SHARES
            ws[f"{c[2]}{row}"].number_format = DASH_ZERO_PERCENT
            if staged:
                out.formula(ws, between, formulas.copy_of("NewShares"), _staged(holding.shares_between))
            out.formula(ws, after, formulas.copy_of("NewShares"), holding.shares_after)
        else:  # the other public shareholders: what the listed holders do not hold
            formula = (
                formulas.subtract("SharesOutstanding", f"SUM({c[1]}{rows[0]}:{c[1]}{rows[listed - 1]})")
                if listed
                else formulas.copy_of("SharesOutstanding")
            )
            out.formula(ws, before, formula, holding.shares_before)
            if staged:
                out.formula(ws, between, formulas.copy_of(before), _staged(holding.shares_between))
            out.formula(ws, after, formulas.copy_of(before), holding.shares_after)
        _holding_percents(ws, out, row, stages, total_row, holding, total)
    out.text(ws, f"{c[0]}{total_row}", "Total")
    totals = [
        (total.shares_before, total.percent_before),
        *([(_staged(total.shares_between), _staged(total.percent_between))] if staged else []),
        (total.shares_after, total.percent_after),
    ]
    for (shares_col, percent_col), (shares, percent) in zip(stages, totals, strict=True):
        out.formula(
            ws,
            f"{shares_col}{total_row}",
            formulas.total(f"{shares_col}{rows[0]}", f"{shares_col}{rows[-1]}"),
            shares,
        )
        out.formula(
            ws,
            f"{percent_col}{total_row}",
            formulas.total(f"{percent_col}{rows[0]}", f"{percent_col}{rows[-1]}"),
            percent,
        )
    return str(c[-1])


def _staged(value: T | None) -> T:
    """A stage-between figure of a top-up in three stages, which has every stage."""
    if value is None:
        raise ValueError("a top-up's shareholding in three stages lacks its stage between")
    return value


def _holding_percents(
    ws: Worksheet,
    out: CellWriter,
    row: int,
    stages: Sequence[tuple[str, str]],
    total_row: int,
    holding: Holding,
    total: Holding,
) -> None:
    """Each stage's percentage of the line: its shares over the stage's total."""
    middle = len(stages) == 3
    shares = [
        holding.shares_before,
        *([_staged(holding.shares_between)] if middle else []),
        holding.shares_after,
    ]
    totals = [total.shares_before, *([_staged(total.shares_between)] if middle else []), total.shares_after]
    for (shares_col, percent_col), part, whole in zip(stages, shares, totals, strict=True):
        out.formula(
            ws,
            f"{percent_col}{row}",
            formulas.share_of(f"{shares_col}{row}", f"${shares_col}${total_row}"),
            formulas.ratio_double(part, whole),
        )


def _staged_layout(ws: Worksheet, head_row: int, columns: Sequence[str]) -> None:
    """A top-up's heads over its three stages, and column widths that print at the deal sheet's scale."""
    for column, head in zip(columns[1:], STAGED_HEADS, strict=True):
        ws[f"{column}{head_row}"].value = head
        ws[f"{column}{head_row}"].data_type = "s"
    ws.row_dimensions[head_row].height = 42
    for column, width in STAGED_WIDTHS.items():
        ws.column_dimensions[column].width = width


def _no_holdings(wb: Workbook, out: CellWriter) -> None:
    """The shareholding table without placing.shares_outstanding: it says so, with no made-up rows."""
    empty_table(wb, out, "HoldingRow", "HoldingTotal", 5, "The number of shares in issue was not available")


def _public_float(wb: Workbook, figures: Figures, out: CellWriter) -> None:
    """The public-float row under the shareholding table (holders marked ``public = false`` left out).

    A top-up in three stages has the stage between too: the vendor's placed shares are then
    in the placees' (public) hands.
    """
    proto, rows = table_rows(wb, "PublicFloatRow", 1)
    ws, row = proto.ws, rows[0]
    holdings = figures.shareholding
    staged = bool(holdings) and holdings[0].shares_between is not None
    c = [ws.cell(row, proto.min_col + i).column_letter for i in range(7 if staged else 5)]
    held = [h for h in figures.deal.shareholders if not h.public]
    pf = figures.public_float
    if not held or pf is None:
        out.text(
            ws,
            f"{c[0]}{row}",
            "Public float: every shareholder is counted as public; none is listed as outside the float",
        )
        return
    holding_rows = area(wb, "HoldingRow").min_row
    holders = figures.deal.shareholders
    total_row = area(wb, "HoldingTotal").min_row
    plural = "s" if len(held) > 1 else ""
    out.text(
        ws,
        f"{c[0]}{row}",
        f"Public float: all but the {len(held)} holder{plural} marked not public; placees are public",
    )
    total = holdings[-1]
    cells = "+".join(f"{c[1]}{holding_rows + i}" for i, h in enumerate(holders) if not h.public)
    out.formula(ws, f"{c[1]}{row}", formulas.subtract("SharesOutstanding", f"({cells})"), pf.shares_before)
    before = formulas.ratio_double(pf.shares_before, total.shares_before)
    out.formula(ws, f"{c[2]}{row}", formulas.share_of(f"{c[1]}{row}", f"{c[1]}{total_row}"), before)
    after_col, after_pct = (c[5], c[6]) if staged else (c[3], c[4])
    if staged:
        between_cells = "+".join(f"{c[3]}{holding_rows + i}" for i, h in enumerate(holders) if not h.public)
        not_public = {h.name for h in held}
        between_total = total.shares_between if total.shares_between is not None else total.shares_before
        between = between_total - sum(
            h.shares_between or 0 for h in holdings[: len(holders)] if h.name in not_public
        )
        out.formula(ws, f"{c[3]}{row}", formulas.subtract("SharesOutstanding", f"({between_cells})"), between)
        share = formulas.ratio_double(between, between_total)
        out.formula(ws, f"{c[4]}{row}", formulas.share_of(f"{c[3]}{row}", f"{c[3]}{total_row}"), share)
    out.formula(ws, f"{after_col}{row}", formulas.add(f"{c[1]}{row}", "NewShares"), pf.shares_after)
    after = formulas.ratio_double(pf.shares_after, total.shares_after)
    out.formula(
        ws, f"{after_pct}{row}", formulas.share_of(f"{after_col}{row}", f"{after_col}{total_row}"), after
    )
