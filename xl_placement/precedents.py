"""Precedent placings: comparable deals to set a placing beside, and where it sits among them.

Three sources give precedents, each read into the same ``Precedent`` rows:

- a precedents CSV, one placing a row, figures written as announcements publish them
  ("8.63%", "HK$3,150m"), read with the parser of ``[stated]`` figures;
- a batch's own ``summary.csv`` (the deals that got a report);
- a folder of deal files (``.toml``/``.json``), whose figures are computed.

A figure left blank that follows from others (the discount from the price and the last
close, gross proceeds from shares and price, one dilution basis from the other) is
computed and listed in ``Precedent.computed``. Published figures are kept as published.
The statistics (``summarise``) mirror the spreadsheet functions the report uses
(COUNT, MIN, QUARTILE, MEDIAN, AVERAGE, MAX), so the sheet and Python agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from pathlib import Path

from xl_placement import parsers as f
from xl_placement.context import AFTER_MARKET_DAYS
from xl_placement.deal import KIND_LABELS
from xl_placement.dealfile import deal_files, read_deal_file
from xl_placement.errors import InputError, PlacementError, PrecedentsError
from xl_placement.figures import NOT_GIVEN
from xl_placement.money import PRECISION
from xl_placement.published import parse_published
from xl_placement.safe_csv import csv_rows

KINDS = tuple(KIND_LABELS)  # a deal's kinds, and a subscription

# The measures the statistics and the chart use: (field, label).
MEASURES = (
    ("discount_to_last_close", "Discount to last close"),
    ("percent_of_enlarged", "New shares, % of enlarged capital"),
    ("gross_proceeds_usd", "Gross proceeds (US$)"),
    *((f"after_market_t{n}", f"Close on T+{n} against the placing price") for n in AFTER_MARKET_DAYS),
)
# The close N trading days after the deal against the placing price (close / price - 1),
# for N in context.AFTER_MARKET_DAYS: published percentages, or computed from a deal's history.
AFTER_MARKET = tuple(f"after_market_t{n}" for n in AFTER_MARKET_DAYS)

REQUIRED_COLUMNS = ("issuer", "exchange", "currency")
OPTIONAL_COLUMNS = (
    "stock_code",
    "share_class",
    "kind",
    "date",
    "new_shares",
    "price",
    "last_close",
    "average_close_5d",
    "shares_outstanding",
    "discount_to_last_close",
    "discount_to_average_close_5d",
    "percent_of_existing",
    "percent_of_enlarged",
    "gross_proceeds",
    "net_proceeds",
    "usd_rate",
    "usd_rate_source",
    "gross_proceeds_usd",
    *AFTER_MARKET,
    "source",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# The batch summary's headings (batch.SUMMARY_COLUMNS) that a precedent takes.
SUMMARY_MAP = {
    "issuer": "issuer",
    "stock code": "stock_code",
    "exchange": "exchange",
    "currency": "currency",
    "price": "price",
    "new shares": "new_shares",
    "discount to last close": "discount_to_last_close",
    "% of existing": "percent_of_existing",
    "% of enlarged": "percent_of_enlarged",
    "gross proceeds": "gross_proceeds",
    "net proceeds": "net_proceeds",
    "date": "date",
    "kind": "kind",
    "share class": "share_class",
    **{f"after market T+{n}": f"after_market_t{n}" for n in AFTER_MARKET_DAYS},
}
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")  # not \d: int() reads full-width digits


@dataclass(frozen=True)
class PrecedentDate:
    """A deal date, to the day or only to the month ("2025-11": the day was not published)."""

    first: dt.date  # the first day it can be
    last: dt.date  # the last day it can be (the same day when the day is known)

    @property
    def text(self) -> str:
        """``2025-03-03``, or ``2025-11`` for a month."""
        return self.first.isoformat() if self.exact else self.first.strftime("%Y-%m")

    @property
    def exact(self) -> bool:
        """True when the day is known."""
        return self.first == self.last


@dataclass(frozen=True)
class Precedent:
    """One comparable placing. Figures are published unless named in ``computed``; None is unknown.

    Rates and percentages are fractions (0.0863), amounts are in ``currency`` (gross in
    US dollars aside), ``usd_rate`` is ``currency`` per US dollar.
    """

    issuer: str
    exchange: str
    currency: str
    origin: str  # where it came from: "precedents.csv row 3", a deal file, "summary.csv row 4"
    stock_code: str = ""
    share_class: str = ""
    kind: str = ""
    date: PrecedentDate | None = None
    new_shares: int | None = None
    price: Decimal | None = None
    last_close: Decimal | None = None
    average_close_5d: Decimal | None = None
    shares_outstanding: int | None = None
    discount_to_last_close: Decimal | None = None
    discount_to_average_close_5d: Decimal | None = None
    percent_of_existing: Decimal | None = None
    percent_of_enlarged: Decimal | None = None
    gross_proceeds: Decimal | None = None
    net_proceeds: Decimal | None = None
    usd_rate: Decimal | None = None
    usd_rate_source: str = ""
    gross_proceeds_usd: Decimal | None = None
    after_market_t1: Decimal | None = None  # close on T+1 / placing price - 1 (AFTER_MARKET)
    after_market_t5: Decimal | None = None
    after_market_t20: Decimal | None = None
    source: str = ""
    computed: frozenset[str] = field(default_factory=frozenset)
    reported: bool = True  # figures as reported by a source; False: computed by xl-placement from a deal

    def measure(self, name: str) -> Decimal | None:
        """The value of one of ``MEASURES``."""
        value = getattr(self, name)
        return value if isinstance(value, Decimal) else None


@dataclass(frozen=True)
class Selection:
    """The precedents a report shows: what was read, the filters and what they left.

    ``rows`` are sorted by date (undated rows last); ``notes`` say what was left out and why.
    """

    path: str
    rows: tuple[Precedent, ...]
    read: int
    since: dt.date | None = None
    exchange: str | None = None
    notes: tuple[str, ...] = ()
    until: dt.date | None = None  # the cut-off asked for (``--until``), overriding the deal's date
    cut_off: str = ""  # the cut-off applied for a deal, in words ("" before ``for_deal``)

    @property
    def filters(self) -> str:
        """The filters applied, in words: "since 2023-01-01, exchange HKEX, before 2025-10-17 (...)"."""
        parts = []
        if self.since is not None:
            parts.append(f"since {self.since.isoformat()}")
        if self.exchange is not None:
            parts.append(f"exchange {self.exchange}")
        if self.cut_off:
            parts.append(self.cut_off)
        elif self.until is not None:
            parts.append(f"before {self.until.isoformat()} (the cut-off given)")
        return ", ".join(parts) or "none"


@dataclass(frozen=True)
class Statistics:
    """Count, minimum, quartiles, median, mean and maximum of one measure (None when count is 0)."""

    count: int
    minimum: Decimal | None
    lower_quartile: Decimal | None
    median: Decimal | None
    mean: Decimal | None
    upper_quartile: Decimal | None
    maximum: Decimal | None


# --- the statistics ------------------------------------------------------------


def quartile(values: Sequence[Decimal], q: int) -> Decimal:
    """Excel's QUARTILE (QUARTILE.INC): linear interpolation at position (n - 1) x q / 4.

    Args:
        values: at least one number.
        q: 0 (minimum) to 4 (maximum); 2 is the median.
    """
    if not values:
        raise ValueError("quartile of no values")
    ordered = sorted(values)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        position = Decimal(len(ordered) - 1) * q / 4
        low = int(position)
        if low + 1 >= len(ordered):
            return ordered[low]
        return ordered[low] + (position - low) * (ordered[low + 1] - ordered[low])


def summarise(values: Sequence[Decimal]) -> Statistics:
    """The statistics of one measure over the precedents that give it."""
    if not values:
        return Statistics(0, None, None, None, None, None, None)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        mean = sum(values, Decimal(0)) / len(values)
    return Statistics(
        len(values),
        min(values),
        quartile(values, 1),
        quartile(values, 2),
        mean,
        quartile(values, 3),
        max(values),
    )


def percentile_rank(values: Sequence[Decimal], value: Decimal) -> Decimal | None:
    """The share of ``values`` below ``value``, ties counting half (0 to 1; None for no values)."""
    if not values:
        return None
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return (Decimal(below) + Decimal(equal) / 2) / len(values)


def values_of(rows: Iterable[Precedent], measure: str) -> list[Decimal]:
    """The known values of one measure."""
    return [v for v in (row.measure(measure) for row in rows) if v is not None]


# --- figures that follow from others -------------------------------------------


def complete(row: Precedent) -> Precedent:
    """Fill each blank figure that follows from published ones, and name it in ``computed``."""
    from xl_placement.capital import dilution  # noqa: PLC0415 - keeps import order simple
    from xl_placement.prices import discount  # noqa: PLC0415
    from xl_placement.proceeds import gross_proceeds, to_quote  # noqa: PLC0415

    found: dict[str, Decimal] = {}
    if row.discount_to_last_close is None and row.price is not None and row.last_close is not None:
        found["discount_to_last_close"] = discount(row.price, row.last_close)
    if (
        row.discount_to_average_close_5d is None
        and row.price is not None
        and row.average_close_5d is not None
    ):
        found["discount_to_average_close_5d"] = discount(row.price, row.average_close_5d)
    if row.new_shares is not None and row.shares_outstanding is not None:
        if row.percent_of_existing is None:
            found["percent_of_existing"] = dilution(row.new_shares, row.shares_outstanding, "existing")
        if row.percent_of_enlarged is None:
            found["percent_of_enlarged"] = dilution(row.new_shares, row.shares_outstanding, "enlarged")
    with localcontext() as ctx:
        ctx.prec = PRECISION
        if row.percent_of_enlarged is None and row.percent_of_existing is not None:
            found["percent_of_enlarged"] = enlarged_from_existing(row.percent_of_existing)
        if row.percent_of_existing is None and row.percent_of_enlarged is not None:
            found["percent_of_existing"] = existing_from_enlarged(row.percent_of_enlarged)
    gross = row.gross_proceeds
    if gross is None and row.new_shares is not None and row.price is not None:
        gross = found["gross_proceeds"] = gross_proceeds(row.new_shares, row.price)
    if row.gross_proceeds_usd is None and gross is not None and row.usd_rate is not None:
        found["gross_proceeds_usd"] = to_quote(gross, row.usd_rate)
    if not found:
        return row
    return replace(row, **found, computed=row.computed | frozenset(found))  # type: ignore[arg-type]


def enlarged_from_existing(existing: Decimal) -> Decimal:
    """% of enlarged capital from % of existing: e / (1 + e)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return existing / (1 + existing)


def existing_from_enlarged(enlarged: Decimal) -> Decimal:
    """% of existing capital from % of enlarged: n / (1 - n)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return enlarged / (1 - enlarged)


# --- published figures: the [stated] parser ------------------------------------


def published(value: str, *, kind: str, currency: str | None = None, discount: bool = False) -> Decimal:
    """A figure as an announcement prints it ("8.63%", "HK$3,150m"), as a number.

    The one place that reads announcement forms for precedents, so it reads them as the
    deal file's ``[stated]`` figures are read.

    Args:
        value: the text as published.
        kind: "percent" (a rate: "8.63%", or a fraction such as 0.0863) or "amount".
        currency: the row's currency; a symbol of another currency is refused.
        discount: the figure is a discount ("a premium of 1.1%" reads as -1.1%).

    Raises:
        parsers.Invalid: the text is not a figure in a form announcements use.
    """
    return parse_published(value, kind=kind, currency=currency, discount=discount).value


# --- reading a precedents CSV --------------------------------------------------


def _parse_date(value: object) -> PrecedentDate:
    text = str(value).strip()
    f.plain_digits(text)
    month = _MONTH.match(text)
    if month:
        year, number = int(month[1]), int(month[2])
        if not 1 <= number <= 12:
            raise f.Invalid("must be a date YYYY-MM-DD, or YYYY-MM when only the month was published")
        last = calendar.monthrange(year, number)[1]
        return PrecedentDate(dt.date(year, number, 1), dt.date(year, number, last))
    try:
        day = f.date(text)
    except f.Invalid as exc:
        raise f.Invalid("must be a date YYYY-MM-DD, or YYYY-MM when only the month was published") from exc
    return PrecedentDate(day, day)


def _percent(value: object) -> Decimal:
    """A published rate: "8.63%", or a fraction such as 0.0863; "8.63" alone is refused."""
    return published(str(value), kind="percent")


def _discount(value: object) -> Decimal:
    """A published discount: "8.63%", "a premium of 1.1%" (-1.1%), or a fraction such as 0.0863."""
    return published(str(value), kind="percent", discount=True)


def _amount(currency: str) -> Callable[[object], Decimal]:
    def parse(value: object) -> Decimal:
        result = published(str(value), kind="amount", currency=currency)
        if result <= 0:
            raise f.Invalid("must be a positive amount")
        return result

    return parse


def _usd_amount(value: object) -> Decimal:
    return _amount("USD")(value)


MAX_SOURCE = 2_000  # a source is often a long web address


def _source(value: object) -> str:
    """A source: one line of text (a web address, "company announcement"), up to 2,000 characters."""
    return f.line(value, MAX_SOURCE)


def _after_market(value: object) -> Decimal:
    """A published after-market move against the placing price: "+5.2%", "-3.1%", or a fraction."""
    result = _percent(value)
    if result <= -1:
        raise f.Invalid("must be above -100%: a close cannot be below zero")
    return result


def _kind(value: object) -> str:
    return str(f.choice(KINDS)(value))


def _exchange(value: object) -> str:
    return f.text(value).upper()


def _share_fraction(value: object) -> Decimal:
    result = _percent(value)
    if not 0 < result < 1:
        raise f.Invalid("must be a percentage above 0% and below 100%")
    return result


def _positive(value: object) -> Decimal:
    return f.positive(value)


def _parsers(currency: str) -> dict[str, Callable[[object], object]]:
    return {
        "issuer": f.text,
        "exchange": _exchange,
        "currency": f.currency,
        "stock_code": f.text,
        "share_class": f.text,
        "kind": _kind,
        "date": _parse_date,
        "new_shares": f.positive_whole,
        "price": _positive,
        "last_close": _positive,
        "average_close_5d": _positive,
        "shares_outstanding": f.positive_whole,
        "discount_to_last_close": _discount,
        "discount_to_average_close_5d": _discount,
        "percent_of_existing": _share_fraction,
        "percent_of_enlarged": _share_fraction,
        "gross_proceeds": _amount(currency),
        "net_proceeds": _amount(currency),
        "usd_rate": _positive,
        "usd_rate_source": _source,
        "gross_proceeds_usd": _usd_amount,
        **dict.fromkeys(AFTER_MARKET, _after_market),
        "source": _source,
    }


def _row(cells: Mapping[str, str], where: str) -> Precedent:
    """One row's cells (column name -> text) as a completed Precedent."""
    values: dict[str, object] = {}
    currency = _cell(cells, "currency", f.currency, where)
    parsers = _parsers(str(currency or ""))
    for column in COLUMNS:
        value = currency if column == "currency" else _cell(cells, column, parsers[column], where)
        if value is not None:
            values[column] = value
    _check_pairs(values, where)
    return complete(Precedent(origin=where, **values))  # type: ignore[arg-type]


def _cell(cells: Mapping[str, str], column: str, parse: Callable[[object], object], where: str) -> object:
    """One cell parsed, None when blank; a required blank or a bad value names the row and column."""
    text = cells.get(column, "").strip()
    if not text:
        if column in REQUIRED_COLUMNS:
            raise PrecedentsError(f"{where}, column {column}: is empty; every precedent needs one")
        return None
    try:
        return parse(text)
    except f.Invalid as exc:
        raise PrecedentsError(f"{where}, column {column} = {text!r}: {exc}") from exc


def _check_pairs(values: Mapping[str, object], where: str) -> None:
    """A US dollar amount needs its source; a rate needs its source."""
    if "usd_rate" in values and "usd_rate_source" not in values:
        raise PrecedentsError(
            f"{where}, column usd_rate_source: is empty; say where the rate {values['usd_rate']} comes from"
        )


def read_csv_text(path: Path) -> Iterator[list[str]]:
    """The rows of a CSV file (UTF-8, with or without a BOM), streamed within the CSV limits.

    Raises:
        PrecedentsError: the file is missing, too large, too long, not UTF-8 or not valid CSV.
    """
    if not path.exists():
        raise PrecedentsError(f"{path}: no such file; give a precedents .csv file or a folder of deal files")
    for number, cells, unreadable in csv_rows(path, error=PrecedentsError):
        if unreadable:
            raise PrecedentsError(f"{path}, row {number}: {unreadable}")
        yield cells


def read_precedents(path: str | Path) -> tuple[Precedent, ...]:
    """Read precedents from a precedents CSV, a batch's summary.csv or a folder of deal files.

    Returns:
        Every precedent, in file order, with computable blanks filled.

    Raises:
        PrecedentsError: naming the file, row and column of the first bad figure.
    """
    source = Path(path)
    if source.is_dir():
        return _folder(source)
    if source.suffix.lower() != ".csv":
        raise PrecedentsError(f"{source}: precedents come from a .csv file or a folder of deal files")
    rows = read_csv_text(source)
    first = next(rows, None)
    if first is None or not any(cell.strip() for cell in first):
        raise PrecedentsError(f"{source}: the file is empty; the first row must name the columns")
    header = [cell.strip() for cell in first]
    if header[:3] == ["row", "source", "status"]:
        return _summary(source, header, rows)
    return _precedents_csv(source, header, rows)


def _precedents_csv(path: Path, header: list[str], body: Iterable[list[str]]) -> tuple[Precedent, ...]:
    _check_header(path, header, COLUMNS)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise PrecedentsError(
            f"{path}, row 1: has no column {', '.join(missing)}; the columns are {', '.join(COLUMNS)}"
        )
    result = []
    for number, cells in enumerate(body, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        where = f"{path}, row {number}"
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise PrecedentsError(f"{where}: has {len(cells)} cells but the header only {len(header)}")
        result.append(_row(dict(zip(header, cells, strict=False)), where))
    return tuple(result)


def _check_header(path: Path, header: list[str], known: Sequence[str]) -> None:
    seen: set[str] = set()
    for index, name in enumerate(header, start=1):
        if name in seen:
            raise PrecedentsError(
                f"{path}, row 1, column {index} {name!r}: is repeated; give each column once"
            )
        seen.add(name)
        if name not in known:
            raise PrecedentsError(
                f"{path}, row 1, column {index} {name!r}: is not a precedents column; "
                f"the columns are {', '.join(known)}"
            )


def _summary(path: Path, header: list[str], body: Iterable[list[str]]) -> tuple[Precedent, ...]:
    """A batch summary: the deals that got a report (whatever their checks said), with their computed figures."""
    result = []
    for number, cells in enumerate(body, start=2):
        record = dict(zip(header, cells, strict=False))
        if not record.get("report", "").strip():
            continue  # a deal that got no report (its error is in the summary) has no figures
        mapped = {
            SUMMARY_MAP[k]: "" if v.strip() == NOT_GIVEN else _unquote(v)
            for k, v in record.items()
            if k in SUMMARY_MAP
        }
        label = record.get("source", "").strip()
        mapped["source"] = f"batch summary row {number}" + (f" ({label})" if label else "")
        row = _row(mapped, f"{path}, row {number}")
        computed = {
            "discount_to_last_close",
            "percent_of_existing",
            "percent_of_enlarged",
            "gross_proceeds",
            *AFTER_MARKET,
        }
        result.append(
            replace(row, computed=row.computed | {k for k in computed if row.measure(k) is not None})
        )
    return tuple(result)


def _unquote(value: str) -> str:
    """The summary CSV puts an apostrophe before text a spreadsheet would take for a formula."""
    return value[1:] if value.startswith("'") else value


def _folder(folder: Path) -> tuple[Precedent, ...]:
    """Deal files as precedents: every figure computed from the deal's inputs."""
    try:
        files = deal_files(folder)
    except InputError as exc:
        raise PrecedentsError(str(exc)) from exc
    if not files:
        raise PrecedentsError(f"{folder}: the folder has no .toml or .json deal files")
    result = []
    for path in files:
        try:
            deal = read_deal_file(path)
        except PlacementError as exc:
            raise PrecedentsError(f"{path}: {exc}") from exc
        result.append(from_deal(deal, str(path)))
    return tuple(result)


def from_deal(deal: object, origin: str) -> Precedent:
    """A deal as a precedent: its inputs, and the figures that follow from them marked computed."""
    from xl_placement.deal import Deal  # noqa: PLC0415
    from xl_placement.figures import compute  # noqa: PLC0415

    assert isinstance(deal, Deal)  # noqa: S101 - typed loosely to keep imports light
    figures = compute(deal)
    p, issuer = deal.placing, deal.issuer
    dates = [d for d in (p.agreement_date, p.announcement_date, p.price_fixing_date) if d is not None]
    rate = deal.fx.rate if deal.fx is not None and deal.fx.quote_currency == "USD" else None
    average = figures.reference("average_close_5d")
    last = figures.reference("last_close")
    row = Precedent(
        issuer=issuer.name,
        exchange=issuer.exchange.upper(),
        currency=issuer.currency,
        origin=origin,
        stock_code=issuer.stock_code,
        share_class=issuer.share_class or "",
        kind=p.kind,
        date=PrecedentDate(min(dates), min(dates)) if dates else None,
        new_shares=p.new_shares,
        price=p.price,
        last_close=last.price if last else None,
        average_close_5d=average.price if average else None,
        shares_outstanding=p.shares_outstanding,
        # The deal's own gross (ADSs and pre-funded warrants included), not shares x price.
        gross_proceeds=figures.proceeds.gross,
        net_proceeds=figures.proceeds.net,
        usd_rate=rate,
        usd_rate_source=deal.fx.source if rate is not None and deal.fx is not None else "",
        source=origin,
        reported=False,
        # From the deal's own history when it runs past the deal (context.after_market).
        **{f"after_market_t{a.days}": a.change for a in figures.after_market},  # type: ignore[arg-type]
    )
    done = complete(row)
    after = {f"after_market_t{a.days}" for a in figures.after_market}
    return replace(done, computed=done.computed | {"gross_proceeds"} | after)


# --- choosing the rows ---------------------------------------------------------


def select(
    rows: Sequence[Precedent],
    path: str,
    *,
    since: dt.date | None = None,
    exchange: str | None = None,
    deal: object | None = None,
    until: dt.date | None = None,
) -> Selection:
    """Filter and sort the precedents.

    Args:
        rows: the precedents read.
        path: the file they came from (for messages).
        since: keep deals dated on or after this day; an undated row, or one dated only to
            a month that starts before ``since``, is left out and counted in the notes.
        exchange: keep deals on this exchange (case-insensitive).
        deal: the deal the report is for; a precedent that is the same deal (same stock
            code, new shares and price) is left out, so it is not compared with itself, and
            so is every precedent not dated before the cut-off (``for_deal``).
        until: the cut-off, overriding the deal's date: keep deals dated before this day.

    Raises:
        PrecedentsError: no row is left.
    """
    kept = list(rows)
    notes = []
    exchange = exchange.strip().upper() if exchange is not None else None
    if exchange is not None:
        kept = [r for r in kept if r.exchange == exchange]
    if since is not None:
        undated = sum(1 for r in kept if r.date is None)
        straddling = sum(1 for r in kept if r.date is not None and r.date.first < since <= r.date.last)
        kept = [r for r in kept if r.date is not None and r.date.first >= since]
        if undated:
            notes.append(f"{undated} undated row{'s' if undated > 1 else ''} left out by the date filter")
        if straddling:
            notes.append(
                f"{straddling} row{'s' if straddling > 1 else ''} dated only to a month that includes "
                f"{since.isoformat()} left out (the day is not known)"
            )
    if not kept:
        raise PrecedentsError(
            f"{path}: no precedents left after the filters ({_filters(since, exchange)}) "
            f"of the {len(rows)} read; widen --since or --exchange"
        )
    kept.sort(key=_date_key)
    selection = Selection(path, tuple(kept), len(rows), since, exchange, tuple(notes), until)
    return for_deal(selection, deal) if deal is not None else selection


#: What the selection says when the deal has no date to cut the precedents off at.
NO_CUT_OFF = (
    "no cut-off: the deal gives no date (placing.agreement_date, placing.announcement_date or a "
    "dated market history), so deals after it may be included"
)


def deal_cut_off(deal: object, until: dt.date | None = None) -> tuple[dt.date | None, str]:
    """The day precedents must be dated before, and the cut-off in words.

    ``until`` when given; else the deal's agreement date, else its announcement date, else the
    date of its market data (the last close of its history). None and ``NO_CUT_OFF`` when the
    deal has none of them: no look-ahead can then be ruled out.
    """
    from xl_placement.deal import Deal  # noqa: PLC0415

    if until is not None:
        return until, f"before {until.isoformat()} (the cut-off given)"
    if not isinstance(deal, Deal):
        return None, NO_CUT_OFF
    p = deal.placing
    history = [c.date for c in deal.market.history]
    for day, what in (
        (p.agreement_date, "the agreement date"),
        (p.announcement_date, "the announcement date"),
        (max(history) if history else None, "the date of the market data"),
    ):
        if day is not None:
            return day, f"before {day.isoformat()} ({what})"
    return None, NO_CUT_OFF


def for_deal(selection: Selection, deal: object) -> Selection:
    """The selection for one deal: no look-ahead and not the deal itself.

    Precedents dated on or after the cut-off (``selection.until``, else the deal's date, see
    ``deal_cut_off``) are left out, and so are undated ones and ones dated only to a month that
    reaches the cut-off (they may be later); ``cut_off`` says which cut-off was used.

    Raises:
        PrecedentsError: no row is left.
    """
    day, text = deal_cut_off(deal, selection.until)
    rows, notes = list(selection.rows), list(selection.notes)
    if day is not None:
        later = sum(1 for r in rows if r.date is not None and r.date.first >= day)
        month = sum(1 for r in rows if r.date is not None and r.date.first < day <= r.date.last)
        undated = sum(1 for r in rows if r.date is None)
        rows = [r for r in rows if r.date is not None and r.date.last < day]
        for count, what in (
            (later, f"dated on or after {day.isoformat()}"),
            (month, f"dated only to a month that reaches {day.isoformat()}"),
            (undated, "undated"),
        ):
            if count:
                notes.append(f"{count} row{'s' if count > 1 else ''} {what} left out (no look-ahead)")
        if not rows:
            raise PrecedentsError(
                f"{selection.path}: no precedents dated before the cut-off ({text}) of the "
                f"{selection.read} read; give earlier precedents, or a later cut-off date (until)"
            )
    cut = replace(selection, rows=tuple(rows), notes=tuple(notes), cut_off=text)
    return without_deal(cut, deal)


def without_deal(selection: Selection, deal: object) -> Selection:
    """The selection without rows that are ``deal`` itself (same stock code, new shares and price).

    A batch's own summary lists every deal of the batch; each report compares its deal
    with the others, not with itself.

    Raises:
        PrecedentsError: the deal was the only row.
    """
    same = _same_deal(deal)
    if same is None:
        return selection
    kept = tuple(r for r in selection.rows if (r.stock_code, r.new_shares, r.price) != same)
    dropped = len(selection.rows) - len(kept)
    if not dropped:
        return selection
    if not kept:
        raise PrecedentsError(f"{selection.path}: the only precedent left is this deal itself; give others")
    note = f"{dropped} row{'s' if dropped > 1 else ''} matching this deal left out (shown as this deal)"
    return replace(selection, rows=kept, notes=(*selection.notes, note))


def _filters(since: dt.date | None, exchange: str | None) -> str:
    return Selection("", (), 0, since, exchange).filters


def _same_deal(deal: object | None) -> tuple[str, int | None, Decimal | None] | None:
    from xl_placement.deal import Deal  # noqa: PLC0415

    if not isinstance(deal, Deal):
        return None
    return deal.issuer.stock_code, deal.placing.new_shares, deal.placing.price


def _date_key(row: Precedent) -> tuple[int, dt.date, int]:
    """By date; a month-only date sorts at its month's end, after that day's exact dates; undated last."""
    if row.date is None:
        return 1, dt.date.max, 0
    return 0, row.date.last, 0 if row.date.exact else 1


def load_precedents(
    path: str | Path,
    *,
    since: dt.date | str | None = None,
    exchange: str | None = None,
    deal: object = None,
    until: dt.date | str | None = None,
) -> Selection:
    """Read, filter and sort precedents: what ``--precedents FILE --since --exchange --until`` give.

    Raises:
        PrecedentsError: a bad row (file, row and column named), a bad filter, or no row left.
    """
    since, until = _day("--since", since), _day("--until", until)
    if exchange is not None and not exchange.strip():
        raise PrecedentsError("--exchange: give an exchange such as HKEX")
    return select(read_precedents(path), str(path), since=since, exchange=exchange, deal=deal, until=until)


def _day(option: str, value: dt.date | str | None) -> dt.date | None:
    if not isinstance(value, str):
        return value
    try:
        return f.date(value)
    except f.Invalid as exc:
        raise PrecedentsError(f"{option} {value!r}: {exc}") from exc
