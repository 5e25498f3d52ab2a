"""Figures as an announcement publishes them: ``parse_published`` reads one into a ``StatedFigure``.

It reads a figure written the way announcements write it ("approximately HK$3,150 million",
"US$415.2m", "HK$3.25bn", "~8.6%", "5.7c") into its value, its precision and its text. The
precision is the last digit shown, in the unit shown: "HK$3,150m" is to the nearest million,
"HK$3.15bn" to the nearest 10 million, "8.6%" to 0.1 percentage point. A bare number (a
TOML/JSON number, or digits with no unit) is exact at its own decimals.

Part of the deal schema: the deal-file reader uses it for ``[stated]``; ``stated`` checks the
figures it reads against the computed ones.
"""

from __future__ import annotations

import re
from decimal import Decimal

from xl_placement import fields
from xl_placement.deal import StatedFigure
from xl_placement.money import in_context

KINDS = ("percent", "amount", "price")

# Currency symbols as announcements write them -> the ISO 4217 codes each may stand for.
# "$" and "¥" alone are local usage: a Hong Kong "$" is HK$, an ASX "$" is A$.
SYMBOLS: dict[str, tuple[str, ...]] = {
    "HK$": ("HKD",),
    "US$": ("USD",),
    "S$": ("SGD",),
    "SG$": ("SGD",),
    "A$": ("AUD",),
    "AU$": ("AUD",),
    "NZ$": ("NZD",),
    "C$": ("CAD",),
    "CA$": ("CAD",),
    "NT$": ("TWD",),
    "RMB": ("CNY",),
    "CN¥": ("CNY",),
    "JP¥": ("JPY",),
    "RM": ("MYR",),
    "Rp": ("IDR",),
    "£": ("GBP",),
    "€": ("EUR",),
    "₩": ("KRW",),
    "₹": ("INR",),
    "¥": ("JPY", "CNY"),
    "$": ("USD", "HKD", "SGD", "AUD", "NZD", "CAD", "TWD"),
}
# Units after the number -> (power of ten, how the unit is shown in messages).
_UNITS: dict[str, tuple[int, str]] = {
    "thousand": (3, "k"),
    "k": (3, "k"),
    "million": (6, "m"),
    "millions": (6, "m"),
    "mn": (6, "m"),
    "mln": (6, "m"),
    "m": (6, "m"),
    "billion": (9, "bn"),
    "billions": (9, "bn"),
    "bn": (9, "bn"),
    "b": (9, "bn"),
    "cents": (-2, "c"),
    "cent": (-2, "c"),
    "c": (-2, "c"),
    "%": (-2, "%"),
    "per cent": (-2, "%"),
    "percent": (-2, "%"),
}
_APPROX = r"(?:approximately|approx\.?|about|around|circa|some|~|≈)"
_SYMBOL = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_PUBLISHED = re.compile(
    rf"^(?:{_APPROX}\s*)?"
    r"(?P<sign1>[-+])?\s*"
    rf"(?:(?P<symbol>{_SYMBOL})|(?P<code>[A-Z]{{3}})(?=[\s\d.+-]))?\s*"
    r"(?P<sign2>[-+])?\s*"
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    rf"\s*(?P<unit>{_UNIT})?"
    r"(?:\s+(?P<code_after>[A-Z]{3}))?$",
    re.IGNORECASE,
)


Published = StatedFigure
"""A figure as published (the deal model's ``StatedFigure``): value, quantum, text, currency, unit, symbol."""


@in_context
def parse_published(value: object, *, kind: str, currency: str | None = None, field: str = "") -> Published:
    """Read a figure written as an announcement publishes it.

    Accepted forms: a number (``3_250_000_000``, ``0.086``, ``1.91``: exact at its own
    decimals); digits as text (``"3,250,000,000"``: exact too); a percentage (``"8.6%"``,
    ``"8.6 per cent"``); an amount with a unit (``"3,150m"``, ``"HK$3,150 million"``,
    ``"HK$3.15bn"``, ``"US$415.2 million"``, ``"RMB 12.5 billion"``, ``"HKD 3,150m"``); a
    price (``"HK$1.49"``, ``"5.7c"``). Any of them may start with ``approximately``,
    ``approx.``, ``about``, ``around``, ``circa`` or ``~``, and may be negative (a premium
    written as a negative discount: ``"-1.1%"``). The precision is the last digit shown in
    the unit shown: ``"HK$3.15bn"`` is to the nearest HK$10m.

    Args:
        value: the figure: text as published, or a number (int, Decimal or float).
        kind: ``"percent"`` (a rate: a fraction, or text with a percent sign),
            ``"amount"`` (money, any unit) or ``"price"`` (money per share, or cents).
        currency: the ISO code the figure is in (``"HKD"``); a written symbol of another
            currency is refused. None accepts any symbol (``Published.currency`` says which).
        field: the figure's name, put before messages (``"gross_proceeds = 'US$1m': ..."``);
            leave empty when the caller names the field itself.

    Returns:
        The Published figure.

    Raises:
        fields.Invalid: the value is not such a figure, is a rate above 1 without a percent
            sign, has a unit or symbol its kind cannot have, or is in another currency.
            The message names the fix (and the field, when given).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    try:
        return _parse(value, kind, currency)
    except fields.Invalid as exc:
        if field:
            raise fields.Invalid(f"{field} = {_quoted(value)}: {exc}") from exc
        raise


def _quoted(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def _parse(value: object, kind: str, currency: str | None) -> Published:
    if isinstance(value, str):
        return _parse_text(value, kind, currency)
    try:
        number = fields.number(value)  # refuses bools, None, NaN and what Excel cannot hold
    except fields.Invalid as exc:
        if str(exc) == "must be a number":
            raise fields.Invalid(_expected(kind)) from exc
        raise
    shown = f"{value:,}" if isinstance(value, int) else str(value)
    if isinstance(value, float):
        shown = repr(value)
    return _bare(number, shown, kind)


def _bare(number: Decimal, shown: str, kind: str) -> Published:
    """A number with no unit: exact at its own decimals (3_250_000_000 is to the unit)."""
    if kind == "percent" and abs(number) > 1:
        raise fields.Invalid(f'a rate above 1 needs a percent sign; did you mean "{shown}%"?')
    exponent = min(int(number.as_tuple().exponent), 0)
    return Published(number, Decimal(1).scaleb(exponent), shown)


def _parse_text(raw: str, kind: str, currency: str | None) -> Published:
    text = " ".join(raw.replace("\u2212", "-").replace("\u00a0", " ").split())
    if not text:
        raise fields.Invalid("must not be empty")
    if len(text) > fields.MAX_TEXT:
        raise fields.Invalid(f"is {len(text):,} characters long; the limit is {fields.MAX_TEXT}")
    found = _PUBLISHED.match(text.replace("_", ""))
    if found is None:
        raise fields.Invalid(_expected(kind))
    if found["sign1"] and found["sign2"]:
        raise fields.Invalid(_expected(kind))
    negative = (found["sign1"] or found["sign2"]) == "-"
    digits = Decimal(found["digits"].replace(",", ""))
    symbol = found["symbol"] or found["code"] or found["code_after"] or ""
    unit_word = (found["unit"] or "").lower()
    if unit_word == "" and not symbol:
        # Digits alone are a bare number, exact at their decimals ("3,250,000,000", "0.086").
        number = fields.number(-digits if negative else digits)
        return _bare(number, text, kind)
    power, unit = _UNITS[unit_word] if unit_word else (0, "")
    _check_kind(kind, unit, symbol, text)
    codes = _codes(symbol)
    if currency is not None and codes and currency.upper() not in codes:
        raise fields.Invalid(
            f"is written in {symbol} ({' or '.join(codes)}), but this figure is in {currency.upper()}; "
            f"write it in {currency.upper()}"
        )
    exponent = min(int(digits.as_tuple().exponent), 0)
    value = fields.number(_plain((-digits if negative else digits).scaleb(power)))
    written = codes[0] if len(codes) == 1 else (currency.upper() if currency and codes else None)
    return Published(value, _plain(Decimal(1).scaleb(exponent + power)), text, written, unit, symbol)


def _plain(number: Decimal) -> Decimal:
    """Whole numbers without an exponent: 3150000000, not 3.150E+9 (the same value, read easier)."""
    return number.quantize(Decimal(1)) if int(number.as_tuple().exponent) > 0 else number


def _codes(symbol: str) -> tuple[str, ...]:
    if not symbol:
        return ()
    for key, codes in SYMBOLS.items():
        if key.upper() == symbol.upper():
            return codes
    return (symbol.upper(),)  # an ISO code written out: "HKD 3,150m"


def _check_kind(kind: str, unit: str, symbol: str, text: str) -> None:
    """Refuse a unit or symbol the kind cannot have, saying how to write the figure."""
    if kind == "percent" and (unit != "%" or symbol):
        raise fields.Invalid(f'is a rate: write it as a percentage like "8.6%", not "{text}"')
    if kind != "percent" and unit == "%":
        raise fields.Invalid(f'is money, not a rate: write it like "{_EXAMPLES[kind]}"')
    if kind == "price" and unit in ("k", "m", "bn"):
        raise fields.Invalid(
            f'is a price per share: write it like "{_EXAMPLES[kind]}" (no thousand, million or billion)'
        )
    if kind == "amount" and unit == "c":
        raise fields.Invalid(f'is an amount: write it like "{_EXAMPLES[kind]}" (cents are for prices)')


_EXAMPLES = {"percent": "8.6%", "amount": "HK$3,150 million", "price": "HK$1.49"}


def _expected(kind: str) -> str:
    if kind == "percent":
        return 'must be a percentage like "8.6%" or "approximately 8.6%", or a fraction like 0.086'
    if kind == "price":
        return 'must be a price like "HK$1.49", "approximately HK$1.49", "5.7c" or 1.49'
    return (
        'must be an amount like "HK$3,150 million", "HK$3.15bn", "US$415.2m", "3,150m" '
        "or 3_150_000_000 (exact)"
    )


def stated_kind(key: str) -> str:
    """The kind of a ``[stated]`` key for ``parse_published``: "percent", "amount" or "price"."""
    if key == "net_price_per_share":
        return "price"
    if key.endswith(("proceeds", "proceeds_quote")):
        return "amount"
    return "percent"
