"""The Precedents sheet: live statistics that LibreOffice recalculates to the cached values, marks, chart and page."""

from __future__ import annotations

import io
import math
import re
import shutil
import statistics
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from lo_support import Session, formula_errors, in_session
from report_support import hostile, undated_demo
from test_precedents_after_market import AFTER_CSV, EXPECTED, after_deal, expected_after

from xl_placement import formulas
from xl_placement.dealfile import deal_from_mapping
from xl_placement.figures import compute
from xl_placement.pdf import export_pdf
from xl_placement.precedents import load_precedents
from xl_placement.report import render_report
from xl_placement.report.template import SHEETS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "precedents.csv"
DEMO = ROOT / "examples" / "sensetime.toml"
STAT_LABELS = ("Count", "Minimum", "Lower quartile", "Median", "Mean", "Upper quartile", "Maximum")
MEASURE_HEADS = {
    "discount": "Discount to last close",
    "enlarged": "% of enlarged shares",
    "usd": "Gross proceeds (US$ m)",
}
# Functions Excel 2010 has under these names (no _xlfn. prefix, so never #NAME?), and LibreOffice too.
EXCEL_2010 = {
    "COUNT",
    "MIN",
    "MAX",
    "QUARTILE",
    "MEDIAN",
    "AVERAGE",
    "IF",
    "SUMPRODUCT",
    "ISNUMBER",
    "ROUND",
    "MOD",
}

# Hostile and awkward precedents: formula-like text, a month-only date, an undated row,
# a row with no measure at all, a premium, and no US dollar rates.
AWKWARD = """issuer,stock_code,exchange,currency,kind,date,new_shares,price,last_close,discount_to_last_close,percent_of_existing,gross_proceeds,source
"=HYPERLINK(""http://x"",""y"")",=1+1,SGX,SGD,placing,2024-05,1000000,0.5,0.48,,10%,,@SUM(A1)
Plain Co,0001,SGX,SGD,top-up,2023-02-01,2000000,1.10,1.25,,,"S$2.2m",https://example.com/a
Undated Co,0002,SGX,SGD,,,,,,-1.1%,,,
Blank Co,0003,SGX,SGD,placing,2022-12-31,,,,,,,
"""


def sheet_values(data: bytes) -> tuple[Any, Any]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    return book["Precedents"], cached["Precedents"]


def find(sheet: Any, text: str, column: int) -> int:
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, column).value == text:
            return row
    raise AssertionError(f"{text!r} not in column {column}")


def head_column(sheet: Any, text: str) -> int:
    for cell in sheet[6]:
        if cell.value == text:
            return int(cell.column)
    raise AssertionError(f"no heading {text!r}")


@in_session
def _reports(folder: Path) -> dict[str, bytes]:
    """The demo with the example precedents, and the hostile deal with awkward ones."""
    awkward = folder / "awkward.csv"
    awkward.write_text(AWKWARD, encoding="utf-8")
    after = folder / "after.csv"
    after.write_text(AFTER_CSV, encoding="utf-8")
    cases = {
        "example": (compute(undated_demo()), load_precedents(EXAMPLE)),
        "awkward": (compute(deal_from_mapping(hostile(), "hostile")), load_precedents(awkward)),
        "after": (compute(deal_from_mapping(after_deal(), "after")), load_precedents(after)),
    }
    return {key: render_report(figures, precedents=selection) for key, (figures, selection) in cases.items()}


@pytest.fixture(scope="module")
def reports(lo_session: Session) -> dict[str, tuple[bytes, Path]]:
    """Each report with LibreOffice's recalculated copy."""
    return {key: (book.data, book.result) for key, book in lo_session.results(_reports).items()}


@pytest.mark.libreoffice
@pytest.mark.parametrize("key", ["example", "awkward", "after"])
def test_libreoffice_recalculates_every_precedents_formula_to_its_cached_value(reports, key):
    """Each formula of the Precedents sheet (computed figures, statistics, percentile ranks) recalculates in LibreOffice to the value cached in it, with no error value."""
    data, lo_path = reports[key]
    book, cached = sheet_values(data)
    lo = openpyxl.load_workbook(lo_path, data_only=True)["Precedents"]
    checked, wrong = 0, []
    for row in book.iter_rows():
        for cell in row:
            if cell.data_type != "f":
                continue
            checked += 1
            expected, got = cached[cell.coordinate].value, lo[cell.coordinate].value
            same = (
                expected == got
                if isinstance(expected, str) or isinstance(got, str) or expected is None
                else math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-15)
            )
            if not same:
                wrong.append(f"{cell.coordinate} {cell.value}: LibreOffice {got!r}, cached {expected!r}")
    assert checked >= 30
    assert not wrong, "\n".join(wrong)
    assert formula_errors(lo_path) == []


@pytest.mark.parametrize("measure", list(MEASURE_HEADS))
def test_statistics_cells_match_an_independent_computation(reports, measure):
    """The cached statistics equal Python's statistics module (quantiles 'inclusive' = Excel's QUARTILE) over the table's own column."""
    data, _ = reports["example"]
    _, cached = sheet_values(data)
    column = head_column(cached, MEASURE_HEADS[measure])
    deal_row = 7
    count_row = find(cached, "Count", 3)
    first, last = deal_row + 1, count_row - 2
    values = [cached.cell(r, column).value for r in range(first, last + 1)]
    numbers = [v for v in values if isinstance(v, int | float)]
    q1, _, q3 = statistics.quantiles(numbers, n=4, method="inclusive")
    expected = [
        len(numbers),
        min(numbers),
        q1,
        statistics.median(numbers),
        statistics.fmean(numbers),
        q3,
        max(numbers),
    ]
    got = [cached.cell(count_row + i, column).value for i in range(7)]
    assert [cached.cell(count_row + i, 3).value for i in range(7)] == list(STAT_LABELS)
    for mine, theirs in zip(got, expected, strict=True):
        assert math.isclose(mine, theirs, rel_tol=1e-12)
    mine = cached.cell(deal_row, column).value
    below = sum(v < mine for v in numbers) + sum(v == mine for v in numbers) / 2
    assert math.isclose(cached.cell(count_row + 7, column).value, below / len(numbers), rel_tol=1e-12)


@pytest.mark.parametrize(
    ("n", "measure"), [(1, "after_market_t1"), (5, "after_market_t5"), (20, "after_market_t20")]
)
def test_after_market_quartiles_sit_beside_the_discounts(reports, n, measure):
    """Each "Close T+N vs price" column: the deal's own move (close / price - 1), and statistics and rank equal to Python's statistics on the typed list."""
    data, _ = reports["after"]
    book, cached = sheet_values(data)
    column = head_column(cached, f"Close T+{n} vs price")
    assert column > head_column(cached, "Discount to last close")
    count_row = find(cached, "Count", 3)
    values = EXPECTED[measure]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    expected = [len(values), min(values), q1, q2, statistics.fmean(values), q3, max(values)]
    for offset, theirs in enumerate(expected):
        cell = book.cell(count_row + offset, column)
        assert cell.data_type == "f"
        assert math.isclose(
            cached.cell(count_row + offset, column).value, theirs, rel_tol=1e-12, abs_tol=1e-15
        )
    mine = cached.cell(7, column).value
    assert math.isclose(mine, float(expected_after(n)), rel_tol=1e-12)
    below = sum(v < mine for v in values) + sum(v == mine for v in values) / 2
    assert math.isclose(cached.cell(count_row + 7, column).value, below / len(values), rel_tol=1e-12)


def test_a_deal_without_after_market_says_so_under_each_t_n_column(reports):
    """The demo (no history past T) leaves its T+N blank, its rank "n/a", and the statistics "n/a" over no values."""
    data, _ = reports["example"]
    _, cached = sheet_values(data)
    count_row = find(cached, "Count", 3)
    for n in (1, 5, 20):
        column = head_column(cached, f"Close T+{n} vs price")
        assert cached.cell(7, column).value is None
        assert cached.cell(count_row, column).value == 0
        assert cached.cell(count_row + 2, column).value == "n/a"
        assert cached.cell(count_row + 7, column).value == "n/a"  # the deal's own T+N, above, is blank


def test_the_demo_sits_where_a_banker_would_place_it(reports):
    """The demo's 8.61% discount is above 7 of the 15 known discounts (4.50% ... 8.03%); its 4.04% of enlarged above 4 of 14 (2.10% ... 3.38%)."""
    data, _ = reports["example"]
    _, cached = sheet_values(data)
    rank_row = find(cached, "This deal: percentile rank among them", 3)
    discount = cached.cell(rank_row, head_column(cached, MEASURE_HEADS["discount"])).value
    enlarged = cached.cell(rank_row, head_column(cached, MEASURE_HEADS["enlarged"])).value
    assert math.isclose(discount, 7 / 15, rel_tol=1e-12)
    assert math.isclose(enlarged, 4 / 14, rel_tol=1e-12)


def test_only_excel_2010_functions_are_used(reports):
    """Every formula on the sheet uses functions Excel 2010 knows by that name (no QUARTILE.INC, no #NAME? risk)."""
    for key in reports:
        book, _ = sheet_values(reports[key][0])
        used = {
            name
            for row in book.iter_rows()
            for cell in row
            if cell.data_type == "f"
            for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", str(cell.value))
        }
        assert used
        assert used <= EXCEL_2010, used - EXCEL_2010


def test_computed_figures_are_formulas_in_italic_and_published_ones_inputs(reports):
    """Xiaomi 2025's gross (not published) is a live formula in italic; its published discount is a blue input."""
    book, cached = sheet_values(reports["example"][0])
    row = next(
        r for r in range(8, 30) if book.cell(r, 4).value == "1810" and cached.cell(r, 2).value.year == 2025
    )
    gross = book.cell(row, head_column(book, "Gross proceeds (m)"))
    assert gross.data_type == "f"
    shares, price = (f"{column}{row}" for column in ("H", "I"))
    assert gross.value == "=" + formulas.gross(shares, price)  # the report's one gross formula
    assert gross.font.i
    assert cached[gross.coordinate].value == 42_600_000_000
    discount = book.cell(row, head_column(book, "Discount to last close"))
    assert discount.value == 0.066
    assert discount.font.color.rgb == "FF0000FF"
    assert not discount.font.i


def test_text_is_never_a_formula_and_dates_stay_as_published(reports):
    """Formula-like issuer and source text stays text; "2024-05" stays a month; undated and blank rows sort last/first as dated."""
    book, cached = sheet_values(reports["awkward"][0])
    issuers = [cached.cell(r, 3).value for r in range(8, 12)]
    assert issuers == ["Blank Co", "Plain Co", '=HYPERLINK("http://x","y")', "Undated Co"]
    assert book.cell(10, 3).data_type == "s"
    assert book.cell(10, 4).data_type == "s"
    assert cached.cell(10, 2).value == "2024-05"
    assert cached.cell(11, 2).value is None


def test_the_scatter_chart_labels_each_point_and_tells_kinds_apart():
    """One series per precedent row (US$ gross against discount), labelled "issuer month"; kinds in the legend; the deal a diamond."""
    deal = undated_demo()
    selection = load_precedents(EXAMPLE, deal=deal)
    data = render_report(compute(deal), precedents=selection)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    scatter = next(c for c in charts if "scatterChart" in c)
    refs = re.findall(r"<(?:c:)?f>'Precedents'!(\$[A-Z]+\$\d+(?::\$[A-Z]+\$\d+)?)</(?:c:)?f>", scatter)
    kinds = sorted({p.kind for p in selection.rows})
    assert kinds == ["placing", "subscription", "top-up"]
    legend_only = refs[: 2 * len(kinds)]
    assert set(legend_only) == {"$W$7"}  # an empty cell: the kinds' legend series draw no point
    points = refs[2 * len(kinds) :]
    # x then y of each row: R (gross proceeds in US$) and K (discount to last close), rows 8..24, then the deal's row 7
    assert points == [ref for row in [*range(8, 25), 7] for ref in (f"$R${row}", f"$K${row}")]
    for kind in ("Placing of new shares", "Top-up placing", "Subscription"):
        assert f"<v>{kind}</v>" in scatter.replace("c:", "")
    assert "BYD Mar 2025" in scatter  # BYD Company Limited, 2025-03-03
    assert "SenseTime Dec 2025" in scatter
    assert "<tx><v>BYD Mar 2025</v></tx>" in scatter.replace("c:", "")  # literal names, never references
    for symbol in ("diamond", "circle", "triangle", "square"):
        assert symbol in scatter
    assert "logBase" in scatter


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo) is not installed")
def test_the_report_with_precedents_prints_a_landscape_page_per_sheet(tmp_path):
    """Exported to PDF, the report has one landscape page per sheet, the Precedents page included."""
    source = tmp_path / "report.xlsx"
    source.write_bytes(render_report(compute(undated_demo()), precedents=load_precedents(EXAMPLE)))
    info = subprocess.run(
        ["pdfinfo", "-l", "99", str(export_pdf(source))], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(rf"^Pages:\s+{len(SHEETS) + 1}$", info, re.MULTILINE)
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert len(sizes) == len(SHEETS) + 1
    assert all(float(w) > float(h) for w, h in sizes)


def test_the_notes_say_where_the_figures_come_from(tmp_path):
    """Reported figures carry the "not checked against filings" caveat; figures from deal files say they are computed."""
    deal = undated_demo()
    reported = render_report(compute(deal), precedents=load_precedents(EXAMPLE))
    folder = tmp_path / "deals"
    folder.mkdir()
    (folder / "byd.toml").write_bytes((ROOT / "examples" / "byd.toml").read_bytes())
    computed = render_report(compute(deal), precedents=load_precedents(folder))
    notes = []
    for data in (reported, computed):
        book = openpyxl.load_workbook(io.BytesIO(data))
        (title, ref), *_ = book.defined_names["PrecedentNotes"].destinations
        notes.append(book[title][ref.replace("$", "")].value)
    assert "not checked against the exchange's filings" in notes[0]
    assert "computed by xl-placement" not in notes[0]
    assert "computed by xl-placement from the deals" in notes[1]
    assert "not checked" not in notes[1]
