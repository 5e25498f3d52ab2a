"""How figures are written in words: currency symbols, prices, percentages, amounts and dates.

Shared by the checks' details, the announcement wording and the report, all rounded half up
like a spreadsheet. Core: depends on nothing but ``money``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
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
AVERAGE_DECIMALS = 3  # averages and theoretical prices, as announcements quote them (HK$2.021)
MILLION = Decimal(1_000_000)
SMALL = Decimal(1_000)  # amounts below this keep their cents


def symbol(currency: str) -> str:
    """The symbol written before an amount: "HK$" for HKD; other codes as "EUR "."""
    return SYMBOLS.get(currency, f"{currency} ")


def price_places(value: Decimal, most: int = MAX_PRICE_DECIMALS) -> int:
    """The decimals a price is shown with: as given, at least 2, at most ``most`` (1.91: 2, 2.021: 3, 335.2: 2)."""
    digits = -int(value.normalize().as_tuple().exponent)
    return min(max(digits, 2), most)


#: Currencies whose share prices the market quotes in the minor unit: London quotes in pence
#: (GBX) while amounts stay in pounds. Every "in pence" decision reads this one set.
QUOTED_IN_PENCE = frozenset({"GBP"})


def in_pence(currency: str) -> bool:
    """Whether share prices in ``currency`` are shown in pence (sterling), amounts staying in pounds."""
    return currency in QUOTED_IN_PENCE


@in_context
def price_text(value: Decimal, currency: str) -> str:
    """A price with at least 2 and at most 4 decimals: HK$1.91, HK$2.021, S$0.1234; sterling in pence (55p, 52.85p)."""
    if in_pence(currency):  # as given, in pence; amounts stay in pounds
        return f"{round_half_up(value * 100, pence_places(value)):,}p"
    return f"{symbol(currency)}{round_half_up(value, price_places(value)):,}"


def pence_places(pounds: Decimal, most: int = MAX_PRICE_DECIMALS) -> int:
    """The decimals a sterling price is shown with in pence: as given, at most ``most`` (£25.25: 2525p, 0)."""
    return min(max(-int((pounds * 100).normalize().as_tuple().exponent), 0), most)


def unit_label(currency: str) -> str:
    """The currency as a report's labels name it: the code ("HKD m"), or "£" for sterling ("£ m", "Price (£)")."""
    return symbol(currency) if in_pence(currency) else currency


@in_context
def quoted_price_text(value: Decimal, currency: str, places: int | None = None) -> str:
    """A price as the command line writes it beside its code: "HKD 1.80"; sterling in pence ("2,525p").

    ``places`` rounds half up first (a net price per share to 4 decimals of the currency);
    without it the price keeps the decimals it has. London quotes share prices in pence
    (GBX), so a sterling price is never written "GBP 25.25".
    """
    shown = value if places is None else round_half_up(value, places)
    if in_pence(currency):
        return price_text(shown, currency)
    return f"{currency} {shown}"


@in_context
def quoted_millions_text(value: Decimal, currency: str) -> str:
    """An amount in millions to one decimal beside its code: "HKD 3,247.0m"; sterling in pounds ("£234.7m")."""
    return f"{quoted_prefix(currency)}{round_half_up(value / MILLION, 1):,}m"


def quoted_prefix(currency: str) -> str:
    """What the command line writes before an amount: "HKD ", or "£" for sterling (amounts in pounds)."""
    return symbol(currency) if in_pence(currency) else f"{currency} "


def quoted_unit(currency: str) -> str:
    """The unit a table's price column is headed with: the code, or "p" for sterling (prices in pence)."""
    return "p" if in_pence(currency) else currency


@in_context
def computed_price_text(value: Decimal, currency: str, price: Decimal) -> str:
    """A price computed from others (an average of closes, a theoretical price) at a stated precision.

    The placing price's decimals, at least ``AVERAGE_DECIMALS``: HK$12.679 for an average of
    12.679333..., never more digits than that however many the division gives.
    """
    places = max(AVERAGE_DECIMALS, price_places(price, most=MAX_PRICE_DECIMALS))
    return price_text(round_half_up(value, places), currency)


@in_context
def percent_text(value: Decimal, decimals: int = 2) -> str:
    """A fraction as a percentage, rounded half up: 0.086124 -> "8.61%"."""
    return f"{round_half_up(value * 100, decimals)}%"


@in_context
def share_text(value: Decimal) -> str:
    """A share of a whole as an announcement writes it after "approximately", to at most two decimals.

    0.40 -> "40%", 0.125 -> "12.5%", 0.5757341 -> "57.57%" (the exact share stays in the table).
    """
    text = f"{round_half_up(value * 100, 2).normalize():f}"
    return f"{text}%"


@in_context
def millions_places(values: Iterable[Decimal | None]) -> int:
    """The decimals for amounts written together: 1 when any of a million or more needs one, else 0.

    One precision in one paragraph: A$47.0 million beside A$50.4 million, not A$47 million.
    """
    tenths = (round_half_up(v / MILLION, 1) for v in values if v is not None and abs(v) >= MILLION)
    return 1 if any(t != t.to_integral_value() for t in tenths) else 0


@in_context
def millions_text(value: Decimal, currency: str, places: int | None = None) -> str:
    """An amount in millions to one decimal: HK$3,247 million, US$415.2 million.

    Amounts below a million are written out in full (HK$850,000), below a thousand
    with cents (S$5.10). ``places`` (from ``millions_places``) writes millions at that
    many decimals, ".0" kept, so amounts written together share one precision.
    """
    if places is not None and abs(value) >= MILLION:
        return f"{symbol(currency)}{round_half_up(value / MILLION, places):,} million"
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


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Last close" -> "last close".

    Only a plain capitalised first word is lower-cased: an acronym or a name ("VWAP of the agreement
    day", "SenseCore", "AI", the "H" of H shares) keeps its case.
    """
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return label[0].lower() + label[1:]
    return label


def listed(items: Sequence[str], conjunction: str = "and") -> str:
    """Names joined as a sentence says them: "a", "a and b", "a, b and c" ("" for none)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} {items[-1]}"


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
