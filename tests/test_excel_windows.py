"""The Excel functions given what Excel really passes: xlwings' own call path and converters, COM stubbed.

Every call here goes through ``xlwings.udfs.call_udf`` (what a recalculation in Excel
runs), whose arguments pass xlwings' reader pipeline with the options the functions
declare (``ndim=2``, ``err_to_str``) and the Windows engine's value cleaning, and whose
result passes xlwings' writer (tests/xlwings_windows.py). A range is handed over as
COM gives it: a tuple of row tuples, error cells as COM error codes, dates as datetimes.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xlwings_windows import COM_ERRORS, ComRange, windows_xlwings


@pytest.fixture(scope="module")
def xl():
    """xlwings' Windows UDF machinery with the placement functions registered."""
    with windows_xlwings() as machinery:
        yield machinery


def row(*values):
    """A one-row range as COM gives it."""
    return ComRange((tuple(values),))


def column(*values):
    """A one-column range as COM gives it."""
    return ComRange(tuple((value,) for value in values))


def block(rows):
    """A block of cells as COM gives it."""
    return ComRange(tuple(tuple(r) for r in rows))


def message(result):
    """The one cell a message fills (xlwings' writer hands every result back as rows)."""
    text = cell_text(result)
    assert text.startswith("#VALUE! "), text
    return text


def cell_text(result):
    """The one text a result fills a cell with."""
    assert isinstance(result, list), result
    [[text]] = result
    assert isinstance(text, str), text
    return text


# --- Shapes -------------------------------------------------------------------------------


def test_a_row_of_weights_spills_a_row(xl):
    """=ALLOCATE_PROCEEDS(100, B1:E1) with weights in a row spills one row of amounts, not a column."""
    assert xl.call("ALLOCATE_PROCEEDS", 100.0, row(0.4, 0.3, 0.2, 0.1)) == [[40.0, 30.0, 20.0, 10.0]]


def test_a_column_of_weights_spills_a_column(xl):
    """Weights in a column spill one amount per row."""
    assert xl.call("ALLOCATE_PROCEEDS", 100.0, column(0.4, 0.3, 0.2, 0.1)) == [[40.0], [30.0], [20.0], [10.0]]


def test_labels_follow_the_weights_orientation(xl):
    """With labels, a row of weights gives labels over amounts; a column gives label beside amount."""
    names = ("SenseCore", "Research", "Vertical", "Working capital")
    amounts = [1_298_800_000.0, 974_100_000.0, 649_400_000.0, 324_700_000.0]
    across = xl.call("ALLOCATE_PROCEEDS", 3_247_000_000.0, row(0.4, 0.3, 0.2, 0.1), row(*names))
    assert across == [list(names), amounts]
    down = xl.call("ALLOCATE_PROCEEDS", 3_247_000_000.0, column(0.4, 0.3, 0.2, 0.1), column(*names))
    assert down == [[name, amount] for name, amount in zip(names, amounts, strict=True)]


def test_a_one_cell_weight_is_a_one_cell_result(xl):
    """A single weight of 100% (one cell, which COM gives as a scalar) allocates everything to it."""
    assert xl.call("ALLOCATE_PROCEEDS", 5.0, ComRange(1.0)) == [[5.0]]


def test_a_whole_column_stops_at_the_last_weight(xl):
    """A column with blanks after the weights (=ALLOCATE_PROCEEDS(100, B:B) on a short table) spills no blank tail."""
    weights = (0.5, None, 0.5) + (None,) * 997
    assert xl.call("ALLOCATE_PROCEEDS", 100.0, column(*weights)) == [[50.0], [""], [50.0]]


@pytest.mark.parametrize(
    ("name", "args", "argument"),
    [
        ("PLACEMENT_DISCOUNT", [1.91, "BLOCK"], "reference"),
        ("BENCHMARKED_PRICE", [2.09, "BLOCK"], "prior_closes"),
        ("ALLOCATE_PROCEEDS", [100.0, "BLOCK"], "weights"),
        ("VWAP", ["BLOCK", "BLOCK"], "prices"),
    ],
)
def test_a_block_where_a_list_is_expected_is_refused(xl, name, args, argument):
    """Closes beside volumes (5 rows x 2 columns) are not read as one list: the cell names the argument and the shape."""
    closes_and_volumes = block([[2.0, 151e6], [2.01, 120e6], [2.03, 98e6], [2.02, 133e6], [2.09, 210e6]])
    args = [closes_and_volumes if a == "BLOCK" else a for a in args]
    assert message(xl.call(name, *args)) == (
        f"#VALUE! {argument} must be one row or one column; got 5 rows x 2 columns; "
        "select the cells of a single row or column"
    )


def test_a_block_of_labels_is_refused(xl):
    """Labels in a 2 x 2 block are refused like weights, naming labels."""
    result = xl.call("ALLOCATE_PROCEEDS", 100.0, row(0.5, 0.5), block([["a", "b"], ["c", "d"]]))
    assert "labels must be one row or one column; got 2 rows x 2 columns" in message(result)


def test_a_big_block_is_refused_before_the_fast_path(xl):
    """A block of 1,000 x 2 numbers (large enough for the fast path) is refused, not averaged."""
    cells = block([[2.0, 2.1]] * 1000)
    assert "got 1000 rows x 2 columns" in message(xl.call("PLACEMENT_DISCOUNT", 1.91, cells))


def test_closes_in_a_row_average_like_closes_in_a_column(xl):
    """PLACEMENT_DISCOUNT over the last 5 of a row of closes equals the same closes in a column, and the exact figure."""
    closes = (2.0, 2.01, 2.03, 2.02, 2.09, 2.1)
    across = xl.call("PLACEMENT_DISCOUNT", 1.91, row(*closes), 5.0)
    down = xl.call("PLACEMENT_DISCOUNT", 1.91, column(*closes), 5.0)
    average = sum(Fraction(str(c)) for c in closes[-5:]) / 5
    assert across == down == [[pytest.approx(float(1 - Fraction("1.91") / average), rel=1e-15)]]


def test_a_range_where_one_value_is_expected_says_its_shape(xl):
    """Two cells for price: the message gives the range's shape."""
    result = xl.call("DILUTION", row(1.7e9, 1.0), 4.0424038e10)
    assert message(result) == "#VALUE! new_shares must be a single cell, got a range of 1 row x 2 columns"


def test_prices_in_a_row_and_volumes_in_a_column_pair_cell_by_cell(xl):
    """VWAP pairs the n-th price with the n-th volume whatever each range's orientation."""
    result = xl.call("VWAP", row(2.0, 2.1), column(100.0, 300.0))
    assert result == [[pytest.approx(2.075, rel=1e-15)]]


# --- Labels -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "shown"),
    [(True, "TRUE"), (dt.datetime(2025, 1, 1), "the date 2025-01-01")],
    ids=["boolean", "date"],
)
def test_labels_refuse_booleans_and_dates_naming_the_cell(xl, label, shown):
    """TRUE or a date as a label is refused naming its position (not turned into "True" or a serial number)."""
    result = xl.call("ALLOCATE_PROCEEDS", 100.0, column(0.5, 0.3, 0.2), column("Capex", "R&D", label))
    assert (
        message(result)
        == f"#VALUE! labels (cell 3) must be text or a number, got {shown}; type the label as text"
    )


@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", "#SPILL!"])
def test_an_error_cell_among_the_labels_gives_that_error(xl, error):
    """An error cell as a label gives that error back for the whole result, as Excel's own functions do."""
    result = xl.call(
        "ALLOCATE_PROCEEDS", 100.0, column(0.5, 0.3, 0.2), column("Capex", "R&D", COM_ERRORS[error])
    )
    assert cell_text(result) == error


def test_labels_take_text_and_numbers(xl):
    """Text labels stay text (even one starting with =) and a number label such as 2025 shows as 2025."""
    result = xl.call("ALLOCATE_PROCEEDS", 100.0, column(0.5, 0.5), column("=1+1", 2025.0))
    assert result == [["=1+1", 50.0], ["2025", 50.0]]


def test_an_error_cell_in_a_number_argument_gives_that_error(xl):
    """An error cell where a number is expected gives that very error back (#N/A in, #N/A out)."""
    assert cell_text(xl.call("PLACEMENT_DISCOUNT", ComRange(1.91), ComRange(COM_ERRORS["#N/A"]))) == "#N/A"
    assert cell_text(xl.call("VWAP", column(2.0, COM_ERRORS["#DIV/0!"]), column(1.0, 2.0))) == "#DIV/0!"
    assert message(xl.call("DILUTION", ComRange(True), 4.0424038e10)) == (
        "#VALUE! new_shares must be a number, got TRUE"
    )


# --- Impossible combinations ----------------------------------------------------------------


def test_mandate_used_above_the_limit_is_refused(xl):
    """9bn shares used of an 8bn mandate is refused, naming both arguments with the numbers as Excel shows them."""
    result = xl.call(
        "PLACEMENT_CHECK", "HKEX", 1.91, 1.7e9, 4.0424038e10, 2.09, 2.021, "general", 6.0, 8e9, 9e9
    )
    assert message(result) == (
        "#VALUE! mandate_used cannot exceed mandate_limit (8000000000), got 9000000000; correct one of them"
    )


def test_costs_above_gross_are_refused_naming_the_arguments(xl):
    """Other costs of 5bn on gross of 3.247bn: the message names other_costs and commission_rate and shows plain numbers."""
    result = xl.call("PLACEMENT_PROCEEDS", 1.7e9, 1.91, 0.0, 5e9)
    assert message(result) == (
        "#VALUE! other_costs (5000000000) plus the commission (0, commission_rate x gross) exceed the "
        "gross proceeds (3247000000, new_shares x price); lower other_costs or commission_rate"
    )


def test_check_details_name_the_functions_arguments(xl):
    """Without a mandate limit, the headroom check asks for the mandate_limit argument, not placing.mandate_limit."""
    table = xl.call("PLACEMENT_CHECK", "HKEX", 1.91, 1.7e9, 4.0424038e10, 2.09, 2.021)
    headroom = next(r for r in table if r[0] == "HKEX Rule 13.36(2)(b)")
    assert headroom[6].startswith("Needs mandate_limit (the shares the general mandate allows")
    assert "placing." not in headroom[6]


# --- Rounding as documented ------------------------------------------------------------------


def test_quote_currency_amounts_are_rounded_to_the_cent(xl):
    """SenseTime's HK$3,247m at 7.8203 HKD per USD is US$415,201,462.86 (half up at the cent), not 415201462.8594811."""
    table = xl.call("PLACEMENT_PROCEEDS", 1.7e9, 1.91, None, None, 7.8203)
    exact = (Decimal(3_247_000_000) / Decimal("7.8203")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert exact == Decimal("415201462.86")
    assert table[5] == ["Gross proceeds in quote currency", 415_201_462.86]
    assert table[6] == ["Net proceeds in quote currency", 415_201_462.86]


def test_allocation_rounds_to_whole_units_unless_told(xl):
    """Decimals left out or blank rounds to whole units like the deal file (34/33/33); 2 gives 33.34/33.33/33.33."""
    thirds = column(1 / 3, 1 / 3, 1 / 3)
    assert xl.call("ALLOCATE_PROCEEDS", 100.0, thirds) == [[34.0], [33.0], [33.0]]
    assert xl.call("ALLOCATE_PROCEEDS", 100.0, thirds, None, ComRange(None)) == [[34.0], [33.0], [33.0]]
    assert xl.call("ALLOCATE_PROCEEDS", 100.0, thirds, None, 2.0) == [[33.34], [33.33], [33.33]]


def test_theoretical_dilution_keeps_its_order_and_says_so(xl):
    """THEORETICAL_DILUTION takes existing before new (Rule 7.27B's formula order); its help says DILUTION's is the other way."""
    assert xl.call("THEORETICAL_DILUTION", 1.0, 100.0, 50.0, 0.75) == [
        [pytest.approx(float(Fraction(1, 12)))]
    ]
    helps = {a["name"]: a["doc"] for a in xl.module.THEORETICAL_DILUTION.__xlfunc__["args"]}
    assert "before new_shares" in helps["existing_shares"]
    assert "DILUTION" in helps["existing_shares"]


# --- Properties ------------------------------------------------------------------------------

_weights = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=80).filter(any)


@settings(max_examples=60, deadline=None)
@given(points=_weights, amount=st.integers(min_value=0, max_value=10**12))
def test_a_row_of_weights_gives_the_column_result_transposed(xl, points, amount):
    """Property: the same weights in a row and in a column give the same amounts, laid out the same way, adding up exactly."""
    total = sum(points)
    weights = [p / total for p in points]  # fractions as Excel would hold them (doubles)
    down = xl.call("ALLOCATE_PROCEEDS", float(amount), column(*weights))
    across = xl.call("ALLOCATE_PROCEEDS", float(amount), row(*weights))
    if isinstance(down[0][0], str):  # the doubles may miss 100% by more than the tolerance
        assert across == down
        return
    assert across == [[cell[0] for cell in down]]
    assert sum(Fraction(a) for a in across[0] if a != "") == amount


@settings(max_examples=40, deadline=None)
@given(rows=st.integers(min_value=2, max_value=70), columns=st.integers(min_value=2, max_value=5))
def test_any_block_is_refused_where_a_list_is_expected(xl, rows, columns):
    """Property: any block of two or more rows and columns of closes is refused with its shape, never averaged."""
    cells = block([[2.0] * columns] * rows)
    assert f"got {rows} rows x {columns} columns" in message(xl.call("PLACEMENT_DISCOUNT", 1.91, cells))
