"""Bursa Malaysia (issue 30): Para 6.03(1) over 12 months from the ledger, 10% below the 5-market-day VWAP.

Expected figures from Fraction arithmetic on Bursa's bid sizes (RM0.005 below RM1, RM0.01 to RM9.99).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from deal_maps import mapping

from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError
from xl_placement.figures import Figures, compute
from xl_placement.grid import lowest_within_rule, pricing_grid
from xl_placement.rules import BREACH, NOT_ENOUGH_DATA, PASS, rule_checks
from xl_placement.wording import announcement_sentences

D = dt.date
SHARES = 1_234_567  # 10% is 123,456.7: the limit rounds down to 123,456
TEN = math.floor(Fraction(SHARES) / 10)
LEDGER = [
    {"date": D(2024, 8, 31), "shares": 9_000, "authority": "general mandate"},  # more than 12 months before
    {"date": D(2025, 1, 15), "shares": 3_456, "authority": "general mandate"},
    {"date": D(2025, 3, 1), "shares": 50_000, "authority": "specific"},
]


def _bursa(vwap: str = "0.855", **placing: Any) -> dict[str, Any]:
    return mapping(
        issuer={"exchange": "Bursa", "currency": "MYR", "board": "ACE"},
        placing={
            "new_shares": 100,
            "price": "0.80",
            "shares_outstanding": SHARES,
            "mandate": "general",
            "price_fixing_date": D(2025, 9, 1),
            **placing,
        },
        market={"last_close": "0.86", "vwap_5d": vwap},
    )


def _figures(data: dict[str, Any]) -> Figures:
    return compute(deal_from_mapping(data, "t"))


def _status(figures: Figures, rule: str) -> str:
    return next(c for c in rule_checks(figures) if rule in c.rule).status


def _at(figures: Figures, price: Decimal) -> Figures:
    deal = figures.deal
    return compute(dataclasses.replace(deal, placing=dataclasses.replace(deal.placing, price=price)))


def _dec(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


@pytest.mark.parametrize(
    ("vwap", "tick"), [("0.855", Fraction(5, 1000)), ("4.13", Fraction(1, 100)), ("2.00", Fraction(1, 100))]
)
def test_pricing_boundaries(vwap, tick):
    """90% of the VWAP passes (exactly 10% is allowed), the tick below breaches; the grid's lowest is the first tick."""
    figures = _figures(_bursa(vwap))
    bound = Fraction(9, 10) * Fraction(vwap)
    first = math.ceil(bound / tick) * tick
    assert Fraction(lowest_within_rule(figures)) == first
    assert _status(_at(figures, _dec(first)), "6.04(a)") == PASS
    assert _status(_at(figures, _dec(first - tick)), "6.04(a)") == BREACH
    if first == bound:
        assert _status(_at(figures, _dec(bound)), "6.04(a)") == PASS
    for row in pricing_grid(figures).rows:
        assert row.outcome == _status(_at(figures, row.price), "6.04(a)"), row.price


@pytest.mark.parametrize(("extra", "status"), [(0, PASS), (-1, PASS), (1, BREACH)])
def test_6_03_1_over_twelve_months(extra, status):
    """123,456 less the 3,456 of the 12 months to 1 Sept 2025 (the August 2024 issue is older, the approved one uses none)."""
    shares = TEN - 3_456 + extra
    assert _status(_figures(_bursa(new_shares=shares, prior_issues=LEDGER)), "6.03(1)") == status


def test_unknown_use_is_not_enough_data():
    assert _status(_figures(_bursa()), "6.03(1)") == NOT_ENOUGH_DATA


def test_a_typed_use_the_ledger_contradicts_is_refused():
    with pytest.raises(DealError) as caught:
        deal_from_mapping(_bursa(prior_issues=LEDGER, mandate_limit=TEN, mandate_used=1_000), "t")
    text = str(caught.value)
    assert "placing.mandate_used" in text
    assert "3,456" in text


def test_wording_has_no_hong_kong_terms():
    words = " ".join(announcement_sentences(_figures(_bursa())))
    for hong_kong in ("Listing Rules", "HK$", "benchmarked"):
        assert hong_kong not in words


def test_bursa_example_matches_its_announcement():
    """Gabungan AQRS, July 2017: 19.48 million shares at RM1.35, "about 5.59%" below the 5-day VWAP of RM1.43."""
    from deal_maps import example  # noqa: PLC0415

    from xl_placement.checks import check_deal  # noqa: PLC0415

    figures = example("gabungan-aqrs-bursa")
    discount = 1 - Fraction(135, 100) / Fraction(143, 100)
    assert round(discount * 100, 2) == Fraction(559, 100)
    assert figures.proceeds.gross == Decimal(19_480_000) * Decimal("1.35") == Decimal(26_298_000)
    check = next(c for c in rule_checks(figures) if "6.04(a)" in c.rule)
    assert check.status == PASS  # 5.59% is within 10%
    assert check.value is not None
    assert abs(Fraction(check.value) - discount) < Fraction(1, 10**45)  # to the project's 50 digits
    assert [s.status for s in check_deal(figures).stated] == ["matches"]
    six_03 = next(c for c in rule_checks(figures) if "6.03(1)" in c.rule)
    assert six_03.status == NOT_ENOUGH_DATA  # the shares in issue were not in the source


@pytest.mark.parametrize(
    ("price", "tick"),
    [
        # Bursa's minimum bids, Table I: 0.5 sen below RM1.00, 1 sen RM1.00 to RM9.99, 2 sen RM10.00 to RM99.98,
        # 10 sen from RM100.00: each band's last price, first price and the price one tick inside it
        ("0.995", "0.005"),
        ("1.00", "0.01"),
        ("1.01", "0.01"),
        ("9.99", "0.01"),
        ("10.00", "0.02"),
        ("10.02", "0.02"),
        ("99.98", "0.02"),
        ("100.00", "0.10"),
        ("100.10", "0.10"),
    ],
)
def test_tick_sizes_are_bursa_s_minimum_bids(price: str, tick: str) -> None:
    from xl_placement.rules.bursa import TICKS  # noqa: PLC0415

    assert TICKS.tick(Decimal(price)) == Decimal(tick)
    assert TICKS.on_tick(Decimal(price))
    # one tick up from each band's last price is the next band's first price
    assert TICKS.next_up(Decimal("0.995")) == Decimal("1.00")
    assert TICKS.next_up(Decimal("9.99")) == Decimal("10.00")
    assert TICKS.next_up(Decimal("99.98")) == Decimal("100.00")
    assert not TICKS.on_tick(Decimal("1.005"))  # half a sen is not a price from RM1.00
    assert not TICKS.on_tick(Decimal("10.01"))  # nor an odd sen from RM10.00
    assert not TICKS.on_tick(Decimal("100.05"))
