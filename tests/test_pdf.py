"""PDF export through LibreOffice: page count, recalculated values, safe saving, clear errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import xlsxwriter

from xl_placement import libreoffice
from xl_placement.errors import DependencyMissingError, OutputExistsError
from xl_placement.pdf import export_pdf

needs_poppler = pytest.mark.skipif(
    shutil.which("pdfinfo") is None and not os.environ.get("CI"),
    reason="poppler-utils (pdfinfo, pdftoppm, pdftotext) is not installed; on Debian/Ubuntu `sudo apt-get install poppler-utils`",
)


def _three_sheet_workbook(path: Path) -> Path:
    """Three small sheets, each fitting one landscape page; a formula carries a stale cached value."""
    book = xlsxwriter.Workbook(str(path))
    for name in ("Deal", "Use of proceeds", "Checks"):
        sheet = book.add_worksheet(name)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 1)
        sheet.write("A1", f"{name} sheet")
        sheet.write("A2", 1700)
        sheet.write("A3", 1.91)
        sheet.write_formula("A4", "=A2*A3", None, 999999)
    book.close()
    return path


def _page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE)
    assert match, info
    return int(match.group(1))


@needs_poppler
@pytest.mark.libreoffice
def test_pdf_has_one_page_per_sheet(tmp_path):
    """A three-sheet workbook set to one page per sheet renders as a three-page PDF."""
    source = _three_sheet_workbook(tmp_path / "report.xlsx")
    pdf = export_pdf(source)
    assert pdf == tmp_path / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert _page_count(pdf) == 3


@needs_poppler
@pytest.mark.libreoffice
def test_pdf_shows_recalculated_values(tmp_path):
    """The PDF shows the recalculated product (3247), not the stale cached value."""
    pdf = export_pdf(_three_sheet_workbook(tmp_path / "report.xlsx"), tmp_path / "out" / "r.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "3247" in text
    assert "999999" not in text
    assert "Use of proceeds sheet" in text


@needs_poppler
@pytest.mark.libreoffice
def test_pdf_pages_render_to_pictures(tmp_path):
    """pdftoppm turns each page into a PNG picture, one per sheet."""
    pdf = export_pdf(_three_sheet_workbook(tmp_path / "report.xlsx"))
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    pictures = sorted(tmp_path.glob("page*.png"))
    assert len(pictures) == 3
    assert all(picture.read_bytes().startswith(b"\x89PNG") for picture in pictures)


@pytest.mark.libreoffice
def test_existing_pdf_is_kept_without_force(tmp_path):
    """An existing PDF is not overwritten unless force is given, and stays byte-identical."""
    source = _three_sheet_workbook(tmp_path / "report.xlsx")
    target = tmp_path / "report.pdf"
    target.write_bytes(b"previous")
    with pytest.raises(OutputExistsError, match=r"report\.pdf already exists; it was not replaced$"):
        export_pdf(source)
    assert target.read_bytes() == b"previous"
    export_pdf(source, force=True)
    assert target.read_bytes().startswith(b"%PDF-")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.pdf", "report.xlsx"]


def test_missing_soffice_says_how_to_install(monkeypatch, tmp_path):
    """Without LibreOffice, PDF export names what is missing and how to install it on each system."""
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    source = tmp_path / "report.xlsx"
    source.write_bytes(b"unused")
    with pytest.raises(DependencyMissingError) as caught:
        export_pdf(source)
    message = str(caught.value)
    assert message.startswith("PDF export needs LibreOffice")
    assert "apt-get install libreoffice-calc-nogui" in message
    assert "macOS" in message
    assert "Windows" in message
    assert not (tmp_path / "report.pdf").exists()
