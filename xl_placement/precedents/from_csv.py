"""Precedents from a CSV file: a precedents CSV (one placing a row) or a batch's ``summary.csv``.

A precedents CSV writes figures as announcements publish them ("8.63%", "HK$3,150m"),
read with the parser of ``[stated]`` figures; a batch summary gives the figures the batch
computed. A bad cell is refused, naming the file, row and column.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from xl_placement import parsers as f
from xl_placement.context import AFTER_MARKET_DAYS
from xl_placement.deal import KIND_LABELS
from xl_placement.errors import PrecedentsError
from xl_placement.figures import NOT_GIVEN
from xl_placement.precedents.precedent import AFTER_MARKET, Precedent, PrecedentDate, complete
from xl_placement.published import parse_published
from xl_placement.safe_csv import csv_rows

KINDS = tuple(KIND_LABELS)  # a deal's kinds, and a subscription

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


def _published_rate(value: object) -> Decimal:
    """A published rate: "8.63%", or a fraction such as 0.0863; "8.63" alone is refused."""
    return published(str(value), kind="percent")


def _published_discount(value: object) -> Decimal:
    """A published discount: "8.63%", "a premium of 1.1%" (-1.1%), or a fraction such as 0.0863."""
    return published(str(value), kind="percent", discount=True)


def _published_amount(currency: str) -> Callable[[object], Decimal]:
    def parse(value: object) -> Decimal:
        result = published(str(value), kind="amount", currency=currency)
        if result <= 0:
            raise f.Invalid("must be a positive amount")
        return result

    return parse


def _usd_amount(value: object) -> Decimal:
    return _published_amount("USD")(value)


MAX_SOURCE = 2_000  # a source is often a long web address


def _source(value: object) -> str:
    """A source: one line of text (a web address, "company announcement"), up to 2,000 characters."""
    return f.line(value, MAX_SOURCE)


def _after_market(value: object) -> Decimal:
    """A published after-market move against the placing price: "+5.2%", "-3.1%", or a fraction."""
    result = _published_rate(value)
    if result <= -1:
        raise f.Invalid("must be above -100%: a close cannot be below zero")
    return result


def _kind(value: object) -> str:
    return str(f.choice(KINDS)(value))


def _exchange(value: object) -> str:
    return f.text(value).upper()


def _share_fraction(value: object) -> Decimal:
    result = _published_rate(value)
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
        "discount_to_last_close": _published_discount,
        "discount_to_average_close_5d": _published_discount,
        "percent_of_existing": _share_fraction,
        "percent_of_enlarged": _share_fraction,
        "gross_proceeds": _published_amount(currency),
        "net_proceeds": _published_amount(currency),
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


def read_csv(source: Path) -> tuple[Precedent, ...]:
    """Precedents from a precedents CSV, or from a batch's summary.csv (told apart by its first columns).

    Raises:
        PrecedentsError: naming the file, row and column of the first bad figure.
    """
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
