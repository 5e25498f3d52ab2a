"""The oracle: LibreOffice recalculates every report formula to the value Python computed."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from lo_support import Session, formula_errors, in_session
from report_support import find_row, formulas, history_deal, hostile, named, render, thin_use_deal, values

from xl_placement.pdf import export_pdf
from xl_placement.report.template import SHEETS

pytestmark = pytest.mark.libreoffice

DEALS = {
    "sensetime": "sensetime",
    "byd": "byd",
    "hostile": hostile(),
    "history": history_deal(),
    "topup": "topup-illustrative",
    "thin": thin_use_deal(),  # waterfall labels that are formulas (costs and a 2% use)
}


def _close(got: Any, expected: Any) -> bool:
    if isinstance(expected, str | dt.datetime) or isinstance(got, str | dt.datetime):
        return got == expected
    if expected == 0:
        return abs(got) <= 1e-9
    return math.isclose(got, expected, rel_tol=1e-9)


@in_session
def _reports(folder: Path) -> dict[str, bytes]:
    """Each deal's report, and the demo's with the price changed to HK$1.80 on the deal sheet."""
    del folder
    books = {key: render(deal) for key, deal in DEALS.items()}
    book = formulas(books["sensetime"])
    (title, ref), *_ = book.defined_names["Price"].destinations
    book[title][ref.replace("$", "")].value = 1.80
    stream = io.BytesIO()
    book.save(stream)
    books["edited"] = stream.getvalue()
    return books


@pytest.fixture(scope="module")
def recalculated(lo_session: Session) -> dict[str, tuple[bytes, Path]]:
    """Each deal's report and LibreOffice's recalculated copy of it."""
    return {key: (book.data, book.result) for key, book in lo_session.results(_reports).items()}


@pytest.mark.parametrize("key", DEALS)
def test_every_formula_recalculates_to_the_python_value(recalculated, key):
    """Every formula cell, recalculated by LibreOffice, equals the value Python cached in it."""
    data, lo_path = recalculated[key]
    book, cached = formulas(data), values(data)
    lo = openpyxl.load_workbook(lo_path, data_only=True)
    checked, wrong = 0, []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                checked += 1
                expected = cached[sheet.title][cell.coordinate].value
                got = lo[sheet.title][cell.coordinate].value
                if expected is None or got is None or not _close(got, expected):
                    wrong.append(
                        f"'{sheet.title}'!{cell.coordinate} {cell.value}: LibreOffice {got!r}, Python {expected!r}"
                    )
    assert checked > 40
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("key", DEALS)
def test_no_formula_errors_after_recalculation(recalculated, key):
    """LibreOffice finds no #NAME?, #DIV/0!, #REF! or other error value anywhere in the report."""
    _, lo_path = recalculated[key]
    assert formula_errors(lo_path) == []


@pytest.mark.parametrize("key", DEALS)
def test_allocation_adds_up_exactly_in_libreoffice(recalculated, key):
    """The recalculated use-of-proceeds amounts add up to the allocated amount exactly (no float residue)."""
    _, lo_path = recalculated[key]
    lo = openpyxl.load_workbook(lo_path, data_only=True)
    sheet = lo["Use of proceeds"]
    band = "Use (illustrative)" if key == "byd" else "Use"  # BYD's split is flagged illustrative
    first = find_row(sheet, band) + 1
    total_row = next(
        r for r in range(first, sheet.max_row + 1) if str(sheet.cell(r, 2).value).startswith("Total")
    )
    amounts = [sheet.cell(row, 4).value for row in range(first, total_row)]
    assert sheet.cell(total_row, 4).value == named(lo, "AllocBase")
    # The quote column in millions to one decimal, as printed: when its rows do not add up to its
    # total as printed, the total's label says so.
    quotes = [sheet.cell(row, 5).value for row in range(first, total_row + 1)]
    if all(isinstance(q, float) for q in quotes):
        shown = [Decimal(repr(q / 1e6)).quantize(Decimal("0.1"), ROUND_HALF_UP) for q in quotes]
        adds_up = sum(shown[:-1]) == shown[-1]
        label = sheet.cell(total_row, 2).value
        assert label == ("Total" if adds_up else "Total (rows rounded separately)"), (shown, label)
    decimals = named(lo, "AllocDecimals")
    units = [round(a * 10**decimals) for a in amounts]
    assert sum(units) == round(named(lo, "AllocBase") * 10**decimals)
    assert named(lo, "AllocCheck") == 0


def test_hostile_ties_go_to_the_earliest_use_in_libreoffice(recalculated):
    """With four equal shares of an odd number of cents, LibreOffice gives the extra cent to the first use, as Python does."""
    _, lo_path = recalculated["hostile"]
    sheet = openpyxl.load_workbook(lo_path, data_only=True)["Use of proceeds"]
    first = find_row(sheet, "Use") + 1
    assert [sheet.cell(first + i, 4).value for i in range(4)] == [832500.09, 832500.08, 832500.08, 832500.08]


def test_a_changed_price_flows_through_every_figure(recalculated):
    """A user who changes the price sees gross, net, discounts, dilution price and the allocation follow."""
    lo = openpyxl.load_workbook(recalculated["edited"][1], data_only=True)
    assert named(lo, "Gross") == 1_700_000_000 * 1.80
    assert named(lo, "Net") == 3_060_000_000
    sheet = lo["Use of proceeds"]
    total = find_row(sheet, "Total")
    assert sheet.cell(total, 4).value == 3_060_000_000
    deal_sheet = lo["Deal sheet"]
    last_close = find_row(deal_sheet, "Last close")
    assert math.isclose(deal_sheet.cell(last_close, 4).value, 1 - 1.80 / 2.09, rel_tol=1e-12)


@pytest.mark.skipif(
    shutil.which("pdfinfo") is None and not os.environ.get("CI"),
    reason="poppler-utils (pdfinfo) is not installed; on Debian/Ubuntu `sudo apt-get install poppler-utils`",
)
@pytest.mark.parametrize("key", ["sensetime", "hostile"])
def test_each_sheet_prints_on_one_landscape_page(tmp_path, key):
    """Exported to PDF, the report has exactly one page per sheet, each landscape."""
    source = tmp_path / "report.xlsx"
    source.write_bytes(render(DEALS[key]))
    pdf = export_pdf(source)
    info = subprocess.run(
        ["pdfinfo", "-l", "99", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(rf"^Pages:\s+{len(SHEETS)}$", info, re.MULTILINE)
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert len(sizes) == len(SHEETS)
    assert all(float(width) > float(height) for width, height in sizes)
