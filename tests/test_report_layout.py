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
    """The demo's timetable: "Price fixing" and "Long stop date" are hidden rows still holding "not given"."""
    data = render("sensetime")
    book, cached = formulas(data), values(data)
    sheet = book["Deal sheet"]
    for label in ("Price fixing", "Long stop date"):
        row = find_row(sheet, label, column=7)
        assert sheet.row_dimensions[row].hidden, label
        assert cached["Deal sheet"].cell(row, 8).value == "not given"
    assert not sheet.row_dimensions[find_row(sheet, "Completion", column=7)].hidden


def test_a_not_given_figure_beside_a_given_one_prints_blank() -> None:
    """Without costs, net proceeds (beside the terms) keep "not given" and a format that shows text blank."""
    data = render(example_mapping("sensetime", costs=None))
    book, cached = formulas(data), values(data)
    assert named(cached, "Net") == "not given"
    cell = named_cell(book, "Net")
    assert cell.number_format.endswith(";")  # an empty text section
    assert not book["Deal sheet"].row_dimensions[cell.row].hidden  # the terms on the left still print
    label = book["Deal sheet"].cell(cell.row, cell.column - 1)
    assert label.value == "Net proceeds"
    assert label.number_format.endswith(";")
    assert named(cached, "CostsNote") == "Costs and net proceeds were not published."


def test_preparer_workings_do_not_print() -> None:
    """The rounding's decimal places and the zero difference are hidden rows that still calculate."""
    data = render("sensetime")
    book = formulas(data)
    for name in ("AllocDecimals", "AllocCheck"):
        cell = named_cell(book, name)
        assert book["Use of proceeds"].row_dimensions[cell.row].hidden, name
    assert named(values(data), "AllocCheck") == 0
