"""The pricing grid: its prices, the figures of each row and the exchange's price rule."""

from __future__ import annotations

import copy
import dataclasses
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_support import figures_of

from xl_placement.deal import Market
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError
from xl_placement.figures import compute
from xl_placement.grid import (
    BREACH,
    NOT_APPLICABLE,
    NOT_ENOUGH_DATA,
    PASS,
    nice_step,
    pricing_grid,
    shares_needed,
)
from xl_placement.money import round_half_up
from xl_placement.rules import rule_checks

BASE = {
    "issuer": {"name": "Grid Co", "stock_code": "1", "exchange": "HKEX", "currency": "HKD"},
    "placing": {"new_shares": 10_000_000, "price": 1.85, "shares_outstanding": 200_000_000},
    "market": {"last_close": 2.00, "average_close_5d": 2.10},
    "proceeds": {"uses": [{"name": "All", "share": 1}]},
}


def deal(**changes: dict[str, object]) -> dict[str, object]:
    mapping = copy.deepcopy(BASE)
    for section, values in changes.items():
        mapping.setdefault(section, {}).update(values)  # type: ignore[attr-defined]
    return mapping


def test_sensetime_default_grid_runs_in_round_steps_from_20pc_below_the_benchmark_to_the_close():
    """SenseTime (benchmarked price HK$2.09): steps of HK$0.02 (a whole number of HKEX's HK$0.01 ticks
    between HK$0.50 and HK$10) from 1.66 (the step at or below 2.09 x 0.8 = 1.672) to 2.09."""
    grid = pricing_grid(figures_of("sensetime"))
    prices = [row.price for row in grid.rows]
    assert prices == sorted(prices, reverse=True)
    assert prices[0] == Decimal("2.09")
    assert prices[-1] == Decimal("1.66")
    assert grid.step == Decimal("0.02")
    assert all(Fraction(p) * 100 == int(Fraction(p) * 100) for p in prices)  # every price on a HK$0.01 tick
    lowest = [row.price for row in grid.rows if row.is_lowest]
    # The lowest HK$0.01 tick strictly above 80% of HK$2.09 (exact fractions): 1.672 -> 1.68.
    bound = Fraction(8, 10) * Fraction("2.09")
    expected = Fraction(math.floor(bound * 100) + 1, 100)
    assert lowest == [Decimal("1.68")]
    assert Fraction(lowest[0]) == expected
    assert Decimal("1.91") in prices  # the deal's price, not on a step
    assert 19 <= len(prices) <= 24  # "about 21"
    deal_rows = [row for row in grid.rows if row.is_deal]
    assert [row.price for row in deal_rows] == [Decimal("1.91")]


def test_each_row_is_computed_as_a_banker_would_by_hand():
    """At HK$2.00 (SenseTime): discount 1 - 2/2.09, gross 1.7bn x 2, shares to raise HK$3,247m rounded up."""
    grid = pricing_grid(figures_of("sensetime"))
    row = next(r for r in grid.rows if r.price == Decimal(2))
    keys = [ref.key for ref in grid.references]
    by_hand = {"last_close": 1 - 2 / 2.09, "average_close_5d": 1 - 2 / 2.021}
    for key, expected in by_hand.items():
        assert float(row.discounts[keys.index(key)]) == pytest.approx(expected, rel=1e-12)
    assert row.gross == Decimal(3_400_000_000)
    assert row.net == row.gross  # SenseTime's costs are zero
    assert row.shares_needed == 1_623_500_000  # 3,247,000,000 / 2 exactly
    assert float(row.percent_of_enlarged or 0) == pytest.approx(1_623_500_000 / 42_047_538_000, rel=1e-12)
    deal_row = next(r for r in grid.rows if r.is_deal)
    assert deal_row.shares_needed == 1_700_000_000  # the deal's own shares at the deal's own price


def test_a_discount_of_exactly_20pc_to_the_benchmark_breaches_and_just_below_passes():
    """Benchmarked price 2.10 (the 5-day average): 1.68 is exactly 20% below (breach); one HK$0.01 tick
    below breaches, one tick above (1.69) passes and is the lowest price within the rule."""
    assert 1 - Fraction("1.68") / Fraction("2.10") == Fraction(1, 5)  # exactly at the limit
    figures = compute(deal_from_mapping(deal(grid={"from": 1.67, "to": 1.69, "step": 0.01})))
    outcome = {row.price: row.outcome for row in pricing_grid(figures).rows}
    assert outcome[Decimal("1.68")] == BREACH
    assert outcome[Decimal("1.67")] == BREACH
    assert outcome[Decimal("1.69")] == PASS
    lowest = [row.price for row in pricing_grid(figures).rows if row.is_lowest]
    assert lowest == [Decimal("1.69")]


def test_a_step_finer_than_the_tick_gives_only_prices_a_trader_could_set():
    """grid.step 0.001 at HK$1.67-1.69 (HKEX tick HK$0.01 there) gives 1.67, 1.68 and 1.69, not 1.673."""
    figures = compute(deal_from_mapping(deal(grid={"from": 1.67, "to": 1.69, "step": 0.001})))
    prices = {row.price for row in pricing_grid(figures).rows}
    assert prices == {
        Decimal("1.67"),
        Decimal("1.68"),
        Decimal("1.69"),
        Decimal("1.85"),
    }  # with the deal's price


def test_the_grid_table_overrides_range_and_step_and_keeps_the_deal_price():
    """[grid] from 1.8 to 2.0 step 0.05 gives 2.0, 1.95, 1.9, 1.85 (the deal), 1.8."""
    figures = compute(deal_from_mapping(deal(grid={"from": 1.8, "to": 2.0, "step": 0.05})))
    assert [str(r.price) for r in pricing_grid(figures).rows] == ["2", "1.95", "1.9", "1.85", "1.8"]
    assert [r.is_deal for r in pricing_grid(figures).rows] == [False, False, False, True, False]


@pytest.mark.parametrize(
    ("grid", "path"),
    [
        ({"from": 2.0, "to": 1.0}, "grid.from"),
        ({"from": 1.0, "to": 2.0, "step": 0.001}, "grid.step"),
        ({"step": 0}, "grid.step"),
    ],
)
def test_a_grid_table_that_cannot_work_is_refused_naming_the_field(grid, path):
    """An upside-down range, more than 200 prices or a zero step is a deal-file error on that field."""
    with pytest.raises(DealError) as caught:
        deal_from_mapping(deal(grid=grid))
    assert any(p.path == path for p in caught.value.problems)


def test_a_step_alone_that_asks_for_too_many_prices_gives_a_reason_not_a_huge_sheet():
    """grid.step 0.0001 on a 20% range of HK$2 is 4,000+ prices: the grid says why it has no rows."""
    figures = compute(deal_from_mapping(deal(grid={"step": 0.0001})))
    assert pricing_grid(figures).rows == ()
    assert pricing_grid(figures).problem is not None
    assert "grid.step" in pricing_grid(figures).problem


def test_without_a_last_close_the_grid_says_not_enough_data():
    """A deal with no last close (allowed for non-HK deals) has no grid rows and a reason naming the field."""
    base = deal_from_mapping(deal())
    bare = dataclasses.replace(base, market=Market())
    figures = compute(bare)
    assert pricing_grid(figures).rows == ()
    assert pricing_grid(figures).problem is not None
    assert pricing_grid(figures).problem.startswith("not enough data")
    assert "market.last_close" in pricing_grid(figures).problem


@pytest.mark.parametrize(
    ("exchange", "market", "placing", "expected"),
    [
        ("SGX", {"day_vwap": 2.0}, {}, PASS),
        ("SGX", {}, {}, NOT_ENOUGH_DATA),
        ("ASX", {"vwap_15d": 2.0}, {"capacity": "7.1A"}, PASS),
        ("ASX", {"vwap_15d": 2.0}, {}, NOT_ENOUGH_DATA),
        ("ASX", {"vwap_15d": 2.0}, {"capacity": "7.1"}, NOT_APPLICABLE),
        ("NASDAQ", {}, {}, PASS),
        ("NASDAQ", {}, {"public_offering": True}, NOT_APPLICABLE),
        ("other", {}, {}, NOT_APPLICABLE),
    ],
)
def test_each_exchange_applies_its_own_price_rule(exchange, market, placing, expected):
    """SGX uses the day's VWAP, ASX the 15-day VWAP for 7.1A shares, Nasdaq the Minimum Price; others none."""
    mapping = deal(issuer={"exchange": exchange}, market=market, placing=placing)
    figures = compute(deal_from_mapping(mapping))
    assert pricing_grid(figures).rule.status == expected


def test_specific_mandate_makes_the_hkex_rule_not_applicable_on_every_row():
    """Rule 13.36(5) limits general-mandate issues only."""
    figures = compute(deal_from_mapping(deal(placing={"mandate": "specific"})))
    assert {row.outcome for row in pricing_grid(figures).rows} == {NOT_APPLICABLE}


@pytest.mark.parametrize(
    ("span", "step"), [("0.418", "0.025"), ("58.6", "5"), ("2.4", "0.2"), ("0.01", "0.0005")]
)
def test_default_steps_are_round(span, step):
    """The step is the smallest of 1, 2, 2.5, 5 x 10^k giving at most 20 steps."""
    assert nice_step(Decimal(span)) == Decimal(step)


@given(
    amount=st.decimals(min_value=1, max_value=10**11, places=2),
    price=st.decimals(min_value=Decimal("0.01"), max_value=1000, places=3),
)
def test_shares_needed_is_the_fewest_whole_shares_that_raise_the_amount(amount, price):
    """n shares at the price raise the amount (their proceeds rounded to the cent, as gross is) and n - 1 do not."""
    n = shares_needed(amount, price)
    assert round_half_up(n * price, 2) >= amount
    assert round_half_up((n - 1) * price, 2) < amount


@settings(max_examples=60, deadline=None)
@given(
    exchange=st.sampled_from(["HKEX", "SGX", "ASX", "NASDAQ"]),
    ticks=st.integers(min_value=100, max_value=5000),
    close_ticks=st.integers(min_value=100, max_value=5000),
    other_ticks=st.integers(min_value=100, max_value=5000),
    new_shares=st.integers(min_value=1, max_value=90_000_000),
)
def test_the_deal_row_agrees_with_the_listing_rule_check(
    exchange, ticks, close_ticks, other_ticks, new_shares
):
    """For random prices, the deal's own grid row gives the same pass/breach as the Checks sheet's rule."""
    price, close, other = (Decimal(t) / 1000 for t in (ticks, close_ticks, other_ticks))
    market = {"last_close": close, "average_close_5d": other, "day_vwap": other, "vwap_15d": other}
    mapping = deal(
        issuer={"exchange": exchange},
        placing={"price": price, "new_shares": new_shares, "shares_outstanding": 200_000_000}
        | ({"capacity": "7.1A"} if exchange == "ASX" else {}),
        market=market,
    )
    figures = compute(deal_from_mapping(mapping))
    deal_row = next(row for row in pricing_grid(figures).rows if row.is_deal)
    first_rule = rule_checks(figures)[0]
    assert deal_row.outcome == first_rule.status
