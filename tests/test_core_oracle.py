"""The core's formulas against an independent engine: LibreOffice Calc recalculating the same sums."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
from lo_support import Session, in_session

from xl_placement.capital import dilution, theoretical_diluted_price, theoretical_dilution_effect
from xl_placement.money import round_half_up
from xl_placement.prices import average_close, discount, vwap
from xl_placement.proceeds import gross_proceeds, to_quote

D = Decimal
CLOSES = [2.10, 2.05, 2.09, 2.02, 2.04]
VOLUMES = [151_000_000, 120_000_000, 98_000_000, 130_500_000, 87_250_000]

# (spreadsheet formula, the core's value). Each row is checked to 12 significant digits.
CASES: list[tuple[str, Decimal]] = [
    ("=ROUND(2.675,2)", round_half_up(2.675, 2)),
    ("=ROUND(-2.5,0)", round_half_up(-2.5, 0)),
    ("=ROUND(0.125,2)", round_half_up(0.125, 2)),
    ("=ROUND(-0.125,2)", round_half_up(-0.125, 2)),
    ("=ROUND(1234.5,-1)", round_half_up(1234.5, -1)),
    ("=ROUND(1.005,2)", round_half_up(1.005, 2)),
    ("=1-1.91/2.09", discount(1.91, 2.09)),
    ("=ROUND((1-1.91/2.09)*100,2)", round_half_up(discount(1.91, 2.09) * 100, 2)),
    ("=ROUND((1-1.91/2.021)*100,1)", round_half_up(discount(1.91, 2.021) * 100, 1)),
    ("=ROUND((1-6.41/6.34)*100,1)", round_half_up(discount(6.41, 6.34) * 100, 1)),
    ("=ROUND((1-335.2/382.2)*100,1)", round_half_up(discount(335.20, 382.2) * 100, 1)),
    ("=1700000000/(40424038000+1700000000)", dilution(1_700_000_000, 40_424_038_000, "enlarged")),
    ("=1700000000/40424038000", dilution(1_700_000_000, 40_424_038_000, "existing")),
    ("=(1*100+50*0.75)/(100+50)", theoretical_diluted_price(1, 100, 50, 0.75)),
    ("=1-((1*100+50*0.75)/(100+50))/1", theoretical_dilution_effect(1, 100, 50, 0.75)),
    ("=1700000000*1.91", gross_proceeds(1_700_000_000, 1.91)),
    (
        "=ROUND(1700000000*1.91/7.8203/1000000,1)",
        round_half_up(to_quote(3_247_000_000, 7.8203) / 1_000_000, 1),
    ),
    ("=AVERAGE(A1:A5)", average_close(CLOSES)),
    ("=AVERAGE(A3:A5)", average_close(CLOSES, 3)),
    ("=SUMPRODUCT(A1:A5,B1:B5)/SUM(B1:B5)", vwap(CLOSES, VOLUMES)),
]


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row, (close, volume) in enumerate(zip(CLOSES, VOLUMES, strict=True), start=1):
        sheet.cell(row, 1, close)
        sheet.cell(row, 2, volume)
    for row, (formula, _) in enumerate(CASES, start=1):
        sheet.cell(row, 4, formula)
    book.save(path)
    return path


@in_session
def _oracle(folder: Path) -> dict[str, bytes]:
    return {"oracle.xlsx": _workbook(folder / "oracle.xlsx").read_bytes()}


def test_core_figures_match_libreoffice(lo_session: Session):
    """Rounding, discount, dilution, Rule 7.27B, proceeds, averages and VWAP equal LibreOffice's results."""
    result = lo_session.results(_oracle)["oracle.xlsx"].result
    sheet = openpyxl.load_workbook(result, data_only=True).active
    assert sheet is not None
    for row, (formula, expected) in enumerate(CASES, start=1):
        calculated = sheet.cell(row, 4).value
        assert isinstance(calculated, int | float), f"{formula} gave {calculated!r}"
        tolerance = abs(expected) * D("1e-12") + D("1e-15")
        assert abs(D(repr(calculated)) - expected) <= tolerance, (
            f"{formula}: LibreOffice {calculated}, core {expected}"
        )
