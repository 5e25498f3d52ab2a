"""Tests for xl_placement.parsers: each value parser reads what users write and refuses the rest, saying why."""

from __future__ import annotations

import datetime as dt
import importlib.util
import types
from decimal import Decimal
from pathlib import Path

import pytest

from xl_placement import deal as model
from xl_placement import parsers

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, D(1)),
        (1.91, D("1.91")),
        ("1,234.5", D("1234.5")),
        ("1_234", D(1234)),
        (" 2.09 ", D("2.09")),
        ("1e3", D(1000)),
        (D("2.021"), D("2.021")),
        (123456789012345, D(123456789012345)),
    ],
)
def test_number_accepts_numbers_and_numeric_text(value, expected):
    """Numbers, numeric text with thousands separators and exponents read as exact Decimals."""
    assert parsers.number(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "must be a number"),
        (None, "must be a number"),
        ("1,23", "must be a number"),
        ("", "must be a number"),
        ({}, "must be a number"),
        (D("NaN"), "must be a finite number"),
        (float("-inf"), "must be a finite number"),
        ("1234567890.123456", "more than 15 significant digits"),
    ],
)
def test_number_refuses_what_is_not_a_finite_15_digit_number(value, message):
    """Bools, None, malformed text, NaN, infinity and 16 significant digits are refused with the reason."""
    with pytest.raises(parsers.Invalid, match=message):
        parsers.number(value)


def test_whole_numbers():
    """1.7e9 and "1,700,000,000" are whole numbers; 1.5 is not; zero is not positive."""
    assert parsers.positive_whole(1.7e9) == 1_700_000_000
    assert parsers.positive_whole("1,700,000,000") == 1_700_000_000
    assert parsers.non_negative_whole(0) == 0
    with pytest.raises(parsers.Invalid, match="must be a whole number"):
        parsers.whole(1.5)
    with pytest.raises(parsers.Invalid, match="positive whole number"):
        parsers.positive_whole(0)


def test_fractions_and_percentages():
    """ "8.6%" and 0.086 are the same fraction; a share may be 0 or 1 but a rate must stay below 1."""
    assert parsers.fraction("8.6%") == parsers.fraction(0.086) == D("0.086")
    assert parsers.fraction(" -1.1% ") == D("-0.011")
    assert parsers.share(1) == 1
    assert parsers.share("0%") == 0
    assert parsers.rate("2.5%") == D("0.025")
    with pytest.raises(parsers.Invalid, match="from 0 to below 1"):
        parsers.rate("100%")
    with pytest.raises(parsers.Invalid, match="from 0 to 1"):
        parsers.share("101%")
    with pytest.raises(parsers.Invalid, match=r'a rate above 1 needs a percent sign; did you mean "1\.01%"'):
        parsers.share(1.01)
    with pytest.raises(parsers.Invalid, match=r'did you mean "2\.5%"'):
        parsers.rate("2.5")
    with pytest.raises(parsers.Invalid, match="more than 15 significant digits"):
        parsers.fraction("8.1234567890123456%")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2025, 6, 3), dt.date(2025, 6, 3)),
        (dt.datetime(2025, 6, 3, 9, 30), dt.date(2025, 6, 3)),
        ("2025-06-03", dt.date(2025, 6, 3)),
    ],
)
def test_dates(value, expected):
    """TOML dates, datetimes (their date) and YYYY-MM-DD text are dates."""
    assert parsers.date(value) == expected


@pytest.mark.parametrize(
    "value", ["20250603", "2025-6-3", "2025-W23-2", "2025-02-30", "03/06/2025", 20250603]
)
def test_dates_other_than_yyyy_mm_dd_are_refused(value):
    """Only the documented YYYY-MM-DD form is a date: no basic ISO, week dates or day-first text."""
    with pytest.raises(parsers.Invalid, match="YYYY-MM-DD"):
        parsers.date(value)


def test_text_codes_currencies_and_choices():
    """Text is trimmed; a numeric stock code is refused (its zeros are lost); currencies and choices ignore case."""
    assert parsers.text("  SenseTime  ") == "SenseTime"
    with pytest.raises(parsers.Invalid, match='quote it: stock_code = "0020"'):
        parsers.code(20)
    with pytest.raises(parsers.Invalid, match='quote it: stock_code = "1211"'):
        parsers.code(1211.0)
    assert parsers.code("0020") == "0020"
    assert parsers.currency("hkd") == "HKD"
    assert parsers.choice(model.EXCHANGES)(" Hkex ") == "HKEX"
    assert parsers.texts("HSBC") == ("HSBC",)
    with pytest.raises(parsers.Invalid, match="must be text"):
        parsers.code(True)


def test_decimals_range():
    """Allocation precision runs from -9 (billions) to 6 decimals."""
    assert parsers.decimals(-9) == -9
    assert parsers.decimals("6") == 6
    with pytest.raises(parsers.Invalid, match="from -9 to 6"):
        parsers.decimals(-10)


def test_currencies_read_from_the_table_are_the_iso4217_packages_own(monkeypatch):
    """The codes read from iso4217's table.xml (without importing the package) equal its own parse, and so does the fallback."""
    from iso4217 import raw_table  # noqa: PLC0415

    expected = frozenset(
        code
        for code, entry in raw_table.items()
        if isinstance(code, str) and (entry["CcyMnrUnts"] != "N.A." or code == "XXX")
    )
    parsers.iso_currencies.cache_clear()
    try:
        assert parsers.iso_currencies() == expected
        assert {"HKD", "USD", "SGD", "AUD", "XXX"} <= expected
        assert not {"XAU", "XTS", "XDR"} & expected
        monkeypatch.setattr("importlib.util.find_spec", lambda _name: None)
        parsers.iso_currencies.cache_clear()
        assert parsers.iso_currencies() == expected
    finally:
        parsers.iso_currencies.cache_clear()


def test_a_table_the_pattern_cannot_read_whole_goes_to_elementtree(monkeypatch, tmp_path):
    """An entry in another shape (its number missing) is not dropped: the whole file is parsed as XML."""
    from iso4217 import raw_table  # noqa: PLC0415

    source = Path(next(iter(importlib.util.find_spec("iso4217").submodule_search_locations))) / "table.xml"
    text = source.read_text(encoding="utf-8").replace("<CcyNbr>344</CcyNbr>", "", 1)  # HKD's number
    assert text != source.read_text(encoding="utf-8")
    (tmp_path / "table.xml").write_text(text, encoding="utf-8")

    spec = types.SimpleNamespace(submodule_search_locations=[str(tmp_path)])
    monkeypatch.setattr("importlib.util.find_spec", lambda _name: spec)
    parsers.iso_currencies.cache_clear()
    try:
        assert "HKD" in parsers.iso_currencies()
        assert len(parsers.iso_currencies()) == len(
            {
                c
                for c, e in raw_table.items()
                if isinstance(c, str) and (e["CcyMnrUnts"] != "N.A." or c == "XXX")
            }
        )
    finally:
        parsers.iso_currencies.cache_clear()


def test_a_commission_rate_has_at_most_six_decimals_as_a_fraction():
    """The report's exact commission formula counts the rate in millionths: 0.0001% steps are read, finer ones refused with the rounded fix."""
    assert parsers.commission_rate("0.0125%") == Decimal("0.000125")
    assert parsers.commission_rate("2.5%") == Decimal("0.025")
    with pytest.raises(parsers.Invalid, match=r'is 1\.234567%: .* round it, e\.g\. "1\.2346%"'):
        parsers.commission_rate("1.234567%")
    with pytest.raises(parsers.Invalid, match="at most four decimals"):
        parsers.commission_rate(0.01234567)
