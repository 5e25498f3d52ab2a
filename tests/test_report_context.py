"""The report's pricing grid, market context, timetable, itemised costs and public float.

Static tests read the generated workbook; the LibreOffice test recalculates a report whose
price was changed, to prove the new formulas are live (random deals of every exchange with
every field are recalculated in tests/test_cached_values.py).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from lo_support import Session, in_session
from report_support import figures_of, formulas, named, named_cell, render, values

import xl_placement.formulas
from xl_placement.dealfile import deal_from_mapping
from xl_placement.figures import compute
from xl_placement.grid import pricing_grid
from xl_placement.report import render_report


def grid_rows(sheet: Any) -> list[int]:
    """Rows of the grid: those whose column B holds a price under the heading row."""
    rows = []
    for row in range(6, sheet.max_row + 1):
        value = sheet.cell(row, 2).value
        if isinstance(value, int | float) or (isinstance(value, str) and value.startswith("=")):
            rows.append(row)
    return rows


def test_grid_rows_are_live_formulas_on_the_deal_sheet():
    """The deal's row copies Price; discounts divide by the deal sheet's reference cells; proceeds use NewShares."""
    book = formulas(render("sensetime"))
    sheet = book["Pricing grid"]
    rows = grid_rows(sheet)
    figures = figures_of("sensetime")
    assert len(rows) == len(pricing_grid(figures).rows)
    deal_row = next(r for r in rows if sheet.cell(r, 2).value == "=Price")
    assert sheet.cell(deal_row, 3).value == f"=1-B{deal_row}/'Deal sheet'!$C$24"
    n = len(pricing_grid(figures).references)
    assert sheet.cell(deal_row, 3 + n).value == "=" + xl_placement.formulas.gross("NewShares", f"B{deal_row}")
    assert sheet.cell(deal_row, 5 + n).value == "=" + xl_placement.formulas.shares_for(
        "Gross", f"B{deal_row}"
    )
    assert sheet.cell(deal_row, 7 + n).value == (
        f'=IF(ROUND(B{deal_row}/\'Deal sheet\'!$C$27,12)<=0.8,"breach","pass")'
    )
    other = next(r for r in rows if r != deal_row)
    assert isinstance(sheet.cell(other, 2).value, float)  # a candidate price is an input a user may change
    assert sheet.cell(other, 2).font.color.rgb == "FF0000FF"


def test_breaching_rows_are_marked_by_conditional_formatting_and_the_deal_row_is_highlighted():
    """One formula rule over the whole grid shades a row whose rule cell says "breach"."""
    book = formulas(render("sensetime"))
    sheet = book["Pricing grid"]
    rules = [(str(cf.sqref), rule) for cf in sheet.conditional_formatting for rule in cf.rules]
    assert len(rules) == 1
    ref, rule = rules[0]
    rows = grid_rows(sheet)
    assert ref.startswith(f"B{rows[0]}:")
    assert ref.endswith(str(rows[-1]))
    assert rule.formula[0].endswith('="breach"')
    assert rule.dxf.fill is not None
    deal_row = next(r for r in rows if sheet.cell(r, 2).value == "=Price")
    assert sheet.cell(deal_row, 2).fill.fgColor.rgb == "FFFFF2CC"
    assert sheet.cell(rows[0], 2).fill.fgColor.rgb != "FFFFF2CC"


def test_every_page_header_gives_the_market_data_date():
    """Every sheet's header says "Market data as of <date>" as the sheets write dates (nothing when no date)."""
    for deal, text in (
        ("topup-illustrative", "Market data as of 17 Oct 2025"),
        ("byd", None),  # no history, no agreement date: the header says nothing rather than "not given"
    ):
        book = formulas(render(deal))
        for sheet in book.worksheets:
            assert (sheet.oddHeader.right.text or None) == text, sheet.title


def test_deal_sheet_market_context_timetable_and_headline_are_formulas():
    """Market cap = last close x shares; gross % of it; quote gross in the headline; lock-up = completion + days."""
    book = formulas(render("topup-illustrative"))
    assert named_cell(book, "MarketCap").value == "=$C$24*SharesOutstanding"
    assert named_cell(book, "GrossToMarketCap").value == "=Gross/MarketCap"
    assert named_cell(book, "KeyGrossQuote").value == "=GrossQuote"
    assert named_cell(book, "OtherCosts").value.startswith("=ROUND(SUM(H")
    sheet = book["Deal sheet"]
    labels = {sheet.cell(r, 7).value: r for r in range(1, sheet.max_row + 1)}
    lock = labels["Issuer's lock-up ends"]
    completion = labels["Completion of the subscription"]  # a top-up completes with its subscription
    assert sheet.cell(lock, 8).value == f"=H{completion}+I{lock}"
    cached = values(render("topup-illustrative"))
    assert cached["Deal sheet"].cell(lock, 8).value == dt.datetime(2026, 1, 22)
    assert named(cached, "MarketCap") == 19_200_000_000


def test_dates_given_are_never_dropped():
    """Agreement and announcement dates appear on the deal sheet (they appeared nowhere before)."""
    sheet = values(render("topup-illustrative"))["Deal sheet"]
    shown = {sheet.cell(r, 7).value: sheet.cell(r, 8).value for r in range(1, sheet.max_row + 1)}
    assert shown["Placing agreement"] == dt.datetime(2025, 10, 17)
    assert shown["Announcement"] == dt.datetime(2025, 10, 20)


def test_public_float_row_follows_the_holders():
    """Public float before = shares in issue less the holders marked not public; after adds the new shares."""
    data = render("topup-illustrative")
    sheet = formulas(data)["Shareholding"]
    cached = values(data)["Shareholding"]
    row = next(
        r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 2).value).startswith("Public float")
    )
    assert sheet.cell(row, 3).value == "=SharesOutstanding-(C6+C7)"
    assert cached.cell(row, 3).value == 1_020_000_000
    assert cached.cell(row, 5).value == 1_140_000_000


def test_a_deal_without_a_grid_says_why_on_the_sheet():
    """When the grid cannot be made, the sheet names the reason instead of showing an empty table."""
    mapping = {
        "issuer": {"name": "X", "stock_code": "1", "exchange": "HKEX", "currency": "HKD"},
        "placing": {"new_shares": 1_000, "price": 1, "shares_outstanding": 10_000},
        "market": {"last_close": 1.2},
        "grid": {"step": 0.00001},
        "proceeds": {"uses": [{"name": "All", "share": 1}]},
    }
    book = values(render_report(compute(deal_from_mapping(mapping))))
    assert named(book, "GridNote") == "No pricing grid: the range of prices set for it gives no usable grid."


# --- LibreOffice ----------------------------------------------------------------------------


@in_session
def _edited(folder: Path) -> dict[str, bytes]:
    """The demo report with Price typed as HK$1.60 on the deal sheet."""
    del folder
    book = formulas(render("sensetime"))
    book["Deal sheet"][named_cell(book, "Price").coordinate].value = 1.60
    stream = io.BytesIO()
    book.save(stream)
    return {"edited.xlsx": stream.getvalue()}


def test_changing_the_price_on_the_deal_sheet_moves_the_grid(lo_session: Session):
    """Price typed as HK$1.60 on the deal sheet: the grid's deal row follows and breaches Rule 13.36(5)."""
    lo = openpyxl.load_workbook(lo_session.results(_edited)["edited.xlsx"].result, data_only=True)
    sheet = formulas(render("sensetime"))["Pricing grid"]
    deal_row = next(r for r in grid_rows(sheet) if sheet.cell(r, 2).value == "=Price")
    n = len(pricing_grid(figures_of("sensetime")).references)
    recalculated = lo["Pricing grid"]
    assert recalculated.cell(deal_row, 2).value == pytest.approx(1.60)
    assert recalculated.cell(deal_row, 3).value == pytest.approx(1 - 1.60 / 2.09)
    assert recalculated.cell(deal_row, 7 + n).value == "breach"
