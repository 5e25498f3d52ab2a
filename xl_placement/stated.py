"""Stated figures against the computed ones, at the precision each was published to.

``stated_checks`` rounds each computed figure half up to the stated figure's precision
(``Published.quantum``, read by ``published.parse_published``) and compares exactly: 8.61%
matches "8.6%", HK$3,247,000,000 matches "HK$3.25bn" and differs from 3_250_000_000.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from xl_placement import fields
from xl_placement.deal import match_pattern
from xl_placement.figures import Figures, day_vwap_label
from xl_placement.formats import in_sentence
from xl_placement.money import in_context, round_half_up
from xl_placement.published import Published, stated_kind
from xl_placement.rules import NOT_ENOUGH_DATA, benchmark_missing

MATCHES, DIFFERS = "matches", "differs"


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


@in_context
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
    status = MATCHES if rounded == figure.value else DIFFERS
    return StatedCheck(
        key, spec.label, figure.text, precision, computed, text, status, figure.value, figure.quantum
    )


def round_to(value: Decimal, quantum: Decimal) -> Decimal:
    """``value`` rounded half up to a multiple of ``quantum`` (1,000,000 for "HK$3,150m").

    Quantum is a step, not an exponent: 10,000,000 rounds 3,247,000,000 to 3,250,000,000.
    """
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
    matched = match_pattern(key, fields.STATED_KEYS)
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
    # Net figures need both costs: never net equal to gross because the costs were left out.
    no_costs = "net proceeds are not given: needs " + " and ".join(deal.costs.missing) + " (0 if none)"
    no_net_fx = (
        no_fx if deal.costs.given else (f"{no_costs}, and {no_fx[6:]}" if deal.fx is None else no_costs)
    )
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
        "net_proceeds": _Spec("Net proceeds", "amount", lambda f: f.proceeds.net, no_costs),
        "net_price_per_share": _Spec(
            "Net price per share", "price", lambda f: f.proceeds.net_price_per_share, no_costs
        ),
        "gross_proceeds_quote": _Spec(
            f"Gross proceeds in {quote}", "amount", lambda f: f.proceeds.gross_quote, no_fx
        ),
        "net_proceeds_quote": _Spec(
            f"Net proceeds in {quote}", "amount", lambda f: f.proceeds.net_quote, no_net_fx
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
    return in_sentence(text).removesuffix(".")
