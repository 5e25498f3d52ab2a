"""Listing-rule checks of a placing, selected by the issuer's exchange.

Each check gives the rule reference, the deal's figure, the limit and a status. Limits
are compared exactly (Decimal arithmetic, cross-multiplied so no division rounds): a
discount of exactly 20.000% breaches Rule 13.36(5), 19.99% passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from xl_placement.deal import ASX_CAPACITIES, Deal
from xl_placement.errors import CalculationError
from xl_placement.figures import Figures, Reference
from xl_placement.formats import date_text, percent_text, price_text
from xl_placement.money import PRECISION, round_half_up
from xl_placement.prices import benchmark_window, discount

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
        found = [_no_rules(figures.deal)]
        if figures.deal.placing.mandate_limit is not None:  # a limit given is checked, never ignored
            found.append(_mandate_check(figures, "Mandate limit", "as given", "Mandate headroom"))
        return tuple(found)
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
    if deal.placing.mandate == "specific":
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


def used_text(used: int | None) -> str:
    """Shares already used under the mandate, or that none were given (so none are counted)."""
    return f"{used:,} used" if used is not None else "none used: placing.mandate_used not given"


def hkex_mandate(figures: Figures) -> RuleCheck:
    """General-mandate headroom: new shares against the mandate limit less what is used."""
    return _mandate_check(
        figures,
        "HKEX Rule 13.36(2)(b)",
        "20% of the issued shares at the date of the resolution, plus any repurchase extension",
    )


def _mandate_check(
    figures: Figures, rule: str, what: str, title: str = "General-mandate headroom"
) -> RuleCheck:
    """New shares against placing.mandate_limit less placing.mandate_used (HKEX, SGX, other)."""
    p = figures.deal.placing
    if p.mandate == "specific":
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
            f"Needs placing.mandate_limit (the shares the general mandate allows: {what}), and "
            "placing.mandate_used when shares were already issued under it.",
            figure=f"{p.new_shares:,} new shares",
        )
    available = p.mandate_limit - (p.mandate_used or 0)
    headroom = figures.mandate_headroom
    figure = f"{p.new_shares:,} new shares"
    limit = f"{available:,} shares available ({p.mandate_limit:,} limit less {used_text(p.mandate_used)})"
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
    existing = deal.placing.shares_outstanding
    if existing is None:
        return _unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            "Not enough data: needs placing.shares_outstanding (the shares in issue before the deal).",
        )
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
            ref.price * existing + p.price * p.new_shares
            <= (1 - HKEX_TDE_CAP) * ref.price * (existing + p.new_shares)
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
    """SGX Rule 811: no more than a 10% discount to the VWAP of the agreement day (or the day before)."""
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
            "Not enough data: needs market.day_vwap (the volume-weighted average price of trades on the "
            "full market day the placing agreement is signed, or of the preceding market day up to signing "
            "when there was no full market day of trading) and market.day_vwap_date (that day).",
        )
    breach = _exact(lambda: deal.placing.price < ref.price * (1 - SGX_DISCOUNT_CAP))
    detail = f"Day VWAP {price_text(ref.price, deal.issuer.currency)} ({ref.origin}): {_sgx_day(figures)}."
    if breach:
        detail += f" A discount of more than {cap(SGX_DISCOUNT_CAP)} needs specific shareholder approval."
    return RuleCheck(
        rule,
        f"Discount to the {ref.label}",
        _discount_words(ref, SGX_DISCOUNT_CAP),
        limit,
        BREACH if breach else PASS,
        detail,
        ref.discount,
    )


def _sgx_day(figures: Figures) -> str:
    """Which market day's VWAP Rule 811 uses here, and why."""
    m, p = figures.deal.market, figures.deal.placing
    day, agreed = m.day_vwap_date, p.agreement_date
    if day is None:
        return (
            "taken as the VWAP of the full market day the placing agreement was signed; give "
            "market.day_vwap_date to name the day"
        )
    if agreed is None:
        return (
            f"the VWAP of {date_text(day)} (market.day_vwap_date); give placing.agreement_date to show "
            "whether it is the agreement day or the preceding market day"
        )
    if day == agreed:
        return f"the VWAP of {date_text(day)}, the full market day the placing agreement was signed"
    return (
        f"the VWAP of {date_text(day)}, the preceding market day, because there was no full market day of "
        f"trading on {date_text(agreed)} before the placing agreement was signed (Rule 811 then uses the "
        "trades of the preceding market day up to signing)"
    )


def sgx_mandate(figures: Figures) -> RuleCheck:
    """SGX Rule 806: shares issued under the general mandate against its limit."""
    return _mandate_check(
        figures,
        "SGX Rule 806",
        "up to 50% of the issued shares excluding treasury shares, of which at most 20% other than pro "
        "rata, as the resolution sets it",
    )


def nasdaq_minimum_price(figures: Figures) -> RuleCheck:
    """Nasdaq 5635(d): 20% or more of the shares, issued or issuable, below the Minimum Price needs approval."""
    deal = figures.deal
    p, ccy = deal.placing, deal.issuer.currency
    rule, title = "Nasdaq Rule 5635(d)", "Price against the Minimum Price"
    limit = f"price at or above the Minimum Price, or under {cap(NASDAQ_SIZE)} of the shares outstanding"
    if p.public_offering:
        return _unchecked(
            rule,
            title,
            limit,
            NOT_APPLICABLE,
            "The deal is a public offering (placing.public_offering = true); Rule 5635(d) applies only to "
            "transactions other than public offerings.",
        )
    last, average = figures.reference("last_close"), figures.reference("average_close_5d")
    missing = [
        field
        for field, value in (
            ("market.last_close", last),
            ("market.average_close_5d", average),
            ("placing.shares_outstanding", p.shares_outstanding),
        )
        if value is None
    ]
    if last is None or average is None or p.shares_outstanding is None:
        return _unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            f"Not enough data: needs {_and(missing)} (the Minimum Price is the lower of the Nasdaq Official "
            "Closing Price immediately before signing and the average of the five trading days before "
            "signing, or give at least 5 closes in [[market.history]]; the 20% is of the shares outstanding "
            "before the issue).",
        )
    minimum = min(last.price, average.price)
    below = p.price < minimum
    count = nasdaq_shares(deal)
    outstanding = p.shares_outstanding
    large = _exact(lambda: count >= NASDAQ_SIZE * outstanding)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        size = percent_text(Decimal(count) / outstanding)
    warrants = count - p.new_shares
    counted = (
        f"{count:,} shares ({p.new_shares:,} new shares and {warrants:,} warrant shares)"
        if warrants
        else f"{count:,} new shares"
    )
    figure = (
        f"price {price_text(p.price, ccy)} against the Minimum Price {price_text(minimum, ccy)}; "
        f"{counted}, {size} of the shares outstanding"
    )
    detail = (
        f"Minimum Price (Rule 5635(d), FAQs 271 and 272) = the lower of the last close "
        f"{price_text(last.price, ccy)} ({last.origin}) and the 5-day average close "
        f"{price_text(average.price, ccy)} ({average.origin}), both immediately before signing. The rule "
        "counts every share the deal issues or may issue (warrants, pre-funded warrants: "
        "placing.warrant_shares); approval is required when the price is below the Minimum Price and "
        f"those shares are {cap(NASDAQ_SIZE)} or more of the shares outstanding before the issue."
    )
    if p.ads_ratio is not None:
        detail += " Prices are per ADS; shares are counted in ordinary shares."
    value = discount(p.price, minimum)
    if below and large:
        if p.mandate == "specific":
            return RuleCheck(
                rule,
                title,
                figure,
                limit,
                PASS,
                detail + " Shareholder approval is given (placing.mandate = specific).",
                value,
            )
        return RuleCheck(
            rule,
            title,
            figure,
            limit,
            BREACH,
            detail + " Both hold: the issue needs shareholder approval.",
            value,
        )
    reason = (
        " The price is at or above the Minimum Price."
        if not below
        else f" The price is below the Minimum Price, but the shares are under {cap(NASDAQ_SIZE)}."
    )
    return RuleCheck(rule, title, figure, limit, PASS, detail + reason, value)


def nasdaq_shares(deal: Deal) -> int:
    """Shares Rule 5635(d) counts: new shares plus every warrant share the deal sells."""
    p = deal.placing
    if p.warrant_shares is not None:
        return p.new_shares + p.warrant_shares
    return p.new_shares + (p.prefunded_warrants or 0) + (p.attached_warrants or 0)


def asx_shares(deal: Deal) -> dict[str, int] | None:
    """Shares by ASX capacity ("7.1", "7.1A", "approval"), or None when the deal does not say."""
    p = deal.placing
    if p.tranches:
        found = dict.fromkeys(ASX_CAPACITIES, 0)
        for tranche in p.tranches:
            found[tranche.capacity] += tranche.shares
        return found
    if p.capacity is not None:
        return {**dict.fromkeys(ASX_CAPACITIES, 0), p.capacity: p.new_shares}
    if p.mandate == "specific":
        return {**dict.fromkeys(ASX_CAPACITIES, 0), "approval": p.new_shares}
    return None


ASX_CAPACITY_MISSING = (
    "Not enough data: say whether the shares are issued under LR 7.1 or 7.1A (placing.capacity = "
    '"7.1" or "7.1A", or [[placing.tranches]] for an issue split between them).'
)


def asx_floor(figures: Figures) -> RuleCheck:
    """ASX Listing Rule 7.1A: shares under 7.1A at no less than 75% of the 15-trading-day VWAP."""
    deal = figures.deal
    p, ccy = deal.placing, deal.issuer.currency
    rule, title = "ASX Listing Rule 7.1A", "Price of 7.1A shares against the 15-day VWAP"
    limit = f"at least {cap(ASX_FLOOR)} of the 15-day VWAP"
    shares = asx_shares(deal)
    if shares is None:
        return _unchecked(rule, title, limit, NOT_ENOUGH_DATA, ASX_CAPACITY_MISSING)
    if shares["7.1A"] == 0:
        why = (
            "approved by shareholders (placing.mandate = specific)"
            if shares["approval"] == p.new_shares and p.mandate == "specific" and not p.tranches
            else "issued under LR 7.1 (no price floor) or with shareholders' approval"
        )
        return _unchecked(
            rule,
            title,
            limit,
            NOT_APPLICABLE,
            f"No shares are issued under LR 7.1A: they are {why}. The 75% floor applies to 7.1A shares only.",
        )
    ref = figures.reference("vwap_15d")
    if ref is None:
        return _unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            f"Not enough data: {shares['7.1A']:,} shares are issued under LR 7.1A; needs market.vwap_15d "
            "(the VWAP of the 15 trading days before the price is agreed), or at least 15 closes with "
            "volumes in [[market.history]].",
        )
    with localcontext() as ctx:
        ctx.prec = PRECISION
        ratio = p.price / ref.price
    below = _exact(lambda: p.price < ASX_FLOOR * ref.price)
    detail = (
        f"15-day VWAP {price_text(ref.price, ccy)} ({ref.origin}). Checked for the {shares['7.1A']:,} shares "
        "issued under the additional 10% placement capacity (Listing Rule 7.1A)."
    )
    if below:
        detail += " Below 75%, the shares cannot be issued under LR 7.1A."
    return RuleCheck(
        rule,
        title,
        f"{percent_text(ratio)} of the 15-day VWAP {price_text(ref.price, ccy)}",
        limit,
        BREACH if below else PASS,
        detail,
        ratio,
    )


def asx_capacity_7_1(figures: Figures) -> RuleCheck:
    """ASX Listing Rule 7.1: the shares under the 15% capacity against what remains of it."""
    return _asx_capacity(figures, "7.1", "15%")


def asx_capacity_7_1a(figures: Figures) -> RuleCheck:
    """ASX Listing Rule 7.1A: the shares under the further 10% capacity against what remains of it."""
    return _asx_capacity(figures, "7.1A", "10%")


def _asx_capacity(figures: Figures, capacity: str, size: str) -> RuleCheck:
    deal = figures.deal
    p = deal.placing
    rule, title = f"ASX capacity under LR {capacity}", f"Shares within the {size} placement capacity"
    shares = asx_shares(deal)
    if shares is None:
        return _unchecked(rule, title, "-", NOT_ENOUGH_DATA, ASX_CAPACITY_MISSING)
    used = shares[capacity]
    if used == 0:
        return _unchecked(rule, title, "-", NOT_APPLICABLE, f"No shares are issued under LR {capacity}.")
    figure = f"{used:,} shares under LR {capacity}"
    if p.shares_outstanding is not None:
        with localcontext() as ctx:
            ctx.prec = PRECISION
            figure += f" ({percent_text(Decimal(used) / p.shares_outstanding)} of the shares outstanding)"
    remaining = p.remaining_7_1 if capacity == "7.1" else p.remaining_7_1a
    field = "placing.remaining_7_1" if capacity == "7.1" else "placing.remaining_7_1a"
    if remaining is not None:
        limit = f"{remaining:,} shares remaining under LR {capacity} ({field})"
    elif p.mandate_limit is not None and not p.tranches:
        remaining = p.mandate_limit - (p.mandate_used or 0)
        limit = f"{remaining:,} shares available ({p.mandate_limit:,} placing.mandate_limit less {used_text(p.mandate_used)})"
    else:
        return _unchecked(
            rule,
            title,
            "-",
            NOT_ENOUGH_DATA,
            f"Not enough data: needs {field} (the shares still available under LR {capacity} before this "
            f"deal, as the issuer discloses it; the {size} is of the ordinary securities on issue 12 months "
            "before, adjusted under the rule, so it is not computed from placing.shares_outstanding).",
            figure=figure,
        )
    headroom = remaining - used
    if headroom >= 0:
        status, detail = PASS, f"{headroom:,} shares of the LR {capacity} capacity remain after the placing."
    else:
        status = BREACH
        detail = (
            f"The placing exceeds the LR {capacity} capacity by {-headroom:,} shares; the excess needs "
            "shareholders' approval."
        )
    return RuleCheck(rule, title, figure, limit, status, detail, Decimal(headroom))


_BY_EXCHANGE: dict[str, tuple[Callable[[Figures], RuleCheck], ...]] = {
    "HKEX": (hkex_discount, hkex_mandate, hkex_dilution, hkex_placees),
    "SGX": (sgx_discount, sgx_mandate),
    "NASDAQ": (nasdaq_minimum_price,),
    "ASX": (asx_floor, asx_capacity_7_1, asx_capacity_7_1a),
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


def _and(items: list[str]) -> str:
    """Names joined as a sentence says them: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"
