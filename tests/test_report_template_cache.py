"""The parsed-template cache: a report built from the cached template is the one a fresh parse gives."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from report_support import hostile, render

from xl_placement.report import DEFAULT_TEMPLATE, load_template
from xl_placement.report import template as template_module


@pytest.fixture(autouse=True)
def no_cache() -> Iterator[None]:
    """Each test starts and ends with an empty cache, as a fresh process would."""
    template_module._PARSED.clear()
    template_module._SEEN.clear()
    yield
    template_module._PARSED.clear()
    template_module._SEEN.clear()


def _fresh(deal: str | dict[str, Any]) -> bytes:
    template_module._PARSED.clear()
    template_module._SEEN.clear()
    return render(deal)


def _many_uses() -> dict[str, Any]:
    deal = hostile()
    deal["proceeds"] = {
        "decimals": 2,
        "uses": [{"name": f"use {i}", "share": "0.0833"} for i in range(11)]
        + [{"name": "rest", "share": "0.0837"}],
    }
    return deal


@pytest.mark.parametrize("deal", ["sensetime", "byd", "hostile", "many uses"])
def test_report_from_the_cached_template_has_the_same_bytes(deal):
    """Rendering again in the same process (template unpickled, not parsed) gives byte-identical files."""
    mapping = {"hostile": hostile, "many uses": _many_uses}
    subject = mapping[deal]() if deal in mapping else deal
    first = _fresh(subject)
    assert not template_module._PARSED, "one report in a process should not pay for pickling the template"
    assert render(subject) == first  # parsed again, and kept
    assert template_module._PARSED, "the second load should have kept the parsed template"
    assert render(subject) == first  # unpickled
    assert render(subject) == first


def test_a_kept_template_serves_the_next_load() -> None:
    """What a batch does before its workers start: the template parsed and kept at once."""
    template_module.keep_template()
    assert template_module._PARSED
    assert render("sensetime") == _fresh("sensetime")


def test_a_cached_template_is_a_fresh_copy_each_time():
    """Filling one loaded template does not leak into the next load."""
    template_module.keep_template()
    first = load_template()
    first["Deal sheet"]["A1"] = "changed"
    first["Deal sheet"].row_dimensions[200].height = 40
    second = load_template()
    assert second["Deal sheet"]["A1"].value != "changed"
    assert second["Deal sheet"].row_dimensions[200].height is None


def test_an_edited_template_file_is_parsed_again(tmp_path: Path):
    """A template file changed on disk (new time or size) is read again, not served from the cache."""
    path = tmp_path / "template.xlsx"
    path.write_bytes(DEFAULT_TEMPLATE.read_bytes())
    assert load_template(path)["Deal sheet"]["A40"].value is None
    book = openpyxl.load_workbook(path)
    book["Deal sheet"]["A40"] = "added by the user"
    book.save(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_template(path)["Deal sheet"]["A40"].value == "added by the user"
