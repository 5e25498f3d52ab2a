"""Tests for xl_placement.figures: every figure of a deal, from the demo, BYD and a dated history."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_placement import load_deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import CalculationError, DealError
from xl_placement.figures import compute
from xl_placement.money import round_half_up
from xl_placement.proceeds import proceeds

D = Decimal
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def percent(fraction: Decimal, places: int) -> Decimal:
    """A fraction as a percentage rounded half up, the way an announcement prints it."""
    return round_half_up(fraction * 100, places)


def demo() -> dict[str, Any]:
    """The demo deal as a plain mapping, read with tomllib."""
    with (EXAMPLES / "sensetime.toml").open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def sensetime():
    return compute(load_deal(EXAMPLES / "sensetime.toml"))


@pytest.fixture(scope="module")
def byd():
    return compute(load_deal(EXAMPLES / "byd.toml"))


def test_demo_discounts_are_the_published_ones(sensetime):
    """Demo: 8.6% to the last close (8.61% at two decimals), 5.5% to the 5-day and 6.8% to the 30-day average."""
    discounts = {r.key: r.discount for r in sensetime.references}
    assert percent(discounts["last_close"], 2) == D("8.61")
    assert percent(discounts["last_close"], 1) == D("8.6")
    assert percent(discounts["average_close_5d"], 1) == D("5.5")
    assert percent(discounts["average_close_30d"], 1) == D("6.8")
    assert all(r.origin == "given" for r in sensetime.references)


def test_demo_benchmarked_price_from_given_figures(sensetime):
    """Without history the benchmarked price is the higher of the last close and the 5-day average: HK$2.09."""
    assert sensetime.benchmarked_price == D("2.09")
    assert sensetime.benchmark is None


def test_demo_dilution(sensetime):
    """Demo: 4.0357% of the enlarged and 4.2054% of the existing share capital; no class count, no class figure."""
    assert percent(sensetime.percent_of_enlarged, 4) == D("4.0357")
    assert percent(sensetime.percent_of_existing, 4) == D("4.2054")
    assert sensetime.percent_of_existing_class is None
    assert sensetime.enlarged_shares == 42_124_038_000


def test_demo_proceeds_and_us_dollars(sensetime):
    """Demo: gross HK$3,247,000,000, net the same (no costs), US$415.2m at 7.8203."""
    money = sensetime.proceeds
    assert money.gross == money.net == D(3_247_000_000)
    assert money.gross_quote is not None
    assert round_half_up(money.gross_quote / 1_000_000, 1) == D("415.2")


def test_demo_use_of_proceeds_adds_up_exactly(sensetime):
    """Demo: 40/30/20/10 of net proceeds, whole dollars adding up exactly to the allocation base."""
    amounts = [a.amount for a in sensetime.allocations]
    assert amounts == [D(1_298_800_000), D(974_100_000), D(649_400_000), D(324_700_000)]
    assert sum(amounts) == sensetime.allocation_base == sensetime.proceeds.net
    first = sensetime.allocations[0].amount_quote
    assert first is not None
    assert round_half_up(first / 1_000_000, 1) == D("166.1")  # 40% of US$415.2m


def test_demo_theoretical_dilution_effect_is_dilution_times_discount(sensetime):
    """Rule 7.27B effect = new/(existing+new) x discount to the benchmarked price (algebraic identity)."""
    expected = Fraction(1_700_000_000, 42_124_038_000) * (1 - Fraction(191, 209))
    assert sensetime.theoretical_dilution_effect is not None
    assert abs(Fraction(sensetime.theoretical_dilution_effect) - expected) < Fraction(1, 10**25)
    assert percent(sensetime.theoretical_dilution_effect, 2) == D("0.35")


def test_demo_has_no_mandate_headroom_and_a_default_shareholding(sensetime):
    """Without a mandate limit there is no headroom; the shareholding is placees, public and total."""
    assert sensetime.mandate_headroom is None
    assert [h.name for h in sensetime.shareholding][-1] == "Total"
    assert sensetime.shareholding[-1].shares_after == 42_124_038_000


def test_byd_discounts_and_dilution(byd):
    """BYD: 7.8% / 12.3% / 11.8% discounts; 4.46% / 4.27% of total and 11.82% / 10.57% of H shares."""
    discounts = {r.key: percent(r.discount, 1) for r in byd.references}
    assert discounts["last_close"] == D("7.8")
    assert discounts["average_close_5d"] == D("12.3")
    assert discounts["average_close_10d"] == D("11.8")
    assert percent(byd.percent_of_existing, 2) == D("4.46")
    assert percent(byd.percent_of_enlarged, 2) == D("4.27")
    assert byd.percent_of_existing_class is not None
    assert byd.percent_of_enlarged_class is not None
    assert percent(byd.percent_of_existing_class, 2) == D("11.82")
    assert percent(byd.percent_of_enlarged_class, 2) == D("10.57")


def test_byd_net_proceeds_and_net_price_per_share(byd):
    """BYD: about HK$43,509m gross and HK$43,383m net; net price per share = net / shares."""
    money = byd.proceeds
    assert round_half_up(money.gross / 1_000_000, 0) == 43_509
    assert round_half_up(money.net / 1_000_000, 0) == 43_383
    assert abs(Fraction(money.net_price_per_share) - Fraction(money.net) / 129_800_000) < Fraction(1, 10**40)
    assert sum(a.amount for a in byd.allocations) == money.net.quantize(D(1))


def test_gross_basis_allocates_gross_proceeds():
    """With basis = "gross" the uses split gross proceeds, costs notwithstanding."""
    data = copy.deepcopy(demo())
    data["proceeds"]["basis"] = "gross"
    data["costs"] = {"commission_rate": "2.5%", "other_costs": 1_000_000}
    figures = compute(deal_from_mapping(data))
    assert figures.allocation_base == figures.proceeds.gross == D(3_247_000_000)
    assert figures.proceeds.net == D("3247000000") - D("81175000") - D("1000000")
    assert sum(a.amount for a in figures.allocations) == D(3_247_000_000)


def test_net_basis_allocates_net_proceeds_at_millions():
    """With 2.5% commission the uses split net proceeds, rounded to whole millions that add up."""
    data = copy.deepcopy(demo())
    data["costs"] = {"commission_rate": 0.025, "other_costs": 0}
    data["proceeds"]["decimals"] = -6
    figures = compute(deal_from_mapping(data))
    assert figures.allocation_base == D("3165825000.00")
    amounts = [a.amount for a in figures.allocations]
    assert sum(amounts) == D(3_166_000_000)
    assert amounts == [D(1_266_000_000), D(950_000_000), D(633_000_000), D(317_000_000)]


@pytest.mark.parametrize(
    "costs",
    [None, {"commission_rate": 0.025}, {"other_costs": 0}],
    ids=["no table", "rate only", "other only"],
)
def test_costs_not_given_leave_net_not_given_and_split_gross(costs: dict[str, object] | None) -> None:
    """Without both costs, net and net per share are None (never gross), the uses split gross, labelled so.

    Gross is 1,700,000,000 x 1.91 = 3,247,000,000; 40/30/20/10% of it at whole millions.
    """
    data = copy.deepcopy(demo())
    del data["costs"]
    if costs is not None:
        data["costs"] = costs
    data["proceeds"]["decimals"] = -6
    figures = compute(deal_from_mapping(data))
    money = figures.proceeds
    assert (money.net, money.net_price_per_share, money.net_quote, money.costs) == (None, None, None, None)
    assert money.gross == 1_700_000_000 * D("1.91")
    assert figures.allocation_basis == "gross (net not given)"
    assert figures.allocation_base == money.gross
    assert [a.amount for a in figures.allocations] == [
        D(1_299_000_000),
        D(974_000_000),
        D(649_000_000),
        D(325_000_000),
    ]


def test_costs_above_gross_are_refused_by_validation_naming_the_field():
    """Other costs larger than gross proceeds are a DealError on costs.other_costs with the amounts, so check refuses them."""
    data = copy.deepcopy(demo())
    data["costs"] = {"other_costs": 4_000_000_000}
    with pytest.raises(DealError) as raised:
        deal_from_mapping(data, "deal.toml")
    assert str(raised.value) == (
        "deal.toml: costs.other_costs = 4000000000: with the commission of 0.00, the costs of "
        "4,000,000,000.00 exceed the gross proceeds of 3,247,000,000.00 (placing.new_shares x placing.price); "
        "check the costs"
    )


def test_the_calculation_still_refuses_costs_above_gross():
    """proceeds() itself refuses costs above gross (a caller that skips validation), with both amounts."""
    with pytest.raises(
        CalculationError, match=r"costs of 4000000000\.00 exceed gross proceeds of 3247000000\.00"
    ):
        proceeds(1_700_000_000, D("1.91"), 0, 4_000_000_000)


def test_mandate_headroom_and_holders():
    """A mandate limit gives headroom = limit - used - new; listed holders appear before the placees."""
    data = copy.deepcopy(demo())
    data["placing"]["mandate_limit"] = 8_084_807_600
    data["placing"]["mandate_used"] = 1_000_000_000
    data["shareholders"] = [{"name": "Founder entities", "shares": 5_000_000_000}]
    figures = compute(deal_from_mapping(data))
    assert figures.mandate_headroom == 5_384_807_600
    founder = figures.shareholding[0]
    assert founder.name == "Founder entities"
    assert founder.shares_after == 5_000_000_000
    assert abs(Fraction(founder.percent_after) - Fraction(5_000_000_000, 42_124_038_000)) < Fraction(
        1, 10**40
    )


def trading_days(start: dt.date, count: int) -> list[dt.date]:
    """``count`` weekdays from ``start`` on (a test calendar with weekends only)."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


# 35 trading days; the agreement is on day 33 (index 32), so two later days must be ignored.
DAYS = trading_days(dt.date(2025, 5, 1), 35)
CLOSES = [D("2.00") + D("0.01") * (i % 7) for i in range(35)]
VOLUMES = [1_000_000 * (1 + i % 3) for i in range(35)]
AGREED = 32


def history_deal(exchange: str = "HKEX", **placing: object) -> dict[str, Any]:
    """The demo deal with the dated history above instead of given prices."""
    data = copy.deepcopy(demo())
    data["issuer"]["exchange"] = exchange
    data["market"] = {
        "history": [
            {"date": d, "close": c, "volume": v} for d, c, v in zip(DAYS, CLOSES, VOLUMES, strict=True)
        ]
    }
    for key in ("announcement_date", "completion_date", "lock_up_days"):  # the demo's illustrative timetable
        data["placing"].pop(key, None)
    data["placing"]["agreement_date"] = DAYS[AGREED]
    data["placing"].update(placing)
    del data["stated"]
    return data


def mean(values: list[Decimal]) -> Fraction:
    return sum((Fraction(v) for v in values), Fraction(0)) / len(values)


def test_references_from_history_end_on_the_agreement_date():
    """From history: the last close is the agreement date's, and 5/10/30-day averages end on that day."""
    figures = compute(deal_from_mapping(history_deal()))
    refs = {r.key: r for r in figures.references}
    assert refs["last_close"].price == CLOSES[AGREED]
    assert refs["last_close"].origin == "from history"
    for n in (5, 10, 30):
        window = CLOSES[AGREED + 1 - n : AGREED + 1]
        assert abs(Fraction(refs[f"average_close_{n}d"].price) - mean(window)) < Fraction(1, 10**40)
    assert "vwap_15d" not in refs  # VWAP references are for markets that use them


def test_benchmarked_price_from_history():
    """From history: the higher of the agreement close and the mean of the 5 closes before the earliest date."""
    data = history_deal(price_fixing_date=DAYS[AGREED - 2])
    figures = compute(deal_from_mapping(data))
    assert figures.benchmark is not None
    assert figures.benchmark.earliest_date == DAYS[AGREED - 2]
    assert [c.date for c in figures.benchmark.prior] == DAYS[AGREED - 7 : AGREED - 2]
    expected = max(Fraction(CLOSES[AGREED]), mean(CLOSES[AGREED - 7 : AGREED - 2]))
    assert figures.benchmarked_price is not None
    assert abs(Fraction(figures.benchmarked_price) - expected) < Fraction(1, 10**40)


def test_asx_deal_gets_a_15_day_vwap_from_history():
    """An ASX deal with volumes gets the 15-day VWAP, turnover over volume of the 15 days to the agreement."""
    figures = compute(deal_from_mapping(history_deal("ASX")))
    ref = figures.reference("vwap_15d")
    assert ref is not None
    window = range(AGREED - 14, AGREED + 1)
    turnover = sum(Fraction(CLOSES[i]) * VOLUMES[i] for i in window)
    volume = sum(VOLUMES[i] for i in window)
    assert abs(Fraction(ref.price) - turnover / volume) < Fraction(1, 10**40)


def test_given_figures_win_over_history():
    """A given last close or average is used as given, the rest still comes from history."""
    data = history_deal()
    data["market"]["last_close"] = 2.09
    data["market"]["average_close_5d"] = 2.021
    refs = {r.key: r for r in compute(deal_from_mapping(data)).references}
    assert (refs["last_close"].price, refs["last_close"].origin) == (D("2.09"), "given")
    assert (refs["average_close_5d"].price, refs["average_close_5d"].origin) == (D("2.021"), "given")
    assert refs["average_close_10d"].origin == "from history"


@settings(max_examples=150, deadline=None)
@given(
    new_shares=st.integers(min_value=1, max_value=10**12),
    outstanding=st.integers(min_value=1, max_value=10**13),
    price=st.decimals(min_value=D("0.001"), max_value=D(5000), places=3),
    last_close=st.decimals(min_value=D("0.001"), max_value=D(5000), places=3),
    commission=st.decimals(min_value=0, max_value=D("0.05"), places=4),
    other_costs=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=6).filter(any),
    decimals=st.integers(min_value=-6, max_value=2),
)
def test_any_valid_deal_computes_consistent_figures_or_a_clear_error(
    new_shares, outstanding, price, last_close, commission, other_costs, weights, decimals
):
    """Property: a valid deal gives figures whose uses add up and whose bases agree, or a CalculationError."""
    total = sum(weights)
    shares = [D(w) / total for w in weights[:-1]]
    shares.append(1 - sum(shares, D(0)))
    data = copy.deepcopy(demo())
    data["placing"].update(new_shares=new_shares, shares_outstanding=outstanding, price=str(price))
    data["market"] = {"last_close": str(last_close)}
    data["costs"] = {"commission_rate": str(commission), "other_costs": other_costs}
    data["proceeds"] = {
        "decimals": decimals,
        "uses": [{"name": f"use {i}", "share": str(s.quantize(D("1e-14")))} for i, s in enumerate(shares)],
    }
    del data["stated"]
    try:
        figures = compute(deal_from_mapping(data))
    except DealError as error:
        # Costs above gross proceeds, or derived amounts of 10^15 and more, are refused by validation.
        for problem in error.problems:
            assert problem.path in {"costs.other_costs", "placing.price", "placing.new_shares"}, str(error)  # noqa: PT017
            assert "exceed the gross proceeds" in problem.expected or "10^15 or more" in problem.expected
        return
    assert sum(a.amount for a in figures.allocations) == round_half_up(figures.allocation_base, decimals)
    e = Fraction(figures.percent_of_existing)
    assert abs(Fraction(figures.percent_of_enlarged) - e / (1 + e)) < Fraction(1, 10**40)
    assert figures.proceeds.net == figures.proceeds.gross - figures.proceeds.costs
    last = figures.reference("last_close")
    assert last is not None
    assert (last.discount < 0) == (price > last_close)


def test_given_vwaps_are_references_with_their_discounts():
    """A given 15-day VWAP and agreement-day VWAP become references; the discount to each is 1 - price / VWAP."""
    data = copy.deepcopy(demo())
    data["market"]["vwap_15d"] = 2.00
    data["market"]["day_vwap"] = "2.122"
    figures = compute(deal_from_mapping(data))
    vwap15, day = figures.reference("vwap_15d"), figures.reference("day_vwap")
    assert vwap15 is not None
    assert day is not None
    assert (vwap15.price, vwap15.origin) == (D("2.00"), "given")
    assert percent(vwap15.discount, 1) == D("4.5")  # 1 - 1.91 / 2.00
    assert percent(day.discount, 2) == D("9.99")  # 1 - 1.91 / 2.122 = 9.99%


def test_benchmark_falls_back_to_given_figures_when_history_cannot_give_it():
    """With no close on the agreement date in the history, the given last close and 5-day average decide."""
    data = history_deal()
    data["placing"]["agreement_date"] = dt.date(2025, 5, 3)  # a Saturday: no close that day
    data["market"]["last_close"] = 2.09
    data["market"]["average_close_5d"] = 2.121
    figures = compute(deal_from_mapping(data))
    assert figures.benchmark is None
    ref = figures.reference("benchmarked_price")
    assert ref is not None
    assert (ref.price, ref.origin) == (D("2.121"), "given")


def test_benchmarked_price_only_for_hkex_deals():
    """The Rule 13.36(5) benchmarked price is listed for an HKEX deal and not for the same deal on SGX."""
    data = tomllib.loads(
        (Path(__file__).parent.parent / "examples" / "sensetime.toml").read_text(encoding="utf-8")
    )
    assert compute(deal_from_mapping(data)).reference("benchmarked_price") is not None
    data["issuer"]["exchange"] = "SGX"
    figures = compute(deal_from_mapping(data))
    assert figures.reference("benchmarked_price") is None
    assert figures.theoretical_dilution_effect is None
