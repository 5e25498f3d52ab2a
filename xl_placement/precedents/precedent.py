"""One precedent placing (``Precedent``, its ``PrecedentDate``), and the blanks that follow from its figures.

A figure left blank that follows from others (the discount from the price and the last
close, gross proceeds from shares and price, one dilution basis from the other) is
computed by ``complete`` and listed in ``Precedent.computed``. Published figures are kept
as published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from xl_placement.context import AFTER_MARKET_DAYS
from xl_placement.money import in_context

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


@in_context
def enlarged_from_existing(existing: Decimal) -> Decimal:
    """% of enlarged capital from % of existing: e / (1 + e)."""
    return existing / (1 + existing)


@in_context
def existing_from_enlarged(enlarged: Decimal) -> Decimal:
    """% of existing capital from % of enlarged: n / (1 - n)."""
    return enlarged / (1 - enlarged)
