"""Price-history files: the layouts users export, read to the same days and figures.

The expected figures are computed here with Fraction from tests/price_series.py, the numbers
every fixture in tests/prices/ was written from, never with the package's own functions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from price_series import SERIES

from xl_placement import api, cli
from xl_placement.errors import DealError
from xl_placement.pricefile import describe, read_price_file
from xl_placement.safe_csv import PRICE_FILE

PRICES = Path(__file__).parent / "prices"
ROOT = Path(__file__).resolve().parent.parent
AGREED = dt.date(2025, 12, 5)
DAYS = [dt.date.fromisoformat(row[0]) for row in SERIES]
CLOSES = {dt.date.fromisoformat(r[0]): Fraction(r[4]) for r in SERIES}
VOLUMES = {dt.date.fromisoformat(r[0]): r[5] for r in SERIES}
TURNOVER = {dt.date.fromisoformat(r[0]): r[6] for r in SERIES}
HIGHS = {dt.date.fromisoformat(r[0]): Fraction(r[2]) for r in SERIES}
LOWS = {dt.date.fromisoformat(r[0]): Fraction(r[3]) for r in SERIES}
TO_AGREEMENT = [d for d in DAYS if d <= AGREED]

# layout -> (file, has volumes, has turnover, has highs and lows)
LAYOUTS = {
    "Bloomberg": ("bloomberg.csv", True, False, True),
    "LSEG": ("lseg.csv", True, True, True),
    "Yahoo Finance": ("yahoo.csv", True, False, True),
    "Yahoo Finance web page": ("yahoo-web.csv", True, False, True),
    "Investing.com": ("investing.csv", True, False, True),
    "HKEX": ("hkex.csv", True, True, True),
    "SGX": ("sgx.csv", True, True, True),
    "Date,Close": ("plain.csv", False, False, False),
}

DEAL = """
[issuer]
name = "Example Holdings"
stock_code = "0020"
exchange = "{exchange}"
currency = "{currency}"

[placing]
new_shares = 100_000_000
price = 1.91
shares_outstanding = 2_000_000_000
agreement_date = 2025-12-05

[market]
{market}
"""


def deal_file(tmp_path: Path, market: str = "", exchange: str = "HKEX", currency: str = "HKD") -> Path:
    path = tmp_path / "deal.toml"
    path.write_text(DEAL.format(market=market, exchange=exchange, currency=currency))
    return path


def mean(values: list[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def last(n: int) -> list[dt.date]:
    return TO_AGREEMENT[-n:]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_layout_reads_the_same_days(layout: str) -> None:
    """Each export gives the series' days oldest first, their closes, and the volumes and turnover it has."""
    name, volumes, turnover, ranges = LAYOUTS[layout]
    prices = read_price_file(PRICES / name)
    assert [r.date for r in prices.rows] == DAYS
    assert [Fraction(r.close) for r in prices.rows] == [CLOSES[d] for d in DAYS]
    if volumes:
        assert [r.volume for r in prices.rows] == [VOLUMES[d] for d in DAYS]
    if turnover:
        assert [r.turnover for r in prices.rows] == [TURNOVER[d] for d in DAYS]
    if ranges:
        assert [Fraction(r.high or 0) for r in prices.rows] == [HIGHS[d] for d in DAYS]
        assert [Fraction(r.low or 0) for r in prices.rows] == [LOWS[d] for d in DAYS]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_figures_from_every_layout(tmp_path: Path, layout: str) -> None:
    """last close, 5/10/30-day averages, the benchmarked price, ADTV and days of volume, to the agreement date."""
    name, volumes, _, ranges = LAYOUTS[layout]
    (tmp_path / name).write_bytes((PRICES / name).read_bytes())
    deal = api.load_deal(deal_file(tmp_path, f'history_file = "{name}"'))
    figures = api.compute(deal)
    assert Fraction(figures.reference("last_close").price) == CLOSES[AGREED]  # type: ignore[union-attr]
    for n in (5, 10, 30):
        found = figures.reference(f"average_close_{n}d")
        assert found is not None
        assert abs(Fraction(found.price) - mean([CLOSES[d] for d in last(n)])) < Fraction(1, 10**25)
    before = [d for d in TO_AGREEMENT if d < AGREED][-5:]
    benchmark = max(CLOSES[AGREED], mean([CLOSES[d] for d in before]))
    assert abs(Fraction(figures.benchmarked_price or 0) - benchmark) < Fraction(1, 10**25)
    liquidity = {row.days: row for row in figures.market.liquidity}
    if volumes:
        for n in (20, 30):
            adtv = Fraction(sum(VOLUMES[d] for d in last(n)), n)
            assert Fraction(liquidity[n].volume) == adtv
            assert abs(Fraction(liquidity[n].days_of_volume) - 100_000_000 / adtv) < Fraction(1, 10**20)
    else:
        assert liquidity == {}
    described = api.load_deal(deal_file(tmp_path, f'history_file = "{name}"')).market.history_source
    assert described is not None
    assert described.days == len(DAYS)
    # 52 weeks to the agreement: daily highs and lows where the file has them, else closes.
    shown = describe(deal)
    assert shown is not None
    highs = HIGHS if ranges else CLOSES
    lows = LOWS if ranges else CLOSES
    assert Fraction(shown["high_52w"]["price"]) == max(highs[d] for d in TO_AGREEMENT)
    assert Fraction(shown["low_52w"]["price"]) == min(lows[d] for d in TO_AGREEMENT)


def test_vwap_from_volumes(tmp_path: Path) -> None:
    """An N-day VWAP the announcement states a discount to is computed from close x volume."""
    market = 'history_file = "hkex.csv"'
    (tmp_path / "hkex.csv").write_bytes((PRICES / "hkex.csv").read_bytes())
    path = deal_file(tmp_path, market)
    path.write_text(path.read_text() + '\n[stated]\ndiscount_to_vwap_15d = "7%"\n')
    found = api.compute(api.load_deal(path)).reference("vwap_15d")
    expected = Fraction(sum(CLOSES[d] * VOLUMES[d] for d in last(15)), sum(VOLUMES[d] for d in last(15)))
    assert found is not None
    assert abs(Fraction(found.price) - expected) < Fraction(1, 10**25)


def test_sgx_day_vwap_from_turnover(tmp_path: Path) -> None:
    """SGX Rule 811: the agreement day's VWAP is that day's value / volume when the file gives both."""
    (tmp_path / "sgx.csv").write_bytes((PRICES / "sgx.csv").read_bytes())
    deal = api.load_deal(deal_file(tmp_path, 'history_file = "sgx.csv"', "SGX", "SGD"))
    assert deal.market.day_vwap_date == AGREED
    assert Fraction(deal.market.day_vwap or 0) == Fraction(TURNOVER[AGREED], VOLUMES[AGREED])


def test_typed_figure_that_agrees_is_kept(tmp_path: Path) -> None:
    """A typed 5-day average agrees when the file's rounds to it at the typed decimals."""
    (tmp_path / "plain.csv").write_bytes((PRICES / "plain.csv").read_bytes())
    five = mean([CLOSES[d] for d in last(5)])  # 10.46 / 5 = 2.092
    typed = f"{float(five):.3f}"
    deal = api.load_deal(deal_file(tmp_path, f'history_file = "plain.csv"\naverage_close_5d = {typed}'))
    assert deal.market.history_source is not None
    assert any("agrees" in note for note in deal.market.history_source.notes)


def test_typed_figure_that_differs_is_refused_or_kept_when_told(tmp_path: Path) -> None:
    """A typed last close the file contradicts is refused, naming both; prefer_typed keeps it, with a note."""
    (tmp_path / "plain.csv").write_bytes((PRICES / "plain.csv").read_bytes())
    with pytest.raises(DealError) as raised:
        api.load_deal(deal_file(tmp_path, 'history_file = "plain.csv"\nlast_close = 2.15'))
    message = str(raised.value)
    assert "market.last_close = 2.15" in message
    assert "price file's 2.09" in message
    assert "prefer_typed" in message
    deal = api.load_deal(
        deal_file(tmp_path, 'history_file = "plain.csv"\nlast_close = 2.15\nprefer_typed = true')
    )
    assert deal.market.last_close == Decimal("2.15")
    assert deal.market.history_source is not None
    assert any("kept" in note for note in deal.market.history_source.notes)


def test_adjusted_close_is_ignored_with_a_note() -> None:
    prices = read_price_file(PRICES / "yahoo.csv")
    assert prices.columns["close"] == "Close"
    assert any("Adj Close" in note and "ignored" in note for note in prices.notes)


def test_adjusted_close_alone_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "adj.csv"
    path.write_text("Date,Adj Close\n2025-12-04,2.01\n2025-12-05,2.02\n")
    with pytest.raises(DealError, match="adjusted close only"):
        read_price_file(path)


def test_ambiguous_dates_are_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("Date,Close\n01/12/2025,2.01\n02/12/2025,2.02\n03/12/2025,2.05\n")
    with pytest.raises(DealError, match='history_date_order = "dmy"'):
        read_price_file(path)
    assert next(r.date for r in read_price_file(path, "dmy").rows) == dt.date(2025, 12, 1)
    assert next(r.date for r in read_price_file(path, "mdy").rows) == dt.date(2025, 1, 12)


def test_date_order_from_the_deal_file(tmp_path: Path) -> None:
    (tmp_path / "short.csv").write_text("Date,Close\n03/12/2025,2.01\n04/12/2025,2.02\n05/12/2025,2.05\n")
    deal = api.load_deal(deal_file(tmp_path, 'history_file = "short.csv"\nhistory_date_order = "dmy"'))
    assert [c.date for c in deal.market.history][-1] == AGREED


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Date;Close\n2025-12-04;2,01\n2025-12-05;2,02\n", "decimal comma"),
        ("Date,Close\n2025-12-05,2.01\n2025-12-03,2.02\n2025-12-04,2.02\n", "sort it by date"),
        ("Date,Close\n2025-12-05,2.01\n2025-12-05,2.02\n", "twice"),
        ("Day,Amount\n2025-12-05,2.01\n", "no header row"),
        ("Date,Close\n2025-12-05,-2.01\n", "positive"),
        ("Date,Close\nyesterday,2.01\n", "not a date"),
        ("Date,Close\n2025-12-05,abc\n", "not a number"),
    ],
)
def test_bad_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DealError, match=message):
        read_price_file(path)


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("xl_placement.pricefile.PRICE_FILE", dataclasses.replace(PRICE_FILE, max_bytes=100))
    path = tmp_path / "big.csv"
    path.write_text("Date,Close\n" + "2025-12-05,2.01\n" * 20)  # 11 + 20 x 16 = 331 bytes
    with pytest.raises(DealError, match=r"big\.csv: file: the file is 331 bytes; the limit is 100$"):
        read_price_file(path)


def test_history_typed_and_from_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plain.csv").write_bytes((PRICES / "plain.csv").read_bytes())
    path = deal_file(tmp_path, 'history_file = "plain.csv"')
    path.write_text(path.read_text() + "\n[[market.history]]\ndate = 2025-12-05\nclose = 2.09\n")
    with pytest.raises(DealError, match="give one of them"):
        api.load_deal(path)


def test_cli_prices_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """check --prices reads the file for a deal that names none; --json carries what was read."""
    path = deal_file(tmp_path)
    code = cli.main(["check", str(path), "--prices", str(PRICES / "lseg.csv"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert out["prices"]["days"] == len(DAYS)
    assert out["prices"]["last"] == DAYS[-1].isoformat()
    assert Fraction(out["figures"]["last_close"]["value"]) == CLOSES[AGREED]
    code = cli.main(["check", str(path), "--prices", str(tmp_path / "missing.csv")])
    assert code == 2
    assert "missing.csv" in capsys.readouterr().err


def test_example_reads_the_same_history_as_the_typed_one() -> None:
    """examples/prices/harbour.toml (an LSEG export) is examples/topup-illustrative.toml's typed history."""
    root = Path(__file__).resolve().parent.parent / "examples"
    typed = api.load_deal(root / "topup-illustrative.toml")
    read = api.load_deal(root / "prices" / "harbour.toml")
    assert [(c.date, c.close, c.volume) for c in read.market.history] == [
        (c.date, c.close, c.volume) for c in typed.market.history
    ]
    assert api.figure_rows(api.compute(read)) == api.figure_rows(api.compute(typed))


def test_batch_and_build_take_prices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """batch --prices gives every deal the file's history; build --prices writes the report from it."""
    folder = tmp_path / "deals"
    folder.mkdir()
    deal_file(folder)
    code = cli.main(
        [
            "batch",
            str(folder),
            "--out-dir",
            str(tmp_path / "out"),
            "--workers",
            "1",
            "--prices",
            str(PRICES / "hkex.csv"),
        ]
    )
    assert code == 0, capsys.readouterr()
    assert (tmp_path / "out" / "deal.xlsx").is_file()
    code = cli.main(
        [
            "build",
            str(folder / "deal.toml"),
            "-o",
            str(tmp_path / "b.xlsx"),
            "--prices",
            str(PRICES / "sgx.csv"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "prices: 48 trading days" in out
    assert (tmp_path / "b.xlsx").is_file()


def test_after_market_closes_against_the_price(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """T+1 and T+5 trading days after the agreement date (T+20 is past the file's end, so not given)."""
    (tmp_path / "hkex.csv").write_bytes((PRICES / "hkex.csv").read_bytes())
    path = deal_file(tmp_path, 'history_file = "hkex.csv"')
    figures = api.compute(api.load_deal(path))
    after = [d for d in DAYS if d > AGREED]
    price = Fraction("1.91")
    assert [(a.days, a.date) for a in figures.after_market] == [(1, after[0]), (5, after[4])]
    for found, day in zip(figures.after_market, (after[0], after[4]), strict=True):
        assert Fraction(found.close) == CLOSES[day]
        assert abs(Fraction(found.change) - (CLOSES[day] / price - 1)) < Fraction(1, 10**25)
    assert cli.main(["check", str(path), "--json"]) in (0, 1)
    shown = json.loads(capsys.readouterr().out)["figures"]
    # To 12 significant digits, the exact value beside it (docs/cli.md).
    assert Fraction(shown["after_market_t5"]["exact"]) == Fraction(found.change)
    assert abs(Fraction(shown["after_market_t5"]["value"]) - Fraction(found.change)) <= Fraction(5, 10**13)
    assert "after_market_t20" not in shown


def test_report_has_a_price_history_sheet(tmp_path: Path) -> None:
    """A deal with a history gets a "Price history" sheet (chart, after-market, days) before Precedents."""
    import openpyxl  # noqa: PLC0415 - only this test reads the workbook

    (tmp_path / "hkex.csv").write_bytes((PRICES / "hkex.csv").read_bytes())
    path = deal_file(tmp_path, 'history_file = "hkex.csv"')
    out = api.build_report(api.load_deal(path), tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-1] == "Price history"
    sheet = book["Price history"]
    assert len(sheet._charts) == 1
    assert sheet["A6"].value == "T+1"
    assert Fraction(str(sheet["C6"].value)) == CLOSES[next(d for d in DAYS if d > AGREED)]
    last = DAYS[-1]
    assert sheet["B8"].value == f"after the history, which ends on {last.day} {last:%b %Y}"
    rows = [r for r in sheet.iter_rows(min_row=34, values_only=True) if r[0] is not None]
    assert len(rows) == len(DAYS)
    assert [Fraction(str(r[1])) for r in rows] == [CLOSES[d] for d in DAYS]
    plain = api.build_report(api.load_deal(ROOT / "examples" / "sensetime.toml"), tmp_path / "s.xlsx")
    assert "Price history" not in openpyxl.load_workbook(plain).sheetnames


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_excel_encodings_read_the_same_rows(tmp_path: Path, encoding: str) -> None:
    """UTF-8, Excel's "Unicode text" (UTF-16 with its mark) and Windows-1252 give the same closes."""
    path = tmp_path / "prices.csv"
    path.write_bytes("Date\tClose (€)\r\n2025-12-04\t2.01\r\n2025-12-05\t2.02\r\n".encode(encoding))
    read = read_price_file(path)
    assert [(r.date, r.close) for r in read.rows] == [
        (dt.date(2025, 12, 4), Decimal("2.01")),
        (dt.date(2025, 12, 5), Decimal("2.02")),
    ]


def test_a_workbook_and_too_many_rows_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook saved as .csv is named as one; rows past the price file's limit stop the reading."""
    book = tmp_path / "book.csv"
    book.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(DealError, match="is a workbook; save the sheet as CSV"):
        read_price_file(book)
    monkeypatch.setattr("xl_placement.pricefile.PRICE_FILE", dataclasses.replace(PRICE_FILE, max_rows=3))
    path = tmp_path / "long.csv"
    path.write_text("Date,Close\n" + "".join(f"2025-12-0{d},2.01\n" for d in range(1, 5)))
    with pytest.raises(DealError, match="has more than 3 rows below the header"):
        read_price_file(path)


@pytest.mark.parametrize(
    "named",
    [
        "/etc/passwd",  # absolute
        "../prices.csv",  # up out of the deal file's folder
        "sub/../../prices.csv",
        "..\\prices.csv",  # the same written with Windows separators
        "C:\\Users\\me\\prices.csv",  # a Windows drive
        "\\\\server\\share\\prices.csv",  # a Windows network share
    ],
)
def test_history_file_outside_the_deal_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], named: str
) -> None:
    """A deal file cannot make check read a file outside its folder: exit 2, naming market.history_file, its value and --prices."""
    text = named.replace("\\", "\\\\")
    path = deal_file(tmp_path, f'history_file = "{text}"')
    code = cli.main(["check", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "market.history_file" in err
    assert named in err or repr(named) in err
    assert "--prices" in err
    assert "Traceback" not in err


def test_history_file_through_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    """A symbolic link in the deal file's folder that points outside it is refused too (the resolved path counts)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "hkex.csv").write_bytes((PRICES / "hkex.csv").read_bytes())
    folder = tmp_path / "deal"
    folder.mkdir()
    try:
        (folder / "link").symlink_to(outside, target_is_directory=True)
    except OSError:
        pytest.skip("symbolic links are not allowed here")
    with pytest.raises(DealError, match="leads outside"):
        api.load_deal(deal_file(folder, 'history_file = "link/hkex.csv"'))


def test_history_file_in_a_subfolder_is_read_and_check_prints_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A relative path into a subfolder is allowed; check prints the resolved file it read."""
    (tmp_path / "prices").mkdir()
    (tmp_path / "prices" / "hkex.csv").write_bytes((PRICES / "hkex.csv").read_bytes())
    path = deal_file(tmp_path, 'history_file = "prices/hkex.csv"')
    assert cli.main(["check", str(path)]) in (0, 1)
    out = capsys.readouterr().out
    assert f"from {(tmp_path / 'prices' / 'hkex.csv').resolve()} (" in out


def test_prices_option_may_name_any_file(tmp_path: Path) -> None:
    """--prices is typed by the user, not read from a deal file: an absolute path elsewhere is fine."""
    folder = tmp_path / "deal"
    folder.mkdir()
    deal = api.load_deal(deal_file(folder), prices=PRICES / "hkex.csv")
    assert deal.market.history_source is not None
    assert len(deal.market.history) == len(DAYS)
