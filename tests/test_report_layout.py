"""What a printed page leaves out: figures not given, preparer's words, and how their cells keep working."""

from __future__ import annotations

import pytest
from report_support import example_mapping, find_row, formulas, named, named_cell, render, values

from xl_placement.report.layout import blank_text_format, for_reader


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a deal-file key in parentheses goes, the rest stays
        (
            "Day VWAP S$0.0412 (given): the VWAP of 18 November 2019 (market.day_vwap_date).",
            "Day VWAP S$0.0412 (given): the VWAP of 18 November 2019.",
        ),
        # a clause that tells the preparer what to add goes
        (
            "the VWAP of 18 November 2019; give placing.agreement_date to show which day it is.",
            "the VWAP of 18 November 2019.",
        ),
        (
            "as given in the deal file (the close on the agreement date)",
            "as given (the close on the agreement date)",
        ),
        ("from market.history.", "from the price history."),
        # the wording's placeholder goes, the sentence after it stays
        (
            "[The net proceeds are not given (needs costs.other_costs): the amounts below split the "
            "gross proceeds.] The Company intends to use the net proceeds for working capital.",
            "The Company intends to use the net proceeds for working capital.",
        ),
        # nothing left for a reader
        ("Needs placing.mandate_limit (the shares the mandate allows).", None),
        ("[The use of proceeds is not given: needs [[proceeds.uses]].]", None),
        ("Placement capacity not given (placing.capacity)", None),
        # a reader's sentence is as it was
        ("Six or more placees: they need not be named.", "Six or more placees: they need not be named."),
    ],
)
def test_for_reader_leaves_out_the_preparer_words(text: str, expected: str | None) -> None:
    """Keys, placeholders and "not given" leave a sentence; a sentence of nothing else becomes None."""
    assert for_reader(text) == expected


@pytest.mark.parametrize(
    ("number_format", "expected"),
    [
        ("General", "General;-General;General;"),
        ("0.00%", "0.00%;-0.00%;0.00%;"),
        ('#,##0.0,,;(#,##0.0,,);"\u2013"', '#,##0.0,,;(#,##0.0,,);"\u2013";'),
        ('0;(0);"a;b";@', '0;(0);"a;b";'),  # a quoted semicolon is not a section break
        ('"Source of the rate: "@', ";;;"),
    ],
)
def test_blank_text_format_keeps_numbers_and_hides_text(number_format: str, expected: str) -> None:
    """The text section is emptied; the number sections are kept, so a number typed in later shows."""
    assert blank_text_format(number_format) == expected


def test_rows_with_nothing_given_are_hidden_and_keep_their_cells() -> None:
    """A deal without uses: the uses' total row ("not given" in every column) is hidden and keeps its cells."""
    data = render(example_mapping("sensetime", proceeds=None))
    book, cached = formulas(data), values(data)
    sheet = book["Use of proceeds"]
    row = find_row(sheet, "Total")
    assert sheet.row_dimensions[row].hidden
    assert cached["Use of proceeds"].cell(row, 3).value == "not given"
    assert not sheet.row_dimensions[find_row(sheet, "The use of proceeds was not published")].hidden


def test_the_demo_timetable_lists_only_the_dates_it_gives() -> None:
    """The demo gives no price-fixing or long stop date: the timetable has no row for them, none hidden."""
    sheet = values(render("sensetime"))["Deal sheet"]
    labels = [sheet.cell(row, 7).value for row in range(1, sheet.max_row + 1)]
    assert "Price fixing" not in labels
    assert "Long stop date" not in labels
    completion = find_row(sheet, "Completion", column=7)
    assert sheet.cell(completion + 1, 7).value == "Issuer's lock-up ends"


def test_a_row_not_given_beside_given_ones_is_left_off_and_the_rest_move_up() -> None:
    """Without costs the proceeds block is gross, the rate, its source and the note, one under the other;
    the commission, costs and net rows are left off (no cell says "not given") and the terms beside stay put."""
    data = render(example_mapping("sensetime", costs=None))
    book, cached = formulas(data), values(data)
    gross = named_cell(book, "Gross").row
    assert [named_cell(book, key).row for key in ("FxRate", "FxSource", "CostsNote")] == [
        gross + 1,
        gross + 2,
        gross + 3,
    ]
    assert find_row(book["Deal sheet"], "Issuer") == gross  # the block beside keeps its rows
    sheet = cached["Deal sheet"]
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.value == "not given"]
    assert named(cached, "CostsNote") == "Costs and net proceeds were not published."


def test_a_formula_that_moves_up_keeps_its_value() -> None:
    """Other costs given without a commission rate: their row and its quote formula move up two rows, the
    formula's cached value with them."""
    data = render(example_mapping("sensetime", costs={"other_costs": 1_000_000}))
    book, cached = formulas(data), values(data)
    assert named_cell(book, "OtherCosts").row == named_cell(book, "Gross").row + 1
    quote = named_cell(book, "OtherCostsQuote")
    assert quote.row == named_cell(book, "Gross").row + 1
    assert quote.value == "=OtherCosts/FxRate"
    assert named(cached, "OtherCostsQuote") == pytest.approx(1_000_000 / 7.8203, rel=1e-12)
    assert "CommissionQuote" not in book.defined_names


def test_preparer_workings_do_not_print() -> None:
    """The rounding's decimal places and the zero difference are hidden rows that still calculate."""
    data = render("sensetime")
    book = formulas(data)
    for name in ("AllocDecimals", "AllocCheck"):
        cell = named_cell(book, name)
        assert book["Use of proceeds"].row_dimensions[cell.row].hidden, name
    assert named(values(data), "AllocCheck") == 0
