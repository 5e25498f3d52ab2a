"""Issue 29: the deal sheet of an incomplete deal looks deliberate, and its draft mark is dated as the body dates.

A row whose figure is not given is left off its block and the rows below move up (nothing
prints as a blank, labelled row); a key-figure tile with no figure says in a line what is
missing; the page header's draft mark is a date written as the sheets write dates ("Draft of
16 Jun 2025", the build day tests/conftest.py pins), never the header code &D, which prints the
printer's locale's date (12/06/2026). Checked on the workbook for random deals of every
exchange, and on the printed page (LibreOffice, pdftotext -layout: one text line per sheet row).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from random_deals import random_deal
from report_support import example_mapping, render, values
from report_support import formulas as formulas_of

from xl_placement.libreoffice import convert_many

PINNED_DRAFT = "Draft of 16 Jun 2025"  # SOURCE_DATE_EPOCH 1750032000: 20,255 days after 1 Jan 1970


def incomplete() -> dict[str, Any]:
    """BYD as published without its costs and market prices: no discount, no net, no market context."""
    return example_mapping("byd", costs=None, market=None)


def shown_not_given(data: bytes) -> list[str]:
    """The deal sheet's cells in rows that print and hold "not given" (a blank on the page)."""
    sheet = values(data)["Deal sheet"]
    return [
        cell.coordinate
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == "not given" and not sheet.row_dimensions[cell.row].hidden
    ]


@pytest.mark.parametrize("index", range(24))
def test_no_printed_row_of_the_deal_sheet_holds_a_figure_not_given(index: int) -> None:
    """Random deals of every exchange, most with inputs missing: no row that prints holds "not given"."""
    mapping = random_deal(random.Random(2900 + index), index, complete=index % 4 == 0)  # noqa: S311 - seeded deals
    assert shown_not_given(render(mapping)) == []


def test_the_incomplete_deal_leaves_its_rows_off_and_its_tiles_say_why() -> None:
    """No net, commission, market cap or mandate row is kept; the tiles say what is missing."""
    data = render(incomplete())
    assert shown_not_given(data) == []
    book = values(data)
    for name in ("Net", "TotalCosts", "Commission", "MarketCap", "MarketDate", "MandateLimit"):
        assert name not in book.defined_names, name
    assert shown_not_given(render("sensetime")) == []


@pytest.fixture(scope="module")
def first_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The deal sheet's printed page (pdftotext -layout lines) of the incomplete deal and of the demo."""
    if shutil.which("pdftotext") is None:  # CI installs poppler-utils: never skipped there
        if os.environ.get("CI"):
            pytest.fail("CI must read the printed pages: install poppler-utils (pdftotext)")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    folder = tmp_path_factory.mktemp("close-up")
    books = []
    for name, data in (("incomplete", render(incomplete())), ("demo", render("sensetime"))):
        path = folder / f"{name}.xlsx"
        path.write_bytes(data)
        books.append(path)
    pdfs = convert_many(books, folder / "pdf", "pdf")
    pages = {}
    for book, pdf in zip(books, pdfs, strict=True):
        text = subprocess.run(
            ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages[Path(book).stem] = text.splitlines()
    return pages


def _line(lines: list[str], pattern: str) -> int:
    found = [i for i, line in enumerate(lines) if re.search(pattern, line)]
    assert len(found) == 1, (pattern, found)
    return found[0]


@pytest.mark.libreoffice
def test_the_proceeds_block_closes_up_on_the_printed_page(first_pages: dict[str, list[str]]) -> None:
    """Without costs the note prints on the line below gross (it printed seven blank rows lower)."""
    lines = first_pages["incomplete"]
    gross = _line(lines, r"Gross proceeds\s+43,509\.0")
    assert _line(lines, r"Costs and net proceeds were not published\.") == gross + 1
    # a band with nothing below it keeps its title (which says what is missing) and no column heads
    assert "HKD m" not in lines[_line(lines, r"Market context: not available")]


@pytest.mark.libreoffice
def test_a_key_figure_tile_without_its_figure_says_what_is_missing(first_pages: dict[str, list[str]]) -> None:
    """The tiles' line: gross, then "Market prices not available", the percentage, "Costs not published"."""
    tiles = first_pages["incomplete"][_line(first_pages["incomplete"], r"43,509\.0\s{3,}Market prices")]
    assert re.search(
        r"43,509\.0\s+Market prices not available\s+4\.27%\s+Costs not published$", tiles.strip()
    )


@pytest.mark.libreoffice
def test_the_draft_mark_is_dated_as_the_body_dates(first_pages: dict[str, list[str]]) -> None:
    """The header's draft mark and the body's dates share one format: "16 Jun 2025" beside "10 Jun 2025"."""
    lines = first_pages["demo"]
    header = lines[_line(lines, r"Strictly private and confidential")]
    assert PINNED_DRAFT in header
    assert "Market data as of 10 Jun 2025" in header
    page = "\n".join(lines)
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", page)  # no locale date anywhere on the page
    assert "printed" not in header


def test_a_deal_without_fx_or_volumes_prints_no_empty_strip_or_heads_over_nothing() -> None:
    """London's Diploma has no exchange rate and no volumes: the gross tile's quote strip is unshaded
    (a grey strip with nothing in it looked broken) and the liquidity band keeps its title only."""
    book = values(render("diploma-lse"))
    (title, ref), *_ = book.defined_names["KeyGrossQuote"].destinations
    assert book[title][ref].fill.fill_type is None
    assert book[title][ref].value in (None, "")
    sheet = book["Deal sheet"]
    row = next(r for r in sheet.iter_rows() for c in r if c.value == "Trading volumes were not available")[
        0
    ].row
    heads = [c.value for c in sheet[row - 1] if c.value not in (None, "")]
    assert len(heads) == 1, heads  # the band's title alone
    shaded = values(render("sensetime"))
    (title, ref), *_ = shaded.defined_names["KeyGrossQuote"].destinations
    assert (
        shaded[title][ref].fill.fill_type == "solid"
    )  # with an exchange rate the strip keeps its tile's shade


def test_without_a_last_close_the_discount_tile_shows_the_rules_reference() -> None:
    """Bursa measures from the 5-day VWAP and the example gives no last close: the tile shows that discount
    (it said "Last close not available" beside a known discount), under a label that says so."""
    from fractions import Fraction  # noqa: PLC0415

    data = render("gabungan-aqrs-bursa")
    book, cells = values(data), formulas_of(data)
    (title, ref), *_ = book.defined_names["KeyDiscount"].destinations
    tile = book[title][ref]
    assert tile.offset(row=-1).value == "Discount to 5-day VWAP"
    assert float(tile.value) == pytest.approx(float(1 - Fraction("1.35") / Fraction("1.43")), abs=1e-12)
    assert cells[title][ref].value.startswith(
        "="
    )  # a copy of the pricing table's discount, not a typed number
    sheet = book["Deal sheet"]
    mandate = next(c for row in sheet.iter_rows() for c in row if c.value == "Mandate")
    assert (
        mandate.offset(column=1).value == "General mandate"
    )  # as HKEX and SGX write it, not "The general mandate"
    london = values(render("diploma-lse"))
    (title, ref), *_ = london.defined_names["KeyDiscount"].destinations
    assert london[title][ref].value == "Market prices not available"
