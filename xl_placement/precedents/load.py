"""Reading precedents from any source, and ``load_precedents``: read, filter and sort in one call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xl_placement import parsers as f
from xl_placement.errors import PrecedentsError
from xl_placement.precedents.from_csv import read_csv
from xl_placement.precedents.from_deals import read_folder
from xl_placement.precedents.precedent import Precedent
from xl_placement.precedents.selection import Selection, select


def read_precedents(path: str | Path) -> tuple[Precedent, ...]:
    """Read precedents from a precedents CSV, a batch's summary.csv or a folder of deal files.

    Returns:
        Every precedent, in file order, with computable blanks filled.

    Raises:
        PrecedentsError: naming the file, row and column of the first bad figure.
    """
    source = Path(path)
    if source.is_dir():
        return read_folder(source)
    if source.suffix.lower() != ".csv":
        raise PrecedentsError(f"{source}: precedents come from a .csv file or a folder of deal files")
    return read_csv(source)


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
