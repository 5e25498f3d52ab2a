"""Read a price-history file (a CSV or .xlsx exported from a price screen) into the deal's market history.

A deal file's ``[market]`` may name ``history_file = "prices.csv"`` (relative to the deal
file), and ``check``, ``build`` and ``batch`` take ``--prices FILE`` to the same effect.
Columns are found by the names Bloomberg, Refinitiv/LSEG, Yahoo Finance, Investing.com,
HKEX and SGX give them; dates in ISO, day/month/year or month/day/year (an ambiguous file
is refused: ``history_date_order`` states the order), "05 Dec 2025" or "Dec 05, 2025".

The file becomes ``[[market.history]]``: the figures (last close, N-day averages and
VWAPs, ADTV, days of volume, the benchmarked price) are then computed by the same code as
for a typed history. A figure typed in the deal file must agree with the file's (to the
typed figure's own decimals) or the deal is refused naming both, unless
``market.prefer_typed = true`` says the typed figures win.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path, PureWindowsPath
from typing import Any

from xl_placement import deal as model
from xl_placement.context import adtv
from xl_placement.errors import (
    MISSING,
    CalculationError,
    DealError,
    PriceFileError,
    Problem,
    UnsafeWorkbookError,
)
from xl_placement.prices import Close, average_close, vwap
from xl_placement.safe_csv import PRICE_FILE, csv_rows

HEADER_SEARCH_ROWS = 40  # exports may start with a title block (Bloomberg, Refinitiv)
MAX_PRICE_COLUMNS = 60  # columns of a workbook export read (a wide Bloomberg sheet has about 20)
MAX_PRICE_CELLS = 600_000  # cells of a workbook export read (20,000 rows of 30 columns)
DATE_ORDERS = ("dmy", "mdy", "ymd")
#: The [market] keys this module reads (dealfile leaves them to it).
MARKET_KEYS = ("history_file", "history_date_order", "prefer_typed")

_EMPTY = {"", "-", "--", "—", "null", "none", "n/a", "na", "#n/a", "#n/a n/a", "nan", "."}

# Column names, normalised (lower case, no "*", single spaces), by what they hold.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "dates", "exchange date", "trade date", "trading date", "as of date", "day"),
    "close": (
        "close",
        "close price",
        "closing price",
        "closing",
        "last",
        "last price",
        "last trade",
        "px_last",
        "price",
        "trdprc_1",
        "official close",
        "nominal price",
    ),
    "adj_close": ("adj close", "adj. close", "adjusted close", "adj_close", "adjusted closing price"),
    "open": ("open", "open price", "opening price", "px_open"),
    "high": ("high", "high price", "daily high", "px_high"),
    "low": ("low", "low price", "daily low", "px_low"),
    "volume": ("volume", "vol.", "vol", "px_volume", "shares traded", "volume traded", "acvol_uns"),
    "turnover": ("turnover", "value", "turnover value", "value traded", "traded value", "turnover_value"),
    "vwap": ("vwap", "eqy_weighted_avg_px", "volume weighted average price", "average price"),
}
# Units written in a header: "Volume ('000)", "Value (S$'000)", "Turnover (HK$ m)".
_UNIT = re.compile(r"\(([^)]*)\)\s*$")
_SCALES = {"'000": Decimal(1000), "000": Decimal(1000), "000s": Decimal(1000), "m": Decimal(10**6)}
_SUFFIX = {"k": Decimal(10**3), "m": Decimal(10**6), "b": Decimal(10**9)}
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})[-\s/]+([A-Za-z]{3,9})\.?[-\s/,]+(\d{2}|\d{4})$")
_MONTH_DAY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")
_TIME = re.compile(r"[T\s]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(am|pm)?$", re.IGNORECASE)


@dataclass(frozen=True)
class PriceRow:
    """One trading day as the file gives it (None: the file has no such column, or a blank cell)."""

    date: dt.date
    close: Decimal
    volume: Decimal | None = None
    turnover: Decimal | None = None
    vwap: Decimal | None = None
    open: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None


@dataclass(frozen=True)
class PriceFile:
    """A price-history file, read: its rows oldest first, the columns found and what was left out."""

    path: str
    rows: tuple[PriceRow, ...]
    columns: dict[str, str]  # what -> the file's own column name
    notes: tuple[str, ...]


@dataclass(frozen=True)
class YearRange:
    """The highest and lowest price of the 52 weeks to a date, and their days."""

    high: Decimal
    high_date: dt.date
    low: Decimal
    low_date: dt.date
    basis: str  # "daily highs and lows" or "closes"


def _fail(path: str, where: str, value: object, expected: str) -> PriceFileError:
    return PriceFileError([Problem(where, value, expected)], path)


# --- reading ---------------------------------------------------------------------


def read_price_file(path: str | Path, date_order: str | None = None) -> PriceFile:
    """Read a price history: a CSV file, or an .xlsx/.xlsm workbook's first sheet.

    Args:
        path: the file.
        date_order: "dmy", "mdy" or "ymd" for files whose numeric dates could be read either way.

    Raises:
        PriceFileError: the file cannot be read, has no date or close column, or a row is unreadable.
    """
    path = Path(path)
    source = str(path)
    if date_order is not None and date_order not in DATE_ORDERS:
        raise _fail(source, "market.history_date_order", date_order, 'must be "dmy", "mdy" or "ymd"')
    rows = _table(path, source)
    header_at, columns = _header(rows, source)
    notes: list[str] = []
    if "adj_close" in columns:
        name = rows[header_at][columns["adj_close"]]
        notes.append(
            f'column "{name}" ignored: an adjusted close is not the price the shares traded at; '
            "the traded close is used"
        )
    if "close" not in columns:
        found = "an adjusted close only" if "adj_close" in columns else "no close column"
        raise _fail(
            source,
            "file",
            MISSING,
            f"has {found}; export the daily close (Close, Last, PX_LAST, Price, Closing Price)",
        )
    scales = {what: _scale(rows[header_at][index]) for what, index in columns.items()}
    body = rows[header_at + 1 :]
    raw_dates = [(row[columns["date"]].strip() if len(row) > columns["date"] else "") for row in body]
    order = date_order or _date_order(raw_dates, source)
    parsed: list[PriceRow] = []
    skipped = 0
    for offset, row in enumerate(body):
        line = header_at + offset + 2  # 1-based, after the header
        if not any(cell.strip() for cell in row):
            continue
        cells = {what: (row[index].strip() if index < len(row) else "") for what, index in columns.items()}
        when = _parse_date(cells["date"], order)
        if _is_note_row(cells) and (when is None or not _NUMBER.match(cells["close"].replace(" ", ""))):
            skipped += 1  # a dividend or split line, a footer
            continue
        if when is None:
            raise _fail(
                source,
                f"row {line}",
                cells["date"],
                "is not a date this reader knows (2025-12-05, 05/12/2025, 05 Dec 2025, Dec 05, 2025)",
            )
        close = _exported_number(
            cells["close"], scales["close"], source, line, rows[header_at][columns["close"]]
        )
        if close is None:  # a holiday or a day without a trade: no close to use
            skipped += 1
            continue
        if close <= 0:
            raise _fail(source, f"row {line}", cells["close"], "a close must be positive")
        values = {
            what: _exported_number(cells[what], scales[what], source, line, rows[header_at][columns[what]])
            for what in ("volume", "turnover", "vwap", "open", "high", "low")
            if what in columns
        }
        parsed.append(PriceRow(when, close, **values))
    if not parsed:
        raise _fail(source, "file", MISSING, "has no row with a date and a close")
    ordered = _oldest_first(parsed, source)
    if skipped:
        notes.append(f"{skipped} row(s) without a close (holidays, blank or dividend rows) left out")
    names = {
        what: rows[header_at][index].strip()
        for what, index in columns.items()
        if what in ("date", "close") or any(getattr(r, what, None) is not None for r in ordered)
    }
    return PriceFile(source, ordered, names, tuple(notes))


def _table(path: Path, source: str) -> list[list[str]]:
    """The file's rows as text cells: a CSV split, or a workbook's first sheet as text."""
    if path.suffix.lower().startswith(".xl"):  # only then load openpyxl: CSV users never pay for it
        from xl_placement.safe_read import WORKBOOK_EXTENSIONS  # noqa: PLC0415

        if path.suffix.lower() in WORKBOOK_EXTENSIONS:
            return _workbook_rows(path, source)
    try:
        with path.open("rb") as stream:
            head = stream.read(4)
    except OSError:
        head = b""  # the CSV reader says why the file cannot be read
    if head == b"\xd0\xcf\x11\xe0":  # an OLE compound file: an old .xls, or an encrypted workbook
        raise _fail(
            source,
            "file",
            MISSING,
            "is an old Excel .xls or a password-protected workbook; save it as .xlsx (no password) or CSV",
        )
    return _rows(path)


def _workbook_rows(path: Path, source: str) -> list[list[str]]:
    """The first sheet of an .xlsx export, read by the safe workbook reader, as the CSV reader's text cells.

    Dates saved as date cells become ISO text (so they never make a file ambiguous), numbers
    their shortest exact decimal, text stays as typed (read like a CSV's).
    """
    from xl_placement._read_workbook import first_sheet_table  # noqa: PLC0415 - loads openpyxl

    try:
        _, grid = first_sheet_table(
            path,
            PRICE_FILE.max_rows + HEADER_SEARCH_ROWS + 1,
            MAX_PRICE_COLUMNS,
            (MAX_PRICE_CELLS, "export only the dates and the price columns, or save the sheet as CSV"),
        )
    except UnsafeWorkbookError as exc:
        raise _fail(source, "file", MISSING, str(exc).removeprefix(f"{path}: ")) from exc
    return [[_cell_text(value) for value in row] for row in grid]


def _cell_text(value: object) -> str:  # noqa: PLR0911 - one return a kind of cell
    """A workbook cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # the shortest exact decimal, never 1e-05
    return str(value)


def _rows(path: Path) -> list[list[str]]:
    """The file's rows, read by the one CSV reader within a price file's limits."""
    source = str(path)

    def refused(message: str) -> PriceFileError:
        where, _, why = message.removeprefix(source).partition(": ")
        return _fail(source, where.removeprefix(", ") or "file", MISSING, why)

    rows = []
    for number, cells, unreadable in csv_rows(
        path, error=refused, delimiters=",\t;", limits=PRICE_FILE, sniff_lines=HEADER_SEARCH_ROWS
    ):
        if unreadable:
            raise _fail(source, f"row {number}", MISSING, unreadable)
        rows.append(cells)
    return rows


def _normal(name: str) -> str:
    name = name.strip().strip("\ufeff").replace("*", "").lower()
    name = _UNIT.sub("", name).strip()
    name = re.sub(r"\s*-\s*[a-z]{3}$", "", name)  # "Turnover - HKD"
    return re.sub(r"\s+", " ", name)


def _header(rows: list[list[str]], source: str) -> tuple[int, dict[str, int]]:
    """The header row (the first with a date column and a price column) and its columns."""
    for at, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for index, cell in enumerate(row):
            name = _normal(cell)
            for what, names in _COLUMNS.items():
                if name in names and what not in columns:
                    columns[what] = index
        if "date" in columns and ("close" in columns or "adj_close" in columns):
            return at, columns
    raise _fail(
        source,
        "file",
        MISSING,
        "has no header row with a date column (Date, Exchange Date, Trade Date) and a close column "
        "(Close, Last, PX_LAST, Price, Closing Price) in its first "
        f"{HEADER_SEARCH_ROWS} rows",
    )


def _scale(header: str) -> Decimal:
    found = _UNIT.search(header.strip())
    if not found:
        return Decimal(1)
    unit = found.group(1).lower().replace(" ", "")
    for key, scale in _SCALES.items():
        if unit.endswith(key):
            return scale
    return Decimal(1)


def _exported_number(text: str, scale: Decimal, source: str, line: int, column: str) -> Decimal | None:
    """A number as exports write it ("1,234.5", "151.2M", "-" for none)."""
    if text.strip().lower() in _EMPTY or text.strip().lower().startswith("#n/a"):
        return None
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    cleaned = re.sub(r"^(HK\$|S\$|A\$|US\$|\$)", "", cleaned)
    suffix = Decimal(1)
    if cleaned and cleaned[-1].lower() in _SUFFIX:
        suffix = _SUFFIX[cleaned[-1].lower()]
        cleaned = cleaned[:-1]
    if not _NUMBER.match(cleaned):
        hint = ""
        if re.match(r"^\d+,\d+$", cleaned):
            hint = "; a decimal comma is not read: export with a decimal point"
        raise _fail(source, f"row {line}, column {column.strip()!r}", text, f"is not a number{hint}")
    try:
        value = Decimal(cleaned.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise _fail(source, f"row {line}, column {column.strip()!r}", text, "is not a number") from exc
    return value * suffix * scale


def _is_note_row(cells: Mapping[str, str]) -> bool:
    """A row that is no trading day: a dividend or split line, a footer ("Source: ...")."""
    joined = " ".join(cells.values()).lower()
    return any(word in joined for word in ("dividend", "split", "source", "highest", "lowest", "average"))


def _date_order(texts: Sequence[str], source: str) -> str:
    """Day-first or month-first for the numeric dates of a file; ambiguous files are refused."""
    firsts, seconds = set(), set()
    for text in texts:
        found = _NUMERIC.match(_TIME.sub("", text.strip()))
        if found:
            firsts.add(int(found.group(1)))
            seconds.add(int(found.group(2)))
    if not firsts:
        return "ymd"
    day_first, month_first = max(firsts) > 12, max(seconds) > 12
    if day_first and month_first:
        raise _fail(
            source,
            "file",
            MISSING,
            "has dates with a first part above 12 and dates with a second part above 12; "
            "export the dates in one order",
        )
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    raise _fail(
        source,
        "file",
        MISSING,
        "has dates such as "
        f"{next(t for t in texts if _NUMERIC.match(_TIME.sub('', t.strip())))!r} that read as day/month or "
        'month/day; say which: history_date_order = "dmy" (or "mdy") under [market], '
        "or export ISO dates (2025-12-05)",
    )


def _parse_date(text: str, order: str) -> dt.date | None:  # noqa: PLR0911 - one return a form
    text = _TIME.sub("", text.strip()).strip()
    try:
        if found := _ISO.match(text):
            return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        if found := _COMPACT.match(text):
            return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        if found := _NUMERIC.match(text):
            a, b, year = int(found.group(1)), int(found.group(2)), _year(found.group(3))
            if order == "ymd":
                return None
            return dt.date(year, b, a) if order == "dmy" else dt.date(year, a, b)
        if found := _DAY_MONTH.match(text):
            month = _MONTHS.get(found.group(2).lower())
            return None if month is None else dt.date(_year(found.group(3)), month, int(found.group(1)))
        if found := _MONTH_DAY.match(text):
            month = _MONTHS.get(found.group(1).lower())
            return None if month is None else dt.date(int(found.group(3)), month, int(found.group(2)))
    except ValueError:
        return None
    return None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _oldest_first(rows: list[PriceRow], source: str) -> tuple[PriceRow, ...]:
    dates = [r.date for r in rows]
    if len(set(dates)) != len(dates):
        twice = next(d for d in dates if dates.count(d) > 1)
        raise _fail(source, "file", MISSING, f"gives {twice.isoformat()} twice; one row a trading day")
    if all(a < b for a, b in itertools.pairwise(dates)):
        return tuple(rows)
    if all(a > b for a, b in itertools.pairwise(dates)):
        return tuple(reversed(rows))
    raise _fail(source, "file", MISSING, "is neither oldest-first nor newest-first; sort it by date")


# --- figures from the file ---------------------------------------------------------


def closes(prices: PriceFile) -> tuple[Close, ...]:
    """The rows as the deal model's history (volume, high and low kept)."""
    return tuple(
        Close(r.date, r.close, r.volume, high=r.high, low=r.low, turnover=r.turnover, vwap=r.vwap)
        for r in prices.rows
    )


def year_range(history: Sequence[Close], as_of: dt.date | None = None) -> YearRange | None:
    """The 52-week high and low to ``as_of`` (the last day when None): daily highs and lows when given."""
    if not history:
        return None
    end = as_of or history[-1].date
    start = end - dt.timedelta(weeks=52)
    window = [c for c in history if start < c.date <= end]
    if not window:
        return None
    full = all(c.high is not None and c.low is not None for c in window)
    highs = [(c.high if full and c.high is not None else c.close, c.date) for c in window]
    lows = [(c.low if full and c.low is not None else c.close, c.date) for c in window]
    high = max(highs, key=lambda pair: (pair[0], pair[1]))
    low = min(lows, key=lambda pair: (pair[0], -pair[1].toordinal()))
    return YearRange(high[0], high[1], low[0], low[1], "daily highs and lows" if full else "closes")


def day_vwap(row: Close) -> Decimal | None:
    """One day's VWAP: the file's VWAP column, else turnover / volume (None when neither is given)."""
    if row.vwap is not None:
        return row.vwap
    if row.turnover is not None and row.volume:
        return row.turnover / row.volume
    return None


# --- the deal ----------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """How a deal uses a price file: the ``[market]`` keys or ``--prices``."""

    path: Path | None = None
    date_order: str | None = None
    prefer_typed: bool = False


def options_of(market: Mapping[str, Any] | None, base: Path | None, prices: Path | str | None) -> Options:
    """The price-file keys of a ``[market]`` table (``--prices`` wins over ``history_file``).

    Raises:
        DealError: a key holds a value of the wrong kind.
    """
    market = market if isinstance(market, Mapping) else {}
    problems: list[Problem] = []
    named = market.get("history_file")
    if named is not None and (not isinstance(named, str) or not named.strip()):
        problems.append(Problem("market.history_file", named, 'must be a file name such as "prices.csv"'))
        named = None
    order = market.get("history_date_order")
    if order is not None and order not in DATE_ORDERS:
        problems.append(Problem("market.history_date_order", order, 'must be "dmy", "mdy" or "ymd"'))
        order = None
    prefer = market.get("prefer_typed", False)
    if not isinstance(prefer, bool):
        problems.append(Problem("market.prefer_typed", prefer, "must be true or false"))
        prefer = False
    if problems:
        raise DealError(problems)
    path: Path | None = None
    if prices is not None:
        path = Path(prices)  # typed by the user on the command line: any file they can read
    elif named is not None:
        path = inside_folder(named, base)
    return Options(path, order, prefer)


HISTORY_FILE_RULE = (
    'must be a path relative to the deal file\'s folder, such as "prices.csv" or "prices/0020.csv", '
    "without .. and not absolute; for a file elsewhere, give --prices FILE on the command line"
)


def inside_folder(named: str, base: Path | None) -> Path:
    """``market.history_file`` as a path inside the deal file's folder (``base``; None: the current one).

    A deal file may come from someone else: the path it names must not reach other files on
    disk. So it is relative, has no ``..``, and once resolved (symbolic links followed)
    still lies in the folder. The resolved path is what ``check`` prints.

    Raises:
        DealError: naming ``market.history_file``, the value and the rule.
    """
    parts = re.split(r"[\\/]", named)
    windows = PureWindowsPath(named)
    if Path(named).is_absolute() or windows.is_absolute() or windows.drive or ".." in parts:
        raise DealError([Problem("market.history_file", named, HISTORY_FILE_RULE)])
    folder = (base or Path()).resolve()
    path = (folder / named).resolve()
    if not path.is_relative_to(folder):
        raise DealError(
            [Problem("market.history_file", named, f"leads outside {folder} (a link); {HISTORY_FILE_RULE}")]
        )
    return path


def apply_price_file(deal: model.Deal, options: Options) -> model.Deal:
    """The deal with its market history read from the price file (the deal unchanged without one).

    Typed figures are compared with the file's: a figure that differs is refused, naming both,
    unless ``options.prefer_typed``; then it is kept and the note says so.

    Raises:
        PriceFileError: the file cannot be read.
        DealError: the deal has a typed [[market.history]] too, or a typed figure differs.
    """
    if options.path is None:
        return deal
    if deal.market.history:
        raise DealError(
            [
                Problem(
                    "market.history",
                    MISSING,
                    f"is typed in the deal file and read from {options.path} as well; give one of them",
                )
            ],
            deal.source,
        )
    prices = read_price_file(options.path, options.date_order)
    history = closes(prices)
    notes = list(prices.notes)
    market = dataclasses.replace(deal.market, history=history)
    agreed = deal.placing.agreement_date
    used = [c for c in history if agreed is None or c.date <= agreed]
    if agreed is None:
        notes.append(
            f"placing.agreement_date not given: the figures use the file's last day, {history[-1].date.isoformat()}"
        )
    elif not used:
        raise _fail(
            prices.path,
            "file",
            MISSING,
            f"has no trading day on or before placing.agreement_date ({agreed.isoformat()})",
        )
    elif history[0].date > agreed - dt.timedelta(days=31):
        notes.append(
            f"the file starts on {history[0].date.isoformat()}: fewer than a month before the agreement"
        )
    if deal.issuer.exchange == "SGX" and used and market.day_vwap is None:
        market, note = _with_day_vwap(market, used, agreed)
        notes.append(note)
    differs, kept = _compare(deal.market, used, deal.issuer.exchange)
    if differs and not options.prefer_typed:
        raise DealError(
            [
                Problem(
                    f"market.{key}",
                    typed,
                    f"differs from the price file's {found} ({how}); correct or remove the typed figure, "
                    "or set market.prefer_typed = true to keep it",
                )
                for key, typed, found, how in differs
            ],
            deal.source,
        )
    notes.extend(
        f"market.{key} = {typed} kept (market.prefer_typed); the price file gives {found} ({how})"
        for key, typed, found, how in differs
    )
    notes.extend(kept)
    source = model.HistorySource(prices.path, len(history), tuple(notes), dict(prices.columns))
    return dataclasses.replace(deal, market=dataclasses.replace(market, history_source=source))


def _with_day_vwap(
    market: model.Market, used: Sequence[Close], agreed: dt.date | None
) -> tuple[model.Market, str]:
    row = used[-1]
    found = day_vwap(row)
    if found is None:
        return market, "day VWAP not computed: the file has neither a VWAP column nor turnover with volume"
    day = "the agreement day" if row.date == agreed else "the preceding market day"
    note = f"day VWAP {_to_six_places(found)} of {row.date.isoformat()} ({day}) from the price file"
    return dataclasses.replace(market, day_vwap=found, day_vwap_date=row.date), note


def _compare(
    typed: model.Market, used: Sequence[Close], exchange: str
) -> tuple[list[tuple[str, Decimal, str, str]], list[str]]:
    """Typed figures against the file's: those that differ, and lines for those that agree."""
    differs: list[tuple[str, Decimal, str, str]] = []
    agree: list[str] = []
    values = [c.close for c in used]

    def check(key: str, given: Decimal, compute: Any, how: str) -> None:
        try:
            found = compute()
        except CalculationError as exc:
            differs.append((key, given, "nothing", f"it cannot give it: {exc}"))
            return
        if found is None:
            return
        if _agrees(given, found):
            agree.append(f"market.{key} = {given} agrees with the price file ({_to_six_places(found)})")
        else:
            differs.append((key, given, _to_six_places(found), how))

    if not used:
        return differs, agree
    last = used[-1].date
    if typed.last_close is not None:
        check("last_close", typed.last_close, lambda: values[-1], f"the close of {last.isoformat()}")
    for n, given in sorted(typed.average_closes.items()):
        span = f"the {n} closes to {last.isoformat()}"
        check(f"average_close_{n}d", given, lambda n=n: average_close(values, n), span)
    volumes = [c.volume for c in used]
    if all(v is not None for v in volumes):
        for n, given in sorted(typed.vwaps.items()):
            check(
                f"vwap_{n}d",
                given,
                lambda n=n: vwap(values, [v or 0 for v in volumes], n),
                f"close x volume over the {n} days to {last.isoformat()}",
            )
        for n, given in sorted(typed.adtv.items()):
            found = adtv(used, n)
            if found is not None:
                check(f"adtv_{n}d", given, lambda found=found: found[0], f"mean volume of {n} days")
    if typed.day_vwap is not None and exchange == "SGX":
        day = typed.day_vwap_date or last
        row = next((c for c in used if c.date == day), None)
        if row is not None:
            check("day_vwap", typed.day_vwap, lambda: day_vwap(row), f"the VWAP of {day.isoformat()}")
    return differs, agree


def _agrees(typed: Decimal, found: Decimal) -> bool:
    """The file's figure rounds, to the typed figure's decimals, to the typed figure."""
    exponent = typed.as_tuple().exponent
    places = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    return found.quantize(places, rounding=ROUND_HALF_UP) == typed


def _to_six_places(value: Decimal) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


# --- what the command line shows -----------------------------------------------------


def describe(deal: model.Deal) -> dict[str, Any] | None:
    """What was read from the deal's price file (None without one): for ``check --json``."""
    source = deal.market.history_source
    if source is None:
        return None
    history = deal.market.history
    agreed = deal.placing.agreement_date
    span = year_range(history, agreed if agreed is not None and agreed >= history[0].date else None)
    return {
        "file": source.path,
        "days": source.days,
        "first": history[0].date,
        "last": history[-1].date,
        "columns": dict(source.columns),
        "high_52w": None if span is None else {"price": span.high, "date": span.high_date},
        "low_52w": None if span is None else {"price": span.low, "date": span.low_date},
        "range_basis": None if span is None else span.basis,
        "notes": list(source.notes),
    }


def describe_lines(deal: model.Deal) -> list[str]:
    """The same as lines of text, for ``check`` and ``build``."""
    found = describe(deal)
    if found is None:
        return []
    lines = [
        f"prices: {found['days']:,} trading days from {found['file']} "
        f"({found['first'].isoformat()} to {found['last'].isoformat()}; columns: "
        + ", ".join(f"{what} = {name!r}" for what, name in found["columns"].items())
        + ")"
    ]
    if found["high_52w"] is not None:
        high, low = found["high_52w"], found["low_52w"]
        lines.append(
            f"  52-week high {_to_six_places(high['price'])} ({high['date'].isoformat()}), "
            f"low {_to_six_places(low['price'])} ({low['date'].isoformat()}), from {found['range_basis']}"
        )
    lines.extend(f"  note: {note}" for note in found["notes"])
    return lines
