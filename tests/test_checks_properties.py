"""Property tests: the checks agree with exact rational arithmetic (an independent oracle).

``fractions.Fraction`` has no rounding at all, so it settles each boundary exactly; the
checks use Decimal. Any valid deal gives a result, never an exception.
"""

from __future__ import annotations

import dataclasses
import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from deal_maps import figures, mapping, report_of
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xl_placement.checks import STATUSES, check_deal
from xl_placement.deal import StatedFigure
from xl_placement.published import parse_published


def _price(low: str = "0.01", high: str = "500") -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=3)


def _rule(checks: Any, reference: str) -> Any:
    return next(r for r in checks.rules if reference in r.rule)


@settings(max_examples=150, deadline=None)
@given(price=_price(), last=_price(), average=_price())
@example(price=Decimal("1.6"), last=Decimal("2"), average=Decimal("1.9"))  # exactly 20%
@example(price=Decimal("1.601"), last=Decimal("1.9"), average=Decimal("2"))  # just under
def test_hkex_discount_boundary_matches_exact_fractions(
    price: Decimal, last: Decimal, average: Decimal
) -> None:
    """13.36(5) breaches exactly when price / max(close, 5-day average) <= 4/5, in exact fractions."""
    data = mapping(
        placing={"price": str(price)}, market={"last_close": str(last), "average_close_5d": str(average)}
    )
    check = _rule(report_of(data), "13.36(5)")
    bench = max(Fraction(last), Fraction(average))
    assert (check.status == "breach") == (Fraction(price) / bench <= Fraction(4, 5))


@settings(max_examples=150, deadline=None)
@given(
    price=_price(),
    bench=_price(),
    new=st.integers(min_value=1, max_value=10**9),
    existing=st.integers(min_value=1, max_value=10**10),
)
@example(price=Decimal("0.5"), bench=Decimal("1"), new=100, existing=100)  # exactly 25%
def test_tde_boundary_matches_exact_fractions(
    price: Decimal, bench: Decimal, new: int, existing: int
) -> None:
    """Rule 7.27B breaches (specific mandate) exactly when the diluted price is at most 3/4 of the benchmark."""
    data = mapping(
        placing={
            "price": str(price),
            "new_shares": new,
            "shares_outstanding": existing,
            "mandate": "specific",
        },
        market={"last_close": str(bench), "average_close_5d": str(bench)},
    )
    check = _rule(report_of(data), "7.27B")
    diluted = (Fraction(bench) * existing + Fraction(price) * new) / (existing + new)
    assert (check.status == "breach") == (diluted <= Fraction(3, 4) * Fraction(bench))


@settings(max_examples=100, deadline=None)
@given(price=_price(), vwap=_price(), exchange=st.sampled_from(["SGX", "ASX"]))
@example(price=Decimal("0.9"), vwap=Decimal("1"), exchange="SGX")  # exactly 10%: passes
@example(price=Decimal("0.8999"), vwap=Decimal("1"), exchange="SGX")  # 10.01%: breaches
@example(price=Decimal("0.75"), vwap=Decimal("1"), exchange="ASX")  # exactly 75%: passes
@example(price=Decimal("0.7499"), vwap=Decimal("1"), exchange="ASX")  # below 75%: breaches
def test_sgx_and_asx_boundaries_match_exact_fractions(price: Decimal, vwap: Decimal, exchange: str) -> None:
    """SGX breaches above a 10% discount to the day VWAP (Rule 811); ASX below 75% of the 15-day VWAP (7.1A); the value shown is that discount or ratio."""
    field = "day_vwap" if exchange == "SGX" else "vwap_15d"
    placing = {"price": str(price), **({"capacity": "7.1A"} if exchange == "ASX" else {})}
    data = mapping(issuer={"exchange": exchange}, placing=placing, market={field: str(vwap)})
    check = _rule(report_of(data), "811" if exchange == "SGX" else "Rule 7.1A")
    ratio = Fraction(price) / Fraction(vwap)
    limit = Fraction(9, 10) if exchange == "SGX" else Fraction(3, 4)
    assert (check.status == "breach") == (ratio < limit)
    shown = (
        1 - ratio if exchange == "SGX" else ratio
    )  # the discount (SGX), the price's share of the VWAP (ASX)
    assert check.value is not None
    assert abs(Fraction(check.value) - shown) <= Fraction(1, 10**20)


@settings(max_examples=100, deadline=None)
@given(
    price=_price(),
    last=_price(),
    average=_price(),
    new=st.integers(min_value=1, max_value=3000),
)
@example(price=Decimal("8.999"), last=Decimal("10"), average=Decimal("9"), new=200)  # below, exactly 20%
@example(price=Decimal("8.99"), last=Decimal("10"), average=Decimal("9"), new=199)  # below, under 20%
@example(price=Decimal("9"), last=Decimal("10"), average=Decimal("9"), new=200)  # at the Minimum Price
@example(
    price=Decimal("9.5"), last=Decimal("10"), average=Decimal("9"), new=300
)  # below the close, above the lower average
def test_nasdaq_matches_its_two_conditions(price: Decimal, last: Decimal, average: Decimal, new: int) -> None:
    """5635(d) breaches exactly when price < min(close, 5-day average) and new shares >= 20% of 1,000."""
    data = mapping(
        issuer={"exchange": "NASDAQ", "currency": "USD"},
        placing={"price": str(price), "new_shares": new, "shares_outstanding": 1000},
        market={"last_close": str(last), "average_close_5d": str(average)},
    )
    check = report_of(data).rules[0]
    expected = Fraction(price) < min(Fraction(last), Fraction(average)) and new * 5 >= 1000
    assert (check.status == "breach") == expected


def _half_up(value: Fraction, decimals: int) -> Fraction:
    """Round half away from zero in exact fractions."""
    scaled = abs(value) * 10**decimals
    rounded = Fraction(math.floor(scaled + Fraction(1, 2)), 10**decimals)
    return rounded if value >= 0 else -rounded


@settings(max_examples=150, deadline=None)
@given(
    price=_price(),
    last=_price(),
    stated=st.decimals(min_value=Decimal("-99"), max_value=Decimal("99"), places=2),
    decimals=st.integers(min_value=0, max_value=2),
)
@example(price=Decimal("0.91375"), last=Decimal("1"), stated=Decimal("8.63"), decimals=2)  # half up
@example(price=Decimal("0.91375"), last=Decimal("1"), stated=Decimal("8.62"), decimals=2)
def test_stated_discount_matches_exactly_at_its_precision(
    price: Decimal, last: Decimal, stated: Decimal, decimals: int
) -> None:
    """A stated discount matches exactly when the exact discount, rounded half up to its decimals, equals it."""
    text = f"{round(stated, decimals)}%"
    data = mapping(placing={"price": str(price)}, market={"last_close": str(last)})
    data["stated"] = {"discount_to_last_close": text}
    check = report_of(data).stated[0]
    exact = (1 - Fraction(price) / Fraction(last)) * 100
    assert check.matches == (_half_up(exact, decimals) == Fraction(Decimal(text[:-1])))


@settings(max_examples=100, deadline=None)
@given(
    exchange=st.sampled_from(["HKEX", "SGX", "NASDAQ", "ASX", "other"]),
    mandate=st.sampled_from(["general", "specific"]),
    kind=st.sampled_from(["placing", "top-up"]),
    price=_price(),
    placees=st.one_of(st.none(), st.integers(min_value=1, max_value=20)),
    limit=st.one_of(st.none(), st.integers(min_value=1, max_value=500)),
    left_out=st.sets(st.sampled_from(["shares_outstanding", "market", "proceeds"])),
    capacity=st.sampled_from([None, "7.1", "7.1A"]),
)
def test_any_valid_deal_gives_a_full_report(
    exchange: str,
    mandate: str,
    kind: str,
    price: Decimal,
    placees: int | None,
    limit: int | None,
    left_out: set[str],
    capacity: str | None,
) -> None:
    """Every valid deal, optional inputs left out or not, gets known statuses, stated results and sentences.

    A check whose input is left out says "not enough data" and names a deal-file field.
    """
    placing: dict[str, Any] = {"price": str(price), "mandate": mandate, "kind": kind}
    if placees is not None:
        placing["min_placees"] = placees
    if limit is not None and exchange != "NASDAQ":  # Nasdaq refuses a mandate limit (tested elsewhere)
        placing["mandate_limit"] = limit
    if capacity is not None and exchange == "ASX":
        placing["capacity"] = capacity
    data = mapping(issuer={"exchange": exchange}, placing=placing)
    if "shares_outstanding" in left_out:
        del data["placing"]["shares_outstanding"]
    for section in left_out - {"shares_outstanding"}:
        del data[section]
    data["stated"] = {"percent_of_existing_class": "1%", "discount_to_vwap_5d": "1%", "gross_proceeds": 100}
    checks = report_of(data)
    assert checks.rules
    assert all(r.status in STATUSES for r in checks.rules)
    assert len(checks.stated) == 3
    assert all(s.computed_text for s in checks.stated)
    assert len(checks.sentences) >= 5
    for rule in checks.rules:
        if rule.status == "not enough data":
            assert re.search(r"\b(placing|market|issuer)\.[a-z_0-9]+|\[\[market\.history\]\]", rule.detail), (
                rule
            )


def test_figure_with_too_many_decimals_is_a_mismatch_not_an_error() -> None:
    """A stated amount to 50 decimal places cannot be compared within 50 digits: a mismatch, not a traceback."""
    base = figures()
    # Built directly: a deal file refuses numbers below 1E-9 (parsers.MIN_MAGNITUDE).
    tiny = StatedFigure(Decimal("1.8E-49"), Decimal("1E-50"), "1.8E-49")
    deal = dataclasses.replace(base.deal, stated={"gross_proceeds": tiny})
    check = check_deal(dataclasses.replace(base, deal=deal)).stated[0]
    assert not check.matches
    assert "cannot be compared" in check.computed_text


def test_unknown_stated_key_is_a_mismatch_not_an_error() -> None:
    """A stated key the checks do not know (only reachable by building a Deal directly) is a mismatch."""
    base = figures()
    deal = dataclasses.replace(base.deal, stated={"ebitda": parse_published("1", kind="amount")})
    check = check_deal(dataclasses.replace(base, deal=deal)).stated[0]
    assert not check.matches
    assert "cannot be computed" in check.computed_text
