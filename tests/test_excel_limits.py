"""No text any Excel function returns is longer than 255 characters (issue 25, item 8).

xlwings' classic add-in turns a whole array into #VALUE! when one of its texts is longer
than 255 characters (xlwings issues 456 and 869). Messages are short by design (a bad
value is shown shortened, PLACEMENT_CHECK lists whole problems and counts the rest);
every result then passes one guard, which shortens any longer text at a word.
"""

from __future__ import annotations

import inspect

import pytest

import placement
from xl_placement import excel
from xl_placement.errors import InputError

LIMIT = 255


def texts(result):
    """Every text in a result: the result itself, or each text cell of a table."""
    if isinstance(result, str):
        return [result]
    if isinstance(result, list):
        return [cell for row in result for cell in row if isinstance(cell, str)]
    return []


@pytest.mark.parametrize("name", excel.FUNCTIONS)
def test_a_long_text_in_any_argument_gives_a_short_message(name):
    """Every function, given a 1,000-character text in each argument in turn, answers in at most 255 characters."""
    function = getattr(placement, name)
    count = len(inspect.signature(function).parameters)
    for index in range(count):
        args = [None] * count
        args[index] = "long " * 200
        for text in texts(function(*args)):
            assert len(text) <= LIMIT, (name, index, text)


def test_every_problem_of_placement_check_fits_in_one_cell():
    """Every argument bad: whole problems while they fit, then how many more, in at most 255 characters."""
    bad = ["abc"] * (len(excel.CHECK_FIELDS) - 1)  # every deal argument (header, a switch, apart)
    result = placement.PLACEMENT_CHECK(
        "HKEX", *bad[:-1], None, bad[-1]
    )  # header blank; vwap_5d comes after it
    assert len(result) <= LIMIT
    assert result.startswith("#VALUE! ")
    shown, more = result.removeprefix("#VALUE! ").rsplit("; and ", 1)
    with pytest.raises(InputError) as caught:
        excel._check_deal_from(dict(zip(excel.CHECK_FIELDS, ["HKEX", *bad], strict=True)))
    problems = caught.value.__cause__.problems
    assert more == f"{len(problems) - shown.count('got')} more problems"
    assert shown.count("got 'abc'") == shown.count("got") >= 3  # whole problems, each naming its value


def test_long_check_details_fit_in_a_cell():
    """The demo's and a Nasdaq deal with warrants' check details (274 and 485 characters in the report) fit in 255."""
    demo = placement.PLACEMENT_CHECK("HKEX", 1.91, 1.7e9, 40_424_038_000.0, 2.09, 2.021, "general", 6.0)
    nasdaq = placement.PLACEMENT_CHECK(
        "NASDAQ", 4.0, 2e6, 1e7, 5.0, 5.1, None, None, None, None, None, None, None, None, 3e6, False
    )
    for table in (demo, nasdaq):
        assert isinstance(table, list)
        assert all(len(text) <= LIMIT for text in texts(table))
        shortened = [text for text in texts(table) if text.endswith("...")]
        assert all(not text[-4].isspace() for text in shortened)  # cut after a whole word


def test_an_unexpected_failure_with_a_long_reason_fits(monkeypatch):
    """An unexpected error with a 1,000-character reason still gives one line of at most 255 characters naming the function."""

    def fails(*_args, **_kwargs):
        raise RuntimeError("reason " * 150)

    monkeypatch.setattr(excel, "placing_proceeds", fails)
    result = placement.PLACEMENT_PROCEEDS(1.7e9, 1.91)
    assert len(result) <= LIMIT
    assert result.startswith("#VALUE! PLACEMENT_PROCEEDS failed unexpectedly: RuntimeError: reason")
    assert result.endswith("; please report it")
