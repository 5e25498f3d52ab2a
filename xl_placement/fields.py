"""The deal-file fields.

One table drives validation, user documentation (scripts/field_reference.py writes the
reference from it) and the Inputs sheet, so the three never disagree.

Each field has a parser that turns what a user wrote (TOML, JSON or CSV text) into
a clean value, or raises ``Invalid`` with the expected form.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from xl_placement import deal as model

MAX_TEXT = 200  # characters in a name, agent, source or other short text
MAX_SIGNIFICANT = 15  # digits Excel holds exactly
MAX_MAGNITUDE = (
    Decimal(10) ** MAX_SIGNIFICANT
)  # larger numbers lose digits in Excel and overflow money rounding
MIN_MAGNITUDE = Decimal("1E-9")  # no price, rate or share is smaller; smaller ones overflow the results
MAX_ROWS = 10_000  # rows in a price history (and the default for any table)
# Uses and holders are also listed in sentences on the report: 100 names of 200 characters
# stay within the 32,767 characters a cell holds (a real placing lists a handful).
# Tranches are listed in one sentence of the Checks sheet the same way.
# Cost items are rows of a report table: a real deal has a handful.
ROW_LIMITS = {
    "proceeds.uses": 100,
    "shareholders": 100,
    "placing.tranches": 100,
    "placing.prior_issues": 500,
    "costs.items": 100,
}
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
#: formula counts the rate in millionths (report/formulas.py ``commission``).
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
        parse_quoted.options = options  # type: ignore[attr-defined]  # read by the field reference
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
    import xml.etree.ElementTree as ET  # noqa: PLC0415 - a trusted file the package ships

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
    entries = ET.fromstring(table[0].read_bytes()).iterfind("CcyTbl/CcyNtry")  # noqa: S314 - the package's file
    codes = ((e.findtext("Ccy"), e.findtext("CcyMnrUnts")) for e in entries)
    return frozenset(
        code.strip()
        for code, minor in codes
        if code is not None and ((minor or "").strip() != "N.A." or code.strip() == "XXX")
    )


def choice(options: Sequence[str]) -> Parser:
    """One of ``options``, matched without regard to case."""
    by_key = {option.lower(): option for option in options}

    def parse(value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in by_key:
            return by_key[value.strip().lower()]
        raise Invalid("must be one of " + ", ".join(f'"{o}"' for o in options))

    parse.options = tuple(options)  # type: ignore[attr-defined]  # read by the field reference
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


@dataclass(frozen=True)
class Field:
    """One field a deal file may hold."""

    name: str
    parse: Parser
    unit: str
    doc: str
    required: bool = False
    example: str = ""


def _f(name: str, parse: Parser, unit: str, doc: str, *, required: bool = False, example: str = "") -> Field:
    return Field(name, parse, unit, doc, required, example)


ISSUER = (
    _f("name", text, "text", "Issuer's name as it appears on the announcement.", required=True),
    _f(
        "stock_code",
        code,
        "text",
        'Stock code on the exchange, as text to keep leading zeros ("0020").',
        required=True,
    ),
    _f(
        "exchange",
        quoted(choice(model.EXCHANGES), "exchange", "HKEX"),
        "choice",
        "Selects the listing-rule checks: HKEX, SGX, NASDAQ, ASX or other.",
        required=True,
    ),
    _f(
        "currency",
        quoted(currency, "currency", "HKD"),
        "ISO 4217 code",
        "Currency of the price and of every amount in the file.",
        required=True,
    ),
    _f(
        "board",
        choice(model.BOARD_NAMES),
        "choice",
        'The exchange\'s board, where its rules differ: HKEX "Main Board" (the default) or "GEM" '
        "(the GEM Listing Rules: Rule 17.42B, 17.41(2), 10.44A and 20.90(4) for the Main Board's 13.36(5), "
        "13.36(2)(b), 7.27B and 14A.92(4)).",
    ),
    _f("share_class", text, "text", 'Class of the new shares ("B"), for dual-class issuers.'),
    _f(
        "sp_asx_300",
        flag,
        "true/false",
        "ASX: true when the company is in the S&P/ASX 300 index (then not eligible for Listing Rule 7.1A); "
        "left out, 7.1A eligibility is not enough data, never assumed.",
    ),
)

PLACING = (
    _f(
        "kind",
        choice(model.KINDS),
        "choice",
        "placing (new shares) or top-up (a holder places existing shares, then subscribes for new ones).",
    ),
    _f(
        "mandate",
        choice(model.MANDATES),
        "choice",
        "general (no shareholder approval for this deal: HKEX and SGX general mandate, ASX placement "
        "capacity, Nasdaq without a holders' vote) or specific (shareholders approved this deal).",
    ),
    _f(
        "underwriting",
        choice(model.UNDERWRITINGS),
        "choice",
        "best efforts or fully underwritten; left out, the deal sheet has no underwriting row.",
    ),
    _f("agents", texts, "list of text", "Placing agents and coordinators (at most 20)."),
    _f(
        "min_placees",
        positive_whole,
        "placees",
        "Minimum number of placees (HKEX: fewer than six must be named).",
    ),
    _f(
        "independent_placees",
        flag,
        "true or false",
        "true when the announcement says the placees are independent third parties (the report then says so).",
    ),
    _f("offering", text, "text", 'How the shares are offered, e.g. "Regulation S" (shown as written).'),
    _f(
        "public_offering",
        flag,
        "true or false",
        "true for a public offering (Nasdaq Rule 5635(d) does not apply to one).",
    ),
    _f("new_shares", positive_whole, "shares", "New shares issued by the deal.", required=True),
    _f(
        "price",
        price,
        "issuer currency per share",
        'Placing price ("5.7c" is 5.7 cents, "55p" 55 pence); per ADS when ads_ratio is given.',
        required=True,
    ),
    _f(
        "shares_outstanding",
        positive_whole,
        "shares",
        "Shares in issue before the deal, excluding treasury shares (needed for every dilution figure).",
    ),
    _f(
        "class_shares_outstanding",
        positive_whole,
        "shares",
        "Shares of the placed class in issue before the deal (for per-class dilution).",
    ),
    _f(
        "ads_ratio",
        positive,
        "ordinary shares per ADS",
        "For a deal in American Depositary Shares: each ADS represents this many ordinary shares. "
        "Every price in the file (placing, market) is then per ADS; share counts stay in ordinary shares.",
    ),
    _f(
        "prefunded_warrants",
        positive_whole,
        "shares",
        "Shares issuable on exercise of pre-funded warrants sold in the deal beside the new shares.",
    ),
    _f(
        "prefunded_price",
        price,
        "issuer currency per warrant share",
        "Price paid now for each pre-funded warrant share (the placing price less the nominal exercise "
        "price); counted in gross proceeds.",
    ),
    _f(
        "attached_warrants",
        positive_whole,
        "shares",
        "Shares issuable on exercise of warrants (or options) attached to the new shares; shown as "
        "potential dilution on a fully diluted basis.",
    ),
    _f(
        "warrant_exercise_price",
        price,
        "issuer currency per share",
        "Exercise price of the attached warrants (what their exercise would raise).",
    ),
    _f(
        "warrant_shares",
        non_negative_whole,
        "shares",
        "Nasdaq Rule 5635(d): all shares issuable on exercise of warrants sold in the deal, pre-funded "
        "ones included. Default: prefunded_warrants + attached_warrants.",
    ),
    _f(
        "capacity",
        choice(model.ASX_CAPACITIES[:2]),
        "choice",
        'ASX: the placement capacity the whole issue uses, "7.1" (15%, no price floor) or "7.1A" '
        "(further 10%, at least 75% of the 15-day VWAP). For a split give [[placing.tranches]].",
    ),
    _f(
        "remaining_7_1",
        non_negative_whole,
        "shares",
        "ASX: shares still available under Listing Rule 7.1 before this deal, as the issuer discloses it.",
    ),
    _f(
        "remaining_7_1a",
        non_negative_whole,
        "shares",
        "ASX: shares still available under Listing Rule 7.1A before this deal.",
    ),
    _f(
        "agreement_date",
        date,
        "date",
        "Date of the placing agreement (selects the benchmarked price's closes).",
    ),
    _f("announcement_date", date, "date", "Date of the announcement."),
    _f("price_fixing_date", date, "date", "Date the price was fixed."),
    _f(
        "mandate_limit",
        positive_whole,
        "shares",
        "Shares the general mandate allows in all: HKEX (20% of issued shares at the resolution date, "
        "plus any repurchase extension) and SGX (Rule 806); ASX: the capacity of placing.capacity. "
        "Refused for Nasdaq, which has no general mandate.",
    ),
    _f(
        "mandate_used",
        non_negative_whole,
        "shares",
        "Shares already issued under the same general mandate. With [[placing.prior_issues]] and "
        "mandate_date it is computed; a typed value the ledger disagrees with is refused, naming both.",
    ),
    _f(
        "mandate_date",
        date,
        "date",
        "The general meeting that granted the general mandate: [[placing.prior_issues]] under the "
        '"general mandate" from that day count as used (HKEX, GEM, SGX).',
    ),
    _f(
        "purpose",
        choice(model.PURPOSES),
        "choice",
        'LSE: "acquisition" when the proceeds fund an acquisition or specified capital investment (the PEG '
        "principles' second 10%); general (the default) for any purpose.",
    ),
    _f(
        "follow_on_shares",
        positive_whole,
        "shares",
        "LSE: shares of a follow-on offer to retail and existing holders beside the placing (PEG: up to 2% "
        "per limb, at most 20% of the shares placed).",
    ),
    _f(
        "insider_shares",
        non_negative_whole,
        "shares",
        "TSX: shares of this placing that insiders take (s.607: 10% or more of the outstanding shares, with "
        "the previous six months' insider placements, needs shareholders' approval); 0 when none.",
    ),
    _f(
        "shares_at_period_start",
        positive_whole,
        "shares",
        "ASX: fully paid ordinary shares on issue 12 months before the deal (the first term of the "
        "Listing Rule 7.1 formula's A); with [[placing.prior_issues]] the 7.1 and 7.1A capacity left "
        "is computed (A x 15% less C, A x 10% less E).",
    ),
    _f("completion_date", date, "date", "Date the placing completes (the new shares are issued)."),
    _f(
        "subscription_date",
        date,
        "date",
        "Top-up only: date the vendor's subscription for the new shares completes (HKEX Rule 14A.92(4): "
        "within 14 days after placing.agreement_date).",
    ),
    _f(
        "long_stop_date",
        date,
        "date",
        "Date by which the conditions must be met, or the placing lapses.",
    ),
    _f(
        "lock_up_days",
        days,
        "calendar days",
        "Issuer's lock-up after completion (no new issues), e.g. 90; the report shows its end date.",
    ),
    _f(
        "vendor_lock_up_days",
        days,
        "calendar days",
        "Top-up only: the vendor's lock-up after completion (no sales), e.g. 90.",
    ),
    _f(
        "vendor",
        text,
        "text",
        "Top-up only: the name of the `[[shareholders]]` holder who places existing shares and "
        "subscribes for new ones; the shareholding then shows the placing and the subscription as steps.",
    ),
)

OTHER_CLASS = (
    _f("name", text, "text", 'The class as the issuer names it ("A shares").', required=True),
    _f(
        "shares",
        positive_whole,
        "shares",
        "Shares of this class in issue before the deal, excluding treasury shares.",
        required=True,
    ),
    _f(
        "last_close",
        positive,
        "class currency per share",
        "The class's last close before the deal, in its own currency (`currency`).",
        required=True,
    ),
    _f(
        "currency",
        quoted(currency, "currency", "CNY"),
        "ISO 4217 code",
        "The currency the class trades in.",
        required=True,
    ),
    _f(
        "rate",
        positive,
        "issuer currency per class currency unit",
        "Exchange rate to the deal's currency, e.g. 1.0795 HKD per CNY; needed unless the class "
        "trades in the deal's currency.",
    ),
    _f("rate_source", text, "text", "Where the rate comes from (needed with `rate`)."),
)

TRANCHE = (
    _f("name", text, "text", 'Name of the tranche ("Tranche 1").', required=True),
    _f("shares", positive_whole, "shares", "New shares in the tranche.", required=True),
    _f(
        "capacity",
        choice(model.ASX_CAPACITIES),
        "choice",
        '"7.1", "7.1A", or "approval" (issued with shareholders\' approval, outside both capacities).',
        required=True,
    ),
)

PRIOR_ISSUE = (
    _f("date", date, "date", "Date the shares were issued (or agreed to be issued).", required=True),
    _f("shares", positive_whole, "shares", "Shares issued.", required=True),
    _f(
        "authority",
        choice(model.AUTHORITIES),
        "choice",
        'Under what they were issued: "general mandate" (HKEX, GEM, SGX), "7.1" or "7.1A" (ASX '
        'placement capacity), "PEG general" or "PEG acquisition" (UK pre-emption disapplication), '
        '"private placement" (TSX), or "specific" (holders approved the issue).',
        required=True,
    ),
    _f("price", price, "issuer currency per share", "Issue price (shown; not used in the counts)."),
    _f(
        "insider_shares",
        non_negative_whole,
        "shares",
        "TSX: shares of the issue that insiders took (aggregated over six months for s.607(g)(ii)).",
    ),
)

MARKET = (
    _f(
        "last_close",
        price,
        "issuer currency per share",
        "Closing price on the last trading day (the agreement date's close for Rule 13.36(5)). Computed from history when absent.",
    ),
    _f(
        "average_close_<N>d",
        price,
        "issuer currency per share",
        "Simple average of the last N daily closes (N = 5, 10, 30, ...). Computed from history when absent.",
    ),
    _f(
        "vwap_<N>d",
        price,
        "issuer currency per share",
        "Volume-weighted average price over N trading days (ASX uses 15). Computed from history with volumes when absent.",
    ),
    _f(
        "day_vwap",
        price,
        "issuer currency per share",
        "SGX Rule 811: VWAP of the full market day the agreement is signed (or, with no full market day "
        "of trading, of the preceding market day up to signing).",
    ),
    _f(
        "day_vwap_date",
        date,
        "date",
        "The market day of day_vwap: the agreement date, or the preceding market day when the shares "
        "did not trade a full market day before signing.",
    ),
    _f(
        "adtv_<N>d",
        positive,
        "shares per day",
        "Average daily traded volume over N trading days (N = 20 or 30 usual). Computed from history volumes when absent.",
    ),
)

HISTORY = (
    _f("date", date, "date", "Trading day.", required=True),
    _f("close", price, "issuer currency per share", "Closing price.", required=True),
    _f("volume", non_negative_whole, "shares", "Shares traded (needed for VWAP)."),
)

COSTS = (
    _f(
        "commission_rate",
        commission_rate,
        "fraction of gross",
        'Placing commission, e.g. 0.025 or "2.5%"; write 0 for none (left out: not given).',
    ),
    _f(
        "other_costs",
        non_negative,
        "issuer currency",
        "All other costs: legal and professional fees, levies, trading fees. The sum of `[[costs.items]]` when absent.",
    ),
)

COST_ITEM = (
    _f("name", text, "text", 'What the cost is for, e.g. "Legal and professional fees".', required=True),
    _f("amount", non_negative, "issuer currency", "The amount of this cost.", required=True),
)

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

    parse.options = tuple(options)  # type: ignore[attr-defined]  # read by the field reference
    return parse


REPORT = (
    _f(
        "marking",
        marking,
        "text",
        f'Marking at the top left of every page (at most {MAX_MARKING} characters); "{model.DEFAULT_MARKING}" when left out.',
    ),
    _f(
        "final",
        flag,
        "true or false",
        'true when the report is final; until then every page header says "Draft" with its date.',
    ),
    _f(
        "draft_date",
        date,
        "date",
        'Date of the draft shown beside "Draft"; left out, the day the report is built.',
    ),
    _f(
        "disclaimer",
        disclaimer,
        "text",
        f"Disclaimer printed at the foot of each sheet (one paragraph, at most {MAX_DISCLAIMER:,} characters).",
    ),
    _f(
        "logo",
        text,
        "path",
        "A PNG or JPEG file (at most 1 MB), relative to the deal file (or to placement.xlsm's folder), "
        "shown at the top right of the deal sheet.",
    ),
    _f(
        "illustrative",
        parts(model.ILLUSTRATIVE_PARTS),
        "list of choices",
        "Parts of the deal sheet whose figures are illustrative, not from the announcement; the page "
        "flags each of them as illustrative.",
    ),
)

GRID = (
    _f("from", positive, "issuer currency per share", "Lowest price in the pricing grid."),
    _f("to", positive, "issuer currency per share", "Highest price in the pricing grid."),
    _f(
        "step",
        positive,
        "issuer currency per share",
        "Step between the grid's prices, e.g. 0.01; prices between the exchange's ticks are taken down to a tick.",
    ),
)

FX = (
    _f(
        "quote_currency",
        quoted(currency, "quote_currency", "USD"),
        "ISO 4217 code",
        "Second currency amounts are shown in.",
        required=True,
    ),
    _f(
        "rate",
        positive,
        "issuer currency per quote unit",
        "Exchange rate, e.g. 7.8203 HKD per USD.",
        required=True,
    ),
    _f(
        "source",
        text,
        "text",
        "Where the rate comes from (never a hard-coded rate without a source).",
        required=True,
    ),
)

PROCEEDS = (
    _f(
        "basis", choice(model.PROCEEDS_BASES), "choice", "net or gross: what the shares of the uses apply to."
    ),
    _f(
        "decimals",
        decimals,
        "digits",
        "Rounding of allocated amounts (0 = whole units, -6 = millions); they add up exactly at this precision.",
    ),
)

USE = (
    _f("name", text, "text", "What the money is for.", required=True),
    _f(
        "share",
        share,
        "fraction",
        'Share of the proceeds, 0.40 or "40%"; all shares add up to 100%.',
        required=True,
    ),
)

SHAREHOLDER = (
    _f("name", text, "text", "Holder shown in the shareholding table.", required=True),
    _f("shares", non_negative_whole, "shares", "Shares held before the deal.", required=True),
    _f(
        "public",
        flag,
        "true or false",
        "false for a holder outside the public float (a director, a substantial or connected holder).",
    ),
)

_PERCENT = 'percentage ("8.6%", "approximately 8.6%", "約8.6%") or exact fraction'
_AMOUNT = 'amount as published ("HK$3,150 million", "HK$3.25bn", "3,150m") or exact number'

# Figures an announcement may state, checked against the computed ones: key -> (form, meaning).
STATED_DOCS: dict[str, tuple[str, str]] = {
    "discount_to_last_close": (_PERCENT, "Discount to the last close (negative for a premium)."),
    "discount_to_average_close_<N>d": (_PERCENT, "Discount to the N-day average close."),
    "discount_to_vwap_<N>d": (_PERCENT, "Discount to the N-day VWAP."),
    "discount_to_day_vwap": (_PERCENT, "Discount to the VWAP of the agreement day."),
    "discount_to_benchmarked_price": (_PERCENT, "Discount to the HKEX benchmarked price (Rule 13.36(5))."),
    "percent_of_existing": (_PERCENT, "New shares as a percentage of the existing share capital."),
    "percent_of_enlarged": (_PERCENT, "New shares as a percentage of the enlarged share capital."),
    "percent_of_existing_class": (_PERCENT, "The same, of the existing shares of the placed class."),
    "percent_of_enlarged_class": (_PERCENT, "The same, of the enlarged shares of the placed class."),
    "gross_proceeds": (
        _AMOUNT + ", issuer currency",
        'Gross proceeds: "HK$3.25bn" is to the nearest HK$10m; 3_250_000_000 is exact. '
        '"HK$3.25 billion (approximately US$415.2 million)" states gross_proceeds_quote too.',
    ),
    "net_proceeds": (_AMOUNT + ", issuer currency", "Net proceeds as published."),
    "net_price_per_share": (
        'price ("approximately HK$1.49", "5.7c") or exact number, issuer currency',
        "Net proceeds divided by the new shares.",
    ),
    "gross_proceeds_quote": (
        'amount ("US$415.2 million"), [fx] quote currency',
        "Gross proceeds in the [fx] quote currency.",
    ),
    "net_proceeds_quote": ("amount, [fx] quote currency", "Net proceeds in the [fx] quote currency."),
    "theoretical_dilution_effect": (_PERCENT, "Theoretical dilution effect (Rule 7.27B)."),
}

STATED_KEYS = tuple(STATED_DOCS)

# Sections a deal file must have; the others may be left out.
REQUIRED_SECTIONS = ("issuer", "placing")

SECTIONS: dict[str, tuple[Field, ...]] = {
    "issuer": ISSUER,
    "placing": PLACING,
    "market": MARKET,
    "costs": COSTS,
    "fx": FX,
    "proceeds": PROCEEDS,
    "grid": GRID,
}

TABLES: dict[str, tuple[Field, ...]] = {
    "market.history": HISTORY,
    "costs.items": COST_ITEM,
    "proceeds.uses": USE,
    "shareholders": SHAREHOLDER,
}

# Sections about the printed report, not the deal (how it is marked): deal files and the
# workbook's Inputs sheet hold them; the figures never read them.
REPORT_SECTIONS: dict[str, tuple[Field, ...]] = {"report": REPORT}

# Tables inside a section that only deal files hold (the workbook's Inputs sheet has no room for them).
FILE_ONLY_TABLES: dict[str, tuple[Field, ...]] = {
    "placing.tranches": TRANCHE,
    "placing.prior_issues": PRIOR_ISSUE,
    "issuer.other_classes": OTHER_CLASS,
}
