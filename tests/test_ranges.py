"""Large ranges in the Excel functions: the fast exact path gives what the cell-by-cell core path gives.

The oracle is the same function with the fast path switched off (``ranges.MIN_CELLS``
raised above the range's size), which reads every cell through the core as before,
and, for the conversion itself, Python's correctly rounded ``format(value, ".15g")``.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import placement
from xl_placement import excel, ranges
from xl_placement.money import allocate as core_allocate

SIZE = st.integers(min_value=ranges.MIN_CELLS, max_value=400)
TYPED = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**6), places=3).map(float)
ANY_FLOAT = st.floats(min_value=1e-12, max_value=9.9e13, allow_nan=False, allow_infinity=False)


def slow(function, *args):
    """The function's result with the fast path off (every cell read through the core)."""
    saved = ranges.MIN_CELLS
    ranges.MIN_CELLS = 10**9
    try:
        return function(*args)
    finally:
        ranges.MIN_CELLS = saved


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(ANY_FLOAT, TYPED, st.just(0.0)), min_size=1, max_size=200))
def test_each_float_reads_as_its_15_digit_decimal(values):
    """decimal_parts gives every float's correctly rounded 15-significant-digit decimal, as the core reads it."""
    parts = ranges.decimal_parts(values)
    assert parts is not None
    for value, k, s in zip(values, *parts, strict=True):
        assert Decimal(k).scaleb(-s) == Decimal(format(value, ".15g"))


def test_floats_whose_15th_digit_is_a_half_read_right():
    """Values on and next to a rounding half at the 15th digit (where float products are in doubt) read exactly."""
    halves = [float(f"1.{'0' * 13}{d}5") for d in range(10)] + [2.675, 0.5, 1.5e-5, 123456789.1234565]
    # Floats whose product with the power of ten rounds to the wrong side of the half:
    halves += [
        97676757393.33295,
        3045866726.448175,
        0.004930003469580875,
        87223503807821.55,
        45.90885277792395,
    ]
    halves += [0.0006381974237955915, 0.7206603401701595, 0.008035186923627854]
    values = [v for h in halves for v in (h, float.fromhex(h.hex()) * (1 + 2**-52), h * (1 - 2**-53))]
    parts = ranges.decimal_parts(values)
    assert parts is not None
    for value, k, s in zip(values, *parts, strict=True):
        assert Decimal(k).scaleb(-s) == Decimal(format(value, ".15g"))


@settings(max_examples=100, deadline=None)
@given(
    price=st.floats(min_value=0.01, max_value=1000),
    closes=st.lists(st.one_of(ANY_FLOAT, TYPED), min_size=ranges.MIN_CELLS, max_size=400),
    column=st.booleans(),
    days=st.none() | st.integers(min_value=1, max_value=ranges.MIN_CELLS),
)
def test_discount_over_a_large_range_equals_the_core_path(price, closes, column, days):
    """PLACEMENT_DISCOUNT on a large range of closes (row or column, any days) is bit-for-bit the core's result."""
    assume(min(closes) >= 1e-9)  # a smaller close is refused (parsers.MIN_MAGNITUDE), cell by cell
    reference = [[c] for c in closes] if column else closes
    fast = placement.PLACEMENT_DISCOUNT(price, reference, days)
    assert excel._fast_average(reference, days) is not None  # the fast path was taken
    assert fast == slow(placement.PLACEMENT_DISCOUNT, price, reference, days)


def _weights(draws: list[int], places: int, percentages: bool) -> list[float]:
    """Weights typed as a user would: fractions (or percentages) at ``places`` decimals, adding up to 100%."""
    total = sum(draws)
    fractions = [round(d / total, places) for d in draws]
    fractions[-1] = round(1 - sum(fractions[:-1]), places + 2)
    return [f * 100 for f in fractions] if percentages else fractions


@settings(max_examples=100, deadline=None)
@given(
    amount=st.integers(min_value=0, max_value=10**13),
    draws=st.lists(st.integers(min_value=0, max_value=1000), min_size=ranges.MIN_CELLS, max_size=300),
    places=st.integers(min_value=4, max_value=9),
    percentages=st.booleans(),
    decimals=st.integers(min_value=-2, max_value=4),
    labelled=st.booleans(),
)
def test_allocation_over_a_large_range_equals_the_core_path(
    amount, draws, places, percentages, decimals, labelled
):
    """ALLOCATE_PROCEEDS on a large range of weights (zeros, ties, percentages, labels) equals the core's result."""
    assume(sum(draws) > 0)
    weights = _weights(draws, places, percentages)
    assume(min(weights) >= 0)
    labels = [f"use {i}" for i in range(len(weights))] if labelled else None
    expected = slow(placement.ALLOCATE_PROCEEDS, float(amount), weights, labels, decimals)
    assume(not isinstance(expected, str))  # a total off 100% by rounding is the core's error to word
    assert excel._fast_allocation(Decimal(amount), weights, decimals) is not None  # the fast path was taken
    assert placement.ALLOCATE_PROCEEDS(float(amount), weights, labels, decimals) == expected


def test_equal_weights_give_extra_units_to_the_earlier_uses():
    """100 equal weights over an amount that does not divide: the leftover units go to the first uses (core rule)."""
    weights = [0.01] * 100
    fast = placement.ALLOCATE_PROCEEDS(1.23, weights, None, 2)
    assert fast == slow(placement.ALLOCATE_PROCEEDS, 1.23, weights, None, 2)
    assert [row[0] for row in fast[:24]] == [0.02] * 23 + [0.01]


@settings(max_examples=200, deadline=None)
@given(
    units=st.integers(min_value=0, max_value=2**60),
    weights=st.lists(st.integers(min_value=0, max_value=10**20), min_size=1, max_size=200),
)
def test_integer_allocation_equals_money_allocate(units, weights):
    """ranges.allocate gives money.allocate's parts for whole-number weights, below and above 2**53 units."""
    assume(sum(weights) > 0)
    amount = Decimal(units)
    fast = ranges.allocate(amount, weights, 0)
    assert fast is not None
    assert fast == [int(part) for part in core_allocate(amount, weights, 0)]


def test_ranges_it_cannot_read_exactly_go_cell_by_cell():
    """Blanks, text, negative numbers and values of 1e14 and above leave the range to the cell-by-cell path."""
    base = [1.0] * ranges.MIN_CELLS
    assert ranges.flat_floats([*base[:-1], None]) is None
    assert ranges.flat_floats([*base[:-1], "1.0"]) is None
    assert ranges.decimal_parts([*base[:-1], -1.0]) is None
    assert ranges.decimal_parts([*base[:-1], 1e14]) is None
    assert ranges.flat_floats(base[:-1]) is None  # too small to be worth it
