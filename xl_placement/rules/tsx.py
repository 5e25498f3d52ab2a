"""Toronto Stock Exchange (Company Manual, Part VI, Section 607: private placements).

Market price is the 5-day VWAP on TSX immediately before the relevant date (``market.vwap_5d``).
A placing may not be priced below market price less the maximum allowable discount without
shareholders' approval; the maximum is 15% where the market price is above $2.00. The lower
tiers often quoted (25% up to $0.50, 20% from $0.51 to $2.00) were not confirmed from the
Manual's text: the sources searched (December 2026) give those tiers for the TSX Venture
Exchange (Policy 4.1, on the last close), a different rulebook, and the one copy of s.607 found
stops at s.607(c). So at $2.00 or less the check says it cannot be made.
Shareholders' approval is also needed when a placing priced below market price is for more
than 25% of the outstanding shares (non-diluted), or when insiders take 10% or more of them,
aggregated with insider placements of the previous six months (the ledger's
``insider_shares``).
"""

from __future__ import annotations

from decimal import Decimal

from xl_placement.figures import Figures
from xl_placement.formats import percent_text, price_text
from xl_placement.ledger import months_before, within
from xl_placement.rules.base import (
    BREACH,
    FRACTION,
    NOT_APPLICABLE,
    NOT_ENOUGH_DATA,
    PASS,
    DocRow,
    Exchange,
    PriceLimit,
    PriceRule,
    RuleCheck,
    Shown,
    TickTable,
    cap,
    discount_words,
    not_applied,
    price_check,
    unchecked,
    unless_approved,
)

DISCOUNT_CAP = Decimal("0.15")  # s.607(e): the maximum discount where the market price is above $2.00
TOP_TIER_FROM = Decimal("2.00")  # the 15% tier applies to a market price above this
DILUTION_CAP = Decimal("0.25")  # s.607(g)(i): more than 25% of the outstanding shares, below market price
INSIDER_CAP = Decimal("0.10")  # s.607(g)(ii): insiders 10% or more, aggregated over six months
INSIDER_MONTHS = 6
MANUAL = "TSX Company Manual s.607"
SOURCES = (
    "TSX Company Manual s.607 (summaries: Goodmans, https://www.goodmans.ca/insights/article/tsx-proposes-tsx-"
    "company-manual-amendments-to-clarify-when-it-will-apply-its-private-placement-rules-to-prospectus-offerings; "
    "BAX Securities Law on Staff Notice 2018-003 for market price)"
)
TIER_NOT_CONFIRMED = (
    "Not checked: the maximum discount for a market price of $2.00 or less (often quoted as 25% up to $0.50 and "
    "20% from $0.51 to $2.00, the TSX Venture Exchange's tiers) was not confirmed from the TSX Company Manual's "
    "s.607(e) here; only the 15% tier above $2.00 is checked."
)
TIERS_SOURCE = (
    "searched December 2026: the 25%/20%/15% tiers were found for the TSX Venture Exchange (Policy 4.1, on the "
    "closing price: https://stockhouse.com/companies/bullboard?postid=35049761&symbol=v.snv); TSX Staff Notice "
    "2016-0003 refers to s.607(e)'s applicable allowable discounts without the table "
    "(http://tmx.complinet.com/en/display/display_main.html?rbid=2072&element_id=1063); the one copy of s.607 found "
    "(https://stockhouse.com/companies/bullboard?postid=23002755&symbol=cudbf) stops at s.607(c)"
)

DISCOUNT = PriceLimit(
    rule=f"{MANUAL}(e)",
    title="Discount to the market price (5-day VWAP)",
    reference="vwap_5d",
    max_discount=DISCOUNT_CAP,
    breach_at_limit=False,
    wording=f"discount to the 5-day VWAP of {cap(DISCOUNT_CAP)} or less (market price above $2.00)",
    inputs=("market.vwap_5d", "placing.mandate"),
)

# TSX Order Types and Functionality Guide, 6.1.2 (standard trading price increments).
TICKS = TickTable(
    bands=((Decimal(0), Decimal("0.005")), (Decimal("0.50"), Decimal("0.01"))),
    source="TSX Order Types and Functionality Guide, 6.1.2 Standard Trading Price Increments ($0.005 below "
    "$0.50, $0.01 from $0.50): https://www.tsx.com/ebooks/en/order-types-guide/45",
)


def price_rule(figures: Figures) -> PriceRule:
    """s.607(e) as it applies: without shareholders' approval, against the 5-day VWAP, 15% tier only."""
    rule = unless_approved(
        figures,
        DISCOUNT,
        "Shareholders approved the placing (placing.mandate = specific): a larger discount is allowed.",
        "Not enough data: needs market.vwap_5d (the market price: the 5-day VWAP on TSX immediately "
        "before the relevant date).",
    )
    if rule.reference_price is not None and rule.reference_price <= TOP_TIER_FROM:
        return not_applied(DISCOUNT, NOT_ENOUGH_DATA, TIER_NOT_CONFIRMED)
    return rule


def discount_check(figures: Figures) -> RuleCheck:
    """s.607(e): no more than 15% below the market price (above $2.00) without shareholders' approval."""
    rule = price_rule(figures)
    ref = figures.reference(DISCOUNT.reference)
    if rule.status != PASS or ref is None:
        return unchecked(DISCOUNT.rule, DISCOUNT.title, f"{cap(DISCOUNT_CAP)} or less", rule.status, rule.why)
    ccy = figures.deal.issuer.currency
    return price_check(
        figures,
        rule,
        Shown(discount_words(ref, DISCOUNT_CAP), ref.discount, DISCOUNT_CAP),
        f"Market price {price_text(ref.price, ccy)}: the 5-day VWAP before the relevant date.",
        f" A discount of more than {cap(DISCOUNT_CAP)} needs shareholders' approval.",
    )


def _below_market(figures: Figures) -> bool | None:
    ref = figures.reference(DISCOUNT.reference)
    return None if ref is None else figures.deal.placing.price < ref.price


def dilution(figures: Figures) -> RuleCheck:
    """s.607(g)(i): more than 25% of the outstanding shares at a price below market price needs approval."""
    p = figures.deal.placing
    rule, title = f"{MANUAL}(g)(i)", "Placing shares against the outstanding shares"
    limit = f"{cap(DILUTION_CAP)} or less when priced below market price"
    if p.mandate == "specific":
        return unchecked(rule, title, limit, NOT_APPLICABLE, "Shareholders approved the placing.")
    below = _below_market(figures)
    if p.shares_outstanding is None:
        return unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            "Not enough data: needs placing.shares_outstanding (non-diluted).",
        )
    outstanding = p.shares_outstanding
    share = Decimal(p.new_shares) / outstanding
    figure = f"{p.new_shares:,} shares, {percent_text(share)} of {outstanding:,}"
    over = p.new_shares > DILUTION_CAP * outstanding
    if not over:
        return RuleCheck(
            rule,
            title,
            figure,
            limit,
            PASS,
            f"Not more than {cap(DILUTION_CAP)}.",
            share,
            DILUTION_CAP,
            FRACTION,
        )
    if below is None:
        return unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            "More than 25%: needs market.vwap_5d to tell whether the price is below market price.",
            figure,
        )
    if not below:
        detail = "More than 25%, but priced at or above market price: no approval needed for size."
        return RuleCheck(rule, title, figure, limit, PASS, detail, share, DILUTION_CAP, FRACTION)
    detail = f"More than {cap(DILUTION_CAP)} of the outstanding shares below market price: needs shareholders' approval."
    return RuleCheck(rule, title, figure, limit, BREACH, detail, share, DILUTION_CAP, FRACTION)


def insiders(figures: Figures) -> RuleCheck:
    """s.607(g)(ii): insiders taking 10% or more, aggregated over six months, needs approval."""
    p = figures.deal.placing
    rule, title = f"{MANUAL}(g)(ii)", "Insider participation over six months"
    limit = f"below {cap(INSIDER_CAP)} of the outstanding shares"
    if p.mandate == "specific":
        return unchecked(rule, title, limit, NOT_APPLICABLE, "Shareholders approved the placing.")
    if p.insider_shares is None:
        return unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            "Not enough data: needs placing.insider_shares (0 when none).",
        )
    if p.shares_outstanding is None:
        return unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            "Not enough data: needs placing.shares_outstanding (non-diluted).",
        )
    if p.day is None and p.prior_issues:
        return unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            "Not enough data: needs placing.agreement_date to choose the six months of [[placing.prior_issues]].",
        )
    earlier = (
        sum(
            i.insider_shares or 0 for i in within(p.prior_issues, months_before(p.day, INSIDER_MONTHS), p.day)
        )
        if p.day is not None
        else 0
    )
    taken = p.insider_shares + earlier
    outstanding = p.shares_outstanding
    share = Decimal(taken) / outstanding
    figure = (
        f"{taken:,} shares to insiders ({p.insider_shares:,} now, {earlier:,} in the previous six months)"
    )
    breach = taken >= INSIDER_CAP * outstanding
    detail = (
        f"Insiders take {cap(INSIDER_CAP)} or more over six months: needs shareholders' approval."
        if breach
        else f"Below {cap(INSIDER_CAP)} over six months."
    )
    return RuleCheck(
        rule, title, figure, limit, BREACH if breach else PASS, detail, share, INSIDER_CAP, FRACTION
    )


EXCHANGE = Exchange(
    code="TSX",
    currency="CAD",
    checks=(discount_check, dilution, insiders),
    price_rule=price_rule,
    ticks=TICKS,
    price_check=DISCOUNT.rule,
    docs=(
        DocRow(
            "s.607(e)",
            "discount to the **market price**: the 5-day VWAP on TSX immediately before the relevant date "
            "(`market.vwap_5d`)",
            f"**more than {cap(DISCOUNT_CAP)}** breaches where the market price is above $2.00 (exactly "
            f"{cap(DISCOUNT_CAP)} passes); at $2.00 or less **not checked**: the lower tiers were not confirmed "
            f"from the Manual ({TIERS_SOURCE})",
            'pass, breach; not applicable with shareholders\' approval (`mandate = "specific"`); not enough data '
            "without `vwap_5d`, or at a market price of $2.00 or less",
        ),
        DocRow(
            "s.607(g)(i)",
            "placing shares against `shares_outstanding`, when priced below market price",
            f"**more than {cap(DILUTION_CAP)}** breaches (exactly {cap(DILUTION_CAP)} passes)",
            "pass, breach; not applicable with shareholders' approval; not enough data",
        ),
        DocRow(
            "s.607(g)(ii)",
            "shares to insiders (`placing.insider_shares`) plus the ledger's `insider_shares` of the previous six "
            "months, against `shares_outstanding`",
            f"**{cap(INSIDER_CAP)} or more** breaches",
            "pass, breach; not applicable with shareholders' approval; not enough data without `insider_shares`",
        ),
    ),
)
