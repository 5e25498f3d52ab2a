"""Price histories exported to Excel (.xlsx): the first sheet's table, read by the safe workbook reader.

The workbooks are generated here from tests/price_series.py (the numbers every CSV fixture was
written from); the expected figures are Fraction arithmetic on those numbers.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from price_series import HOLIDAYS, SERIES

from xl_placement import api, cli, pricefile
from xl_placement.errors import PriceFileError
from xl_placement.pricefile import read_price_file

DAYS = [dt.date.fromisoformat(r[0]) for r in SERIES]
CLOSES = {dt.date.fromisoformat(r[0]): Fraction(r[4]) for r in SERIES}
VOLUMES = {dt.date.fromisoformat(r[0]): r[5] for r in SERIES}
TURNOVER = {dt.date.fromisoformat(r[0]): r[6] for r in SERIES}
AGREED = dt.date(2025, 12, 5)
DEAL = """
[issuer]
name = "Example Holdings"
stock_code = "0020"
exchange = "HKEX"
currency = "HKD"

[placing]
new_shares = 100_000_000
price = 1.91
shares_outstanding = 2_000_000_000
agreement_date = 2025-12-05

[market]
history_file = "prices.xlsx"
"""


def bloomberg_xlsx(path: Path) -> Path:
    """A Bloomberg-style sheet (BDH pasted as values): a title block, real date cells, #N/A N/A on holidays, oldest first."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    for row in (("Security", "0020 HK Equity"), ("Currency", "HKD"), ()):
        sheet.append(row)
    sheet.append(("Date", "PX_LAST", "PX_VOLUME", "PX_HIGH", "PX_LOW"))
    rows = [(dt.date.fromisoformat(r[0]), r) for r in SERIES]
    rows += [(dt.date.fromisoformat(d), None) for d in HOLIDAYS]
    for day, row in sorted(rows, key=lambda item: item[0]):
        if row is None:
            sheet.append((day, "#N/A N/A", "#N/A N/A", "#N/A N/A", "#N/A N/A"))
        else:
            sheet.append((day, float(row[4]), row[5], float(row[2]), float(row[3])))
        sheet.cell(sheet.max_row, 1).number_format = "m/d/yyyy"
    book.create_sheet("Notes").append(("Date", "Close"))  # a second sheet is never read
    book.save(path)
    return path


def lseg_xlsx(path: Path) -> Path:
    """An LSEG-style sheet: dates as text ("05-Dec-2025"), newest first, thousands as numbers, turnover."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(("Exchange Date", "Close", "%Chg", "Volume", "Turnover - HKD"))
    for row in reversed(SERIES):
        day = dt.date.fromisoformat(row[0])
        sheet.append((day.strftime("%d-%b-%Y"), float(row[4]), "0.1%", row[5], row[6]))
    book.save(path)
    return path


@pytest.mark.parametrize("make", [bloomberg_xlsx, lseg_xlsx])
def test_an_xlsx_export_reads_the_same_days_as_the_series(tmp_path: Path, make) -> None:
    """Date cells or date text, oldest or newest first: the days, closes and volumes of the series; holidays left out."""
    prices = read_price_file(make(tmp_path / "prices.xlsx"))
    assert [r.date for r in prices.rows] == DAYS
    assert [Fraction(r.close) for r in prices.rows] == [CLOSES[d] for d in DAYS]
    assert [r.volume for r in prices.rows] == [VOLUMES[d] for d in DAYS]
    if make is lseg_xlsx:
        assert [r.turnover for r in prices.rows] == [TURNOVER[d] for d in DAYS]


def test_a_deal_file_names_an_xlsx_and_gets_its_figures(tmp_path: Path) -> None:
    """history_file = "prices.xlsx": the last close and the 5-day average to the agreement date, as Fraction gives them."""
    bloomberg_xlsx(tmp_path / "prices.xlsx")
    (tmp_path / "deal.toml").write_text(DEAL, encoding="utf-8")
    figures = api.compute(api.load_deal(tmp_path / "deal.toml"))
    upto = [d for d in DAYS if d <= AGREED]
    last = figures.reference("last_close")
    average = figures.reference("average_close_5d")
    assert last is not None
    assert average is not None
    assert Fraction(last.price) == CLOSES[AGREED]
    assert abs(Fraction(average.price) - sum(CLOSES[d] for d in upto[-5:]) / 5) < Fraction(1, 10**25)


def test_a_bad_workbook_is_refused_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A damaged .xlsx (not a zip) and an entity bomb in the sheet: exit 2, the file named, no traceback."""
    (tmp_path / "deal.toml").write_text(DEAL, encoding="utf-8")
    (tmp_path / "prices.xlsx").write_bytes(b"Date,Close\n2025-12-05,1.97\n")
    assert cli.main(["check", str(tmp_path / "deal.toml")]) == 2
    err = capsys.readouterr().err
    assert "prices.xlsx" in err
    assert "Traceback" not in err

    good = bloomberg_xlsx(tmp_path / "good.xlsx")
    bomb = tmp_path / "prices.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1
                ).replace(b"<v>1.97</v>", b"<v>&a;</v>", 1)
            target.writestr(item, data)
    with pytest.raises(PriceFileError) as caught:
        read_price_file(bomb)
    assert "prices.xlsx" in str(caught.value)
    assert "XML attack" in str(caught.value) or "DTD" in str(caught.value)


def test_an_old_xls_is_refused_with_the_fix(tmp_path: Path) -> None:
    """An old binary .xls (an OLE file) is not read: the message says to save it as .xlsx or CSV."""
    path = tmp_path / "prices.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(PriceFileError) as caught:
        read_price_file(path)
    assert "prices.xls" in str(caught.value)
    assert "save it as .xlsx" in str(caught.value)


def test_a_sheet_past_the_cell_limit_is_refused_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More cells before the last row read than the limit (lowered here to 100): refused, saying what to export."""
    monkeypatch.setattr(pricefile, "MAX_PRICE_CELLS", 100)
    with pytest.raises(PriceFileError) as caught:
        read_price_file(bloomberg_xlsx(tmp_path / "prices.xlsx"))
    message = str(caught.value)
    assert "more than 100 cells" in message
    assert "export only the dates and the price columns" in message


def test_only_the_first_sheet_is_read(tmp_path: Path) -> None:
    """A workbook whose first sheet has no price table is refused even when a later sheet has one."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(("Notes", "exported by a price screen"))
    book.create_sheet("Prices").append(("Date", "Close"))
    book["Prices"].append((dt.date(2025, 12, 5), 1.97))
    path = tmp_path / "prices.xlsx"
    book.save(path)
    with pytest.raises(PriceFileError, match="no header row with a date column"):
        read_price_file(path)
