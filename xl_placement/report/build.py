"""Render the report to bytes (``xl_placement.build_report`` computes, renders and saves)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple, get_column_letter

from xl_placement.checks import INCOMPLETE, CheckReport, check_deal
from xl_placement.figures import NET_NOT_GIVEN_BASIS, Figures
from xl_placement.formats import unit_label
from xl_placement.money import in_context
from xl_placement.precedents import Selection, for_deal
from xl_placement.report import openpyxl_private as private
from xl_placement.report.cache import filled_parts
from xl_placement.report.cells import CellWriter
from xl_placement.report.chart import link_formats
from xl_placement.report.checks_sheet import fill_checks
from xl_placement.report.deal_sheet import fill_deal
from xl_placement.report.grid_sheet import fill_grid
from xl_placement.report.history_sheet import fill_history
from xl_placement.report.layout import leave_off_unknowns
from xl_placement.report.marking import (
    add_disclaimer,
    draft_text,
    flag_illustrative,
    market_data_text,
    place_logo,
    read_logo,
)
from xl_placement.report.precedents_sheet import check_names, fill_precedents, remove_sheet
from xl_placement.report.proceeds_sheet import fill_proceeds
from xl_placement.report.save import deterministic_package, order_merged_cells
from xl_placement.report.shareholding_sheet import fill_shareholding
from xl_placement.report.template import check_placeholders, fill_placeholders, load_template

# The title of every sheet names the kind of issue: "placing of new shares", "top-up placing".
KIND_TITLE = {"placing": "placing of new shares", "top-up": "top-up placing"}
HOLDING_NOTE = {
    "placing": "Listed holders keep their shares; placees take the new shares; the rest is public",
    "top-up": (
        "The vendor places existing shares with the placees, then subscribes for the same number "
        "of new shares at the placing price; the rest is public"
    ),
}
ROW_CM = 0.53  # a default row is 15 pt, about 0.53 cm
PRINT_LAST_COLUMN = {
    "Deal sheet": "I",
    "Use of proceeds": "P",
    "Shareholding": "F",
    "Checks": "G",
    "Precedents": "V",
    "Price history": "H",
}


def verdict(checks: CheckReport) -> str:
    """One line on the checks, starting with the outcome: "Checks passed", "failed" or "incomplete"."""
    if checks.outcome == INCOMPLETE:
        names = ", ".join(gap_names(checks.gaps))
        count = len(checks.gaps)
        return f"Checks incomplete: {count} check{'s' if count != 1 else ''} could not be made for want of data ({names})"
    return "Checks " + checks.verdict


def gap_names(gaps: Sequence[str]) -> list[str]:
    """The checks not made, as a reader knows them: the rules by name, the stated figures counted."""
    names = [g.split(" (")[0] for g in gaps]
    rules = [n for n in names if not n.startswith("stated.")]
    stated = len(names) - len(rules)
    if stated:
        rules.append(f"{stated} figure{'s' if stated != 1 else ''} stated in the announcement")
    return rules


def placeholder_values(figures: Figures, checks: CheckReport) -> dict[str, str]:
    """The text each ``{{placeholder}}`` of the template is replaced with."""
    deal = figures.deal
    return {
        "verdict": verdict(checks),
        "issuer": deal.issuer.name,
        "stock_code": deal.issuer.stock_code,
        "exchange": deal.issuer.exchange,
        "currency": unit_label(deal.issuer.currency),  # sterling labels say "£": the cells hold pounds
        "quote_currency": deal.fx.quote_currency if deal.fx else "",
        "quote_head": f"{deal.fx.quote_currency} m" if deal.fx else "",
        "rate_unit": f"{deal.issuer.currency} per {deal.fx.quote_currency}" if deal.fx else "none given",
        "share_class": deal.issuer.share_class or "",
        "class_head": (
            f"Class {deal.issuer.share_class}"
            if deal.issuer.share_class
            else "Class"
            if deal.placing.class_shares_outstanding is not None
            else ""
        ),
        "basis": (
            "net proceeds (net proceeds not published: amounts split the gross proceeds)"
            if figures.allocation_basis == NET_NOT_GIVEN_BASIS
            else deal.proceeds.basis + " proceeds"
        ),
        "market_data": market_data_text(figures),
        "marking": deal.report.marking,
        "draft": draft_text(deal),
        "kind_title": KIND_TITLE.get(deal.placing.kind, KIND_TITLE["placing"]),
        "holding_note": HOLDING_NOTE.get(deal.placing.kind, HOLDING_NOTE["placing"]),
        "cap_basis": _cap_basis(figures),
    }


def _cap_basis(figures: Figures) -> str:
    """What the market capitalisation's label adds: " (H shares only)", " (all classes)", or why it is missing."""
    m = figures.market
    if m.market_cap_basis:
        return f" ({m.market_cap_basis})"
    if m.market_cap is None and m.market_cap_missing.startswith("the shares in issue are not split"):
        return " (shares by class not available)"
    return " before the placing"


@in_context
def render_report(
    figures: Figures,
    checks: CheckReport | None = None,
    *,
    template: str | Path | None = None,
    precedents: Selection | None = None,
) -> bytes:
    """Fill the report template for one deal and return the workbook's bytes.

    The same figures give the same bytes on the same day, or on any day with ``[report] draft_date``
    or ``SOURCE_DATE_EPOCH`` set (the draft mark's date). Every formula cell carries its computed value.

    Args:
        figures: the deal's figures from ``figures.compute``.
        checks: the checks from ``checks.check_deal``; None computes them from ``figures``.
        template: a restyled template; the packaged one when None.
        precedents: comparable placings for a Precedents sheet (``precedents.load_precedents``);
            None leaves the sheet out.

    Returns:
        The xlsx file's bytes.

    Raises:
        TemplateError: the template lacks a sheet or name, or holds a placeholder with no value.
        InputError: ``SOURCE_DATE_EPOCH`` is set but is not a time.
    """
    checks = check_deal(figures) if checks is None else checks
    logo = read_logo(figures.deal)  # before any work: a bad logo path is the user's to fix
    wb = load_template(template)
    if precedents is None:
        remove_sheet(wb)
    else:
        check_names(wb)
    values = placeholder_values(figures, checks)
    per_sheet = {title: {"sheet": title} for title in wb.sheetnames}
    check_placeholders(wb, set(values) | {"sheet"})
    fill_placeholders(wb, values, per_sheet)
    flag_illustrative(wb, figures.deal)
    if logo is not None:
        place_logo(wb, logo)
    out = CellWriter()
    fill_deal(wb, figures, out)
    fill_proceeds(wb, figures, out)
    holding_last = fill_shareholding(wb, figures, out)
    grid_last = fill_grid(wb, figures, out)
    fill_checks(wb, checks, out)
    fill_history(wb, figures)
    if precedents is not None:
        if not precedents.cut_off:  # never look ahead: the deal's cut-off, when the caller has not applied it
            precedents = for_deal(precedents, figures.deal)
        fill_precedents(wb, precedents, figures, out)
    out.keep_template_formulas(wb)
    for ws in wb.worksheets:
        leave_off_unknowns(ws, out.expected)
    last_columns = PRINT_LAST_COLUMN | {"Pricing grid": grid_last, "Shareholding": holding_last}
    for ws in wb.worksheets:
        last = last_columns.get(ws.title, get_column_letter(ws.max_column))
        rows = max(ws.max_row, _chart_bottom(ws))
        rows = add_disclaimer(ws, figures.deal, out, rows + 2, column_index_from_string(last))
        ws.print_area = f"A1:{last}{rows}"
    wb.active = 0
    wb.calculation.fullCalcOnLoad = True
    order_merged_cells(wb)
    # What wb.save would zip, kept in memory; the sheets' rows as data, written with their cached values.
    parts, rows = private.save_parts(wb)
    package = dict(parts)
    title = f"{figures.deal.issuer.name}: {values['kind_title']}"
    replaced = filled_parts(package, out.expected, rows) | chart_parts(package)
    return deterministic_package(parts, title=title, replace=replaced)


def chart_parts(package: Mapping[str, bytes]) -> dict[str, bytes]:
    """The chart parts (of a package: part name -> bytes) with their number formats marked as the chart's own."""
    names = [n for n in package if n.startswith("xl/charts/chart")]
    return {n: link_formats(package[n].decode("utf-8")).encode("utf-8") for n in names}


def _chart_bottom(ws: object) -> int:
    """The last row a chart on the sheet covers (charts do not count in ``max_row``)."""
    bottom = 0
    for chart in private.charts(ws):
        if isinstance(chart.anchor, str):
            row, _ = coordinate_to_tuple(chart.anchor)
            bottom = max(bottom, row + int(chart.height / ROW_CM) + 1)
    return bottom
