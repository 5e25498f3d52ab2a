"""A printed page speaks to its reader: no deal-file keys, no tool hints, figures at a precision a reader trusts.

Every page of every example (with the example precedents), of the announcements' deal files and
of 20 random deals over all exchanges is printed to PDF by LibreOffice in ONE run, and the
text of the PDFs (pdftotext) is searched for what a banker would have to edit out by hand
before sending it: a deal-file key (``placing.mandate_used``, ``[[market.history]]``), square
brackets, "not given", hints for the preparer ("must be zero", "blue: inputs"), a price with
five or more decimals, an amount to the cent in parentheses, a zero levy as "USD 0.0".
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from random_deals import random_deal
from report_support import EXAMPLES, ROOT

from xl_placement import load_deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import InputError
from xl_placement.figures import compute
from xl_placement.libreoffice import convert_many
from xl_placement.precedents import load_precedents
from xl_placement.report import render_report

pytestmark = pytest.mark.libreoffice

RANDOM_DEALS = 20
CURRENCIES = {"HKEX": "HKD", "SGX": "SGD", "ASX": "AUD", "NASDAQ": "USD"}
# What a printed page must never carry, each with why.
FORBIDDEN = {
    "a deal-file key": re.compile(
        r"\b(?:issuer|placing|market|costs|proceeds|fx|grid|report|shareholders|stated)\.[a-z][a-z0-9_]*"
    ),
    "square brackets (a deal-file table or a placeholder)": re.compile(r"[\[\]]"),
    "a figure 'not given'": re.compile(r"not given", re.IGNORECASE),
    "the deal file": re.compile(r"deal[ -]file", re.IGNORECASE),
    "a check for the preparer": re.compile(r"must be zero|Rounding \(decimal places\)"),
    "the colour legend": re.compile(r"blue: |black: formulas"),
    "how the grid's range was set": re.compile(r"default range|as set in"),
    "the market data date's absence": re.compile(r"Market data date"),
    "a date not as the sheets write it (10 Jun 2025)": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a price or figure with five or more decimals": re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})*\.\d{5,}"),
    "an amount to the cent in parentheses": re.compile(r"\(\d{1,3}(?:,\d{3}){2,}\.\d\d\)"),
    "a zero amount to one decimal": re.compile(r"\b[A-Z]{3} 0\.0\b(?!\d)"),
}


def _random_deals() -> dict[str, dict]:
    """20 random deals: half with every input, half with optional inputs missing, over all exchanges."""
    rng = random.Random(29)  # noqa: S311 - seeded deals, not secrets
    deals = {}
    for index in range(RANDOM_DEALS):
        # The generator draws every exchange; odd deals leave optional inputs out.
        mapping = random_deal(rng, index, complete=not index % 2)
        deals[f"random-{index:02}"] = mapping
    return deals


def _books(folder: Path) -> list[Path]:
    """Each report workbook, written to ``folder``."""
    books: dict[str, bytes] = {}
    precedents = load_precedents(EXAMPLES / "precedents.csv")
    for path in sorted(EXAMPLES.glob("*.toml")):
        books[path.stem] = render_report(compute(load_deal(path)), precedents=precedents)
    for path in sorted((ROOT / "tests" / "announcements").glob("*.toml")):
        try:
            deal = load_deal(path)
        except InputError:  # a deal file of figures only (no placing to build), checked elsewhere
            continue
        books[f"announcement-{path.stem}"] = render_report(compute(deal))
    for name, mapping in _random_deals().items():
        books[name] = render_report(compute(deal_from_mapping(mapping, name)))
    paths = []
    for name, data in books.items():
        path = folder / f"{name}.xlsx"
        path.write_bytes(data)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def page_texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The text of each printed page, by workbook: all PDFs from one LibreOffice start."""
    if shutil.which("pdftotext") is None:  # CI installs poppler-utils: never skipped there
        if os.environ.get("CI"):
            pytest.fail("CI must search the printed pages: install poppler-utils (pdftotext)")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    folder = tmp_path_factory.mktemp("pages")
    books = _books(folder)
    pdfs = convert_many(books, folder / "pdf", "pdf", timeout=900)
    texts = {}
    for book, pdf in zip(books, pdfs, strict=True):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        texts[book.stem] = text.split("\f")
    return texts


def test_every_workbook_was_printed(page_texts):
    """The examples, the announcements and the random deals all came out as PDFs of several pages."""
    assert len(page_texts) >= len(list(EXAMPLES.glob("*.toml"))) + RANDOM_DEALS + 10
    assert all(len([p for p in pages if p.strip()]) >= 4 for pages in page_texts.values())


@pytest.mark.parametrize("what", list(FORBIDDEN))
def test_no_printed_page_carries(page_texts, what):
    """No page of any printed report carries ``what``: the reader gets words, the preparer gets `check`."""
    pattern = FORBIDDEN[what]
    found = [
        f"{name} page {number}: {line.strip()[:160]}"
        for name, pages in page_texts.items()
        for number, page in enumerate(pages, start=1)
        for line in page.splitlines()
        if pattern.search(line)
    ]
    assert not found, f"{len(found)} lines:\n" + "\n".join(found[:30])


def test_the_search_finds_what_it_looks_for():
    """Each pattern matches the phrase the pages used to carry, so a pass is not a blind pattern."""
    before = {
        "a deal-file key": "(placing.remaining_7_1)",
        "square brackets (a deal-file table or a placeholder)": "Not itemised ([[costs.items]])",
        "a figure 'not given'": "Market data as of   not given",
        "the deal file": "no holder is marked public = false in the deal file",
        "a check for the preparer": "Difference: units allocated less units to split (must be zero)",
        "the colour legend": "amounts in HKD unless stated · blue: inputs, black: formulas",
        "how the grid's range was set": "in steps of HKD 0.02 (default range)",
        "the market data date's absence": "Market data date not given",
        "a date not as the sheets write it (10 Jun 2025)": "Market data as of 2025-06-10",
        "a price or figure with five or more decimals": "30-day average close   12.679333",
        "an amount to the cent in parentheses": "HK$3.247bn (3,247,000,000.00)",
        "a zero amount to one decimal": "Stamp duty   USD 0.0",
    }
    assert set(before) == set(FORBIDDEN)
    for what, text in before.items():
        assert FORBIDDEN[what].search(text), what
    # and leaves alone what a reader needs: a 4-decimal SGX price, an exchange rate, a percentage
    for fine in ("S$0.0388", "Exchange rate (HKD per USD)  7.8203", "8.61% (8.6124%)", "HK$12.679"):
        assert not any(p.search(fine) for p in FORBIDDEN.values()), fine


def test_an_incomplete_deal_says_what_is_missing_in_one_line_each(page_texts):
    """Tritech's announcement gives no costs, uses, volumes or dates: each table says so in a line."""
    text = " ".join(" ".join(page.split()) for page in page_texts["announcement-sgx-tritech-2019-11"])
    for line in (
        "Costs and net proceeds were not published.",
        "The use of proceeds was not published",
        "Trading volumes were not available",
        "Other costs were not itemised",
        "Timetable: no dates were available",
        "Market context: not available",
        "No pricing grid: the last close was not available.",
    ):
        assert line in text, line
