"""Reference prices and the discount to them: averages, VWAP, the HKEX benchmarked price."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from xl_placement.errors import CalculationError
from xl_placement.money import Number, dec, in_context


@in_context
def discount(price: Number, reference: Number) -> Decimal:
    """Discount of ``price`` to ``reference`` as a fraction: 1 - price / reference.

    Positive is a discount, negative a premium (6.41 against 6.34 gives -0.011...).

    Raises:
        CalculationError: the price is negative or the reference is not positive.
    """
    p, r = dec(price, "price"), dec(reference, "reference")
    if r <= 0:
        raise CalculationError(f"reference price must be positive, got {reference}")
    if p < 0:
        raise CalculationError(f"price must be zero or positive, got {price}")
    return 1 - p / r


@in_context
def average_close(closes: Sequence[Number], days: int | None = None) -> Decimal:
    """Simple average of the last ``days`` closes (all of them when ``days`` is None).

    Hong Kong's "average closing price" is this simple average, not a VWAP.

    Args:
        closes: daily closing prices, oldest first.
        days: how many of the latest closes to average.

    Raises:
        CalculationError: no closes, too few for ``days``, or a close that is not positive.
    """
    window = _last(closes, days, "closes")
    return sum(window, Decimal(0)) / len(window)


@in_context
def vwap(prices: Sequence[Number], volumes: Sequence[Number], days: int | None = None) -> Decimal:
    """Volume-weighted average price: sum(price x volume) / sum(volume), over the last ``days``.

    Raises:
        CalculationError: lengths differ, a volume is negative, or the volumes add up to zero.
    """
    if len(prices) != len(volumes):
        raise CalculationError(
            f"prices and volumes must be the same length, got {len(prices)} and {len(volumes)}"
        )
    window_p = _last(prices, days, "prices")
    window_v = [dec(v, "volumes") for v in volumes[len(volumes) - len(window_p) :]]
    if any(v < 0 for v in window_v):
        raise CalculationError("volumes must be zero or positive")
    total_volume = sum(window_v, Decimal(0))
    if total_volume == 0:
        raise CalculationError("volumes add up to zero, so there is no VWAP")
    turnover = sum((p * v for p, v in zip(window_p, window_v, strict=True)), Decimal(0))
    return turnover / total_volume


@in_context
def benchmarked_price(agreement_close: Number, prior_closes: Sequence[Number]) -> Decimal:
    """HKEX Rule 13.36(5) benchmarked price.

    The higher of the close on the agreement date and the average close of the 5 trading days before the earliest key date.

    Args:
        agreement_close: closing price on the date of the placing agreement.
        prior_closes: the closes before the earliest of the announcement, agreement and
            price-fixing dates, oldest first; the last five are averaged.
    """
    close = dec(agreement_close, "agreement_close")
    if close <= 0:
        raise CalculationError(f"agreement_close must be positive, got {agreement_close}")
    return max(close, average_close(prior_closes, 5))


@dataclass(frozen=True)
class Close:
    """One trading day's close (and volume, when known; high, low, turnover and VWAP from a price file)."""

    date: dt.date
    close: Decimal
    volume: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    turnover: Decimal | None = None
    vwap: Decimal | None = None


@dataclass(frozen=True)
class BenchmarkWindow:
    """Which closes the HKEX benchmarked price uses, chosen from a dated history."""

    agreement_close: Close
    prior: tuple[Close, ...]
    earliest_date: dt.date

    @property
    def price(self) -> Decimal:
        """The benchmarked price from these closes."""
        return benchmarked_price(self.agreement_close.close, [c.close for c in self.prior])


@in_context
def benchmark_window(
    history: Sequence[Close],
    agreement_date: dt.date,
    announcement_date: dt.date | None = None,
    price_fixing_date: dt.date | None = None,
) -> BenchmarkWindow:
    """Choose the closes of Rule 13.36(5) from a dated history.

    The agreement-date close, and the 5 trading days immediately before the earliest
    of the announcement, agreement and price-fixing dates. A trading day is a day in
    the history.

    Raises:
        CalculationError: the agreement date has no close, or fewer than 5 days precede.
    """
    by_date = {c.date: c for c in history}
    if agreement_date not in by_date:
        raise CalculationError(
            f"market.history has no close on the agreement date {agreement_date.isoformat()}; "
            "add that day's close (or give market.last_close instead of dated history)"
        )
    earliest = min(d for d in (agreement_date, announcement_date, price_fixing_date) if d)
    before = sorted((c for c in history if c.date < earliest), key=lambda c: c.date)
    if len(before) < 5:
        raise CalculationError(
            f"market.history has {len(before)} trading days before {earliest.isoformat()}; "
            "the benchmarked price needs the 5 before the earliest key date"
        )
    return BenchmarkWindow(by_date[agreement_date], tuple(before[-5:]), earliest)


def _last(values: Sequence[Number], days: int | None, name: str) -> list[Decimal]:
    """The last ``days`` values as positive Decimals, with errors that name the input."""
    if days is not None and days < 1:
        raise CalculationError(f"days must be a whole number of at least 1, got {days}")
    if not values:
        raise CalculationError(f"{name}: need at least one value")
    if days is not None and days > len(values):
        raise CalculationError(f"{name}: {days} days asked but only {len(values)} given")
    window = [dec(v, name) for v in (values if days is None else values[-days:])]
    for value in window:
        if value <= 0 or not value.is_finite():
            raise CalculationError(f"{name}: every price must be positive, got {value}")
    return window
