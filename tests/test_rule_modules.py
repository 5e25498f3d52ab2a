"""One definition per listing rule: the exchanges' modules, their tick tables, and what reads them.

Expected values come from fraction arithmetic (``fractions.Fraction``), never from the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from deal_maps import mapping, report, report_of, rule
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_placement import deal as model
from xl_placement.checks import check_deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError
from xl_placement.figures import Figures, compute
from xl_placement.formats import percent_beside
from xl_placement.grid import lowest_within_rule, pricing_grid
from xl_placement.rules import EXCHANGES, base, register, registry, rule_checks
from xl_placement.rules.base import (
    BREACH,
    NOT_APPLICABLE,
    PASS,
    DocRow,
    Exchange,
    PriceLimit,
    PriceRule,
    RuleCheck,
    TickTable,
    not_applied,
    price_check,
    unchecked,
)

ROOT = Path(__file__).resolve().parent.parent


def _price_check(figures: Figures) -> RuleCheck:
    """The check that applies the exchange's price limit (the one the grid applies to each row)."""
    exchange = registry.exchange_of(figures.deal)
    assert exchange is not None
    name = exchange.price_check
    return next(check for check in rule_checks(figures) if check.rule == name)


def _repriced(figures: Figures, price: Decimal) -> Figures:
    """The same deal at another price, computed afresh."""
    deal = figures.deal
    return compute(dataclasses.replace(deal, placing=dataclasses.replace(deal.placing, price=price)))


# --- The grid's verdict is the check's verdict -----------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    exchange=st.sampled_from(["HKEX", "HKEX GEM", "SGX", "ASX", "NASDAQ", "TSX", "Bursa"]),
    close=st.integers(min_value=50, max_value=50_000),
    other=st.integers(min_value=50, max_value=50_000),
    price=st.integers(min_value=30, max_value=50_000),
    new_shares=st.integers(min_value=1, max_value=400_000_000),
    mandate=st.sampled_from(["general", "specific"]),
    capacity=st.sampled_from(["7.1", "7.1A", None]),
    warrants=st.integers(min_value=0, max_value=100_000_000),
    public=st.booleans(),
)
def test_each_grid_row_gives_the_checks_verdict_for_the_deal_at_that_price(
    exchange, close, other, price, new_shares, mandate, capacity, warrants, public
):
    """On random deals of every exchange, each grid row's outcome is the price check's status for the deal re-priced there."""
    placing: dict[str, Any] = {
        "price": Decimal(price) / 1000,
        "new_shares": new_shares,
        "shares_outstanding": 1_000_000_000,
        "mandate": mandate,
    }
    if exchange == "ASX" and capacity is not None:
        placing["capacity"] = capacity
    if exchange == "NASDAQ":
        placing |= {"warrant_shares": warrants, "public_offering": public}
    ref = Decimal(other) / 1000
    code, _, board = exchange.partition(" ")
    data = mapping(
        issuer={"exchange": code, "currency": EXCHANGES[exchange].currency}
        | ({"board": board} if board else {}),
        placing=placing,
        market={
            "last_close": Decimal(close) / 1000,
            "average_close_5d": ref,
            "day_vwap": ref,
            "vwap_15d": ref,
            "vwap_5d": ref,
        },
    )
    figures = compute(deal_from_mapping(data))
    rows = pricing_grid(figures).rows
    assert rows
    for row in rows:
        assert row.outcome == _price_check(_repriced(figures, row.price)).status, row.price


# --- A new market is one module ---------------------------------------------------------------

TOY_LIMIT = PriceLimit(
    rule="Toy Rule 1",
    title="Discount to the last close",
    reference="last_close",
    max_discount=Decimal("0.15"),
    breach_at_limit=True,
    wording="discount to the last close below 15%",
    inputs=("market.last_close",),
)


def _toy_price_rule(figures: Figures) -> PriceRule:
    ref = figures.reference("last_close")
    if ref is None:
        return not_applied(TOY_LIMIT, "not enough data", "Needs market.last_close.")
    return PriceRule(TOY_LIMIT, PASS, reference_price=ref.price)


def _toy_check(figures: Figures) -> RuleCheck:
    found = _toy_price_rule(figures)
    if found.status != PASS:
        return unchecked(TOY_LIMIT.rule, TOY_LIMIT.title, "below 15%", found.status, found.why)
    shown = base.Shown("toy figure", Decimal(0), TOY_LIMIT.max_discount)
    return price_check(figures, found, shown, "Toy detail.", " Toy advice.")


TOY = Exchange(
    code="TOY",
    currency="HKD",
    checks=(_toy_check,),
    price_rule=_toy_price_rule,
    ticks=TickTable(bands=((Decimal(0), Decimal("0.05")),), source="a test"),
    docs=(DocRow("Toy Rule 1", "discount to the last close", "15% or more breaches", "pass, breach"),),
    price_check=TOY_LIMIT.rule,
)


@pytest.fixture
def toy_exchange(monkeypatch):
    """The toy exchange registered for one test, then removed."""
    monkeypatch.setitem(EXCHANGES, "TOY", TOY)
    return TOY


def test_a_toy_exchange_added_through_its_module_alone_is_checked_gridded_and_documented(toy_exchange):
    """Registering one Exchange gives its checks, the grid's rule, its ticks and its docs rows: nothing else to edit."""
    assert register(toy_exchange) is toy_exchange
    hkex = compute(deal_from_mapping(mapping(placing={"price": "1.70"}, market={"last_close": "2.00"})))
    toy = compute(
        dataclasses.replace(hkex.deal, issuer=dataclasses.replace(hkex.deal.issuer, exchange="TOY"))
    )
    checks = rule_checks(toy)
    assert [c.rule for c in checks] == ["Toy Rule 1"]
    # 1.70 / 2.00 is exactly 85%: a 15% discount, which the toy rule breaches at the limit.
    assert 1 - Fraction("1.70") / Fraction("2.00") == Fraction(15, 100)
    assert checks[0].status == BREACH
    assert checks[0].detail.endswith("Toy advice.")
    assert check_deal(toy).outcome == "failed"
    grid = pricing_grid(toy)
    assert grid.rule.title == "Toy Rule 1: discount to the last close below 15%"
    assert all(Fraction(row.price) % Fraction(5, 100) == 0 for row in grid.rows)  # its own 0.05 ticks
    lowest = [row.price for row in grid.rows if row.is_lowest]
    assert lowest == [Decimal("1.75")]  # the first 0.05 tick above 85% of 2.00
    for row in grid.rows:
        assert row.outcome == _price_check(_repriced(toy, row.price)).status
    assert "| TOY | Toy Rule 1 |" in registry.rules_markdown()
    assert "**TOY** (a test)" in registry.ticks_markdown()


def test_the_deal_files_exchanges_are_the_registered_ones():
    """The deal file accepts exactly the registered exchanges and "other" (its list sits below the rules layer)."""
    assert set(model.EXCHANGES) == {e.code for e in EXCHANGES.values()} | {"other"}
    boarded = {(e.code, e.board) for e in EXCHANGES.values() if e.board}
    assert boarded <= {(code, board) for code, boards in model.BOARDS.items() for board in boards[1:]}


# --- Tick tables --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exchange", "valid", "invalid"),
    [
        (
            "HKEX",
            ["0.249", "0.25", "0.255", "0.50", "9.99", "10.01", "19.99", "20.02", "49.98", "50.05", "100.1"],
            ["0.251", "0.505", "1.673", "10.005", "20.01", "50.02", "305.761", "2.075"],
        ),
        ("SGX", ["0.199", "0.2", "0.205", "0.995", "1.01"], ["0.2001", "0.201", "1.005"]),
        ("ASX", ["0.099", "0.1", "0.105", "1.995", "2.01"], ["0.1001", "0.101", "2.005"]),
        ("NASDAQ", ["0.9999", "1.00", "1.01"], ["0.99999", "1.001", "1.005"]),
    ],
)
def test_tick_tables_accept_only_prices_a_trader_could_set(exchange, valid, invalid):
    """Each exchange's tick table, at and around each band boundary (the published tables, cited on the rules page)."""
    ticks = EXCHANGES[exchange].ticks
    assert all(ticks.on_tick(Decimal(p)) for p in valid), valid
    assert not any(ticks.on_tick(Decimal(p)) for p in invalid), invalid


@pytest.mark.parametrize(
    ("exchange", "reference", "floor", "breach_at_limit", "tick", "placing", "market"),
    [
        (
            "HKEX",
            "2.09",
            Fraction(8, 10),
            True,
            Fraction(1, 100),
            {},
            {"last_close": "2.09", "average_close_5d": "2.021"},
        ),
        (
            "HKEX",
            "2.10",
            Fraction(8, 10),
            True,
            Fraction(1, 100),
            {},
            {"last_close": "2.00", "average_close_5d": "2.10"},
        ),
        (
            "SGX",
            "0.335",
            Fraction(9, 10),
            False,
            Fraction(5, 1000),
            {},
            {"last_close": "0.34", "day_vwap": "0.335"},
        ),
        (
            "ASX",
            "0.4",
            Fraction(3, 4),
            False,
            Fraction(5, 1000),
            {"capacity": "7.1A"},
            {"last_close": "0.40", "vwap_15d": "0.4"},
        ),
        (
            "ASX",
            "0.13",
            Fraction(3, 4),
            False,
            Fraction(1, 1000),
            {"capacity": "7.1A"},
            {"last_close": "0.13", "vwap_15d": "0.13"},
        ),
        (
            "ASX",
            "2.6",
            Fraction(3, 4),
            False,
            Fraction(5, 1000),
            {"capacity": "7.1A"},
            {"last_close": "2.60", "vwap_15d": "2.6"},
        ),
        (
            "NASDAQ",
            "4.013",
            Fraction(1),
            False,
            Fraction(1, 100),
            {"new_shares": 300},
            {"last_close": "4.05", "average_close_5d": "4.013"},
        ),
    ],
)
def test_boundaries_at_the_limit_and_one_tick_either_side(
    exchange, reference, floor, breach_at_limit, tick, placing, market
):
    """The lowest price within the rule is the first tick the rule allows, one tick below it breaches,
    and a price exactly at the limit passes or breaches as the rule says; all from exact fractions."""
    data = mapping(
        issuer={"exchange": exchange, "currency": EXCHANGES[exchange].currency},
        placing={"price": reference, **placing},
        market=market,
    )
    figures = compute(deal_from_mapping(data))
    bound = floor * Fraction(reference)
    first = math.ceil(bound / tick) * tick
    if first == bound and breach_at_limit:
        first += tick
    lowest = lowest_within_rule(figures)
    assert lowest is not None
    assert Fraction(lowest) == first
    assert _price_check(_repriced(figures, lowest)).status == PASS
    assert _price_check(_repriced(figures, _decimal(first - tick))).status == BREACH
    at = _decimal(bound)  # every bound here is a terminating decimal
    assert Fraction(at) == bound
    assert _price_check(_repriced(figures, at)).status == (BREACH if breach_at_limit else PASS)


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def test_hkex_ticks_follow_the_deals_date():
    """Before 4 August 2025 HK$10-20 moved in HK$0.02; from that day in HK$0.01 (Phase 1 of the spread reduction)."""
    hkex = EXCHANGES["HKEX"]
    before, after = hkex.ticks_on(dt.date(2025, 8, 3)), hkex.ticks_on(dt.date(2025, 8, 4))
    assert not before.on_tick(Decimal("15.01"))
    assert before.on_tick(Decimal("15.02"))
    assert after.on_tick(Decimal("15.01"))
    assert hkex.ticks_on(None) is hkex.ticks  # no date: the table in force now
    for day, tick in (("2025-06-10", Fraction(2, 100)), ("2025-09-01", Fraction(1, 100))):
        data = mapping(
            placing={"price": "15.00", "agreement_date": dt.date.fromisoformat(day)},
            market={"last_close": "15.50", "average_close_5d": "15.40"},
        )
        rows = pricing_grid(compute(deal_from_mapping(data))).rows
        assert all(Fraction(row.price) % tick == 0 for row in rows), day


def test_sensetime_grid_prices_are_hkex_ticks():
    """The demo grid (HK$1.66 to 2.09) has no price off HKEX's HK$0.01 ticks: no 1.673, no 2.075."""
    from report_support import figures_of  # noqa: PLC0415

    figures = compute(deal_from_mapping(mapping()))  # the checks tests' HKEX deal
    for item in (figures, figures_of("sensetime")):
        for row in pricing_grid(item).rows:
            assert Fraction(row.price) * 100 == int(Fraction(row.price) * 100), row.price


# --- Percentages beside a rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit", "shown"),
    [
        ("0.199997", "0.20", "19.9997%"),
        ("0.19995", "0.20", "19.995%"),
        ("0.200005", "0.20", "20.001%"),
        ("0.20", "0.20", "20.00%"),
        ("0.0861244", "0.20", "8.61%"),
        ("0.0999999999999999", "0.10", "9.999999999999%"),
    ],
)
def test_a_percentage_beside_a_limit_is_on_the_same_side_as_the_exact_figure(value, limit, shown):
    """19.9997% next to a pass never prints as 20.00%: more decimals, or cut toward the exact figure's side."""
    assert percent_beside(Decimal(value), Decimal(limit)) == shown
    printed = Fraction(shown.removesuffix("%")) / 100
    exact = Fraction(value)
    assert (printed > Fraction(limit)) == (exact > Fraction(limit))
    assert (printed < Fraction(limit)) == (exact < Fraction(limit))


def test_nasdaq_size_just_under_20pc_does_not_print_20pc_beside_a_pass():
    """39,990 new shares of 200,000 (19.995%) below the Minimum Price pass, and the figure does not say 20.00%."""
    data = mapping(
        issuer={"exchange": "NASDAQ", "currency": "USD"},
        placing={"price": "3.00", "new_shares": 39_990, "shares_outstanding": 200_000},
        market={"last_close": "4.00", "average_close_5d": "4.10"},
    )
    assert Fraction(39_990, 200_000) == Fraction(19995, 100000)
    check = rule(report_of(data), "5635(d)")
    assert check.status == PASS
    assert "20.00%" not in check.figure
    assert "19.995%" in check.figure


def test_a_discount_just_under_20pc_does_not_print_20pc_in_the_check_summary_or_grid():
    """HKEX price 1.600006 against 2.00: 19.9997%, a pass, never shown as 20.00% by the check, the summary or the grid."""
    from xl_placement.summary import grid_lines, summary_lines  # noqa: PLC0415

    data = mapping(placing={"price": "1.600006"}, market={"last_close": "2.00", "average_close_5d": "1.90"})
    assert 1 - Fraction("1.600006") / 2 == Fraction("0.199997")
    figures = compute(deal_from_mapping(data))
    check = rule(check_deal(figures), "13.36(5)")
    assert check.status == PASS
    assert "19.9997%" in check.figure
    assert "19.9997%" in "\n".join(summary_lines(figures))
    deal_line = next(line for line in grid_lines(figures) if "<- deal" in line)
    assert "19.9997%" in deal_line
    assert "20.00%" not in deal_line


# --- Rules apply to the deals they govern (#25 item 7) --------------------------------------------------


def test_rule_7_27b_is_not_applicable_to_a_general_mandate_placing_without_a_share_count():
    """No shares_outstanding under a general mandate: 7.27B does not govern it, so it is not applicable, not incomplete."""
    data = mapping(placing={"mandate": "general", "mandate_limit": 200, "min_placees": 6})
    del data["placing"]["shares_outstanding"]
    found = report_of(data)
    assert rule(found, "7.27B").status == NOT_APPLICABLE
    assert all(item.rule != "HKEX Rule 7.27B" for item in found.unevaluated)


def test_rule_7_27b_still_needs_the_share_count_under_a_specific_mandate():
    """Under a specific mandate 7.27B applies, so without shares_outstanding it is not enough data, naming it."""
    data = mapping(placing={"mandate": "specific"})
    del data["placing"]["shares_outstanding"]
    check = rule(report_of(data), "7.27B")
    assert check.status == "not enough data"
    assert "placing.shares_outstanding" in check.detail


def _asx_deal(close: str, shares: int, **issuer: Any) -> dict[str, Any]:
    return mapping(
        issuer={"exchange": "ASX", "currency": "AUD", **issuer},
        placing={"price": "0.30", "new_shares": 1000, "shares_outstanding": shares, "capacity": "7.1A"},
        market={"last_close": close, "vwap_15d": "0.35"},
    )


@pytest.mark.parametrize(
    ("close", "shares", "index", "status"),
    [
        ("0.96", 400_000_000, False, BREACH),  # A$384m: above A$300m, ineligible
        ("0.75", 400_000_000, False, PASS),  # exactly A$300m, outside the index
        ("0.75", 400_000_001, False, BREACH),  # A$300,000,000.75: above by 75 cents
        ("0.75", 400_000_000, True, BREACH),  # in the S&P/ASX 300
        ("0.75", 400_000_000, None, "not enough data"),  # index membership not given
    ],
)
def test_asx_7_1a_needs_an_eligible_entity(close, shares, index, status):
    """LR 7.1A: market capitalisation A$300m or less (exactly A$300m passes) and outside the S&P/ASX 300."""
    cap = Fraction(close) * shares
    assert (cap > 300_000_000) == (status == BREACH and not index)
    issuer = {} if index is None else {"sp_asx_300": index}
    check = rule(report_of(_asx_deal(close, shares, **issuer)), "eligible entity")
    assert check.status == status
    if index is None:
        assert "issuer.sp_asx_300" in check.detail
    if cap > 300_000_000:
        assert "above A$300m" in check.detail
        assert "A$300 million" not in check.figure  # never rounded onto the limit


def test_asx_7_1a_eligibility_without_a_market_cap_names_the_fields():
    """No shares_outstanding: the market capitalisation is unknown, so not enough data naming the fields, never a pass."""
    data = _asx_deal("0.96", 1)
    del data["placing"]["shares_outstanding"]
    check = rule(report_of(data), "eligible entity")
    assert check.status == "not enough data"
    assert "placing.shares_outstanding" in check.detail


def _top_up(agreed: str | None, subscribed: str | None, kind: str = "top-up") -> dict[str, Any]:
    placing: dict[str, Any] = {"kind": kind}
    if agreed:
        placing["agreement_date"] = dt.date.fromisoformat(agreed)
    if subscribed:
        placing["subscription_date"] = dt.date.fromisoformat(subscribed)
    return mapping(placing=placing)


@pytest.mark.parametrize(
    ("agreed", "subscribed", "status"),
    [
        ("2025-06-10", "2025-06-24", PASS),  # 14 days after: within
        ("2025-06-10", "2025-06-25", BREACH),  # 15 days after
        ("2025-06-10", "2025-06-10", PASS),
        ("2025-06-10", None, "not enough data"),
        (None, None, "not enough data"),
    ],
)
def test_top_up_subscription_within_14_days_of_the_agreement(agreed, subscribed, status):
    """Rule 14A.92(4): the vendor's subscription completes within 14 days after the placing agreement."""
    if agreed and subscribed:
        days = (dt.date.fromisoformat(subscribed) - dt.date.fromisoformat(agreed)).days
        assert (days <= 14) == (status == PASS)
    check = rule(report_of(_top_up(agreed, subscribed)), "14A.92(4)")
    assert check.status == status
    if status == "not enough data":
        assert "placing.subscription_date" in check.detail


def test_top_up_rule_is_not_applicable_to_a_plain_placing_and_its_date_is_refused_there():
    """A plain placing: the 14-day condition does not apply; a subscription_date on it is a deal-file error."""
    assert rule(report(), "14A.92(4)").status == NOT_APPLICABLE
    with pytest.raises(DealError) as caught:
        deal_from_mapping(_top_up("2025-06-10", "2025-06-12", kind="placing"))
    assert any(p.path == "placing.subscription_date" for p in caught.value.problems)
    with pytest.raises(DealError) as caught:
        deal_from_mapping(_top_up("2025-06-10", "2025-06-09"))
    assert any(p.path == "placing.subscription_date" for p in caught.value.problems)


# --- The docs' rules page is generated from the modules ------------------------------------------------


def _between(page: str, name: str) -> str:
    found = re.search(rf"<!-- {name}:begin[^>]*-->\n\n(.*?)\n\n<!-- {name}:end -->", page, re.S)
    assert found, name
    return found.group(1)


def test_the_rules_page_tables_are_what_the_modules_generate():
    """docs/rules.md's rules table and tick tables equal what the exchange modules generate (regenerate: see the page)."""
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert _between(page, "rules-table") == registry.rules_markdown()
    assert _between(page, "tick-tables") == registry.ticks_markdown()


def test_where_things_go_names_files_that_exist():
    """docs/development.md's "Where things go" table names real files and the rule modules it lists."""
    page = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    section = page.split("## Where things go", 1)[1].split("\n## ", 1)[0]
    paths = set(
        re.findall(r"`((?:xl_placement|templates|scripts|tests|docs)/[\w/.-]+\.(?:py|md|toml))`", section)
    )
    assert len(paths) >= 10
    for path in paths:
        assert (ROOT / path).exists(), path
    for code, exchange in EXCHANGES.items():
        module = exchange.checks[0].__module__.rsplit(".", 1)[-1]
        assert f"`{module}.py`" in section, code


def test_placement_check_takes_every_input_a_price_rule_needs():
    """Each exchange's price limit declares its inputs; PLACEMENT_CHECK has an argument for each of them."""
    from xl_placement.excel import CHECK_FIELDS  # noqa: PLC0415

    arguments = set(CHECK_FIELDS.values())
    for code, exchange in EXCHANGES.items():
        issuer = {"exchange": exchange.code} | ({"board": exchange.board} if exchange.board else {})
        limit = exchange.price_rule(compute(deal_from_mapping(mapping(issuer=issuer)))).limit
        if limit is None:  # no price rule checked on this exchange (LSE): the rules page says so
            assert not exchange.price_check, code
            continue
        assert set(limit.inputs) <= arguments, (code, set(limit.inputs) - arguments)


@pytest.mark.parametrize(
    ("headroom", "use_known", "status"),
    [
        (-1, True, "breach"),
        (-1, False, "breach"),
        (0, True, "pass"),
        (0, False, "not enough data"),
        (5, False, "not enough data"),
    ],
)
def test_one_headroom_verdict_for_every_limit_of_shares(headroom: int, use_known: bool, status: str) -> None:
    """Mandates (HKEX, SGX), ASX capacity, the PEG disapplication and Bursa's 10% share one verdict: over the
    limit breaches whatever was used; within it passes only when the earlier use is known (unknown is not zero)."""
    from xl_placement.rules.base import headroom_check  # noqa: PLC0415

    check = headroom_check(
        ("R", "T", "f", "l"), headroom, use_known=use_known, unknown_use="u", remains="r", exceeds="e"
    )
    assert (check.status, check.detail) == (
        status,
        {"breach": "e", "pass": "r", "not enough data": "u"}[status],
    )
    assert check.value == headroom
