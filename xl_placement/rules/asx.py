"""ASX Listing Rules 7.1 and 7.1A: placement capacities, 7.1A eligibility and the 75% price floor."""

from __future__ import annotations

from decimal import Decimal

from xl_placement.deal import ASX_CAPACITIES, Deal
from xl_placement.figures import Figures
from xl_placement.formats import millions_text, percent_beside, percent_text, price_text
from xl_placement.rules.base import (
    BREACH,
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
    headroom_check,
    not_applied,
    price_check,
    unchecked,
    used_text,
)

FLOOR = Decimal("0.75")  # 7.1A.3: at least 75% of the 15-day VWAP
ELIGIBLE_CAP = Decimal(300_000_000)  # 7.1A: an eligible entity's market capitalisation is A$300m or less

VWAP_FLOOR = PriceLimit(
    rule="ASX Listing Rule 7.1A",
    title="Price of 7.1A shares against the 15-day VWAP",
    reference="vwap_15d",
    max_discount=1 - FLOOR,
    breach_at_limit=False,
    wording=f"at least {cap(FLOOR)} of the 15-day VWAP",
    inputs=("market.vwap_15d", "placing.capacity"),
)
OR_TRANCHES = ", or [[placing.tranches]] for an issue split between them"
OR_HISTORY = ", or at least 15 closes with volumes in [[market.history]]"
CAPACITY_MISSING = (
    "Not enough data: say whether the shares are issued under LR 7.1 or 7.1A (placing.capacity = "
    f'"7.1" or "7.1A"{OR_TRANCHES}).'
)

# ASX price steps for equities (ASX Operating Rules Procedures, "price steps").
TICKS = TickTable(
    bands=(
        (Decimal(0), Decimal("0.001")),
        (Decimal("0.10"), Decimal("0.005")),
        (Decimal(2), Decimal("0.01")),
    ),
    source="ASX, Pricing information, price steps for equities: up to 10c 0.1c, 10c up to $2.00 0.5c, $2.00 "
    "and above 1c: https://www.asx.com.au/services/trading-services/price.htm",
)


def shares_by_capacity(deal: Deal) -> dict[str, int] | None:
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


def price_rule(figures: Figures) -> PriceRule:
    """LR 7.1A's floor as it applies to the deal: to the shares under 7.1A, whatever the mandate."""
    deal = figures.deal
    p = deal.placing
    shares = shares_by_capacity(deal)
    if shares is None:
        return not_applied(VWAP_FLOOR, NOT_ENOUGH_DATA, CAPACITY_MISSING)
    if shares["7.1A"] == 0:
        why = (
            "approved by shareholders (placing.mandate = specific)"
            if shares["approval"] == p.new_shares and p.mandate == "specific" and not p.tranches
            else "issued under LR 7.1 (no price floor) or with shareholders' approval"
        )
        return not_applied(
            VWAP_FLOOR,
            NOT_APPLICABLE,
            f"No shares are issued under LR 7.1A: they are {why}. The {cap(FLOOR)} floor applies to 7.1A shares only.",
        )
    ref = figures.reference(VWAP_FLOOR.reference)
    if ref is None:
        return not_applied(
            VWAP_FLOOR,
            NOT_ENOUGH_DATA,
            f"Not enough data: {shares['7.1A']:,} shares are issued under LR 7.1A; needs market.vwap_15d "
            f"(the VWAP of the 15 trading days before the price is agreed){OR_HISTORY}.",
        )
    return PriceRule(VWAP_FLOOR, PASS, reference_price=ref.price)


def floor_check(figures: Figures) -> RuleCheck:
    """ASX Listing Rule 7.1A: shares under 7.1A at no less than 75% of the 15-trading-day VWAP."""
    deal = figures.deal
    p, ccy = deal.placing, deal.issuer.currency
    limit = f"at least {cap(FLOOR)} of the 15-day VWAP"
    rule = price_rule(figures)
    shares = shares_by_capacity(deal)
    if rule.status != PASS or rule.reference_price is None or shares is None:
        return unchecked(VWAP_FLOOR.rule, VWAP_FLOOR.title, limit, rule.status, rule.why)
    vwap = rule.reference_price
    ratio = p.price / vwap
    ref = figures.reference(VWAP_FLOOR.reference)
    origin = f" ({ref.origin})" if ref is not None else ""
    detail = (
        f"15-day VWAP {price_text(vwap, ccy)}{origin}. Checked for the {shares['7.1A']:,} shares "
        "issued under the additional 10% placement capacity (Listing Rule 7.1A)."
    )
    shown = Shown(
        f"{percent_beside(ratio, FLOOR)} of the 15-day VWAP {price_text(vwap, ccy)}", ratio, FLOOR, limit
    )
    return price_check(
        figures, rule, shown, detail, f" Below {cap(FLOOR)}, the shares cannot be issued under LR 7.1A."
    )


def eligibility(figures: Figures) -> RuleCheck:
    """LR 7.1A is open only to an eligible entity: market capitalisation A$300m or less, outside the S&P/ASX 300."""
    deal = figures.deal
    rule, title = "ASX eligible entity for LR 7.1A", "Eligible entity for the 10% capacity"
    limit = f"market capitalisation of {millions_text(ELIGIBLE_CAP, 'AUD')} or less, outside the S&P/ASX 300"
    shares = shares_by_capacity(deal)
    if shares is None:
        return unchecked(rule, title, limit, NOT_ENOUGH_DATA, CAPACITY_MISSING)
    if shares["7.1A"] == 0:
        return unchecked(rule, title, limit, NOT_APPLICABLE, "No shares are issued under LR 7.1A.")
    cap_value = figures.market.market_cap
    if cap_value is None or deal.issuer.currency != "AUD":
        needs = (
            "market.last_close and placing.shares_outstanding (the market capitalisation is the last close "
            "times the shares in issue)"
            if cap_value is None
            else f"market.last_close in AUD (the deal's prices are in {deal.issuer.currency}, the A$300m test in AUD)"
        )
        return unchecked(
            rule,
            title,
            limit,
            NOT_ENOUGH_DATA,
            f"Not enough data: {shares['7.1A']:,} shares are issued under LR 7.1A, open only to an entity with a "
            f"market capitalisation of A$300m or less outside the S&P/ASX 300; needs {needs}.",
        )
    figure = f"market capitalisation {cap_text(cap_value)} (last close x shares in issue)"
    status, detail = _eligible(cap_value, deal.issuer.sp_asx_300, shares["7.1A"])
    return RuleCheck(rule, title, figure, limit, status, detail, cap_value, ELIGIBLE_CAP, "AUD")


def _eligible(cap_value: Decimal, in_index: bool | None, shares: int) -> tuple[str, str]:
    """The status and detail of 7.1A eligibility, from the market capitalisation and index membership."""
    if exact_over(cap_value):
        return BREACH, (
            f"Not an eligible entity: a market capitalisation of {cap_text(cap_value)} is above "
            f"A$300m, so the {shares:,} shares cannot be issued under LR 7.1A (use LR 7.1 or seek "
            "shareholders' approval)."
        )
    if in_index is None:
        return NOT_ENOUGH_DATA, (
            "Not enough data: the market capitalisation is A$300m or less; needs issuer.sp_asx_300 (true when "
            "the company is in the S&P/ASX 300 index, which makes it ineligible for LR 7.1A)."
        )
    if in_index:
        return BREACH, "Not an eligible entity: the company is in the S&P/ASX 300 (issuer.sp_asx_300 = true)."
    return PASS, (
        "An eligible entity: market capitalisation A$300m or less and outside the S&P/ASX 300 (measured here on "
        "the last close; the rule measures it at the date of the special resolution)."
    )


def exact_over(value: Decimal) -> bool:
    """True when a market capitalisation is above A$300m."""
    return value > ELIGIBLE_CAP


def cap_text(value: Decimal) -> str:
    """A market capitalisation in A$ millions, in full when rounding would put it on the A$300m limit."""
    shown = millions_text(value, "AUD")
    if value != ELIGIBLE_CAP and shown == millions_text(ELIGIBLE_CAP, "AUD"):
        return f"A${value:,}"
    return shown


def capacity_7_1(figures: Figures) -> RuleCheck:
    """ASX Listing Rule 7.1: the shares under the 15% capacity against what remains of it."""
    return _capacity(figures, "7.1", "15%")


def capacity_7_1a(figures: Figures) -> RuleCheck:
    """ASX Listing Rule 7.1A: the shares under the further 10% capacity against what remains of it."""
    return _capacity(figures, "7.1A", "10%")


def _capacity(figures: Figures, capacity: str, size: str) -> RuleCheck:
    deal = figures.deal
    p = deal.placing
    rule, title = f"ASX capacity under LR {capacity}", f"Shares within the {size} placement capacity"
    shares = shares_by_capacity(deal)
    if shares is None:
        return unchecked(rule, title, "-", NOT_ENOUGH_DATA, CAPACITY_MISSING)
    used = shares[capacity]
    if used == 0:
        return unchecked(rule, title, "-", NOT_APPLICABLE, f"No shares are issued under LR {capacity}.")
    figure = f"{used:,} shares under LR {capacity}"
    if p.shares_outstanding is not None:
        figure += f" ({percent_text(Decimal(used) / p.shares_outstanding)} of the shares outstanding)"
    remaining = p.remaining_7_1 if capacity == "7.1" else p.remaining_7_1a
    field = "placing.remaining_7_1" if capacity == "7.1" else "placing.remaining_7_1a"
    unconfirmed = False  # the capacity from mandate_limit with mandate_used not given
    if remaining is not None:
        limit = f"{remaining:,} shares remaining under LR {capacity} ({field})"
    elif p.mandate_limit is not None and not p.tranches:
        remaining = p.mandate_limit - (p.mandate_used or 0)
        unconfirmed = p.mandate_used is None
        limit = f"{remaining:,} shares available ({p.mandate_limit:,} placing.mandate_limit less {used_text(p.mandate_used)})"
    else:
        return unchecked(
            rule,
            title,
            "-",
            NOT_ENOUGH_DATA,
            f"Not enough data: needs {field} (the shares still available under LR {capacity} before this "
            f"deal, as the issuer discloses it; the {size} is of the ordinary securities on issue 12 months "
            "before, adjusted under the rule, so it is not computed from placing.shares_outstanding; or give "
            "placing.shares_at_period_start with [[placing.prior_issues]] to compute it).",
            figure=figure,
        )
    headroom = remaining - used
    return headroom_check(
        (rule, title, figure, limit),
        headroom,
        use_known=not unconfirmed,
        unknown_use=f"The placing fits LR {capacity} only if no shares were issued under it before; "
        "needs placing.mandate_used (0 when none were).",
        remains=f"{headroom:,} shares of the LR {capacity} capacity remain after the placing.",
        exceeds=f"The placing exceeds the LR {capacity} capacity by {-headroom:,} shares; the excess needs "
        "shareholders' approval.",
    )


EXCHANGE = Exchange(
    code="ASX",
    currency="AUD",
    checks=(floor_check, eligibility, capacity_7_1, capacity_7_1a),
    price_rule=price_rule,
    ticks=TICKS,
    price_check=VWAP_FLOOR.rule,
    file_only=(OR_TRANCHES, OR_HISTORY),
    docs=(
        DocRow(
            "Listing Rule 7.1A",
            "price of the shares issued under **LR 7.1A** as a share of the 15-trading-day VWAP "
            "(`market.vwap_15d`, or computed from a history with volumes)",
            f"at least **{cap(FLOOR)}** (exactly {cap(FLOOR)} passes)",
            "pass, breach; not applicable when no share uses 7.1A (LR 7.1 has no floor); not enough data without "
            "`placing.capacity` or `[[placing.tranches]]`, or without the VWAP",
        ),
        DocRow(
            "eligible entity for LR 7.1A",
            "an issuer using LR 7.1A must be an **eligible entity**: market capitalisation (last close \u00d7 "
            "`shares_outstanding`) and `issuer.sp_asx_300`",
            "market capitalisation of **A$300m or less** and outside the S&P/ASX 300",
            "pass, breach (above A$300m, or in the index: ineligible); not applicable when no share uses 7.1A; "
            "not enough data without the market capitalisation, or without `issuer.sp_asx_300` at A$300m or less",
        ),
        DocRow(
            "capacity under LR 7.1 and under LR 7.1A (two checks)",
            "the shares of each capacity against what remains of it (`placing.remaining_7_1`, "
            "`placing.remaining_7_1a`; for a whole issue under one capacity, `mandate_limit` \u2212 `mandate_used`)",
            "up to what remains",
            "pass, breach; not applicable when no share uses it; not enough data without the remaining capacity",
        ),
    ),
)
