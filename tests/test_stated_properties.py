"""Property tests: a figure written as an announcement writes it matches at its shown precision.

The oracle is ``fractions.Fraction``: the computed value is rounded to the shown step in
exact rational arithmetic (half up), independent of the Decimal code under test.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from deal_maps import mapping, report_of
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from xl_placement import fields
from xl_placement.published import parse_published
from xl_placement.stated import round_to

# unit as written -> its power of ten
UNITS = {"": 0, " thousand": 3, "k": 3, "m": 6, " million": 6, "bn": 9, " billion": 9}
PREFIXES = ("", "approximately ", "about ", "~", "approx. ")


def _half_up(value: Fraction, step: Fraction) -> Fraction:
    """``value`` rounded half up (away from zero on a tie) to a multiple of ``step``, exactly."""
    whole = math.floor(abs(value) / step + Fraction(1, 2))
    return (whole * step) if value >= 0 else -(whole * step)


def _shown(value: Fraction, places: int) -> str:
    """``value`` (a multiple of 10^-places) as an announcement prints it: 3,149.6."""
    return f"{Decimal(value.numerator) / Decimal(value.denominator):,.{places}f}"


@st.composite
def _amounts(draw: st.DrawFn) -> tuple[Decimal, str, int, int]:
    """A computed amount (to the cent), a unit as written, and the decimals shown in that unit."""
    unit = draw(st.sampled_from(sorted(UNITS)))
    power = UNITS[unit]
    places = draw(st.integers(min_value=0, max_value=3))
    step_power = power - places  # the shown step is 10^step_power currency units
    # At least a few steps, at most what 15 significant digits hold.
    cents = draw(st.integers(min_value=10 ** max(step_power + 3, 0), max_value=10**14))
    return Decimal(cents).scaleb(-2), unit, places, step_power


@settings(max_examples=300, deadline=None)
@given(amount=_amounts(), prefix=st.sampled_from(PREFIXES), symbol=st.sampled_from(("", "HK$", "HKD ")))
@example(amount=(Decimal("3247000000.00"), "bn", 2, 7), prefix="", symbol="HK$")  # SenseTime's HK$3.25bn
@example(amount=(Decimal("3149500000.00"), "m", 0, 6), prefix="", symbol="HK$")  # a half rounds up
def test_any_rounding_of_an_amount_matches_and_one_step_away_differs(
    amount: tuple[Decimal, str, int, int], prefix: str, symbol: str
) -> None:
    """For any computed amount and any rounding of it to k shown digits in any unit, the announcement
    form matches it; the same form one shown step higher or lower differs."""
    computed, unit, places, step_power = amount
    step = Fraction(10) ** step_power
    rounded = _half_up(Fraction(computed), step)
    scale = Fraction(10) ** UNITS[unit]
    for offset, should_match in ((0, True), (1, False), (-1, False)):
        value = rounded + offset * step
        if value <= 0:
            continue
        text = f"{prefix}{symbol}{_shown(value / scale, places)}{unit}"
        digits = len(_shown(value / scale, places).replace(",", "").replace(".", "").strip("0"))
        if digits > fields.MAX_SIGNIFICANT:  # more than Excel holds exactly: refused, saying so
            with pytest.raises(fields.Invalid, match="significant digits"):
                parse_published(text, kind="amount", currency="HKD")
            continue
        figure = parse_published(text, kind="amount", currency="HKD")
        if not (prefix or symbol or unit):
            # Digits alone are a bare number: exact, to the cent (or finer when shown), not to the step.
            assert Fraction(figure.quantum) == min(step, Fraction(1, 100))
            assert (computed == figure.value) is (computed == value), (text, computed)
            continue
        assert Fraction(figure.quantum) == step
        assert (round_to(computed, figure.quantum) == figure.value) is should_match, (text, computed)


@settings(max_examples=300, deadline=None)
@given(
    computed=st.decimals(min_value=Decimal("-0.5"), max_value=Decimal("0.9999"), places=8),
    places=st.integers(min_value=0, max_value=3),
    prefix=st.sampled_from(PREFIXES),
    suffix=st.sampled_from(("%", " per cent", " percent")),
)
@example(computed=Decimal("0.08612440"), places=1, prefix="approximately ", suffix="%")  # SenseTime's 8.6%
@example(computed=Decimal("0.08625"), places=2, prefix="", suffix="%")  # 8.625% rounds up to 8.63%
def test_any_rounding_of_a_percentage_matches_and_one_step_away_differs(
    computed: Decimal, places: int, prefix: str, suffix: str
) -> None:
    """For any computed rate and any rounding of it to k decimals of a percent, the form matches; one
    step (10^-k percentage points) away differs."""
    step = Fraction(1, 100) * Fraction(10) ** -places
    rounded = _half_up(Fraction(computed), step)
    for offset, should_match in ((0, True), (1, False), (-1, False)):
        value = (rounded + offset * step) * 100
        sign = "-" if value < 0 else ""
        text = f"{prefix}{sign}{_shown(abs(value), places)}{suffix}"
        figure = parse_published(text, kind="percent")
        assert Fraction(figure.quantum) == step
        assert (round_to(computed, figure.quantum) == figure.value) is should_match, (text, computed)


@settings(max_examples=60, deadline=None)
@given(
    new_shares=st.integers(min_value=1_000, max_value=5_000_000_000),
    price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=3),
    unit=st.sampled_from(("m", "bn")),
    places=st.integers(min_value=0, max_value=2),
)
def test_gross_proceeds_as_published_match_through_the_deal_file(
    new_shares: int, price: Decimal, unit: str, places: int
) -> None:
    """End to end: gross proceeds written "HK$<rounded>m/bn" in [stated] match the deal's computed gross,
    and the same text one shown step higher differs."""
    gross = Fraction(new_shares) * Fraction(price)
    scale = Fraction(10) ** (6 if unit == "m" else 9)
    step = scale * Fraction(10) ** -places
    rounded = _half_up(gross, step)
    assume(rounded > 0)
    for offset, should_match in ((0, True), (1, False)):
        value = rounded + offset * step
        data = mapping(placing={"new_shares": new_shares, "price": str(price), "shares_outstanding": 10**12})
        data["stated"] = {"gross_proceeds": f"HK${_shown(value / scale, places)}{unit}"}
        check = report_of(data).stated[0]
        assert check.matches is should_match, (data["stated"], gross)
