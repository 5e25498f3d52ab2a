"""Large Excel ranges of numbers, read exactly and fast.

Excel hands a range of numbers to Python as floats. The Excel functions read each
float as the decimal Excel holds, rounded to 15 significant digits (1.91 stays
1.91), which one ``Decimal(format(value, ".15g"))`` per cell does at about a
microsecond and a half a cell. For ranges of many thousands of cells this module
finds the same decimals with NumPy (loaded by xlwings already), as whole numbers
``k`` with decimal exponents ``s`` (the cell's value is ``k / 10**s``), and falls
back to the per-cell conversion for the few cells where float rounding leaves the
15th digit in doubt. The sums and the allocation below are exact integer
arithmetic and give the same numbers as the calculation core; the tests compare
both on random ranges (tests/test_ranges.py).

Every function returns None when a range is outside what it handles (a blank or
text cell, a negative number, a value beyond 15 digits): the caller then takes the
cell-by-cell path, which also words any error. Where NumPy cannot be imported (Pyodide
and xlwings Lite without it), no range takes the fast path: the cell-by-cell path gives
the same results, only more slowly.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from decimal import Decimal
from itertools import chain, repeat
from typing import Any

from xl_placement.money import PRECISION, in_context, largest_remainder_parts, to_minor_units

MIN_CELLS = 64  # below this the cell-by-cell path is as fast
DIGITS = 15  # significant digits Excel holds
# Decimal exponents whose powers of ten are exact doubles (10**22 is the last): values
# from 1e-8 up to 1e15 are handled; others take the cell-by-cell path.
MAX_SCALE = 22
POWERS = [10.0**i for i in range(MAX_SCALE + 1)]  # exact doubles
SMALLEST, LARGEST = 1e-8, 1e14  # below 1e15 (parsers.MAX_MAGNITUDE) with room to spare

Parts = tuple[list[int], list[int]]  # (k, s): each value is k / 10**s


@functools.cache
def numpy_available() -> bool:
    """Whether NumPy can be imported here (xlwings loads it in Excel; Pyodide may not have it)."""
    try:
        import numpy  # noqa: F401, PLC0415 - only asked once, and only for a large range
    except ImportError:
        return False
    return True


def flat_floats(value: Any) -> list[float] | None:
    """The cells of a row, a column or a block when every one holds a number, else None.

    Blocks are read across each row, then down, as the cell-by-cell path reads them.
    None too when NumPy is not available: every range then goes cell by cell.
    """
    if not isinstance(value, list) or len(value) < MIN_CELLS or not numpy_available():
        return None
    kinds = set(map(type, value))
    if kinds == {float}:
        return value
    if kinds != {list}:
        return None
    cells = list(chain.from_iterable(value))
    return cells if set(map(type, cells)) == {float} else None


def decimal_parts(values: Sequence[float]) -> Parts | None:
    """Each float's 15-significant-digit decimal as ``k / 10**s``; None outside the fast range.

    Zero is ``0 / 1``. A negative, non-finite or large (1e14 and above) value gives
    None. Values below 1e-8 and values whose 15th digit is in doubt are converted one
    by one.
    """
    import numpy as np  # noqa: PLC0415 - only reached through flat_floats, which checked it

    array = np.asarray(values, dtype=float)
    with np.errstate(all="ignore"):
        if not np.isfinite(array).all() or (array < 0).any() or array.max() >= LARGEST:
            return None
        usual = array >= SMALLEST
        exponent = np.floor(np.log10(np.where(usual, array, 1.0))).astype(np.int64)
        scale = np.clip(np.where(usual, (DIGITS - 1) - exponent, 0), 0, MAX_SCALE)
        k = _round_scaled(np, array, np.asarray(POWERS)[scale])
        # Outside 15 digits the decade was misjudged (log10 of a value next to a power of ten).
        sure = (usual & (k > 10.0 ** (DIGITS - 1)) & (k <= 10.0**DIGITS)) | (array == 0)
        k = np.where(sure, k, 0).astype(np.int64)
    ks, ss = k.tolist(), scale.tolist()
    for index in np.flatnonzero(~sure).tolist():
        ks[index], ss[index] = _exact(values[index])
    return ks, ss


def _round_scaled(np: Any, value: Any, scale: Any) -> Any:
    """``value * scale`` rounded to the nearest whole number (ties to even), exactly, element by element.

    The float product is off by its rounding error; Dekker's exact product gives that
    error as a second float, and comparing it with the distance to the halves decides
    the rounding as if the product were exact (all terms stay far from overflow: values
    below 1e14, scales up to 1e22).
    """
    product = value * scale
    high_v, low_v = _split(value)
    high_s, low_s = _split(scale)
    error = ((high_v * high_s - product) + high_v * low_s + low_v * high_s) + low_v * low_s
    nearest = np.rint(product)
    offset = product - nearest  # exact: both are multiples of the product's last place
    up = error > 0.5 - offset  # the exact product is above nearest + 1/2
    down = error < -0.5 - offset  # below nearest - 1/2
    tie_up = error == 0.5 - offset
    tie_down = error == -0.5 - offset
    odd = (nearest.astype(np.int64) & 1) == 1  # whole numbers below 2**53
    return nearest + (up | (tie_up & odd)) - (down | (tie_down & odd))


def _split(value: Any) -> tuple[Any, Any]:
    """Veltkamp's split of floats into a high half (26 bits) and the exact rest."""
    scaled = value * 134217729.0  # 2**27 + 1
    high = scaled - (scaled - value)
    return high, value - high


def _exact(value: float) -> tuple[int, int]:
    """One float's 15-digit decimal as (k, s), the sure way: Python's correctly rounded formatting."""
    text = format(value, f".{DIGITS - 1}e")  # "2.09000000000000e+00": 15 significant digits
    mantissa, exponent = text.split("e")
    k = int(mantissa.replace(".", ""))
    s = (DIGITS - 1) - int(exponent)
    return (k * 10**-s, 0) if s < 0 else (k, s)


def common_scale(parts: Parts) -> tuple[list[int], int]:
    """The values over one power of ten: (numerators, s) with value_i = numerator_i / 10**s."""
    ks, ss = parts
    top = max(ss)
    if ss.count(top) == len(ss):
        return ks, top
    powers = [10 ** (top - i) for i in range(top + 1)]
    return list(map(operator.mul, ks, map(powers.__getitem__, ss))), top


@in_context
def exact_sum(numerators: Sequence[int], scale: int, precision: int) -> Decimal | None:
    """The sum of the values ``numerator / 10**scale``; None if adding them at ``precision`` digits would round.

    The values are not negative, so every partial sum has no more digits than the
    total over the common power of ten: when that fits, so do they.
    """
    total = sum(numerators)
    if len(str(total)) > precision:
        return None
    return Decimal(total).scaleb(-scale)


@in_context
def average(parts: Parts) -> Decimal | None:
    """The simple average as ``prices.average_close`` computes it (sum over count at 50 digits)."""
    total = exact_sum(*common_scale(parts), PRECISION)
    if total is None:
        return None
    return total / len(parts[0])


def allocate(amount: Decimal, weights: Sequence[int], decimals: int) -> list[int] | None:
    """``money.allocate``'s parts in units of 10**-decimals, for whole-number weights; None if they add up to zero.

    Largest remainder, ties to the earlier weight: the same parts as the core, which
    puts the weights over another common denominator (neither the quotients nor the
    order of the remainders depend on it). NumPy estimates each quota in floating
    point with a known error bound; only quotas whose floor, or whose place around
    the cut-off for an extra unit, that error leaves in doubt are redone in integers.
    """
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return None
    units = to_minor_units(amount, decimals)
    if units < 0 or units >= 2**53:
        return largest_remainder_parts(units, weights)  # the core's own definition
    import numpy as np  # noqa: PLC0415 - loaded by xlwings with the functions

    quota = units * (np.asarray(weights, dtype=float) / float(weight_sum))
    # Converting the weights and their sum, dividing and multiplying: at most 4 roundings.
    error = (quota + 1) * 2.0**-50  # also covers an exact fraction rounded to a float
    floors = np.floor(quota)
    fraction = quota - floors
    doubtful = (fraction <= error) | (fraction >= 1 - error)
    shares = floors.astype(np.int64)
    for index in np.flatnonzero(doubtful).tolist():
        share, remainder = divmod(units * weights[index], weight_sum)
        shares[index] = share
        fraction[index] = remainder / weight_sum
    left = units - int(shares.sum())
    if left > 0:
        order = np.argsort(-fraction, kind="stable")
        cut = fraction[order[left - 1]]
        margin = 2 * float(error.max())
        sure = np.flatnonzero(fraction > cut + margin)
        unsure = np.flatnonzero(np.abs(fraction - cut) <= margin).tolist()
        shares[sure] += 1
        exact = sorted(unsure, key=lambda i: (-((units * weights[i]) % weight_sum), i))
        shares[exact[: left - len(sure)]] += 1
    result: list[int] = shares.tolist()
    return result


def as_floats(units: Sequence[int], decimals: int) -> list[float]:
    """Whole units of 10**-decimals as floats, correctly rounded like ``float(Decimal)``."""
    if decimals <= 0:
        return list(map(float, map((10**-decimals).__mul__, units)))
    return list(map(operator.truediv, units, repeat(10**decimals)))


def any_above_one(parts: Parts, values: Sequence[float]) -> bool:
    """Whether any value is above 1 (weights are then percentages).

    Rounding to 15 digits keeps order, so no float at or below 1 reads as above it.
    """
    if max(values) <= 1:
        return False
    ks, ss = parts
    powers = [10**i for i in range(max(ss) + 1)]
    return any(k > powers[s] for k, s in zip(ks, ss, strict=True))


def divided(parts: Parts, power: int) -> Parts:
    """The values divided by 10**power (exact)."""
    ks, ss = parts
    return ks, [s + power for s in ss]
