"""The use-of-proceeds sheet: each use's amount, split exactly in visible steps, and the waterfall chart.

The amounts are formulas: the largest-remainder rounding of ``money.allocate`` in whole
units, one step a column to the right of the print area, so Excel follows a changed price.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement import formulas
from xl_placement.figures import NET_NOT_GIVEN_BASIS, NOT_GIVEN, Figures
from xl_placement.formats import quoted_prefix, unit_label
from xl_placement.money import LargestRemainder, largest_remainder, to_minor_units
from xl_placement.proceeds import SHARE_DECIMALS, to_quote
from xl_placement.report.cells import CellWriter, fit_height
from xl_placement.report.chart import Bars, ChartRow, add_waterfall, label_size, wrap_label
from xl_placement.report.layout import ROUNDED_TOTAL, adds_up_as_shown, quote_cell, shown_millions
from xl_placement.report.tables import empty_table, table_rows
from xl_placement.report.template import area, named_cell

#: The use-of-proceeds formulas are exact in a spreadsheet's doubles while the units to split
#: stay below 10^14 and the shares' total below 1.1 x 10^7 units of 10^-7 (shares add up to
#: about 100%): every product is then below 1.3 x 10^14 < 2^53, and every MOD quotient below
#: 1.1 x 10^7, where LibreOffice's 15-digit rounding inside MOD cannot reach a whole number
#: and Excel's MOD limit (2^27) is far away.
EXACT_LIMIT = 10**14
SHARES_UNITS_LIMIT = 11 * 10**6


def share_units(shares: Sequence[Decimal]) -> list[int] | None:
    """Each share in whole units of 10^-SHARE_DECIMALS, or None when one has more decimals."""
    scaled = [share.scaleb(SHARE_DECIMALS) for share in shares]
    if any(value != value.to_integral_value() for value in scaled):
        return None
    return [int(value) for value in scaled]


def workings(base: Decimal, shares: Sequence[Decimal], decimals: int) -> LargestRemainder | None:
    """The steps of ``money.allocate`` as the sheet shows them, or None when the sheet cannot be exact.

    The sheet counts shares in units of 10^-7 and needs every product below 10^14; a deal
    outside that (shares with more decimals, a very large amount) gets its amounts as figures.
    """
    weights = share_units(shares)
    units = to_minor_units(base, decimals)
    if weights is None or not 0 <= units < EXACT_LIMIT or sum(weights) > SHARES_UNITS_LIMIT:
        return None
    return largest_remainder(units, weights)


def rounding_note(base: Decimal, rounded: Decimal, decimals: int, currency: str) -> str:
    """Say how an amount that is not a whole number of the rounding unit is split."""
    unit = f"{Decimal(1).scaleb(-decimals):f}" if decimals > 0 else f"{10**-decimals:,}"
    places = max(decimals, 0)
    ccy = quoted_prefix(currency)  # "HKD ", or "£" (amounts in pounds)
    if rounded == base:
        return f"The amount is a whole number of the rounding unit ({ccy}{unit}), so the uses add up to it exactly."
    return (
        f"The amount, {ccy}{base:,.2f}, is not a whole number of the rounding unit ({ccy}{unit}): "
        f"it is rounded half up to {ccy}{rounded:,.{places}f} before it is split, so the uses add up "
        f"to that ({rounded - base:+,.2f})."
    )


def fill_proceeds(wb: Workbook, figures: Figures, out: CellWriter) -> None:
    """Fill the use-of-proceeds sheet: the table, its workings and the waterfall chart."""
    _uses(wb, figures, out)
    _hide_workings(wb)


def _uses(wb: Workbook, figures: Figures, out: CellWriter) -> None:  # noqa: PLR0915 - one table, step by step
    """The use-of-proceeds table, its workings and the waterfall chart."""
    deal = figures.deal
    plan = deal.proceeds
    ws, ref = named_cell(wb, "AllocBasis")
    basis = figures.allocation_basis  # "gross (net not given)": net basis without the costs
    out.text(ws, ref, "gross (net not published)" if basis == NET_NOT_GIVEN_BASIS else basis)
    _, base_ref = named_cell(wb, "AllocBase")
    out.formula(ws, base_ref, formulas.copy_of("Net" if basis == "net" else "Gross"), figures.allocation_base)
    _, dec_ref = named_cell(wb, "AllocDecimals")
    out.number(ws, dec_ref, plan.decimals)
    if not plan.uses:
        _no_uses(wb, out)
        _fill_chart(wb, figures, out, [], [], None)
        return
    units = to_minor_units(figures.allocation_base, plan.decimals)
    rounded = Decimal(units).scaleb(-plan.decimals)
    _, units_ref = named_cell(wb, "AllocUnits")
    _, rounded_ref = named_cell(wb, "AllocRounded")
    out.formula(ws, units_ref, formulas.units("AllocBase", "AllocDecimals"), units)
    out.formula(ws, rounded_ref, formulas.from_units(units_ref, "AllocDecimals"), rounded)
    _, note_ref = named_cell(wb, "AllocNote")
    note = rounding_note(figures.allocation_base, rounded, plan.decimals, deal.issuer.currency)

    steps = workings(figures.allocation_base, [u.share for u in plan.uses], plan.decimals)
    work_proto, work_rows = table_rows(wb, "WorkRow", len(plan.uses))
    use_proto, use_rows = table_rows(wb, "UseRow", len(plan.uses))
    wc = [ws.cell(1, work_proto.min_col + i).column_letter for i in range(5)]
    uc = [ws.cell(1, use_proto.min_col + i).column_letter for i in range(4)]
    floors = f"${wc[1]}${work_rows[0]}:${wc[1]}${work_rows[-1]}"
    remainders = f"${wc[2]}${work_rows[0]}:${wc[2]}${work_rows[-1]}"
    extras = f"${wc[4]}${work_rows[0]}:${wc[4]}${work_rows[-1]}"
    _, left_ref = named_cell(wb, "AllocLeft")
    _, k_ref = named_cell(wb, "ShareDecimals")
    _, total_ref = named_cell(wb, "SharesUnits")
    _, check_ref = named_cell(wb, "AllocCheck")
    if steps is not None:
        out.number(ws, k_ref, SHARE_DECIMALS, is_input=False)
        first_s, last_s = f"{wc[0]}{work_rows[0]}", f"{wc[0]}{work_rows[-1]}"
        out.formula(ws, total_ref, formulas.total(first_s, last_s), steps.total)
        out.formula(ws, left_ref, formulas.left(units_ref, floors), steps.left)
        out.formula(ws, check_ref, formulas.units_check(floors, extras, units_ref), 0)
    else:
        for ref_ in (k_ref, total_ref, left_ref, check_ref):
            out.not_applicable(ws, ref_)
        note += (
            " The shares have more than seven decimals or the amount is too large for exact spreadsheet"
            " arithmetic, so the amounts are xl-placement's figures, not formulas."
        )
    _, note_ref = named_cell(wb, "AllocNote")
    out.text(ws, note_ref, note)
    fit_height(ws, ws[note_ref].row)
    rate = deal.fx.rate if deal.fx else None
    for i, (allocation, use_row, work_row) in enumerate(
        zip(figures.allocations, use_rows, work_rows, strict=True)
    ):
        s_, f, r, k, e = (f"{c}{work_row}" for c in wc)
        share_cell = f"{uc[1]}{use_row}"
        out.text(ws, f"{uc[0]}{use_row}", allocation.name, is_input=True)
        out.number(ws, share_cell, allocation.share)
        amount_cell = f"{uc[2]}{use_row}"
        if steps is None:
            out.number(ws, amount_cell, allocation.amount, is_input=False)
        else:
            out.formula(ws, s_, formulas.share_units(share_cell, k_ref), steps.weights[i])
            out.formula(ws, f, formulas.floor_units(units_ref, s_, total_ref), steps.floors[i])
            out.formula(ws, r, formulas.remainder_units(units_ref, s_, total_ref), steps.remainders[i])
            out.formula(ws, k, formulas.rank(r, remainders), steps.ranks[i])
            out.formula(ws, e, formulas.extra_unit(k, left_ref), steps.extras[i])
            out.formula(ws, amount_cell, formulas.amount(f, e, "AllocDecimals"), allocation.amount)
        quote_cell(out, ws, f"{uc[3]}{use_row}", amount_cell, allocation.amount, rate)
    _use_totals(wb, figures, out, uc, use_rows)
    left_after = None
    if steps is not None:
        first_f, first_e = f"${wc[1]}${work_rows[0]}", f"${wc[4]}${work_rows[0]}"

        def left_after(i: int) -> str:
            """The amount still to split after the first i + 1 uses, from whole units (exact)."""
            row = work_rows[i]
            used = f"SUM({first_f}:${wc[1]}${row})-SUM({first_e}:${wc[4]}${row})"  # units - floors - extras
            return formulas.from_units(f"({units_ref}-{used})", "AllocDecimals")

    _fill_chart(
        wb,
        figures,
        out,
        [f"${uc[2]}${row}" for row in use_rows],
        [f"${uc[0]}${row}" for row in use_rows],
        left_after,
    )


def _hide_workings(wb: Workbook) -> None:
    """Hide the rounding's decimal places and the zero difference below the uses' total.

    They are workings for the preparer: the rows stay (formulas refer to them) but do not
    print. Called once every table of the sheet has its rows (inserting rows moves them).
    """
    for key in ("AllocDecimals", "AllocCheck"):
        found = area(wb, key)
        found.ws.row_dimensions[found.min_row].hidden = True


def _use_totals(wb: Workbook, figures: Figures, out: CellWriter, uc: list[str], use_rows: list[int]) -> None:
    """The total row of the uses (the check that they add up is a cell of its own, in units)."""
    ws = area(wb, "UseTotal").ws
    plan, deal = figures.deal.proceeds, figures.deal
    rate = deal.fx.rate if deal.fx else None
    total_row = area(wb, "UseTotal").min_row
    first, last = use_rows[0], use_rows[-1]
    out.text(ws, f"{uc[0]}{total_row}", "Total")
    out.formula(
        ws,
        f"{uc[1]}{total_row}",
        formulas.total(f"{uc[1]}{first}", f"{uc[1]}{last}"),
        sum(u.share for u in plan.uses),
    )
    allocated = sum((a.amount for a in figures.allocations), Decimal(0))
    out.formula(
        ws,
        f"{uc[2]}{total_row}",
        formulas.rounded_total(f"{uc[2]}{first}", f"{uc[2]}{last}", "AllocDecimals"),
        allocated,
    )
    quote_cell(out, ws, f"{uc[3]}{total_row}", f"{uc[2]}{total_row}", allocated, rate)
    if rate is not None:
        quotes = [to_quote(a.amount, rate) for a in figures.allocations]
        if not adds_up_as_shown(quotes, to_quote(allocated, rate)):
            out.text(ws, f"{uc[0]}{total_row}", ROUNDED_TOTAL)


def _no_uses(wb: Workbook, out: CellWriter) -> None:
    """The use-of-proceeds table of a deal without [[proceeds.uses]]: it says so, with no made-up rows."""
    empty_table(wb, out, "UseRow", "UseTotal", 4, "The use of proceeds was not published")
    for name in ("AllocUnits", "AllocLeft", "AllocCheck"):
        sheet, ref = named_cell(wb, name)
        out.not_applicable(sheet, ref, NOT_GIVEN)


Bar = tuple[str, Decimal]  # a formula (without "=") and its value; "" for an empty segment
EMPTY: Bar = ("", Decimal(0))


def _fill_chart(
    wb: Workbook,
    figures: Figures,
    out: CellWriter,
    amount_cells: list[str],
    name_cells: list[str],
    left_after: Callable[[int], str] | None,
) -> None:
    """The waterfall's data: gross, costs, net, then each use stepping down from the base.

    Each bar has four stacked segments: the invisible base, a total, a cost and a use.
    ``left_after(i)`` is the formula of what is left after use i (None: write the figures).
    A thin bar's label carries its amount (a formula, so it follows edits), see ``chart``.
    """
    money = figures.proceeds
    bars: list[tuple[str, Bar, Bar, Bar, Bar]] = [
        ("Gross proceeds", EMPTY, ("Gross", money.gross), EMPTY, EMPTY)
    ]
    amounts: list[tuple[str, Decimal, str]] = [("Gross", money.gross, "")]  # amount cell, value, name cell
    if figures.allocation_basis == "net" and money.net is not None and money.costs is not None:
        if money.costs:  # no empty slot for costs of zero: gross steps straight to net
            bars.append(("Costs", ("Net", money.net), EMPTY, ("TotalCosts", money.costs), EMPTY))
            amounts.append(("TotalCosts", money.costs, ""))
        bars.append(("Net proceeds", EMPTY, ("Net", money.net), EMPTY, EMPTY))
        amounts.append(("Net", money.net, ""))
    # The uses step down from the amount split (the base rounded to the rounding unit).
    remaining = sum((a.amount for a in figures.allocations), Decimal(0))
    uses = zip(figures.allocations, amount_cells, name_cells, strict=True)
    for index, (allocation, amount_cell, name_cell) in enumerate(uses):
        remaining -= allocation.amount
        step = (left_after(index) if left_after else "", remaining)
        bars.append((allocation.name, step, EMPTY, EMPTY, (amount_cell, allocation.amount)))
        amounts.append((amount_cell, allocation.amount, name_cell))
    proto, lines = table_rows(wb, "ChartRow", len(bars))
    ws = proto.ws
    cols = [ws.cell(1, proto.min_col + i).column_letter for i in range(5)]
    segments = tuple((b[1][1], b[2][1], b[3][1], b[4][1]) for b in bars)
    names = [label for label, *_ in bars]
    size = label_size(names)
    thin = Bars(("", "", "", ""), (), segments).thin
    labels: list[str] = []
    for index, (line, (label, *segs)) in enumerate(zip(lines, bars, strict=True)):
        target = f"{cols[0]}{line}"
        if index in thin:
            labels.append(_thin_label(ws, out, target, label, amounts[index]))
        else:
            labels.append(wrap_label(label, len(bars), size))
            out.text(ws, target, labels[-1])
        for column, (formula, value) in zip(cols[1:], segs, strict=True):
            if formula:
                out.formula(ws, f"{column}{line}", formula, value)
            else:
                out.number(ws, f"{column}{line}", value, is_input=False)
    head = [str(ws.cell(proto.min_row - 1, proto.min_col + i).value or "") for i in range(1, 5)]
    titles = (head[0], head[1], head[2], head[3])
    add_waterfall(
        ws,
        ChartRow(proto.min_col, lines[0], lines[-1]),
        area(wb, "ChartAnchor").ref,
        unit_label(figures.deal.issuer.currency),
        Bars(titles, tuple(labels), segments),
    )


def _thin_label(
    ws: Worksheet, out: CellWriter, target: str, label: str, amount: tuple[str, Decimal, str]
) -> str:
    """A thin bar's category label with its amount in millions on a second line ("none" for zero).

    The name comes from the use table's cell (or is the fixed word of a total or the costs),
    so no user text is ever written into a formula.
    """
    cell_ref, value, name_cell = amount
    shown = "none" if value == 0 else f"{shown_millions(value):,}"
    name = name_cell if name_cell else f'"{label}"'
    formula = formulas.bar_label(name, cell_ref)
    text = f"{label}\n{shown}"
    out.formula(ws, target, formula, text)
    return text
