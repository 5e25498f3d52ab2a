"""Figures as an announcement publishes them, and their check against the computed ones.

``parse_published`` reads a figure written the way announcements write it ("approximately
HK$3,150 million", "US$415.2m", "HK$3.25bn", "~8.6%", "5.7c") into its value, its precision
and its text. The precision is the last digit shown, in the unit shown: "HK$3,150m" is to
the nearest million, "HK$3.15bn" to the nearest 10 million, "8.6%" to 0.1 percentage point.
A bare number (a TOML/JSON number, or digits with no unit) is exact at its own decimals.

``stated_checks`` then rounds each computed figure half up to the stated figure's precision
(``Published.quantum``) and compares exactly: 8.61% matches "8.6%", HK$3,247,000,000
matches "HK$3.25bn" and differs from 3_250_000_000.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from xl_placement import fields
from xl_placement.deal import StatedFigure
from xl_placement.figures import Figures, day_vwap_label
from xl_placement.money import PRECISION, round_half_up
from xl_placement.rules import NOT_ENOUGH_DATA, benchmark_missing

KINDS = ("percent", "amount", "price")
MATCHES, DIFFERS = "matches", "differs"

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


# --- checking stated figures against the computed ones ------------------------------------


@dataclass(frozen=True)
class StatedCheck:
    """One stated figure against the computed one at the published precision.

    ``stated`` is the text as published; ``precision`` says what it was compared to
    ("to HK$1m", "to 0.1%"); ``computed`` is the unrounded computed figure (None when the
    deal cannot compute it); ``computed_text`` shows it in the stated unit with one digit
    more than the precision, then in full ("HK$3,149.6m (3,149,600,000.00)"), or says what
    is missing. ``status`` is "matches", "differs" or "not enough data"; ``matches`` is
    True only for "matches". ``stated_value`` and ``quantum`` are the parsed figure.
    """

    key: str
    label: str
    stated: str
    precision: str
    computed: Decimal | None
    computed_text: str
    status: str
    stated_value: Decimal
    quantum: Decimal

    @property
    def matches(self) -> bool:
        """True when the computed figure, rounded to the published precision, equals the stated one."""
        return self.status == MATCHES


@dataclass(frozen=True)
class _Spec:
    """How to compute and show one stated key."""

    label: str
    kind: str  # "percent", "amount" or "price"
    compute: Callable[[Figures], Decimal | None]
    missing: str  # what the deal lacks when the figure cannot be computed


def stated_kind(key: str) -> str:
    """The kind of a ``[stated]`` key for ``parse_published``: "percent", "amount" or "price"."""
    if key == "net_price_per_share":
        return "price"
    if key.endswith(("proceeds", "proceeds_quote")):
        return "amount"
    return "percent"


def stated_checks(figures: Figures) -> tuple[StatedCheck, ...]:
    """Compare every stated figure with the computed one at the published precision.

    Args:
        figures: the computed figures of a deal with a ``[stated]`` table.

    Returns:
        One check per stated figure, in the order of the deal file. A figure the deal
        cannot compute has status "not enough data" and its text names the missing input.
    """
    return tuple(check_stated(figures, key, figure) for key, figure in figures.deal.stated.items())


def check_stated(figures: Figures, key: str, figure: Published) -> StatedCheck:
    """Compare one stated figure with the computed one."""
    spec = _spec(figures, key)
    prefix = _prefix(figures, key, figure)
    precision = "to " + _precision_text(figure, prefix)
    if spec is None:  # only reachable by building a Deal directly: the deal file refuses the key
        return StatedCheck(
            key,
            key,
            figure.text,
            precision,
            None,
            "cannot be computed: not a figure xl-placement computes",
            DIFFERS,
            figure.value,
            figure.quantum,
        )
    computed = spec.compute(figures)
    if computed is None:
        return StatedCheck(
            key,
            spec.label,
            figure.text,
            precision,
            None,
            f"cannot be computed: {spec.missing}",
            NOT_ENOUGH_DATA,
            figure.value,
            figure.quantum,
        )
    try:
        rounded = round_to(computed, figure.quantum)
    except InvalidOperation:  # a stated figure with more digits than PRECISION can compare
        text = f"cannot be compared: {figure.text} has more decimal places than the comparison allows"
        return StatedCheck(
            key, spec.label, figure.text, precision, computed, text, DIFFERS, figure.value, figure.quantum
        )
    places = _places(figure.quantum, figure.unit) + 1
    if spec.kind == "amount" and figure.unit == "":
        places = max(places, 2)
    shown = _in_unit(computed, figure.unit, prefix, places)
    full = _full(computed, spec.kind)
    text = shown if _same(shown, full) else f"{shown} ({full})"
    if key.startswith("net_") and not figures.deal.costs.stated:
        text += "; no [costs] given, so net equals gross"
    status = MATCHES if rounded == figure.value else DIFFERS
    return StatedCheck(
        key, spec.label, figure.text, precision, computed, text, status, figure.value, figure.quantum
    )


def round_to(value: Decimal, quantum: Decimal) -> Decimal:
    """``value`` rounded half up to a multiple of ``quantum`` (1,000,000 for "HK$3,150m").

    Quantum is a step, not an exponent: 10,000,000 rounds 3,247,000,000 to 3,250,000,000.
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        steps = (value / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return steps * quantum


def _prefix(figures: Figures, key: str, figure: Published) -> str:
    """What money is shown with: the symbol as written ("HK$"), else the ISO code ("HKD ")."""
    if stated_kind(key) == "percent" or figure.unit == "c":
        return ""
    if figure.symbol:
        return f"{figure.symbol} " if figure.symbol.isalpha() else figure.symbol
    deal = figures.deal
    code = deal.fx.quote_currency if key.endswith("_quote") and deal.fx else deal.issuer.currency
    return f"{code} "


_SCALE = {"%": 2, "k": -3, "m": -6, "bn": -9, "c": 2, "": 0}


def _precision_text(figure: Published, prefix: str) -> str:
    """The step of the last shown digit, in the unit shown: "0.1%", "HK$1m", "HK$10m" for "3.25bn"."""
    unit = figure.unit
    if unit == "bn" and figure.quantum < Decimal("1E9"):
        unit = "m"  # "to HK$10m" reads better than "to HK$0.01bn"
    return _in_unit(figure.quantum, unit, prefix, _places(figure.quantum, unit))


def _places(quantum: Decimal, unit: str) -> int:
    """Decimal places of ``quantum`` in ``unit``."""
    scaled = quantum.scaleb(_SCALE[unit]).normalize()
    return max(0, -int(scaled.as_tuple().exponent))


def _in_unit(value: Decimal, unit: str, prefix: str, places: int) -> str:
    """``value`` in ``unit``, rounded half up to ``places``: "HK$3,149.6m", "8.61%", "5.7c"."""
    number = round_half_up(value.scaleb(_SCALE[unit]), places)
    if unit == "%":
        return f"{number}%"
    return f"{prefix}{number:,}{unit}"


def _full(value: Decimal, kind: str) -> str:
    """The computed figure with more digits than any announcement prints."""
    if kind == "percent":
        return f"{round_half_up(value * 100, 4)}%"
    if kind == "price":
        return f"{round_half_up(value, 6):,}"
    return f"{round_half_up(value, 2):,}"


def _same(shown: str, full: str) -> bool:
    """True when the shown figure already has every digit of the full one (no need to repeat it)."""

    def digits(text: str) -> str:
        kept = re.sub(r"[^\d.-]", "", text)
        return kept.rstrip("0").rstrip(".") if "." in kept else kept

    return "%" not in shown and shown[-1:].isdigit() and digits(shown) == digits(full)


def _spec(figures: Figures, key: str) -> _Spec | None:
    deal = figures.deal
    quote = deal.fx.quote_currency if deal.fx else "the quote currency"
    matched = fields.match_pattern(key, fields.STATED_KEYS)
    if matched and matched[0] == "discount_to_average_close_<N>d":
        n = matched[1]
        return _reference(
            f"average_close_{n}d",
            f"Discount to the {n}-day average close",
            f"needs market.average_close_{n}d, or at least {n} closes in [[market.history]]",
        )
    if matched and matched[0] == "discount_to_vwap_<N>d":
        n = matched[1]
        return _reference(
            f"vwap_{n}d",
            f"Discount to the {n}-day VWAP",
            f"needs market.vwap_{n}d, or at least {n} closes with volumes in [[market.history]]",
        )
    no_benchmark = _sentence(benchmark_missing(deal))
    no_fx = "needs an [fx] section (quote_currency, rate and source)"
    no_class = "needs placing.class_shares_outstanding (shares of the placed class in issue before the deal)"
    specs = {
        "discount_to_last_close": _reference(
            "last_close", "Discount to the last close", "needs market.last_close"
        ),
        "discount_to_day_vwap": _reference(
            "day_vwap", f"Discount to the {day_vwap_label(deal)}", "needs market.day_vwap"
        ),
        "discount_to_benchmarked_price": _Spec(
            "Discount to the benchmarked price",
            "percent",
            lambda f: _discount(f, "benchmarked_price"),
            no_benchmark,
        ),
        "percent_of_existing": _Spec(
            "New shares as % of the existing share capital",
            "percent",
            lambda f: f.percent_of_existing,
            "needs placing.shares_outstanding",
        ),
        "percent_of_enlarged": _Spec(
            "New shares as % of the enlarged share capital",
            "percent",
            lambda f: f.percent_of_enlarged,
            "needs placing.shares_outstanding",
        ),
        "percent_of_existing_class": _Spec(
            "New shares as % of the existing shares of the class",
            "percent",
            lambda f: f.percent_of_existing_class,
            no_class,
        ),
        "percent_of_enlarged_class": _Spec(
            "New shares as % of the enlarged shares of the class",
            "percent",
            lambda f: f.percent_of_enlarged_class,
            no_class,
        ),
        "gross_proceeds": _Spec("Gross proceeds", "amount", lambda f: f.proceeds.gross, ""),
        "net_proceeds": _Spec("Net proceeds", "amount", lambda f: f.proceeds.net, ""),
        "net_price_per_share": _Spec(
            "Net price per share", "price", lambda f: f.proceeds.net_price_per_share, ""
        ),
        "gross_proceeds_quote": _Spec(
            f"Gross proceeds in {quote}", "amount", lambda f: f.proceeds.gross_quote, no_fx
        ),
        "net_proceeds_quote": _Spec(
            f"Net proceeds in {quote}", "amount", lambda f: f.proceeds.net_quote, no_fx
        ),
        "theoretical_dilution_effect": _Spec(
            "Theoretical dilution effect (Rule 7.27B)",
            "percent",
            lambda f: f.theoretical_dilution_effect,
            no_benchmark,
        ),
    }
    return specs.get(key)


def _reference(ref_key: str, label: str, missing: str) -> _Spec:
    return _Spec(label, "percent", lambda f: _discount(f, ref_key), missing)


def _discount(figures: Figures, ref_key: str) -> Decimal | None:
    ref = figures.reference(ref_key)
    return ref.discount if ref else None


def _sentence(text: str) -> str:
    """A sentence as a clause: first letter lower-cased, final full stop dropped."""
    return (text[:1].lower() + text[1:]).removesuffix(".")
