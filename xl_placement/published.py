"""Figures as an announcement publishes them: ``parse_published`` reads one into a ``StatedFigure``.

It reads a figure written the way announcements write it ("approximately HK$3,150 million",
"US$415.2m", "HK$3.25bn", "~8.6%", "5.7c") into its value, its precision and its text. The
precision is the last digit shown, in the unit shown: "HK$3,150m" is to the nearest million,
"HK$3.15bn" to the nearest 10 million, "8.6%" to 0.1 percentage point. A bare number (a
TOML/JSON number, or digits with nothing else) is exact. The grammar is documented, with
every form tested, in docs/deal-file.md ("How stated figures are read").

Part of the deal schema: the deal-file reader uses it for ``[stated]``; ``stated`` checks the
figures it reads against the computed ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from xl_placement import parsers
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
# Currency words as Chinese announcements write them -> ISO code ("約32.47億港元").
CURRENCY_WORDS: dict[str, str] = {
    "港元": "HKD",
    "港幣": "HKD",
    "港币": "HKD",
    "美元": "USD",
    "新元": "SGD",
    "新加坡元": "SGD",
    "新幣": "SGD",
    "新币": "SGD",
    "澳元": "AUD",
    "澳幣": "AUD",
    "澳币": "AUD",
    "人民幣": "CNY",
    "人民币": "CNY",
    "日元": "JPY",
    "日圓": "JPY",
    "歐元": "EUR",
    "欧元": "EUR",
    "英鎊": "GBP",
    "英镑": "GBP",
    "加元": "CAD",
    "紐元": "NZD",
    "纽元": "NZD",
    "新台幣": "TWD",
    "新台币": "TWD",
}
# Units after the number -> (power of ten, how the unit is shown in messages and checks).
_UNITS: dict[str, tuple[int, str]] = {
    "thousand": (3, "k"),
    "thousands": (3, "k"),
    "k": (3, "k"),
    "million": (6, "m"),
    "millions": (6, "m"),
    "mn": (6, "m"),
    "mln": (6, "m"),
    "mil": (6, "m"),
    "mio": (6, "m"),
    "m": (6, "m"),
    "billion": (9, "bn"),
    "billions": (9, "bn"),
    "bn": (9, "bn"),
    "bln": (9, "bn"),
    "b": (9, "bn"),
    "cents": (-2, "c"),
    "cent": (-2, "c"),
    "c": (-2, "c"),
    "¢": (-2, "c"),
    "%": (-2, "%"),
    "per cent.": (-2, "%"),
    "per cent": (-2, "%"),
    "percent": (-2, "%"),
    "pct": (-2, "%"),
    # Chinese: 萬 is 10^4, 億 10^8; shown in millions or billions like the English forms.
    "萬": (4, "m"),
    "万": (4, "m"),
    "十萬": (5, "m"),
    "十万": (5, "m"),
    "百萬": (6, "m"),
    "百万": (6, "m"),
    "千萬": (7, "m"),
    "千万": (7, "m"),
    "億": (8, "m"),
    "亿": (8, "m"),
    "十億": (9, "bn"),
    "十亿": (9, "bn"),
    "百億": (10, "bn"),
    "百亿": (10, "bn"),
    "千億": (11, "bn"),
    "千亿": (11, "bn"),
}
# Words before the figure. A hedge says the figure is rounded, which every figure with a
# unit is anyway: it changes nothing. "Up to" states the figure for the deal at its largest.
_HEDGES = (
    "approximately",
    "approx.",
    "approx",
    "about",
    "around",
    "roughly",
    "circa",
    "c.",
    "ca.",
    "some",
    "equivalent to",
    "~",
    "≈",
    "大約為",
    "大约为",
    "大約",
    "大约",
    "約為",
    "约为",
    "約",
    "约",
    "相當於",
    "相当于",
)
_UP_TO = ("up to", "a maximum of", "最多")
# A discount clause as announcements write it; a premium is a negative discount.
_DISCOUNTS = ("a discount of", "discount of", "折讓", "折让")
_PREMIUMS = ("a premium of", "premium of", "溢價", "溢价")
# Bounds, not figures: "nearly 10%" says only that the figure is a little below 10%.
_BOUNDS = (
    "nearly",
    "almost",
    "over",
    "more than",
    "less than",
    "at least",
    "at most",
    "not more than",
    "not less than",
    "no more than",
    "no less than",
    "not exceeding",
    "in excess of",
    "exceeding",
    "under",
    "below",
    "above",
    "超過",
    "超过",
    "不超過",
    "不超过",
    "不少於",
    "不少于",
    "少於",
    "少于",
    "多於",
    "多于",
    "接近",
    "逾",
    "近",
)
_PER_SHARE_CN = ("每股配售股份", "每股認購股份", "每股认购股份", "每股新股份", "每股")


def _alternatives(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# A word (ASCII letters) ends where no letter follows: "m" is not the start of "mils".
_END = r"(?![A-Za-z])"
_SYMBOL = _alternatives(list(SYMBOLS))
_CURRENCY_WORD = _alternatives(list(CURRENCY_WORDS))
_NUMBER = re.compile(
    r"^(?P<sign1>[-+])?\s*"
    rf"(?:(?P<symbol>{_SYMBOL})|(?P<word>{_CURRENCY_WORD})|(?P<code>[A-Za-z]{{3}})(?=[\s0-9.+-]))?\s*"
    r"(?P<sign2>[-+])?\s*"
    r"(?P<digits>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_UNIT = re.compile(rf"^(?:{_alternatives(list(_UNITS))})(?:{_END}|(?<![A-Za-z]))", re.IGNORECASE)
_CODE_AFTER = re.compile(rf"^(?:(?P<code>[A-Z]{{3}}){_END}|(?P<word>{_CURRENCY_WORD}))")
_PER_SHARE = re.compile(r"^per\s+(?:[A-Za-z-]+\s+){0,3}?shares?" + _END, re.IGNORECASE)
_CLAUSE_AFTER = re.compile(r"^(?P<word>discount|premium)" + _END, re.IGNORECASE)
# Full-width forms (what Chinese and Japanese text prints: U+FF01 to U+FF5E) as ASCII.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalise(text: str) -> str:
    """Announcement text as this module reads it: full-width forms as ASCII, one space between words.

    The minus sign (U+2212) is "-", a no-break space is a space. Digits of other scripts
    (Arabic-Indic "٣") are refused by ``parsers.plain_digits``, naming the digit.
    """
    folded = text.translate(_FULL_WIDTH).replace("\u2212", "-").replace("\u00a0", " ")
    return " ".join(folded.split())


EQUIVALENT_OF = {
    "gross_proceeds": "gross_proceeds_quote",
    "gross_proceeds_quote": "gross_proceeds",
    "net_proceeds": "net_proceeds_quote",
    "net_proceeds_quote": "net_proceeds",
}
"""``[stated]`` keys that may give their other currency's figure in brackets, and that figure's key."""

_BRACKETS = re.compile(r"^(?P<main>[^()]*?)\s*\((?P<equivalent>[^()]*)\)$")


def split_equivalent(value: object) -> tuple[object, str | None]:
    """A figure and its equivalent in brackets: "HK$3.25 billion (approximately US$415.2 million)".

    Returns:
        The figure before the brackets and the text inside them; ``(value, None)`` when the
        value is not text ending in one bracketed part.
    """
    if not isinstance(value, str):
        return value, None
    found = _BRACKETS.match(normalise(value))
    if found is None or not found["main"]:
        return value, None
    return found["main"], found["equivalent"]


Published = StatedFigure
"""A figure as published (the deal model's ``StatedFigure``): value, quantum, text, currency, unit, symbol."""


@in_context
def parse_published(
    value: object, *, kind: str, currency: str | None = None, field: str = "", discount: bool = False
) -> Published:
    """Read a figure written as an announcement publishes it.

    The grammar, with an example of every form, is in docs/deal-file.md ("How stated
    figures are read"). In short: ``[clause] [up to] [hedge] [currency] number [unit]
    [currency] [per share]``, where the clause is "a discount of" or "a premium of" (a
    premium is a negative discount; discount figures only), a hedge ("approximately",
    "about", "約", ...) changes nothing, a unit is any of k/thousand, m/mn/mil/million,
    bn/bln/billion, 萬, 億, cents, % or "per cent", and full-width forms read as ASCII. Any
    other word is refused. The precision is the last digit shown in the unit shown
    (``"HK$3.15bn"`` is to the nearest HK$10m). A bare number (a TOML/JSON number, or
    digits with nothing else) is exact: compared to the cent for an amount, to 10^-6 for a
    price or a rate, or to its own last digit when it shows more.

    Args:
        value: the figure: text as published, or a number (int, Decimal or float).
        kind: ``"percent"`` (a rate: a fraction, or text with a percent sign),
            ``"amount"`` (money, any unit) or ``"price"`` (money per share, or cents).
        currency: the ISO code the figure is in (``"HKD"``); a written symbol of another
            currency is refused. None accepts any symbol (``Published.currency`` says which).
        field: the figure's name, put before messages (``"gross_proceeds = 'US$1m': ..."``);
            leave empty when the caller names the field itself.
        discount: the figure is a discount, so "a premium of 1.1%" may be written for -1.1%.

    Returns:
        The Published figure.

    Raises:
        parsers.Invalid: the value is not such a figure, is a rate above 1 without a percent
            sign, has a unit, word or symbol its kind cannot have, or is in another currency.
            The message names the fix (and the field, when given).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    try:
        return _parse(value, kind, currency, discount=discount)
    except parsers.Invalid as exc:
        if field:
            raise parsers.Invalid(f"{field} = {_quoted(value)}: {exc}") from exc
        raise


def _quoted(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def _parse(value: object, kind: str, currency: str | None, *, discount: bool) -> Published:
    if isinstance(value, str):
        return _parse_text(value, kind, currency, discount=discount)
    try:
        number = parsers.number(value)  # refuses bools, None, NaN and what Excel cannot hold
    except parsers.Invalid as exc:
        if str(exc) == "must be a number":
            raise parsers.Invalid(_expected(kind)) from exc
        raise
    shown = f"{value:,}" if isinstance(value, int) else str(value)
    if isinstance(value, float):
        shown = repr(value)
    return _bare(number, shown, kind)


# A bare number is exact: it is compared to the cent (an amount) or to 10^-6 (a price, or a
# rate: 0.0001 percentage point), finer when it shows more digits. "net_price_per_share = 2"
# is 2.000000, never "2 to the nearest dollar".
_EXACT = {"amount": Decimal("0.01"), "price": Decimal("1E-6"), "percent": Decimal("1E-6")}


def _bare(number: Decimal, shown: str, kind: str) -> Published:
    """A number with no unit, symbol or word: exact (see ``_EXACT``)."""
    if kind == "percent" and abs(number) > 1:
        raise parsers.Invalid(f'a rate above 1 needs a percent sign; did you mean "{shown}%"?')
    own = Decimal(1).scaleb(min(int(number.as_tuple().exponent), 0))
    return Published(number, min(own, _EXACT[kind]), shown)


@dataclass
class _Words:
    """The words read around the number."""

    up_to: bool = False
    hedge: bool = False
    premium: bool = False
    clause: str = ""  # "discount" or "premium" as written, "" when none


def _leading(text: str, kind: str) -> tuple[_Words, str]:
    """Take the clause, "up to", a hedge and the Chinese "per share" off the front, in any order."""
    words = _Words()
    rest = text
    per_share = False
    while True:
        found = _starts(rest, _DISCOUNTS + _PREMIUMS)
        if found and not words.clause:
            words.clause = found
            words.premium = found in _PREMIUMS
        elif (found := _starts(rest, _UP_TO)) and not words.up_to:
            words.up_to = True
        elif (found := _starts(rest, _HEDGES)) and not words.hedge:
            words.hedge = True
        elif kind == "price" and (found := _starts(rest, _PER_SHARE_CN)) and not per_share:
            per_share = True
        else:
            break
        rest = rest[len(found) :].lstrip()
    bound = _starts(rest, _BOUNDS)
    if bound:
        raise parsers.Invalid(
            f'says "{bound}": a bound, not the figure; give the figure as published '
            '(like "approximately 8.6%") or leave it out'
        )
    return words, rest


def _starts(text: str, words: tuple[str, ...]) -> str:
    """The longest of ``words`` that ``text`` starts with as a whole word (any case), else ""."""
    for word in sorted(words, key=len, reverse=True):
        head = text[: len(word)]
        if head.lower() != word.lower():
            continue
        after = text[len(word) : len(word) + 1]
        if word[-1].isascii() and word[-1].isalpha() and after.isascii() and after.isalpha():
            continue  # "over" is not the start of "overall"
        return head
    return ""


def _parse_text(raw: str, kind: str, currency: str | None, *, discount: bool) -> Published:
    text = normalise(raw)
    if not text:
        raise parsers.Invalid("must not be empty")
    if len(text) > parsers.MAX_TEXT:
        raise parsers.Invalid(f"is {len(text):,} characters long; the limit is {parsers.MAX_TEXT}")
    parsers.plain_digits(text)
    bracketed = split_equivalent(text)[1]
    if bracketed is not None or "(" in text or ")" in text:
        inside = f' ("{bracketed}")' if bracketed else ""
        raise parsers.Invalid(
            f"holds a second figure in brackets{inside}; give one figure here (only gross_proceeds "
            "and net_proceeds in [stated] take their other currency's figure in brackets)"
        )
    words, rest = _leading(text.replace("_", ""), kind)
    found = _NUMBER.match(rest)
    if found is None:
        raise parsers.Invalid(_expected(kind))
    if found["sign1"] and found["sign2"]:
        raise parsers.Invalid(_expected(kind))
    negative = (found["sign1"] or found["sign2"]) == "-"
    digits = Decimal(found["digits"].replace(",", ""))
    unit_word, after, tail = _trailing(found["rest"], kind)
    before = found["symbol"] or found["word"] or found["code"] or ""
    if found["code"] and found["code"].upper() not in parsers.iso_currencies():
        raise parsers.Invalid(
            f'has "{found["code"]}" before the number, which is not a currency; {_expected(kind)}'
        )
    if tail == "元" and not found["word"]:
        raise parsers.Invalid(
            f'has "{tail}" after the number without a currency word before it; write 港元 or 人民幣'
        )
    _check_clause(words, tail, negative, discount)
    if not (unit_word or before or after or words.hedge or words.up_to or words.clause or tail):
        # Digits alone are a bare number, exact ("3,250,000,000", "0.086").
        number = parsers.number(-digits if negative else digits)
        return _bare(number, text, kind)
    power, unit = _UNITS[unit_word.lower()] if unit_word else (0, "")
    codes = _written(before, after)
    symbol = _shown_symbol(before, after)
    _check_kind(kind, unit, symbol, text, tail)
    if currency is not None and codes and currency.upper() not in codes:
        raise parsers.Invalid(
            f"is written in {symbol} ({' or '.join(codes)}), but this figure is in {currency.upper()}; "
            f"write it in {currency.upper()}"
        )
    if kind == "percent" and unit == "" and abs(digits) > 1:
        raise parsers.Invalid(f'a rate above 1 needs a percent sign; did you mean "{text}%"?')
    signed = -digits if negative or words.premium else digits
    exponent = min(int(digits.as_tuple().exponent), 0)
    value = parsers.number(_plain(signed.scaleb(power)))
    written = codes[0] if len(codes) == 1 else (currency.upper() if currency and codes else None)
    return Published(value, _plain(Decimal(1).scaleb(exponent + power)), text, written, unit, symbol)


def _trailing(rest: str, kind: str) -> tuple[str, str, str]:
    """The unit, the currency and the closing words after the number; any other word is refused."""
    unit = after = tail = ""
    found = _UNIT.match(rest)
    if found:
        unit, rest = found.group(), rest[found.end() :].lstrip()
    found = _CODE_AFTER.match(rest)
    if found and (found["word"] or found["code"] in parsers.iso_currencies()):
        after, rest = found.group(), rest[found.end() :].lstrip()
    if rest.startswith("元"):
        tail, rest = "元", rest[1:].lstrip()
    for pattern in (_PER_SHARE, _CLAUSE_AFTER):
        found = pattern.match(rest)
        if found:
            tail, rest = found.group(), rest[found.end() :].lstrip()
            break
    if rest:
        raise parsers.Invalid(
            f'has "{rest}" after the number, which is not a unit or currency this reads; {_UNIT_WORDS[kind]}'
        )
    return unit, after, tail


_UNIT_WORDS = {
    "percent": 'write a rate as "8.6%", "8.6 per cent" or a fraction like 0.086',
    "amount": (
        "units are k or thousand, m, mn, mil or million, bn, bln or billion, 萬 or 億, "
        "and a currency may follow as a code (USD) or a word (港元)"
    ),
    "price": 'write a price like "HK$1.49", "HK$1.49 per share", "5.7c" or "1.49港元"',
}


def _check_clause(words: _Words, tail: str, negative: bool, discount: bool) -> None:
    """The words "a discount of" and "a premium of" only for a discount, and never with a sign."""
    clause = words.clause or (tail if tail.lower() in ("discount", "premium") else "")
    if not clause:
        return
    if not discount:
        raise parsers.Invalid(
            f'says "{clause}", but this figure is not a discount; write the figure alone, like "8.6%"'
        )
    if negative:
        raise parsers.Invalid(
            f'says "{clause}" and has a sign; write "a premium of 1.1%" or "-1.1%", not both'
        )
    if tail.lower() == "premium":
        words.premium = True


def _written(before: str, after: str) -> tuple[str, ...]:
    """The ISO codes the currency written before and after the number may be; both must agree."""
    first, second = _codes(before), _codes(after)
    if first and second:
        both = tuple(code for code in first if code in second)
        if not both:
            raise parsers.Invalid(
                f"is written in {_named(before, first)} and in {_named(after, second)}; "
                "give the figure in one currency"
            )
        return both
    return first or second


def _named(written: str, codes: tuple[str, ...]) -> str:
    """A currency as written, with its ISO codes when they differ from it: "HK$ (HKD)", "USD"."""
    return written if codes == (written.upper(),) else f"{written} ({' or '.join(codes)})"


def _shown_symbol(before: str, after: str) -> str:
    """How the figure's currency is shown in checks: the symbol as written, a code or Chinese word as the code."""
    symbol = before or after
    if symbol.isascii() and symbol.isalpha() and symbol.upper() not in SYMBOLS:
        return symbol.upper()  # "hkd 3,150m" is shown "HKD 3,150m"
    return CURRENCY_WORDS.get(symbol, symbol)


def _plain(number: Decimal) -> Decimal:
    """Whole numbers without an exponent: 3150000000, not 3.150E+9 (the same value, read easier)."""
    return number.quantize(Decimal(1)) if int(number.as_tuple().exponent) > 0 else number


def _codes(symbol: str) -> tuple[str, ...]:
    if not symbol:
        return ()
    if symbol in CURRENCY_WORDS:
        return (CURRENCY_WORDS[symbol],)
    for key, codes in SYMBOLS.items():
        if key.upper() == symbol.upper():
            return codes
    return (symbol.upper(),)  # an ISO code written out: "HKD 3,150m"


def _check_kind(kind: str, unit: str, symbol: str, text: str, tail: str) -> None:
    """Refuse a unit, symbol or word the kind cannot have, saying how to write the figure."""
    if kind == "percent" and (unit not in ("%", "") or symbol):
        raise parsers.Invalid(f'is a rate: write it as a percentage like "8.6%", not "{text}"')
    if kind != "percent" and unit == "%":
        raise parsers.Invalid(f'is money, not a rate: write it like "{_EXAMPLES[kind]}"')
    if kind == "price" and unit in ("k", "m", "bn"):
        raise parsers.Invalid(
            f'is a price per share: write it like "{_EXAMPLES[kind]}" (no thousand, million or billion)'
        )
    if kind == "amount" and unit == "c":
        raise parsers.Invalid(f'is an amount: write it like "{_EXAMPLES[kind]}" (cents are for prices)')
    if kind != "price" and tail.lower().startswith("per"):
        raise parsers.Invalid(
            f'says "{tail}", but this figure is not a price per share; write it like "{_EXAMPLES[kind]}"'
        )


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
