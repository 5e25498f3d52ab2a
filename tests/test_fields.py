"""Tests for xl_placement.fields: the table of fields, and the generated deal-file reference in docs/deal-file.md."""

from __future__ import annotations

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


def test_the_reference_refuses_a_stated_key_without_its_docs(monkeypatch):
    """A [stated] key added to fields.STATED_KEYS without its form and meaning fails the generator, naming it."""
    monkeypatch.setattr(field_reference, "STATED_KEYS", (*fields.STATED_KEYS, "discount_to_open"))
    with pytest.raises(ValueError, match=r"without docs: \['discount_to_open'\]"):
        field_reference.markdown_reference()
