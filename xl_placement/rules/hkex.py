"""The Stock Exchange of Hong Kong: Main Board Rules 13.36(5), 13.36(2)(b), 7.27B, placee disclosure, 14A.92(4).

GEM (``issuer.board = "GEM"``) has the same rules under the GEM Listing Rules' numbers
(17.42B, 17.41(2), 10.44A, 20.90(4): ``deal.GEM_RULES``), so both boards are built here from
one set of checks; each check names the rule as the issuer's board numbers it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from xl_placement.deal import GEM_RULES
from xl_placement.figures import Figures, Reference
from xl_placement.formats import computed_price_text, date_text, percent_beside, price_text
from xl_placement.rules.base import (
    BREACH,
    FRACTION,
    INFORMATION,
    NOT_APPLICABLE,
    NOT_ENOUGH_DATA,
    OR_HISTORY_WITH_DATE,
    PASS,
    PLACEES,
    DocRow,
    Exchange,
    PriceLimit,
    PriceRule,
    RuleCheck,
    Shown,
    TickTable,
    benchmark_missing,
    cap,
    discount_words,
    limit_words,
    mandate_check,
    price_check,
    unchecked,
    unless_approved,
)

DISCOUNT_CAP = Decimal("0.20")  # Rule 13.36(5): 20% or more is a breach
TDE_CAP = Decimal("0.25")  # Rule 7.27B: 25% or more is a breach
MIN_UNNAMED_PLACEES = 6  # fewer than six placees must be named
GENERAL_MANDATE = Decimal("0.20")  # 13.36(2)(b): a general mandate covers up to 20% of the issued shares
TOP_UP_DAYS = 14  # Rule 14A.92(4): the top-up subscription completes within 14 days of the placing agreement


def _discount_limit(rule: str) -> PriceLimit:
    return PriceLimit(
        rule=rule,
        title="Discount to the benchmarked price",
        reference="benchmarked_price",
        max_discount=DISCOUNT_CAP,
        breach_at_limit=True,
        wording=f"discount to the benchmarked price below {cap(DISCOUNT_CAP)}",
        inputs=("market.last_close", "market.average_close_5d", "placing.mandate"),
    )


def _rule(figures: Figures, main: str) -> str:
    """The check's rule name on the deal's board: "HKEX Rule 13.36(5)" or "HKEX GEM Rule 17.42B"."""
    return f"HKEX {figures.deal.issuer.hk_rule(main)}"


DISCOUNT = _discount_limit("HKEX Rule 13.36(5)")
GEM_DISCOUNT = _discount_limit(f"HKEX GEM Rule {GEM_RULES['13.36(5)']}")


def _discount(figures: Figures) -> PriceLimit:
    return GEM_DISCOUNT if figures.deal.issuer.gem else DISCOUNT


def _spread_table(bands: tuple[tuple[str, str], ...], source: str) -> TickTable:
    return TickTable(tuple((Decimal(start), Decimal(step)) for start, step in bands), source)


# The HKEX spread table (Rules of the Exchange, Second Schedule), with Phase 1 of the reduction of
# minimum spreads (HK$10-20: 0.01, HK$20-50: 0.02) in force from 4 August 2025. Phase 2 (HK$0.50-10:
# 0.005, planned for about mid-2026) is not applied: its date was not confirmed when this was written.
TICKS = _spread_table(
    (
        ("0.01", "0.001"),
        ("0.25", "0.005"),
        ("0.50", "0.01"),
        ("20", "0.02"),
        ("50", "0.05"),
        ("100", "0.10"),
        ("200", "0.20"),
        ("500", "0.50"),
        ("1000", "1"),
        ("2000", "2"),
        ("5000", "5"),
    ),
    "HKEX spread table from 4 August 2025 (Phase 1 of the reduction of minimum spreads): "
    "https://www.hkex.com.hk/Services/Trading/Securities/Overview/Trading-Mechanism/Reduction-of-Minimum-Spreads",
)
PHASE_1 = dt.date(2025, 8, 4)
TICKS_BEFORE_PHASE_1 = _spread_table(
    (
        ("0.01", "0.001"),
        ("0.25", "0.005"),
        ("0.50", "0.01"),
        ("10", "0.02"),
        ("20", "0.05"),
        ("100", "0.10"),
        ("200", "0.20"),
        ("500", "0.50"),
        ("1000", "1"),
        ("2000", "2"),
        ("5000", "5"),
    ),
    "HKEX spread table before 4 August 2025 (Rules of the Exchange, Second Schedule; in force since "
    "24 July 2006: https://mondovisione.com/news/hkex-sets-date-for-reduction-of-minimum-trading-spreads-for-"
    "securities-priced-be-2011124)",
)


def price_rule(figures: Figures) -> PriceRule:
    """Rule 13.36(5) (GEM 17.42B) as it applies to the deal: general-mandate issues, against the benchmarked price."""
    deal = figures.deal
    limit = _discount(figures)
    return unless_approved(
        figures,
        limit,
        f"The shares are issued under a specific mandate; {deal.issuer.hk_rule('13.36(5)')} limits issues "
        "for cash under a general mandate.",
        benchmark_missing(deal),
    )


def discount_check(figures: Figures) -> RuleCheck:
    """Rule 13.36(5): no general-mandate issue for cash at a discount of 20% or more."""
    rule = price_rule(figures)
    limit = _discount(figures)
    ref = figures.reference(limit.reference)
    most = limit.max_discount
    if rule.status != PASS or ref is None:
        return unchecked(limit.rule, limit.title, limit_words(limit), rule.status, rule.why)
    return price_check(
        figures,
        rule,
        Shown(discount_words(ref, most), ref.discount, most),
        _benchmark_detail(figures, ref),
        f" A discount of {cap(most)} or more needs a specific mandate.",
    )


def mandate(figures: Figures) -> RuleCheck:
    """General-mandate headroom: new shares against the mandate limit less what is used."""
    return mandate_check(
        figures,
        _rule(figures, "13.36(2)(b)"),
        f"{cap(GENERAL_MANDATE)} of the issued shares at the date of the resolution, plus any repurchase extension",
    )


def dilution(figures: Figures) -> RuleCheck:
    """Rule 7.27B: a theoretical dilution effect of 25% or more (specific-mandate placings)."""
    deal = figures.deal
    p = deal.placing
    rule, title = _rule(figures, "7.27B"), "Theoretical dilution effect"
    limit = f"below {cap(TDE_CAP)}"
    effect, diluted = figures.theoretical_dilution_effect, figures.theoretical_diluted_price
    ref = figures.reference("benchmarked_price")
    existing = p.shares_outstanding
    general = p.mandate == "general"
    why_not = (
        f"{deal.issuer.hk_rule('7.27B')} applies to rights issues, open offers and specific-mandate placings; for a "
        "general-mandate placing the effect is shown for information."
    )
    if existing is None or effect is None or diluted is None or ref is None:
        if general:  # the rule does not apply: a missing input cannot make it "not enough data"
            return unchecked(rule, title, limit, NOT_APPLICABLE, why_not)
        if existing is None:
            return unchecked(
                rule,
                title,
                limit,
                NOT_ENOUGH_DATA,
                "Not enough data: needs placing.shares_outstanding (the shares in issue before the deal).",
            )
        return unchecked(rule, title, limit, NOT_ENOUGH_DATA, benchmark_missing(deal))
    ccy = deal.issuer.currency
    figure = (
        f"{percent_beside(effect, TDE_CAP)} (theoretical diluted price {computed_price_text(diluted, ccy, deal.placing.price)} "
        f"against the benchmarked price {price_text(ref.price, ccy)})"
    )
    if general:
        return RuleCheck(rule, title, figure, limit, INFORMATION, why_not, effect, TDE_CAP, FRACTION)
    breach = ref.price * existing + p.price * p.new_shares <= (1 - TDE_CAP) * ref.price * (
        existing + p.new_shares
    )
    detail = (
        f"A theoretical dilution effect of {cap(TDE_CAP)} or more is not allowed, alone or aggregated over 12 months."
        if breach
        else f"Below {cap(TDE_CAP)} for this issue alone; aggregate any issues of the previous 12 months as well."
    )
    return RuleCheck(
        rule, title, figure, limit, BREACH if breach else PASS, detail, effect, TDE_CAP, FRACTION
    )


def placees(figures: Figures) -> RuleCheck:
    """Fewer than six placees must be named in the announcement."""
    n = figures.deal.placing.min_placees
    rule, title = "HKEX placing disclosure", "Placees"
    limit = "six or more placees, or each placee named"
    if n is None:
        return unchecked(
            rule, title, limit, NOT_ENOUGH_DATA, "Needs placing.min_placees (the minimum number of placees)."
        )
    figure = f"at least {n} placees"
    six = Decimal(MIN_UNNAMED_PLACEES)
    if n >= MIN_UNNAMED_PLACEES:
        detail = "Six or more placees: they need not be named."
        return RuleCheck(rule, title, figure, limit, PASS, detail, Decimal(n), six, PLACEES)
    detail = "Fewer than six placees may take the shares: the announcement must name each placee."
    return RuleCheck(rule, title, figure, limit, INFORMATION, detail, Decimal(n), six, PLACEES)


def top_up(figures: Figures) -> RuleCheck:
    """Rule 14A.92(4): a top-up placing's subscription completes within 14 days of the placing agreement."""
    p = figures.deal.placing
    rule, title = _rule(figures, "14A.92(4)"), "Top-up subscription within 14 days"
    limit = f"within {TOP_UP_DAYS} days after the placing agreement"
    if p.kind != "top-up":
        return unchecked(
            rule,
            title,
            limit,
            NOT_APPLICABLE,
            "Not a top-up placing: the new shares are placed directly, not subscribed by a vendor.",
        )
    missing = [
        name
        for name, value in (
            ("placing.agreement_date", p.agreement_date),
            ("placing.subscription_date", p.subscription_date),
        )
        if value is None
    ]
    if p.agreement_date is None or p.subscription_date is None:
        return unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            f"Not enough data: needs {' and '.join(missing)} (the vendor's subscription for the new shares "
            f"must complete within {TOP_UP_DAYS} days after the date of the placing agreement).",
        )
    days = (p.subscription_date - p.agreement_date).days
    last = p.agreement_date + dt.timedelta(days=TOP_UP_DAYS)
    figure = f"subscription {date_text(p.subscription_date)}, {days} days after the agreement"
    within = days <= TOP_UP_DAYS
    detail = (
        f"The subscription completes on or before {date_text(last)}, {TOP_UP_DAYS} days after the placing "
        f"agreement of {date_text(p.agreement_date)}."
        if within
        else f"The subscription completes after {date_text(last)}, more than {TOP_UP_DAYS} days after the "
        f"placing agreement of {date_text(p.agreement_date)}: the top-up exemption for the vendor's "
        "subscription does not apply (it needs independent shareholders' approval)."
    )
    return RuleCheck(
        rule,
        title,
        figure,
        limit,
        PASS if within else BREACH,
        detail,
        Decimal(days),
        Decimal(TOP_UP_DAYS),
        "days",
    )


def _benchmark_detail(figures: Figures, ref: Reference) -> str:
    """Which closes make the benchmarked price."""
    deal = figures.deal
    ccy = deal.issuer.currency
    window = figures.benchmark
    bench = price_text(ref.price, ccy)
    if window is not None:
        bench = computed_price_text(ref.price, ccy, deal.placing.price)
        prior = ", ".join(f"{c.date.isoformat()} {price_text(c.close, ccy)}" for c in window.prior)
        average = sum((c.close for c in window.prior), Decimal(0)) / len(window.prior)
        return (
            f"Benchmarked price {bench}: the higher of the close on the agreement date "
            f"{window.agreement_close.date.isoformat()} ({price_text(window.agreement_close.close, ccy)}) "
            f"and the average close of the 5 trading days before {window.earliest_date.isoformat()} "
            f"({prior}; average {computed_price_text(average, ccy, deal.placing.price)}), from market.history."
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


def _exchange(board: str) -> Exchange:
    """The HKEX rules on one board: "Main Board" or "GEM" (the same checks, each board's rule numbers)."""
    gem = board == "GEM"

    def number(main: str) -> str:
        return f"GEM Rule {GEM_RULES[main]}" if gem else f"Rule {main}"

    return Exchange(
        code="HKEX",
        board="GEM" if gem else "",
        currency="HKD",
        checks=(discount_check, mandate, dilution, placees, top_up),
        price_rule=price_rule,
        ticks=TICKS,
        earlier_ticks=((PHASE_1, TICKS_BEFORE_PHASE_1),),
        price_check=(GEM_DISCOUNT if gem else DISCOUNT).rule,
        file_only=(OR_HISTORY_WITH_DATE,),
        docs=(
            DocRow(
                number("13.36(5)"),
                "discount to the **benchmarked price**: the higher of the agreement-date close and the average close "
                "of the 5 trading days before the earliest of the agreement, announcement and price-fixing dates",
                f"a discount of **{cap(DISCOUNT_CAP)} or more** breaches (exactly {cap(DISCOUNT_CAP)} breaches)",
                "pass, breach (also when `placing.mandate` is not given: checked as a general-mandate issue); not "
                "applicable under a specific mandate; not enough data without a 5-day average or a dated history",
            ),
            DocRow(
                number("13.36(2)(b)"),
                "general-mandate headroom: new shares against `mandate_limit` \u2212 `mandate_used`",
                "new shares up to what is left",
                "pass (headroom 0 passes), breach (\u22121 breaches); not applicable under a specific mandate; not enough "
                "data without `placing.mandate_limit`, or when the shares fit only if `placing.mandate_used` (not "
                "given) is 0",
            ),
            DocRow(
                number("7.27B"),
                "theoretical dilution effect: (benchmarked price \u00d7 existing + funds raised) ÷ (existing + new), as a "
                "discount to the benchmarked price",
                f"**{cap(TDE_CAP)} or more** breaches",
                "pass or breach for a specific-mandate placing (and when `placing.mandate` is not given); information "
                "for a general-mandate placing (not applicable when its inputs are not given: the rule does not govern "
                "it); not enough data without a benchmarked price or `placing.shares_outstanding` otherwise",
            ),
            DocRow(
                "placing disclosure",
                "`placing.min_placees`",
                f"fewer than {MIN_UNNAMED_PLACEES} placees must each be named",
                "pass (six or more), information (fewer: name them), not enough data",
            ),
            DocRow(
                number("14A.92(4)"),
                "top-up placing: the vendor's subscription for new shares (`placing.subscription_date`) against "
                "`placing.agreement_date`",
                f"within **{TOP_UP_DAYS} days** after the placing agreement (day {TOP_UP_DAYS} passes, day "
                f"{TOP_UP_DAYS + 1} breaches)",
                'pass, breach; not applicable unless `placing.kind = "top-up"`; not enough data without both dates',
            ),
        ),
    )


EXCHANGE = _exchange("Main Board")
GEM_EXCHANGE = _exchange("GEM")
