"""Exact money: Decimal arithmetic, spreadsheet rounding and exact-sum allocation."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import ParamSpec, TypeVar

from xl_placement.errors import CalculationError

Number = int | float | Decimal

#: The largest power of ten (up or down) a number given to a calculation may have, so that
#: products and quotients of a few of them stay far inside the context's exponent range.
MAX_EXPONENT = 1_000

# Enough digits for 10^15 shares times a price with 10 decimals, and then some.
PRECISION = 50

#: The one decimal context every figure is computed in, whatever the caller's context is
#: (a notebook that set ``decimal.getcontext().prec = 6`` gets the same figures).
CONTEXT = Context(
    prec=PRECISION,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def in_context(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` in the project's decimal context (:data:`CONTEXT`), never the caller's."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(CONTEXT):
            return function(*args, **kwargs)

    return wrapper


def dec(value: Number, name: str = "") -> Decimal:
    """Turn a number into a Decimal without binary noise (1.91 stays 1.91, not 1.9099...).

    Args:
        value: an int, float or Decimal.
        name: the argument's name, shown in the error message.

    Raises:
        CalculationError: the value is not a number (text, a bool) or not finite (NaN, infinity).
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise CalculationError(f"{name or 'value'} must be a number, got {value!r}")
    # repr() of a float is the shortest text that reads back as the same float.
    result = (
        Decimal(value)
        if isinstance(value, int)
        else value
        if isinstance(value, Decimal)
        else Decimal(repr(value))
    )
    if not result.is_finite():
        # Comparing a NaN Decimal raises decimal.InvalidOperation, not a clear message.
        raise CalculationError(
            f"{name or 'value'} must be a finite number (not NaN or infinity), got {value}"
        )
    # Judged by the exponent, with no arithmetic: Decimal("1e999999999") overflows the first
    # calculation it meets (decimal.Overflow), and products of such numbers would too.
    if result and not -MAX_EXPONENT <= result.adjusted() <= MAX_EXPONENT:
        raise CalculationError(
            f"{name or 'value'} is {result:.3E}, beyond 10^{MAX_EXPONENT} or below 10^-{MAX_EXPONENT}; "
            "no price, share or amount is that large or small"
        )
    return result


@in_context
def round_half_up(value: Number, decimals: int = 0) -> Decimal:
    """Round like a spreadsheet's ROUND: halves go away from zero (2.675 -> 2.68, -2.5 -> -3).

    Args:
        value: the number to round.
        decimals: digits after the point; negative rounds to tens, hundreds, ...

    Returns:
        The rounded Decimal.
    """
    number = dec(value)
    try:
        return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise CalculationError(
            f"{value} has too many digits to round to {decimals} decimals (limit {PRECISION} digits)"
        ) from exc


@in_context
def to_minor_units(value: Number, decimals: int) -> int:
    """Express an amount as a whole number of units of 10**-decimals, rounded half up."""
    return int(round_half_up(value, decimals).scaleb(decimals))


@in_context
def allocate(total: Number, weights: Sequence[Number], decimals: int = 2) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` so the parts add up to it exactly.

    Largest-remainder (Hamilton) rounding: each part first gets its quota rounded
    down to the precision; the units left over go one each to the largest
    remainders, ties to the earlier part. Each part is then within one unit of
    its exact quota and a zero weight gets exactly zero. Like every quota method
    it can show the Alabama paradox, so a larger total may shrink a part.

    Args:
        total: the amount to split (rounded half up to ``decimals`` first).
        weights: non-negative weights; they need not add up to one.
        decimals: digits after the point of each part (negative for tens, ...).

    Returns:
        One Decimal per weight, quantized to ``decimals``.

    Raises:
        CalculationError: no weights, a negative weight, or weights adding up to zero.
    """
    if not weights:
        raise CalculationError("weights: need at least one weight")
    exact = []
    for index, weight in enumerate(weights):
        try:
            value = dec(weight)
        except CalculationError:
            value = Decimal(-1)
        if value < 0:
            raise CalculationError(f"weights[{index}] = {weight}: must be zero or a positive number")
        exact.append(value)
    # Exact integer arithmetic: every weight over one common denominator.
    ratios = [w.as_integer_ratio() for w in exact]
    common = math.lcm(*(d for _, d in ratios))
    scaled = [n * (common // d) for n, d in ratios]
    if sum(scaled) == 0:
        raise CalculationError("weights: add up to zero; give at least one positive weight")
    parts = largest_remainder_parts(to_minor_units(total, decimals), scaled)
    return [Decimal(part).scaleb(-decimals) for part in parts]


@dataclass(frozen=True)
class LargestRemainder:
    """The steps of a largest-remainder split of ``units`` whole units by whole-number weights.

    Each part first gets ``floor(units x weight / total)``; the ``left`` units still to hand
    out go one each to the largest remainders ``(units x weight) mod total``, ties to the
    earlier part (``ranks``: 1 for the largest remainder). The report's use-of-proceeds
    formulas show these very steps.
    """

    units: int
    weights: tuple[int, ...]
    total: int
    floors: tuple[int, ...]
    remainders: tuple[int, ...]
    ranks: tuple[int, ...]
    left: int

    @property
    def extras(self) -> tuple[int, ...]:
        """One extra unit for the ``left`` largest remainders."""
        return tuple(1 if rank <= self.left else 0 for rank in self.ranks)

    @property
    def parts(self) -> tuple[int, ...]:
        """Each part's whole units; they add up to ``units``."""
        return tuple(f + e for f, e in zip(self.floors, self.extras, strict=True))


def largest_remainder(units: int, weights: Sequence[int]) -> LargestRemainder:
    """Split ``units`` (zero or more) by non-negative whole-number ``weights``: the one definition.

    Raises:
        CalculationError: negative units or weights, or weights adding up to zero.
    """
    total = sum(weights)
    if units < 0 or total <= 0 or min(weights) < 0:
        raise CalculationError("largest remainder needs units >= 0 and weights >= 0 adding up to more than 0")
    floors, remainders = zip(*(divmod(units * w, total) for w in weights), strict=True)
    # Largest remainder first; sorted() is stable, so equal remainders go to the earlier part.
    order = sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)
    ranks = [0] * len(weights)
    for position, index in enumerate(order, start=1):
        ranks[index] = position
    return LargestRemainder(
        units, tuple(weights), total, tuple(floors), tuple(remainders), tuple(ranks), units - sum(floors)
    )


def largest_remainder_parts(units: int, weights: Sequence[int]) -> list[int]:
    """The parts of :func:`largest_remainder`, for units of either sign (a negative total splits the same way)."""
    sign = -1 if units < 0 else 1
    return [sign * part for part in largest_remainder(abs(units), weights).parts]
