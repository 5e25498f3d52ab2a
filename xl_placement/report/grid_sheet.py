"""The "Pricing grid" sheet: one row per candidate price, every figure a formula on the deal's inputs.

A price is an input (blue) a reader may change; the deal's own price is a copy of the deal
sheet's ``Price`` and is highlighted. Discounts refer to the deal sheet's reference prices,
proceeds to its new shares and costs, so the grid follows every edit. Rows that breach the
exchange's price rule are shaded by conditional formatting on the rule column.
"""

from __future__ import annotations

from copy import copy

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement import formulas
from xl_placement.figures import NOT_GIVEN, Figures
from xl_placement.formats import in_sentence, percent_places, quoted_price_text, unit_label
from xl_placement.grid import PASS, GridRow, PricingGrid, pricing_grid, rule_limit
from xl_placement.report.cells import CellWriter, fit_height
from xl_placement.report.layout import for_reader
from xl_placement.report.tables import table_rows
from xl_placement.report.template import Area, area
from xl_placement.rules.nasdaq import SIZE, shares_counted

DISCOUNT = "0.00%;(0.00%);0.00%"
MILLIONS = '#,##0.0,,;(#,##0.0,,);"\u2013"'
SHARES = "#,##0"
PERCENT = "0.00%"
DEAL_FILL = PatternFill("solid", fgColor="FFFFF2CC")  # the deal's own row
BREACH_FILL = PatternFill("solid", fgColor="FFF8CBAD")
BREACH_FONT = Font(color="FF9C0006", bold=True)


def fill_grid(wb: Workbook, figures: Figures, out: CellWriter) -> str:
    """Fill the pricing grid; return the last column used (for the print area)."""
    grid = pricing_grid(figures)
    head = area(wb, "GridHead")
    ws = head.ws
    ccy = unit_label(figures.deal.issuer.currency)
    note = area(wb, "GridNote")
    columns = _columns(figures, grid)
    last_col = str(get_column_letter(head.min_col + len(columns)))
    if grid.problem is not None:
        # The preparer reads the problem itself from `check`; the page says it in a reader's words.
        why = (
            "the last close was not available"
            if grid.problem.startswith("not enough data")
            else "the range of prices set for it gives no usable grid"
        )
        out.text(ws, note.ref, f"No pricing grid: {why}.")
        table_rows(wb, "GridRow", 1)
        out.text(ws, area(wb, "GridFoot").ref, "")
        return str(get_column_letter(head.max_col))
    out.text(ws, note.ref, _note(figures, grid))
    for offset, (heading, _) in enumerate(columns, start=1):
        out.text(ws, f"{get_column_letter(head.min_col + offset)}{head.min_row}", heading)
    proto, rows = table_rows(wb, "GridRow", len(grid.rows))
    refs = reference_cells(wb, figures)
    letters = [get_column_letter(proto.min_col + i) for i in range(len(columns) + 1)]
    for item, row in zip(grid.rows, rows, strict=True):
        _row(ws, out, figures, grid, item, row, letters, refs)
        for letter, (_, fmt) in zip(letters[1:], columns, strict=True):
            ws[f"{letter}{row}"].number_format = fmt
        if item.is_deal:
            for letter in letters:
                ws[f"{letter}{row}"].fill = DEAL_FILL
                bold = copy(ws[f"{letter}{row}"].font)
                bold.b = True
                ws[f"{letter}{row}"].font = bold
    rule_col = letters[len(grid.references) + 5]
    first, last = rows[0], rows[-1]
    ws.conditional_formatting.add(
        f"{letters[0]}{first}:{letters[-1]}{last}",
        FormulaRule(formula=[f'${rule_col}{first}="breach"'], fill=BREACH_FILL, font=BREACH_FONT),
    )
    out.text(ws, area(wb, "GridFoot").ref, _foot(figures, ccy))
    mark_col = letters[len(grid.references) + 6]
    ws.column_dimensions[mark_col].width = 22
    for row in rows:
        ws[f"{mark_col}{row}"].alignment = Alignment(horizontal="left", indent=1)
    for name in ("GridNote", "GridFoot"):
        _fit_merge(ws, area(wb, name), last_col)
        fit_height(ws, area(wb, name).min_row)
    return last_col


def _fit_merge(ws: Worksheet, found: Area, last_col: str) -> None:
    """Narrow a note's merged cells to the grid's own columns, so its text wraps inside the print area."""
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row == found.min_row and merged.min_col == found.min_col:
            ws.unmerge_cells(merged.coord)
    ws.merge_cells(f"{found.ref}:{last_col}{found.min_row}")


def reference_cells(wb: Workbook, figures: Figures) -> dict[str, str]:
    """Where the deal sheet shows each reference price: ``'Deal sheet'!$C$24`` by reference key."""
    proto = area(wb, "RefRow")
    letter = get_column_letter(proto.min_col + 1)
    title = proto.ws.title.replace("'", "''")
    return {
        ref.key: f"'{title}'!${letter}${proto.min_row + offset}"
        for offset, ref in enumerate(figures.references)
    }


def _columns(figures: Figures, grid: PricingGrid) -> list[tuple[str, str]]:
    """The heads and number formats after the price column."""
    ccy = unit_label(figures.deal.issuer.currency)
    heads = [(f"Discount to {in_sentence(r.label)}", DISCOUNT) for r in grid.references]
    return [
        *heads,
        (f"Gross proceeds ({ccy} m)", MILLIONS),
        (f"Net proceeds ({ccy} m)", MILLIONS),
        ("New shares for the deal's gross proceeds", SHARES),
        ("Those shares, % of enlarged capital", PERCENT),
        ("Price rule", "General"),
        ("", "General"),
    ]


def _row(
    ws: Worksheet,
    out: CellWriter,
    figures: Figures,
    grid: PricingGrid,
    item: GridRow,
    row: int,
    letters: list[str],
    refs: dict[str, str],
) -> None:
    price = f"{letters[0]}{row}"
    if item.is_deal:
        out.formula(ws, price, formulas.copy_of("Price"), item.price)
    else:
        out.number(ws, price, item.price)
    n = len(grid.references)
    # Ratios cache what a spreadsheet computes in doubles (see formulas.discount_double).
    for i, ref in enumerate(grid.references):
        value = formulas.discount_double(
            formulas.written_double(item.price), formulas.written_double(ref.price)
        )
        out.formula(ws, f"{letters[1 + i]}{row}", formulas.discount(price, refs[ref.key]), value)
        limit = rule_limit(grid.rule)
        places = percent_places(item.discounts[i], limit) if limit is not None else 2
        if places > 2:  # more decimals where 2 would round the discount onto or across the rule's limit
            zeros = "0" * places
            ws[f"{letters[1 + i]}{row}"].number_format = f"0.{zeros}%;(0.{zeros}%);0.{zeros}%"
    gross, net, needed, pct, rule, mark = (f"{letters[n + k]}{row}" for k in range(1, 7))
    out.formula(ws, gross, formulas.gross("NewShares", price), item.gross)
    if item.net is None:  # costs not given: never a net equal to gross
        out.not_applicable(ws, net, NOT_GIVEN)
    else:
        out.formula(ws, net, formulas.net_at(gross, "CommissionRate", "OtherCosts"), item.net)
    out.formula(ws, needed, formulas.shares_for("Gross", price), item.shares_needed)
    if item.percent_of_enlarged is None:
        out.not_applicable(ws, pct)
    else:
        outstanding = figures.deal.placing.shares_outstanding or 0
        enlarged = formulas.dilution_enlarged_double(item.shares_needed, outstanding)
        out.formula(ws, pct, formulas.dilution_enlarged(needed, "SharesOutstanding"), enlarged)
    _rule_cell(ws, out, figures, grid, item, price, rule, refs)
    marks = [
        text for flag, text in ((item.is_deal, "deal price"), (item.is_lowest, "lowest within rule")) if flag
    ]
    if marks:
        out.text(ws, mark, "\u25c4 " + ", ".join(marks))


def _rule_cell(
    ws: Worksheet,
    out: CellWriter,
    figures: Figures,
    grid: PricingGrid,
    item: GridRow,
    price: str,
    target: str,
    refs: dict[str, str],
) -> None:
    rule = grid.rule
    if rule.status != PASS or rule.limit is None or rule.reference_price is None:
        out.text(ws, target, rule.status)
        return
    limit = format(rule.limit.floor.normalize(), "f")
    if rule.reference == "minimum_price":
        reference = formulas.lower(refs["last_close"], refs["average_close_5d"])
        count = shares_counted(figures.deal)
        shares = "NewShares" if count == figures.deal.placing.new_shares else str(count)
        part, whole = SIZE.as_integer_ratio()  # 20% as 1/5: shares*5>=1*outstanding, exact in doubles
        # Shareholders' approval (a specific mandate) means no price breaches.
        large = "FALSE" if rule.approved else f"{shares}*{whole}>={part}*SharesOutstanding"
        formula = formulas.price_rule(price, reference, limit, inclusive=False, large=large)
    else:
        formula = formulas.price_rule(price, refs[str(rule.reference)], limit, inclusive=rule.inclusive)
    out.formula(ws, target, formula, item.outcome)


def _note(figures: Figures, grid: PricingGrid) -> str:
    ccy = figures.deal.issuer.currency
    start, stop, step = (
        quoted_price_text(v, ccy) if v is not None else "-" for v in (grid.start, grid.stop, grid.step)
    )
    rule = grid.rule
    reason = for_reader(rule.why) if rule.why else None
    why = f" ({reason})" if reason else ""
    outcome = "" if rule.status == PASS else f": {rule.status}{why}"
    return f"Price rule: {rule.title}{outcome}. Prices from {start} to {stop} in steps of {step}, with the deal's price."


def _foot(figures: Figures, ccy: str) -> str:
    p = figures.deal.placing
    net = (
        "with the deal sheet's commission rate and other costs"
        if figures.deal.costs.given
        else "net proceeds not shown: the costs were not published"
    )
    return (
        f"Gross and net proceeds are for the deal's {p.new_shares:,} new shares at each price, {net}. New shares for the deal's gross proceeds: the shares that "
        f"raise the deal sheet's gross proceeds ({ccy}) at each price, rounded up."
    )
