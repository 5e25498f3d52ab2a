"""Market context, timetable and public float of a deal: what a deal sheet shows beside the terms.

Plain functions on the deal's values; ``figures.compute`` calls them once and the report,
the command line and the API read the results from ``Figures``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from xl_placement.deal import Deal
from xl_placement.money import in_context, round_half_up
from xl_placement.prices import Close
from xl_placement.proceeds import MINOR_UNIT_DECIMALS

ADTV_DAYS = (20, 30)  # windows computed from a history with volumes
AFTER_MARKET_DAYS = (1, 5, 20)  # trading days after the deal whose close is set against the price


@dataclass(frozen=True)
class Liquidity:
    """Average daily trading over N trading days, and the new shares in days of that volume."""

    days: int
    volume: Decimal  # shares a day
    value: Decimal | None  # issuer currency a day (from history only: mean of close x volume)
    days_of_volume: Decimal  # new shares / volume
    origin: str  # "given" or "from history"


@dataclass(frozen=True)
class MarketContext:
    """Size of the deal against the market: capitalisation and liquidity before the deal."""

    as_of: dt.date | None  # the date of the market data (last close used)
    market_cap: Decimal | None  # every class at its own price (see ``capitalisation``), issuer currency
    market_cap_quote: Decimal | None
    gross_to_market_cap: Decimal | None  # gross proceeds / market capitalisation
    liquidity: tuple[Liquidity, ...]
    market_cap_basis: str = ""  # "" (one class), "all classes", "H shares only" (the placed class)
    market_cap_missing: str = ""  # why the market capitalisation is not given ("" when it is)
    placed_class_shares: int | None = None  # the placed class's shares the capitalisation counts
    other_classes_value: Decimal = Decimal(0)  # the other classes at their prices, issuer currency


@dataclass(frozen=True)
class TimetableEntry:
    """One date of the deal's timetable; ``when`` is None when it cannot be given."""

    key: str
    label: str
    when: dt.date | None
    note: str = ""


@dataclass(frozen=True)
class PublicFloat:
    """Shares in public hands before and after the deal (holders marked ``public = false`` excluded)."""

    shares_before: int
    percent_before: Decimal
    shares_after: int
    percent_after: Decimal


@dataclass(frozen=True)
class AfterMarket:
    """The close N trading days after the deal, against the placing price."""

    days: int  # N of T+N
    date: dt.date
    close: Decimal
    change: Decimal  # close / placing price - 1: positive when the shares trade above the price


@in_context
def after_market(deal: Deal) -> tuple[AfterMarket, ...]:
    """The closes on T+1, T+5 and T+20 trading days against the placing price.

    T is the agreement date (the announcement date when there is none): the deal is priced
    on T, and T+1 is the first day of the history after it. Only the days the history
    reaches are given; none without a date or a history running past T.
    """
    day = deal.placing.agreement_date or deal.placing.announcement_date
    if day is None:
        return ()
    after = sorted((c for c in deal.market.history if c.date > day), key=lambda c: c.date)
    price = deal.placing.price
    out = []
    for n in AFTER_MARKET_DAYS:
        if n <= len(after):
            close = after[n - 1]
            change = close.close / price - 1
            out.append(AfterMarket(n, close.date, close.close, change))
    return tuple(out)


@dataclass(frozen=True)
class Capitalisation:
    """The market capitalisation and what it counts (``capitalisation``)."""

    value: Decimal | None
    basis: str  # "" (one class), "all classes", "H shares only"
    missing: str  # why it is not given ("" when it is)
    placed_shares: int | None  # shares of the placed class valued at the last close
    others: Decimal  # the other classes at their own prices, in the issuer currency, each to the cent


def class_words(share_class: str | None) -> str:
    """The placed class as a reader names it: "H shares", "Class B shares", "the placed class's shares"."""
    if not share_class:
        return "the placed class's shares"
    name = share_class.strip()
    if name.lower().startswith("class") or len(name) > 2 or name.upper() in ("H", "A", "N", "S"):
        return f"{name} shares"
    return f"Class {name} shares"


def capitalisation(deal: Deal, last_close: Decimal | None) -> Capitalisation:
    """Market capitalisation before the deal: every share class at its own price, never all at one's.

    With ``[[issuer.other_classes]]``: the placed class at the last close plus each other class
    at its close and rate ("all classes"). Without them: all shares at the last close when the
    deal names no class (or the class is all the shares); the placed class alone, labelled so,
    when ``class_shares_outstanding`` is part of the shares; not given when a class is named but
    its share count is not.
    """
    if last_close is None:
        return Capitalisation(None, "", "needs the last close", None, Decimal(0))
    if deal.issuer.other_classes:
        return _all_classes(deal, last_close)
    p = deal.placing
    total, placed = p.shares_outstanding, p.class_shares_outstanding
    if placed is not None and placed != total:
        basis = f"{class_words(deal.issuer.share_class)} only"
        return Capitalisation(last_close * placed, basis, "", placed, Decimal(0))
    if total is None:
        return Capitalisation(None, "", "needs placing.shares_outstanding", None, Decimal(0))
    if deal.issuer.share_class and placed is None:
        why = (
            f"the shares in issue are not split by class: needs placing.class_shares_outstanding "
            f"({class_words(deal.issuer.share_class)} in issue), and [[issuer.other_classes]] for the "
            "other classes at their own prices"
        )
        return Capitalisation(None, "", why, None, Decimal(0))
    return Capitalisation(last_close * total, "", "", total, Decimal(0))


def _all_classes(deal: Deal, last_close: Decimal) -> Capitalisation:
    """The placed class at the last close plus the other classes, each to the cent in the deal currency."""
    p, classes = deal.placing, deal.issuer.other_classes
    others = sum(
        (round_half_up(c.shares * c.last_close * (c.rate or 1), MINOR_UNIT_DECIMALS) for c in classes),
        Decimal(0),
    )
    placed = p.class_shares_outstanding
    if placed is None and p.shares_outstanding is not None:
        placed = p.shares_outstanding - sum(c.shares for c in classes)
    if placed is None:
        why = "needs placing.class_shares_outstanding (or shares_outstanding) beside [[issuer.other_classes]]"
        return Capitalisation(None, "", why, None, others)
    return Capitalisation(last_close * placed + others, "all classes", "", placed, others)


def ratio(part: Decimal | int, whole: Decimal | int | None) -> Decimal | None:
    """``part / whole`` at full precision; None when ``whole`` is missing or zero."""
    if whole is None or whole == 0:
        return None
    return Decimal(part) / Decimal(whole)


@in_context
def adtv(closes: Sequence[Close], days: int) -> tuple[Decimal, Decimal] | None:
    """Average daily volume and traded value over the last ``days`` closes.

    Returns:
        (shares a day, value a day), or None when fewer than ``days`` closes with volumes are given.
    """
    window = list(closes[-days:])
    if days < 1 or len(window) < days or any(c.volume is None for c in window):
        return None
    volume = sum((c.volume or Decimal(0) for c in window), Decimal(0)) / days
    value = sum((c.close * (c.volume or Decimal(0)) for c in window), Decimal(0)) / days
    return volume, value


@in_context
def market_context(
    deal: Deal, closes: Sequence[Close], last_close: Decimal | None, gross: Decimal
) -> MarketContext:
    """Market capitalisation, deal size against it, and liquidity from given ADTVs or the history.

    Args:
        deal: the deal.
        closes: the history up to and including the last trading day (oldest first).
        last_close: the last close used for the discounts (given, or the history's last).
        gross: the deal's gross proceeds.
    """
    p = deal.placing
    capital = capitalisation(deal, last_close)
    cap = capital.value
    rate = deal.fx.rate if deal.fx else None
    liquidity: list[Liquidity] = []
    for n in sorted({*deal.market.adtv, *ADTV_DAYS}):
        if n in deal.market.adtv:
            volume = deal.market.adtv[n]
            liquidity.append(Liquidity(n, volume, None, _days_of(p.new_shares, volume), "given"))
            continue
        found = adtv(closes, n)
        if found is not None:
            liquidity.append(
                Liquidity(n, found[0], found[1], _days_of(p.new_shares, found[0]), "from history")
            )
    return MarketContext(
        as_of=market_date(deal, closes),
        market_cap=cap,
        market_cap_quote=ratio(cap, rate) if cap is not None else None,
        gross_to_market_cap=ratio(gross, cap) if cap is not None else None,
        liquidity=tuple(liquidity),
        market_cap_basis=capital.basis,
        market_cap_missing=capital.missing,
        placed_class_shares=capital.placed_shares,
        other_classes_value=capital.others,
    )


def _days_of(new_shares: int, volume: Decimal) -> Decimal:
    found = ratio(new_shares, volume)
    return found if found is not None else Decimal(0)


def market_date(deal: Deal, closes: Sequence[Close]) -> dt.date | None:
    """The date of the market data: the last close used from the history, else the agreement date."""
    if closes:
        return closes[-1].date
    return deal.placing.agreement_date


# HKEX Rule 14A.92(4): a top-up's subscription completes within 14 days of the placing agreement.
TOP_UP_SUBSCRIPTION_DAYS = 14


def timetable(deal: Deal) -> tuple[TimetableEntry, ...]:
    """The deal's key dates and lock-up ends, in the order of the deal (dates not given are kept as None).

    A top-up's completion is the subscription's, and the last day it may complete on (14
    days after the placing agreement) follows the long stop date.
    """
    p = deal.placing
    top_up = p.kind == "top-up"
    entries = [
        TimetableEntry("agreement_date", "Placing agreement", p.agreement_date),
        TimetableEntry("announcement_date", "Announcement", p.announcement_date),
        TimetableEntry("price_fixing_date", "Price fixing", p.price_fixing_date),
        TimetableEntry(
            "completion_date", "Completion of the subscription" if top_up else "Completion", p.completion_date
        ),
        TimetableEntry("long_stop_date", "Long stop date", p.long_stop_date),
    ]
    if top_up:
        entries.append(
            TimetableEntry(
                "subscription_deadline",
                f"Subscription due by (agreement + {TOP_UP_SUBSCRIPTION_DAYS} days)",
                p.agreement_date + dt.timedelta(days=TOP_UP_SUBSCRIPTION_DAYS) if p.agreement_date else None,
                f"{TOP_UP_SUBSCRIPTION_DAYS} days from the placing agreement"
                if p.agreement_date
                else "no agreement date given",
            )
        )
    lockups = [("lock_up_end", "Issuer's lock-up ends", p.lock_up_days)]
    if p.kind == "top-up":
        lockups.append(("vendor_lock_up_end", "Vendor's lock-up ends", p.vendor_lock_up_days))
    for key, label, days in lockups:
        entries.append(TimetableEntry(key, label, *lock_up_end(p.completion_date, days)))
    return tuple(entries)


def lock_up_end(completion: dt.date | None, days: int | None) -> tuple[dt.date | None, str]:
    """The last day of a lock-up of ``days`` calendar days from completion, and a note."""
    if days is None:
        return None, "no lock-up given"
    if completion is None:
        return None, f"{days} days from completion (no completion date given)"
    return completion + dt.timedelta(days=days), f"{days} days from completion"


@in_context
def public_float(deal: Deal) -> PublicFloat | None:
    """Public float before and after: shares in issue less holders marked ``public = false``.

    The placees are counted as public after the deal (independent third parties). None when
    no holder is marked, or the shares in issue are not given.
    """
    held = [h.shares for h in deal.shareholders if not h.public]
    existing = deal.placing.shares_outstanding
    if not held or existing is None:
        return None
    before = existing - sum(held)
    after = before + deal.placing.new_shares
    return PublicFloat(
        before,
        Decimal(before) / existing,
        after,
        Decimal(after) / (existing + deal.placing.new_shares),
    )
