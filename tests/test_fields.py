"""Tests for xl_placement.fields: the value parsers and the generated deal-file reference in docs/deal-file.md."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import field_reference
import pytest

from xl_placement import deal as model
from xl_placement import fields
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError

D = Decimal
DEAL_FILE_PAGE = Path(__file__).resolve().parent.parent / "docs" / "deal-file.md"
BEGIN = re.compile(r"<!-- fields:begin[^>]*-->\n\n")
END = "\n<!-- fields:end -->"
REGENERATE = "python scripts/field_reference.py"


def deal_file_section() -> str:
    """The documentation's deal-file page (docs/deal-file.md)."""
    return DEAL_FILE_PAGE.read_text(encoding="utf-8")


def test_readme_reference_is_what_the_fields_table_generates():
    """The field reference in docs/deal-file.md is exactly scripts/field_reference.py's, so the docs cannot drift."""
    section = deal_file_section()
    begin = BEGIN.search(section)
    assert begin is not None, "docs/deal-file.md lacks the <!-- fields:begin --> marker"
    documented = section[begin.end() : section.index(END)]
    assert documented == field_reference.markdown_reference(), (
        f"docs/deal-file.md field reference is out of date; regenerate: {REGENERATE}"
    )


def test_reference_names_every_field_and_stated_key():
    """Every field of every section and table, and every [stated] key, has a row in the reference."""
    reference = field_reference.markdown_reference()
    for path, specs in {**fields.SECTIONS, **fields.TABLES}.items():
        header = f"[[{path}]]" if path in fields.TABLES else f"[{path}]"
        assert f"### `{header}`" in reference
        for spec in specs:
            assert re.search(rf"^\| `{re.escape(spec.name)}` \| [^|]+ \| [^|]+ \| .+ \|$", reference, re.M), (
                spec.name
            )
    for key in fields.STATED_KEYS:
        assert f"| `{key}` |" in reference
    assert "### `[stated]`" in reference


def test_reference_marks_required_fields_and_model_defaults():
    """Required fields say so; optional ones show the default the deal model really uses."""
    reference = field_reference.markdown_reference()
    assert "| `price` | issuer currency per share | required |" in reference
    assert f"| optional, default `{model.Placing.__dataclass_fields__['kind'].default}` |" in reference
    assert "| `mandate` | one of `general`, `specific` | optional |" in reference  # no default: not given
    assert "| `basis` | one of `net`, `gross` | optional, default `net` |" in reference
    assert "| `last_close` | issuer currency per share | optional |" in reference
    assert "| `shares_outstanding` | shares | optional |" in reference
    assert "### `[market]` (optional)" in reference
    assert "### `[costs]` (optional)" in reference
    assert "### `[issuer]` (required)" in reference


def test_required_sections_are_the_ones_validation_requires():
    """The sections the reference calls required are exactly those an empty deal is told it lacks."""
    with pytest.raises(DealError) as caught:
        deal_from_mapping({})
    assert tuple(p.path for p in caught.value.problems) == fields.REQUIRED_SECTIONS


def test_readme_examples_load_and_agree():
    """The TOML and JSON examples on the deal-file page are valid and describe the same deal."""
    section = deal_file_section()
    toml_text = re.search(r"```toml\n(.*?)```", section, re.S)
    json_text = re.search(r"```json\n(.*?)```", section, re.S)
    assert toml_text is not None
    assert json_text is not None
    from_toml = deal_from_mapping(tomllib.loads(toml_text.group(1)))
    from_json = deal_from_mapping(json.loads(json_text.group(1)))
    assert from_toml == from_json
    assert from_toml.proceeds.uses[0].share == D("0.6")


def test_readme_error_example_is_what_validation_prints():
    """The deal-file page's sample messages are the real output for a price of -1.91, a 'pirce' and uses adding to 90%."""
    section = deal_file_section()
    toml_text = re.search(r"```toml\n(.*?)```", section, re.S)
    sample = re.search(r"```text\n(.*?)```", section, re.S)
    assert toml_text is not None
    assert sample is not None
    data = tomllib.loads(toml_text.group(1))
    data["placing"]["price"] = -1.91
    data["placing"]["pirce"] = 1.91
    data["proceeds"]["uses"][1]["share"] = 0.3
    with pytest.raises(DealError) as caught:
        deal_from_mapping(data, "examples/x.toml")
    assert str(caught.value) == sample.group(1).strip()


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
    assert fields.number(value) == expected


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
    with pytest.raises(fields.Invalid, match=message):
        fields.number(value)


def test_whole_numbers():
    """1.7e9 and "1,700,000,000" are whole numbers; 1.5 is not; zero is not positive."""
    assert fields.positive_whole(1.7e9) == 1_700_000_000
    assert fields.positive_whole("1,700,000,000") == 1_700_000_000
    assert fields.non_negative_whole(0) == 0
    with pytest.raises(fields.Invalid, match="must be a whole number"):
        fields.whole(1.5)
    with pytest.raises(fields.Invalid, match="positive whole number"):
        fields.positive_whole(0)


def test_fractions_and_percentages():
    """ "8.6%" and 0.086 are the same fraction; a share may be 0 or 1 but a rate must stay below 1."""
    assert fields.fraction("8.6%") == fields.fraction(0.086) == D("0.086")
    assert fields.fraction(" -1.1% ") == D("-0.011")
    assert fields.share(1) == 1
    assert fields.share("0%") == 0
    assert fields.rate("2.5%") == D("0.025")
    with pytest.raises(fields.Invalid, match="from 0 to below 1"):
        fields.rate("100%")
    with pytest.raises(fields.Invalid, match="from 0 to 1"):
        fields.share("101%")
    with pytest.raises(fields.Invalid, match=r'a rate above 1 needs a percent sign; did you mean "1\.01%"'):
        fields.share(1.01)
    with pytest.raises(fields.Invalid, match=r'did you mean "2\.5%"'):
        fields.rate("2.5")
    with pytest.raises(fields.Invalid, match="more than 15 significant digits"):
        fields.fraction("8.1234567890123456%")


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
    assert fields.date(value) == expected


@pytest.mark.parametrize(
    "value", ["20250603", "2025-6-3", "2025-W23-2", "2025-02-30", "03/06/2025", 20250603]
)
def test_dates_other_than_yyyy_mm_dd_are_refused(value):
    """Only the documented YYYY-MM-DD form is a date: no basic ISO, week dates or day-first text."""
    with pytest.raises(fields.Invalid, match="YYYY-MM-DD"):
        fields.date(value)


def test_text_codes_currencies_and_choices():
    """Text is trimmed; a numeric stock code is refused (its zeros are lost); currencies and choices ignore case."""
    assert fields.text("  SenseTime  ") == "SenseTime"
    with pytest.raises(fields.Invalid, match='quote it: stock_code = "0020"'):
        fields.code(20)
    with pytest.raises(fields.Invalid, match='quote it: stock_code = "1211"'):
        fields.code(1211.0)
    assert fields.code("0020") == "0020"
    assert fields.currency("hkd") == "HKD"
    assert fields.choice(model.EXCHANGES)(" Hkex ") == "HKEX"
    assert fields.texts("HSBC") == ("HSBC",)
    with pytest.raises(fields.Invalid, match="must be text"):
        fields.code(True)


def test_decimals_range():
    """Allocation precision runs from -9 (billions) to 6 decimals."""
    assert fields.decimals(-9) == -9
    assert fields.decimals("6") == 6
    with pytest.raises(fields.Invalid, match="from -9 to 6"):
        fields.decimals(-10)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("average_close_5d", ("average_close_<N>d", 5)),
        ("average_close_120d", ("average_close_<N>d", 120)),
        ("vwap_15d", ("vwap_<N>d", 15)),
        ("average_close_0d", None),
        ("average_close_1000d", None),
        ("average_close_5", None),
    ],
)
def test_patterned_names(name, expected):
    """average_close_<N>d and vwap_<N>d match N from 1 to 999 and nothing else."""
    assert model.match_pattern(name, ["average_close_<N>d", "vwap_<N>d"]) == expected


def test_currencies_read_from_the_table_are_the_iso4217_packages_own(monkeypatch):
    """The codes read from iso4217's table.xml (without importing the package) equal its own parse, and so does the fallback."""
    from iso4217 import raw_table  # noqa: PLC0415

    expected = frozenset(
        code
        for code, entry in raw_table.items()
        if isinstance(code, str) and (entry["CcyMnrUnts"] != "N.A." or code == "XXX")
    )
    fields.iso_currencies.cache_clear()
    try:
        assert fields.iso_currencies() == expected
        assert {"HKD", "USD", "SGD", "AUD", "XXX"} <= expected
        assert not {"XAU", "XTS", "XDR"} & expected
        monkeypatch.setattr("importlib.util.find_spec", lambda _name: None)
        fields.iso_currencies.cache_clear()
        assert fields.iso_currencies() == expected
    finally:
        fields.iso_currencies.cache_clear()


def test_a_commission_rate_has_at_most_six_decimals_as_a_fraction():
    """The report's exact commission formula counts the rate in millionths: 0.0001% steps are read, finer ones refused with the rounded fix."""
    assert fields.commission_rate("0.0125%") == Decimal("0.000125")
    assert fields.commission_rate("2.5%") == Decimal("0.025")
    with pytest.raises(fields.Invalid, match=r'is 1\.234567%: .* round it, e\.g\. "1\.2346%"'):
        fields.commission_rate("1.234567%")
    with pytest.raises(fields.Invalid, match="at most four decimals"):
        fields.commission_rate(0.01234567)
