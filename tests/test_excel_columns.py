"""Whole-column references (=VWAP(A:A, B:B)) through xlwings' own UDF call path, COM stubbed.

A whole column is 1,048,576 cells, nearly all empty. The functions drop the empty tail
before any per-cell work, so the call costs what the filled cells cost, on top of
xlwings' own reading of the range (which the functions cannot avoid), and gives exactly
what the filled cells give. Expected values are fraction arithmetic on the filled cells.
"""

from __future__ import annotations

import time
from fractions import Fraction

import pytest
from xlwings_windows import ComRange, read_range, windows_xlwings

ROWS = 1_048_576  # Excel's rows: A:A
LONG = 5_000  # rows of the long ranges that check the results (the tail is dropped from 64 cells on)
CLOSES = [2.00, 2.01, 2.03, 2.02, 2.045, 2.09]
VOLUMES = [151e6, 120e6, 98e6, 133e6, 210e6, 75e6]


@pytest.fixture(scope="module")
def xl():
    """xlwings' Windows UDF machinery with the placement functions registered."""
    with windows_xlwings() as machinery:
        yield machinery


def whole_column(*values, rows=ROWS):
    """Column A:A as COM gives it: the values at the top, then empty cells to row 1,048,576."""
    return ComRange(tuple((value,) for value in values) + ((None,),) * (rows - len(values)))


def long_column(*values):
    """A column of 5,000 rows, the values at the top."""
    return whole_column(*values, rows=LONG)


def test_long_columns_give_what_their_filled_cells_give(xl):
    """VWAP, PLACEMENT_DISCOUNT, BENCHMARKED_PRICE and ALLOCATE_PROCEEDS over long columns equal the fraction arithmetic of the filled cells."""
    turnover = sum(Fraction(p) * Fraction(v) for p, v in zip(CLOSES, VOLUMES, strict=True))
    vwap = turnover / sum(Fraction(v) for v in VOLUMES)
    assert xl.call("VWAP", long_column(*CLOSES), long_column(*VOLUMES)) == [[float(vwap)]]
    last5 = sum(Fraction(str(c)) for c in CLOSES[-5:]) / 5
    assert xl.call("PLACEMENT_DISCOUNT", 1.91, long_column(*CLOSES), 5.0) == [
        [float(1 - Fraction("1.91") / last5)]
    ]
    assert xl.call("BENCHMARKED_PRICE", 2.0, long_column(*CLOSES)) == [[float(last5)]]
    result = xl.call(
        "ALLOCATE_PROCEEDS", 100.0, long_column(0.5, 0.3, None, 0.2), long_column("a", "b", "c", "d")
    )
    assert result == [["a", 50.0], ["b", 30.0], ["c", ""], ["d", 20.0]]
    result = xl.call("ALLOCATE_PROCEEDS", 100.0, long_column(0.5, 0.3, 0.2), long_column("a", "b"))
    assert result == [["a", 50.0], ["b", 30.0], ["", 20.0]]  # a blank label beyond the last one given


def test_long_columns_keep_their_size_for_the_checks(xl):
    """A 5,000-row column against B1:B6 is still two ranges of different sizes; a price without a volume is still named."""
    result = xl.call("VWAP", long_column(*CLOSES), ComRange(tuple((v,) for v in VOLUMES)))
    assert result == [
        [f"#VALUE! prices has {LONG} cell(s) but volumes has 6; select ranges of the same size"]
    ]
    result = xl.call("VWAP", long_column(*CLOSES), long_column(*VOLUMES[:-1]))
    assert result == [["#VALUE! volumes (cell 6) is blank; give a value"]]
    result = xl.call("PLACEMENT_DISCOUNT", long_column(1.91), 2.09)
    assert result == [[f"#VALUE! price must be a single cell, got a range of {LONG} rows x 1 column"]]


def test_a_whole_column_costs_what_its_filled_cells_cost(xl):
    """=VWAP(A:A, B:B) through xlwings' call path takes a fraction of a second of processor time (it took 1.7 to 2.6 s).

    The arguments' reader drops the empty tail before xlwings cleans each cell, and the
    function sees only the filled rows; only building the COM values is left out.
    """
    prices, volumes = whole_column(*CLOSES), whole_column(*VOLUMES)
    start = time.process_time()
    result = xl.call("VWAP", prices, volumes)
    spent = time.process_time() - start
    turnover = sum(Fraction(p) * Fraction(v) for p, v in zip(CLOSES, VOLUMES, strict=True))
    assert result == [[float(turnover / sum(Fraction(v) for v in VOLUMES))]]
    # Generous: the call takes about 0.04 s; cleaning and passing over every empty cell took 1.7 s
    # or more on the same machine.
    assert spent < 0.5, spent


def test_the_reader_keeps_the_whole_columns_size(xl):
    """What xlwings' reader hands the function for A:A is the filled rows, remembering the column's 1,048,576 rows."""
    options = xl.module.VWAP.__xlfunc__["args"][0]["options"]
    value = read_range(whole_column(*CLOSES), xl.engine, **options)
    assert value == [[close] for close in CLOSES]
    assert value.shape == (ROWS, 1)
    assert xl.call("VWAP", whole_column(*CLOSES), ComRange(tuple((v,) for v in VOLUMES)))[0][0].startswith(
        f"#VALUE! prices has {ROWS} cell(s) but volumes has 6"
    )
