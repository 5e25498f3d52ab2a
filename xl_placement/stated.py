"""Figures as the announcement stated them, compared with the computed ones.

An announcement rounds: "8.6%" is any figure from 8.55% up to, not including, 8.65%.
So each computed figure is rounded half up to the stated figure's own precision
(``StatedFigure.quantum``) and then compared exactly: 8.61% matches "8.6%", and
HK$3,247,000,000 matches 3,250,000,000 (stated to the nearest 10 million).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from xl_placement import fields
from xl_placement.deal import StatedFigure, match_pattern
from xl_placement.figures import Figures, day_vwap_label
from xl_placement.money import PRECISION, round_half_up
from xl_placement.rules import benchmark_missing


@dataclass(frozen=True)
class StatedCheck:
    """One stated figure against the computed one at the published precision.

    ``computed`` is the unrounded computed figure (0 when the deal cannot compute it, in
    which case ``matches`` is False and ``computed_text`` says what is missing).
    ``computed_text`` gives the computed figure at the published precision, then unrounded.
    """

    key: str
    label: str
    stated: str
    computed: Decimal
    computed_text: str
    matches: bool


@dataclass(frozen=True)
class _Spec:
    """How to compute and show one stated key."""

    label: str
    kind: str  # "percent", "amount" or "price"
    compute: Callable[[Figures], Decimal | None]
    missing: str  # what the deal lacks when the figure cannot be computed


def stated_checks(figures: Figures) -> tuple[StatedCheck, ...]:
    """Compare every stated figure with the computed one at the published precision.

    Args:
        figures: the computed figures of a deal with a ``[stated]`` table.

    Returns:
        One check per stated figure, in the order of the deal file. A figure the deal
        cannot compute is a mismatch whose text names the missing input.
    """
    return tuple(check_stated(figures, key, figure) for key, figure in figures.deal.stated.items())


def check_stated(figures: Figures, key: str, figure: StatedFigure) -> StatedCheck:
    """Compare one stated figure with the computed one."""
    spec = _spec(figures, key)
    if spec is None:
        return StatedCheck(
            key, key, figure.text, Decimal(0), "cannot be computed: not a figure xl-placement computes", False
        )
    computed = spec.compute(figures)
    if computed is None:
        return StatedCheck(
            key,
            spec.label,
            figure.text,
            Decimal(0),
            f"cannot be computed: {spec.missing}",
            False,
        )
    try:
        with localcontext() as ctx:
            ctx.prec = PRECISION
            rounded = computed.quantize(figure.quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # a stated figure with more digits than PRECISION can compare
        return StatedCheck(
            key,
            spec.label,
            figure.text,
            computed,
            f"cannot be compared: {figure.text} has more decimal places than the comparison allows",
            False,
        )
    text = f"{_show(rounded, spec.kind, figure.quantum)} ({_show_full(computed, spec.kind)})"
    if key.startswith("net_") and not figures.deal.costs.stated:
        text += "; no [costs] given, so net equals gross"
    return StatedCheck(key, spec.label, figure.text, computed, text, rounded == figure.value)


def _spec(figures: Figures, key: str) -> _Spec | None:
    deal = figures.deal
    ccy = deal.issuer.currency
    quote = deal.fx.quote_currency if deal.fx else "quote currency"
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
            "",
        ),
        "percent_of_enlarged": _Spec(
            "New shares as % of the enlarged share capital",
            "percent",
            lambda f: f.percent_of_enlarged,
            "",
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
        "gross_proceeds": _Spec(f"Gross proceeds ({ccy})", "amount", lambda f: f.proceeds.gross, ""),
        "net_proceeds": _Spec(f"Net proceeds ({ccy})", "amount", lambda f: f.proceeds.net, ""),
        "net_price_per_share": _Spec(
            f"Net price per share ({ccy})",
            "price",
            lambda f: f.proceeds.net_price_per_share,
            "",
        ),
        "gross_proceeds_quote": _Spec(
            f"Gross proceeds ({quote})", "amount", lambda f: f.proceeds.gross_quote, no_fx
        ),
        "net_proceeds_quote": _Spec(
            f"Net proceeds ({quote})", "amount", lambda f: f.proceeds.net_quote, no_fx
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


def _show(rounded: Decimal, kind: str, quantum: Decimal) -> str:
    """The computed figure at the published precision, as the announcement would print it."""
    if kind == "percent":
        places = max(0, -int(quantum.as_tuple().exponent) - 2)
        return f"{round_half_up(rounded * 100, places)}%"
    places = max(0, -int(quantum.as_tuple().exponent))
    return f"{round_half_up(rounded, places):,}"


def _show_full(value: Decimal, kind: str) -> str:
    """The computed figure with more digits than any announcement prints."""
    if kind == "percent":
        return f"{round_half_up(value * 100, 4)}%"
    if kind == "price":
        return f"{round_half_up(value, 6):,}"
    return f"{round_half_up(value, 2):,}"
