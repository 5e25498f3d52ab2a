"""The precedents a report shows (``Selection``): filtered, sorted, cut off before the deal, without it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from xl_placement.errors import PrecedentsError
from xl_placement.precedents.precedent import Precedent


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
