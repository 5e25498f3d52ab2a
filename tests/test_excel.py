"""The Excel functions on the shapes Excel hands over, against the published figures.

Excel (through xlwings' default value reader) passes a single cell as a value, a row or
a column as a flat list, a block as a list of rows, a blank cell as None, every number
as a float and, with ``err_to_str``, an error cell as its text ("#N/A").
The oracles are domain.md's published figures and exact fraction arithmetic.
"""

from __future__ import annotations

import inspect
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import placement
from xl_placement import excel

SENSETIME_SHARES = 1_700_000_000.0
SENSETIME_EXISTING = 40_424_038_000.0


def percent(value: float, decimals: int) -> float:
    """A fraction as a percentage at the published precision."""
    return round(value * 100, decimals)


# --- PLACEMENT_DISCOUNT -----------------------------------------------------------------


def test_discount_to_last_close_is_the_published_8_6_percent():
    """SenseTime: HK$1.91 against the last close of HK$2.09 is the published 8.6% discount."""
    result = placement.PLACEMENT_DISCOUNT(1.91, 2.09)
    assert percent(result, 1) == 8.6
    assert result == pytest.approx(float(1 - Fraction("1.91") / Fraction("2.09")), rel=1e-15)


@pytest.mark.parametrize(
    ("reference", "published"),
    [(2.021, 5.5), (2.049, 6.8), ("2.021", 5.5)],
)
def test_discount_to_averages_matches_published_figures(reference, published):
    """SenseTime's 5-day (5.5%) and 30-day (6.8%) discounts, also with the average typed as text."""
    assert percent(placement.PLACEMENT_DISCOUNT(1.91, reference), 1) == published


@pytest.mark.parametrize(
    ("reference", "published"),
    [(363.60, 7.8), (382.2, 12.3), (380.1, 11.8)],
)
def test_discount_matches_byd_published_figures(reference, published):
    """BYD: HK$335.20 against its last close, 5-day and 10-day averages gives the published discounts."""
    assert percent(placement.PLACEMENT_DISCOUNT(335.20, reference), 1) == published


def test_premium_is_a_negative_discount():
    """A price above the reference is a premium: 6.41 against 6.34 is -1.1%."""
    assert percent(placement.PLACEMENT_DISCOUNT(6.41, 6.34), 1) == -1.1


CLOSES = [2.00, 2.04, 2.01, 2.03, 2.02, 2.05]


@pytest.mark.parametrize(
    "reference",
    [
        CLOSES,  # a column (or a row) arrives as a flat list
        [[c] for c in CLOSES],  # a column read as a block
        [CLOSES],  # a row read as a block
        [*CLOSES, None, None],  # a column selected past the data
        [None, *CLOSES[:3], "", *CLOSES[3:]],  # blank and ="" cells in between
        [f"{c:.2f}" for c in CLOSES],  # numbers stored as text
    ],
    ids=["flat", "column-block", "row-block", "trailing-blanks", "blanks-inside", "text"],
)
def test_discount_to_average_of_a_range_of_closes(reference):
    """A range of closes, in any Excel shape, averages its last N closes, oldest first."""
    last_five = sum(Fraction(str(c)) for c in CLOSES[-5:]) / 5
    expected = float(1 - Fraction("1.91") / last_five)
    assert placement.PLACEMENT_DISCOUNT(1.91, reference, 5.0) == pytest.approx(expected, rel=1e-15)
    everything = sum(Fraction(str(c)) for c in CLOSES) / len(CLOSES)
    assert placement.PLACEMENT_DISCOUNT(1.91, reference) == pytest.approx(
        float(1 - Fraction("1.91") / everything), rel=1e-15
    )


def test_discount_of_a_block_is_refused():
    """A block of two columns (closes beside volumes) is not averaged together: the cell says the shape it got."""
    block = [[2.0, 151e6], [2.01, 120e6], [2.03, 98e6], [2.02, 133e6], [2.09, 210e6]]
    assert placement.PLACEMENT_DISCOUNT(1.91, block) == (
        "#VALUE! reference must be one row or one column; got 5 rows x 2 columns; "
        "select the cells of a single row or column"
    )


def test_discount_of_a_row_of_closes_equals_the_column():
    """Closes in a row and in a column give the same discount."""
    closes = [2.0, 2.01, 2.03, 2.02, 2.09]
    row = placement.PLACEMENT_DISCOUNT(1.91, [closes], 5.0)
    column = placement.PLACEMENT_DISCOUNT(1.91, [[c] for c in closes], 5.0)
    assert (
        row
        == column
        == pytest.approx(float(1 - Fraction("1.91") / (sum(map(Fraction, map(str, closes))) / 5)))
    )


# --- DILUTION ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "published"),
    [(None, 4.0357), ("enlarged", 4.0357), ("ENLARGED", 4.0357), ("existing", 4.2054), ("", 4.0357)],
)
def test_dilution_matches_published_sensetime_figures(basis, published):
    """SenseTime: 1.7bn new shares are 4.0357% of the enlarged and 4.2054% of the existing capital."""
    assert percent(placement.DILUTION(SENSETIME_SHARES, SENSETIME_EXISTING, basis), 4) == published


@pytest.mark.parametrize(
    ("new", "existing"),
    [("1,700,000,000", "40,424,038,000"), (1.7e9, 4.0424038e10), ([1.7e9], [[4.0424038e10]])],
    ids=["text-with-commas", "floats", "single-cell-ranges"],
)
def test_dilution_accepts_excel_shaped_share_counts(new, existing):
    """Share counts as text with commas, as floats, or as one-cell ranges give the same result."""
    expected = float(Fraction(1_700_000_000, 40_424_038_000 + 1_700_000_000))
    assert placement.DILUTION(new, existing) == pytest.approx(expected, rel=1e-15)


def test_dilution_matches_byd_published_figures():
    """BYD: 129.8m new H shares are 4.46% of existing and 4.27% of enlarged total shares."""
    assert percent(placement.DILUTION(129_800_000.0, 2_909_265_434.0, "existing"), 2) == 4.46
    assert percent(placement.DILUTION(129_800_000.0, 2_909_265_434.0), 2) == 4.27


# --- ALLOCATE_PROCEEDS ------------------------------------------------------------------

USES = [
    "SenseCore AI infrastructure",
    "Generative AI research",
    "Vertical industry applications",
    "Working capital",
]


@pytest.mark.parametrize(
    "weights",
    [
        [0.4, 0.3, 0.2, 0.1],
        [[0.4], [0.3], [0.2], [0.1]],
        [[0.4, 0.3, 0.2, 0.1]],
        ["40%", "30%", "20%", "10%"],
        [40.0, 30.0, 20.0, 10.0],
    ],
    ids=["fractions", "column", "row", "percent-text", "percentage-points"],
)
def test_allocation_of_sensetime_proceeds(weights):
    """HK$3,247m split 40/30/20/10 gives exact amounts that add up to the gross proceeds; a row of weights spills a row."""
    result = placement.ALLOCATE_PROCEEDS(3_247_000_000.0, weights, None, 0)
    expected = [float(3_247_000_000 * Fraction(w, 100)) for w in (40, 30, 20, 10)]
    is_row = len(weights) == 1
    assert result == ([expected] if is_row else [[e] for e in expected])
    assert sum(expected) == 3_247_000_000


def test_allocation_with_labels_in_a_row_is_a_two_row_table():
    """Weights and labels in a row give labels across the first row and amounts across the second."""
    result = placement.ALLOCATE_PROCEEDS(100.0, [[0.5, 0.25, 0.25]], [["a", "b", "c"]], 2.0)
    assert result == [["a", "b", "c"], [50.0, 25.0, 25.0]]


def test_allocation_with_labels_is_a_two_column_table():
    """With labels the result is a table of label and amount, one row per use."""
    result = placement.ALLOCATE_PROCEEDS(3_247_000_000.0, [0.4, 0.3, 0.2, 0.1], USES, 0)
    assert [row[0] for row in result] == USES
    assert [row[1] for row in result] == [1_298_800_000.0, 974_100_000.0, 649_400_000.0, 324_700_000.0]


def test_allocation_adds_up_exactly_at_the_given_decimals():
    """100 split three ways is 33.34 / 33.33 / 33.33 at 2 decimals, not 99.99; 34 / 33 / 33 in whole units."""
    assert placement.ALLOCATE_PROCEEDS(100.0, [1 / 3, 1 / 3, 1 / 3], None, 2.0) == [[33.34], [33.33], [33.33]]
    assert placement.ALLOCATE_PROCEEDS(100.0, [1 / 3, 1 / 3, 1 / 3], None, 0.0) == [[34.0], [33.0], [33.0]]


def test_allocation_rounds_like_the_deal_file_by_default():
    """Left out (or blank, as Inputs!decimals may be), decimals is the deal file's default: whole units."""
    from xl_placement.deal import ProceedsPlan  # noqa: PLC0415 - the deal file's default, read from the model

    assert ProceedsPlan(uses=()).decimals == 0
    for blank in (None, [[None]], [[""]]):
        assert placement.ALLOCATE_PROCEEDS(100.0, [1 / 3, 1 / 3, 1 / 3], None, blank) == [
            [34.0],
            [33.0],
            [33.0],
        ]


@pytest.mark.parametrize(("total", "expected"), [(10.0, [4.0, 4.0, 2.0]), (11.0, [5.0, 5.0, 1.0])])
def test_allocation_shows_the_alabama_paradox(total, expected):
    """Weights 6/6/2 (as percentages of 14) give 4/4/2 of 10 and 5/5/1 of 11, as domain.md says."""
    weights = [float(Fraction(6, 14)), float(Fraction(6, 14)), float(Fraction(2, 14))]
    assert [row[0] for row in placement.ALLOCATE_PROCEEDS(total, weights, None, 0)] == expected


def test_allocation_keeps_blank_weights_as_blank_rows():
    """A blank weight gives an empty cell in the same row, so the spill lines up with the weights."""
    result = placement.ALLOCATE_PROCEEDS(1000.0, [[0.5], [None], [0.5]], [["a"], [None], ["b"]], 0)
    assert result == [["a", 500.0], ["", ""], ["b", 500.0]]


def test_allocation_of_a_whole_column_stops_at_the_last_weight():
    """Weights in a whole column (1,048,576 cells, mostly blank) spill only down to the last weight."""
    column = [[0.6], [0.4]] + [[None]] * (1_048_576 - 2)
    assert placement.ALLOCATE_PROCEEDS(10.0, column, None, 0) == [[6.0], [4.0]]


def test_allocation_labels_are_text_never_formulas():
    """A label that looks like a formula comes back as the same text; number labels keep their digits."""
    result = placement.ALLOCATE_PROCEEDS(10.0, [0.5, 0.5], ["=1+1", 2025.0], 0)
    assert result == [["=1+1", 5.0], ["2025", 5.0]]


# --- PLACEMENT_PROCEEDS -----------------------------------------------------------------


def test_proceeds_of_sensetime_match_published_figures():
    """SenseTime: gross HK$3,247,000,000, US$415.2m at 7.8203; with no costs net equals gross."""
    table = placement.PLACEMENT_PROCEEDS(SENSETIME_SHARES, 1.91, None, None, 7.8203)
    figures = dict(table)
    assert [row[0] for row in table] == list(excel.PROCEEDS_LABELS)
    assert figures["Gross proceeds"] == 3_247_000_000.0
    assert figures["Net proceeds"] == 3_247_000_000.0
    assert figures["Net price per share"] == 1.91
    assert round(figures["Gross proceeds in quote currency"] / 1e6, 1) == 415.2


def test_proceeds_of_byd_match_published_net():
    """BYD: gross about HK$43,509m; with HK$126m of other costs net is the published HK$43,383m."""
    figures = dict(placement.PLACEMENT_PROCEEDS("129,800,000", "335.20", 0, 126_000_000.0))
    assert round(figures["Gross proceeds"] / 1e6) == 43_509
    assert round(figures["Net proceeds"] / 1e6) == 43_383
    assert figures["Gross proceeds in quote currency"] == ""  # no rate given


def test_proceeds_commission_as_percent_text():
    """A 2.5% commission typed as text is 2.5% of gross, and net price per share is net / shares."""
    figures = dict(placement.PLACEMENT_PROCEEDS(1000.0, 2.0, "2.5%", 10.0))
    assert figures["Commission"] == 50.0
    assert figures["Other costs"] == 10.0
    assert figures["Net proceeds"] == 1940.0
    assert figures["Net price per share"] == 1.94


# --- BENCHMARKED_PRICE, THEORETICAL_DILUTION, VWAP --------------------------------------


@pytest.mark.parametrize(
    ("agreement_close", "expected"),
    [(2.09, 2.09), (2.00, 2.03)],
    ids=["close-above-average", "average-above-close"],
)
def test_benchmarked_price_is_the_higher_of_close_and_5_day_average(agreement_close, expected):
    """Rule 13.36(5): the higher of the agreement-date close and the average of the last 5 prior closes."""
    prior = [[9.99], [2.01], [2.02], [2.03], [2.04], [2.05], [None]]  # only the last 5 closes count
    assert placement.BENCHMARKED_PRICE(agreement_close, prior) == pytest.approx(expected, rel=1e-15)


def test_theoretical_dilution_matches_the_exchange_faq_example():
    """Exchange FAQ: 100 shares at HK$1.00 and 50 new at HK$0.75 give a theoretical dilution effect of 8.33%."""
    assert percent(placement.THEORETICAL_DILUTION(1.0, 100.0, 50.0, 0.75), 2) == 8.33


def test_vwap_is_turnover_over_volume():
    """VWAP of closes 2.00 and 2.10 on volumes 100 and 300 is 2.075; rows blank in both ranges are skipped."""
    assert placement.VWAP([[2.0], [2.1], [None]], [[100.0], ["300"], [None]]) == pytest.approx(2.075)


# --- Errors the cell shows --------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: placement.PLACEMENT_DISCOUNT(-1.0, 2.09), "#VALUE! price must be a positive number, got -1"),
        (lambda: placement.PLACEMENT_DISCOUNT("abc", 2.09), "#VALUE! price must be a number, got 'abc'"),
        (lambda: placement.PLACEMENT_DISCOUNT(None, 2.09), "#VALUE! price is blank; give a value"),
        (lambda: placement.PLACEMENT_DISCOUNT(True, 2.09), "#VALUE! price must be a number, got TRUE"),
        (
            lambda: placement.PLACEMENT_DISCOUNT([1.91, 1.92], 2.09),
            "#VALUE! price must be a single cell, got a range of 2 rows x 1 column",
        ),
        (
            lambda: placement.PLACEMENT_DISCOUNT(1.91, "#N/A"),
            "#N/A",  # an error value propagates as itself, as in Excel's own functions
        ),
        (
            lambda: placement.PLACEMENT_DISCOUNT(1.91, [2.0, "#DIV/0!", 2.1]),
            "#DIV/0!",
        ),
        (
            lambda: placement.PLACEMENT_DISCOUNT(1.91, [2.0, 2.1], 5.0),
            "#VALUE! days is 5 but reference has 2 close(s); select more closes or ask for fewer days",
        ),
        (
            lambda: placement.PLACEMENT_DISCOUNT(1.91, [None, None]),
            "#VALUE! reference has no values; select the cells that hold them",
        ),
        (
            lambda: placement.PLACEMENT_DISCOUNT(1.91, 2.09, 2.5),
            "#VALUE! days must be a whole number, got 2.5",
        ),
        (
            lambda: placement.DILUTION(1.5, 100.0),
            "#VALUE! new_shares must be a whole number, got 1.5",
        ),
        (
            lambda: placement.DILUTION(1.0, 100.0, "diluted"),
            '#VALUE! basis must be one of "enlarged", "existing", got \'diluted\'',
        ),
        (
            lambda: placement.ALLOCATE_PROCEEDS(100.0, [0.4, 0.3, 0.2]),
            "#VALUE! weights add up to 90%, not 100%; correct them so they total 100%",
        ),
        (
            lambda: placement.ALLOCATE_PROCEEDS(100.0, [40.0, 30.0, 20.0, 5.0]),
            "#VALUE! weights add up to 95%, not 100%; correct them so they total 100%",
        ),
        (
            lambda: placement.ALLOCATE_PROCEEDS(100.0, [0.5, -0.5, 1.0]),
            "#VALUE! weights (cell 2) must be zero or positive, got -0.5",
        ),
        (
            lambda: placement.ALLOCATE_PROCEEDS(100.0, [0.5, 0.5], ["a"]),
            "#VALUE! labels has 1 cell(s) but weights has 2; select one label per weight",
        ),
        (
            lambda: placement.ALLOCATE_PROCEEDS(100.0, [1.0], None, 7.0),
            "#VALUE! decimals must be a whole number from -9 to 6, got 7",
        ),
        (
            lambda: placement.PLACEMENT_PROCEEDS(100.0, 1.0, 1.2),
            '#VALUE! commission_rate a rate above 1 needs a percent sign; did you mean "1.2%"?, got 1.2',
        ),
        (
            lambda: placement.PLACEMENT_PROCEEDS(100.0, 1.0, 0, 500.0),
            "#VALUE! other_costs (500) plus the commission (0, commission_rate x gross) exceed the gross "
            "proceeds (100, new_shares x price); lower other_costs or commission_rate",
        ),
        (
            lambda: placement.BENCHMARKED_PRICE(2.09, [2.0, 2.1, 2.2, 2.3]),
            "#VALUE! prior_closes has 4 close(s); select at least the 5 before the earliest key date",
        ),
        (
            lambda: placement.VWAP([2.0, 2.1], [100.0]),
            "#VALUE! prices has 2 cell(s) but volumes has 1; select ranges of the same size",
        ),
        (
            lambda: placement.VWAP([2.0, 2.1], [100.0, None]),
            "#VALUE! volumes (cell 2) is blank; give a value",
        ),
        (
            lambda: placement.VWAP([2.0, 2.1], [0.0, 0.0]),
            "#VALUE! volumes add up to zero, so there is no VWAP",
        ),
    ],
)
def test_bad_input_gives_one_line_naming_the_argument(call, message):
    """Bad input shows one line in the cell: the argument, what is wrong, the value and the fix."""
    assert call() == message


def test_long_text_is_shortened_and_control_characters_escaped():
    """A long or multi-line text repeated in a message stays one short line."""
    result = placement.DILUTION("1\n2" + "x" * 500, 100.0)
    assert result.startswith("#VALUE! new_shares must be a number, got '1\\n2xxx")
    assert "\n" not in result
    assert len(result) < 120


def test_unexpected_failure_is_one_line_not_a_traceback(monkeypatch):
    """An unexpected exception inside a function still shows one line naming the function."""

    def broken(*_args):
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(excel.market, "discount", broken)
    result = placement.PLACEMENT_DISCOUNT(1.91, 2.09)
    assert result == (
        "#VALUE! PLACEMENT_DISCOUNT failed unexpectedly: ZeroDivisionError: division by zero; second line; "
        "please report it"
    )


_cell = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(["8.6%", "1,700,000,000", "#N/A", "", "enlarged", "existing", "-1"]),
)
_argument = st.one_of(
    _cell, st.lists(_cell, max_size=6), st.lists(st.lists(_cell, min_size=2, max_size=2), max_size=4)
)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(excel.FUNCTIONS),
    args=st.lists(_argument, min_size=5, max_size=5),
)
def test_any_input_gives_a_result_or_a_one_line_error(name, args):
    """Whatever the cells hold, a function returns numbers, a table, an input's error value or one #VALUE! line; it never raises."""
    function = getattr(placement, name)
    args = args[: len(inspect.signature(function).parameters)]
    result = function(*args)
    if "#N/A" in str(args):  # the only error value drawn: it passes through as itself
        assert result == "#N/A"
    elif isinstance(result, str):
        assert result.startswith("#VALUE! ")
        assert len(result) <= excel.TEXT_LIMIT
        assert "\n" not in result
        assert "Traceback" not in result
        assert "failed unexpectedly" not in result
    elif isinstance(result, list):
        assert all(isinstance(row, list) and row for row in result)
        assert all(isinstance(v, float | str) for row in result for v in row)
    else:
        assert isinstance(result, float)


def test_numbers_too_large_for_excel_are_refused():
    """A number of 10^15 or more (Excel loses its digits) is refused with the limit, not a crash."""
    assert placement.ALLOCATE_PROCEEDS(1e300, [1.0]) == (
        "#VALUE! amount must be below 1,000,000,000,000,000 (15 digits, what Excel holds exactly), got 1e+300"
    )


def test_formula_results_with_16_digits_are_read_at_excel_precision():
    """A weight of =1/3 (0.3333333333333333 as a double) is read as Excel holds it, 15 digits."""
    assert placement.ALLOCATE_PROCEEDS(90.0, [1 / 3, 2 / 3], None, 0) == [[30.0], [60.0]]


_excel_prices = st.floats(min_value=0.001, max_value=1e6, allow_nan=False).map(lambda x: float(f"{x:.4g}"))
_excel_volumes = st.one_of(st.just(0.0), st.integers(min_value=1, max_value=10**12).map(float))


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(st.tuples(_excel_prices, _excel_volumes), min_size=64, max_size=300))
def test_vwap_of_a_large_range_equals_the_cell_by_cell_result(pairs):
    """Property: a large range of numbers (the exact integer path) gives the same VWAP as the cell-by-cell path.

    A trailing row blank in both ranges is skipped, but sends the ranges cell by cell.
    """
    prices = [[p] for p, _ in pairs]
    volumes = [[v] for _, v in pairs]
    fast = placement.VWAP(prices, volumes)
    cell_by_cell = placement.VWAP([*prices, [None]], [*volumes, [None]])
    assert fast == cell_by_cell
    if isinstance(fast, float):
        exact = sum(Fraction(p) * Fraction(v) for p, v in pairs) / sum(Fraction(v) for _, v in pairs)
        assert fast == pytest.approx(float(exact), rel=1e-15)
