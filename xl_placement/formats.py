"""How figures are written in words: currency symbols, prices, percentages, amounts and dates.

Shared by the checks' details, the announcement wording and the report, all rounded half up
like a spreadsheet. Core: depends on nothing but ``money``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from xl_placement.money import in_context, round_half_up

SYMBOLS = {"HKD": "HK$", "USD": "US$", "SGD": "S$", "AUD": "A$", "GBP": "£", "CAD": "C$", "MYR": "RM"}
NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    15: "fifteen",
    20: "twenty",
    30: "thirty",
    60: "sixty",
    90: "ninety",
}
MAX_PRICE_DECIMALS = 4
MILLION = Decimal(1_000_000)
SMALL = Decimal(1_000)  # amounts below this keep their cents


def symbol(currency: str) -> str:
    """The symbol written before an amount: "HK$" for HKD; other codes as "EUR "."""
    return SYMBOLS.get(currency, f"{currency} ")


def price_places(value: Decimal, most: int = MAX_PRICE_DECIMALS) -> int:
    """The decimals a price is shown with: as given, at least 2, at most ``most`` (1.91: 2, 2.021: 3, 335.2: 2)."""
    digits = -int(value.normalize().as_tuple().exponent)
    return min(max(digits, 2), most)


@in_context
def price_text(value: Decimal, currency: str) -> str:
    """A price with at least 2 and at most 4 decimals: HK$1.91, HK$2.021, S$0.1234; sterling in pence (55p, 52.85p)."""
    if currency == "GBP":  # London quotes share prices in pence (GBX), as given; amounts stay in pounds
        pence = value * 100
        places = min(max(-int(pence.normalize().as_tuple().exponent), 0), MAX_PRICE_DECIMALS)
        return f"{round_half_up(pence, places):,}p"
    return f"{symbol(currency)}{round_half_up(value, price_places(value)):,}"


@in_context
def percent_text(value: Decimal, decimals: int = 2) -> str:
    """A fraction as a percentage, rounded half up: 0.086124 -> "8.61%"."""
    return f"{round_half_up(value * 100, decimals)}%"


@in_context
def share_text(value: Decimal) -> str:
    """A share of a whole as a plain percentage: 0.40 -> "40%", 0.125 -> "12.5%"."""
    text = f"{(value * 100).normalize():f}"
    return f"{text}%"


@in_context
def millions_text(value: Decimal, currency: str) -> str:
    """An amount in millions to one decimal: HK$3,247 million, US$415.2 million.

    Amounts below a million are written out in full (HK$850,000), below a thousand
    with cents (S$5.10).
    """
    if abs(value) < SMALL:
        return f"{symbol(currency)}{round_half_up(value, 2):,}"
    if abs(value) < MILLION:
        return f"{symbol(currency)}{round_half_up(value, 0):,}"
    millions = round_half_up(value / MILLION, 1)
    text = f"{millions:,}"
    text = text.removesuffix(".0")
    return f"{symbol(currency)}{text} million"


def number_word(n: int) -> str:
    """Small counts in words as announcements write them ("five"); others as digits."""
    return NUMBER_WORDS.get(n, f"{n:,}")


def date_text(day: dt.date) -> str:
    """A date as announcements write it: 3 June 2025."""
    return f"{day.day} {day:%B %Y}"


def _side(value: Decimal, limit: Decimal) -> int:
    return (value > limit) - (value < limit)


@in_context
def percent_places(value: Decimal, limit: Decimal, decimals: int = 2) -> int:
    """The decimals a percentage needs beside ``limit`` so its rounded figure is on the same side as the exact one.

    ``decimals`` when that is enough; more while rounding half up would put the figure on
    the limit or across it (0.199997 beside 20%: 4, "19.9997%"); at most 12.
    """
    side = _side(value, limit)
    for places in range(decimals, 13):
        if _side(round_half_up(value * 100, places), limit * 100) == side:
            return places
    return 12


@in_context
def percent_beside(value: Decimal, limit: Decimal, decimals: int = 2) -> str:
    """A percentage shown beside a rule's limit, never rounded onto or across it.

    Rounded half up to ``decimals``, with more decimals while the rounded figure would sit
    on the other side of ``limit`` (or on it) from the exact one: 0.199997 beside a 20%
    limit is "19.9997%", not "20.00%". Beyond 12 decimals it is cut toward the exact
    figure's side, so the printed figure is always on the side of the verdict.
    """
    places = percent_places(value, limit, decimals)
    shown = round_half_up(value * 100, places)
    side = _side(value, limit)
    if _side(shown, limit * 100) != side:
        rounding = ROUND_CEILING if side > 0 else ROUND_FLOOR
        shown = (value * 100).quantize(Decimal(1).scaleb(-places), rounding=rounding)
    return f"{shown}%"
