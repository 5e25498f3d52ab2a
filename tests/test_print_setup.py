"""Print setup of the other files a user prints: placement.xlsm's sheets and the batch summary;
and batch PDFs, rendered with one LibreOffice run per worker."""

from __future__ import annotations

import concurrent.futures
import io
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xl_placement import load_deal
from xl_placement import pdf as pdf_module
from xl_placement.batch import ERROR, Outcome, run_batch, summary_xlsx
from xl_placement.batch import run as batch_run
from xl_placement.errors import DependencyMissingError
from xl_placement.inputs import defined_name
from xl_placement.workbook import CONF_SHEET, workbook_bytes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def sheet_xml(data: bytes, index: int) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


@pytest.fixture(scope="module")
def workbook() -> bytes:
    return workbook_bytes(deal=load_deal(EXAMPLES / "sensetime.toml"))


def test_inputs_sheet_prints_at_a_readable_scale_in_two_parts(workbook):
    """Inputs prints at 72% (not shrunk to one page wide), landscape A4, with a page break before column E."""
    inputs = sheet_xml(workbook, 1)
    setup = re.search(r"<pageSetup[^>]*>", inputs)
    assert setup
    assert 'scale="72"' in setup[0]
    assert 'orientation="landscape"' in setup[0]
    assert 'paperSize="9"' in setup[0]
    assert "<fitToPage" not in inputs
    assert re.search(r'<colBreaks[^>]*>.*<brk id="4"', inputs)


def test_fx_source_wraps_in_its_cell_and_its_row_is_tall_enough(workbook):
    """The FX source (longer than its column) wraps, and its row is at least two lines high."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book["Inputs"]
    (_, ref), *_ = book.defined_names[defined_name("fx.source")].destinations
    cell = sheet[ref.replace("$", "")]
    assert cell.value.startswith("implied by HK$3,247m")
    assert cell.alignment.wrap_text
    assert sheet.row_dimensions[cell.row].height >= 30


def test_instructions_wrap_inside_the_first_printed_part(workbook):
    """Each instruction line is merged across A:D and wraps there, so the first page holds it whole."""
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["Inputs"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    for row in range(2, 6):
        assert f"A{row}:D{row}" in merged
        assert sheet[f"A{row}"].alignment.wrap_text


def test_xlwings_conf_sheet_is_hidden_and_not_printed(workbook):
    """xlwings.conf is hidden with no print area (so neither Excel nor LibreOffice prints it); shown, it fits a page."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    conf = sheet_xml(workbook, book.sheetnames.index(CONF_SHEET) + 1)
    setup = re.search(r"<pageSetup[^>]*>", conf)
    assert setup
    assert 'fitToWidth="1"' in setup[0] or "fitToWidth" not in setup[0]  # 1 is the default
    assert 'fitToHeight="1"' in setup[0] or "fitToHeight" not in setup[0]
    assert '<pageSetUpPr fitToPage="1"' in conf
    assert book[CONF_SHEET].sheet_state == "hidden"
    assert not book[CONF_SHEET].print_area


OUTCOMES = [
    Outcome(
        "deals.csv row 2",
        2,
        "passed",
        report="out/row2-0020.xlsx",
        issuer={
            "issuer": "SenseTime Group Inc.",
            "stock code": "0020",
            "exchange": "HKEX",
            "currency": "HKD",
        },
        figures={"price": Decimal("1.91"), "gross_proceeds": Decimal(3_247_000_000)},
    )
]


def test_summary_prints_landscape_two_pages_wide_with_headings_repeated():
    """summary.xlsx: landscape A4, fitted two pages wide, the heading row repeated on every page."""
    data = summary_xlsx(OUTCOMES)
    xml = sheet_xml(data, 1)
    setup = re.search(r"<pageSetup[^>]*>", xml)
    assert setup
    assert 'orientation="landscape"' in setup[0]
    assert 'fitToWidth="2"' in setup[0]
    assert 'fitToHeight="0"' in setup[0]
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book["Summary"].print_title_rows == "$1:$1"


def test_summary_shows_amounts_in_millions_and_keeps_the_exact_amount():
    """Gross proceeds read 3,247.0 under "gross proceeds (m)", while the cell holds 3,247,000,000."""
    book = openpyxl.load_workbook(io.BytesIO(summary_xlsx(OUTCOMES)))
    sheet = book["Summary"]
    heads = [c.value for c in sheet[1]]
    column = heads.index("gross proceeds (m)") + 1
    cell = sheet.cell(2, column)
    assert cell.value == 3_247_000_000
    assert cell.number_format == "#,##0.0,,"
    price = sheet.cell(2, heads.index("price") + 1)
    assert price.number_format == "#,##0.00##"  # a price is not an amount: not in millions


needs_soffice = pytest.mark.libreoffice


def deals_folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "deals"
    folder.mkdir()
    for index in range(count):
        shutil.copy(EXAMPLES / ("sensetime.toml" if index % 2 else "byd.toml"), folder / f"deal{index}.toml")
    return folder


@needs_soffice
def test_batch_pdf_renders_every_report_with_one_libreoffice_run(tmp_path, monkeypatch):
    """Three reports, one worker: one LibreOffice conversion of all three; each PDF sits beside its report."""
    calls: list[int] = []
    real = pdf_module.convert_into

    def counting(sources, *args, **kwargs):
        calls.append(len(sources))
        return real(sources, *args, **kwargs)

    monkeypatch.setattr(pdf_module, "convert_into", counting)
    result = run_batch(deals_folder(tmp_path, 3), tmp_path / "out", workers=1, pdf=True)
    assert calls == [3]
    assert not result.errors
    for outcome in result.outcomes:
        pdf = Path(outcome.report).with_suffix(".pdf")
        assert pdf.read_bytes().startswith(b"%PDF")


def test_work_is_shared_one_share_per_worker(monkeypatch, tmp_path):
    """Five reports over two workers: two shares (3 and 2 files), each converted by one LibreOffice run."""
    shares: list[list[Path]] = []
    monkeypatch.setattr(pdf_module, "require_soffice", lambda _purpose: "soffice")

    class Pool:
        def __init__(self, max_workers, initializer):
            assert max_workers == 2
            assert initializer is None
            self._processes = {}  # what export_pdfs terminates when it is interrupted

        def shutdown(self, wait=True, cancel_futures=False):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def map(self, fn, paths, forces, timeouts):
            assert fn is pdf_module._export_share_in_worker
            assert forces == [False, False]
            assert timeouts == [pdf_module.DEFAULT_TIMEOUT] * 2
            shares.extend(paths)
            return [{} for _ in paths]

    monkeypatch.setattr(
        concurrent.futures, "ProcessPoolExecutor", Pool
    )  # export_pdfs imports it at first use
    reports = [tmp_path / f"r{i}.xlsx" for i in range(5)]
    assert pdf_module.export_pdfs(reports, workers=2) == {}
    assert sorted(len(s) for s in shares) == [2, 3]
    assert sorted(p for s in shares for p in s) == sorted(reports)


@needs_soffice
def test_an_existing_pdf_fails_its_deal_without_force(tmp_path):
    """A PDF already there is kept; that deal is reported failed with the reason, the other deals get theirs."""
    folder = deals_folder(tmp_path, 2)
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "deal0.pdf"
    existing.write_bytes(b"keep me")
    result = run_batch(folder, out, workers=1, pdf=True)
    assert existing.read_bytes() == b"keep me"
    failed = [o for o in result.outcomes if o.status == ERROR]
    assert len(failed) == 1
    assert "deal0.pdf already exists" in failed[0].error
    assert (out / "deal1.pdf").read_bytes().startswith(b"%PDF")


def test_batch_pdf_without_libreoffice_stops_before_any_work(tmp_path, monkeypatch):
    """No LibreOffice: batch --pdf says so at once and writes nothing."""

    def missing(purpose):
        raise DependencyMissingError(f"{purpose} needs LibreOffice, which was not found")

    monkeypatch.setattr(batch_run, "require_soffice", missing)
    with pytest.raises(DependencyMissingError, match="batch --pdf needs LibreOffice"):
        run_batch(deals_folder(tmp_path, 1), tmp_path / "out", workers=1, pdf=True)
    assert not (tmp_path / "out").exists()
