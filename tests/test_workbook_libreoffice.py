"""LibreOffice as an independent reader of placement.xlsm: its plain formulas and its VBA project."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from lo_support import Session, in_session

from xl_placement.figures import compute
from xl_placement.inputs import deal_from_workbook
from xl_placement.libreoffice import convert

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "placement.xlsm"

pytestmark = pytest.mark.libreoffice


@in_session
def _bare(folder: Path) -> dict[str, bytes]:
    """placement.xlsm saved by openpyxl: the formulas without the values the builder cached."""
    bare = folder / "bare.xlsx"
    openpyxl.load_workbook(COMMITTED).save(bare)
    return {"bare.xlsx": bare.read_bytes()}


def test_plain_formulas_recalculate_to_the_python_figures(lo_session: Session):
    """Recalculated by LibreOffice, the sheet's plain formulas give the core's discounts, dilution and proceeds."""
    figures = compute(deal_from_workbook(COMMITTED))
    discounts = {r.key: r.discount for r in figures.references}
    expected = {
        "Discount to last close": discounts["last_close"],
        "Discount to 5-day average close": discounts["average_close_5d"],
        "Discount to 30-day average close": discounts["average_close_30d"],
        "New shares, % of enlarged share capital": figures.percent_of_enlarged,
        "New shares, % of existing share capital": figures.percent_of_existing,
        "Gross proceeds": figures.proceeds.gross,
        "Proceeds the uses share (net or gross, per the basis; gross when a cost is blank)": figures.allocation_base,
    }
    # openpyxl saves the formulas without the values the builder cached, so LibreOffice must compute them
    bare = lo_session.results(_bare)["bare.xlsx"]
    assert openpyxl.load_workbook(bare.source, data_only=True)["Inputs"]["H9"].value is None
    sheet = openpyxl.load_workbook(bare.result, data_only=True)["Inputs"]
    found = {row[5].value: row[7].value for row in sheet.iter_rows(min_row=1, max_row=20) if row[5].value}
    for label, value in expected.items():
        assert isinstance(found[label], int | float), (label, found[label])
        assert abs(Decimal(repr(found[label])) - value) <= abs(value) * Decimal("1e-12"), label


def test_libreoffice_reads_the_vba_project_with_the_button_macro(tmp_path):
    """LibreOffice's own VBA reader finds exactly the six documented modules and BuildReport's source."""
    ods = convert(COMMITTED, tmp_path, "ods")
    with zipfile.ZipFile(ods) as archive:
        modules = {
            Path(name).stem
            for name in archive.namelist()
            if name.startswith("Basic/VBAProject/") and not name.endswith("script-lb.xml")
        }
        placement = archive.read("Basic/VBAProject/Placement.xml").decode("utf-8")
    documented = {path.stem for path in (ROOT / "docs" / "vba").iterdir() if path.suffix in (".bas", ".cls")}
    assert modules == documented
    assert "Sub BuildReport()" in placement
    assert "import placement; placement.main()&quot;" in placement
