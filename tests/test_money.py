"""Tests for xl_placement.money: exact numbers, spreadsheet rounding, exact-sum allocation."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xl_placement.errors import CalculationError
from xl_placement.money import allocate, dec, round_half_up, to_minor_units

D = Decimal


def test_dec_keeps_the_decimal_text_of_a_float():
    """A float becomes the Decimal of its shortest text, so 1.91 stays exactly 1.91."""
    assert dec(1.91) == D("1.91")
    assert dec(0.1) + dec(0.2) == D("0.3")


def test_dec_passes_ints_and_decimals_through():
    """Ints and Decimals keep their exact value."""
    assert dec(40_424_038_000) == D(40_424_038_000)
    assert dec(D("2.021")) == D("2.021")


@pytest.mark.parametrize("bad", [True, "1.91", None, float("nan"), float("inf"), D("NaN"), D("-Infinity")])
def test_dec_refuses_non_numbers_and_non_finite_values(bad):
    """Text, bools, None, NaN and infinity raise a CalculationError naming the argument, not a decimal trap."""
    with pytest.raises(CalculationError, match=r"^price must be"):
        dec(bad, "price")


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (2.675, 2, "2.68"),  # Python's round() gives 2.67 (binary 2.67499...)
        (-2.5, 0, "-3"),  # halves go away from zero, like ROUND
        (2.5, 0, "3"),  # not banker's rounding (round(2.5) == 2)
        (0.125, 2, "0.13"),
        (-0.125, 2, "-0.13"),
        (1.005, 2, "1.01"),
        (1234.5, -1, "1230"),  # ROUND(1234.5, -1)
        (1235, -1, "1240"),  # ROUND(1235, -1)
        (3_247_000_000, -6, "3247000000"),
        (415.19935, 1, "415.2"),
    ],
)
def test_round_half_up_matches_a_spreadsheets_round(value, decimals, expected):
    """Halves round away from zero at any precision, as a spreadsheet's ROUND does."""
    assert round_half_up(value, decimals) == D(expected)


def test_python_round_differs_where_round_half_up_matters():
    """The reason for round_half_up: Python's round gives 2.67 and 2 where ROUND gives 2.68 and 3."""
    assert round(2.675, 2) == 2.67
    assert round(2.5) == 2
    assert round_half_up(2.675, 2) != D(str(round(2.675, 2)))


def test_round_half_up_reports_a_number_too_long_for_the_precision():
    """Rounding 1e60 to cents needs more digits than the context holds: a clear error, not a trap."""
    with pytest.raises(CalculationError, match="too many digits"):
        round_half_up(1e60, 2)


def test_to_minor_units_counts_cents():
    """An amount in minor units is a whole number of 10**-decimals, rounded half up."""
    assert to_minor_units(1.005, 2) == 101
    assert to_minor_units(3_247_000_000, -6) == 3247


def test_allocate_demo_uses_add_up_exactly():
    """The demo's 40/30/20/10 split of HK$3,247,000,000 gives whole dollars that add up exactly."""
    parts = allocate(3_247_000_000, [0.4, 0.3, 0.2, 0.1], 0)
    assert parts == [D(1_298_800_000), D(974_100_000), D(649_400_000), D(324_700_000)]
    assert sum(parts) == 3_247_000_000


def test_allocate_shows_the_alabama_paradox():
    """Weights 6/6/2: a total of 10 gives 4/4/2 but 11 gives 5/5/1 (domain.md's example)."""
    assert allocate(10, [6, 6, 2], 0) == [4, 4, 2]
    assert allocate(11, [6, 6, 2], 0) == [5, 5, 1]


def test_allocate_gives_ties_to_the_earlier_part():
    """Equal remainders go to the earlier weight: 100 in thirds is 34/33/33."""
    assert allocate(100, [1, 1, 1], 0) == [34, 33, 33]
    assert allocate(D("0.02"), [1, 1, 1], 2) == [D("0.01"), D("0.01"), D("0.00")]


def test_allocate_negative_total_mirrors_the_positive():
    """A negative total splits like the positive one, with the sign flipped."""
    assert allocate(-10, [6, 6, 2], 0) == [-4, -4, -2]


def test_allocate_at_negative_decimals_rounds_to_millions():
    """decimals=-6 allocates whole millions that still add up to the total rounded to millions."""
    parts = allocate(3_247_400_000, [1, 1, 1], -6)
    assert parts == [D(1_083_000_000), D(1_082_000_000), D(1_082_000_000)]
    assert sum(parts) == 3_247_000_000


def test_allocate_rounds_the_total_half_up_first():
    """The total is rounded half up to the precision before it is split."""
    assert sum(allocate(D("10.005"), [1, 2], 2)) == D("10.01")


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([], "need at least one weight"),
        ([1, -1], r"weights\[1\] = -1: must be zero or a positive number"),
        ([1, float("nan")], r"weights\[1\] = nan"),
        ([0, 0], "add up to zero"),
        ([1, "x"], r"weights\[1\] = x"),
    ],
)
def test_allocate_refuses_bad_weights(weights, message):
    """No weights, a negative, NaN or text weight, or all-zero weights raise a CalculationError naming them."""
    with pytest.raises(CalculationError, match=message):
        allocate(100, weights, 0)


weights_lists = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(any)
totals = st.integers(min_value=-(10**12), max_value=10**12)
places = st.integers(min_value=-3, max_value=4)


@given(total=totals, weights=weights_lists, decimals=places)
def test_allocation_adds_up_exactly_at_the_precision(total, weights, decimals):
    """Property: the parts add up exactly to the total rounded half up to the precision."""
    parts = allocate(total, weights, decimals)
    assert sum(parts) == round_half_up(total, decimals)
    step = D(1).scaleb(-decimals)
    assert all(part % step == 0 for part in parts)


@given(total=totals, weights=weights_lists, decimals=places)
def test_each_part_is_within_one_unit_of_its_quota(total, weights, decimals):
    """Property: each part differs from its exact quota (by Fraction arithmetic) by less than one unit."""
    parts = allocate(total, weights, decimals)
    rounded = Fraction(round_half_up(total, decimals))
    unit = Fraction(10) ** -decimals
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        quota = rounded * weight / weight_sum
        assert abs(Fraction(part) - quota) < unit


@given(total=totals, weights=weights_lists, decimals=places)
def test_zero_weight_gets_zero(total, weights, decimals):
    """Property: a zero weight gets exactly zero, wherever it stands."""
    parts = allocate(total, [0, *weights, 0], decimals)
    assert parts[0] == 0
    assert parts[-1] == 0


@given(total=totals, weights=weights_lists, decimals=places)
def test_negative_total_is_the_mirror_image(total, weights, decimals):
    """Property: allocating -total gives exactly the negated parts of total."""
    assert allocate(-total, weights, decimals) == [-p for p in allocate(total, weights, decimals)]


@given(
    weights=st.lists(
        st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=8,
    ).filter(any)
)
def test_fractional_weights_add_up_exactly(weights):
    """Property: decimal weights (shares like 0.4) still give parts that add up to the total."""
    assert sum(allocate(D("1000000.01"), weights, 2)) == D("1000000.01")
