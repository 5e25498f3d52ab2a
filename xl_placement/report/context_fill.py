"""Deal sheet additions: market context, liquidity, timetable, itemised costs; the public float.

Same conventions as ``fill``: inputs in blue, every figure that follows them a native formula
carrying the value the core computed (``context``), "n/a" or a reason where the deal lacks it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl import Workbook

from xl_placement import formulas
from xl_placement.context import TOP_UP_SUBSCRIPTION_DAYS, lock_up_end
from xl_placement.figures import NOT_GIVEN, Figures
from xl_placement.proceeds import to_quote
from xl_placement.report.cells import CellWriter
from xl_placement.report.fill import BLANK, ROUNDED_TOTAL, DealSheet, adds_up_as_shown, cell
from xl_placement.report.layout import sheet_date
from xl_placement.report.tables import table_rows
from xl_placement.report.template import area

EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of spreadsheet date serials (1900 system)
NO_VOLUMES = "Trading volumes were not available"


def serial(day: dt.date) -> int:
    """A date as a spreadsheet serial number (the cached value of a date formula)."""
    return (day - EXCEL_EPOCH).days


def market_data_text(figures: Figures) -> str:
    """The page header: "Market data as of 14 Mar 2025" (as the sheets write dates), or nothing."""
    day = figures.market.as_of
    return f"Market data as of {sheet_date(day)}" if day else ""


def fill_context(sheet: DealSheet) -> None:
    """Fill the market context, liquidity, timetable, itemised costs and the headline quote."""
    _headline_quote(sheet)
    _market(sheet)
    _liquidity(sheet)
    _timetable(sheet)
    _cost_items(sheet)


def _headline_quote(sheet: DealSheet) -> None:
    money, deal = sheet.figures.proceeds, sheet.figures.deal
    ws, ref = cell(sheet.wb, "KeyGrossQuote")
    if deal.fx is None or money.gross_quote is None:
        sheet.out.not_applicable(ws, ref, BLANK)
        return
    # The same double as the GrossQuote cell it copies (Gross / FxRate, as a spreadsheet computes it).
    quote = formulas.ratio_double(float(money.gross), float(deal.fx.rate))
    sheet.out.formula(ws, ref, formulas.copy_of("GrossQuote"), quote)
    ws[ref].number_format = f'"{deal.fx.quote_currency} "#,##0.0,,"m"'


def _market(sheet: DealSheet) -> None:
    f = sheet.figures
    m = f.market
    ws, ref = cell(sheet.wb, "MarketDate")
    if m.as_of is None:
        sheet.out.text(ws, ref, NOT_GIVEN)
    else:
        sheet.out.number(ws, ref, serial(m.as_of), is_input=False)
    last = sheet._reference_cell("last_close")
    placed = m.placed_class_shares
    if m.as_of is None and m.market_cap is None:  # the rows print blank: the band says so
        found = area(sheet.wb, "MarketDate")
        band = found.ws.cell(found.min_row - 1, found.min_col - 1)
        band.value = "Market context: not available"
    if last is None or m.market_cap is None or placed is None:
        sheet.na("MarketCap", NOT_GIVEN)  # without the last close either: left off the printed page
        sheet.na("MarketCapQuote", BLANK)
        sheet.na("GrossToMarketCap", NOT_GIVEN)
        return
    p = f.deal.placing
    # The placed class at the last close, in cells when the deal sheet holds its share count;
    # the other classes (shares x close x rate, from the deal file) as one number.
    if m.market_cap_basis == "" or placed == p.shares_outstanding:
        shares_cell = "SharesOutstanding"
    elif placed == p.class_shares_outstanding:
        shares_cell = "ClassShares"
    else:  # shares outstanding less the other classes
        shares_cell = f"(SharesOutstanding-{sum(c.shares for c in f.deal.issuer.other_classes)})"
    close = f.reference("last_close")
    cap = formulas.written_double(close.price if close else 0) * float(placed)
    formula = formulas.product(last, shares_cell)
    if f.deal.issuer.other_classes:
        formula += f"+{m.other_classes_value}"
        cap += float(m.other_classes_value)
    sheet.put_formula("MarketCap", formula, cap)
    if f.deal.fx is None or m.market_cap_quote is None:
        sheet.na("MarketCapQuote", BLANK)
    else:
        quote = formulas.ratio_double(cap, float(f.deal.fx.rate))
        sheet.put_formula("MarketCapQuote", formulas.to_quote("MarketCap", "FxRate"), quote)
    share = formulas.ratio_double(float(f.proceeds.gross), cap)
    sheet.put_formula("GrossToMarketCap", formulas.ratio("Gross", "MarketCap"), share)


def _liquidity(sheet: DealSheet) -> None:
    rows_of = sheet.figures.market.liquidity
    proto, rows = table_rows(sheet.wb, "LiquidityRow", len(rows_of))
    ws, out = proto.ws, sheet.out
    c = [ws.cell(proto.min_row, proto.min_col + i).column_letter for i in range(4)]
    if not rows_of:
        out.text(ws, f"{c[0]}{rows[0]}", NO_VOLUMES)
        return
    for item, row in zip(rows_of, rows, strict=True):
        out.text(ws, f"{c[0]}{row}", f"{item.days} trading days ({item.origin})")
        out.number(ws, f"{c[1]}{row}", item.volume)
        if item.value is None:
            out.not_applicable(ws, f"{c[2]}{row}", "n/a")
        else:
            out.number(ws, f"{c[2]}{row}", item.value)
        days = formulas.ratio_double(float(sheet.figures.deal.placing.new_shares), float(item.volume))
        out.formula(ws, f"{c[3]}{row}", formulas.ratio("NewShares", f"{c[1]}{row}"), days)


def _timetable(sheet: DealSheet) -> None:
    entries = sheet.figures.timetable
    proto, rows = table_rows(sheet.wb, "TimetableRow", len(entries))
    ws, out = proto.ws, sheet.out
    c = [ws.cell(proto.min_row, proto.min_col + i).column_letter for i in range(3)]
    completion: str | None = None
    p = sheet.figures.deal.placing
    days = {"lock_up_end": p.lock_up_days, "vendor_lock_up_end": p.vendor_lock_up_days}
    agreement: str | None = None
    if not any(e.when is not None for e in entries):  # the rows print blank: the band says so
        band = ws.cell(rows[0] - 1, proto.min_col)
        band.value = f"{band.value}: no dates were available"
    for entry, row in zip(entries, rows, strict=True):
        out.text(ws, f"{c[0]}{row}", entry.label)
        date_cell, days_cell = f"{c[1]}{row}", f"{c[2]}{row}"
        if entry.key == "subscription_deadline":
            if agreement is None or entry.when is None:
                out.not_applicable(ws, date_cell, NOT_GIVEN)
                continue
            out.number(ws, days_cell, TOP_UP_SUBSCRIPTION_DAYS, is_input=False)
            out.formula(ws, date_cell, formulas.days_after(agreement, days_cell), serial(entry.when))
            continue
        if entry.key in days:
            length = days[entry.key]
            if length is None:
                out.not_applicable(ws, date_cell, NOT_GIVEN)
                continue
            out.number(ws, days_cell, length)
            end, _ = lock_up_end(p.completion_date, length)
            if completion is None or end is None:
                out.not_applicable(ws, date_cell, "no completion date")
            else:
                out.formula(ws, date_cell, formulas.days_after(completion, days_cell), serial(end))
            continue
        if entry.when is None:
            out.not_applicable(ws, date_cell, NOT_GIVEN)
            continue
        out.number(ws, date_cell, serial(entry.when))
        if entry.key == "completion_date":
            completion = date_cell
        if entry.key == "agreement_date":
            agreement = date_cell


def _cost_items(sheet: DealSheet) -> None:
    deal, out = sheet.figures.deal, sheet.out
    items = deal.costs.items
    proto, rows = table_rows(sheet.wb, "CostItemRow", len(items))
    ws = proto.ws
    c = [ws.cell(proto.min_row, proto.min_col + i).column_letter for i in range(3)]
    total_row = area(sheet.wb, "CostItemTotal").min_row
    if not items:
        out.text(ws, f"{c[0]}{rows[0]}", "Other costs were not itemised")
        return
    rate = deal.fx.rate if deal.fx else None
    for item, row in zip(items, rows, strict=True):
        out.text(ws, f"{c[0]}{row}", item.name, is_input=True)
        out.number(ws, f"{c[1]}{row}", item.amount)
        if rate is None:
            out.not_applicable(ws, f"{c[2]}{row}", BLANK)
        else:
            out.formula(
                ws,
                f"{c[2]}{row}",
                formulas.to_quote(f"{c[1]}{row}", "FxRate"),
                formulas.ratio_double(float(item.amount), float(rate)),
            )
    first, last = f"{c[1]}{rows[0]}", f"{c[1]}{rows[-1]}"
    total = sum((i.amount for i in items), Decimal(0))
    rounded = not adds_up_as_shown([i.amount for i in items], total) or (
        rate is not None
        and not adds_up_as_shown([to_quote(i.amount, rate) for i in items], to_quote(total, rate))
    )
    out.text(ws, f"{c[0]}{total_row}", ROUNDED_TOTAL if rounded else "Total: the other costs above")
    out.formula(ws, f"{c[1]}{total_row}", formulas.total(first, last), total)
    if rate is None:
        out.not_applicable(ws, f"{c[2]}{total_row}", BLANK)
    else:
        out.formula(
            ws,
            f"{c[2]}{total_row}",
            formulas.total(f"{c[2]}{rows[0]}", f"{c[2]}{rows[-1]}"),
            sum((to_quote(i.amount, rate) for i in items), Decimal(0)),
        )
    # The proceeds block's other costs follow the items.
    sheet.put_formula(
        "OtherCosts", formulas.rounded_total(first, last, "2"), sheet.figures.proceeds.other_costs
    )


def fill_public_float(wb: Workbook, figures: Figures, out: CellWriter) -> None:
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
