"""Excel functions fed what a hostile or careless sheet can hand them: never a traceback, always a cell value.

xlwings 0.37.8 passes an error cell (#N/A, #DIV/0!) as its text because every argument
is read with ``err_to_str=True``; with that option off it would arrive as None, and a
raw COM error code is an int. A date-formatted cell arrives as a datetime. Ranges arrive
as lists, or lists of lists, which may be ragged when a caller builds them by hand.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import placement
from xl_placement import excel

FUNCTIONS = excel.FUNCTIONS
EXCEL_ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"]
COM_ERROR_CODES = [-2146826281, -2146826246, -2146826259, -2146826288, -2146826252, -2146826265, -2146826273]
MAX_MESSAGE = 255  # characters: the classic add-in turns an array holding a longer text into #VALUE!
ERROR_TEXTS = set(EXCEL_ERRORS) | {"#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"}

_cell = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(COM_ERROR_CODES),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-320, 1e308, 5e-324, 1.91, 2.09, 1.7e9, 4.0424038e10]),
    st.text(max_size=12),
    st.sampled_from(["x" * 300, "\U0001f600" * 300]),
    st.sampled_from(EXCEL_ERRORS),
    st.sampled_from(["", " ", "8.6%", "1,700,000,000", "HKEX", "sgx", "enlarged", "general", "=1+1", "\x00"]),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)
_argument = st.one_of(
    _cell,
    st.lists(_cell, max_size=8),
    st.lists(st.lists(_cell, max_size=4), max_size=5),  # ragged blocks, empty rows, []
    st.tuples(_cell, _cell),
)


def _check_result(name: str, result: object) -> None:
    """A cell value: a finite number, a rectangular table of numbers and text, or one '#VALUE! ...' line."""
    if isinstance(result, str) and result in ERROR_TEXTS:
        return  # an error value among the arguments, given back as itself
    if isinstance(result, str):
        assert result.startswith("#VALUE! "), result
        assert "\n" not in result
        assert "\r" not in result
        assert "Traceback" not in result
        assert "failed unexpectedly" not in result, result
        assert len(result) <= MAX_MESSAGE
    elif isinstance(result, list):
        assert result
        assert all(isinstance(row, list) and row for row in result), result
        assert len({len(row) for row in result}) == 1, f"{name} returned a ragged table"
        for value in (v for row in result for v in row):
            assert isinstance(value, str) or (isinstance(value, float) and math.isfinite(value)), value
            assert not isinstance(value, str) or len(value) <= MAX_MESSAGE, value
    else:
        assert isinstance(result, float), (name, result)
        assert math.isfinite(result), (name, result)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FUNCTIONS), args=st.lists(_argument, min_size=14, max_size=14))
def test_any_excel_shaped_input_gives_a_cell_value(name, args):
    """Property: every function, fed any mix of blanks, errors, text, dates, bools and ragged ranges, returns a cell value."""
    function = getattr(placement, name)
    _check_result(name, function(*args[: len(inspect.signature(function).parameters)]))


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("error", [None, "#N/A", -2146826246])
def test_an_error_in_every_argument_position_is_named(name, error):
    """A blank required argument gives one line naming it; an #N/A in any argument ("#N/A" or its COM code) gives #N/A."""
    function = getattr(placement, name)
    parameters = list(inspect.signature(function).parameters)
    good = {
        "PLACEMENT_DISCOUNT": ["1.91", 2.09, None, None],
        "DILUTION": [1.7e9, 4.0424038e10, None],
        "ALLOCATE_PROCEEDS": [100.0, [[0.6], [0.4]], None, None],
        "PLACEMENT_PROCEEDS": [1.7e9, 1.91, None, None, None],
        "BENCHMARKED_PRICE": [2.09, [2.0, 2.01, 2.02, 2.03, 2.04], None],
        "THEORETICAL_DILUTION": [2.09, 4.0424038e10, 1.7e9, 1.91],
        "VWAP": [[2.0, 2.1], [100.0, 300.0]],
        "PLACEMENT_CHECK": ["HKEX", 1.91, 1.7e9, 4.0424038e10, 2.09] + [None] * (len(parameters) - 5),
    }[name]
    assert len(good) == len(parameters)
    _check_result(name, function(*good))
    for index, parameter in enumerate(parameters):
        args = list(good)
        args[index] = error
        result = function(*args)
        if error is None and good[index] is None:
            continue  # an optional argument left blank is allowed
        _check_result(name, result)
        if error is not None:
            assert result == "#N/A", (name, parameter, result)
        elif isinstance(result, str):
            assert parameter in result, (parameter, result)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda cells: placement.PLACEMENT_DISCOUNT(1.91, cells), float),
        (lambda cells: placement.VWAP(cells, cells), float),
        (lambda cells: placement.ALLOCATE_PROCEEDS(1e9, cells), str),  # 100,000 weights of 2: not 100%
    ],
)
def test_huge_ranges_are_answered(call, expected):
    """A whole column of 100,000 cells gives its value or a one-line message (its speed: make bench)."""
    cells = [[2.0]] * 100_000
    result = call(cells)
    assert isinstance(result, expected)
    _check_result("huge", result)


def test_a_value_shown_in_a_message_is_short_even_when_escaped():
    """300 emoji in a count are shown escaped and shortened, so the message stays a short line."""
    result = placement.DILUTION("\U0001f600" * 300, 100.0)
    assert result.startswith("#VALUE! new_shares must be a number, got '\\U0001f600")
    assert len(result) < 120


@pytest.mark.parametrize("tiny", [1e-12, 5e-324])
def test_a_tiny_value_in_a_large_range_is_refused_like_in_a_small_one(tiny):
    """A close or weight below 1E-9 in a 1,000-cell range gives the cell-by-cell message, not a fast-path number."""
    closes = [2.0] * 999 + [tiny]
    assert placement.PLACEMENT_DISCOUNT(1.91, closes).startswith(
        "#VALUE! reference (cell 1000) is below 0.000000001"
    )
    weights = [0.001] * 999 + [tiny]
    assert placement.ALLOCATE_PROCEEDS(100.0, weights).startswith(
        "#VALUE! weights (cell 1000) is below 0.000000001"
    )
