"""Toronto (issue 30): s.607 against the 5-day VWAP, the 25% size test and six-month insider aggregation.

Expected prices and shares come from Fraction arithmetic on TSX's ticks ($0.005 below $0.50, $0.01 above).
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
from xl_placement.figures import Figures, compute
from xl_placement.grid import lowest_within_rule, pricing_grid
from xl_placement.rules import BREACH, NOT_APPLICABLE, NOT_ENOUGH_DATA, PASS, rule_checks
from xl_placement.wording import announcement_sentences

D = dt.date


def _tsx(vwap: str = "4.13", **placing: Any) -> dict[str, Any]:
    return mapping(
        issuer={"exchange": "TSX", "currency": "CAD"},
        placing={
            "new_shares": 100,
            "price": "3.60",
            "shares_outstanding": 1000,
            "insider_shares": 0,
            **placing,
        },
        market={"last_close": "4.20", "vwap_5d": vwap},
    )


def _figures(data: dict[str, Any]) -> Figures:
    return compute(deal_from_mapping(data, "t"))


def _status(figures: Figures, rule: str) -> str:
    return next(c for c in rule_checks(figures) if c.rule.endswith(rule)).status


def _at(figures: Figures, price: Decimal) -> Figures:
    deal = figures.deal
    return compute(dataclasses.replace(deal, placing=dataclasses.replace(deal.placing, price=price)))


def _dec(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


@pytest.mark.parametrize("vwap", ["4.13", "2.01", "10.00"])
def test_607e_boundaries(vwap):
    """85% of the VWAP passes (exactly 15% is allowed), the tick below breaches; the grid's lowest is the first tick."""
    figures = _figures(_tsx(vwap))
    bound = Fraction(85, 100) * Fraction(vwap)
    tick = Fraction(1, 100)
    first = math.ceil(bound / tick) * tick
    assert Fraction(lowest_within_rule(figures)) == first
    assert _status(_at(figures, _dec(first)), "(e)") == PASS
    assert _status(_at(figures, _dec(first - tick)), "(e)") == BREACH
    if bound == first:  # exactly 15% below
        assert _status(_at(figures, _dec(bound)), "(e)") == PASS


def test_exactly_15_percent_passes():
    """$4.00 market price: $3.40 is exactly 15% below and passes; $3.39 breaches."""
    figures = _figures(_tsx("4.00"))
    assert _status(_at(figures, Decimal("3.40")), "(e)") == PASS
    assert _status(_at(figures, Decimal("3.39")), "(e)") == BREACH


def test_grid_verdicts_are_the_checks():
    figures = _figures(_tsx("4.13"))
    for row in pricing_grid(figures).rows:
        assert row.outcome == _status(_at(figures, row.price), "(e)"), row.price


def test_lower_tiers_are_not_checked():
    """At a market price of $2.00 or less the tier is not confirmed: not enough data, never a guessed verdict."""
    check = next(c for c in rule_checks(_figures(_tsx("2.00", price="1.50"))) if c.rule.endswith("(e)"))
    assert check.status == NOT_ENOUGH_DATA
    assert "not confirmed" in check.detail


@pytest.mark.parametrize(("shares", "status"), [(250, PASS), (251, BREACH), (249, PASS)])
def test_25_percent_below_market(shares, status):
    """Exactly 25% of 1,000 passes; 251 below market needs approval."""
    assert _status(_figures(_tsx(new_shares=shares)), "(g)(i)") == status


def test_25_percent_at_market_price_passes():
    assert _status(_figures(_tsx(new_shares=400, price="4.13")), "(g)(i)") == PASS


@pytest.mark.parametrize(("now", "status"), [(59, PASS), (60, BREACH), (61, BREACH)])
def test_insiders_aggregated_over_six_months(now, status):
    """40 insider shares in the six months before 1 Sept 2025 (the March issue is older): 60 of 1,000 is 10%."""
    ledger = [
        {"date": D(2025, 2, 28), "shares": 100, "authority": "private placement", "insider_shares": 500},
        {"date": D(2025, 3, 1), "shares": 100, "authority": "private placement", "insider_shares": 40},
    ]
    data = _tsx(insider_shares=now, agreement_date=D(2025, 9, 1), prior_issues=ledger)
    assert _status(_figures(data), "(g)(ii)") == status


def test_approval_lifts_the_rules_and_the_wording_is_toronto_s():
    figures = _figures(_tsx(mandate="specific", price="3.00"))
    assert _status(figures, "(e)") == NOT_APPLICABLE
    words = " ".join(announcement_sentences(_figures(_tsx())))
    for hong_kong in ("general mandate", "Listing Rules", "HK$", "benchmarked"):
        assert hong_kong not in words


def test_placement_check_takes_tsx_with_the_5_day_vwap():
    """PLACEMENT_CHECK("TSX", ..., vwap_5d=4.00): $3.40 is exactly 15% below (pass), $3.39 breaches."""
    import placement  # noqa: PLC0415

    def status(price: float) -> str:
        table = placement.PLACEMENT_CHECK(
            "TSX", price, 100.0, 1000.0, 4.2, *[None] * 13, 4.0
        )  # vwap_5d: last
        return {row[0]: row[2] for row in table[1:]}["TSX Company Manual s.607(e)"]

    assert status(3.40) == PASS
    assert status(3.39) == BREACH
