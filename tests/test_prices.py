"""Tests for xl_placement.prices: discounts, averages, VWAP and the HKEX benchmarked price."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xl_placement.errors import CalculationError
from xl_placement.money import round_half_up
from xl_placement.prices import (
    Close,
    average_close,
    benchmark_window,
    benchmarked_price,
    discount,
    vwap,
)

D = Decimal


def percent(fraction: Decimal, places: int) -> Decimal:
    """A fraction as a percentage rounded half up, the way an announcement prints it."""
    return round_half_up(fraction * 100, places)


@pytest.mark.parametrize(
    ("reference", "published"),
    [(2.09, "8.6"), (2.021, "5.5"), (2.049, "6.8")],
)
def test_demo_discounts_match_the_announcement(reference, published):
    """HK$1.91 is 8.6% below the last close, 5.5% below the 5-day and 6.8% below the 30-day average (domain.md)."""
    assert percent(discount(1.91, reference), 1) == D(published)


def test_demo_discount_to_last_close_at_two_decimals():
    """The demo discount to the last close is 8.61% at two decimals (issue 2)."""
    assert percent(discount(1.91, 2.09), 2) == D("8.61")


def test_five_day_average_of_2_02_would_not_give_the_published_figure():
    """The rounded average HK$2.02 gives 5.4%, so the unrounded 2.021 is needed (domain.md)."""
    assert percent(discount(1.91, 2.02), 1) == D("5.4")


@pytest.mark.parametrize(
    ("reference", "published"),
    [(363.60, "7.8"), (382.2, "12.3"), (380.1, "11.8")],
)
def test_byd_discounts_match_the_announcement(reference, published):
    """BYD's HK$335.20 is 7.8% / 12.3% / 11.8% below its last close, 5-day and 10-day averages."""
    assert percent(discount(335.20, reference), 1) == D(published)


def test_premium_is_a_negative_discount():
    """Price 6.41 against a 10-day average of 6.34 is a 1.1% premium: a discount of -1.1%."""
    assert percent(discount(6.41, 6.34), 1) == D("-1.1")


def test_discount_is_exact_decimal_arithmetic():
    """The discount equals 1 - 191/209 to 40 digits (checked with exact fractions)."""
    exact = 1 - Fraction(191, 209)
    assert abs(Fraction(discount(1.91, 2.09)) - exact) < Fraction(1, 10**40)


prices = st.decimals(min_value=D("0.001"), max_value=D(100000), places=3)


@given(price=prices, reference=prices)
def test_discount_and_premium_are_one_formula_with_a_sign(price, reference):
    """Property: discount = (reference - price) / reference; positive below, negative above, zero at par."""
    result = discount(price, reference)
    assert abs(Fraction(result) - Fraction(reference - price) / Fraction(reference)) < Fraction(1, 10**40)
    assert (result > 0) == (price < reference)
    assert (result < 0) == (price > reference)
    mirror = 2 * reference - price  # as far above the reference as price is below it
    if mirror >= 0:
        assert abs(discount(mirror, reference) + result) < D("1e-40")


@pytest.mark.parametrize(
    ("price", "reference", "message"),
    [
        (1.91, 0, "reference price must be positive"),
        (1.91, -2.09, "reference price must be positive"),
        (-1.91, 2.09, "price must be zero or positive"),
        (1.91, float("nan"), "reference must be a finite number"),
        (float("inf"), 2.09, "price must be a finite number"),
    ],
)
def test_discount_refuses_impossible_prices(price, reference, message):
    """A zero, negative or non-finite price or reference raises a CalculationError naming it."""
    with pytest.raises(CalculationError, match=message):
        discount(price, reference)


def test_average_close_is_the_simple_average_of_the_last_n():
    """average_close(closes, 3) is the plain mean of the last three closes, not a VWAP."""
    closes = [9, 2.0, 2.1, 2.3]
    assert abs(Fraction(average_close(closes, 3)) - Fraction(64, 30)) < Fraction(1, 10**40)
    assert average_close([2, 4]) == 3


@pytest.mark.parametrize(
    ("closes", "days", "message"),
    [
        ([], 5, "need at least one value"),
        ([1, 2], 5, "5 days asked but only 2 given"),
        ([1, 2], 0, "days must be a whole number of at least 1"),
        ([1, 0], 2, "every price must be positive"),
        ([1, -2], None, "every price must be positive"),
    ],
)
def test_average_close_refuses_bad_windows(closes, days, message):
    """Too few closes, a zero window or a non-positive close raise a CalculationError saying so."""
    with pytest.raises(CalculationError, match=message):
        average_close(closes, days)


def test_vwap_weights_by_volume():
    """VWAP of 10 x 100 and 11 x 300 is 4,300 / 400 = 10.75 (turnover over volume)."""
    assert vwap([10, 11], [100, 300]) == D("10.75")


def test_vwap_over_the_last_n_days_ignores_older_days():
    """A 2-day VWAP uses only the last two days' prices and volumes."""
    assert vwap([50, 10, 11], [10**9, 100, 300], 2) == D("10.75")


def test_vwap_differs_from_the_simple_average():
    """With uneven volumes the VWAP (10.75) is not the simple average (10.5): the two are not confused."""
    assert vwap([10, 11], [100, 300]) != average_close([10, 11])


@pytest.mark.parametrize(
    ("prices_", "volumes", "message"),
    [
        ([10, 11], [100], "same length"),
        ([10, 11], [100, -1], "volumes must be zero or positive"),
        ([10, 11], [0, 0], "volumes add up to zero"),
        ([10, 11], [0, float("nan")], "volumes must be a finite number"),
    ],
)
def test_vwap_refuses_bad_volumes(prices_, volumes, message):
    """Mismatched lengths, negative, NaN or all-zero volumes raise a CalculationError saying so."""
    with pytest.raises(CalculationError, match=message):
        vwap(prices_, volumes)


def test_benchmarked_price_takes_the_higher_of_close_and_5_day_average():
    """Rule 13.36(5): the higher of the agreement-date close and the 5-day average before it."""
    assert benchmarked_price(9.5, [10.4, 10.5, 10.6, 10.7, 10.8]) == D("10.6")
    assert benchmarked_price(11, [10.4, 10.5, 10.6, 10.7, 10.8]) == 11


def test_benchmarked_price_averages_only_the_last_five():
    """Closes older than the five before the key date do not count."""
    assert benchmarked_price(1, [100, 10.4, 10.5, 10.6, 10.7, 10.8]) == D("10.6")


def test_benchmarked_price_refuses_a_bad_agreement_close():
    """A zero agreement-date close raises a CalculationError naming agreement_close."""
    with pytest.raises(CalculationError, match="agreement_close must be positive"):
        benchmarked_price(0, [1, 1, 1, 1, 1])


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# Hong Kong trading days around 1 July 2025 (a Tuesday and a public holiday),
# with a weekend on 28-29 June and 5-6 July. Closes are distinct so a wrong
# window cannot give the right average by chance.
HISTORY = [
    Close(day(d), D(c))
    for d, c in [
        ("2025-06-23", "10.0"),
        ("2025-06-24", "10.1"),
        ("2025-06-25", "10.2"),
        ("2025-06-26", "10.3"),
        ("2025-06-27", "10.4"),  # Friday
        ("2025-06-30", "10.5"),  # Monday
        ("2025-07-02", "10.6"),  # Wednesday, after the holiday
        ("2025-07-03", "10.7"),
        ("2025-07-04", "10.8"),  # Friday
        ("2025-07-07", "9.0"),  # Monday
        ("2025-07-08", "9.5"),  # Tuesday
    ]
]


def test_window_uses_the_five_trading_days_before_the_earliest_key_date():
    """Price fixed on Mon 7 July, agreement Tue 8 July: the 5 days before 7 July, skipping the weekend and 1 July."""
    window = benchmark_window(
        HISTORY,
        agreement_date=day("2025-07-08"),
        announcement_date=day("2025-07-09"),
        price_fixing_date=day("2025-07-07"),
    )
    assert window.earliest_date == day("2025-07-07")
    assert [c.date.isoformat() for c in window.prior] == [
        "2025-06-27",
        "2025-06-30",
        "2025-07-02",
        "2025-07-03",
        "2025-07-04",
    ]
    assert window.agreement_close.date == day("2025-07-08")
    assert window.agreement_close.close == D("9.5")
    assert window.price == D("10.6")  # (10.4 + 10.5 + 10.6 + 10.7 + 10.8) / 5 beats 9.5


def test_window_when_the_agreement_date_is_the_earliest():
    """With no earlier date the 5 days before the agreement date count, including the Monday."""
    window = benchmark_window(HISTORY, agreement_date=day("2025-07-08"), announcement_date=day("2025-07-08"))
    assert window.earliest_date == day("2025-07-08")
    assert [c.close for c in window.prior] == [D("10.5"), D("10.6"), D("10.7"), D("10.8"), D("9.0")]
    assert window.price == D("10.32")


def test_window_takes_the_announcement_date_when_it_is_earliest():
    """An announcement on Thu 3 July, before a 8 July agreement, moves the window to 25 June - 2 July."""
    window = benchmark_window(HISTORY, day("2025-07-08"), announcement_date=day("2025-07-03"))
    assert [c.date.isoformat() for c in window.prior] == [
        "2025-06-25",
        "2025-06-26",
        "2025-06-27",
        "2025-06-30",
        "2025-07-02",
    ]


def test_window_does_not_depend_on_the_order_of_the_history():
    """The same closes in reverse order choose the same window."""
    forward = benchmark_window(HISTORY, day("2025-07-08"), price_fixing_date=day("2025-07-07"))
    backward = benchmark_window(HISTORY[::-1], day("2025-07-08"), price_fixing_date=day("2025-07-07"))
    assert forward == backward


def test_window_needs_a_close_on_the_agreement_date():
    """An agreement on the 1 July holiday has no close: the error names the date and the fix."""
    with pytest.raises(
        CalculationError, match=r"no close on the agreement date 2025-07-01.*market\.last_close"
    ):
        benchmark_window(HISTORY, day("2025-07-01"))


def test_window_needs_five_days_before_the_earliest_date():
    """Only 4 trading days precede 27 June: the error says how many there are and what is needed."""
    with pytest.raises(CalculationError, match="has 4 trading days before 2025-06-27"):
        benchmark_window(HISTORY, day("2025-06-27"))
