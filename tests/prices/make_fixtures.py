"""Write the price-file fixtures of tests/prices/ from tests/price_series.py.

Run once from the repository root (``python tests/prices/make_fixtures.py``); the files are
committed. Each writes the same trading days in the layout of one data source's download.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from price_series import HOLIDAYS, SERIES

HERE = Path(__file__).parent
ROWS = [(dt.date.fromisoformat(d), o, h, lo, c, v, t) for d, o, h, lo, c, v, t in SERIES]
DAYS = sorted([*ROWS, *((dt.date.fromisoformat(d), None) for d in HOLIDAYS)], key=lambda r: r[0])


def write(name: str, lines: list[str]) -> None:
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")


def main() -> None:
    # Bloomberg (BDH exported to CSV): a title block, PX_ fields, m/d/yyyy, #N/A N/A on holidays.
    lines = ["Security,0020 HK Equity", "Start Date,10/6/2025", "End Date,12/12/2025", "Currency,HKD", ""]
    lines.append("Date,PX_LAST,PX_VOLUME,PX_OPEN,PX_HIGH,PX_LOW")
    for row in DAYS:
        when = f"{row[0].month}/{row[0].day}/{row[0].year}"
        if row[1] is None:
            lines.append(f"{when},#N/A N/A,#N/A N/A,#N/A N/A,#N/A N/A,#N/A N/A")
        else:
            _, o, h, lo, c, v, _t = row
            lines.append(f"{when},{c},{v},{o},{h},{lo}")
    write("bloomberg.csv", lines)

    # LSEG Workspace / Eikon price history: newest first, 05-Dec-2025, thousands separators.
    lines = ['"Exchange Date","Close","Net","%Chg","Open","Low","High","Volume","Turnover - HKD","Flow"']
    previous: Decimal | None = None
    out = []
    for d, o, h, lo, c, v, t in ROWS:
        close = Decimal(c)
        net = "" if previous is None else f"{close - previous:.2f}"
        chg = "" if previous is None else f"{(close - previous) / previous:.2%}"
        previous = close
        out.append(f'"{d:%d-%b-%Y}","{c}","{net}","{chg}","{o}","{lo}","{h}","{v:,}","{t:,}",""')
    write("lseg.csv", lines + out[::-1])

    # Yahoo Finance download: ISO dates, oldest first, an Adj Close column (here 3% below the close).
    lines = ["Date,Open,High,Low,Close,Adj Close,Volume"]
    for d, o, h, lo, c, v, _t in ROWS:
        adjusted = (Decimal(c) * Decimal("0.97")).quantize(Decimal("0.000001"))
        lines.append(f"{d.isoformat()},{o},{h},{lo},{c},{adjusted},{v}")
    write("yahoo.csv", lines)

    # Yahoo Finance web page copied out: "Dec 5, 2025", Close* and Adj Close**, a dividend row.
    lines = ["Date,Open,High,Low,Close*,Adj Close**,Volume"]
    out = []
    for d, o, h, lo, c, v, _t in ROWS:
        adjusted = (Decimal(c) * Decimal("0.97")).quantize(Decimal("0.01"))
        out.append(f'"{d:%b} {d.day}, {d.year}",{o},{h},{lo},{c},{adjusted},"{v:,}"')
        if d == dt.date(2025, 11, 20):  # the page lists a dividend on its ex-date, below that day
            out.append('"Nov 20, 2025",0.05 Dividend,,,,,')
    write("yahoo-web.csv", lines + out[::-1])

    # Investing.com: "Price", m/d/yyyy, newest first, volumes as 16.43M, quoted.
    lines = ['"Date","Price","Open","High","Low","Vol.","Change %"']
    out = []
    for d, o, h, lo, c, v, _t in ROWS:
        out.append(f'"{d:%m/%d/%Y}","{c}","{o}","{h}","{lo}","{Decimal(v) / 10**6:.2f}M","0.00%"')
    write("investing.csv", lines + out[::-1])

    # HKEX: day/month/year, closing price, shares traded and turnover (HK$).
    lines = ["Trading Date,Stock Code,Closing Price,Shares Traded,Turnover (HK$),High,Low"]
    for d, _o, h, lo, c, v, t in ROWS:
        lines.append(f'{d:%d/%m/%Y},00020,{c},"{v:,}","{t:,}",{h},{lo}')
    write("hkex.csv", lines)

    # SGX: "05 Dec 2025", newest first, volume and value in thousands.
    lines = ["Trade Date,Open,High,Low,Last,Volume ('000),Value (S$'000)"]
    out = []
    for d, o, h, lo, c, v, t in ROWS:
        value = Decimal(t) / 1000
        out.append(f'{d:%d %b %Y},{o},{h},{lo},{c},"{v // 1000:,}","{value:,}"')
    write("sgx.csv", lines + out[::-1])

    # A plain two-column file.
    write("plain.csv", ["Date,Close", *(f"{d.isoformat()},{c}" for d, _o, _h, _lo, c, _v, _t in ROWS)])


if __name__ == "__main__":
    main()
