"""The statistics of one measure over the precedents that give it.

They mirror the spreadsheet functions the report's Precedents sheet uses (COUNT, MIN,
QUARTILE, MEDIAN, AVERAGE, MAX), so the sheet and Python agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from xl_placement.money import in_context
from xl_placement.precedents.precedent import Precedent


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


@in_context
def quartile(values: Sequence[Decimal], q: int) -> Decimal:
    """Excel's QUARTILE (QUARTILE.INC): linear interpolation at position (n - 1) x q / 4.

    Args:
        values: at least one number.
        q: 0 (minimum) to 4 (maximum); 2 is the median.
    """
    if not values:
        raise ValueError("quartile of no values")
    ordered = sorted(values)
    position = Decimal(len(ordered) - 1) * q / 4
    low = int(position)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (position - low) * (ordered[low + 1] - ordered[low])


@in_context
def summarise(values: Sequence[Decimal]) -> Statistics:
    """The statistics of one measure over the precedents that give it."""
    if not values:
        return Statistics(0, None, None, None, None, None, None)
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


@in_context
def percentile_rank(values: Sequence[Decimal], value: Decimal) -> Decimal | None:
    """The share of ``values`` below ``value``, ties counting half (0 to 1; None for no values)."""
    if not values:
        return None
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    return (Decimal(below) + Decimal(equal) / 2) / len(values)


def values_of(rows: Iterable[Precedent], measure: str) -> list[Decimal]:
    """The known values of one measure."""
    return [v for v in (row.measure(measure) for row in rows) if v is not None]
