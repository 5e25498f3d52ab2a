"""Closes are ordered by their dates, never by position (issue 25, item 9).

BENCHMARKED_PRICE and PLACEMENT_DISCOUNT average the latest closes. Given closes
newest first, the position says "latest" of the wrong five: with ``dates`` the closes
are ordered by date, whatever their order on the sheet. Dates arrive as dates through
the classic add-in (tests/xlwings_windows.py: xlwings' own reader) and as Excel serial
numbers through xlwings Lite. Expected values are fraction arithmetic on the closes.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from xlwings_windows import ComRange, windows_xlwings

import placement

# Ten trading days, newest first as a data feed often lists them: the latest five closes
# average 2.02, the five before them 4.83.
DAYS = [dt.datetime(2025, 10, 16) - dt.timedelta(days=n) for n in (0, 1, 2, 3, 6, 7, 8, 9, 10, 13)]
CLOSES = [2.00, 2.01, 2.03, 2.02, 2.04, 4.80, 4.82, 4.83, 4.85, 4.85]
LATEST_FIVE = sum(map(Fraction, ["2.00", "2.01", "2.03", "2.02", "2.04"])) / 5  # 2.02
EARLIER_FIVE = sum(map(Fraction, ["4.80", "4.82", "4.83", "4.85", "4.85"])) / 5  # 4.83


def serial(day: dt.datetime) -> float:
    """The date as xlwings Lite hands it over: Excel's serial number (1900 date system)."""
    return float((day.date() - dt.date(1899, 12, 30)).days)


@pytest.fixture(scope="module")
def xl():
    """xlwings' Windows UDF machinery with the placement functions registered."""
    with windows_xlwings() as machinery:
        yield machinery


def column(values):
    return ComRange(tuple((value,) for value in values))


def test_newest_first_without_dates_averages_by_position_as_documented():
    """Without dates the closes are read oldest first (documented): newest-first closes give the earlier five's 4.83."""
    assert placement.BENCHMARKED_PRICE(1.9, CLOSES) == float(EARLIER_FIVE)


def test_dates_order_the_closes_in_the_classic_add_in(xl):
    """With their dates (datetimes, as COM and xlwings hand them over), the latest five by date are averaged: 2.02."""
    assert xl.call("BENCHMARKED_PRICE", 1.9, column(CLOSES), column(DAYS)) == [[float(LATEST_FIVE)]]
    expected = float(1 - Fraction("1.91") / LATEST_FIVE)
    assert xl.call("PLACEMENT_DISCOUNT", 1.91, column(CLOSES), 5.0, column(DAYS)) == [[expected]]


def test_dates_as_serial_numbers_order_the_closes_as_in_xlwings_lite():
    """Dates as Excel serial numbers (how xlwings Lite passes a date cell), in any order, give the same 2.02."""
    shuffled = [3, 7, 0, 9, 1, 5, 8, 2, 6, 4]
    closes = [[CLOSES[i]] for i in shuffled]
    dates = [[serial(DAYS[i])] for i in shuffled]
    assert placement.BENCHMARKED_PRICE(1.9, closes, dates) == float(LATEST_FIVE)
    assert placement.BENCHMARKED_PRICE(
        1.9, closes, [[DAYS[i].date().isoformat()] for i in shuffled]
    ) == float(LATEST_FIVE)


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ([*DAYS[:9], DAYS[0]], "#VALUE! dates (cells 1 and 10) are both 2025-10-16; give one close per day"),
        ([*DAYS[:9], None], "#VALUE! dates (cell 10) is blank; give the date of each close"),
        ([*DAYS[:9], "soon"], "#VALUE! dates (cell 10) must be a date in the form YYYY-MM-DD, got 'soon'"),
        (DAYS[:9], "#VALUE! dates has 9 cell(s) but prior_closes has 10; select one date per close"),
        ([*DAYS[:9], 45000.5], "#VALUE! dates (cell 10) must be a date, got 45000.5"),
        ([*DAYS[:9], float("nan")], "#VALUE! dates (cell 10) must be a date, got nan"),
    ],
    ids=["duplicate", "blank", "text", "fewer", "fraction", "nan"],
)
def test_dates_that_cannot_order_the_closes_are_refused(dates, message):
    """Two closes on one day, a close without a date or a date that is not one: refused naming the cell."""
    assert placement.BENCHMARKED_PRICE(1.9, CLOSES, dates) == message


def test_a_date_without_a_close_is_refused():
    """A date whose close is blank would silently skip a trading day: refused naming the close."""
    closes = [*CLOSES[:9], None]
    assert placement.BENCHMARKED_PRICE(1.9, closes, DAYS) == (
        "#VALUE! prior_closes (cell 10) is blank but its date is given; give the close or clear the date"
    )
