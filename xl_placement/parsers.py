"""The value parsers: what a user wrote (TOML, JSON, CSV text or a cell) as a clean value.

Each parser takes one raw value and returns it checked and converted (a ``Decimal``, an
``int``, a date, one line of text, one of a list of choices), or raises ``Invalid`` with
the expected form. The table of deal-file fields (``fields``) names one parser per field;
the Excel functions, announcements' published figures and the precedents reader use the
same ones, so a value is accepted or refused the same way wherever it is given.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

MAX_TEXT = 200  # characters in a name, agent, source or other short text
MAX_SIGNIFICANT = 15  # digits Excel holds exactly
MAX_MAGNITUDE = (
    Decimal(10) ** MAX_SIGNIFICANT
)  # larger numbers lose digits in Excel and overflow money rounding
MIN_MAGNITUDE = Decimal("1E-9")  # no price, rate or share is smaller; smaller ones overflow the results
# Agents share one report cell and one sentence: 20 names of 200 characters fit both.
MAX_AGENTS = 20
# Dates a deal can have: a price history, an agreement, a lock-up end.
FIRST_DATE = dt.date(1990, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)


class Invalid(ValueError):  # noqa: N818 - reads as "raise Invalid(expected form)"
    """A value is not of the expected form; the message says what is expected."""


Parser = Callable[[object], object]

# [0-9], not \d: \d also matches full-width and Arabic-Indic digits, which Decimal reads too (plain_digits refuses them).
_NUMBER_TEXT = re.compile(r"^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")
_DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Control characters (C0, DEL, C1), Unicode line and paragraph separators, and what XML
# cannot hold at all (lone surrogates from JSON "\ud800", U+FFFE, U+FFFF): a workbook with
# one of these in a cell is not well-formed and Excel reports it as corrupt.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# Bidirectional controls (embeddings, overrides, isolates, marks) make text display in an
# order other than the one it is stored in: "Trojan Source" names in a deal sheet.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Letters, marks that take space, numbers, punctuation and symbols are visible; spaces,
# format characters (U+200B zero-width space) and the like are not.
_VISIBLE_CATEGORIES = ("L", "N", "P", "S", "Mc")
# Letters and symbols that display as nothing: the Hangul fillers (U+115F, U+1160, U+3164,
# U+FFA0), the braille blank (U+2800), and the default-ignorable Khmer vowels, Mongolian
# selectors and variation selectors.
_BLANK = re.compile(
    "[\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u180b-\u180f\ufe00-\ufe0f\U000e0000-\U000e0fff]"
)


def plain_digits(text: str) -> None:
    """Refuse digits other than 0-9 in numeric text (full-width U+FF11, Arabic-Indic U+0663, superscript two).

    Python would read most of them as numbers; the deal file takes only the plain forms, so
    the message gives the number written with 0-9 as the fix. ``[stated]`` figures read
    full-width forms first (``published``): Chinese announcements print them.
    """
    other = next((char for char in text if char.isdigit() and not char.isascii()), None)
    if other is None:
        return
    fixed = "".join(_plain_char(char) for char in text)
    name = unicodedata.name(other, f"U+{ord(other):04X}").lower()
    fix = f'; write "{fixed}"' if fixed.isascii() else "; write it with the digits 0-9"
    raise Invalid(f'holds the digit "{other}" ({name}), not one of 0-9{fix}')


_ARABIC_SEPARATORS = {"\u066b": ".", "\u066c": ","}  # Arabic decimal and thousands separators


def _plain_char(char: str) -> str:
    """A full-width form as its ASCII character, a decimal digit of any script as 0-9; else unchanged."""
    if "\uff01" <= char <= "\uff5e":
        return chr(ord(char) - 0xFEE0)
    if char in _ARABIC_SEPARATORS:
        return _ARABIC_SEPARATORS[char]
    if not char.isascii() and unicodedata.decimal(char, None) is not None:
        return str(unicodedata.decimal(char))
    return char


def number(value: object) -> Decimal:
    """A finite number; numeric text ("1,234.5", "1_234") is accepted; bools are not."""
    if isinstance(value, bool) or value is None:
        raise Invalid("must be a number")
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid("must be a finite number (not NaN or infinity)")
        result = Decimal(repr(value))
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        plain_digits(text)
        if not _NUMBER_TEXT.match(text):
            raise Invalid("must be a number")
        try:
            result = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the pattern already checked
            raise Invalid("must be a number") from exc
    else:
        raise Invalid("must be a number")
    if not result.is_finite():
        raise Invalid("must be a finite number (not NaN or infinity)")
    _check_excel_holds(result)
    # A zero keeps no exponent ("0e999999999" would overflow the first sum it meets).
    return result if result else Decimal(0)


def _check_excel_holds(result: Decimal) -> None:
    """Refuse a number Excel cannot hold exactly: too many digits, too large or too small."""
    # Counted on the digits as written: normalize() would first round to 28 digits, so
    # 1.80000000000000000000000000001 would pass as 1.8 and keep its 30 digits.
    significant = "".join(map(str, result.as_tuple().digits)).strip("0")
    if len(significant) > MAX_SIGNIFICANT:
        raise Invalid(f"has more than {MAX_SIGNIFICANT} significant digits, which Excel cannot hold exactly")
    # Compared by exponent, with no arithmetic: abs() of 1e999999999 overflows the decimal
    # context, so a huge exponent must be refused before any calculation sees it.
    if result and result.adjusted() >= MAX_SIGNIFICANT:
        raise Invalid(f"must be below {MAX_MAGNITUDE:,} ({MAX_SIGNIFICANT} digits, what Excel holds exactly)")
    if result and result.adjusted() < MIN_MAGNITUDE.adjusted():
        raise Invalid(
            f"is below {MIN_MAGNITUDE:f}; no price, rate or share is that small, so give 0 or a larger number"
        )


def positive(value: object) -> Decimal:
    """A number above zero."""
    result = number(value)
    if result <= 0:
        raise Invalid("must be a positive number")
    return result


_CENTS_TEXT = re.compile(r"^(.*?)\s*(c|¢|cents?|p|pence)$", re.IGNORECASE)


def price(value: object) -> Decimal:
    """A price above zero; text in cents or pence ("5.7c", "5.7 cents", "55p") is read as hundredths (0.057)."""
    if isinstance(value, str):
        found = _CENTS_TEXT.match(value.strip())
        if found and _NUMBER_TEXT.match(found.group(1).replace("_", "")):
            return positive(found.group(1)) / 100
    return positive(value)


def non_negative(value: object) -> Decimal:
    """A number of zero or more."""
    result = number(value)
    if result < 0:
        raise Invalid("must be zero or a positive number")
    return result


def whole(value: object) -> int:
    """A whole number (1.7e9 and "1,700,000,000" are accepted; 1.5 is not)."""
    result = number(value)
    if result != result.to_integral_value():
        raise Invalid("must be a whole number")
    return int(result)


def positive_whole(value: object) -> int:
    """A whole number above zero."""
    result = whole(value)
    if result <= 0:
        raise Invalid("must be a positive whole number")
    return result


def non_negative_whole(value: object) -> int:
    """A whole number of zero or more."""
    result = whole(value)
    if result < 0:
        raise Invalid("must be zero or a positive whole number")
    return result


def fraction(value: object) -> Decimal:
    """A fraction (0.086) or a percentage text ("8.6%")."""
    expected = 'must be a fraction like 0.086 or a percentage like "8.6%"'
    if isinstance(value, str):
        plain_digits(value)  # before the "%" is cut off, so the fix keeps it
    percent = isinstance(value, str) and value.strip().endswith("%")
    try:
        result = number(value.strip()[:-1] if percent and isinstance(value, str) else value)
    except Invalid as exc:
        # Keep the significant-digits and NaN messages; replace the generic "must be a number".
        message = str(exc)
        raise Invalid(expected if message == "must be a number" else message) from exc
    return result / 100 if percent else result


def _rate_above_one(value: object) -> None:
    """Refuse a rate above 1 written without a percent sign (8.15 meant as 8.15%), with the fix."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return
    try:
        plain = number(value)
    except Invalid:
        return  # fraction() says what is wrong with it
    if abs(plain) > 1:
        shown = value.strip() if isinstance(value, str) else str(value)
        raise Invalid(f'a rate above 1 needs a percent sign; did you mean "{shown}%"?')


def rate(value: object) -> Decimal:
    """A fraction from 0 up to, not including, 1; a number above 1 without "%" is refused with the fix."""
    _rate_above_one(value)
    result = fraction(value)
    if not 0 <= result < 1:
        raise Invalid('must be a fraction from 0 to below 1, like 0.025 or "2.5%"')
    return result


#: Decimals a commission rate may have as a fraction (0.0001%): the report's exact commission
#: formula counts the rate in millionths (xl_placement/formulas.py ``commission``).
COMMISSION_DECIMALS = 6


def commission_rate(value: object) -> Decimal:
    """A commission rate (``rate``) to at most six decimals as a fraction ("2.5%", "0.0125%")."""
    result = rate(value)
    exponent = result.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -COMMISSION_DECIMALS:
        shown = f"{(result * 100).normalize():f}%"
        fix = (result * 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        if fix >= 100:  # a rate is below 100%
            fix = (result * 100).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
        raise Invalid(
            f"is {shown}: a commission has at most four decimals as a percentage (0.0001%); round it, "
            f'e.g. "{fix.normalize():f}%"'
        )
    return result


def share(value: object) -> Decimal:
    """A share of a whole: a fraction from 0 to 1; a number above 1 without "%" is refused with the fix."""
    _rate_above_one(value)
    result = fraction(value)
    if not 0 <= result <= 1:
        raise Invalid('must be a fraction from 0 to 1, like 0.4 or "40%"')
    return result


def text(value: object, limit: int = MAX_TEXT) -> str:
    """A short, single-line text with no control characters (at most ``limit`` characters)."""
    return line(value, limit)


def line(value: object, limit: int) -> str:
    """One line of text of at most ``limit`` characters that displays as what it holds.

    The one check of every text a user gives (names, agents, sources): no control or
    bidirectional characters, nothing XML cannot hold, and at least one visible character.
    """
    if not isinstance(value, str):
        raise Invalid("must be text (in quotes)")
    stripped = value.strip()
    if not stripped:
        raise Invalid("must not be empty")
    if len(stripped) > limit:
        raise Invalid(f"is {len(stripped):,} characters long; the limit is {limit:,}")
    if _CONTROL.search(stripped) or "\n" in stripped or "\r" in stripped or "\t" in stripped:
        raise Invalid("must be one line of text with no control characters")
    bidi = _BIDI.search(stripped)
    if bidi:
        raise Invalid(
            f"holds the bidirectional control U+{ord(bidi.group()):04X}, which makes text display in "
            "another order than it is stored; remove it"
        )
    if not any(_visible(char) for char in stripped):
        codes = ", ".join(f"U+{ord(char):04X}" for char in dict.fromkeys(stripped))
        raise Invalid(f"must contain a visible character (it holds only {codes}, which display as nothing)")
    return stripped


def _visible(char: str) -> bool:
    """Whether a character shows as something (a letter, digit, mark that takes space, symbol)."""
    return unicodedata.category(char).startswith(_VISIBLE_CATEGORIES) and not _BLANK.match(char)


def code(value: object) -> str:
    """A stock code: text, so that leading zeros stay ("0020"); a number is refused."""
    if _is_number(value):
        digits = str(value).removesuffix(".0")
        example = digits.zfill(4) if digits.isdigit() else "0020"
        raise Invalid(f'is a number, which loses leading zeros; quote it: stock_code = "{example}"')
    return text(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def quoted(parse: Parser, name: str, example: str) -> Parser:
    """``parse``, but a number is refused with the fix: codes are text (``currency = "HKD"``)."""

    def parse_quoted(value: object) -> object:
        if _is_number(value):
            raise Invalid(f'is a number; codes are text, so quote it: {name} = "{example}"')
        return parse(value)

    options = getattr(parse, "options", None)
    if options is not None:
        parse_quoted.options = options  # type: ignore[attr-defined]  # read by the field reference and the Inputs sheet
    return parse_quoted


def currency(value: object) -> str:
    """A three-letter ISO 4217 currency code of a currency (not a metal, fund unit or test code)."""
    result = text(value).upper()
    if not re.fullmatch(r"[A-Z]{3}", result):
        raise Invalid('must be a three-letter currency code like "HKD"')
    if result not in iso_currencies():
        raise Invalid('is not an ISO 4217 currency code; use one such as "HKD", "USD", "SGD" or "AUD"')
    return result


@functools.cache
def iso_currencies() -> frozenset[str]:
    """The ISO 4217 codes of currencies, from the iso4217 package (the ISO agency's list).

    Codes with no minor unit ("N.A.": gold, SDR, bond-market units, the test code XTS) are
    left out, as no placing is priced in them; XXX ("no currency") stays, for a check with
    no currency given (the PLACEMENT_CHECK function on an exchange without a default one).

    The list is read from the package's own table.xml without importing the package:
    ``import iso4217`` also builds an Enum of every currency, about a quarter of a cold
    report's start-up (issue 27). Where the file cannot be found, the package is imported.
    """
    import importlib.util  # noqa: PLC0415 - parsed on first use, not at start-up

    spec = importlib.util.find_spec("iso4217")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    table = [Path(folder) / "table.xml" for folder in folders if (Path(folder) / "table.xml").is_file()]
    if not table:
        from iso4217 import raw_table  # noqa: PLC0415 - the package's own parse, as a fallback

        return frozenset(
            code
            for code, entry in raw_table.items()
            if isinstance(code, str) and (entry["CcyMnrUnts"] != "N.A." or code == "XXX")
        )
    text = table[0].read_text(encoding="utf-8")
    # The agency's table lists each entry's code, number and minor unit in that order: read
    # with one pattern (under a millisecond; ElementTree's import and parse take four, in
    # every cold `check`). Any entry the pattern does not read sends the file to ElementTree.
    pairs = _ISO_ENTRY.findall(text)
    if len(pairs) != text.count("<Ccy>"):
        import xml.etree.ElementTree as ET  # noqa: PLC0415 - a trusted file the package ships

        entries = ET.fromstring(text).iterfind("CcyTbl/CcyNtry")  # noqa: S314 - the package's file
        pairs = [
            ((e.findtext("Ccy") or "").strip(), (e.findtext("CcyMnrUnts") or "").strip()) for e in entries
        ]
    return frozenset(code for code, minor in pairs if code and (minor != "N.A." or code == "XXX"))


_ISO_ENTRY = re.compile(
    r"<Ccy>\s*([A-Z]{3})\s*</Ccy>\s*<CcyNbr>[^<]*</CcyNbr>\s*<CcyMnrUnts>\s*([^<]*?)\s*</CcyMnrUnts>"
)


def choice(options: Sequence[str]) -> Parser:
    """One of ``options``, matched without regard to case."""
    by_key = {option.lower(): option for option in options}

    def parse(value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in by_key:
            return by_key[value.strip().lower()]
        raise Invalid("must be one of " + ", ".join(f'"{o}"' for o in options))

    parse.options = tuple(options)  # type: ignore[attr-defined]  # read by the field reference and the Inputs sheet
    return parse


def texts(value: object) -> tuple[str, ...]:
    """A list of at most MAX_AGENTS short texts (a single text is taken as a list of one)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise Invalid('must be a list of text, like ["HSBC"]')
    if len(value) > MAX_AGENTS:
        raise Invalid(f"lists {len(value):,} names; the limit is {MAX_AGENTS}")
    return tuple(text(item) for item in value)


def date(value: object) -> dt.date:
    """A date from 1990 to 2100: a TOML date, or text in the form YYYY-MM-DD."""
    result = _date(value)
    if not FIRST_DATE <= result <= LAST_DATE:
        raise Invalid(f"must be a date from {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}")
    return result


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    # Only the documented form: fromisoformat alone would also take "20250603" or "2025-W23-2".
    if isinstance(value, str):
        plain_digits(value)
    if isinstance(value, str) and _DATE_TEXT.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Invalid("must be a date in the form YYYY-MM-DD")


_FLAG_TEXT = {"true": True, "yes": True, "false": False, "no": False}


def flag(value: object) -> bool:
    """Every yes/no field: TOML or JSON true/false, or the text "true"/"false" or "yes"/"no" (a cell)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _FLAG_TEXT:
        return _FLAG_TEXT[value.strip().lower()]
    raise Invalid("must be true or false")


def days(value: object) -> int:
    """A whole number of calendar days, from 0 to 3,650 (ten years)."""
    result = whole(value)
    if not 0 <= result <= 3650:
        raise Invalid("must be a whole number of days from 0 to 3,650")
    return result


def decimals(value: object) -> int:
    """Digits after the point for rounding: -9 (billions) to 6."""
    result = whole(value)
    if not -9 <= result <= 6:
        raise Invalid("must be a whole number from -9 to 6")
    return result


MAX_MARKING = 60  # characters of the page header's marking ("Strictly private and confidential")
MAX_DISCLAIMER = 1_000  # characters of the disclaimer printed at the foot of each sheet


def marking(value: object) -> str:
    """The page header's marking: one short line of text."""
    return line(value, MAX_MARKING)


def disclaimer(value: object) -> str:
    """A disclaimer paragraph: one line of text (it wraps on the page) of at most MAX_DISCLAIMER characters."""
    return text(value, limit=MAX_DISCLAIMER)


def parts(options: Sequence[str]) -> Parser:
    """A list of some of ``options`` (each at most once), matched without regard to case."""
    one = choice(options)

    def parse(value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise Invalid(f'must be a list, like ["{options[0]}"]')
        return tuple(dict.fromkeys(str(one(item)) for item in value))

    parse.options = tuple(options)  # type: ignore[attr-defined]  # read by the field reference and the Inputs sheet
    return parse
