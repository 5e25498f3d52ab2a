"""London (issue 30): the Pre-Emption Group's 2022 limits over the authority's period, pence prices.

Expected limits are whole shares of Fraction arithmetic (10%, 20%, 2%), never the code's own output.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from deal_maps import mapping

from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError
from xl_placement.figures import compute
from xl_placement.formats import price_text
from xl_placement.grid import pricing_grid
from xl_placement.rules import BREACH, INFORMATION, NOT_APPLICABLE, NOT_ENOUGH_DATA, PASS, rule_checks
from xl_placement.wording import announcement_sentences

D = dt.date
BASE = 1_234_567  # issued ordinary shares: 10% is 123,456.7, so the limit rounds down to 123,456
TEN = math.floor(Fraction(BASE) / 10)


def _lse(new_shares: int, ledger: list[dict[str, Any]] | None = None, **placing: Any) -> dict[str, Any]:
    data = mapping(
        issuer={"exchange": "LSE", "currency": "GBP", "board": "Main Market"},
        placing={
            "new_shares": new_shares,
            "price": "55p",
            "shares_outstanding": BASE,
            "mandate": "general",
            "mandate_date": D(2025, 5, 20),
            "agreement_date": D(2025, 9, 1),
            **placing,
        },
        market={"last_close": "0.60"},
    )
    if ledger is not None:
        data["placing"]["prior_issues"] = ledger
    return data


def _check(data: dict[str, Any], title: str):
    return next(c for c in rule_checks(compute(deal_from_mapping(data, "t"))) if title in c.rule)


LEDGER = [
    {"date": D(2025, 4, 1), "shares": 50_000, "authority": "PEG general"},  # before the AGM: not counted
    {"date": D(2025, 6, 10), "shares": 20_000, "authority": "PEG general"},
    {"date": D(2025, 7, 10), "shares": 5_000, "authority": "PEG acquisition"},
]


@pytest.mark.parametrize(("extra", "status"), [(0, PASS), (-1, PASS), (1, BREACH)])
def test_general_limb_boundaries(extra, status):
    """10% of 1,234,567 (123,456 whole shares) less 20,000 used since the AGM: exactly, one under, one over."""
    shares = TEN - 20_000 + extra
    assert _check(_lse(shares, LEDGER), "general limb").status == status


@pytest.mark.parametrize(("extra", "status"), [(0, PASS), (-1, PASS), (1, BREACH)])
def test_acquisition_limb_boundaries(extra, status):
    """For an acquisition, both 10% limbs less both uses: 2 x 123,456 - 20,000 - 5,000."""
    shares = 2 * TEN - 20_000 - 5_000 + extra
    check = _check(_lse(shares, LEDGER, purpose="acquisition"), "acquisition limb")
    assert check.status == status


def test_unknown_prior_use_is_not_enough_data():
    data = _lse(1_000)
    del data["placing"]["mandate_date"]
    assert _check(data, "general limb").status == NOT_ENOUGH_DATA


@pytest.mark.parametrize(("extra", "status"), [(0, PASS), (1, BREACH)])
def test_follow_on_boundaries(extra, status):
    """Follow-on: the lower of 2% of the capital (24,691) and 20% of the placing (20% of 100,000 = 20,000)."""
    most = min(math.floor(Fraction(BASE) * Fraction(2, 100)), math.floor(Fraction(100_000) / 5))
    check = _check(_lse(100_000, [], follow_on_shares=most + extra), "follow-on")
    assert check.status == status
    assert most == 20_000


def test_the_main_market_discount_limit_is_marked_not_checked_and_aim_not_applicable():
    main = _check(_lse(1_000, []), "discount limit")
    assert main.status == INFORMATION
    assert "Not checked" in main.detail
    aim = _lse(1_000, [])
    aim["issuer"]["board"] = "AIM"
    assert _check(aim, "discount limit").status == NOT_APPLICABLE
    grid = pricing_grid(compute(deal_from_mapping(_lse(1_000, []), "t")))
    assert grid.rule.status == NOT_APPLICABLE  # no price rule applied on the grid


def test_pence_prices_and_pound_amounts():
    """55p is £0.55: 1,000 shares raise £550; prices are written in pence, no HKEX words."""
    data = _lse(1_000, [])
    data["costs"] = {"commission_rate": 0, "other_costs": 5}
    figures = compute(deal_from_mapping(data, "t"))
    assert figures.deal.placing.price == Decimal("0.55")
    assert figures.proceeds.gross == Decimal(550)
    assert price_text(Decimal("0.55"), "GBP") == "55p"
    assert price_text(Decimal("10.7"), "GBP") == "1,070p"
    assert price_text(Decimal("0.5285"), "GBP") == "52.85p"
    words = " ".join(announcement_sentences(figures))
    assert "55p per Placing Share" in words
    for hong_kong in ("general mandate", "Listing Rules", "HK$", "benchmarked"):
        assert hong_kong not in words
    assert "non-pre-emptive" in words
    assert "net price per Placing Share is approximately 54.5p" in words  # £545 net / 1,000, in pence


def test_peg_fields_are_refused_elsewhere():
    with pytest.raises(DealError) as caught:
        deal_from_mapping(mapping(placing={"purpose": "acquisition"}), "t")
    assert "placing.purpose" in str(caught.value)
    with pytest.raises(DealError) as caught:
        deal_from_mapping(_lse(1_000, [{"date": D(2025, 6, 1), "shares": 1, "authority": "7.1"}]), "t")
    assert "placing.prior_issues[0].authority" in str(caught.value)


def test_diploma_example_matches_its_announcement():
    """Diploma PLC, March 2023: 9,297,005 shares at 2,525p, "gross proceeds of approximately £235 million"."""
    from deal_maps import EXAMPLES  # noqa: PLC0415

    from xl_placement import load_deal  # noqa: PLC0415
    from xl_placement.checks import check_deal  # noqa: PLC0415

    figures = compute(load_deal(EXAMPLES / "diploma-lse.toml"))
    assert figures.proceeds.gross == Decimal(9_297_005) * Decimal("25.25")
    report = check_deal(figures)
    assert [s.status for s in report.stated] == ["matches"]
    assert "2,525p per Placing Share" in " ".join(report.sentences)


def test_the_deal_sheet_s_mandate_cell_is_short_enough_to_print_whole():
    """Diploma's deal sheet names its authority in a few words (the full sentence, cut off mid-word in
    the cell before, stays in the announcement wording)."""
    import io  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    import openpyxl  # noqa: PLC0415

    from xl_placement import load_deal  # noqa: PLC0415
    from xl_placement.report import render_report  # noqa: PLC0415

    deal = load_deal(Path(__file__).resolve().parent.parent / "examples" / "diploma-lse.toml")
    book = openpyxl.load_workbook(io.BytesIO(render_report(compute(deal))))
    (title, ref), *_ = book.defined_names["Mandate"].destinations
    shown = book[title][ref.replace("$", "")].value
    assert shown == "Existing non-pre-emptive authority"
    assert len(shown) <= 40
    assert any(
        "existing authority to allot shares for cash on a non-pre-emptive basis" in s
        for s in announcement_sentences(compute(deal))
    )


def test_the_command_line_summary_writes_pence_and_pounds():
    """check's summary: a London price in pence ("55p", never "GBP 0.55"), amounts in pounds ("£0.0m")."""
    from xl_placement.summary import grid_lines, summary_lines  # noqa: PLC0415

    data = _lse(1_000_000, [])
    data["costs"] = {"commission_rate": "0.02", "other_costs": 1_000}
    figures = compute(deal_from_mapping(data, "t"))
    text = "\n".join(summary_lines(figures) + grid_lines(figures))
    assert "1,000,000 new shares at 55p" in text
    assert "(60p)" in text  # the last close, £0.60
    # gross £550,000 = 0.55 x 1,000,000; net = gross less 2% less £1,000 = £538,000; per share 53.8p
    gross = Fraction(55, 100) * 1_000_000
    net = gross - gross * Fraction(2, 100) - 1_000
    assert net / 1_000_000 == Fraction(538, 1000)
    assert "gross proceeds: £0.6m" in text  # 0.55 rounds half up to 0.6
    assert "net price per share 53.8p" in text
    assert "GBP" not in text
    assert "gross £m" in text


def test_the_deal_sheet_shows_the_placing_price_in_pence_beside_pounds():
    """London quotes prices in pence: beside the price cell in pounds (what the formulas take), =Price*100 in
    pence at the price's decimals in pence; labels name pounds "£", never "GBP"."""
    import io  # noqa: PLC0415

    import openpyxl  # noqa: PLC0415

    from xl_placement.report import render_report  # noqa: PLC0415

    for price, pounds, fmt in (
        ("2525p", Fraction(2525, 100), '#,##0"p"'),
        ("52.85p", Fraction(5285, 10_000), '#,##0.00"p"'),
    ):
        data = _lse(1_000, [], price=price)
        raw = render_report(compute(deal_from_mapping(data, "t")))
        wb, cached = (
            openpyxl.load_workbook(io.BytesIO(raw)),
            openpyxl.load_workbook(io.BytesIO(raw), data_only=True),
        )
        (title, ref), *_ = wb.defined_names["Price"].destinations
        ws = wb[title]
        price_cell = ws[ref.replace("$", "")]
        assert price_cell.value == float(pounds)  # the input stays in pounds
        beside = ws.cell(price_cell.row, price_cell.column + 1)
        assert beside.value == "=Price*100"
        assert beside.number_format == fmt
        shown = cached[title].cell(price_cell.row, price_cell.column + 1).value
        assert abs(Fraction(shown) - pounds * 100) < Fraction(1, 10**9)  # 2525 and 52.85 pence
        assert ws.cell(price_cell.row, price_cell.column - 1).value == "Placing price (£)"
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert not any("GBP" in t for t in texts), [t for t in texts if "GBP" in t]
