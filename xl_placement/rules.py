"""Listing-rule checks of a placing, selected by the issuer's exchange.

Each check gives the rule reference, the deal's figure, the limit and a status. Limits
are compared exactly (Decimal arithmetic, cross-multiplied so no division rounds): a
discount of exactly 20.000% breaches Rule 13.36(5), 19.99% passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from xl_placement.deal import Deal
from xl_placement.errors import CalculationError
from xl_placement.figures import Figures, Reference
from xl_placement.money import PRECISION, round_half_up
from xl_placement.prices import benchmark_window, discount
from xl_placement.wording import percent_text, price_text

PASS = "pass"  # noqa: S105 - a check status, not a password
BREACH = "breach"
NOT_APPLICABLE = "not applicable"
NOT_ENOUGH_DATA = "not enough data"
INFORMATION = "information"
STATUSES = (PASS, BREACH, NOT_APPLICABLE, NOT_ENOUGH_DATA, INFORMATION)

HKEX_DISCOUNT_CAP = Decimal("0.20")  # Rule 13.36(5): 20% or more is a breach
HKEX_TDE_CAP = Decimal("0.25")  # Rule 7.27B: 25% or more is a breach
HKEX_MIN_UNNAMED_PLACEES = 6  # fewer than six placees must be named
SGX_DISCOUNT_CAP = Decimal("0.10")  # Rule 811: more than 10% is a breach
NASDAQ_SIZE = Decimal("0.20")  # 5635(d): 20% or more of the shares outstanding
ASX_FLOOR = Decimal("0.75")  # 7.1A: at least 75% of the 15-day VWAP
HKEX_GENERAL_MANDATE = Decimal("0.20")  # 13.36(2)(b): a general mandate covers up to 20% of the issued shares


def cap(limit: Decimal) -> str:
    """A rule's cap as its wording shows it: ``Decimal("0.20")`` -> "20%" (the one source of the number)."""
    return f"{(limit * 100).normalize():f}%"


@dataclass(frozen=True)
class RuleCheck:
    """One listing-rule check: the rule, the deal's figure, the limit and the outcome.

    ``status`` is one of ``STATUSES``; ``detail`` explains the outcome (which closes were
    used, or which input is missing); ``value`` is the figure as a number, when there is one.
    """

    rule: str
    title: str
    figure: str
    limit: str
    status: str
    detail: str
    value: Decimal | None


def rule_checks(figures: Figures) -> tuple[RuleCheck, ...]:
    """The listing-rule checks of the deal's exchange.

    Args:
        figures: the computed figures of a deal.

    Returns:
        The checks of ``deal.issuer.exchange``; for an exchange without rules here, one
        "not applicable" check saying that nothing was checked.
    """
    checks = _BY_EXCHANGE.get(figures.deal.issuer.exchange)
    if checks is None:
        return (_no_rules(figures.deal),)
    return tuple(check(figures) for check in checks)


def _unchecked(rule: str, title: str, limit: str, status: str, detail: str, figure: str = "-") -> RuleCheck:
    """A check that could not be made (not applicable, or not enough data), so it has no value."""
    return RuleCheck(rule, title, figure, limit, status, detail, None)


def _no_rules(deal: Deal) -> RuleCheck:
    return RuleCheck(
        rule="none",
        title="Listing rules",
        figure="-",
        limit="-",
        status=NOT_APPLICABLE,
        detail=(
            f"No listing rules are checked for exchange {deal.issuer.exchange!r}; "
            "xl-placement checks HKEX, SGX, NASDAQ and ASX. Check the placing against its "
            "exchange's rules yourself."
        ),
        value=None,
    )


# --- HKEX -------------------------------------------------------------------------------


def hkex_discount(figures: Figures) -> RuleCheck:
    """Rule 13.36(5): no general-mandate issue for cash at a discount of 20% or more."""
    deal = figures.deal
    rule, title = "HKEX Rule 13.36(5)", "Discount to the benchmarked price"
    limit = f"below {cap(HKEX_DISCOUNT_CAP)}"
    if deal.placing.mandate != "general":
        return _unchecked(
            rule,
            title,
            limit,
            NOT_APPLICABLE,
            "The shares are issued under a specific mandate; Rule 13.36(5) limits issues for cash "
            "under a general mandate.",
        )
    ref = figures.reference("benchmarked_price")
    if ref is None:
        return _unchecked(rule, title, limit, NOT_ENOUGH_DATA, benchmark_missing(deal))
    breach = _exact(lambda: deal.placing.price <= ref.price * (1 - HKEX_DISCOUNT_CAP))
    detail = _benchmark_detail(figures, ref)
    if breach:
        detail += f" A discount of {cap(HKEX_DISCOUNT_CAP)} or more needs a specific mandate."
    return RuleCheck(
        rule,
        title,
        _discount_words(ref, HKEX_DISCOUNT_CAP),
        limit,
        BREACH if breach else PASS,
        detail,
        ref.discount,
    )


def hkex_mandate(figures: Figures) -> RuleCheck:
    """General-mandate headroom: new shares against the mandate limit less what is used."""
    p = figures.deal.placing
    rule, title = "HKEX Rule 13.36(2)(b)", "General-mandate headroom"
    if p.mandate != "general":
        return _unchecked(
            rule,
            title,
            "-",
            NOT_APPLICABLE,
            "The shares are issued under a specific mandate approved for this deal.",
        )
    if p.mandate_limit is None or figures.mandate_headroom is None:
        return _unchecked(
            rule,
            title,
            "-",
            NOT_ENOUGH_DATA,
            f"Needs placing.mandate_limit (the shares the general mandate allows: {cap(HKEX_GENERAL_MANDATE)} of the issued "
            "shares at the date of the resolution, plus any repurchase extension), and "
            "placing.mandate_used when shares were already issued under it.",
            figure=f"{p.new_shares:,} new shares",
        )
    available = p.mandate_limit - p.mandate_used
    headroom = figures.mandate_headroom
    figure = f"{p.new_shares:,} new shares"
    limit = f"{available:,} shares available ({p.mandate_limit:,} limit less {p.mandate_used:,} used)"
    if headroom >= 0:
        status, detail = PASS, f"{headroom:,} shares of the general mandate remain after the placing."
    else:
        status = BREACH
        detail = (
            f"The placing exceeds the general mandate by {-headroom:,} shares; it needs a specific mandate."
        )
    return RuleCheck(rule, title, figure, limit, status, detail, Decimal(headroom))


def hkex_dilution(figures: Figures) -> RuleCheck:
    """Rule 7.27B: a theoretical dilution effect of 25% or more (specific-mandate placings)."""
    deal = figures.deal
    rule, title = "HKEX Rule 7.27B", "Theoretical dilution effect"
    limit = f"below {cap(HKEX_TDE_CAP)}"
    effect, diluted = figures.theoretical_dilution_effect, figures.theoretical_diluted_price
    ref = figures.reference("benchmarked_price")
    if effect is None or diluted is None or ref is None:
        return _unchecked(rule, title, limit, NOT_ENOUGH_DATA, benchmark_missing(deal))
    ccy = deal.issuer.currency
    figure = (
        f"{_pct(effect, HKEX_TDE_CAP)} (theoretical diluted price {price_text(diluted, ccy)} "
        f"against the benchmarked price {price_text(ref.price, ccy)})"
    )
    p = deal.placing
    if p.mandate == "general":
        return RuleCheck(
            rule,
            title,
            figure,
            limit,
            INFORMATION,
            "Rule 7.27B applies to rights issues, open offers and specific-mandate placings; for a "
            "general-mandate placing the effect is shown for information.",
            effect,
        )
    breach = _exact(
        lambda: (
            ref.price * p.shares_outstanding + p.price * p.new_shares
            <= (1 - HKEX_TDE_CAP) * ref.price * (p.shares_outstanding + p.new_shares)
        )
    )
    detail = (
        f"A theoretical dilution effect of {cap(HKEX_TDE_CAP)} or more is not allowed, alone or aggregated over 12 months."
        if breach
        else f"Below {cap(HKEX_TDE_CAP)} for this issue alone; aggregate any issues of the previous 12 months as well."
    )
    return RuleCheck(rule, title, figure, limit, BREACH if breach else PASS, detail, effect)


def hkex_placees(figures: Figures) -> RuleCheck:
    """Fewer than six placees must be named in the announcement."""
    n = figures.deal.placing.min_placees
    rule, title = "HKEX placing disclosure", "Placees"
    limit = "six or more placees, or each placee named"
    if n is None:
        return _unchecked(
            rule, title, limit, NOT_ENOUGH_DATA, "Needs placing.min_placees (the minimum number of placees)."
        )
    figure = f"at least {n} placees"
    if n >= HKEX_MIN_UNNAMED_PLACEES:
        return RuleCheck(
            rule, title, figure, limit, PASS, "Six or more placees: they need not be named.", Decimal(n)
        )
    return RuleCheck(
        rule,
        title,
        figure,
        limit,
        INFORMATION,
        "Fewer than six placees may take the shares: the announcement must name each placee.",
        Decimal(n),
    )


# --- Other exchanges ----------------------------------------------------------------------


def sgx_discount(figures: Figures) -> RuleCheck:
    """SGX Rule 811: no more than a 10% discount to the agreement day's VWAP."""
    deal = figures.deal
    rule, title = "SGX Rule 811", "Discount to the VWAP of the agreement day"
    limit = f"{cap(SGX_DISCOUNT_CAP)} or less"
    if deal.placing.mandate == "specific":
        return _unchecked(
            rule,
            title,
            limit,
            NOT_APPLICABLE,
            f"The placing has specific shareholder approval (placing.mandate = specific), so the {cap(SGX_DISCOUNT_CAP)} "
            "limit does not apply.",
        )
    ref = figures.reference("day_vwap")
    if ref is None:
        return _unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            "Needs market.day_vwap (the volume-weighted average price of trades on the full market "
            "day the placing agreement is signed).",
        )
    breach = _exact(lambda: deal.placing.price < ref.price * (1 - SGX_DISCOUNT_CAP))
    detail = f"VWAP of the agreement day {price_text(ref.price, deal.issuer.currency)} ({ref.origin})."
    if breach:
        detail += f" A discount of more than {cap(SGX_DISCOUNT_CAP)} needs specific shareholder approval."
    return RuleCheck(
        rule,
        title,
        _discount_words(ref, SGX_DISCOUNT_CAP),
        limit,
        BREACH if breach else PASS,
        detail,
        ref.discount,
    )


def nasdaq_minimum_price(figures: Figures) -> RuleCheck:
    """Nasdaq 5635(d): 20% or more of the shares below the Minimum Price needs approval."""
    deal = figures.deal
    p, ccy = deal.placing, deal.issuer.currency
    rule, title = "Nasdaq Rule 5635(d)", "Price against the Minimum Price"
    limit = f"price at or above the Minimum Price, or under {cap(NASDAQ_SIZE)} of the shares outstanding"
    last, average = figures.reference("last_close"), figures.reference("average_close_5d")
    if last is None or average is None:
        return _unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            "Needs market.last_close and market.average_close_5d (or at least 5 closes in "
            "[[market.history]]) for the Minimum Price.",
        )
    minimum = min(last.price, average.price)
    below = p.price < minimum
    large = _exact(lambda: p.new_shares >= NASDAQ_SIZE * p.shares_outstanding)
    size = percent_text(figures.percent_of_existing)
    figure = (
        f"price {price_text(p.price, ccy)} against the Minimum Price {price_text(minimum, ccy)}; "
        f"new shares {size} of the shares outstanding"
    )
    detail = (
        f"Minimum Price = the lower of the last close {price_text(last.price, ccy)} ({last.origin}) and "
        f"the 5-day average close {price_text(average.price, ccy)} ({average.origin}). The check tests "
        f"whether the price is below the Minimum Price and the new shares are {cap(NASDAQ_SIZE)} or more of the "
        "shares outstanding before the issue; then shareholder approval is required."
    )
    if below and large:
        if p.mandate == "specific":
            return RuleCheck(
                rule,
                title,
                figure,
                limit,
                PASS,
                detail + " Shareholder approval is given (placing.mandate = specific).",
                discount(p.price, minimum),
            )
        return RuleCheck(
            rule,
            title,
            figure,
            limit,
            BREACH,
            detail + " Both hold: the issue needs shareholder approval.",
            discount(p.price, minimum),
        )
    reason = (
        " The price is at or above the Minimum Price."
        if not below
        else f" The price is below the Minimum Price, but the new shares are under {cap(NASDAQ_SIZE)}."
    )
    return RuleCheck(rule, title, figure, limit, PASS, detail + reason, discount(p.price, minimum))


def asx_floor(figures: Figures) -> RuleCheck:
    """ASX Listing Rule 7.1A: issue price at least 75% of the 15-trading-day VWAP."""
    deal = figures.deal
    p, ccy = deal.placing, deal.issuer.currency
    rule, title = "ASX Listing Rule 7.1A", "Price against the 15-day VWAP"
    limit = f"at least {cap(ASX_FLOOR)} of the 15-day VWAP"
    if p.mandate == "specific":
        return _unchecked(
            rule,
            title,
            limit,
            NOT_APPLICABLE,
            "The issue is approved by shareholders (placing.mandate = specific), not made under the "
            "additional 10% capacity of Listing Rule 7.1A.",
        )
    ref = figures.reference("vwap_15d")
    if ref is None:
        return _unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            "Needs market.vwap_15d, or at least 15 closes with volumes in [[market.history]].",
        )
    with localcontext() as ctx:
        ctx.prec = PRECISION
        ratio = p.price / ref.price
    below = _exact(lambda: p.price < ASX_FLOOR * ref.price)
    return RuleCheck(
        rule,
        title,
        f"{percent_text(ratio)} of the 15-day VWAP {price_text(ref.price, ccy)}",
        limit,
        BREACH if below else PASS,
        f"15-day VWAP {price_text(ref.price, ccy)} ({ref.origin}). Applies to issues under the "
        "additional 10% placement capacity (Listing Rule 7.1A).",
        ratio,
    )


_BY_EXCHANGE: dict[str, tuple[Callable[[Figures], RuleCheck], ...]] = {
    "HKEX": (hkex_discount, hkex_mandate, hkex_dilution, hkex_placees),
    "SGX": (sgx_discount,),
    "NASDAQ": (nasdaq_minimum_price,),
    "ASX": (asx_floor,),
}


# --- Helpers -----------------------------------------------------------------------------


def _exact(test: Callable[[], bool]) -> bool:
    """Run a comparison with enough digits that no product is rounded."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return test()


def _pct(value: Decimal, limit: Decimal) -> str:
    """A percentage to 2 decimals, or to 6 when 2 would round it onto the limit."""
    if value != limit and round_half_up(value * 100, 2) == limit * 100:
        return percent_text(value, 6)
    return percent_text(value)


def _discount_words(ref: Reference, limit: Decimal) -> str:
    word = "discount" if ref.discount >= 0 else "premium"
    return f"{word} of {_pct(abs(ref.discount), limit)} to {ref.label.split(' (')[0].lower()}"


def _benchmark_detail(figures: Figures, ref: Reference) -> str:
    """Which closes make the benchmarked price."""
    deal = figures.deal
    ccy = deal.issuer.currency
    window = figures.benchmark
    bench = price_text(ref.price, ccy)
    if window is not None:
        prior = ", ".join(f"{c.date.isoformat()} {price_text(c.close, ccy)}" for c in window.prior)
        average = sum((c.close for c in window.prior), Decimal(0)) / len(window.prior)
        return (
            f"Benchmarked price {bench}: the higher of the close on the agreement date "
            f"{window.agreement_close.date.isoformat()} ({price_text(window.agreement_close.close, ccy)}) "
            f"and the average close of the 5 trading days before {window.earliest_date.isoformat()} "
            f"({prior}; average {price_text(average, ccy)}), from market.history."
        )
    last = figures.reference("last_close")
    average_ref = figures.reference("average_close_5d")
    if last is None or average_ref is None:  # pragma: no cover - a given benchmark needs both
        return f"Benchmarked price {bench}."
    return (
        f"Benchmarked price {bench}: the higher of the last close {price_text(last.price, ccy)} and the "
        f"5-day average close {price_text(average_ref.price, ccy)}, as given in the deal file "
        "(the close on the agreement date and the average of the 5 trading days before the earliest "
        "of the agreement, announcement and price-fixing dates)."
    )


def benchmark_missing(deal: Deal) -> str:
    """Say which input the benchmarked price lacks, as a sentence naming the deal-file field."""
    p, m = deal.placing, deal.market
    if m.history and p.agreement_date is not None:
        try:
            benchmark_window(m.history, p.agreement_date, p.announcement_date, p.price_fixing_date)
        except CalculationError as exc:
            return f"The benchmarked price cannot be computed: {exc}."
    if m.history:
        return (
            "Needs placing.agreement_date to choose the benchmarked price's closes from "
            "market.history (or give market.average_close_5d with market.last_close)."
        )
    return (
        "Needs market.average_close_5d (the average close of the 5 trading days before the earliest "
        "of the agreement, announcement and price-fixing dates) for the benchmarked price, or "
        "[[market.history]] with placing.agreement_date."
    )
